// csctl analytics report commands run in-process against a real analytics
// server (ServiceHost on port 0, RocksDB in a temp dir); the events are fed
// straight to the app, as its consumers would.
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cs/kb/v1/events.pb.h"
#include "cs/routing/v1/routing.pb.h"
#include "cs/ticket/v1/events.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/files.h"
#include "libs/common/time_proto.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "services/analytics/domain/report.h"
#include "services/analytics/grpc/analytics_grpc_service.h"
#include "services/analytics/service/analytics_app.h"
#include "tools/csctl/cli.h"
#include "tools/csctl/commands.h"

namespace cs::csctl {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;

class CsctlAnalyticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterAllCommands(registry_);
    auto host =
        ServiceHost::Create(cs::testing::TestServerConfig(dir_, "analytics"),
                            analytics::AnalyticsColumnFamilies());
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    auto app = analytics::AnalyticsApp::Create(
        host_->store(), host_->outbox(), host_->clock(),
        analytics::DefaultAnalyticsConfig(), {});
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    service_ =
        std::make_unique<analytics::AnalyticsGrpcService>(*host_, *app_);
    host_->RegisterService(service_.get());
    ASSERT_TRUE(host_->Start().ok());
    addr_ = absl::StrCat("127.0.0.1:", host_->port());
  }
  void TearDown() override { host_->Shutdown(); }

  // A ticket of category 宽带类 › 断网 created on 2026-03-10.
  void Feed() { FeedTicket(1, {"宽带类", "断网"}); }

  // Ticket t<sequence> of `category` created on 2026-03-10.
  void FeedTicket(int64_t sequence, const std::vector<std::string>& category) {
    ticket::v1::TicketCreated created;
    ticket::v1::TicketFacts* f = created.mutable_facts();
    f->set_ticket(absl::StrCat("tickets/t", sequence));
    f->set_channel(common::v1::CHANNEL_PHONE);
    f->set_department("客服部");
    for (const std::string& level : category) f->add_category(level);
    const absl::Time at = absl::FromUnixSeconds(1773108000);
    *f->mutable_create_time() = ToProtoTime(at);
    Handle("", sequence, at, created);
  }

  // Event `sequence` of `producer` ("" for ticket) carrying `payload`,
  // applied and committed; its type is `type` or the payload's name.
  void Handle(const std::string& producer, int64_t sequence, absl::Time at,
              const google::protobuf::Message& payload,
              const std::string& type = "") {
    common::v1::Event e;
    e.set_sequence(sequence);
    e.set_producer(producer);
    e.set_type(type.empty() ? payload.GetDescriptor()->name() : type);
    *e.mutable_occurred_time() = ToProtoTime(at);
    e.mutable_payload()->PackFrom(payload);
    WriteSet writes;
    ASSERT_TRUE(app_->HandleEvent(e, writes).ok());
    ASSERT_TRUE(host_->store().Commit(writes).ok());
  }

  int Run(const std::vector<std::string>& args, std::string* out) {
    std::vector<std::string> full = {"--addr", addr_};
    full.insert(full.end(), args.begin(), args.end());
    std::ostringstream o, err;
    int code = RunCli(registry_, full, {{"CSCTL_TOKEN", supervisor_}}, o, err);
    *out = o.str() + err.str();
    return code;
  }

  CommandRegistry registry_;
  cs::testing::TempDir dir_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<analytics::AnalyticsApp> app_;
  std::unique_ptr<analytics::AnalyticsGrpcService> service_;
  std::string addr_;
  const std::string supervisor_ =
      cs::testing::TestToken({auth::Role::kSupervisor}, "sup-1", "客服部");
};

TEST_F(CsctlAnalyticsTest, ReportsAsTableCsvAndHtmlFile) {
  Feed();
  std::string out;
  ASSERT_EQ(Run({"analytics", "report", "daily", "2026-03-10"}, &out), 0)
      << out;
  EXPECT_THAT(out, HasSubstr("daily report 2026-03-10: 1 tickets"));
  EXPECT_THAT(out, HasSubstr("宽带类 › 断网"));

  ASSERT_EQ(Run({"analytics", "report", "monthly", "2026-03", "--format",
                 "csv"},
                &out),
            0)
      << out;
  EXPECT_THAT(out, HasSubstr("宽带类 › 断网,1,1\n"));

  const std::string file = dir_.Sub("月报.html");
  ASSERT_EQ(Run({"analytics", "report", "monthly", "2026-03", "--format",
                 "html", "--out", file},
                &out),
            0)
      << out;
  EXPECT_THAT(out, HasSubstr("wrote "));
  auto html = ReadFileToString(file);
  ASSERT_TRUE(html.ok()) << html.status();
  EXPECT_THAT(*html, HasSubstr("<svg"));
  EXPECT_THAT(*html, HasSubstr("宽带类 › 断网"));

  EXPECT_NE(Run({"analytics", "report", "daily", "2026-3-10"}, &out), 0);
  EXPECT_THAT(out, HasSubstr("date"));
  EXPECT_NE(Run({"analytics", "report", "daily", "2026-03-10", "--format",
                 "pdf"},
                &out),
            0);
}

