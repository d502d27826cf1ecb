// Service tests of routing-server: the REAL ticket service and the routing
// service run in this process, each a ServiceHost on port 0 with its own
// RocksDB, both on one shared ManualClock. Routing follows the ticket
// service's EventStream and calls its AssignTicket over gRPC, exactly as the
// two binaries do. Nothing sleeps: the test waits for the routing consumer's
// cursor, the assigner and the timers with condition waits (real-time
// guards only against hangs) and moves the manual clock explicitly.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cs/common/v1/event.pb.h"
#include "cs/routing/v1/routing.grpc.pb.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/grpc_status.h"
#include "libs/common/time_proto.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "services/routing/clients/ticket_client.h"
#include "services/routing/grpc/routing_grpc_service.h"
#include "services/routing/service/routing_app.h"
#include "services/routing/testing/routing_test_server.h"
#include "services/routing/store/routing_store.h"
#include "services/ticket/domain/permissions.h"
#include "services/ticket/domain/pii_cipher.h"
#include "services/ticket/domain/ticket_number.h"
#include "services/ticket/grpc/ticket_grpc_service.h"
#include "services/ticket/service/ticket_app.h"
#include "services/ticket/testing/ticket_test_server.h"
#include "services/ticket/store/ticket_repository.h"

namespace cs::routing {
namespace {

using auth::Role;
using ::testing::HasSubstr;
using ::testing::SizeIs;
namespace common = cs::common::v1;
namespace tv1 = cs::ticket::v1;

constexpr absl::Duration kGuard = absl::Seconds(30);  // only against hangs

std::string FieldOf(const absl::Status& status) {
  std::vector<FieldViolation> violations = FieldViolationsOf(status);
  return violations.empty() ? "" : violations[0].field;
}

class RoutingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Tomorrow 10:00 in Shanghai (ticket numbers stay on one day).
    const absl::CivilDay tomorrow = ticket::CentreDay(absl::Now()) + 1;
    start_ = absl::FromCivil(absl::CivilSecond(tomorrow) + 10 * 3600,
                             ticket::CentreTimeZone());
    clock_.SetTime(start_);
    StartTicketService();
    StartRoutingService();
    supervisor_ = cs::testing::TestToken({Role::kSupervisor}, "sup-1");
    lead_ = cs::testing::TestToken({Role::kTeamLead}, "lead-1");
    agent_ = cs::testing::TestToken({Role::kAgent}, "wang");
    other_agent_ = cs::testing::TestToken({Role::kAgent}, "li");
    complaint_ =
        cs::testing::TestToken({Role::kService}, "service:complaint", "");
    UpsertCustomer();
  }

  void TearDown() override {
    // Routing first: its consumer follows the ticket service.
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
    auto channel = cs::testing::LoopbackChannel(routing_server_.port());
    routing_ = v1::RoutingService::NewStub(channel);
    sla_ = v1::SlaService::NewStub(channel);
  }

  template <typename Stub, typename Response, typename Request>
  absl::StatusOr<Response> Call(
      Stub* stub,
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const std::string& token, const Request& request) {
    return cs::testing::CallAs(stub, method, token, request);
  }

  // Waits until routing has applied every ticket event, delivered every
  // assignment and fired every timer due now — and the ticket events those
  // assignments caused, until nothing moves.
  void Settle() {
    for (int round = 0; round < 20; ++round) {
      const uint64_t visible = ticket_server_.host().outbox().VisibleSequence();
      if (visible > 0) {
        ASSERT_TRUE(routing_server_.app().WaitForTicketEvents(visible, kGuard))
            << "routing did not reach ticket event " << visible;
      }
      ASSERT_TRUE(routing_server_.app().WaitAssignerIdle(kGuard));
      ASSERT_TRUE(routing_server_.app().WaitTimersIdle(kGuard));
      if (ticket_server_.host().outbox().VisibleSequence() == visible) return;
    }
    FAIL() << "routing and ticket did not settle";
  }

