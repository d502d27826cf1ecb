// Report sections (top categories, rising issues, breaches) and their CSV /
// HTML exports, from hand-made cells.
#include "services/analytics/domain/report.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
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

// The part of `html` from the first `from` to the next `to` after it.
std::string Between(const std::string& html, const std::string& from,
                    const std::string& to) {
  const size_t start = html.find(from);
  if (start == std::string::npos) return "";
  const size_t end = html.find(to, start + from.size());
  return html.substr(start, end == std::string::npos ? end : end - start);
}

// The row of `kpi` in a report's HTML KPI table.
std::string HtmlKpiRow(const std::string& html, const std::string& label) {
  return Between(html, absl::StrCat("<tr><td>", label, "</td>"), "</tr>");
}

// A month without any data (2026-11): every KPI is undefined, and every
// export says so instead of printing the -1 sentinel, a "no" or a bar.
TEST(ReportUndefinedTest, EmptyMonthShowsDashesNotSentinelsOrBars) {
  auto report = BuildMonthlyReport("2026-11", {}, DefaultAnalyticsConfig());
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->kpis_size(), 6);
  const std::string& html = report->html();
  for (const char* label : {"及时响应率 on-time response", "首次解决率 FCR",
                            "客户等待时长 wait (s)", "满意度 CSAT",
                            "净推荐值 NPS", "投诉率 complaint rate"}) {
    const std::string row = HtmlKpiRow(html, label);
    ASSERT_FALSE(row.empty()) << label;
    EXPECT_THAT(row, HasSubstr(absl::StrCat(label, "</td><td>-</td>"))) << row;
    EXPECT_THAT(row, HasSubstr("<td class=\"na\">-</td>")) << row;
    EXPECT_THAT(row, Not(HasSubstr("-1"))) << row;
    EXPECT_THAT(row, Not(HasSubstr(">no<"))) << row;
  }
  // The KPI chart draws targets only: no value bar, no "-1" label.
  const std::string chart =
      Between(html, "<title>KPI vs target</title>", "</svg>");
  ASSERT_FALSE(chart.empty());
  EXPECT_THAT(chart, Not(HasSubstr("<rect")));
  EXPECT_THAT(chart, Not(HasSubstr(">-1 /")));
  EXPECT_THAT(chart, HasSubstr(">- / &ge; 50</text>"));   // NPS
  EXPECT_THAT(chart, HasSubstr(">- / &le; 180</text>"));  // wait

  const std::string& csv = report->csv();
  for (const char* line :
       {"\nkpi,on_time_response_rate,,0.95,\n",
        "\nkpi,first_contact_resolution_rate,,0.85,\n",
        "\nkpi,customer_wait_seconds,,180,\n", "\nkpi,csat,,0.9,\n",
        "\nkpi,nps,,50,\n", "\nkpi,complaint_rate,,0.01,\n"}) {
    EXPECT_THAT(csv, HasSubstr(line)) << line;
  }
  EXPECT_THAT(csv, Not(HasSubstr(",no\n")));
}

