#include "libs/server/host_rate_limiter.h"

#include <utility>

#include "prometheus/counter.h"

namespace cs {

absl::StatusOr<std::unique_ptr<auth::RateLimiter>> MakeHostRateLimiter(
    const std::string& spec, Clock& clock, metrics::Metrics& metrics) {
  absl::StatusOr<auth::RateLimitPolicy> policy = auth::ParseRateLimitSpec(spec);
  if (!policy.ok()) return policy.status();
  if (!policy->enabled()) return nullptr;
  auto* refusals = &prometheus::BuildCounter()
                        .Name("cs_rate_limited_total")
                        .Help("Calls refused by the per-principal rate limit")
                        .Register(metrics.registry());
  auth::RateLimiter::Options options;
  // Family::Add is thread-safe and returns the existing counter per label.
  options.on_reject = [refusals](const std::string& role) {
    refusals->Add({{"role", role}}).Increment();
  };
  return std::make_unique<auth::RateLimiter>(*std::move(policy), clock,
                                             std::move(options));
}

}  // namespace cs
