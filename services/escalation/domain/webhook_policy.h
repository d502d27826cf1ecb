// What the escalation webhook sends and how it reacts to the answer: which
// notifications go out, the JSON body, the outcome of an HTTP status and the
// backoff between attempts. No I/O (webhook/webhook_notifier.h does that).
//
//   WebhookFilter filter{.roles = {"director"}};
//   if (filter.Matches(n)) body = WebhookBody(n, event.event_id());
//   switch (ClassifyResponse(503)) { case DeliveryOutcome::kRetry: ... }
//   absl::Duration wait = BackoffDelay(policy, /*failed_attempts=*/3, 0.42);
//
// Pure and thread-safe.
#ifndef CS_SERVICES_ESCALATION_DOMAIN_WEBHOOK_POLICY_H_
#define CS_SERVICES_ESCALATION_DOMAIN_WEBHOOK_POLICY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cs/escalation/v1/escalation.pb.h"

namespace cs::escalation {

// Which notifications are POSTed. Both lists empty: every notification;
// otherwise those whose recipient is in `recipients` or whose role is in
// `roles`.
struct WebhookFilter {
  std::vector<std::string> recipients;
  std::vector<std::string> roles;

  bool Matches(const v1::Notification& notification) const;
};

// The POST body: v1::WebhookPayload as protobuf JSON with snake_case names,
// UTF-8 left as is (Chinese is not \u-escaped). INTERNAL if printing fails.
absl::StatusOr<std::string> WebhookBody(const v1::Notification& notification,
                                        absl::string_view delivery_id);

enum class DeliveryOutcome {
  kDelivered,   // 2xx
  kRetry,       // no response (0), 429, 5xx, or anything unexpected (1xx/3xx)
  kDeadLetter,  // 4xx other than 429: sending it again cannot help
};

// `http_status` 0 means no HTTP response (refused, reset, timeout).
DeliveryOutcome ClassifyResponse(int http_status);

struct RetryPolicy {
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Minutes(5);
  // Attempts before a retryable failure is dead-lettered; 0 = never give up
  // (a receiver outage then only delays delivery).
  int max_attempts = 0;
};

// The wait after `failed_attempts` (≥ 1) failures in a row:
// d = min(max_backoff, initial_backoff · 2^(failed_attempts−1)), spread by
// jitter over [d/2, d] with `unit` ∈ [0, 1] (a uniform random number), so
// many senders do not retry in step.
absl::Duration BackoffDelay(const RetryPolicy& policy, int failed_attempts,
                            double unit);

}  // namespace cs::escalation

#endif  // CS_SERVICES_ESCALATION_DOMAIN_WEBHOOK_POLICY_H_
