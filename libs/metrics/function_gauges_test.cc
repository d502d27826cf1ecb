#include "libs/metrics/function_gauges.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/metric_type.h"

namespace cs::metrics {
namespace {

TEST(SanitizeMetricNameTest, KeepsValidNames) {
  EXPECT_EQ(SanitizeMetricName("rocksdb_estimate_num_keys"),
            "rocksdb_estimate_num_keys");
  EXPECT_EQ(SanitizeMetricName("a:b_C9"), "a:b_C9");
}

TEST(SanitizeMetricNameTest, ReplacesInvalidCharacters) {
  EXPECT_EQ(SanitizeMetricName("rocksdb.estimate-num-keys"),
            "rocksdb_estimate_num_keys");
  EXPECT_EQ(SanitizeMetricName("a b{c}=\"d\"\n"), "a_b_c___d__");
  EXPECT_EQ(SanitizeMetricName("caf\xc3\xa9"), "caf__");
}

TEST(SanitizeMetricNameTest, PrefixesLeadingDigitAndEmpty) {
  EXPECT_EQ(SanitizeMetricName("9lives"), "_9lives");
  EXPECT_EQ(SanitizeMetricName(""), "_");
}

TEST(FunctionGaugesTest, ReportsOneGaugePerPair) {
  FunctionGauges gauges("rocksdb_", "RocksDB property", [] {
    return GaugeValues{{"estimate-num-keys", 12}, {"is-write-stopped", 1}};
  });
  const std::vector<prometheus::MetricFamily> families = gauges.Collect();
  ASSERT_EQ(families.size(), 2u);
  EXPECT_EQ(families[0].name, "rocksdb_estimate_num_keys");
  EXPECT_EQ(families[0].help, "RocksDB property");
  EXPECT_EQ(families[0].type, prometheus::MetricType::Gauge);
  ASSERT_EQ(families[0].metric.size(), 1u);
  EXPECT_TRUE(families[0].metric[0].label.empty());
  EXPECT_EQ(families[0].metric[0].gauge.value, 12);
  EXPECT_EQ(families[1].name, "rocksdb_is_write_stopped");
  EXPECT_EQ(families[1].metric[0].gauge.value, 1);
}

TEST(FunctionGaugesTest, DropsNamesThatCollideAfterSanitising) {
  FunctionGauges gauges("p_", "h", [] {
    return GaugeValues{{"a.b", 1}, {"a-b", 2}, {"a_b", 3}, {"c", 4}};
  });
  const std::vector<prometheus::MetricFamily> families = gauges.Collect();
  ASSERT_EQ(families.size(), 2u);
  EXPECT_EQ(families[0].name, "p_a_b");
  EXPECT_EQ(families[0].metric[0].gauge.value, 1);
  EXPECT_EQ(families[1].name, "p_c");
}

TEST(FunctionGaugesTest, EmptyOrMissingCallbackReportsNothing) {
  EXPECT_TRUE(FunctionGauges("p_", "h", [] { return GaugeValues{}; })
                  .Collect()
                  .empty());
  EXPECT_TRUE(FunctionGauges("p_", "h", nullptr).Collect().empty());
}

}  // namespace
}  // namespace cs::metrics
