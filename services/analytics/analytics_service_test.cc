// Service tests of analytics-server: the REAL ticket and routing-sla services
// and analytics run in this process, each a ServiceHost on port 0 with its
// own RocksDB, all on one shared ManualClock. Analytics follows both event
// streams exactly as the binary does. Nothing sleeps: the tests wait for
// consumer cursors and move the manual clock explicitly.
#include <cmath>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cs/analytics/v1/analytics.grpc.pb.h"
#include "cs/common/v1/event.pb.h"
#include "cs/routing/v1/routing.grpc.pb.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/grpc_status.h"
#include "libs/common/time_proto.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "services/analytics/domain/report.h"
#include "services/analytics/grpc/analytics_grpc_service.h"
#include "services/analytics/service/analytics_app.h"
#include "services/routing/clients/ticket_client.h"
#include "services/routing/grpc/routing_grpc_service.h"
#include "services/routing/service/routing_app.h"
#include "services/routing/store/routing_store.h"
#include "services/routing/testing/routing_test_server.h"
#include "services/ticket/domain/permissions.h"
#include "services/ticket/domain/pii_cipher.h"
#include "services/ticket/domain/ticket_number.h"
#include "services/ticket/grpc/ticket_grpc_service.h"
#include "services/ticket/quality/scorecard.h"
#include "services/ticket/service/ticket_app.h"
#include "services/ticket/store/ticket_repository.h"
#include "services/ticket/testing/ticket_test_server.h"

namespace cs::analytics {
namespace {

using auth::Role;
namespace common = cs::common::v1;
namespace tv1 = cs::ticket::v1;
namespace rv1 = cs::routing::v1;

constexpr absl::Duration kGuard = absl::Seconds(30);  // only against hangs

class AnalyticsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const absl::CivilDay tomorrow = ticket::CentreDay(absl::Now()) + 1;
    clock_.SetTime(absl::FromCivil(absl::CivilSecond(tomorrow) + 10 * 3600,
                                   ticket::CentreTimeZone()));
    StartTicketService();
    StartRoutingService();
    StartAnalyticsService();
    supervisor_ = cs::testing::TestToken({Role::kSupervisor}, "sup-1");
    admin_ = cs::testing::TestToken({Role::kAdmin}, "admin-1");
    agent_ = cs::testing::TestToken({Role::kAgent}, "wang");
    chat_ = cs::testing::TestToken({Role::kService}, "service:chat", "");
    UpsertCustomer();
  }

  void TearDown() override {
    if (an_host_) an_host_->Shutdown();
    an_app_.reset();
    routing_server_.Shutdown();
    ticket_server_.Shutdown();
  }

  void StartTicketService() {
    ticket_server_.Start(ticket_dir_, clock_);
    tickets_ = ticket_server_.NewStub();
  }

  void StartRoutingService() {
    routing_server_.Start(routing_dir_, clock_, ticket_server_.port(),
                          CS_SOURCE_DIR);
    routing_ = rv1::RoutingService::NewStub(
        cs::testing::LoopbackChannel(routing_server_.port()));
  }

  void StartAnalyticsService() {
    auto config = LoadAnalyticsConfigFile(
        absl::StrCat(CS_SOURCE_DIR, "/deploy/config/analytics.textproto"));
    ASSERT_TRUE(config.ok()) << config.status();
    config->mutable_alerts()->set_min_volume(1);
    auto host = ServiceHost::Create(
        cs::testing::TestServerConfig(an_dir_, "analytics"),
        AnalyticsColumnFamilies(), &clock_);
    ASSERT_TRUE(host.ok()) << host.status();
    an_host_ = *std::move(host);
    ServiceHost* h = an_host_.get();
    gauges_ = std::make_unique<KpiGauges>(h->metrics().registry());
    AnalyticsApp::Options options;
    options.producers = Subscriptions(
        absl::StrCat("127.0.0.1:", ticket_server_.host().port()),
        absl::StrCat("127.0.0.1:", routing_server_.host().port()), "", "", "",
        *config);
    options.token = [h] { return h->ServiceToken(); };
    options.cursor_gauge = [h](const std::string& c, const std::string& p) {
      return h->ConsumerCursorGauge(c, p);
    };
    options.on_kpis = [this](const v1::MetricsRow& today) {
      gauges_->Set(today);
      absl::MutexLock lock(&kpi_mu_);
      last_today_ = today;
    };
    auto app = AnalyticsApp::Create(h->store(), h->outbox(), h->clock(),
                                    *std::move(config), std::move(options));
    ASSERT_TRUE(app.ok()) << app.status();
    an_app_ = *std::move(app);
    AnalyticsApp* a = an_app_.get();
    an_grpc_ = std::make_unique<AnalyticsGrpcService>(*h, *a);
    h->RegisterService(an_grpc_.get());
    h->AddShutdownHook([a] { a->Stop(); });
    ASSERT_TRUE(a->Start().ok());
    ASSERT_TRUE(h->Start().ok());
    analytics_ =
        v1::AnalyticsService::NewStub(cs::testing::LoopbackChannel(h->port()));
  }

