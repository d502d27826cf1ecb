// Test-only: the fixture of complaint-server's service tests. The REAL
// routing-sla, escalation, knowledge-base and complaint services run in this
// process, each a ServiceHost on port 0 with its own RocksDB, all on one
// shared ManualClock. The complaint service delivers its clock, escalation
// and knowledge-base commands over gRPC exactly as the binary does;
// escalation follows routing's EventStream. Nothing sleeps: the tests wait
// for the command sender, routing timers and escalation's cursor.
#ifndef CS_SERVICES_COMPLAINT_TESTING_COMPLAINT_TEST_ENV_H_
#define CS_SERVICES_COMPLAINT_TESTING_COMPLAINT_TEST_ENV_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cs/common/v1/event.pb.h"
#include "cs/complaint/v1/complaint.grpc.pb.h"
#include "cs/complaint/v1/events.pb.h"
#include "cs/escalation/v1/escalation.grpc.pb.h"
#include "cs/kb/v1/kb.grpc.pb.h"
#include "cs/routing/v1/routing.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/grpc_status.h"
#include "libs/common/time_proto.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "libs/testing/temp_dir.h"
#include "services/complaint/clients/command_client.h"
#include "services/complaint/clients/kb_publisher.h"
#include "services/complaint/grpc/complaint_grpc_service.h"
#include "services/complaint/service/complaint_app.h"
#include "services/complaint/store/complaint_store.h"
#include "services/escalation/grpc/escalation_grpc_service.h"
#include "services/escalation/service/escalation_app.h"
#include "services/escalation/store/escalation_store.h"
#include "services/knowledge_base/grpc/kb_grpc_service.h"
#include "services/knowledge_base/service/kb_app.h"
#include "services/knowledge_base/store/kb_repository.h"
#include "services/routing/clients/ticket_client.h"
#include "services/routing/grpc/routing_grpc_service.h"
#include "services/routing/service/routing_app.h"
#include "services/routing/store/routing_store.h"
#include "services/routing/testing/routing_test_server.h"

