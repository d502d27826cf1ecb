// Adversarial requests against a running analytics service (real gRPC
// server on loopback, real RocksDB, following a real ticket service): each
// bad request gets a clear status naming the field, and the server stays
// healthy and idle afterwards. Analytics has no List RPCs, hence no page
// sizes or tokens; its "enums" are the dimension names and values.
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cs/analytics/v1/analytics.grpc.pb.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "services/analytics/domain/aggregates.h"
#include "services/analytics/domain/report.h"
#include "services/analytics/grpc/analytics_grpc_service.h"
#include "services/analytics/service/analytics_app.h"
#include "services/ticket/testing/sample_requests.h"
#include "services/ticket/testing/ticket_test_server.h"
#include "tests/adversarial/adversarial.h"

namespace cs::adversarial {
namespace {

using auth::Role;
namespace av1 = cs::analytics::v1;
namespace tv1 = cs::ticket::v1;
using AS = av1::AnalyticsService::Stub;

class AnalyticsAdversarialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.SetTime(absl::Now() + absl::Hours(24));
    tickets_.Start(ticket_dir_, clock_);
    auto config = analytics::LoadAnalyticsConfigFile(
        absl::StrCat(CS_SOURCE_DIR, "/deploy/config/analytics.textproto"));
    ASSERT_TRUE(config.ok()) << config.status();
    config->clear_producers();
    auto host =
        ServiceHost::Create(cs::testing::TestServerConfig(dir_, "analytics"),
                            analytics::AnalyticsColumnFamilies(), &clock_);
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    ServiceHost* h = host_.get();
    analytics::AnalyticsApp::Options options;
    options.producers =
        analytics::Subscriptions(tickets_.target(), "", "", "", "", *config);
    options.token = [h] { return h->ServiceToken(); };
    auto app =
        analytics::AnalyticsApp::Create(h->store(), h->outbox(), h->clock(),
                                        *std::move(config), std::move(options));
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    analytics::AnalyticsApp* a = app_.get();
    grpc_ = std::make_unique<analytics::AnalyticsGrpcService>(*h, *a);
    h->RegisterService(grpc_.get());
    h->AddShutdownHook([a] { a->Stop(); });
    ASSERT_TRUE(a->Start().ok());
    ASSERT_TRUE(h->Start().ok());
    stub_ =
        av1::AnalyticsService::NewStub(cs::testing::LoopbackChannel(h->port()));
    today_ = analytics::ShanghaiDay(clock_.Now());
  }

  void TearDown() override {
    if (host_) host_->Shutdown();
    app_.reset();
    tickets_.Shutdown();
  }

  absl::StatusOr<av1::GetMetricsResponse> Metrics(
      const av1::GetMetricsRequest& request) {
    return cs::testing::CallAs(stub_.get(), &AS::GetMetrics, supervisor_,
                               request);
  }
  av1::GetMetricsRequest Today() const {
    av1::GetMetricsRequest request;
    request.set_start_date(today_);
    return request;
  }

  void ExpectHealthyAndIdle() {
    auto metrics = Metrics(Today());
    EXPECT_TRUE(metrics.ok()) << metrics.status();
    // Calls whose 1 ms deadline passed may still reach the server after
    // this one; each is taken at once, nothing stays queued.
    EXPECT_TRUE(host_->executor().WaitUntilDrained(absl::Seconds(10)));
  }

  ManualClock clock_{absl::Now()};
  cs::testing::TempDir ticket_dir_, dir_;
  ticket::testing::TicketTestServer tickets_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<analytics::AnalyticsApp> app_;
  std::unique_ptr<analytics::AnalyticsGrpcService> grpc_;
  std::unique_ptr<AS> stub_;
  std::string today_;
  std::string supervisor_ = cs::testing::TestToken({Role::kSupervisor}, "s1");
};

TEST_F(AnalyticsAdversarialTest, OversizedMessageIsResourceExhausted) {
  av1::GetMetricsRequest request = Today();
  request.add_group_by(std::string(kOversizedBytes, 'x'));
  EXPECT_EQ(Metrics(request).status().code(),
            absl::StatusCode::kResourceExhausted);
  ExpectHealthyAndIdle();
}

TEST_F(AnalyticsAdversarialTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  av1::GetMetricsRequest request = Today();
  request.mutable_filters()->set_department(InvalidUtf8("客服"));
  auto metrics = Metrics(request);
  EXPECT_EQ(metrics.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(metrics.status()), "filters.department");
  av1::GetAgentScorecardRequest card;
  card.set_agent(InvalidUtf8("王"));
  card.set_start_date(today_);
  EXPECT_EQ(FieldOf(cs::testing::CallAs(stub_.get(), &AS::GetAgentScorecard,
                                        supervisor_, card)
                        .status()),
            "agent");
  ExpectHealthyAndIdle();
}

