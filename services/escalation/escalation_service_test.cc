// Service tests of escalation-server: the REAL ticket, routing-sla and
// escalation services run in this process, each a ServiceHost on port 0 with
// its own RocksDB, all on one shared ManualClock. Routing follows the ticket
// service's EventStream and escalation follows routing's, exactly as the
// binaries do; notifications are read from the WatchNotifications stream.
// Nothing sleeps: the tests wait for consumer cursors and timers with
// condition waits and move the manual clock explicitly.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cs/common/v1/event.pb.h"
#include "cs/escalation/v1/escalation.grpc.pb.h"
#include "cs/routing/v1/routing.grpc.pb.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/grpc_status.h"
#include "libs/common/time_proto.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "services/escalation/grpc/escalation_grpc_service.h"
#include "services/escalation/service/escalation_app.h"
#include "services/escalation/store/escalation_store.h"
#include "services/routing/clients/ticket_client.h"
#include "services/routing/grpc/routing_grpc_service.h"
#include "services/routing/service/routing_app.h"
#include "services/routing/store/routing_store.h"
#include "services/routing/testing/routing_test_server.h"
#include "services/ticket/domain/permissions.h"
#include "services/ticket/domain/pii_cipher.h"
#include "services/ticket/domain/ticket_number.h"
#include "services/ticket/grpc/ticket_grpc_service.h"
#include "services/ticket/service/ticket_app.h"
#include "services/ticket/store/ticket_repository.h"
#include "services/ticket/testing/ticket_test_server.h"

namespace cs::escalation {
namespace {

using auth::Role;
using ::testing::SizeIs;
namespace common = cs::common::v1;
namespace tv1 = cs::ticket::v1;
namespace rv1 = cs::routing::v1;

constexpr absl::Duration kGuard = absl::Seconds(30);  // only against hangs

// An open WatchNotifications stream.
struct Watch {
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientReader<v1::Notification>> reader;

  // The next notification; fails the test after the real-time guard.
  std::optional<v1::Notification> Next() {
    v1::Notification n;
    if (!reader->Read(&n)) return std::nullopt;
    return n;
  }
  grpc::Status Cancel() {
    context->TryCancel();
    v1::Notification ignored;
    while (reader->Read(&ignored)) {
    }
    return reader->Finish();
  }
};

class EscalationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const absl::CivilDay tomorrow = ticket::CentreDay(absl::Now()) + 1;
    clock_.SetTime(absl::FromCivil(absl::CivilSecond(tomorrow) + 10 * 3600,
                                   ticket::CentreTimeZone()));
    StartTicketService();
    StartRoutingService();
    StartEscalationService();
    supervisor_ = cs::testing::TestToken({Role::kSupervisor}, "sup-1");
    lead_ = cs::testing::TestToken({Role::kTeamLead}, "lead-1");
    agent_ = cs::testing::TestToken({Role::kAgent}, "wang");
    kb_ = cs::testing::TestToken({Role::kKbEditor}, "kb-1");
    complaint_ =
        cs::testing::TestToken({Role::kService}, "service:complaint", "");
    UpsertCustomer();
  }

