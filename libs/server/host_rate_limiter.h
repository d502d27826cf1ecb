// The server's per-principal rate limiter (libs/auth/rate_limiter.h) built
// from --rate-limit, counting refusals in the Prometheus counter
// cs_rate_limited_total{role} (role: the role whose limit applied, or
// "default"). ServiceHost::Authorize consults it after authentication and
// before the role check, so refused and forbidden calls count alike.
#ifndef CS_LIBS_SERVER_HOST_RATE_LIMITER_H_
#define CS_LIBS_SERVER_HOST_RATE_LIMITER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "libs/auth/rate_limiter.h"
#include "libs/common/clock.h"
#include "libs/metrics/metrics.h"

namespace cs {

// Null when `spec` limits nobody (the default ""), so an unlimited server
// pays nothing per call. INVALID_ARGUMENT naming --rate-limit on a bad spec.
// `clock` and `metrics` must outlive the limiter.
absl::StatusOr<std::unique_ptr<auth::RateLimiter>> MakeHostRateLimiter(
    const std::string& spec, Clock& clock, metrics::Metrics& metrics);

}  // namespace cs

#endif  // CS_LIBS_SERVER_HOST_RATE_LIMITER_H_