// A day with tickets but no feedback and no waited ticket: the defined KPIs
// keep their value and verdict, CSAT, NPS and wait are "-" in HTML and
// empty in CSV (daily report, per-channel and per-department rows too).
TEST(ReportUndefinedTest, DailyMixesDefinedAndUndefinedKpis) {
  auto report =
      BuildDailyReport("2026-03-31", March(), DefaultAnalyticsConfig());
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string& csv = report->csv();
  EXPECT_THAT(csv, HasSubstr("\nkpi,on_time_response_rate,1,0.95,yes\n"));
  EXPECT_THAT(csv, HasSubstr("\nkpi,complaint_rate,0,0.01,yes\n"));
  EXPECT_THAT(csv, HasSubstr("\nkpi,csat,,0.9,\n"));
  EXPECT_THAT(csv, HasSubstr("\nkpi,nps,,50,\n"));
  EXPECT_THAT(csv, HasSubstr("\nkpi,customer_wait_seconds,,180,\n"));
  EXPECT_THAT(csv, HasSubstr("\ndepartment,客服部,6,1,1,,,,0\n"));

  const std::string& html = report->html();
  EXPECT_THAT(HtmlKpiRow(html, "及时响应率 on-time response"),
              HasSubstr("<td>100%</td><td>&ge; 95%</td>"
                        "<td class=\"yes\">yes</td>"));
  EXPECT_THAT(HtmlKpiRow(html, "满意度 CSAT"),
              HasSubstr("<td>-</td><td>&ge; 90%</td><td class=\"na\">-</td>"));
  EXPECT_THAT(HtmlKpiRow(html, "净推荐值 NPS"),
              HasSubstr("<td>-</td><td>&ge; 50</td><td class=\"na\">-</td>"));
  EXPECT_THAT(HtmlKpiRow(html, "客户等待时长 wait (s)"),
              HasSubstr("<td>-</td><td>&le; 180</td><td class=\"na\">-</td>"));
  // Only the defined KPIs are drawn as bars: on-time, FCR and complaint
  // rate (0 %).
  const std::string chart =
      Between(html, "<title>KPI vs target</title>", "</svg>");
  int bars = 0;
  for (size_t at = chart.find("<rect"); at != std::string::npos;
       at = chart.find("<rect", at + 1)) {
    ++bars;
  }
  EXPECT_EQ(bars, 3) << chart;
}

// NPS ranges over [-100, 100]: with answers, -1 and -20 are real scores and
// are shown, not blanked as the undefined sentinel.
TEST(ReportUndefinedTest, NegativeNpsWithAnswersIsAValue) {
  std::map<std::string, v1::Bucket> cells;
  Put(cells, "2026-03-10", "手机类 › 信号问题", 3, 3);
  v1::Bucket& b = cells.begin()->second;
  b.set_nps_responses(100);
  b.set_promoters(10);
  b.set_detractors(11);
  auto report = BuildDailyReport("2026-03-10", cells, DefaultAnalyticsConfig());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(report->csv(), HasSubstr("\nkpi,nps,-1,50,no\n"));
  EXPECT_THAT(HtmlKpiRow(report->html(), "净推荐值 NPS"),
              HasSubstr("<td>-1</td><td>&ge; 50</td><td class=\"no\">no</td>"));

  b.set_promoters(0);
  b.set_detractors(20);
  report = BuildDailyReport("2026-03-10", cells, DefaultAnalyticsConfig());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(report->csv(), HasSubstr("\nkpi,nps,-20,50,no\n"));
}

// A per-department rate without tickets is "-" and has no bar.
TEST(ReportUndefinedTest, DepartmentBarOfAnUndefinedRateIsNotDrawn) {
  v1::DailyReport report;
  report.set_date("2026-03-10");
  v1::MetricsRow* row = report.add_by_department();
  row->mutable_dimensions()->set_department("投诉部");
  row->set_tickets(2);
  row->set_on_time_response_rate(-1);
  const std::string chart =
      Between(DailyReportHtml(report),
              "<title>On-time response rate by department</title>", "</svg>");
  ASSERT_FALSE(chart.empty());
  EXPECT_THAT(chart, HasSubstr("投诉部"));
  EXPECT_THAT(chart, Not(HasSubstr("<rect")));
  EXPECT_THAT(chart, HasSubstr(">-</text>"));
  EXPECT_THAT(chart, Not(HasSubstr("-100%")));
}

