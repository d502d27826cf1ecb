// Authorisation of analytics-server: reports for team leads and above, qa,
// admins and services (AnalyticsApp::kReaders); RebuildAggregates for admins
// only. A real server with no producers (nothing to aggregate is needed to
// decide who may ask).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cs/analytics/v1/analytics.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/server/service_host.h"
#include "services/analytics/domain/report.h"
#include "services/analytics/grpc/analytics_grpc_service.h"
#include "services/analytics/service/analytics_app.h"
#include "tests/authz/authz_matrix.h"

namespace cs::analytics {
namespace {

using auth::Role;
using cs::testing::AuthzCall;
using cs::testing::Rpc;
using Stub = v1::AnalyticsService::Stub;

std::string TokenOf(Role role) {
  return cs::testing::RoleToken(role, "客服部");
}

class AnalyticsAuthzTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = LoadAnalyticsConfigFile(
        absl::StrCat(CS_SOURCE_DIR, "/deploy/config/analytics.textproto"));
    ASSERT_TRUE(config.ok()) << config.status();
    auto host =
        ServiceHost::Create(cs::testing::TestServerConfig(dir_, "analytics"),
                            AnalyticsColumnFamilies(), &clock_);
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    AnalyticsApp::Options options;
    options.producers =
        Subscriptions("", "", "", "", "", v1::AnalyticsConfig());
    auto app =
        AnalyticsApp::Create(host_->store(), host_->outbox(), host_->clock(),
                             *std::move(config), std::move(options));
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    AnalyticsApp* a = app_.get();
    grpc_ = std::make_unique<AnalyticsGrpcService>(*host_, *a);
    host_->RegisterService(grpc_.get());
    host_->AddShutdownHook([a] { a->Stop(); });
    ASSERT_TRUE(a->Start().ok());
    ASSERT_TRUE(host_->Start().ok());
    stub_ = v1::AnalyticsService::NewStub(
        cs::testing::LoopbackChannel(host_->port()));
  }
  void TearDown() override {
    if (host_) host_->Shutdown();
  }

  ManualClock clock_;
  cs::testing::TempDir dir_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<AnalyticsApp> app_;
  std::unique_ptr<AnalyticsGrpcService> grpc_;
  std::unique_ptr<Stub> stub_;
};

TEST_F(AnalyticsAuthzTest, Matrix) {
  Stub* s = stub_.get();
  constexpr char kExpected[] = R"(
                                      ag tl su qa ke co di ad se
  GetMetrics                          .  Y  Y  Y  .  .  Y  Y  Y
  GetDailyReport                      .  Y  Y  Y  .  .  Y  Y  Y
  GetMonthlyReport                    .  Y  Y  Y  .  .  Y  Y  Y
  GetAgentScorecard                   .  Y  Y  Y  .  .  Y  Y  Y
  RebuildAggregates                   .  .  .  .  .  .  .  Y  .
)";
  std::map<std::string, AuthzCall> calls;
  calls["GetMetrics"] = Rpc(s, &Stub::GetMetrics, [] {
    v1::GetMetricsRequest r;
    r.set_start_date("2026-11-23");
    return r;
  });
  calls["GetDailyReport"] = Rpc(s, &Stub::GetDailyReport, [] {
    v1::GetDailyReportRequest r;
    r.set_date("2026-11-23");
    return r;
  });
  calls["GetMonthlyReport"] = Rpc(s, &Stub::GetMonthlyReport, [] {
    v1::GetMonthlyReportRequest r;
    r.set_month("2026-11");
    return r;
  });
  calls["GetAgentScorecard"] = Rpc(s, &Stub::GetAgentScorecard, [] {
    v1::GetAgentScorecardRequest r;
    r.set_agent("wang");
    r.set_start_date("2026-11-01");
    r.set_end_date("2026-11-23");
    return r;
  });
  calls["RebuildAggregates"] = Rpc(s, &Stub::RebuildAggregates, [] {
    return v1::RebuildAggregatesRequest();
  });
  cs::testing::ExpectAuthzMatrix(kExpected, calls, TokenOf);
}

}  // namespace
}  // namespace cs::analytics