  void UpsertCustomer() {
    tv1::UpsertCustomerRequest request;
    tv1::Customer* c = request.mutable_customer();
    c->set_name("customers/c-2001");
    c->set_full_name("李四");
    c->set_title(tv1::TITLE_MR);
    c->set_phone("13900001111");
    c->set_type(tv1::CUSTOMER_TYPE_RETURNING);
    auto customer =
        Call(tickets_.get(), &tv1::TicketService::Stub::UpsertCustomer,
             supervisor_, request);
    ASSERT_TRUE(customer.ok()) << customer.status();
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

  tv1::Ticket GetTicket(const std::string& name) {
    tv1::GetTicketRequest request;
    request.set_name(name);
    auto ticket = Call(tickets_.get(), &tv1::TicketService::Stub::GetTicket,
                       supervisor_, request);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    return ticket.value_or(tv1::Ticket());
  }

  absl::StatusOr<v1::Agent> RegisterAgent(const std::string& token,
                                          const v1::Agent& agent) {
    v1::RegisterAgentRequest request;
    *request.mutable_agent() = agent;
    return Call(routing_.get(), &v1::RoutingService::Stub::RegisterAgent, token,
                request);
  }

  static v1::Agent Wang() {
    v1::Agent agent;
    agent.set_name("agents/wang");
    agent.set_display_name("王小明");
    agent.set_department("客服部");
    agent.add_skills("手机类");
    agent.set_capacity(5);
    return agent;
  }

  void RegisterOnline(const v1::Agent& agent) {
    ASSERT_TRUE(RegisterAgent(lead_, agent).ok());
    v1::SetAgentAvailabilityRequest online;
    online.set_name(agent.name());
    online.set_availability(v1::AVAILABILITY_ONLINE);
    auto set =
        Call(routing_.get(), &v1::RoutingService::Stub::SetAgentAvailability,
             lead_, online);
    ASSERT_TRUE(set.ok()) << set.status();
    EXPECT_EQ(set->availability(), v1::AVAILABILITY_ONLINE);
  }

  absl::StatusOr<v1::GetTicketClocksResponse> Clocks(const std::string& token,
                                                     const std::string& name) {
    v1::GetTicketClocksRequest request;
    request.set_subject(name);
    return Call(sla_.get(), &v1::SlaService::Stub::GetTicketClocks, token,
                request);
  }

  static const v1::SlaClock* Find(const v1::GetTicketClocksResponse& clocks,
                                  v1::ClockKind kind) {
    for (const v1::SlaClock& clock : clocks.clocks()) {
      if (clock.kind() == kind) return &clock;
    }
    return nullptr;
  }

  template <typename Payload>
  std::vector<Payload> RoutingEvents() {
    std::vector<Payload> out;
    auto read =
        routing_server_.host().outbox().Read(1, 0, [&](const common::Event& event) {
          Payload payload;
          if (event.payload().UnpackTo(&payload)) out.push_back(payload);
        });
    EXPECT_TRUE(read.ok()) << read.status();
    return out;
  }

  ticket::testing::TicketTestServer ticket_server_;
  testing::RoutingTestServer routing_server_;
  cs::testing::TempDir ticket_dir_, routing_dir_;
  ManualClock clock_;
  absl::Time start_;
  std::unique_ptr<tv1::TicketService::Stub> tickets_;
  std::unique_ptr<v1::RoutingService::Stub> routing_;
  std::unique_ptr<v1::SlaService::Stub> sla_;
  std::string supervisor_, lead_, agent_, other_agent_, complaint_;
};

TEST_F(RoutingServiceTest, TicketIsRoutedAssignedAndItsClocksRun) {
  RegisterOnline(Wang());

  const tv1::Ticket created = CreatePhoneTicket("手机信号弱");
  Settle();
  const tv1::Ticket assigned = GetTicket(created.name());
  EXPECT_EQ(assigned.status(), tv1::TICKET_STATUS_ASSIGNED);
  EXPECT_EQ(assigned.assignee(), "wang");
  EXPECT_EQ(assigned.department(), "客服部");
  EXPECT_EQ(assigned.grade(), common::GRADE_C);
  // Exactly one assignment by routing, with its reasons as the note.
  tv1::GetTicketRequest full;
  full.set_name(created.name());
  full.set_view(tv1::TICKET_VIEW_FULL);
  auto history = Call(tickets_.get(), &tv1::TicketService::Stub::GetTicket,
                      supervisor_, full);
  ASSERT_TRUE(history.ok()) << history.status();
  int by_routing = 0;
  for (const tv1::HistoryEntry& entry : history->history()) {
    if (entry.actor() == "service:routing") ++by_routing;
  }
  EXPECT_EQ(by_routing, 1);

  v1::GetTicketRoutingRequest routing_request;
  routing_request.set_ticket(created.name());
  auto routing =
      Call(routing_.get(), &v1::RoutingService::Stub::GetTicketRouting, agent_,
           routing_request);
  ASSERT_TRUE(routing.ok()) << routing.status();
  EXPECT_EQ(routing->assignee(), "wang");
  EXPECT_FALSE(routing->queued());

  auto clocks = Clocks(agent_, created.name());
  ASSERT_TRUE(clocks.ok()) << clocks.status();
  const v1::SlaClock* first = Find(*clocks, v1::CLOCK_KIND_FIRST_RESPONSE);
  const v1::SlaClock* resolution = Find(*clocks, v1::CLOCK_KIND_RESOLUTION);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(resolution, nullptr);
  EXPECT_EQ(first->state(), v1::CLOCK_STATE_RUNNING);
  EXPECT_EQ(resolution->state(), v1::CLOCK_STATE_RUNNING);
  EXPECT_EQ(first->assignee(), "wang");
  EXPECT_EQ(FromProtoTime(first->due_time()),
            FromProtoTime(created.create_time()) + absl::Minutes(10));

  v1::GetAgentRequest get_agent;
  get_agent.set_name("agents/wang");
  auto wang = Call(routing_.get(), &v1::RoutingService::Stub::GetAgent, agent_,
                   get_agent);
  ASSERT_TRUE(wang.ok());
  EXPECT_EQ(wang->active_tickets(), 1);

  // The agent answers publicly after 4 minutes: FIRST_RESPONSE is met.
  clock_.Advance(absl::Minutes(4));
  tv1::AddReplyRequest reply;
  reply.set_name(created.name());
  reply.mutable_reply()->set_author_kind(tv1::AUTHOR_KIND_AGENT);
  reply.mutable_reply()->set_visibility(tv1::REPLY_VISIBILITY_PUBLIC);
  reply.mutable_reply()->set_body("您好，我们已收到您的问题，正在处理。");
  auto replied =
      Call(tickets_.get(), &tv1::TicketService::Stub::AddReply, agent_, reply);
  ASSERT_TRUE(replied.ok()) << replied.status();
  Settle();
  clocks = Clocks(agent_, created.name());
  ASSERT_TRUE(clocks.ok());
  first = Find(*clocks, v1::CLOCK_KIND_FIRST_RESPONSE);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->state(), v1::CLOCK_STATE_FULFILLED);
  EXPECT_FALSE(first->breached());
  EXPECT_EQ(FromProtoDuration(first->elapsed()), absl::Minutes(4));
  EXPECT_EQ(Find(*clocks, v1::CLOCK_KIND_RESOLUTION)->state(),
            v1::CLOCK_STATE_RUNNING);

