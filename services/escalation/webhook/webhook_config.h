// escalation-server's webhook settings: the flags as given, and their
// validation into WebhookNotifier::Options (reading the secret file).
//
//   WebhookFlags flags;            // filled by ConfigParser in main
//   ASSIGN_OR_RETURN(std::optional<WebhookNotifier::Options> options,
//                    WebhookOptionsFromFlags(flags));   // nullopt: no webhook
#ifndef CS_SERVICES_ESCALATION_WEBHOOK_WEBHOOK_CONFIG_H_
#define CS_SERVICES_ESCALATION_WEBHOOK_WEBHOOK_CONFIG_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/common/config.h"
#include "services/escalation/webhook/webhook_notifier.h"

namespace cs::escalation {

struct WebhookFlags {
  std::string url;          // empty: no webhook
  std::string secret_file;  // required with url
  std::string recipients;   // comma-separated person ids
  std::string roles;        // comma-separated role names
  absl::Duration timeout = absl::Seconds(10);
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Minutes(5);
  int max_attempts = 0;
};

// Registers --webhook-url, --webhook-secret-file, --webhook-recipients,
// --webhook-roles, --webhook-timeout, --webhook-initial-backoff,
// --webhook-max-backoff and --webhook-max-attempts on `parser`.
void RegisterWebhookFlags(ConfigParser& parser, WebhookFlags* flags);

// nullopt when no URL is set. INVALID_ARGUMENT naming the flag for a URL
// that is not http(s)://, a missing or unreadable secret file, a secret
// shorter than 16 bytes (surrounding whitespace is ignored), an unknown
// role, or initial backoff > max backoff.
absl::StatusOr<std::optional<WebhookNotifier::Options>> WebhookOptionsFromFlags(
    const WebhookFlags& flags);

}  // namespace cs::escalation

#endif  // CS_SERVICES_ESCALATION_WEBHOOK_WEBHOOK_CONFIG_H_
