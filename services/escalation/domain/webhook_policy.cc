#include "services/escalation/domain/webhook_policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace cs::escalation {

bool WebhookFilter::Matches(const v1::Notification& notification) const {
  if (recipients.empty() && roles.empty()) return true;
  auto contains = [](const std::vector<std::string>& list,
                     const std::string& value) {
    return !value.empty() &&
           std::find(list.begin(), list.end(), value) != list.end();
  };
  return contains(recipients, notification.recipient()) ||
         contains(roles, notification.role());
}

absl::StatusOr<std::string> WebhookBody(const v1::Notification& notification,
                                        absl::string_view delivery_id) {
  v1::WebhookPayload payload;
  payload.set_delivery_id(std::string(delivery_id));
  *payload.mutable_notification() = notification;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string body;
  auto printed =
      google::protobuf::util::MessageToJsonString(payload, &body, options);
  if (!printed.ok()) {
    return absl::InternalError(
        absl::StrCat("webhook body: ", printed.ToString()));
  }
  return body;
}

DeliveryOutcome ClassifyResponse(int http_status) {
  if (http_status >= 200 && http_status < 300) {
    return DeliveryOutcome::kDelivered;
  }
  if (http_status >= 400 && http_status < 500 && http_status != 429) {
    return DeliveryOutcome::kDeadLetter;
  }
  return DeliveryOutcome::kRetry;
}

absl::Duration BackoffDelay(const RetryPolicy& policy, int failed_attempts,
                            double unit) {
  absl::Duration d = policy.initial_backoff;
  for (int i = 1; i < failed_attempts && d < policy.max_backoff; ++i) d *= 2;
  d = std::min(d, policy.max_backoff);
  unit = std::clamp(unit, 0.0, 1.0);
  return d / 2 + (d / 2) * unit;
}

}  // namespace cs::escalation
