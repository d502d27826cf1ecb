// End-to-end system test: the six real server binaries of the build as
// separate processes on loopback (--clock=manual, one temp data directory),
// driven only through their public gRPC APIs, exactly as an integrator
// would. Business time moves only through cs.admin.v1.TestClock (every
// service has its own manual clock; Suite::SetClocks moves them together).
//
// The story: an A-grade phone ticket created Friday 17:55 Asia/Shanghai is
// graded and routed; nobody answers; the SLA warning and then the breach
// come at their exact business instants; escalation level 1 is notified and
// does not acknowledge; escalation-server is killed with SIGKILL and
// restarted on the same data directory; level 2 is notified; the agent
// replies and the case closes by itself; a KB article is found and shared to
// the ticket; the ticket is resolved and rated; a complaint is rejected once
// and accepted in its second round; the QA inspection queue ranks the
// ticket as SLA-breached and complaint-linked (ticket-server follows routing
// and complaint events); the analytics daily report shows the exact KPIs.
// Nothing is lost or duplicated across the restart.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cs/analytics/v1/analytics.grpc.pb.h"
#include "cs/complaint/v1/complaint.grpc.pb.h"
#include "cs/escalation/v1/escalation.grpc.pb.h"
#include "cs/events/v1/consumer_progress.grpc.pb.h"
#include "cs/events/v1/event_stream.grpc.pb.h"
#include "cs/kb/v1/kb.grpc.pb.h"
#include "cs/routing/v1/routing.grpc.pb.h"
#include "cs/ticket/v1/quality.grpc.pb.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/time_proto.h"
#include "libs/server/test_host.h"
#include "tests/system/suite.h"

namespace cs::system_test {
namespace {

using auth::Role;
using cs::testing::CallAs;
namespace tv1 = ::cs::ticket::v1;
namespace rv1 = ::cs::routing::v1;
namespace kv1 = ::cs::kb::v1;
namespace cv1 = ::cs::complaint::v1;
namespace ev1 = ::cs::escalation::v1;
namespace av1 = ::cs::analytics::v1;
using TS = tv1::TicketService::Stub;
using QS = tv1::QualityService::Stub;
using RS = rv1::RoutingService::Stub;
using SS = rv1::SlaService::Stub;
using KS = kv1::KnowledgeBaseService::Stub;
using CS = cv1::ComplaintService::Stub;
using ES = ev1::EscalationService::Stub;
using AS = av1::AnalyticsService::Stub;
using PS = ::cs::events::v1::ConsumerProgress::Stub;
using LS = ::cs::events::v1::EventStream::Stub;

// Bound (real time) on every wait for propagation between the processes.
// Each wait blocks on real progress (a consumer's cursor, a command outbox,
// an event stream) and returns as soon as it happened; business time never
// passes while waiting — the manual clocks stand still.
constexpr absl::Duration kPropagation = absl::Seconds(15);

const absl::TimeZone& Shanghai() {
  static const absl::TimeZone* const kZone = [] {
    auto* zone = new absl::TimeZone;
    if (!absl::LoadTimeZone("Asia/Shanghai", zone)) {
      *zone = absl::FixedTimeZone(8 * 3600);
    }
    return zone;
  }();
  return *kZone;
}

// The first Friday 17:55 in Shanghai at least two days after real now: the
// tokens the services mint for each other are issued at real time, so
// business time must not run behind it.
absl::Time NextFriday1755() {
  absl::CivilDay day =
      absl::ToCivilDay(absl::Now() + absl::Hours(48), Shanghai());
  while (absl::GetWeekday(day) != absl::Weekday::friday) ++day;
  return absl::FromCivil(
      absl::CivilMinute(day.year(), day.month(), day.day(), 17, 55),
      Shanghai());
}

class SystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    t0_ = NextFriday1755();
    suite_.set_token_horizon(t0_ + absl::Hours(2));
    admin_ = suite_.Token({Role::kAdmin}, "ops-admin", "客服部");
    supervisor_ = suite_.Token({Role::kSupervisor}, "sup-1", "客服部");
    li_ = suite_.Token({Role::kAgent}, "li", "技术支持部");
    lead_ = suite_.Token({Role::kTeamLead}, "lead-1", "技术支持部");
    director_ = suite_.Token({Role::kDirector}, "tech-director", "技术支持部");
    editor_ = suite_.Token({Role::kKbEditor}, "editor-1");
    reviewer_ = suite_.Token({Role::kKbEditor}, "editor-2");
    officer_ = suite_.Token({Role::kComplaintOfficer}, "officer-1", "客服部");
    ivr_ = suite_.Token({Role::kService}, "service:ivr");
    qa_ = suite_.Token({Role::kQa}, "qa-1", "质检部");
    absl::Status started = suite_.StartAll();
    ASSERT_TRUE(started.ok()) << started;
    ASSERT_TRUE(suite_.SetClocks(t0_ - absl::Minutes(10)).ok());
    tickets_ = tv1::TicketService::NewStub(suite_.Channel("ticket"));
    quality_ = tv1::QualityService::NewStub(suite_.Channel("ticket"));
    routing_ = rv1::RoutingService::NewStub(suite_.Channel("routing"));
    sla_ = rv1::SlaService::NewStub(suite_.Channel("routing"));
    kb_ = kv1::KnowledgeBaseService::NewStub(suite_.Channel("knowledge-base"));
    complaints_ = cv1::ComplaintService::NewStub(suite_.Channel("complaint"));
    escalation_ = ev1::EscalationService::NewStub(suite_.Channel("escalation"));
    analytics_ = av1::AnalyticsService::NewStub(suite_.Channel("analytics"));
  }