namespace cs::complaint::testing {

using auth::Role;
namespace common = cs::common::v1;
namespace rv1 = cs::routing::v1;
namespace ev1 = cs::escalation::v1;
namespace kbv1 = cs::kb::v1;

inline constexpr absl::Duration kGuard = absl::Seconds(30);  // only against hangs

// Routing needs a ticket client; no ticket is routed in these tests.
class NoTickets final : public routing::TicketClient {
 public:
  absl::Status Assign(const ticket::v1::AssignTicketRequest&) override {
    return absl::OkStatus();
  }
};

class ComplaintServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.SetTime(absl::FromUnixSeconds(1'800'000'000));
    StartRouting();
    StartEscalation();
    StartKnowledgeBase();
    StartComplaint(/*deliver=*/true);
    officer_ = cs::testing::TestToken({Role::kComplaintOfficer}, "officer-1");
    supervisor_ = cs::testing::TestToken({Role::kSupervisor}, "sup-1");
    director_ = cs::testing::TestToken({Role::kDirector}, "dir-1");
    agent_ = cs::testing::TestToken({Role::kAgent}, "wang");
    qa_ = cs::testing::TestToken({Role::kQa}, "qa-1");
    admin_ = cs::testing::TestToken({Role::kAdmin}, "admin-1");
    kb_editor_ = cs::testing::TestToken({Role::kKbEditor}, "editor-1");
    channel_ = cs::testing::TestToken({Role::kService}, "service:ivr", "");
  }

  void TearDown() override {
    StopComplaint();
    if (kb_host_) kb_host_->Shutdown();
    kb_app_.reset();
    if (esc_host_) esc_host_->Shutdown();
    esc_app_.reset();
    if (routing_host_) routing_host_->Shutdown();
    routing_app_.reset();
  }

  void StartRouting() {
    auto settings = routing::LoadRoutingSettings(
        absl::StrCat(CS_SOURCE_DIR, "/deploy/config/routing.textproto"),
        absl::StrCat(CS_SOURCE_DIR, "/deploy/config/calendars.conf"));
    ASSERT_TRUE(settings.ok()) << settings.status();
    auto host = ServiceHost::Create(
        cs::testing::TestServerConfig(routing_dir_, "routing"),
        routing::RoutingColumnFamilies(), &clock_);
    ASSERT_TRUE(host.ok()) << host.status();
    routing_host_ = *std::move(host);
    ServiceHost* h = routing_host_.get();
    routing::RoutingApp::Options options;
    options.token = [h] { return h->ServiceToken(); };
    auto app = routing::RoutingApp::Create(h->store(), h->outbox(), h->clock(),
                                           *std::move(settings), no_tickets_,
                                           std::move(options));
    ASSERT_TRUE(app.ok()) << app.status();
    routing_app_ = *std::move(app);
    routing::RoutingApp* a = routing_app_.get();
    routing_grpc_ = std::make_unique<routing::RoutingGrpcService>(*h, *a);
    sla_grpc_ = std::make_unique<routing::SlaGrpcService>(*h, *a);
    h->RegisterService(routing_grpc_.get());
    h->RegisterService(sla_grpc_.get());
    h->AddShutdownHook([a] { a->Stop(); });
    ASSERT_TRUE(a->Start().ok());
    ASSERT_TRUE(h->Start().ok());
    sla_ = rv1::SlaService::NewStub(cs::testing::LoopbackChannel(h->port()));
  }

  void StartEscalation() {
    auto settings = escalation::LoadEscalationConfigFile(
        absl::StrCat(CS_SOURCE_DIR, "/deploy/config/escalation.textproto"));
    ASSERT_TRUE(settings.ok()) << settings.status();
    auto host = ServiceHost::Create(
        cs::testing::TestServerConfig(esc_dir_, "escalation"),
        escalation::EscalationColumnFamilies(), &clock_);
    ASSERT_TRUE(host.ok()) << host.status();
    esc_host_ = *std::move(host);
    ServiceHost* h = esc_host_.get();
    escalation::EscalationApp::Options options;
    options.routing_events_target =
        absl::StrCat("127.0.0.1:", routing_host_->port());
    options.token = [h] { return h->ServiceToken(); };
    auto app = escalation::EscalationApp::Create(
        h->store(), h->outbox(), h->clock(), *std::move(settings),
        std::move(options));
    ASSERT_TRUE(app.ok()) << app.status();
    esc_app_ = *std::move(app);
    escalation::EscalationApp* a = esc_app_.get();
    esc_grpc_ = std::make_unique<escalation::EscalationGrpcService>(*h, *a);
    h->RegisterService(esc_grpc_.get());
    h->AddShutdownHook([a] { a->Stop(); });
    ASSERT_TRUE(a->Start().ok());
    ASSERT_TRUE(h->Start().ok());
    escalation_ = ev1::EscalationService::NewStub(
        cs::testing::LoopbackChannel(h->port()));
  }

  void StartKnowledgeBase() {
    auto host = ServiceHost::Create(
        cs::testing::TestServerConfig(kb_dir_, "knowledge-base"),
        kb::KbColumnFamilies(), &clock_);
    ASSERT_TRUE(host.ok()) << host.status();
    kb_host_ = *std::move(host);
    ServiceHost* h = kb_host_.get();
    auto app = kb::KbApp::Create(h->store(), h->outbox(), h->clock(),
                                 /*replier=*/nullptr, kb::KbOptions{});
    ASSERT_TRUE(app.ok()) << app.status();
    kb_app_ = *std::move(app);
    kb_grpc_ = std::make_unique<kb::KbGrpcService>(*h, *kb_app_);
    h->RegisterService(kb_grpc_.get());
    ASSERT_TRUE(h->Start().ok());
    kb_ = kbv1::KnowledgeBaseService::NewStub(
        cs::testing::LoopbackChannel(h->port()));
  }

  // `deliver` false: commands stay in the store (as when routing is down).
  void StartComplaint(bool deliver) {
    ServerConfig config =
        cs::testing::TestServerConfig(complaint_dir_, "complaint");
    // The shipped directory, as scripts/run gives it.
    config.departments_file =
        absl::StrCat(CS_SOURCE_DIR, "/deploy/config/departments.conf");
    auto host = ServiceHost::Create(config, ComplaintColumnFamilies(), &clock_);
    ASSERT_TRUE(host.ok()) << host.status();
    complaint_host_ = *std::move(host);
    ServiceHost* h = complaint_host_.get();
    commands_ = std::make_unique<GrpcCommandClient>(
        cs::testing::LoopbackChannel(routing_host_->port()),
        cs::testing::LoopbackChannel(esc_host_->port()),
        [h] { return h->ServiceToken(); });
    publisher_ = std::make_unique<GrpcKbPublisher>(
        cs::testing::LoopbackChannel(kb_host_->port()),
        [h] { return h->ServiceToken(); });
    ComplaintApp::Options options;
    options.departments = h->departments();
    if (deliver) {
      GrpcCommandClient* c = commands_.get();
      options.deliver = [c](const v1::PendingCommand& command) {
        return c->Deliver(command);
      };
      GrpcKbPublisher* k = publisher_.get();
      options.publish = [this, k](const v1::PublishCase& command) {
        if (publish_override_) return publish_override_(command);
        return k->Publish(command);
      };
    }
    auto limits = LoadApprovalLimitsFile(
        absl::StrCat(CS_SOURCE_DIR, "/deploy/config/complaint.conf"));
    ASSERT_TRUE(limits.ok()) << limits.status();
    auto app = ComplaintApp::Create(h->store(), h->outbox(), h->clock(),
                                    *std::move(limits), std::move(options));
    ASSERT_TRUE(app.ok()) << app.status();
    complaint_app_ = *std::move(app);
    ComplaintApp* a = complaint_app_.get();
    complaint_grpc_ = std::make_unique<ComplaintGrpcService>(*h, *a);
    h->RegisterService(complaint_grpc_.get());
    h->AddShutdownHook([a] { a->Stop(); });
    a->Start();
    ASSERT_TRUE(h->Start().ok());
    complaints_ =
        v1::ComplaintService::NewStub(cs::testing::LoopbackChannel(h->port()));
  }

  void StopComplaint() {
    if (complaint_host_) complaint_host_->Shutdown();
    complaint_app_.reset();
    complaint_grpc_.reset();
    complaint_host_.reset();
  }

  template <typename Stub, typename Response, typename Request>
  absl::StatusOr<Response> Call(
      Stub* stub,
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const std::string& token, const Request& request) {
    return cs::testing::CallAs(stub, method, token, request);
  }

  using CS = v1::ComplaintService::Stub;

  // Commands delivered, routing timers fired, escalation caught up.
  void Settle() {
    for (int round = 0; round < 20; ++round) {
      ASSERT_TRUE(complaint_app_->WaitCommandsIdle(kGuard));
      ASSERT_TRUE(routing_app_->WaitTimersIdle(kGuard));
      const uint64_t routed = routing_host_->outbox().VisibleSequence();
      const uint64_t wanted = routing::testing::LastEscalationRelevantEvent(
          routing_host_->outbox());
      if (wanted > 0) {
        ASSERT_TRUE(esc_app_->WaitForRoutingEvents(wanted, kGuard));
      }
      ASSERT_TRUE(esc_app_->WaitTimersIdle(kGuard));
      if (routing_host_->outbox().VisibleSequence() == routed) return;
    }
    FAIL() << "services did not settle";
  }

  v1::FileRequest FileRequest(const std::string& request_id,
                              v1::Severity severity = v1::SEVERITY_MAJOR) {
    v1::FileRequest req;
    req.set_request_id(request_id);
    v1::Complaint* c = req.mutable_complaint();
    c->set_customer_id("cust-42");
    c->set_order_id("order-9");
    c->set_channel(common::CHANNEL_PHONE);
    c->set_severity(severity);
    c->set_description("快递三次未送达，客服态度差");
    c->add_items("物流");
    c->set_requested_remedy(v1::REMEDY_KIND_COMPENSATION);
    c->set_department("物流部");
    return req;
  }

  v1::Complaint FileOk(const std::string& request_id,
                       v1::Severity severity = v1::SEVERITY_MAJOR) {
    auto filed =
        Call(complaints_.get(), &CS::File, channel_, FileRequest(request_id, severity));
    EXPECT_TRUE(filed.ok()) << filed.status();
    return filed.value_or(v1::Complaint());
  }

  // Every clock of `subject` of `kind`, oldest first (all kinds when
  // UNSPECIFIED).
  std::vector<rv1::SlaClock> ClockList(
      const std::string& subject,
      rv1::ClockKind kind = rv1::CLOCK_KIND_UNSPECIFIED) {
    rv1::GetTicketClocksRequest req;
    req.set_subject(subject);
    auto clocks = Call(sla_.get(), &rv1::SlaService::Stub::GetTicketClocks,
                       supervisor_, req);
    // NOT_FOUND: no clock for the subject yet.
    EXPECT_TRUE(clocks.ok() || absl::IsNotFound(clocks.status()))
        << clocks.status();
    std::vector<rv1::SlaClock> out;
    if (clocks.ok()) {
      for (const rv1::SlaClock& c : clocks->clocks()) {
        if (kind == rv1::CLOCK_KIND_UNSPECIFIED || c.kind() == kind) {
          out.push_back(c);
        }
      }
    }
    return out;
  }

  // The clocks of `subject` by kind (the latest of each kind).
  std::map<rv1::ClockKind, rv1::SlaClock> Clocks(const std::string& subject) {
    std::map<rv1::ClockKind, rv1::SlaClock> out;
    for (const rv1::SlaClock& c : ClockList(subject)) out[c.kind()] = c;
    return out;
  }

  // Acknowledged and investigating (cause LOGISTICS), by the officer.
  void Investigate(const std::string& name) {
    v1::AcknowledgeRequest ack;
    ack.set_name(name);
    ASSERT_TRUE(Call(complaints_.get(), &CS::Acknowledge, officer_, ack).ok());
    v1::StartInvestigationRequest inv;
    inv.set_name(name);
    inv.set_classification(v1::CLASSIFICATION_NON_QUALITY);
    inv.set_cause(v1::CAUSE_CATEGORY_LOGISTICS);
    ASSERT_TRUE(
        Call(complaints_.get(), &CS::StartInvestigation, officer_, inv).ok());
  }

  void Propose(const std::string& name, const std::string& solution) {
    v1::ProposeSolutionRequest propose;
    propose.set_name(name);
    propose.set_solution(solution);
    propose.add_remedies()->set_kind(v1::REMEDY_KIND_APOLOGY);
    ASSERT_TRUE(
        Call(complaints_.get(), &CS::ProposeSolution, officer_, propose).ok());
  }

  void Decide(const std::string& name, v1::CustomerDecision decision) {
    v1::RecordCustomerDecisionRequest req;
    req.set_name(name);
    req.set_decision(decision);
    ASSERT_TRUE(
        Call(complaints_.get(), &CS::RecordCustomerDecision, officer_, req)
            .ok());
  }

  // Files `req` and takes it through one accepted round, root cause and a
  // done corrective action to CLOSED.
  v1::Complaint FileAndClose(const v1::FileRequest& req) {
    auto filed = Call(complaints_.get(), &CS::File, channel_, req);
    EXPECT_TRUE(filed.ok()) << filed.status();
    const std::string name = filed.value_or(v1::Complaint()).name();
    Investigate(name);
    Propose(name, "补发商品并致歉，客户电话13812345678已回访");
    Decide(name, v1::CUSTOMER_DECISION_ACCEPTED);
    v1::RecordRootCauseRequest rc;
    rc.set_name(name);
    rc.set_category(v1::FISHBONE_CATEGORY_PROCESS);
    rc.set_analysis("派送前缺少电话确认");
    EXPECT_TRUE(
        Call(complaints_.get(), &CS::RecordRootCause, officer_, rc).ok());
    v1::AddCorrectiveActionRequest add;
    add.set_name(name);
    add.set_description("派送前增加电话确认");
    add.set_owner("logistics-lead");
    *add.mutable_due_time() = ToProtoTime(clock_.Now() + absl::Hours(72));
    EXPECT_TRUE(
        Call(complaints_.get(), &CS::AddCorrectiveAction, officer_, add).ok());
    v1::ResolveRequest resolve;
    resolve.set_name(name);
    EXPECT_TRUE(Call(complaints_.get(), &CS::Resolve, officer_, resolve).ok());
    v1::RecordRevisitRequest revisit;
    revisit.set_name(name);
    revisit.set_satisfaction(4);
    EXPECT_TRUE(
        Call(complaints_.get(), &CS::RecordRevisit, officer_, revisit).ok());
    v1::CloseRequest close;
    close.set_name(name);
    auto closed = Call(complaints_.get(), &CS::Close, officer_, close);
    EXPECT_TRUE(closed.ok()) << closed.status();
    return closed.value_or(v1::Complaint());
  }

  v1::Complaint GetAs(const std::string& token, const std::string& name) {
    v1::GetRequest get;
    get.set_name(name);
    auto got = Call(complaints_.get(), &CS::Get, token, get);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.value_or(v1::Complaint());
  }

  std::vector<ev1::EscalationCase> CasesFor(const std::string& subject) {
    ev1::ListCasesRequest req;
    req.set_page_size(200);
    auto cases = Call(escalation_.get(),
                      &ev1::EscalationService::Stub::ListCases, director_, req);
    EXPECT_TRUE(cases.ok()) << cases.status();
    std::vector<ev1::EscalationCase> out;
    if (cases.ok()) {
      for (const auto& c : cases->cases()) {
        if (c.subject() == subject) out.push_back(c);
      }
    }
    return out;
  }

  // Event types the complaint service published, in order.
  std::vector<std::string> EventTypes() {
    std::vector<std::string> types;
    EXPECT_TRUE(complaint_host_->outbox()
                    .Read(1, 0,
                          [&](const common::Event& e) {
                            types.push_back(e.type());
                          })
                    .ok());
    return types;
  }

  ManualClock clock_;
  cs::testing::TempDir routing_dir_, esc_dir_, kb_dir_, complaint_dir_;
  NoTickets no_tickets_;
  std::unique_ptr<ServiceHost> routing_host_, esc_host_, kb_host_,
      complaint_host_;
  std::unique_ptr<kb::KbApp> kb_app_;
  std::unique_ptr<kb::KbGrpcService> kb_grpc_;
  std::unique_ptr<kbv1::KnowledgeBaseService::Stub> kb_;
  std::unique_ptr<GrpcKbPublisher> publisher_;
  // When set, answers PublishCase deliveries instead of the knowledge base.
  std::function<absl::StatusOr<std::string>(const v1::PublishCase&)>
      publish_override_;
  std::unique_ptr<routing::RoutingApp> routing_app_;
  std::unique_ptr<routing::RoutingGrpcService> routing_grpc_;
  std::unique_ptr<routing::SlaGrpcService> sla_grpc_;
  std::unique_ptr<escalation::EscalationApp> esc_app_;
  std::unique_ptr<escalation::EscalationGrpcService> esc_grpc_;
  std::unique_ptr<GrpcCommandClient> commands_;
  std::unique_ptr<ComplaintApp> complaint_app_;
  std::unique_ptr<ComplaintGrpcService> complaint_grpc_;
  std::unique_ptr<rv1::SlaService::Stub> sla_;
  std::unique_ptr<ev1::EscalationService::Stub> escalation_;
  std::unique_ptr<CS> complaints_;
  std::string officer_, supervisor_, director_, agent_, qa_, channel_, admin_,
      kb_editor_;
};

}  // namespace cs::complaint::testing

#endif  // CS_SERVICES_COMPLAINT_TESTING_COMPLAINT_TEST_ENV_H_