  // A second ticket nobody answers: its first response breaches at exactly
  // create + 10 min, published with that true time.
  const tv1::Ticket unanswered = CreatePhoneTicket("手机无法上网");
  Settle();
  EXPECT_EQ(GetTicket(unanswered.name()).assignee(), "wang");
  const absl::Time breach_at =
      FromProtoTime(unanswered.create_time()) + absl::Minutes(10);
  clock_.SetTime(breach_at - absl::Seconds(1));
  Settle();
  EXPECT_THAT(RoutingEvents<v1::SlaBreached>(), SizeIs(0));
  clock_.SetTime(breach_at + absl::Minutes(1));
  Settle();
  auto breaches = RoutingEvents<v1::SlaBreached>();
  ASSERT_THAT(breaches, SizeIs(1));
  EXPECT_EQ(FromProtoTime(breaches[0].breach_time()), breach_at);
  EXPECT_EQ(breaches[0].clock().subject(), unanswered.name());
  EXPECT_EQ(breaches[0].clock().kind(), v1::CLOCK_KIND_FIRST_RESPONSE);
  EXPECT_EQ(breaches[0].clock().assignee(), "wang");
  EXPECT_EQ(breaches[0].clock().department(), "客服部");
  EXPECT_EQ(breaches[0].clock().grade(), common::GRADE_C);
  auto warnings = RoutingEvents<v1::SlaWarning>();
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_EQ(FromProtoTime(warnings[0].due_time()),
            FromProtoTime(unanswered.create_time()) + absl::Minutes(8));