// Tickets without a category rise as "(none)", not as a blank cell.
TEST_F(CsctlAnalyticsTest, UncategorisedTicketsAreNamedInTheReport) {
  for (int64_t sequence = 1; sequence <= 10; ++sequence) {
    FeedTicket(sequence, {});
  }
  std::string out;
  ASSERT_EQ(Run({"analytics", "report", "daily", "2026-03-10"}, &out), 0)
      << out;
  EXPECT_THAT(out, ContainsRegex("\ncategory +\\(none\\) +0 +10"));
  EXPECT_THAT(out, ContainsRegex("\\(none\\) +10 +100"));
}

// Grouped rows name their group; a row without a value of a grouped
// dimension (an SLA breach has no channel) shows "-", never "(all)", which
// only labels the single row of an ungrouped query.
TEST_F(CsctlAnalyticsTest, GroupedMetricsLabelRowsWithoutTheDimension) {
  Feed();
  routing::v1::SlaBreached breached;
  routing::v1::SlaClock* clock = breached.mutable_clock();
  clock->set_name("clocks/c1");
  clock->set_subject("tickets/t1");
  clock->set_kind(routing::v1::CLOCK_KIND_RESOLUTION);
  clock->set_department("客服部");
  const absl::Time at = absl::FromUnixSeconds(1773108000) + absl::Hours(2);
  *breached.mutable_breach_time() = ToProtoTime(at);
  Handle("routing", 1, at, breached);

  std::string out;
  ASSERT_EQ(
      Run({"analytics", "metrics", "2026-03-10", "--group-by=channel"}, &out),
      0)
      << out;
  EXPECT_THAT(out, ::testing::ContainsRegex("\nPHONE +1 "));
  EXPECT_THAT(out, ::testing::ContainsRegex("\n- +0 .* 1\n"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("(all)")));

  ASSERT_EQ(Run({"analytics", "metrics", "2026-03-10"}, &out), 0) << out;
  EXPECT_THAT(out, ::testing::ContainsRegex("\n\\(all\\) +1 .* 1\n"));

  // A channel filter in any case, as the other commands take channels.
  ASSERT_EQ(
      Run({"analytics", "metrics", "2026-03-10", "--channel", "phone"}, &out),
      0)
      << out;
  EXPECT_THAT(out, ::testing::ContainsRegex("\n\\(all\\) +1 "));
}

// A department with complaints and no tickets has its row in both
// reports; the monthly table has a row per day.
TEST_F(CsctlAnalyticsTest, ReportRowsCoverComplaintOnlyDepartmentsAndDays) {
  Feed();
  analytics::v1::ComplaintFiledView complaint;
  complaint.set_complaint("complaints/c1");
  complaint.set_department("物流部");
  Handle("complaint", 1, absl::FromUnixSeconds(1773108000), complaint,
         "ComplaintFiled");

  std::string out;
  ASSERT_EQ(Run({"analytics", "report", "daily", "2026-03-10"}, &out), 0)
      << out;
  EXPECT_THAT(out, ContainsRegex("\n物流部 +0 .* 1\n"));
  EXPECT_THAT(out, ContainsRegex("\n客服部 +1 .* 0\n"));
  ASSERT_EQ(Run({"analytics", "report", "monthly", "2026-03"}, &out), 0) << out;
  EXPECT_THAT(out, ContainsRegex("\nDAY +TICKETS .*\n2026-03-10 +1 "));
  EXPECT_THAT(out, ContainsRegex("\n物流部 +0 .* 1\n"));
  ASSERT_EQ(
      Run({"analytics", "report", "monthly", "2026-03", "--format", "csv"},
          &out),
      0);
  EXPECT_THAT(out, HasSubstr("\ndepartment,物流部,0,"));
}