// Dates, dimension names and dimension values outside their sets are the
// analytics counterpart of unknown enum values.
TEST_F(AnalyticsAdversarialTest, UnknownNamesAndBadDatesNameTheField) {
  const std::vector<
      std::pair<std::string, std::function<void(av1::GetMetricsRequest&)>>>
      cases = {
          {"start_date", [](auto& r) { r.set_start_date("2026-13-01"); }},
          {"end_date", [](auto& r) { r.set_end_date("昨天"); }},
          {"end_date", [](auto& r) { r.set_end_date("2000-01-01"); }},
          {"group_by[1]",
           [](auto& r) {
             r.add_group_by("day");
             r.add_group_by("weather");
           }},
          {"filters.channel",
           [](auto& r) { r.mutable_filters()->set_channel("FAX"); }},
          {"filters.grade",
           [](auto& r) { r.mutable_filters()->set_grade("Z"); }},
          {"filters.day",
           [](auto& r) { r.mutable_filters()->set_day("20260101"); }},
      };
  for (const auto& [field, edit] : cases) {
    av1::GetMetricsRequest request = Today();
    edit(request);
    auto metrics = Metrics(request);
    EXPECT_EQ(metrics.status().code(), absl::StatusCode::kInvalidArgument)
        << field;
    EXPECT_EQ(FieldOf(metrics.status()), field) << metrics.status();
  }
  // The huge range check: 2 years.
  av1::GetMetricsRequest range = Today();
  range.set_start_date("2024-01-01");
  range.set_end_date("2026-01-01");
  EXPECT_EQ(FieldOf(Metrics(range).status()), "end_date");
  av1::GetMonthlyReportRequest month;
  month.set_month("2026-2");
  EXPECT_EQ(FieldOf(cs::testing::CallAs(stub_.get(), &AS::GetMonthlyReport,
                                        supervisor_, month)
                        .status()),
            "month");
  av1::GetDailyReportRequest daily;
  EXPECT_EQ(FieldOf(cs::testing::CallAs(stub_.get(), &AS::GetDailyReport,
                                        supervisor_, daily)
                        .status()),
            "date");
  av1::GetAgentScorecardRequest card;
  card.set_start_date(today_);
  EXPECT_EQ(FieldOf(cs::testing::CallAs(stub_.get(), &AS::GetAgentScorecard,
                                        supervisor_, card)
                        .status()),
            "agent");
  ExpectHealthyAndIdle();
}

TEST_F(AnalyticsAdversarialTest, OneMillisecondDeadlinesLeaveNoStuckWork) {
  const av1::GetMetricsRequest request = [&] {
    av1::GetMetricsRequest r = Today();
    r.add_group_by("department");
    return r;
  }();
  auto codes = AllAtOnce<av1::GetMetricsResponse>(
      200, absl::Milliseconds(1), supervisor_,
      [&](int, grpc::ClientContext* context, av1::GetMetricsResponse* response,
          std::function<void(grpc::Status)> done) {
        stub_->async()->GetMetrics(context, &request, response,
                                   std::move(done));
      });
  ExpectOnlyOkOrDeadline(codes);
  ExpectHealthyAndIdle();
  std::cout << "analytics: 1 ms deadlines: 200 calls, "
            << codes[grpc::StatusCode::OK] << " OK, "
            << codes[grpc::StatusCode::DEADLINE_EXCEEDED]
            << " DEADLINE_EXCEEDED" << std::endl;
}

// A ticket of 客服部 shows up under that name, and filtering by it works.
TEST_F(AnalyticsAdversarialTest, ChineseTextRoundTrips) {
  auto ticket_stub = tickets_.NewStub();
  const std::string agent = cs::testing::TestToken({Role::kAgent}, "wang");
  ASSERT_TRUE(cs::testing::CallAs(
                  ticket_stub.get(), &tv1::TicketService::Stub::UpsertCustomer,
                  supervisor_, ticket::testing::SampleCustomerRequest())
                  .ok());
  ASSERT_TRUE(cs::testing::CallAs(
                  ticket_stub.get(), &tv1::TicketService::Stub::CreateTicket,
                  agent, ticket::testing::SampleCreateRequest("信号弱"))
                  .ok());
  ASSERT_TRUE(app_->WaitForEvents(
      "ticket", tickets_.host().outbox().VisibleSequence(), absl::Seconds(30)));
  av1::GetMetricsRequest request = Today();
  request.add_group_by("department");
  request.mutable_filters()->set_department("客服部");
  auto metrics = Metrics(request);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  ASSERT_EQ(metrics->rows_size(), 1);
  EXPECT_EQ(metrics->rows(0).dimensions().department(), "客服部");
  EXPECT_EQ(metrics->rows(0).tickets(), 1);
}

}  // namespace
}  // namespace cs::adversarial
