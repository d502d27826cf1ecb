// Signatures of the escalation webhook's POSTs (HMAC-SHA256, OpenSSL).
//
// The header value is "t=<unix seconds>,v1=<64 lower-case hex digits>", the
// hex being HMAC-SHA256(secret, "<unix seconds>." + body). A receiver
// recomputes it over the raw body bytes, compares in constant time and
// rejects timestamps too far from its own clock (replays):
//
//   ASSIGN_OR_RETURN(std::string header, SignWebhook(secret, 1800000000, body));
//   // → X-CS-Signature: t=1800000000,v1=5f0c…
//   RETURN_IF_ERROR(VerifyWebhookSignature(secret, header, body, now,
//                                          absl::Minutes(5)));
//
// Pure and thread-safe.
#ifndef CS_SERVICES_ESCALATION_DOMAIN_WEBHOOK_SIGNATURE_H_
#define CS_SERVICES_ESCALATION_DOMAIN_WEBHOOK_SIGNATURE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cs::escalation {

inline constexpr absl::string_view kSignatureHeader = "X-CS-Signature";
inline constexpr absl::string_view kDeliveryHeader = "X-CS-Delivery";
inline constexpr absl::string_view kAttemptHeader = "X-CS-Delivery-Attempt";

// The X-CS-Signature value for `body` sent at `unix_seconds`. INTERNAL only
// when the crypto library fails.
absl::StatusOr<std::string> SignWebhook(absl::string_view secret,
                                        int64_t unix_seconds,
                                        absl::string_view body);

// OK when `header` is a well-formed signature of `body` under `secret` whose
// timestamp is within `tolerance` of `now`. UNAUTHENTICATED (saying which
// check failed) otherwise.
absl::Status VerifyWebhookSignature(absl::string_view secret,
                                    absl::string_view header,
                                    absl::string_view body, absl::Time now,
                                    absl::Duration tolerance);

}  // namespace cs::escalation

#endif  // CS_SERVICES_ESCALATION_DOMAIN_WEBHOOK_SIGNATURE_H_