  void TearDown() override {
    // Downstream first: each consumer follows the service before it.
    if (esc_grpc_) esc_grpc_->StopWatches();
    if (esc_host_) esc_host_->Shutdown();
    esc_app_.reset();
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

  void StartEscalationService() {
    auto settings = LoadEscalationConfigFile(
        absl::StrCat(CS_SOURCE_DIR, "/deploy/config/escalation.textproto"));
    ASSERT_TRUE(settings.ok()) << settings.status();
    auto host = ServiceHost::Create(
        cs::testing::TestServerConfig(esc_dir_, "escalation"),
        EscalationColumnFamilies(), &clock_);
    ASSERT_TRUE(host.ok()) << host.status();
    esc_host_ = *std::move(host);
    ServiceHost* h = esc_host_.get();
    EscalationApp::Options options;
    options.routing_events_target =
        absl::StrCat("127.0.0.1:", routing_server_.host().port());
    options.token = [h] { return h->ServiceToken(); };
    options.on_cursor = h->ConsumerCursorGauge(
        std::string(EscalationApp::kConsumerName), "routing");
    auto app = EscalationApp::Create(h->store(), h->outbox(), h->clock(),
                                     *std::move(settings), std::move(options));
    ASSERT_TRUE(app.ok()) << app.status();
    esc_app_ = *std::move(app);
    EscalationApp* a = esc_app_.get();
    esc_grpc_ = std::make_unique<EscalationGrpcService>(*h, *a);
    h->RegisterService(esc_grpc_.get());
    h->AddShutdownHook([a] { a->Stop(); });
    ASSERT_TRUE(a->Start().ok());
    ASSERT_TRUE(h->Start().ok());
    escalation_ =
        v1::EscalationService::NewStub(cs::testing::LoopbackChannel(h->port()));
  }

  template <typename Stub, typename Response, typename Request>
  absl::StatusOr<Response> Call(
      Stub* stub,
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const std::string& token, const Request& request) {
    return cs::testing::CallAs(stub, method, token, request);
  }

  Watch OpenWatch(const std::string& token, const std::string& recipient,
                  const std::string& role, uint64_t from_cursor) {
    Watch watch;
    watch.context = std::make_unique<grpc::ClientContext>();
    watch.context->AddMetadata("authorization", "Bearer " + token);
    watch.context->set_deadline(absl::ToChronoTime(absl::Now() + kGuard));
    v1::WatchNotificationsRequest request;
    request.set_recipient(recipient);
    request.set_role(role);
    request.set_from_cursor(from_cursor);
    watch.reader =
        escalation_->WatchNotifications(watch.context.get(), request);
    return watch;
  }

  // Waits until routing applied every ticket event, its assigner and timers
  // are idle, and escalation applied every routing event and fired its
  // timers — until nothing moves.
  void Settle() {
    for (int round = 0; round < 20; ++round) {
      const uint64_t tickets = ticket_server_.host().outbox().VisibleSequence();
      if (tickets > 0) {
        ASSERT_TRUE(routing_server_.app().WaitForTicketEvents(tickets, kGuard));
      }
      ASSERT_TRUE(routing_server_.app().WaitAssignerIdle(kGuard));
      ASSERT_TRUE(routing_server_.app().WaitTimersIdle(kGuard));
      const uint64_t routed = routing_server_.host().outbox().VisibleSequence();
      // The consumer asks only for SLA events; its cursor stops at the last
      // of those.
      const uint64_t wanted = routing::testing::LastEscalationRelevantEvent(
          routing_server_.host().outbox());
      if (wanted > 0) {
        ASSERT_TRUE(esc_app_->WaitForRoutingEvents(wanted, kGuard))
            << "escalation did not reach routing event " << wanted;
      }
      ASSERT_TRUE(esc_app_->WaitTimersIdle(kGuard));
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

  void RegisterWangOnline() {
    rv1::RegisterAgentRequest request;
    rv1::Agent* agent = request.mutable_agent();
    agent->set_name("agents/wang");
    agent->set_department("客服部");
    agent->add_skills("手机类");
    agent->set_capacity(5);
    ASSERT_TRUE(Call(routing_.get(), &rv1::RoutingService::Stub::RegisterAgent,
                     lead_, request)
                    .ok());
    rv1::SetAgentAvailabilityRequest online;
    online.set_name("agents/wang");
    online.set_availability(rv1::AVAILABILITY_ONLINE);
    ASSERT_TRUE(Call(routing_.get(),
                     &rv1::RoutingService::Stub::SetAgentAvailability, lead_,
                     online)
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

  ticket::testing::TicketTestServer ticket_server_;
  routing::testing::RoutingTestServer routing_server_;
  cs::testing::TempDir ticket_dir_, routing_dir_, esc_dir_;
  ManualClock clock_;
  std::unique_ptr<tv1::TicketService::Stub> tickets_;
  std::unique_ptr<rv1::RoutingService::Stub> routing_;
  std::unique_ptr<ServiceHost> esc_host_;
  std::unique_ptr<EscalationApp> esc_app_;
  std::unique_ptr<EscalationGrpcService> esc_grpc_;
  std::unique_ptr<v1::EscalationService::Stub> escalation_;
  std::string supervisor_, lead_, agent_, kb_, complaint_;
};

TEST_F(EscalationServiceTest, TicketBreachReachesTheWatchersAndResolveCloses) {
  RegisterWangOnline();
  // The team lead watches before anything happens: the stream tails live.
  Watch lead_watch = OpenWatch(lead_, "", "team_lead", 0);

  const tv1::Ticket ticket = CreatePhoneTicket("手机信号弱");
  Settle();
  // Grade C phone ticket: first response due in 10 min, warned at 8.
  clock_.SetTime(FromProtoTime(ticket.create_time()) + absl::Minutes(11));
  Settle();

  std::optional<v1::Notification> warning = lead_watch.Next();
  ASSERT_TRUE(warning.has_value());
  EXPECT_EQ(warning->kind(), v1::NOTIFICATION_KIND_SLA_WARNING);
  EXPECT_EQ(warning->subject(), ticket.name());
  std::optional<v1::Notification> escalated = lead_watch.Next();
  ASSERT_TRUE(escalated.has_value());
  EXPECT_EQ(escalated->kind(), v1::NOTIFICATION_KIND_ESCALATION);
  EXPECT_EQ(escalated->subject(), ticket.name());
  EXPECT_EQ(escalated->level(), 1);
  EXPECT_GT(escalated->sequence(), warning->sequence());
  EXPECT_TRUE(lead_watch.Cancel().error_code() == grpc::StatusCode::CANCELLED);

  // Resuming after the warning delivers exactly the escalation.
  Watch resumed = OpenWatch(lead_, "", "team_lead", warning->sequence());
  std::optional<v1::Notification> again = resumed.Next();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->sequence(), escalated->sequence());
  EXPECT_EQ(again->case_name(), escalated->case_name());

  // The assignee was warned in person.
  Watch wang_watch = OpenWatch(agent_, "wang", "", 0);
  std::optional<v1::Notification> personal = wang_watch.Next();
  ASSERT_TRUE(personal.has_value());
  EXPECT_EQ(personal->kind(), v1::NOTIFICATION_KIND_SLA_WARNING);
  wang_watch.Cancel();

  v1::GetCaseRequest get;
  get.set_name(absl::AsciiStrToLower(escalated->case_name()));  // either case
  auto c = Call(escalation_.get(), &v1::EscalationService::Stub::GetCase,
                agent_, get);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->name(), escalated->case_name());
  get.set_name(escalated->case_name());
  EXPECT_EQ(c->state(), v1::CASE_STATE_OPEN);
  EXPECT_EQ(c->grade(), common::GRADE_C);
  EXPECT_EQ(c->assignee(), "wang");
  EXPECT_EQ(c->kind(), rv1::CLOCK_KIND_FIRST_RESPONSE);
  // The department comes from routing's clock (the ticket's routing).
  EXPECT_EQ(c->department(), "客服部");
  EXPECT_EQ(escalated->department(), "客服部");

  // Resolving the ticket stops the clock: the case closes by itself and the
  // lead hears about it on the open stream.
  tv1::ResolveTicketRequest resolve;
  resolve.set_name(ticket.name());
  resolve.set_resolution("已为客户更换SIM卡，信号恢复正常。");
  ASSERT_TRUE(Call(tickets_.get(), &tv1::TicketService::Stub::ResolveTicket,
                   agent_, resolve)
                  .ok());
  Settle();
  std::optional<v1::Notification> closed = resumed.Next();
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->kind(), v1::NOTIFICATION_KIND_CASE_CLOSED);
  resumed.Cancel();
  c = Call(escalation_.get(), &v1::EscalationService::Stub::GetCase, agent_,
           get);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->state(), v1::CASE_STATE_CLOSED);

  v1::ListCasesRequest list;
  list.set_state(v1::CASE_STATE_CLOSED);
  auto listed = Call(escalation_.get(), &v1::EscalationService::Stub::ListCases,
                     lead_, list);
  ASSERT_TRUE(listed.ok());
  EXPECT_THAT(listed->cases(), SizeIs(1));
  list.set_department("客服部");
  listed = Call(escalation_.get(), &v1::EscalationService::Stub::ListCases,
                lead_, list);
  ASSERT_TRUE(listed.ok());
  EXPECT_THAT(listed->cases(), SizeIs(1));
  list.set_department("技术部");
  listed = Call(escalation_.get(), &v1::EscalationService::Stub::ListCases,
                lead_, list);
  ASSERT_TRUE(listed.ok());
  EXPECT_THAT(listed->cases(), SizeIs(0));
}

// A team lead acknowledges and resolves only the cases of the department in
// their token, as in routing-sla; supervisors are not scoped, and every
// lead still reads every case (README: cases are visible to every role the
// matrix allows).
TEST_F(EscalationServiceTest, TeamLeadsOfAnotherDepartmentCannotActOnACase) {
  RegisterWangOnline();
  const tv1::Ticket ticket = CreatePhoneTicket("手机信号弱");
  Settle();
  clock_.SetTime(FromProtoTime(ticket.create_time()) + absl::Minutes(11));
  Settle();
  v1::ListCasesRequest list;
  list.set_state(v1::CASE_STATE_OPEN);
  const std::string product_lead =
      cs::testing::TestToken({Role::kTeamLead}, "lead-cp", "产品部");
  auto listed = Call(escalation_.get(), &v1::EscalationService::Stub::ListCases,
                     product_lead, list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_THAT(listed->cases(), SizeIs(1));
  const v1::EscalationCase& opened = listed->cases(0);
  ASSERT_EQ(opened.department(), "客服部");
  ASSERT_EQ(opened.level(), 1);  // grade C: role team_lead

  v1::AcknowledgeRequest ack;
  ack.set_name(opened.name());
  ack.set_note("已接手，稍后回电13912345678");
  v1::ResolveRequest resolve;
  resolve.set_name(opened.name());
  resolve.set_note("已回电客户13912345678");
  const absl::Status acked_elsewhere =
      Call(escalation_.get(), &v1::EscalationService::Stub::Acknowledge,
           product_lead, ack)
          .status();
  EXPECT_EQ(acked_elsewhere.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(acked_elsewhere.message(),
                                "own department (产品部), not 客服部"))
      << acked_elsewhere;
  EXPECT_EQ(Call(escalation_.get(), &v1::EscalationService::Stub::Resolve,
                 product_lead, resolve)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  const std::string lead_without_department =
      cs::testing::TestToken({Role::kTeamLead}, "lead-x", "");
  EXPECT_EQ(Call(escalation_.get(), &v1::EscalationService::Stub::Acknowledge,
                 lead_without_department, ack)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  v1::GetCaseRequest get;
  get.set_name(opened.name());
  auto unchanged =
      Call(escalation_.get(), &v1::EscalationService::Stub::GetCase,
           product_lead, get);
  ASSERT_TRUE(unchanged.ok()) << unchanged.status();
  EXPECT_EQ(unchanged->state(), v1::CASE_STATE_OPEN);

  // The 客服部 lead acknowledges; the 产品部 lead still cannot close it; a
  // supervisor of 产品部 can.
  auto acked = Call(escalation_.get(),
                    &v1::EscalationService::Stub::Acknowledge, lead_, ack);
  ASSERT_TRUE(acked.ok()) << acked.status();
  EXPECT_EQ(acked->acknowledged_by(), "lead-1");
  EXPECT_EQ(acked->acknowledge_note(), "已接手，稍后回电139****5678");
  EXPECT_EQ(Call(escalation_.get(), &v1::EscalationService::Stub::Resolve,
                 product_lead, resolve)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  const std::string product_supervisor =
      cs::testing::TestToken({Role::kSupervisor}, "sup-cp", "产品部");
  auto resolved = Call(escalation_.get(), &v1::EscalationService::Stub::Resolve,
                       product_supervisor, resolve);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->state(), v1::CASE_STATE_CLOSED);
  // Cases reach every role: personal data in a note is kept masked.
  EXPECT_EQ(resolved->close_reason(), "resolved by sup-cp: 已回电客户139****5678");
}

// The subjects routing-sla refuses for its clocks open no case either.
TEST_F(EscalationServiceTest, MalformedSubjectsOpenNoCase) {
  v1::RequestEscalationRequest request;
  request.set_severity("serious");
  request.set_reason("重大投诉");
  request.set_department("客服部");
  for (const std::string& subject :
       {std::string("tickets/"), std::string("complaints/"),
        std::string("complaints/a b/c"), std::string("complaints/%00;drop"),
        std::string("complaints/投诉-1"), "tickets/" + std::string(65, 'x')}) {
    request.set_subject(subject);
    const absl::Status refused =
        Call(escalation_.get(), &v1::EscalationService::Stub::RequestEscalation,
             complaint_, request)
            .status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << subject;
    EXPECT_EQ(refused.message(),
              "subject: id must be 1–64 of A–Z a–z 0–9 . _ -")
        << subject;
    const std::vector<FieldViolation> violations = FieldViolationsOf(refused);
    ASSERT_THAT(violations, SizeIs(1)) << subject;
    EXPECT_EQ(violations[0].field, "subject");
  }
  request.set_subject("orders/o-1");
  EXPECT_EQ(
      Call(escalation_.get(), &v1::EscalationService::Stub::RequestEscalation,
           complaint_, request)
          .status()
          .message(),
      "subject: must look like tickets/{id} or complaints/{id}");
  auto listed = Call(escalation_.get(), &v1::EscalationService::Stub::ListCases,
                     supervisor_, v1::ListCasesRequest());
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(listed->cases(), SizeIs(0));

  request.set_subject("complaints/CP-20261124_1.a");
  auto opened =
      Call(escalation_.get(), &v1::EscalationService::Stub::RequestEscalation,
           complaint_, request);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->subject(), "complaints/CP-20261124_1.a");
}

TEST_F(EscalationServiceTest, RolesAreChecked) {
  v1::RequestEscalationRequest request;
  request.set_subject("complaints/c-9");
  request.set_severity("serious");
  request.set_reason("重大投诉，客户电话13912345678，邮箱 lisi@example.com");
  EXPECT_EQ(
      Call(escalation_.get(), &v1::EscalationService::Stub::RequestEscalation,
           agent_, request)
          .status()
          .code(),
      absl::StatusCode::kPermissionDenied);
  auto opened =
      Call(escalation_.get(), &v1::EscalationService::Stub::RequestEscalation,
           complaint_, request);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->reason(),
            "重大投诉，客户电话139****5678，邮箱 l***@example.com "
            "(requested by service:complaint)");

  v1::GetCaseRequest get;
  get.set_name(opened->name());
  EXPECT_EQ(
      Call(escalation_.get(), &v1::EscalationService::Stub::GetCase, kb_, get)
          .status()
          .code(),
      absl::StatusCode::kPermissionDenied);
  v1::AcknowledgeRequest ack;
  ack.set_name(opened->name());
  EXPECT_EQ(Call(escalation_.get(), &v1::EscalationService::Stub::Acknowledge,
                 lead_, ack)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  const std::string vp =
      cs::testing::TestToken({Role::kDirector}, "vice-president");
  auto acked = Call(escalation_.get(),
                    &v1::EscalationService::Stub::Acknowledge, vp, ack);
  ASSERT_TRUE(acked.ok()) << acked.status();
  EXPECT_EQ(acked->state(), v1::CASE_STATE_ACKNOWLEDGED);

  // Watching someone else's notifications needs a senior role.
  Watch other = OpenWatch(agent_, "ceo", "", 0);
  EXPECT_FALSE(other.Next().has_value());
  EXPECT_EQ(other.reader->Finish().error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  Watch vp_watch = OpenWatch(vp, "vice-president", "", 0);
  std::optional<v1::Notification> n = vp_watch.Next();
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->case_name(), opened->name());
  vp_watch.Cancel();
}

}  // namespace
}  // namespace cs::escalation