  // Every notification of `role` from the start of the stream, read until
  // `want` arrived or `bound` of real time passed (inter-process delivery).
  std::vector<ev1::Notification> Notifications(const std::string& token,
                                               const std::string& role,
                                               size_t want,
                                               absl::Duration bound) {
    grpc::ClientContext call;
    call.AddMetadata("authorization", "Bearer " + token);
    call.set_deadline(absl::ToChronoTime(absl::Now() + bound));
    ev1::WatchNotificationsRequest request;
    request.set_role(role);
    auto reader = escalation_->WatchNotifications(&call, request);
    std::vector<ev1::Notification> got;
    ev1::Notification n;
    while (got.size() < want && reader->Read(&n)) got.push_back(n);
    call.TryCancel();
    reader->Finish().ok();
    return got;
  }

  std::vector<ev1::Notification> AwaitNotifications(const std::string& token,
                                                    const std::string& role,
                                                    size_t want) {
    return Notifications(token, role, want, kPropagation);
  }

  // The highest sequence committed to `service`'s event log.
  uint64_t Head(const std::string& service) {
    auto stub = ::cs::events::v1::EventStream::NewStub(suite_.Channel(service));
    auto info = CallAs(stub.get(), &LS::GetLogInfo, admin_,
                       ::cs::events::v1::GetLogInfoRequest());
    EXPECT_TRUE(info.ok()) << service << ": " << info.status();
    return info.ok() ? info->last_sequence() : 0;
  }

  // Blocks until every event consumer of `service` has seen everything its
  // producer had committed when called (cs.events.v1.ConsumerProgress).
  ::testing::AssertionResult CaughtUp(const std::string& service) {
    auto stub = ::cs::events::v1::ConsumerProgress::NewStub(
        suite_.Channel(service));
    auto positions = CallAs(stub.get(), &PS::GetConsumerPositions, admin_,
                            ::cs::events::v1::GetConsumerPositionsRequest());
    if (!positions.ok()) {
      return ::testing::AssertionFailure() << service << ": "
                                           << positions.status();
    }
    if (positions->consumers().empty()) {
      return ::testing::AssertionFailure() << service << " has no consumers";
    }
    for (const auto& consumer : positions->consumers()) {
      const uint64_t head = Head(consumer.producer());
      if (head == 0) continue;
      ::cs::events::v1::WaitForConsumerRequest wait;
      wait.set_consumer(consumer.consumer());
      wait.set_min_sequence(head);
      *wait.mutable_timeout() = ToProtoDuration(kPropagation);
      auto at = CallAs(stub.get(), &PS::WaitForConsumer, admin_, wait);
      if (!at.ok()) {
        return ::testing::AssertionFailure() << service << ": " << at.status();
      }
    }
    return ::testing::AssertionSuccess();
  }

