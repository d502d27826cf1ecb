#include "tools/csbench/histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace cs::csbench {
namespace {

// The exact nearest-rank quantile num/den of sorted `values`: the
// ceil(n * num / den)-th smallest.
uint64_t ExactQuantile(const std::vector<uint64_t>& sorted, uint64_t num,
                       uint64_t den) {
  const uint64_t n = sorted.size();
  uint64_t rank = (n * num + den - 1) / den;
  rank = std::clamp<uint64_t>(rank, 1, n);
  return sorted[rank - 1];
}

void ExpectWithinBound(uint64_t reported, uint64_t exact) {
  const double error =
      std::abs(static_cast<double>(reported) - static_cast<double>(exact));
  EXPECT_LE(error, LogHistogram::kMaxRelativeError * static_cast<double>(exact))
      << "reported " << reported << " exact " << exact;
}

TEST(LogHistogramTest, EmptyReportsZeros) {
  LogHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.Mean(), 0.0);
  EXPECT_EQ(h.Percentile(0.5), 0u);
  EXPECT_EQ(h.Percentile(0.999), 0u);
}

TEST(LogHistogramTest, SmallValuesAreExact) {
  LogHistogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.Percentile(0.5), 50u);
  EXPECT_EQ(h.Percentile(0.9), 90u);
  EXPECT_EQ(h.Percentile(0.99), 99u);
  EXPECT_EQ(h.Percentile(0.999), 100u);
  EXPECT_EQ(h.Percentile(0), 1u);
  EXPECT_EQ(h.Percentile(1), 100u);
  EXPECT_DOUBLE_EQ(h.Mean(), 50.5);
}

TEST(LogHistogramTest, DecimalQuantilesDoNotRoundUpARank) {
  // 0.9 is slightly above 9/10 in binary; the rank must still be 9 of 10.
  LogHistogram h;
  for (uint64_t v = 1; v <= 10; ++v) h.Record(v * 10);  // exact buckets
  EXPECT_EQ(h.Percentile(0.9), 90u);
  EXPECT_EQ(h.Percentile(0.1), 10u);
  EXPECT_EQ(h.Percentile(0.7), 70u);
}

TEST(LogHistogramTest, SingleValueIsReportedExactlyThroughClamping) {
  LogHistogram h;
  h.Record(123456789);
  EXPECT_EQ(h.Percentile(0.5), 123456789u);
  EXPECT_EQ(h.Percentile(0.999), 123456789u);
  EXPECT_EQ(h.min(), 123456789u);
  EXPECT_EQ(h.max(), 123456789u);
}

TEST(LogHistogramTest, EveryValueFallsInsideItsBucket) {
  std::vector<uint64_t> probes = {0, 1, 127, 128, 129, 255, 256, 257};
  for (int bit = 8; bit < 64; ++bit) {
    const uint64_t p = uint64_t{1} << bit;
    probes.insert(probes.end(), {p - 1, p, p + 1, p + p / 3});
  }
  probes.push_back(UINT64_MAX);
  std::mt19937_64 random(7);
  for (int i = 0; i < 100000; ++i)
    probes.push_back(random() >> (random() % 64));
  for (uint64_t v : probes) {
    const size_t index = LogHistogram::BucketIndex(v);
    const uint64_t low = LogHistogram::BucketLow(index);
    const uint64_t high = LogHistogram::BucketHigh(index);
    ASSERT_LE(low, v) << v;
    if (v != UINT64_MAX) {
      ASSERT_LT(v, high) << v;
    }
    // The bound that gives the relative error: width <= low / 2^bits.
    if (low >= LogHistogram::kSubBuckets) {
      ASSERT_LE(static_cast<double>(high - low),
                static_cast<double>(low) / LogHistogram::kSubBuckets + 1)
          << v;
    } else {
      ASSERT_EQ(high - low, 1u) << v;
    }
  }
}

TEST(LogHistogramTest, BucketsAreContiguousAndIncreasing) {
  for (size_t i = 0; i + 1 < 57 * LogHistogram::kSubBuckets; ++i) {
    ASSERT_EQ(LogHistogram::BucketHigh(i), LogHistogram::BucketLow(i + 1)) << i;
    ASSERT_EQ(LogHistogram::BucketIndex(LogHistogram::BucketLow(i)), i);
  }
}

TEST(LogHistogramTest, PercentilesWithinRelativeErrorOfExact) {
  // Latency-like data over six decades (1 µs .. 1 s in ns), log-uniform, plus
  // a heavy tail, checked against the exact nearest-rank quantiles.
  std::mt19937_64 random(42);
  std::uniform_real_distribution<double> exponent(3.0, 9.0);
  std::vector<uint64_t> values;
  LogHistogram h;
  for (int i = 0; i < 200000; ++i) {
    uint64_t v = static_cast<uint64_t>(std::pow(10.0, exponent(random)));
    if (i % 1000 == 0) v *= 50;  // rare slow calls
    values.push_back(v);
    h.Record(v);
  }
  std::sort(values.begin(), values.end());
  ExpectWithinBound(h.Percentile(0.5), ExactQuantile(values, 1, 2));
  ExpectWithinBound(h.Percentile(0.9), ExactQuantile(values, 9, 10));
  ExpectWithinBound(h.Percentile(0.99), ExactQuantile(values, 99, 100));
  ExpectWithinBound(h.Percentile(0.999), ExactQuantile(values, 999, 1000));
  for (uint64_t permille = 1; permille < 1000; permille += 37) {
    ExpectWithinBound(h.Percentile(permille / 1000.0),
                      ExactQuantile(values, permille, 1000));
  }
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.max(), values.back());
  long double sum = 0;
  for (uint64_t v : values) sum += v;
  EXPECT_NEAR(h.Mean(), static_cast<double>(sum / values.size()),
              1e-6 * h.Mean());
}

TEST(LogHistogramTest, BimodalDistributionPicksTheRightMode) {
  LogHistogram h;
  h.Record(1'000'000, 989);  // 1 ms
  h.Record(50'000'000, 11);  // 50 ms
  EXPECT_NEAR(static_cast<double>(h.Percentile(0.98)), 1e6, 1e6 / 256);
  EXPECT_NEAR(static_cast<double>(h.Percentile(0.99)), 5e7, 5e7 / 256);
}

TEST(LogHistogramTest, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 random(3);
  LogHistogram a, b, all;
  for (int i = 0; i < 10000; ++i) {
    const uint64_t v = random() % 100'000'000;
    (i % 3 == 0 ? a : b).Record(v);
    all.Record(v);
  }
  LogHistogram merged;
  merged.Merge(a);
  merged.Merge(b);
  merged.Merge(LogHistogram());
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_DOUBLE_EQ(merged.Mean(), all.Mean());
  for (double q : {0.0, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    EXPECT_EQ(merged.Percentile(q), all.Percentile(q)) << q;
  }
}

TEST(LogHistogramTest, HugeValuesAndClear) {
  LogHistogram h;
  h.Record(UINT64_MAX);
  h.Record(0);
  EXPECT_EQ(h.max(), UINT64_MAX);
  EXPECT_EQ(h.Percentile(1), UINT64_MAX);
  EXPECT_EQ(h.Percentile(0.5), 0u);
  h.Clear();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.Percentile(0.5), 0u);
}

}  // namespace
}  // namespace cs::csbench