  // Resolving frees the agent's capacity.
  tv1::ResolveTicketRequest resolve;
  resolve.set_name(created.name());
  resolve.set_resolution("已为客户更换SIM卡，信号恢复正常。");
  ASSERT_TRUE(Call(tickets_.get(), &tv1::TicketService::Stub::ResolveTicket,
                   agent_, resolve)
                  .ok());
  Settle();
  wang = Call(routing_.get(), &v1::RoutingService::Stub::GetAgent, agent_,
              get_agent);
  ASSERT_TRUE(wang.ok());
  EXPECT_EQ(wang->active_tickets(), 1);
  clocks = Clocks(agent_, created.name());
  ASSERT_TRUE(clocks.ok());
  EXPECT_EQ(Find(*clocks, v1::CLOCK_KIND_RESOLUTION)->state(),
            v1::CLOCK_STATE_FULFILLED);
}

TEST_F(RoutingServiceTest, QueuedTicketIsAssignedWhenAnAgentComesOnline) {
  ASSERT_TRUE(RegisterAgent(lead_, Wang()).ok());  // registered, offline
  const tv1::Ticket created = CreatePhoneTicket("手机信号弱");
  Settle();
  tv1::Ticket queued = GetTicket(created.name());
  EXPECT_EQ(queued.status(), tv1::TICKET_STATUS_OPEN);
  EXPECT_EQ(queued.department(), "客服部");
  EXPECT_EQ(queued.assignee(), "");
  EXPECT_EQ(queued.grade(), common::GRADE_C);
  v1::ListQueueRequest list;
  list.set_department("客服部");
  auto queue =
      Call(routing_.get(), &v1::RoutingService::Stub::ListQueue, agent_, list);
  ASSERT_TRUE(queue.ok()) << queue.status();
  ASSERT_THAT(queue->tickets(), SizeIs(1));

  v1::SetAgentAvailabilityRequest online;
  online.set_name("agents/wang");
  online.set_availability(v1::AVAILABILITY_ONLINE);
  ASSERT_TRUE(Call(routing_.get(),
                   &v1::RoutingService::Stub::SetAgentAvailability, lead_,
                   online)
                  .ok());
  Settle();
  tv1::Ticket assigned = GetTicket(created.name());
  EXPECT_EQ(assigned.status(), tv1::TICKET_STATUS_ASSIGNED);
  EXPECT_EQ(assigned.assignee(), "wang");
}

