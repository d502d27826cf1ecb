#include "libs/common/ids.h"

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"

namespace cs {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int CrockfordValue(char c) {
  for (int i = 0; i < 32; ++i) {
    if (kCrockford[i] == c) return i;
  }
  return -1;
}

}  // namespace

std::string NewUlid(absl::Time now) {
  thread_local absl::BitGen gen;
  const uint64_t millis = static_cast<uint64_t>(absl::ToUnixMillis(now));
  uint64_t random_hi = absl::Uniform<uint64_t>(gen) & 0xFFFF;  // 16 bits
  uint64_t random_lo = absl::Uniform<uint64_t>(gen);           // 64 bits
  {
    // The process's latest millisecond and the random part issued last in
    // it: a later id of that millisecond takes the next value, so ids of one
    // process sort in issue order (the ULID spec's monotonic generation).
    ABSL_CONST_INIT static absl::Mutex last_mu(absl::kConstInit);
    static uint64_t last_millis ABSL_GUARDED_BY(last_mu) = 0;
    static uint64_t last_hi ABSL_GUARDED_BY(last_mu) = 0;
    static uint64_t last_lo ABSL_GUARDED_BY(last_mu) = 0;
    absl::MutexLock lock(&last_mu);
    const bool exhausted = last_hi == 0xFFFF && last_lo == UINT64_MAX;
    if (millis == last_millis && !exhausted) {
      random_lo = last_lo + 1;
      random_hi = last_hi + (random_lo == 0 ? 1 : 0);
    }
    if (millis >= last_millis) {
      last_millis = millis;
      last_hi = random_hi;
      last_lo = random_lo;
    }
  }
  std::string out(26, '0');
  // 10 chars of time (50 bits, top 2 always zero for 48-bit time).
  uint64_t time = millis;
  for (int i = 9; i >= 0; --i) {
    out[i] = kCrockford[time & 31];
    time >>= 5;
  }
  // 16 chars of randomness: 80 bits = hi(16) . lo(64).
  for (int i = 25; i >= 10; --i) {
    out[i] = kCrockford[random_lo & 31];
    random_lo = (random_lo >> 5) | ((random_hi & 31) << 59);
    random_hi >>= 5;
  }
  return out;
}

bool IsUlid(absl::string_view id) {
  if (id.size() != 26) return false;
  for (char c : id) {
    if (CrockfordValue(c) < 0) return false;
  }
  return id[0] <= '7';  // the first char holds only 3 bits
}

std::optional<std::string> CanonicalUlid(absl::string_view id) {
  std::string upper = absl::AsciiStrToUpper(id);
  if (!IsUlid(upper)) return std::nullopt;
  return upper;
}

std::optional<std::string> UlidOfName(absl::string_view name,
                                      absl::string_view prefix) {
  if (!absl::ConsumePrefix(&name, prefix)) return std::nullopt;
  return CanonicalUlid(name);
}

absl::Time UlidTime(absl::string_view id) {
  if (!IsUlid(id)) return absl::InfinitePast();
  uint64_t millis = 0;
  for (int i = 0; i < 10; ++i) millis = (millis << 5) | CrockfordValue(id[i]);
  return absl::FromUnixMillis(static_cast<int64_t>(millis));
}

std::string NewUlidAfter(absl::Time now, absl::string_view last) {
  static constexpr absl::string_view kCrockford =
      "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string id = NewUlid(now);
  if (id > last) return id;
  id = std::string(last);
  for (size_t i = id.size(); i-- > 0;) {
    const size_t digit = kCrockford.find(id[i]);
    if (digit + 1 < kCrockford.size()) {
      id[i] = kCrockford[digit + 1];
      break;
    }
    id[i] = kCrockford[0];
  }
  return id;
}

}  // namespace cs
