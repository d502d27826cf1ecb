#include "tools/csbench/report.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cs::csbench {
namespace {

using ::testing::HasSubstr;

TEST(ReportTest, OpStatsCountsCodesAndKeepsOnlySuccessfulLatencies) {
  OpStats stats;
  stats.Record(0, 1000);
  stats.Record(0, 3000);
  stats.Record(14, 999999);  // UNAVAILABLE: counted, latency not kept
  stats.Record(99, 5);       // out of range → UNKNOWN
  EXPECT_EQ(stats.ok(), 2u);
  EXPECT_EQ(stats.errors(), 2u);
  EXPECT_EQ(stats.by_code[14], 1u);
  EXPECT_EQ(stats.by_code[2], 1u);
  EXPECT_EQ(stats.latency_ns.count(), 2u);
  EXPECT_EQ(stats.latency_ns.max(), 3000u);
}

TEST(ReportTest, JsonHasTheFieldsBenchRunReads) {
  RunReport report;
  report.mode = "load";
  report.label = "create \"durable\"";
  report.target = "127.0.0.1:1";
  report.ops = "create=1";
  report.concurrency = 64;
  report.elapsed_seconds = 2;
  report.conditions.push_back({"department", "客服部"});
  OpReport create{"create", {}};
  for (int i = 0; i < 10; ++i) create.stats.Record(0, 2'000'000);
  create.stats.Record(8, 1);
  report.ops_stats.push_back(create);
  const std::string json = FormatJson(report);
  EXPECT_THAT(json, HasSubstr("\"label\":\"create \\\"durable\\\"\""));
  EXPECT_THAT(json, HasSubstr("\"department\":\"客服部\""));
  EXPECT_THAT(json,
              HasSubstr("\"total\":{\"ok\":10,\"errors\":1,\"qps\":5.000"));
  EXPECT_THAT(json, HasSubstr("\"errors_by_code\":{\"RESOURCE_EXHAUSTED\":1}"));
  EXPECT_THAT(json, HasSubstr("\"p99\":2000.000"));
  EXPECT_THAT(json, HasSubstr("\"per_op\":{\"create\":{"));
  EXPECT_EQ(json.back(), '\n');
  EXPECT_THAT(FormatText(report), HasSubstr("RESOURCE_EXHAUSTED: 1"));
}

TEST(ReportTest, JsonStringEscapes) {
  EXPECT_EQ(JsonString("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(JsonString("手机"), "\"手机\"");
}

TEST(ReportTest, StatusCodeNames) {
  EXPECT_EQ(StatusCodeName(0), "OK");
  EXPECT_EQ(StatusCodeName(16), "UNAUTHENTICATED");
  EXPECT_EQ(StatusCodeName(17), "UNKNOWN");
}

}  // namespace
}  // namespace cs::csbench
