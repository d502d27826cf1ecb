#include "libs/auth/rate_limiter.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/rpc/error_details.pb.h"
#include "libs/common/errors.h"
#include "libs/common/time_proto.h"

namespace cs::auth {
namespace {

constexpr absl::string_view kBurstPrefix = "burst=";

absl::Status SpecError(absl::string_view entry, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("--rate-limit: entry \"", absl::CEscape(entry), "\" ", why,
                   " (expected e.g. default=200/s:burst=400,service=0)"));
}

// A positive whole number of calls (at most a billion).
bool ParseCalls(absl::string_view text, int64_t* calls) {
  return absl::SimpleAtoi(text, calls) && *calls > 0 && *calls <= 1000000000;
}

absl::StatusOr<RateLimit> ParseLimit(absl::string_view entry,
                                     absl::string_view text) {
  RateLimit limit;
  limit.text = std::string(text);
  if (text == "0") return limit;
  std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  if (parts.size() > 2) return SpecError(entry, "has more than one ':'");
  std::vector<absl::string_view> rate = absl::StrSplit(parts[0], '/');
  int64_t calls = 0;
  if (rate.size() != 2 || !ParseCalls(rate[0], &calls)) {
    return SpecError(entry, "needs <calls>/<s|m|h> with calls > 0, or 0");
  }
  double unit_seconds = 0;
  if (rate[1] == "s") unit_seconds = 1;
  if (rate[1] == "m") unit_seconds = 60;
  if (rate[1] == "h") unit_seconds = 3600;
  if (unit_seconds == 0)
    return SpecError(entry, "has a unit other than s, m, h");
  limit.per_second = static_cast<double>(calls) / unit_seconds;
  limit.burst = static_cast<double>(calls);
  if (parts.size() == 2) {
    int64_t burst = 0;
    if (!absl::StartsWith(parts[1], kBurstPrefix) ||
        !ParseCalls(parts[1].substr(kBurstPrefix.size()), &burst)) {
      return SpecError(entry, "needs :burst=<calls> with calls > 0");
    }
    limit.burst = static_cast<double>(burst);
  }
  return limit;
}

}  // namespace

bool RateLimitPolicy::enabled() const {
  if (fallback.has_value() && !fallback->unlimited()) return true;
  for (const auto& limit : by_role) {
    if (limit.has_value() && !limit->unlimited()) return true;
  }
  return false;
}

std::optional<std::pair<RateLimit, std::string>> RateLimitPolicy::For(
    RoleSet roles) const {
  std::optional<std::pair<RateLimit, std::string>> best;
  for (Role role : roles.ToVector()) {
    const std::optional<RateLimit>& limit = by_role[static_cast<int>(role)];
    if (!limit.has_value()) continue;
    if (limit->unlimited()) return std::nullopt;
    if (!best || limit->per_second > best->first.per_second ||
        (limit->per_second == best->first.per_second &&
         limit->burst > best->first.burst)) {
      best.emplace(*limit, std::string(RoleName(role)));
    }
  }
  if (best) return best;
  if (fallback.has_value() && !fallback->unlimited()) {
    return std::make_pair(*fallback, std::string("default"));
  }
  return std::nullopt;
}

absl::StatusOr<RateLimitPolicy> ParseRateLimitSpec(absl::string_view spec) {
  RateLimitPolicy policy;
  if (absl::StripAsciiWhitespace(spec).empty()) return policy;
  for (absl::string_view raw : absl::StrSplit(spec, ',')) {
    absl::string_view entry = absl::StripAsciiWhitespace(raw);
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(entry, absl::MaxSplits('=', 1));
    if (entry.empty() || kv.first.empty() || !absl::StrContains(entry, '=')) {
      return SpecError(entry, "is not <role|default>=<limit>");
    }
    std::optional<RateLimit>* slot = &policy.fallback;
    if (kv.first != "default") {
      absl::StatusOr<Role> role = RoleFromName(kv.first);
      if (!role.ok()) {
        return SpecError(entry, absl::StrCat("names no role (roles: ",
                                             RoleSet::All().ToString(), ")"));
      }
      slot = &policy.by_role[static_cast<int>(*role)];
    }
    if (slot->has_value()) return SpecError(entry, "repeats its key");
    absl::StatusOr<RateLimit> limit = ParseLimit(entry, kv.second);
    if (!limit.ok()) return limit.status();
    *slot = *std::move(limit);
  }
  return policy;
}

RateLimiter::RateLimiter(RateLimitPolicy policy, Clock& clock, Options options)
    : policy_(std::move(policy)), clock_(clock), options_(std::move(options)) {}

absl::Status RateLimiter::Admit(const Principal& who) {
  std::optional<std::pair<RateLimit, std::string>> applies =
      policy_.For(who.roles);
  if (!applies) return absl::OkStatus();
  const RateLimit& limit = applies->first;
  const absl::Time now = clock_.Now();
  double missing = 0;
  {
    absl::MutexLock lock(&mu_);
    auto it = buckets_.find(who.subject);
    if (it == buckets_.end()) {
      if (buckets_.size() >= options_.max_principals) EvictLocked(now);
      it = buckets_.emplace(who.subject, Bucket{limit.burst, now, limit}).first;
    }
    Bucket& bucket = it->second;
    // A clock that stepped back refills nothing.
    const double elapsed =
        std::max(0.0, absl::ToDoubleSeconds(now - bucket.last));
    bucket.tokens =
        std::min(limit.burst, bucket.tokens + elapsed * limit.per_second);
    bucket.last = now;
    bucket.limit = limit;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return absl::OkStatus();
    }
    missing = 1 - bucket.tokens;
  }
  if (options_.on_reject) options_.on_reject(applies->second);
  const absl::Duration delay = absl::Ceil(
      absl::Seconds(missing / limit.per_second), absl::Milliseconds(1));
  google::rpc::RetryInfo retry;
  *retry.mutable_retry_delay() = ToProtoDuration(delay);
  absl::Status status = WithErrorInfo(
      absl::ResourceExhaustedError(absl::StrCat(
          "rate limit of ", who.subject, " exceeded (", applies->second, " ",
          limit.text, "); retry in ", absl::FormatDuration(delay))),
      "RATE_LIMITED", {{"principal", who.subject}, {"limit", limit.text}});
  status.SetPayload(kRetryInfoTypeUrl, absl::Cord(retry.SerializeAsString()));
  return status;
}

void RateLimiter::EvictLocked(absl::Time now) {
  auto oldest = buckets_.end();
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const Bucket& b = it->second;
    const double refilled =
        b.tokens + absl::ToDoubleSeconds(now - b.last) * b.limit.per_second;
    if (refilled >= b.limit.burst) {
      buckets_.erase(it++);
      continue;
    }
    if (oldest == buckets_.end() || b.last < oldest->second.last) oldest = it;
    ++it;
  }
  if (buckets_.size() >= options_.max_principals && oldest != buckets_.end()) {
    buckets_.erase(oldest);
  }
}

size_t RateLimiter::TrackedPrincipals() const {
  absl::MutexLock lock(&mu_);
  return buckets_.size();
}

std::optional<absl::Duration> RetryDelayOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kRetryInfoTypeUrl);
  if (!payload) return std::nullopt;
  google::rpc::RetryInfo retry;
  if (!retry.ParseFromString(std::string(*payload))) return std::nullopt;
  return FromProtoDuration(retry.retry_delay());
}

}  // namespace cs::auth