TEST_F(CsctlAnalyticsTest, GroupsWithNothingTheTableShowsAreLeftOut) {
  Feed();
  kb::v1::SearchPerformed search;
  search.set_total_hits(0);
  const absl::Time at = absl::FromUnixSeconds(1773108000);
  *search.mutable_time() = ToProtoTime(at);
  Handle("knowledge-base", 7, at, search);

  std::string out;
  ASSERT_EQ(
      Run({"analytics", "metrics", "2026-03-10", "--group-by=channel,grade"},
          &out),
      0)
      << out;
  EXPECT_THAT(out, ContainsRegex("\nPHONE - +1 "));
  EXPECT_THAT(out, ::testing::Not(ContainsRegex("\n- - ")));
  EXPECT_THAT(out, HasSubstr("(1 group with only KB searches"));
  ASSERT_EQ(Run({"--json", "analytics", "metrics", "2026-03-10",
                 "--group-by=channel,grade"},
                &out),
            0);
  EXPECT_THAT(out, HasSubstr("\"kbSearches\":\"1\""));
}

// A month without data (2026-11): every KPI is "-" with MET "-" in the
// table, empty value and met in CSV, and "-" in HTML, where the KPI chart
// draws no value bar; never the -1 sentinel or a "no".
TEST_F(CsctlAnalyticsTest, UndefinedKpisAreDashesInEveryFormat) {
  std::string out;
  ASSERT_EQ(Run({"analytics", "report", "monthly", "2026-11"}, &out), 0) << out;
  for (const char* kpi :
       {"on_time_response_rate", "first_contact_resolution_rate",
        "customer_wait_seconds", "csat", "nps", "complaint_rate"}) {
    EXPECT_THAT(out,
                ContainsRegex(absl::StrCat("\n", kpi, " +- +[0-9.]+%? +-\n")))
        << kpi << "\n"
        << out;
  }
  EXPECT_THAT(out, ::testing::Not(ContainsRegex(" no\n")));

  ASSERT_EQ(
      Run({"analytics", "report", "monthly", "2026-11", "--format", "csv"},
          &out),
      0)
      << out;
  EXPECT_THAT(out, HasSubstr("\nkpi,csat,,0.9,\n"));
  EXPECT_THAT(out, HasSubstr("\nkpi,nps,,50,\n"));
  EXPECT_THAT(out, HasSubstr("\nkpi,customer_wait_seconds,,180,\n"));

  for (const char* period : {"monthly 2026-11", "daily 2026-11-03"}) {
    std::vector<std::string> args = {"analytics", "report"};
    for (absl::string_view part : absl::StrSplit(period, ' ')) {
      args.emplace_back(part);
    }
    args.insert(args.end(), {"--format", "html"});
    ASSERT_EQ(Run(args, &out), 0) << out;
    EXPECT_THAT(out, HasSubstr("<td>净推荐值 NPS</td><td>-</td>")) << period;
    EXPECT_THAT(out, HasSubstr("<td>客户等待时长 wait (s)</td><td>-</td>"))
        << period;
    EXPECT_THAT(out, ::testing::Not(HasSubstr("<td>-1</td>"))) << period;
    EXPECT_THAT(out, ::testing::Not(HasSubstr(">-1 /"))) << period;
    EXPECT_THAT(out, ::testing::Not(HasSubstr("class=\"no\""))) << period;
  }
}

// With tickets but no survey answers, CSAT and NPS are "-" while on-time
// keeps its verdict.
TEST_F(CsctlAnalyticsTest, KpisWithoutAnswersAreNeitherMetNorMissed) {
  Feed();
  std::string out;
  ASSERT_EQ(Run({"analytics", "report", "daily", "2026-03-10"}, &out), 0)
      << out;
  EXPECT_THAT(out,
              ContainsRegex("\non_time_response_rate +0\\.0% +95\\.0% +no\n"));
  EXPECT_THAT(out, ContainsRegex("\ncsat +- +90\\.0% +-\n"));
  EXPECT_THAT(out, ContainsRegex("\nnps +- +50\\.0 +-\n"));
}

// A well-formed date outside the supported years names the range instead of
// claiming the form is wrong.
TEST_F(CsctlAnalyticsTest, DateOutOfRangeNamesTheRange) {
  std::string out;
  EXPECT_NE(Run({"analytics", "report", "daily", "0001-01-01"}, &out), 0);
  EXPECT_THAT(out, HasSubstr("\"0001-01-01\" is out of the supported range "
                             "1000-01-01 to 9999-12-31"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("is not YYYY-MM-DD")));
  EXPECT_NE(Run({"analytics", "report", "monthly", "0001-01"}, &out), 0);
  EXPECT_THAT(out, HasSubstr("\"0001-01\" is out of the supported range "
                             "1000-01 to 9999-12"));
  EXPECT_NE(Run({"analytics", "metrics", "0999-12-31"}, &out), 0);
  EXPECT_THAT(out, HasSubstr("start_date: \"0999-12-31\" is out of the "
                             "supported range"));
}

}  // namespace
}  // namespace cs::csctl
