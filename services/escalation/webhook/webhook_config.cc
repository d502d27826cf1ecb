#include "services/escalation/webhook/webhook_config.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/auth/roles.h"
#include "libs/common/files.h"

namespace cs::escalation {
namespace {

constexpr size_t kMinSecretBytes = 16;

std::vector<std::string> List(absl::string_view csv) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(csv, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

}  // namespace

void RegisterWebhookFlags(ConfigParser& parser, WebhookFlags* flags) {
  parser.AddString("webhook-url", &flags->url,
                   "POST every notification here as signed JSON "
                   "(http:// or https://; empty: no webhook)");
  parser.AddString("webhook-secret-file", &flags->secret_file,
                   "file holding the HMAC-SHA256 key of X-CS-Signature "
                   "(>= 16 bytes; required with --webhook-url)");
  parser.AddString("webhook-recipients", &flags->recipients,
                   "only notifications to these people (comma-separated)");
  parser.AddString("webhook-roles", &flags->roles,
                   "only notifications to these roles (comma-separated); "
                   "with --webhook-recipients: either matches");
  parser.AddDuration("webhook-timeout", &flags->timeout,
                     "time limit of one POST", absl::Milliseconds(100),
                     absl::Minutes(5));
  parser.AddDuration("webhook-initial-backoff", &flags->initial_backoff,
                     "first wait before a retry (doubles each time)",
                     absl::Milliseconds(10), absl::Hours(1));
  parser.AddDuration("webhook-max-backoff", &flags->max_backoff,
                     "longest wait between retries", absl::Milliseconds(10),
                     absl::Hours(24));
  parser.AddInt("webhook-max-attempts", &flags->max_attempts,
                "dead-letter after this many failed attempts (0: retry for "
                "ever; a receiver outage only delays)",
                0, 1000000);
}

absl::StatusOr<std::optional<WebhookNotifier::Options>> WebhookOptionsFromFlags(
    const WebhookFlags& flags) {
  if (flags.url.empty()) return std::nullopt;
  if (!absl::StartsWith(flags.url, "http://") &&
      !absl::StartsWith(flags.url, "https://")) {
    return absl::InvalidArgumentError(
        "--webhook-url must start with http:// or https://");
  }
  if (flags.secret_file.empty()) {
    return absl::InvalidArgumentError(
        "--webhook-secret-file is required with --webhook-url");
  }
  absl::StatusOr<std::string> secret = ReadFileToString(flags.secret_file);
  if (!secret.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--webhook-secret-file: ", secret.status().message()));
  }
  WebhookNotifier::Options options;
  options.url = flags.url;
  options.secret = std::string(absl::StripAsciiWhitespace(*secret));
  if (options.secret.size() < kMinSecretBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("--webhook-secret-file: the secret must have at least ",
                     kMinSecretBytes, " bytes"));
  }
  options.filter.recipients = List(flags.recipients);
  options.filter.roles = List(flags.roles);
  for (const std::string& role : options.filter.roles) {
    if (!auth::RoleFromName(role).ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--webhook-roles: unknown role \"", role, "\""));
    }
  }
  if (flags.initial_backoff > flags.max_backoff) {
    return absl::InvalidArgumentError(
        "--webhook-initial-backoff must not exceed --webhook-max-backoff");
  }
  options.retry = {.initial_backoff = flags.initial_backoff,
                   .max_backoff = flags.max_backoff,
                   .max_attempts = flags.max_attempts};
  return options;
}

}  // namespace cs::escalation