  // Blocks until `service`'s command outbox `outbox` has delivered
  // everything it holds.
  ::testing::AssertionResult CommandsDelivered(const std::string& service,
                                               const std::string& outbox) {
    auto stub = ::cs::events::v1::ConsumerProgress::NewStub(
        suite_.Channel(service));
    ::cs::events::v1::WaitForCommandsRequest wait;
    wait.set_outbox(outbox);
    *wait.mutable_timeout() = ToProtoDuration(kPropagation);
    auto state = CallAs(stub.get(), &PS::WaitForCommands, admin_, wait);
    if (!state.ok()) {
      return ::testing::AssertionFailure() << service << ": " << state.status();
    }
    return ::testing::AssertionSuccess();
  }

  // Blocks until `service` commits an event of `type` after sequence
  // `after` (events its timers emit a moment after its clock moved);
  // returns its sequence, 0 when none came within kPropagation.
  uint64_t AwaitEvent(const std::string& service, const std::string& type,
                      uint64_t after) {
    auto stub = ::cs::events::v1::EventStream::NewStub(suite_.Channel(service));
    grpc::ClientContext call;
    call.AddMetadata("authorization", "Bearer " + admin_);
    call.set_deadline(absl::ToChronoTime(absl::Now() + kPropagation));
    ::cs::events::v1::SubscribeRequest request;
    request.set_from_sequence(after + 1);
    request.add_types(type);
    auto reader = stub->Subscribe(&call, request);
    common::v1::Event event;
    const uint64_t sequence = reader->Read(&event) ? event.sequence() : 0;
    call.TryCancel();
    reader->Finish().ok();
    return sequence;
  }

  absl::StatusOr<rv1::SlaClock> ClockOf(const std::string& ticket,
                                        rv1::ClockKind kind) {
    rv1::GetTicketClocksRequest request;
    request.set_subject(ticket);
    auto clocks = CallAs(sla_.get(), &SS::GetTicketClocks, supervisor_, request);
    if (!clocks.ok()) return clocks.status();
    for (const rv1::SlaClock& c : clocks->clocks()) {
      if (c.kind() == kind) return c;
    }
    return absl::NotFoundError(
        absl::StrCat("no ", rv1::ClockKind_Name(kind), " clock"));
  }

  absl::StatusOr<rv1::SlaClock> FirstResponseClock(const std::string& ticket) {
    return ClockOf(ticket, rv1::CLOCK_KIND_FIRST_RESPONSE);
  }

  void RegisterAgentLiOnline() {
    rv1::RegisterAgentRequest reg;
    rv1::Agent* agent = reg.mutable_agent();
    agent->set_name("agents/li");
    agent->set_department("技术支持部");
    agent->add_skills("支付类");
    agent->set_capacity(5);
    agent->set_display_name("李工");
    ASSERT_TRUE(CallAs(routing_.get(), &RS::RegisterAgent, admin_, reg).ok());
    rv1::SetAgentAvailabilityRequest online;
    online.set_name("agents/li");
    online.set_availability(rv1::AVAILABILITY_ONLINE);
    ASSERT_TRUE(
        CallAs(routing_.get(), &RS::SetAgentAvailability, admin_, online).ok());
  }