// SLA breaches by kind and escalations by level, spread over cells whose
// maps were filled in different orders: the breaches come out sorted (kind
// by name, levels numerically, KPI alerts by day) and the CSV is
// byte-identical, however the input was ordered.
TEST(ReportBreachesTest, OrderIsIndependentOfInputOrder) {
  const std::vector<std::string> kinds = {
      "RESOLUTION",         "FIRST_RESPONSE",
      "COMPLAINT_ACK",      "RECORD_COMPLETENESS",
      "COMPLAINT_SOLUTION", "CALLBACK",
      "ESCALATION_ACK",     "REPLY"};
  const std::vector<int> levels = {2, 1, 3, 10, 5, 4};
  auto build = [&](bool reversed) {
    std::map<std::string, v1::Bucket> cells;
    for (const char* day : {"2026-03-10", "2026-03-11", "2026-03-12"}) {
      // 25 tickets, 20 on time: below the 90 % alert every day.
      Put(cells, day, "手机类 › 信号问题", 25, 20, "客服部");
      Put(cells, day, "宽带类 › 断网", 0, 0, "投诉部");
    }
    for (auto& [key, bucket] : cells) {
      std::vector<std::string> k = kinds;
      std::vector<int> l = levels;
      if (reversed) {
        std::reverse(k.begin(), k.end());
        std::reverse(l.begin(), l.end());
      }
      for (const std::string& kind : k) {
        (*bucket.mutable_sla_breaches_by_kind())[kind] += 1;
      }
      for (int level : l) (*bucket.mutable_escalations_by_level())[level] += 1;
    }
    return cells;
  };
  const v1::AnalyticsConfig config = DefaultAnalyticsConfig();
  auto monthly = BuildMonthlyReport("2026-03", build(false), config);
  auto monthly_reversed = BuildMonthlyReport("2026-03", build(true), config);
  ASSERT_TRUE(monthly.ok()) << monthly.status();
  ASSERT_TRUE(monthly_reversed.ok()) << monthly_reversed.status();
  EXPECT_EQ(monthly->csv(), monthly_reversed->csv());
  EXPECT_EQ(monthly->html(), monthly_reversed->html());

  std::vector<std::string> order;
  for (const v1::BreachLine& b : monthly->breaches()) {
    order.push_back(absl::StrCat(b.kind(), " ", b.name(), " ", b.day()));
  }
  EXPECT_THAT(
      order,
      ::testing::ElementsAre(
          "sla CALLBACK ", "sla COMPLAINT_ACK ", "sla COMPLAINT_SOLUTION ",
          "sla ESCALATION_ACK ", "sla FIRST_RESPONSE ",
          "sla RECORD_COMPLETENESS ", "sla REPLY ", "sla RESOLUTION ",
          "escalation level 1 ", "escalation level 2 ", "escalation level 3 ",
          "escalation level 4 ", "escalation level 5 ", "escalation level 10 ",
          "kpi on_time_response_rate 2026-03-10",
          "kpi on_time_response_rate 2026-03-11",
          "kpi on_time_response_rate 2026-03-12"));

  auto daily = BuildDailyReport("2026-03-11", build(false), config);
  auto daily_reversed = BuildDailyReport("2026-03-11", build(true), config);
  ASSERT_TRUE(daily.ok()) << daily.status();
  ASSERT_TRUE(daily_reversed.ok()) << daily_reversed.status();
  EXPECT_EQ(daily->csv(), daily_reversed->csv());

  // The per-day alerts follow the days, not the order of `by_day`.
  const v1::MetricsRow total = GroupCells(build(false), {}, {})->front();
  std::vector<v1::MetricsRow> by_day = *GroupCells(build(false), {"day"}, {});
  const auto forward = Breaches(total, by_day, config.alerts());
  std::reverse(by_day.begin(), by_day.end());
  const auto backward = Breaches(total, by_day, config.alerts());
  ASSERT_EQ(forward.size(), backward.size());
  for (size_t i = 0; i < forward.size(); ++i) {
    EXPECT_EQ(forward[i].SerializeAsString(), backward[i].SerializeAsString())
        << i;
  }
}

}  // namespace
}  // namespace cs::analytics
