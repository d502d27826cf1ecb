// A latency histogram with logarithmic buckets and a bounded relative error,
// in the manner of HdrHistogram: values below 2^kSubBucketBits get one bucket
// each (exact); above that every power of two [2^k, 2^(k+1)) is split into
// 2^kSubBucketBits equal buckets. A bucket [lo, hi) therefore satisfies
// (hi - lo) <= lo / 2^kSubBucketBits, and a percentile answered with the
// bucket midpoint is within kMaxRelativeError (1/256, about 0.4 %) of the
// true nearest-rank value.
//
//   cs::csbench::LogHistogram latency;        // one per thread: not locked
//   latency.Record(absl::ToInt64Nanoseconds(elapsed));
//   ...
//   total.Merge(latency);                     // at the end
//   uint64_t p99_ns = total.Percentile(0.99);
//
// Values are unsigned 64-bit integers (the benchmarks record nanoseconds).
// Memory grows with the largest value recorded (about 128 counters per
// power of two: 2.3k counters, 18 KiB, for values up to 10 s in ns).
// Not thread-safe: give each thread its own and Merge.
#ifndef CS_TOOLS_CSBENCH_HISTOGRAM_H_
#define CS_TOOLS_CSBENCH_HISTOGRAM_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cs::csbench {

class LogHistogram {
 public:
  // Each power of two is split into 2^kSubBucketBits buckets.
  static constexpr int kSubBucketBits = 7;
  static constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBucketBits;
  // Bound on |Percentile(q) - exact| / exact for any recorded distribution.
  static constexpr double kMaxRelativeError = 1.0 / (2 * kSubBuckets);

  // Adds one observation (`count` of them).
  void Record(uint64_t value, uint64_t count = 1);

  // Adds every observation of `other`.
  void Merge(const LogHistogram& other);

  // Forgets every observation.
  void Clear();

  uint64_t count() const { return count_; }
  // Exact smallest / largest value recorded; 0 when empty.
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  uint64_t max() const { return max_; }
  // Exact mean (sum kept in long double); 0 when empty.
  double Mean() const;

  // The nearest-rank q-quantile (q in [0, 1]; 0.5 = median, 0.999 = p99.9):
  // the value of the ceil(q * count)-th smallest observation, up to the
  // bucket resolution, clamped to [min(), max()]. q <= 0 gives min(), q >= 1
  // gives max(). 0 when empty.
  uint64_t Percentile(double q) const;

  // Bucket arithmetic, exposed for tests. BucketIndex(v) is the bucket of v;
  // BucketLow/BucketHigh its inclusive lower and exclusive upper bound
  // (BucketHigh saturates at UINT64_MAX for the last bucket).
  static size_t BucketIndex(uint64_t value);
  static uint64_t BucketLow(size_t index);
  static uint64_t BucketHigh(size_t index);

 private:
  std::vector<uint64_t> counts_;  // grows to the largest index recorded
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace cs::csbench

#endif  // CS_TOOLS_CSBENCH_HISTOGRAM_H_
