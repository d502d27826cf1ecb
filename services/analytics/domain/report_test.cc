// Report sections (top categories, rising issues, breaches) and their CSV /
// HTML exports, from hand-made cells.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/analytics/domain/report.h"
#include "services/analytics/domain/report_render.h"

namespace cs::analytics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// `n` tickets of `category` on `day`, `on_time` of them on time.
void Put(std::map<std::string, v1::Bucket>& cells, const std::string& day,
         const std::string& category, int n, int on_time,
         const std::string& department = "客服部") {
  v1::Dimensions d;
  d.set_day(day);
  d.set_channel("PHONE");
  d.set_department(department);
  v1::Bucket& b = cells[CellKey(d)];
  b.set_tickets(b.tickets() + n);
  b.set_on_time_responses(b.on_time_responses() + on_time);
  b.set_solved_first_contact(b.solved_first_contact() + n);
  (*b.mutable_tickets_by_category())[category] += n;
}

std::map<std::string, v1::Bucket> March() {
  std::map<std::string, v1::Bucket> cells;
  Put(cells, "2026-03-20", "手机类 › 信号问题", 10, 10);
  Put(cells, "2026-03-22", "宽带类 › <断网> & \"掉线\"", 2, 2);
  Put(cells, "2026-03-30", "宽带类 › <断网> & \"掉线\"", 30, 20);  // rising
  Put(cells, "2026-03-31", "手机类 › 信号问题", 5, 5);             // falling
  Put(cells, "2026-03-31", "账单类, 扣费", 1, 1);
  return cells;
}

TEST(ReportSectionsTest, TopCategoriesRisingAndBreaches) {
  const auto cells = March();
  EXPECT_EQ(TopCategories(GroupCells(cells, {}, {})->front(), 2).size(), 2u);
  const auto top = TopCategories(GroupCells(cells, {}, {})->front(), 10);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].category(), "宽带类 › <断网> & \"掉线\"");
  EXPECT_EQ(top[0].tickets(), 32);
  EXPECT_DOUBLE_EQ(top[0].share(), 32.0 / 48);

  const auto rising = RisingIssues(cells, "2026-03-31", 10);
  ASSERT_FALSE(rising.empty());
  EXPECT_EQ(rising[0].dimension(), "category");
  EXPECT_EQ(rising[0].value(), "宽带类 › <断网> & \"掉线\"");
  EXPECT_EQ(rising[0].previous_week(), 2);
  EXPECT_EQ(rising[0].last_week(), 30);
  EXPECT_DOUBLE_EQ(rising[0].growth(), 14);
  for (const auto& r : rising) EXPECT_GE(r.last_week(), 10);
  EXPECT_TRUE(RisingIssues(cells, "2026-03-31", 1000).empty());

  v1::AnalyticsConfig config = DefaultAnalyticsConfig();
  auto daily = BuildDailyReport("2026-03-30", cells, config);
  ASSERT_TRUE(daily.ok()) << daily.status();
  // 20 of 30 on time on a day of 30 ≥ 20 tickets: below the 90 % alert.
  ASSERT_EQ(daily->breaches_size(), 1);
  EXPECT_EQ(daily->breaches(0).kind(), "kpi");
  EXPECT_EQ(daily->breaches(0).name(), "on_time_response_rate");
  EXPECT_EQ(daily->breaches(0).day(), "2026-03-30");
  EXPECT_NEAR(daily->breaches(0).value(), 2.0 / 3, 1e-12);
  ASSERT_EQ(daily->top_categories_size(), 1);
  EXPECT_FALSE(daily->rising().empty());
}

TEST(ReportExportTest, MonthlyCsvAndHtmlKeepChineseAndEscape) {
  auto report =
      BuildMonthlyReport("2026-03", March(), DefaultAnalyticsConfig());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->by_day_size(), 4);
  const std::string& csv = report->csv();
  EXPECT_THAT(csv, HasSubstr("kpi,on_time_response_rate,"));
  EXPECT_THAT(csv, HasSubstr("\n\"宽带类 › <断网> & \"\"掉线\"\"\",32,"));
  EXPECT_THAT(csv, HasSubstr("\n\"账单类, 扣费\",1,"));
  EXPECT_THAT(csv, HasSubstr("\nkpi,on_time_response_rate,2026-03-30,30,"));
  EXPECT_THAT(csv, HasSubstr("\n2026-03-31,6,"));

  const std::string& html = report->html();
  EXPECT_THAT(html, ::testing::StartsWith("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
  EXPECT_THAT(html, HasSubstr("月度分析"));
  EXPECT_THAT(html, HasSubstr("宽带类 › &lt;断网&gt; &amp; &quot;掉线&quot;"));
  EXPECT_THAT(html, Not(HasSubstr("<断网>")));
  EXPECT_THAT(html, HasSubstr("<polyline"));  // daily volume line
  EXPECT_THAT(html, HasSubstr("KPI vs target"));
  EXPECT_THAT(html, HasSubstr("2026-03-30: 30"));
  // Self-contained: no scripts, no external resources.
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("href=")));
  EXPECT_THAT(html, Not(HasSubstr("http://www.example")));
}

TEST(ReportExportTest, DailyHtmlHasEverySection) {
  auto report =
      BuildDailyReport("2026-03-31", March(), DefaultAnalyticsConfig());
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string& html = report->html();
  for (const char* section : {"服务日报", "KPI vs target", "渠道工单量",
                              "热点问题", "上升趋势", "违规与告警"}) {
    EXPECT_THAT(html, HasSubstr(section)) << section;
  }
  EXPECT_THAT(html, HasSubstr("账单类, 扣费"));
  EXPECT_THAT(report->csv(), HasSubstr("\ncategory,tickets,share\n"));
  EXPECT_EQ(HtmlEscape("<a href='x'>&"),
            "&lt;a href=&#39;x&#39;&gt;&amp;");
  EXPECT_EQ(CsvField("a\nb"), "\"a\nb\"");
}

}  // namespace
}  // namespace cs::analytics