  // A published article in 支付类 › 支付故障; returns its name.
  std::string PublishArticle() {
    kv1::CreateCategoryRequest root;
    root.set_display_name("支付类");
    auto parent = CallAs(kb_.get(), &KS::CreateCategory, editor_, root);
    EXPECT_TRUE(parent.ok()) << parent.status();
    kv1::CreateCategoryRequest child;
    child.set_parent(parent->name());
    child.set_display_name("支付故障");
    auto category = CallAs(kb_.get(), &KS::CreateCategory, editor_, child);
    EXPECT_TRUE(category.ok()) << category.status();
    kv1::CreateArticleRequest create;
    create.set_request_id("sys-article-1");
    create.mutable_content()->set_title("门店刷卡支付失败的处理办法");
    create.mutable_content()->set_body(
        "1. 确认收银终端网络正常；\n2. 重新签到POS终端；\n"
        "3. 仍然支付失败时，请联系技术支持部并提供终端号。");
    create.mutable_content()->set_category(category->name());
    auto article = CallAs(kb_.get(), &KS::CreateArticle, editor_, create);
    EXPECT_TRUE(article.ok()) << article.status();
    kv1::SubmitForReviewRequest submit;
    submit.set_name(article->name());
    EXPECT_TRUE(CallAs(kb_.get(), &KS::SubmitForReview, editor_, submit).ok());
    kv1::ReviewArticleRequest approve;
    approve.set_name(article->name());
    approve.set_approve(true);
    auto published = CallAs(kb_.get(), &KS::ReviewArticle, reviewer_, approve);
    EXPECT_TRUE(published.ok()) << published.status();
    EXPECT_EQ(published->state(), kv1::ARTICLE_STATE_PUBLISHED);
    return article->name();
  }

  tv1::Ticket CreateAGradePhoneTicket() {
    tv1::UpsertCustomerRequest customer;
    customer.mutable_customer()->set_name("customers/c-3001");
    customer.mutable_customer()->set_full_name("吴九");
    customer.mutable_customer()->set_title(tv1::TITLE_MR);
    customer.mutable_customer()->set_phone("13300006666");
    EXPECT_TRUE(
        CallAs(tickets_.get(), &TS::UpsertCustomer, supervisor_, customer).ok());
    tv1::CreateTicketRequest create;
    create.set_request_id("sys-ticket-1");
    tv1::Ticket* t = create.mutable_ticket();
    t->set_channel(common::v1::CHANNEL_PHONE);
    t->set_stage(common::v1::STAGE_IN_SALE);
    t->add_category("支付类");
    t->add_category("支付故障");
    t->set_affected_customer_count(120);
    t->set_customer_id("c-3001");
    t->set_customer_type(tv1::CUSTOMER_TYPE_RETURNING);
    t->set_subject("门店刷卡支付全部失败");
    t->set_description("今天下午起所有门店顾客刷卡支付均失败，影响约120位客户。");
    auto ticket = CallAs(tickets_.get(), &TS::CreateTicket, supervisor_, create);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    return ticket.value_or(tv1::Ticket());
  }

  Suite suite_;
  absl::Time t0_;
  std::string admin_, supervisor_, li_, lead_, director_, editor_, reviewer_,
      officer_, ivr_, qa_;
  std::unique_ptr<TS> tickets_;
  std::unique_ptr<RS> routing_;
  std::unique_ptr<SS> sla_;
  std::unique_ptr<KS> kb_;
  std::unique_ptr<CS> complaints_;
  std::unique_ptr<ES> escalation_;
  std::unique_ptr<AS> analytics_;
  std::unique_ptr<QS> quality_;
};