  template <typename Stub, typename Response, typename Request>
  absl::StatusOr<Response> Call(
      Stub* stub,
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const std::string& token, const Request& request) {
    return cs::testing::CallAs(stub, method, token, request);
  }

  // Waits until routing applied every ticket event and analytics applied
  // every ticket event and every routing event it subscribes to.
  void Settle() {
    for (int round = 0; round < 20; ++round) {
      const uint64_t tickets = ticket_server_.host().outbox().VisibleSequence();
      // Routing follows only ticket-lifecycle types (not feedback or QA
      // reviews), so its cursor stops at the last one of those.
      uint64_t routed_tickets = 0;
      ASSERT_TRUE(ticket_server_.host()
                      .outbox()
                      .Read(1, 0,
                            [&](const common::Event& event) {
                              if (absl::StartsWith(event.type(), "Ticket") ||
                                  event.type() == "FollowUpRecorded" ||
                                  event.type() == "ServiceRecordChecked") {
                                routed_tickets = event.sequence();
                              }
                            })
                      .ok());
      if (routed_tickets > 0) {
        ASSERT_TRUE(
            routing_server_.app().WaitForTicketEvents(routed_tickets, kGuard));
      }
      if (tickets > 0) {
        ASSERT_TRUE(an_app_->WaitForEvents("ticket", tickets, kGuard));
      }
      ASSERT_TRUE(routing_server_.app().WaitAssignerIdle(kGuard));
      ASSERT_TRUE(routing_server_.app().WaitTimersIdle(kGuard));
      const uint64_t routed = routing_server_.host().outbox().VisibleSequence();
      uint64_t wanted = 0;
      ASSERT_TRUE(routing_server_.host().outbox()
                      .Read(1, 0,
                            [&](const common::Event& event) {
                              if (event.type() == "SlaBreached" ||
                                  event.type() == "SlaClockFulfilled") {
                                wanted = event.sequence();
                              }
                            })
                      .ok());
      if (wanted > 0) {
        ASSERT_TRUE(an_app_->WaitForEvents("routing", wanted, kGuard));
      }
      if (ticket_server_.host().outbox().VisibleSequence() == tickets &&
          routing_server_.host().outbox().VisibleSequence() == routed) {
        return;
      }
    }
    FAIL() << "services did not settle";
  }

  void UpsertCustomer() {
    tv1::UpsertCustomerRequest request;
    tv1::Customer* c = request.mutable_customer();
    c->set_name("customers/c-2001");
    c->set_full_name("李四");
    c->set_title(tv1::TITLE_MR);
    c->set_phone("13900001111");
    c->set_type(tv1::CUSTOMER_TYPE_RETURNING);
    ASSERT_TRUE(Call(tickets_.get(), &tv1::TicketService::Stub::UpsertCustomer,
                     supervisor_, request)
                    .ok());
  }

  tv1::Ticket CreatePhoneTicket(const std::string& subject) {
    tv1::CreateTicketRequest request;
    tv1::Ticket* t = request.mutable_ticket();
    t->set_channel(common::CHANNEL_PHONE);
    t->set_stage(common::STAGE_AFTER_SALE);
    t->set_subject(subject);
    t->set_description("客户反映手机信号弱，通话经常中断。");
    t->set_customer_id("c-2001");
    t->add_category("手机类");
    t->add_category("信号问题");
    auto ticket = Call(tickets_.get(), &tv1::TicketService::Stub::CreateTicket,
                       supervisor_, request);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    return ticket.value_or(tv1::Ticket());
  }