TEST_F(RoutingServiceTest, BadInputAndRolesAreRefused) {
  v1::Agent agent = Wang();
  agent.set_capacity(0);
  absl::Status status = RegisterAgent(lead_, agent).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(status), "agent.capacity");

  agent = Wang();
  agent.set_department("");
  status = RegisterAgent(lead_, agent).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(status), "agent.department");

  agent = Wang();
  agent.set_name("agents/王 小明");
  status = RegisterAgent(lead_, agent).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(status), "agent.name");
  agent.set_name("wang");
  EXPECT_EQ(FieldOf(RegisterAgent(lead_, agent).status()), "agent.name");

  // Agents may read but not manage agents; nobody unauthenticated.
  status = RegisterAgent(agent_, Wang()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(RegisterAgent("", Wang()).status().code(),
            absl::StatusCode::kUnauthenticated);
  // A team lead of 客服部 cannot manage 技术支持部.
  agent = Wang();
  agent.set_department("技术支持部");
  EXPECT_EQ(RegisterAgent(lead_, agent).status().code(),
            absl::StatusCode::kPermissionDenied);

  EXPECT_EQ(Clocks(agent_, "tickets/01NOSUCHTICKET").status().code(),
            absl::StatusCode::kNotFound);
  status = Clocks(agent_, "orders/1").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(status), "subject");

  v1::GetAgentRequest get;
  get.set_name("agents/nobody");
  EXPECT_EQ(
      Call(routing_.get(), &v1::RoutingService::Stub::GetAgent, agent_, get)
          .status()
          .code(),
      absl::StatusCode::kNotFound);

  // Only services (the complaint service) and admins start clocks.
  v1::StartClockRequest start;
  start.set_subject("complaints/CP-9");
  start.set_kind(v1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE);
  EXPECT_EQ(Call(sla_.get(), &v1::SlaService::Stub::StartClock, agent_, start)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  auto clock =
      Call(sla_.get(), &v1::SlaService::Stub::StartClock, complaint_, start);
  ASSERT_TRUE(clock.ok()) << clock.status();
  EXPECT_EQ(clock->policy(), "complaint_acknowledge");
  auto policies = Call(sla_.get(), &v1::SlaService::Stub::ListPolicies, agent_,
                       v1::ListPoliciesRequest());
  ASSERT_TRUE(policies.ok());
  EXPECT_GT(policies->policies_size(), 10);

  // People work the complaint; they do not move its clocks by hand.
  v1::UpdateClockRequest fulfil;
  fulfil.set_subject("complaints/CP-9");
  fulfil.set_kind(v1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE);
  fulfil.set_transition(v1::CLOCK_TRANSITION_FULFIL);
  fulfil.set_reason("已受理");
  const std::string officer =
      cs::testing::TestToken({Role::kComplaintOfficer}, "officer-1");
  for (const std::string& token : {supervisor_, officer}) {
    EXPECT_EQ(Call(sla_.get(), &v1::SlaService::Stub::UpdateClock, token,
                   fulfil)
                  .status()
                  .code(),
              absl::StatusCode::kPermissionDenied);
  }
  // The ledger names the service that moved it.
  auto fulfilled =
      Call(sla_.get(), &v1::SlaService::Stub::UpdateClock, complaint_, fulfil);
  ASSERT_TRUE(fulfilled.ok()) << fulfilled.status();
  EXPECT_EQ(fulfilled->ledger(fulfilled->ledger_size() - 1).reason(),
            "已受理 (UpdateClock by service:complaint)");

  // A ticket's clocks follow the ticket: not even a service pauses one.
  v1::UpdateClockRequest pause;
  pause.set_subject("tickets/01KAZ3XQ9F8W2M5N7P4R6T8V0Y");
  pause.set_kind(v1::CLOCK_KIND_RESOLUTION);
  pause.set_transition(v1::CLOCK_TRANSITION_PAUSE);
  auto refused =
      Call(sla_.get(), &v1::SlaService::Stub::UpdateClock, complaint_, pause);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReasonOf(refused.status()), "TICKET_DRIVEN_CLOCK");
  v1::StartClockRequest start_ticket_clock;
  start_ticket_clock.set_subject("tickets/01KAZ3XQ9F8W2M5N7P4R6T8V0Y");
  start_ticket_clock.set_kind(v1::CLOCK_KIND_FIRST_RESPONSE);
  EXPECT_EQ(Call(sla_.get(), &v1::SlaService::Stub::StartClock, complaint_,
                 start_ticket_clock)
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace cs::routing
