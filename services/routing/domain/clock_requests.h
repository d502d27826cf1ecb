// Validation of the SLA clock requests (StartClock, UpdateClock), free of
// the store so that the service and the request fuzzer share it. Each
// function returns INVALID_ARGUMENT naming the field at fault.
#ifndef CS_SERVICES_ROUTING_DOMAIN_CLOCK_REQUESTS_H_
#define CS_SERVICES_ROUTING_DOMAIN_CLOCK_REQUESTS_H_

#include <cstddef>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cs/routing/v1/routing.pb.h"

namespace cs::routing {

// Longest reason a clock transition may carry, in characters.
inline constexpr size_t kMaxReasonChars = 200;

// Valid UTF-8 without control characters, at most `max_chars` characters.
absl::Status CheckText(absl::string_view field, absl::string_view text,
                       size_t max_chars);

// The state a transition leads to; UNSPECIFIED for anything but PAUSE,
// RESUME, FULFIL and STOP.
v1::ClockState StateAfter(v1::ClockTransition transition);

// Subject, kind, target (positive, ≤ 10 years), calendar (one of
// `calendars`), grade, texts and start_time (valid, not after `now`).
absl::Status ValidateStartClock(const v1::StartClockRequest& req,
                                const std::set<std::string>& calendars,
                                absl::Time now);

// Subject, kind, transition and reason.
absl::Status ValidateUpdateClock(const v1::UpdateClockRequest& req);

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_DOMAIN_CLOCK_REQUESTS_H_
