#include "tools/csbench/histogram.h"

#include <algorithm>
#include <cmath>

namespace cs::csbench {
namespace {

int MostSignificantBit(uint64_t value) {  // value > 0
  return 63 - __builtin_clzll(value);
}

}  // namespace

size_t LogHistogram::BucketIndex(uint64_t value) {
  if (value < kSubBuckets) return static_cast<size_t>(value);
  const int shift = MostSignificantBit(value) - kSubBucketBits;  // >= 0
  const uint64_t sub = (value >> shift) - kSubBuckets;           // [0, 2^S)
  return static_cast<size_t>((static_cast<uint64_t>(shift) + 1) * kSubBuckets +
                             sub);
}

uint64_t LogHistogram::BucketLow(size_t index) {
  if (index < kSubBuckets) return index;
  const uint64_t shift = index / kSubBuckets - 1;
  const uint64_t sub = index % kSubBuckets;
  return (kSubBuckets + sub) << shift;
}

uint64_t LogHistogram::BucketHigh(size_t index) {
  if (index < kSubBuckets) return index + 1;
  const uint64_t shift = index / kSubBuckets - 1;
  const uint64_t low = BucketLow(index);
  const uint64_t width = uint64_t{1} << shift;
  return low > UINT64_MAX - width ? UINT64_MAX : low + width;
}

void LogHistogram::Record(uint64_t value, uint64_t count) {
  if (count == 0) return;
  const size_t index = BucketIndex(value);
  if (index >= counts_.size()) counts_.resize(index + 1, 0);
  counts_[index] += count;
  count_ += count;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += static_cast<long double>(value) * count;
}

void LogHistogram::Merge(const LogHistogram& other) {
  if (other.count_ == 0) return;
  if (other.counts_.size() > counts_.size()) {
    counts_.resize(other.counts_.size(), 0);
  }
  for (size_t i = 0; i < other.counts_.size(); ++i)
    counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

void LogHistogram::Clear() { *this = LogHistogram(); }

double LogHistogram::Mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / count_);
}

uint64_t LogHistogram::Percentile(double q) const {
  if (count_ == 0) return 0;
  if (q <= 0) return min_;
  if (q >= 1) return max_;
  // Nearest rank, 1-based. The small margin keeps q * n that is an integer
  // in decimal (0.9 * 10) from rounding up because of binary fractions.
  const long double n = static_cast<long double>(count_);
  long double wanted = std::ceil(static_cast<long double>(q) * n - n * 1e-12L);
  uint64_t rank = wanted < 1 ? 1 : static_cast<uint64_t>(wanted);
  rank = std::min(rank, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const uint64_t low = BucketLow(i);
      const uint64_t high = BucketHigh(i);  // exclusive
      const uint64_t mid = low + (high - low - 1) / 2;
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;  // not reached: the counts sum to count_
}

}  // namespace cs::csbench
