// Per-principal request rate limits: one token bucket per token subject,
// with the rate chosen by the caller's roles, answering RESOURCE_EXHAUSTED
// with a google.rpc.RetryInfo detail once the bucket is empty.
//
//   absl::StatusOr<cs::auth::RateLimitPolicy> policy =
//       cs::auth::ParseRateLimitSpec("default=200/s:burst=400,service=0");
//   cs::auth::RateLimiter limiter(*policy, clock);
//   RETURN_IF_ERROR(limiter.Admit(principal));   // once per call
//
// Time comes from the injected Clock, so a ManualClock refills buckets only
// when it is advanced (tests need no sleeps; a --clock=manual server refills
// only as its test clock moves). Knows nothing of gRPC.
#ifndef CS_LIBS_AUTH_RATE_LIMITER_H_
#define CS_LIBS_AUTH_RATE_LIMITER_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "libs/auth/roles.h"
#include "libs/common/clock.h"

namespace cs::auth {

// Type URL of the RetryInfo detail on a refusal.
inline constexpr absl::string_view kRetryInfoTypeUrl =
    "type.googleapis.com/google.rpc.RetryInfo";

// A sustained rate with a burst allowance; per_second == 0 means unlimited.
struct RateLimit {
  double per_second = 0;
  double burst = 0;  // bucket capacity (calls), >= 1 when limited
  std::string text;  // as written in the spec, e.g. "200/s:burst=400"

  bool unlimited() const { return per_second <= 0; }
};

// Which limit applies to whom. A principal gets the most generous limit
// among its roles that have one (unlimited beats any rate); with none of its
// roles listed, the default; with no default either, no limit.
struct RateLimitPolicy {
  std::optional<RateLimit> by_role[kRoleCount];
  std::optional<RateLimit> fallback;  // "default=" in the spec

  // True when some principal could ever be refused.
  bool enabled() const;
  // The limit for `roles` and the label naming where it came from (a role
  // name or "default"); nullopt when unlimited.
  std::optional<std::pair<RateLimit, std::string>> For(RoleSet roles) const;
};

// Parses the --rate-limit value: comma-separated `<key>=<limit>` entries,
// key "default" or a role wire name ("agent", "service", ...), limit "0"
// (unlimited) or `<calls>/<s|m|h>[:burst=<calls>]` (burst defaults to one
// unit's calls). "" is an empty policy (no limits). INVALID_ARGUMENT naming
// --rate-limit and the offending entry on any error (unknown role,
// duplicate key, zero or malformed numbers).
absl::StatusOr<RateLimitPolicy> ParseRateLimitSpec(absl::string_view spec);

// Thread-safe. Memory is bounded by Options::max_principals buckets.
class RateLimiter {
 public:
  struct Options {
    // Buckets kept at most. When full, buckets that have refilled (idle
    // principals; dropping them loses nothing) are evicted; if none has, the
    // least recently seen one is, which grants that principal a fresh burst.
    size_t max_principals = 10000;
    // Called with the limit's label on every refusal (metrics), outside the
    // limiter's lock; may be empty. Must be thread-safe.
    std::function<void(const std::string& label)> on_reject;
  };

  // `clock` must outlive the limiter.
  RateLimiter(RateLimitPolicy policy, Clock& clock, Options options);
  RateLimiter(RateLimitPolicy policy, Clock& clock)
      : RateLimiter(std::move(policy), clock, Options()) {}

  // Takes one call from the bucket of `who.subject`. OK when a token was
  // available (or `who` is unlimited); otherwise RESOURCE_EXHAUSTED naming
  // the subject and the limit, with a RetryInfo detail (retry_delay = time
  // until the next token, rounded up to the millisecond) and ErrorInfo
  // RATE_LIMITED {principal, limit}. A refused call takes no token.
  absl::Status Admit(const Principal& who);

  // Buckets currently held (for tests of the memory bound).
  size_t TrackedPrincipals() const;

 private:
  struct Bucket {
    double tokens = 0;  // calls available at `last`
    absl::Time last;
    RateLimit limit;  // the principal's limit at its latest call
  };
  void EvictLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const RateLimitPolicy policy_;
  Clock& clock_;
  const Options options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

// The RetryInfo delay carried by `status`; nullopt when it has none.
std::optional<absl::Duration> RetryDelayOf(const absl::Status& status);

}  // namespace cs::auth

#endif  // CS_LIBS_AUTH_RATE_LIMITER_H_