  void Reply(const std::string& name) {
    tv1::AddReplyRequest request;
    request.set_name(name);
    request.mutable_reply()->set_author_kind(tv1::AUTHOR_KIND_AGENT);
    request.mutable_reply()->set_visibility(tv1::REPLY_VISIBILITY_PUBLIC);
    request.mutable_reply()->set_body("您好，我们已收到您的问题，正在处理。");
    auto r = Call(tickets_.get(), &tv1::TicketService::Stub::AddReply,
                  supervisor_, request);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  void Resolve(const std::string& name, bool first_contact) {
    tv1::ResolveTicketRequest request;
    request.set_name(name);
    request.set_resolution("已为客户更换SIM卡，信号恢复正常。");
    request.set_solved_at_first_contact(first_contact);
    auto r = Call(tickets_.get(), &tv1::TicketService::Stub::ResolveTicket,
                  supervisor_, request);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  void Feedback(const std::string& name, int csat, int nps) {
    tv1::SubmitFeedbackRequest request;
    request.set_name(name);
    request.mutable_feedback()->set_csat(csat);
    request.mutable_feedback()->set_nps(nps);
    auto r = Call(tickets_.get(), &tv1::TicketService::Stub::SubmitFeedback,
                  chat_, request);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  std::string Today() const {
    return ShanghaiDay(clock_.Now());
  }

  absl::StatusOr<v1::GetMetricsResponse> Metrics(
      const std::string& token, std::vector<std::string> group_by = {}) {
    v1::GetMetricsRequest request;
    request.set_start_date(Today());
    for (auto& g : group_by) request.add_group_by(g);
    return Call(analytics_.get(), &v1::AnalyticsService::Stub::GetMetrics,
                token, request);
  }

  std::vector<common::Event> AnalyticsEvents() {
    std::vector<common::Event> out;
    EXPECT_TRUE(an_host_->outbox()
                    .Read(1, 0, [&](const common::Event& e) {
                      out.push_back(e);
                    })
                    .ok());
    return out;
  }

  ticket::testing::TicketTestServer ticket_server_;
  routing::testing::RoutingTestServer routing_server_;
  cs::testing::TempDir ticket_dir_, routing_dir_, an_dir_;
  ManualClock clock_;
  std::unique_ptr<tv1::TicketService::Stub> tickets_;
  std::unique_ptr<rv1::RoutingService::Stub> routing_;
  std::unique_ptr<ServiceHost> an_host_;
  std::unique_ptr<KpiGauges> gauges_;
  std::unique_ptr<AnalyticsApp> an_app_;
  std::unique_ptr<AnalyticsGrpcService> an_grpc_;
  std::unique_ptr<v1::AnalyticsService::Stub> analytics_;
  absl::Mutex kpi_mu_;
  v1::MetricsRow last_today_ ABSL_GUARDED_BY(kpi_mu_);
  std::string supervisor_, admin_, agent_, chat_;
};

TEST_F(AnalyticsServiceTest, TicketLifecycleFeedsKpisReportsAndAlerts) {
  // Ticket 1: answered in 3 min (on time), solved at first contact, CSAT 5,
  // NPS 10.
  const tv1::Ticket t1 = CreatePhoneTicket("手机信号弱");
  clock_.Advance(absl::Minutes(3));
  Reply(t1.name());
  Resolve(t1.name(), true);
  Feedback(t1.name(), 5, 10);
  // Ticket 2: never answered, so late once its target passed.
  const tv1::Ticket t2 = CreatePhoneTicket("无法通话");
  clock_.Advance(absl::Minutes(20));
  Settle();

  auto metrics = Metrics(supervisor_);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  ASSERT_EQ(metrics->rows_size(), 1);
  const v1::MetricsRow& row = metrics->rows(0);
  EXPECT_EQ(row.tickets(), 2);
  EXPECT_EQ(row.responded(), 1);
  EXPECT_EQ(row.on_time_responses(), 1);
  EXPECT_DOUBLE_EQ(row.on_time_response_rate(), 0.5);
  EXPECT_DOUBLE_EQ(row.first_contact_resolution_rate(), 0.5);
  EXPECT_DOUBLE_EQ(row.csat(), 1.0);
  EXPECT_DOUBLE_EQ(row.nps(), 100);
  EXPECT_GE(row.avg_response_seconds(), 0);
  EXPECT_LE(row.avg_response_seconds(), 180);

  auto by_channel = Metrics(supervisor_, {"channel"});
  ASSERT_TRUE(by_channel.ok());
  // Ticket cells carry the channel, and so does the SLA breach of ticket 2's
  // first-response clock: routing keeps the ticket's channel on its clocks.
  ASSERT_EQ(by_channel->rows_size(), 1);
  EXPECT_EQ(by_channel->rows(0).dimensions().channel(), "PHONE");
  EXPECT_EQ(by_channel->rows(0).tickets(), 2);
  EXPECT_EQ(by_channel->rows(0).sla_breaches_by_kind().count("FIRST_RESPONSE"),
            1u);

  // Agents may not read KPIs; a bad group_by is INVALID_ARGUMENT.
  EXPECT_EQ(Metrics(agent_).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Metrics(supervisor_, {"colour"}).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::GetDailyReportRequest report_request;
  report_request.set_date(Today());
  auto report = Call(analytics_.get(),
                     &v1::AnalyticsService::Stub::GetDailyReport, supervisor_,
                     report_request);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->total().tickets(), 2);
  EXPECT_THAT(report->csv(),
              ::testing::HasSubstr("kpi,on_time_response_rate,0.5,0.95,no"));
  // Categories come from the real ticket events' facts; the wait of the
  // answered ticket is its queued time (create → first reply, 3 min).
  ASSERT_EQ(report->top_categories_size(), 1);
  EXPECT_EQ(report->top_categories(0).category(), "手机类 › 信号问题");
  EXPECT_EQ(report->top_categories(0).tickets(), 2);
  EXPECT_EQ(report->total().waited(), 1);
  EXPECT_NEAR(report->total().customer_wait_seconds(), 180, 1);
  EXPECT_THAT(report->html(), ::testing::HasSubstr("手机类 › 信号问题"));
  // Rows per channel and department: only groups with tickets.
  EXPECT_THAT(report->csv(), ::testing::HasSubstr("\nchannel,"));
  EXPECT_THAT(report->csv(), ::testing::HasSubstr("\ndepartment,"));
  EXPECT_THAT(report->csv(), ::testing::Not(::testing::HasSubstr(",,0,")));

  v1::GetMonthlyReportRequest monthly_request;
  monthly_request.set_month(Today().substr(0, 7));
  auto monthly = Call(analytics_.get(),
                      &v1::AnalyticsService::Stub::GetMonthlyReport,
                      supervisor_, monthly_request);
  ASSERT_TRUE(monthly.ok()) << monthly.status();
  EXPECT_EQ(monthly->total().tickets(), 2);
  EXPECT_THAT(monthly->html(), ::testing::HasSubstr("<polyline"));
  EXPECT_THAT(monthly->csv(), ::testing::HasSubstr("手机类 › 信号问题,2,1"));
  EXPECT_THAT(monthly->csv(), ::testing::HasSubstr("\ndepartment,"));
  EXPECT_THAT(monthly->html(), ::testing::HasSubstr("部门及时响应率"));
  monthly_request.set_month("2026-13");
  EXPECT_EQ(Call(analytics_.get(),
                 &v1::AnalyticsService::Stub::GetMonthlyReport, supervisor_,
                 monthly_request)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);

  // Ticket 1 was created by a supervisor and resolved unassigned or by
  // routing's pick: the scorecard of an unknown agent is empty, not an error.
  v1::GetAgentScorecardRequest card_request;
  card_request.set_agent("nobody");
  card_request.set_start_date(Today());
  auto card = Call(analytics_.get(),
                   &v1::AnalyticsService::Stub::GetAgentScorecard, supervisor_,
                   card_request);
  ASSERT_TRUE(card.ok()) << card.status();
  EXPECT_EQ(card->tickets(), 0);
  EXPECT_DOUBLE_EQ(card->total(), -1);
  card_request.clear_agent();
  EXPECT_EQ(Call(analytics_.get(),
                 &v1::AnalyticsService::Stub::GetAgentScorecard, supervisor_,
                 card_request)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);

  // On-time 50 % < 90 % with min_volume 1: one alert per day and KPI.
  int on_time_alerts = 0;
  for (const common::Event& e : AnalyticsEvents()) {
    if (e.type() != "KpiThresholdBreached") continue;
    v1::KpiThresholdBreached alert;
    ASSERT_TRUE(e.payload().UnpackTo(&alert));
    if (alert.kpi() == "on_time_response_rate") ++on_time_alerts;
  }
  EXPECT_EQ(on_time_alerts, 1);
  {
    absl::MutexLock lock(&kpi_mu_);
    EXPECT_EQ(last_today_.tickets(), 2);
    // The gauges come from the day counters; they agree with the report.
    EXPECT_DOUBLE_EQ(last_today_.on_time_response_rate(), 0.5);
    EXPECT_DOUBLE_EQ(last_today_.csat(), 1.0);
    EXPECT_DOUBLE_EQ(last_today_.customer_wait_seconds(),
                     report->total().customer_wait_seconds());
  }

  // Rebuild from sequence 0 gives the same aggregates and no new alert.
  const size_t alerts_before = AnalyticsEvents().size();
  v1::RebuildAggregatesRequest rebuild;
  EXPECT_EQ(Call(analytics_.get(),
                 &v1::AnalyticsService::Stub::RebuildAggregates, supervisor_,
                 rebuild)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(Call(analytics_.get(),
                   &v1::AnalyticsService::Stub::RebuildAggregates, admin_,
                   rebuild)
                  .ok());
  Settle();
  auto again = Metrics(supervisor_);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->rows_size(), 1);
  EXPECT_EQ(again->rows(0).SerializeAsString(), row.SerializeAsString());
  EXPECT_EQ(AnalyticsEvents().size(), alerts_before);
}

// The ticket server's quality events reach the scorecard: a QA review
// amended after a dispute counts with its latest total, and a vague
// resolution ("已解决") is an incomplete service record.
TEST_F(AnalyticsServiceTest, QualityReviewsAndRecordChecksFeedTheScorecard) {
  const std::string qa = cs::testing::TestToken({Role::kQa}, "qa-1");
  auto quality = ticket_server_.NewQualityStub();
  auto handled = [&](const std::string& subject, const std::string& result) {
    const tv1::Ticket t = CreatePhoneTicket(subject);
    Settle();  // routing has queued it (no agent online) before we assign
    tv1::AssignTicketRequest assign;
    assign.set_name(t.name());
    assign.set_department("客服部");
    assign.set_assignee("wang");
    EXPECT_TRUE(Call(tickets_.get(), &tv1::TicketService::Stub::AssignTicket,
                     supervisor_, assign)
                    .ok());
    Settle();
    tv1::ResolveTicketRequest resolve;
    resolve.set_name(t.name());
    resolve.set_resolution(result);
    auto resolved =
        Call(tickets_.get(), &tv1::TicketService::Stub::ResolveTicket,
             supervisor_, resolve);
    EXPECT_TRUE(resolved.ok()) << resolved.status();
    return t;
  };
  const tv1::Ticket t1 =
      handled("手机信号弱", "已为客户更换SIM卡，信号恢复正常。");
  const tv1::Ticket t2 = handled("无法上网", "已解决");
  Feedback(t1.name(), 4, 9);

  // t1 reviewed at 91 (tone 4 of 10), disputed, amended to 97 (tone 8).
  auto scores = [](int tone) {
    tv1::CreateReviewRequest r;
    for (const auto& item :
         ticket::quality::DefaultScorecard().config().items()) {
      tv1::ItemScore* s = r.add_scores();
      s->set_item(item.key());
      s->set_score(item.key() == "tone" ? tone : item.max_score());
    }
    return r;
  };
  tv1::CreateReviewRequest create = scores(4);
  create.set_ticket(t1.name());
  create.set_comment("语气略显生硬");
  auto review =
      Call(quality.get(), &tv1::QualityService::Stub::CreateReview, qa, create);
  ASSERT_TRUE(review.ok()) << review.status();
  ASSERT_DOUBLE_EQ(review->current().total(), 91.0);
  Settle();
  auto metrics = Metrics(supervisor_);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  ASSERT_EQ(metrics->rows_size(), 1);
  EXPECT_EQ(metrics->rows(0).qa_reviews(), 1);
  EXPECT_DOUBLE_EQ(metrics->rows(0).qa_score(), 91.0);

  tv1::DisputeReviewRequest dispute;
  dispute.set_name(review->name());
  dispute.set_reason("客户情绪激动，请复听录音");
  ASSERT_TRUE(Call(quality.get(), &tv1::QualityService::Stub::DisputeReview,
                   agent_, dispute)
                  .ok());
  tv1::ResolveDisputeRequest amend;
  amend.set_name(review->name());
  amend.set_outcome(tv1::DISPUTE_OUTCOME_AMENDED);
  *amend.mutable_scores() = scores(8).scores();
  auto amended = Call(quality.get(), &tv1::QualityService::Stub::ResolveDispute,
                      supervisor_, amend);
  ASSERT_TRUE(amended.ok()) << amended.status();
  ASSERT_DOUBLE_EQ(amended->current().total(), 97.0);
  Settle();

  metrics = Metrics(supervisor_);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  ASSERT_EQ(metrics->rows_size(), 1);
  const v1::MetricsRow& row = metrics->rows(0);
  EXPECT_EQ(row.qa_reviews(), 1);
  EXPECT_DOUBLE_EQ(row.qa_score(), 97.0);
  EXPECT_EQ(row.records_checked(), 2);
  EXPECT_EQ(row.records_incomplete(), 1);  // t2: "已解决" says nothing

  v1::GetAgentScorecardRequest card_request;
  card_request.set_agent("wang");
  card_request.set_start_date(Today());
  auto card =
      Call(analytics_.get(), &v1::AnalyticsService::Stub::GetAgentScorecard,
           supervisor_, card_request);
  ASSERT_TRUE(card.ok()) << card.status();
  ASSERT_EQ(card->tickets(), 2);
  ASSERT_EQ(card->components(0).name(), "process_compliance");
  // Neither ticket got a reply, so no first response is on time: only t1's
  // complete record passes, 1 of 2 tickets + 2 records.
  EXPECT_EQ(row.on_time_responses(), 0);
  EXPECT_DOUBLE_EQ(card->components(0).score(), 1.0 / 4);
  ASSERT_EQ(card->components(1).name(), "service_quality");
  // CSAT 1 of 1 (a 4) and QA 0.97: (1 + 0.97) / 2.
  EXPECT_DOUBLE_EQ(card->components(1).score(), (1.0 + 0.97) / 2);
}

TEST_F(AnalyticsServiceTest, RestartResumesFromStoredCursorsWithoutDoubleCount) {
  const tv1::Ticket t1 = CreatePhoneTicket("手机信号弱");
  clock_.Advance(absl::Minutes(2));
  Reply(t1.name());
  Settle();
  auto before = Metrics(supervisor_);
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_EQ(before->rows_size(), 1);
  EXPECT_EQ(before->rows(0).tickets(), 1);

  // Restart analytics on the same store: cursors come back with it.
  an_host_->Shutdown();
  an_app_.reset();
  an_grpc_.reset();
  an_host_.reset();
  // Events produced while analytics is down are picked up after restart.
  Resolve(t1.name(), true);
  CreatePhoneTicket("无法上网");
  StartAnalyticsService();
  Settle();
  auto after = Metrics(supervisor_);
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_EQ(after->rows_size(), 1);
  EXPECT_EQ(after->rows(0).tickets(), 2);
  EXPECT_EQ(after->rows(0).responded(), 1);
  EXPECT_EQ(after->rows(0).solved_first_contact(), 1);
  EXPECT_EQ(after->rows(0).resolved(), 1);
}

// The cs_kpi_* gauges of `registry` by name, as collected for /metrics, and
// the exposition text Prometheus reads.
std::map<std::string, double> KpiGaugeValues(prometheus::Registry& registry,
                                             std::string* text = nullptr) {
  const std::vector<prometheus::MetricFamily> families = registry.Collect();
  std::map<std::string, double> values;
  for (const prometheus::MetricFamily& f : families) {
    if (absl::StartsWith(f.name, "cs_kpi_") && !f.metric.empty()) {
      values[f.name] = f.metric[0].gauge.value;
    }
  }
  if (text != nullptr) {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, families);
    *text = out.str();
  }
  return values;
}

// The value token of the unlabelled sample `name` in exposition `text`,
// lower-cased (prometheus-cpp writes NaN as "Nan"; Prometheus parses any
// case); "" when absent.
std::string ExposedValue(const std::string& text, const std::string& name) {
  const std::string prefix = absl::StrCat("\n", name, " ");
  const size_t at = text.find(prefix);
  if (at == std::string::npos) return "";
  const size_t start = at + prefix.size();
  return absl::AsciiStrToLower(
      text.substr(start, text.find('\n', start) - start));
}

// A KPI without data is NaN (Prometheus' "no value"), never the perfect
// score it used to read (CSAT 1, NPS 100, wait 0); defined KPIs keep their
// value, a negative NPS included.
TEST(KpiGaugesTest, UndefinedKpisAreNaNNotPerfectScores) {
  prometheus::Registry registry;
  KpiGauges gauges(registry);
  std::string text;
  auto values = KpiGaugeValues(registry, &text);
  ASSERT_EQ(values.size(), 7u);
  for (const char* name :
       {"cs_kpi_on_time_response_ratio",
        "cs_kpi_first_contact_resolution_ratio", "cs_kpi_csat_ratio",
        "cs_kpi_nps", "cs_kpi_complaint_ratio",
        "cs_kpi_customer_wait_seconds"}) {
    EXPECT_TRUE(std::isnan(values[name])) << name << " " << values[name];
    EXPECT_EQ(ExposedValue(text, name), "nan") << text;
  }
  EXPECT_DOUBLE_EQ(values["cs_kpi_tickets"], 0);

  // A morning with 4 tickets (3 on time, 1 solved at first contact) and no
  // survey answers, no complaint filed and nobody waited yet.
  v1::Bucket today;
  today.set_tickets(4);
  today.set_on_time_responses(3);
  today.set_solved_first_contact(1);
  gauges.Set(Summarize(today, v1::Bucket(), v1::Bucket()));
  values = KpiGaugeValues(registry);
  EXPECT_DOUBLE_EQ(values["cs_kpi_on_time_response_ratio"], 0.75);
  EXPECT_DOUBLE_EQ(values["cs_kpi_first_contact_resolution_ratio"], 0.25);
  EXPECT_DOUBLE_EQ(values["cs_kpi_complaint_ratio"], 0);
  EXPECT_DOUBLE_EQ(values["cs_kpi_tickets"], 4);
  EXPECT_TRUE(std::isnan(values["cs_kpi_csat_ratio"]));
  EXPECT_TRUE(std::isnan(values["cs_kpi_nps"]));
  EXPECT_TRUE(std::isnan(values["cs_kpi_customer_wait_seconds"]));

  // Answers arrive: 1 satisfied rating of 2, NPS 1 promoter and 2
  // detractors of 3 (-33.3), one phone ticket waited 120 s.
  today.set_ratings(2);
  today.set_satisfied(1);
  today.set_nps_responses(3);
  today.set_promoters(1);
  today.set_detractors(2);
  v1::Bucket phone;
  phone.add_wait_seconds(120);
  gauges.Set(Summarize(today, phone, v1::Bucket()));
  values = KpiGaugeValues(registry);
  EXPECT_DOUBLE_EQ(values["cs_kpi_csat_ratio"], 0.5);
  EXPECT_NEAR(values["cs_kpi_nps"], -100.0 / 3, 1e-9);
  EXPECT_DOUBLE_EQ(values["cs_kpi_customer_wait_seconds"], 120);

  // A new day without data goes back to NaN.
  gauges.Set(Summarize(v1::Bucket(), v1::Bucket(), v1::Bucket()));
  values = KpiGaugeValues(registry);
  EXPECT_TRUE(std::isnan(values["cs_kpi_csat_ratio"]));
  EXPECT_TRUE(std::isnan(values["cs_kpi_on_time_response_ratio"]));
}

// The gauges the server registers on the registry /metrics serves read NaN
// while today has no data (the fixture's clock is tomorrow 10:00).
TEST_F(AnalyticsServiceTest, KpiGaugesOfAnEmptyDayAreNaN) {
  std::string text;
  auto values = KpiGaugeValues(an_host_->metrics().registry(), &text);
  EXPECT_TRUE(std::isnan(values["cs_kpi_csat_ratio"])) << text;
  EXPECT_TRUE(std::isnan(values["cs_kpi_nps"])) << text;
  EXPECT_TRUE(std::isnan(values["cs_kpi_customer_wait_seconds"])) << text;
  EXPECT_EQ(ExposedValue(text, "cs_kpi_nps"), "nan") << text;
  EXPECT_EQ(ExposedValue(text, "cs_kpi_csat_ratio"), "nan") << text;
  EXPECT_EQ(ExposedValue(text, "cs_kpi_tickets"), "0") << text;
}

}  // namespace
}  // namespace cs::analytics