TEST_F(SystemTest, FridayEveningOutageFromTicketToDailyReport) {
  RegisterAgentLiOnline();
  const std::string article = PublishArticle();

  // ---- Friday 17:55: an A-grade phone ticket, graded and routed.
  ASSERT_TRUE(suite_.SetClocks(t0_).ok());
  const tv1::Ticket ticket = CreateAGradePhoneTicket();
  ASSERT_FALSE(ticket.name().empty());
  rv1::GetTicketRoutingRequest get_routing;
  get_routing.set_ticket(ticket.name());
  ASSERT_TRUE(CaughtUp("routing"));
  absl::StatusOr<rv1::TicketRouting> routed = CallAs(
      routing_.get(), &RS::GetTicketRouting, supervisor_, get_routing);
  ASSERT_TRUE(routed.ok()) << routed.status();
  EXPECT_EQ(routed->assignee(), "li");
  EXPECT_EQ(routed->grade(), common::v1::GRADE_A);
  EXPECT_EQ(routed->department(), "技术支持部");
  // Routing's Assigner delivers the decision to the ticket service.
  ASSERT_TRUE(CommandsDelivered("routing", "routing->ticket"));
  tv1::GetTicketRequest get_ticket;
  get_ticket.set_name(ticket.name());
  auto assigned =
      CallAs(tickets_.get(), &TS::GetTicket, supervisor_, get_ticket);
  ASSERT_TRUE(assigned.ok()) << assigned.status();
  EXPECT_EQ(assigned->assignee(), "li");
  EXPECT_EQ(assigned->grade(), common::v1::GRADE_A);
  // In-sale urgent: 15 minutes on the 7×24 calendar, due 18:10 that Friday.
  absl::StatusOr<rv1::SlaClock> clock = FirstResponseClock(ticket.name());
  ASSERT_TRUE(clock.ok()) << clock.status();
  EXPECT_EQ(FromProtoDuration(clock->target()), absl::Minutes(15));
  EXPECT_EQ(FromProtoTime(clock->due_time()), t0_ + absl::Minutes(15));

  // ---- Nobody answers. 18:07 (80 %): the warning reaches the team lead.
  uint64_t routing_head = Head("routing");
  ASSERT_TRUE(suite_.SetClocks(t0_ + absl::Minutes(12)).ok());
  ASSERT_GT(AwaitEvent("routing", "SlaWarning", routing_head), 0u);
  ASSERT_TRUE(CaughtUp("escalation"));
  std::vector<ev1::Notification> lead =
      AwaitNotifications(lead_, "team_lead", 1);
  ASSERT_EQ(lead.size(), 1u);
  EXPECT_EQ(lead[0].kind(), ev1::NOTIFICATION_KIND_SLA_WARNING);
  EXPECT_EQ(lead[0].subject(), ticket.name());

  // ---- 18:09:59 is not yet late; 18:10:00 is the breach instant.
  ASSERT_TRUE(suite_.SetClocks(t0_ + absl::Minutes(15) - absl::Seconds(1)).ok());
  clock = FirstResponseClock(ticket.name());
  ASSERT_TRUE(clock.ok());
  EXPECT_FALSE(clock->breached());
  routing_head = Head("routing");
  ASSERT_TRUE(suite_.SetClocks(t0_ + absl::Minutes(15)).ok());
  ASSERT_GT(AwaitEvent("routing", "SlaBreached", routing_head), 0u);
  clock = FirstResponseClock(ticket.name());
  ASSERT_TRUE(clock.ok()) << clock.status();
  EXPECT_TRUE(clock->breached());
  bool breach_entry = false;
  for (const rv1::ClockLedgerEntry& e : clock->ledger()) {
    if (e.transition() == rv1::CLOCK_TRANSITION_BREACH) {
      breach_entry = true;
      EXPECT_EQ(FromProtoTime(e.time()), t0_ + absl::Minutes(15));
    }
  }
  EXPECT_TRUE(breach_entry);

  // ---- Escalation level 1 (组长) is notified on the stream.
  ASSERT_TRUE(CaughtUp("escalation"));
  lead = AwaitNotifications(lead_, "team_lead", 2);
  ASSERT_EQ(lead.size(), 2u);
  EXPECT_EQ(lead[1].kind(), ev1::NOTIFICATION_KIND_ESCALATION);
  EXPECT_EQ(lead[1].level(), 1);
  EXPECT_EQ(lead[1].subject(), ticket.name());
  const std::string case_name = lead[1].case_name();
  ev1::GetCaseRequest get_case;
  get_case.set_name(case_name);
  auto esc_case = CallAs(escalation_.get(), &ES::GetCase, supervisor_, get_case);
  ASSERT_TRUE(esc_case.ok()) << esc_case.status();
  EXPECT_EQ(esc_case->state(), ev1::CASE_STATE_OPEN);
  EXPECT_EQ(FromProtoTime(esc_case->level_time()), t0_ + absl::Minutes(15));
  EXPECT_EQ(FromProtoTime(esc_case->ack_due_time()), t0_ + absl::Minutes(30));

  // ---- Crash: escalation-server is killed mid-flow. While it is down the
  // other services move on past level 1's acknowledgement deadline (18:25).
  suite_.Kill("escalation");
  ASSERT_TRUE(suite_.SetClocks(t0_ + absl::Minutes(31)).ok());
  ASSERT_TRUE(suite_.Start("escalation").ok());
  const uint64_t escalation_head = Head("escalation");
  ASSERT_TRUE(suite_.SetClocks(t0_ + absl::Minutes(31), "escalation").ok());
  ASSERT_GT(AwaitEvent("escalation", "EscalationLevelRaised", escalation_head),
            0u);

  // ---- Not acknowledged: level 2 (技术总监) is notified, once.
  std::vector<ev1::Notification> directors =
      AwaitNotifications(director_, "director", 1);
  ASSERT_EQ(directors.size(), 1u);
  EXPECT_EQ(directors[0].kind(), ev1::NOTIFICATION_KIND_ESCALATION);
  EXPECT_EQ(directors[0].level(), 2);
  EXPECT_EQ(directors[0].case_name(), case_name);
  esc_case = CallAs(escalation_.get(), &ES::GetCase, supervisor_, get_case);
  ASSERT_TRUE(esc_case.ok()) << esc_case.status();
  EXPECT_EQ(esc_case->level(), 2);
  EXPECT_EQ(FromProtoTime(esc_case->level_time()), t0_ + absl::Minutes(30));

  // ---- 18:26: the agent replies; the clock is fulfilled (late) and the
  // case closes by itself.
  tv1::AddReplyRequest reply;
  reply.set_name(ticket.name());
  reply.mutable_reply()->set_author_kind(tv1::AUTHOR_KIND_AGENT);
  reply.mutable_reply()->set_visibility(tv1::REPLY_VISIBILITY_PUBLIC);
  reply.mutable_reply()->set_body("您好，技术支持部已定位到支付网关故障，正在恢复。");
  auto replied = CallAs(tickets_.get(), &TS::AddReply, li_, reply);
  ASSERT_TRUE(replied.ok()) << replied.status();
  // Ticket → routing (the clock is fulfilled) → escalation (the case closes).
  ASSERT_TRUE(CaughtUp("routing"));
  ASSERT_TRUE(CaughtUp("escalation"));
  esc_case = CallAs(escalation_.get(), &ES::GetCase, supervisor_, get_case);
  ASSERT_TRUE(esc_case.ok()) << esc_case.status();
  EXPECT_EQ(esc_case->state(), ev1::CASE_STATE_CLOSED);
  directors = AwaitNotifications(director_, "director", 2);
  ASSERT_EQ(directors.size(), 2u);
  EXPECT_EQ(directors[1].kind(), ev1::NOTIFICATION_KIND_CASE_CLOSED);
  // Nothing lost or duplicated across the crash: reading past the end of
  // each stream (a short real-time bound) finds no extra notification.
  EXPECT_EQ(Notifications(lead_, "team_lead", 3, absl::Seconds(1)).size(), 2u);
  EXPECT_EQ(Notifications(director_, "director", 3, absl::Seconds(1)).size(),
            2u);
  auto cases = CallAs(escalation_.get(), &ES::ListCases, supervisor_,
                      ev1::ListCasesRequest());
  ASSERT_TRUE(cases.ok()) << cases.status();
  EXPECT_EQ(cases->cases_size(), 1);

  // ---- KB: search, and share the article to the ticket.
  kv1::SearchRequest search;
  search.set_query("刷卡支付失败");
  auto hits = CallAs(kb_.get(), &KS::Search, li_, search);
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_GE(hits->hits_size(), 1);
  EXPECT_EQ(hits->hits(0).article(), article);
  kv1::ShareToTicketRequest share;
  share.set_article(article);
  share.set_ticket(ticket.name());
  auto shared = CallAs(kb_.get(), &KS::ShareToTicket, li_, share);
  ASSERT_TRUE(shared.ok()) << shared.status();
  get_ticket.set_view(tv1::TICKET_VIEW_FULL);
  auto full = CallAs(tickets_.get(), &TS::GetTicket, supervisor_, get_ticket);
  ASSERT_TRUE(full.ok());
  ASSERT_EQ(full->replies_size(), 2);
  EXPECT_THAT(full->replies(1).body(), ::testing::HasSubstr("重新签到POS终端"));

  // ---- Resolved at first contact; the customer rates it.
  tv1::ResolveTicketRequest resolve;
  resolve.set_name(ticket.name());
  resolve.set_resolution("支付网关已恢复，门店刷卡正常。");
  resolve.set_solved_at_first_contact(true);
  ASSERT_TRUE(CallAs(tickets_.get(), &TS::ResolveTicket, li_, resolve).ok());
  tv1::SubmitFeedbackRequest feedback;
  feedback.set_name(ticket.name());
  feedback.mutable_feedback()->set_csat(5);
  feedback.mutable_feedback()->set_nps(10);
  auto rated = CallAs(tickets_.get(), &TS::SubmitFeedback, ivr_, feedback);
  ASSERT_TRUE(rated.ok()) << rated.status();
  // The resolution completes the service record (ServiceRecordChecked, a
  // quality event), and routing-sla fulfils the record-completeness clock.
  ASSERT_TRUE(CaughtUp("routing"));
  absl::StatusOr<rv1::SlaClock> record =
      ClockOf(ticket.name(), rv1::CLOCK_KIND_RECORD_COMPLETENESS);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->state(), rv1::CLOCK_STATE_FULFILLED)
      << rv1::ClockState_Name(record->state());

  // ---- A complaint: the first solution is rejected, the second accepted.
  cv1::FileRequest file;
  file.set_request_id("sys-complaint-1");
  cv1::Complaint* c = file.mutable_complaint();
  c->set_customer_id("c-3001");
  c->set_ticket(ticket.name());
  c->set_channel(common::v1::CHANNEL_PHONE);
  c->set_severity(cv1::SEVERITY_MAJOR);
  c->set_description("支付故障导致门店损失，客服响应太慢");
  c->add_items("支付");
  c->set_requested_remedy(cv1::REMEDY_KIND_COMPENSATION);
  c->set_department("客服部");
  auto filed = CallAs(complaints_.get(), &CS::File, ivr_, file);
  ASSERT_TRUE(filed.ok()) << filed.status();
  cv1::AcknowledgeRequest ack;
  ack.set_name(filed->name());
  ASSERT_TRUE(CallAs(complaints_.get(), &CS::Acknowledge, officer_, ack).ok());
  cv1::StartInvestigationRequest investigate;
  investigate.set_name(filed->name());
  investigate.set_classification(cv1::CLASSIFICATION_NON_QUALITY);
  investigate.set_cause(cv1::CAUSE_CATEGORY_PROCESS);
  ASSERT_TRUE(CallAs(complaints_.get(), &CS::StartInvestigation, officer_,
                     investigate)
                  .ok());
  cv1::ProposeSolutionRequest propose;
  propose.set_name(filed->name());
  propose.set_solution("书面致歉");
  propose.add_remedies()->set_kind(cv1::REMEDY_KIND_APOLOGY);
  ASSERT_TRUE(
      CallAs(complaints_.get(), &CS::ProposeSolution, officer_, propose).ok());
  cv1::RecordCustomerDecisionRequest decide;
  decide.set_name(filed->name());
  decide.set_decision(cv1::CUSTOMER_DECISION_REJECTED);
  auto rejected =
      CallAs(complaints_.get(), &CS::RecordCustomerDecision, officer_, decide);
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  ASSERT_EQ(rejected->rounds_size(), 2);
  propose.set_solution("致歉并补偿200元");
  propose.clear_remedies();
  cv1::Remedy* remedy = propose.add_remedies();
  remedy->set_kind(cv1::REMEDY_KIND_COMPENSATION);
  remedy->mutable_amount()->set_currency_code("CNY");
  remedy->mutable_amount()->set_minor_units(20000);
  ASSERT_TRUE(
      CallAs(complaints_.get(), &CS::ProposeSolution, officer_, propose).ok());
  decide.set_decision(cv1::CUSTOMER_DECISION_ACCEPTED);
  auto accepted =
      CallAs(complaints_.get(), &CS::RecordCustomerDecision, officer_, decide);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->stage(), cv1::COMPLAINT_STAGE_ACCEPTED);
  ASSERT_EQ(accepted->rounds_size(), 2);
  EXPECT_EQ(accepted->rounds(0).decision(), cv1::CUSTOMER_DECISION_REJECTED);
  EXPECT_EQ(accepted->rounds(0).solution(), "书面致歉");
  EXPECT_EQ(accepted->rounds(1).decision(), cv1::CUSTOMER_DECISION_ACCEPTED);

  // ---- QA inspection: the breach and the complaint reached the ticket
  // service through routing's and complaint's event streams.
  tv1::ListInspectionQueueRequest queue_request;
  queue_request.set_period(absl::FormatTime("%Y-%m", t0_, Shanghai()));
  ASSERT_TRUE(CaughtUp("ticket"));
  absl::StatusOr<tv1::ListInspectionQueueResponse> queue =
      CallAs(quality_.get(), &QS::ListInspectionQueue, qa_, queue_request);
  ASSERT_TRUE(queue.ok()) << queue.status();
  ASSERT_EQ(queue->candidates_size(), 1) << queue->DebugString();
  const tv1::InspectionCandidate& candidate = queue->candidates(0);
  EXPECT_EQ(candidate.ticket(), ticket.name());
  EXPECT_EQ(candidate.agent(), "li");
  EXPECT_THAT(candidate.reasons(),
              ::testing::ElementsAre("COMPLAINT_LINKED", "SLA_BREACHED"));
  EXPECT_THAT(candidate.breached_clocks(),
              ::testing::Contains("FIRST_RESPONSE"));
  EXPECT_THAT(candidate.complaints(), ::testing::ElementsAre(filed->name()));

  // ---- The daily report of that Friday, once analytics has every event.
  av1::GetDailyReportRequest report_request;
  report_request.set_date(absl::FormatCivilTime(
      absl::ToCivilDay(t0_, Shanghai())));
  // Analytics follows every producer's stream, each at its own pace.
  ASSERT_TRUE(CaughtUp("analytics"));
  absl::StatusOr<av1::DailyReport> report = CallAs(
      analytics_.get(), &AS::GetDailyReport, supervisor_, report_request);
  ASSERT_TRUE(report.ok()) << report.status();
  const av1::MetricsRow& total = report->total();
  // One sign of each producer's stream having arrived.
  EXPECT_GE(total.ratings(), 1) << total.DebugString();
  EXPECT_GE(total.complaints(), 1);
  EXPECT_GE(total.kb_searches(), 1);
  EXPECT_GE(total.resolved(), 1);
  ASSERT_EQ(total.escalations_by_level().count(1), 1u) << total.DebugString();
  ASSERT_EQ(total.escalations_by_level().count(2), 1u);
  EXPECT_EQ(total.tickets(), 1);
  EXPECT_EQ(total.responded(), 1);
  EXPECT_EQ(total.on_time_responses(), 0);  // answered 16 minutes late
  EXPECT_DOUBLE_EQ(total.on_time_response_rate(), 0.0);
  EXPECT_EQ(total.solved_first_contact(), 1);
  EXPECT_DOUBLE_EQ(total.first_contact_resolution_rate(), 1.0);
  // 17:55 → 18:26 on the 7×24 calendar: 31 minutes to answer and resolve.
  EXPECT_DOUBLE_EQ(total.avg_response_seconds(), 31 * 60);
  EXPECT_DOUBLE_EQ(total.avg_resolution_seconds(), 31 * 60);
  EXPECT_DOUBLE_EQ(total.customer_wait_seconds(), 31 * 60);
  EXPECT_DOUBLE_EQ(total.csat(), 1.0);
  EXPECT_DOUBLE_EQ(total.nps(), 100.0);
  EXPECT_DOUBLE_EQ(total.complaint_rate(), 1.0);
  EXPECT_EQ(total.sla_breaches(), 1);
  EXPECT_EQ(total.escalations_by_level().at(1), 1);
  EXPECT_EQ(total.escalations_by_level().at(2), 1);
  EXPECT_EQ(total.kb_zero_result_searches(), 0);
}

}  // namespace
}  // namespace cs::system_test
