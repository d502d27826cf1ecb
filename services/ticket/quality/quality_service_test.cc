// Service tests of QualityService as hosted by the ticket server: real gRPC
// on loopback, real RocksDB in a temp dir, the manual clock; tokens signed by
// the test key.
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cs/common/v1/event.pb.h"
#include "cs/complaint/v1/events.pb.h"
#include "cs/routing/v1/routing.pb.h"
#include "cs/ticket/v1/events.pb.h"
#include "cs/ticket/v1/quality.grpc.pb.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/clock.h"
#include "libs/common/errors.h"
#include "libs/events/test_producer.h"
#include "libs/server/test_host.h"
#include "libs/testing/temp_dir.h"
#include "services/ticket/domain/ticket_number.h"
#include "services/ticket/testing/ticket_test_server.h"

namespace cs::ticket::quality {
namespace {

using auth::Role;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using TicketStub = v1::TicketService::Stub;
using QualityStub = v1::QualityService::Stub;
namespace common = cs::common::v1;

std::string TokenFor(Role role, const std::string& subject,
                     const std::string& department = "客服部") {
  return cs::testing::TestToken({role}, subject, department);
}

class QualityServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 2026-11-10 10:00 Asia/Shanghai.
    clock_.SetTime(absl::FromCivil(absl::CivilSecond(2026, 11, 10, 10, 0, 0),
                                   CentreTimeZone()));
    server_.Start(dir_, clock_, {.survey_share = 1.0});
    tickets_ = server_.NewStub();
    quality_ = server_.NewQualityStub();
    v1::UpsertCustomerRequest upsert;
    upsert.mutable_customer()->set_name("customers/c-1001");
    upsert.mutable_customer()->set_full_name("张三");
    upsert.mutable_customer()->set_title(v1::TITLE_MR);
    upsert.mutable_customer()->set_phone("13812341234");
    ASSERT_TRUE(Call(&TicketStub::UpsertCustomer, supervisor_, upsert).ok());
  }
  void TearDown() override { server_.Shutdown(); }

  template <typename Response, typename Request>
  absl::StatusOr<Response> Call(
      grpc::Status (TicketStub::*method)(grpc::ClientContext*, const Request&,
                                         Response*),
      const std::string& token, const Request& request) {
    return cs::testing::CallAs(tickets_.get(), method, token, request);
  }
  template <typename Response, typename Request>
  absl::StatusOr<Response> Q(
      grpc::Status (QualityStub::*method)(grpc::ClientContext*, const Request&,
                                          Response*),
      const std::string& token, const Request& request) {
    return cs::testing::CallAs(quality_.get(), method, token, request);
  }

  // A ticket of 客服部 handled by `agent` and resolved now; `csat` > 0 adds
  // the customer's survey.
  // A new ticket of c-1001 assigned to `agent` in 客服部.
  v1::Ticket Assigned(const std::string& agent) {
    v1::CreateTicketRequest create;
    v1::Ticket* t = create.mutable_ticket();
    t->set_channel(common::CHANNEL_PHONE);
    t->set_stage(common::STAGE_AFTER_SALE);
    t->set_subject("手机信号弱");
    t->set_description("客户反映在地下车库手机信号弱，无法通话。");
    t->set_customer_id("c-1001");
    t->set_department("客服部");
    auto created = Call(&TicketStub::CreateTicket, supervisor_, create);
    EXPECT_TRUE(created.ok()) << created.status();
    v1::AssignTicketRequest assign;
    assign.set_name(created->name());
    assign.set_department("客服部");
    assign.set_assignee(agent);
    auto assigned = Call(&TicketStub::AssignTicket, supervisor_, assign);
    EXPECT_TRUE(assigned.ok()) << assigned.status();
    return assigned.ok() ? *assigned : *created;
  }

  v1::Ticket Handled(const std::string& agent, int csat = 0) {
    const v1::Ticket assigned = Assigned(agent);
    v1::ResolveTicketRequest resolve;
    resolve.set_name(assigned.name());
    resolve.set_resolution("已为客户更换SIM卡，信号恢复正常。");
    auto resolved = Call(&TicketStub::ResolveTicket, supervisor_, resolve);
    EXPECT_TRUE(resolved.ok()) << resolved.status();
    if (csat > 0) {
      v1::SubmitFeedbackRequest feedback;
      feedback.set_name(assigned.name());
      feedback.mutable_feedback()->set_csat(csat);
      auto f = Call(&TicketStub::SubmitFeedback, service_, feedback);
      EXPECT_TRUE(f.ok()) << f.status();
    }
    return resolved.value_or(v1::Ticket());
  }

  v1::CreateReviewRequest Review(const std::string& ticket, int tone) {
    v1::CreateReviewRequest r;
    r.set_ticket(ticket);
    for (const auto& item : DefaultScorecard().config().items()) {
      v1::ItemScore* s = r.add_scores();
      s->set_item(item.key());
      s->set_score(item.key() == "tone" ? tone : item.max_score());
    }
    r.set_comment("语气略显生硬，未使用规范结束语");
    r.add_coaching_actions("参加服务用语培训");
    return r;
  }

  std::vector<common::Event> Events(const std::string& type) {
    std::vector<common::Event> out;
    auto next =
        server_.host().outbox().Read(1, 100000, [&](const common::Event& e) {
          if (e.type() == type) out.push_back(e);
        });
    EXPECT_TRUE(next.ok());
    return out;
  }

  cs::testing::TempDir dir_;
  ManualClock clock_;
  testing::TicketTestServer server_;
  std::unique_ptr<TicketStub> tickets_;
  std::unique_ptr<QualityStub> quality_;
  const std::string agent_ = TokenFor(Role::kAgent, "agent-007");
  const std::string other_agent_ = TokenFor(Role::kAgent, "agent-008");
  const std::string lead_ = TokenFor(Role::kTeamLead, "lead-1");
  const std::string foreign_lead_ =
      TokenFor(Role::kTeamLead, "lead-9", "技术支持部");
  const std::string supervisor_ = TokenFor(Role::kSupervisor, "sup-1");
  const std::string qa_ = TokenFor(Role::kQa, "qa-1");
  const std::string service_ = TokenFor(Role::kService, "service:chat", "");
};

TEST_F(QualityServiceTest, ReviewComputesTotalAndPublishesEvent) {
  v1::Ticket ticket = Handled("agent-007");
  auto review = Q(&QualityStub::CreateReview, qa_, Review(ticket.name(), 4));
  ASSERT_TRUE(review.ok()) << review.status();
  EXPECT_EQ(review->agent(), "agent-007");
  EXPECT_EQ(review->reviewer(), "qa-1");
  EXPECT_DOUBLE_EQ(review->current().total(), 91.0);

  auto events = Events("QualityReviewed");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].subject(), ticket.name());
  v1::QualityReviewed payload;
  ASSERT_TRUE(events[0].payload().UnpackTo(&payload));
  EXPECT_DOUBLE_EQ(payload.total(), 91.0);
  EXPECT_TRUE(payload.scores(0).note().empty());

  // One review per ticket.
  EXPECT_EQ(Q(&QualityStub::CreateReview, qa_, Review(ticket.name(), 9))
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(QualityServiceTest, CreateReviewChecksRoleInputAndTicketState) {
  v1::Ticket ticket = Handled("agent-007");
  // Only qa.
  for (const std::string* token : {&agent_, &lead_, &supervisor_}) {
    EXPECT_EQ(Q(&QualityStub::CreateReview, *token, Review(ticket.name(), 4))
                  .status()
                  .code(),
              absl::StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(Q(&QualityStub::CreateReview, "", Review(ticket.name(), 4))
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
  // Bad score: named field, nothing written.
  auto bad = Q(&QualityStub::CreateReview, qa_, Review(ticket.name(), 11));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(bad.status()).at(0).field, "scores[2].score");
  EXPECT_TRUE(Events("QualityReviewed").empty());
  // Missing ticket.
  EXPECT_EQ(Q(&QualityStub::CreateReview, qa_,
              Review("tickets/01KAQDWRF80000000000000099", 4))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  // Unhandled ticket.
  v1::ReopenTicketRequest reopen;
  reopen.set_name(ticket.name());
  reopen.set_reason("客户反馈仍无信号");
  ASSERT_TRUE(Call(&TicketStub::ReopenTicket, supervisor_, reopen).ok());
  EXPECT_EQ(Q(&QualityStub::CreateReview, qa_, Review(ticket.name(), 4))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(QualityServiceTest, AgentsSeeOnlyTheirOwnReviews) {
  auto mine = Q(&QualityStub::CreateReview, qa_,
                Review(Handled("agent-007").name(), 6));
  clock_.Advance(absl::Minutes(5));  // ids order by creation millisecond
  auto theirs = Q(&QualityStub::CreateReview, qa_,
                  Review(Handled("agent-008").name(), 7));
  ASSERT_TRUE(mine.ok() && theirs.ok());

  auto own = Q(&QualityStub::ListReviews, agent_, v1::ListReviewsRequest());
  ASSERT_TRUE(own.ok()) << own.status();
  ASSERT_EQ(own->reviews_size(), 1);
  EXPECT_EQ(own->reviews(0).name(), mine->name());

  v1::ListReviewsRequest other;
  other.set_agent("agent-008");
  EXPECT_EQ(Q(&QualityStub::ListReviews, agent_, other).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::GetReviewRequest get;
  get.set_name(theirs->name());
  EXPECT_EQ(Q(&QualityStub::GetReview, agent_, get).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Q(&QualityStub::GetReview, other_agent_, get).ok());

  auto all = Q(&QualityStub::ListReviews, lead_, v1::ListReviewsRequest());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->reviews_size(), 2);
  EXPECT_EQ(all->reviews(0).name(), theirs->name());  // newest first
  auto filtered = Q(&QualityStub::ListReviews, supervisor_, other);
  ASSERT_TRUE(filtered.ok());
  ASSERT_EQ(filtered->reviews_size(), 1);

  v1::ListReviewsRequest paged;
  paged.set_page_size(1);
  auto page1 = Q(&QualityStub::ListReviews, qa_, paged);
  ASSERT_TRUE(page1.ok());
  ASSERT_FALSE(page1->next_page_token().empty());
  paged.set_page_token(page1->next_page_token());
  auto page2 = Q(&QualityStub::ListReviews, qa_, paged);
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->reviews_size(), 1);
  EXPECT_EQ(page2->reviews(0).name(), mine->name());
}

// Personal data a reviewer typed is shown only to read_pii holders, as in
// the ticket's own text; the review keeps it in clear.
TEST_F(QualityServiceTest, ReviewTextIsMaskedForCallersWithoutReadPii) {
  v1::CreateReviewRequest request = Review(Handled("agent-007").name(), 6);
  request.set_comment("未核实客户电话13912345678");
  request.mutable_scores(0)->set_note("客户邮箱 li.na@example.com 未登记");
  auto created = Q(&QualityStub::CreateReview, qa_, request);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_THAT(created->versions(0).comment(), Not(HasSubstr("13912345678")));
  EXPECT_THAT(created->versions(0).comment(), HasSubstr("未核实客户电话"));

  v1::GetReviewRequest get;
  // The id in either case.
  const std::string id = created->name().substr(created->name().find('/') + 1);
  get.set_name(absl::StrCat("qualityReviews/", absl::AsciiStrToLower(id)));
  auto as_agent = Q(&QualityStub::GetReview, agent_, get);
  ASSERT_TRUE(as_agent.ok()) << as_agent.status();
  EXPECT_THAT(as_agent->versions(0).comment(), Not(HasSubstr("13912345678")));
  EXPECT_THAT(as_agent->versions(0).scores(0).note(),
              Not(HasSubstr("li.na@example.com")));
  EXPECT_EQ(as_agent->current().comment(), "未核实客户电话139****5678");
  EXPECT_EQ(as_agent->current().scores(0).note(),
            "客户邮箱 l***@example.com 未登记");
  auto listed = Q(&QualityStub::ListReviews, agent_, v1::ListReviewsRequest());
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->reviews_size(), 1);
  EXPECT_THAT(listed->reviews(0).versions(0).comment(),
              Not(HasSubstr("13912345678")));
  EXPECT_THAT(listed->reviews(0).current().comment(),
              Not(HasSubstr("13912345678")));

  auto as_supervisor = Q(&QualityStub::GetReview, supervisor_, get);
  ASSERT_TRUE(as_supervisor.ok()) << as_supervisor.status();
  EXPECT_EQ(as_supervisor->versions(0).comment(), "未核实客户电话13912345678");
  EXPECT_EQ(as_supervisor->versions(0).scores(0).note(),
            "客户邮箱 li.na@example.com 未登记");

  // A team lead (no read_pii) amends the review from the masked text it was
  // shown: what it kept of the masked values keeps the clear originals.
  v1::DisputeReviewRequest dispute;
  dispute.set_name(created->name());
  dispute.set_reason("已补录客户电话，请复核");
  ASSERT_TRUE(Q(&QualityStub::DisputeReview, agent_, dispute).ok());
  auto as_lead = Q(&QualityStub::GetReview, lead_, get);
  ASSERT_TRUE(as_lead.ok()) << as_lead.status();
  v1::ResolveDisputeRequest amend;
  amend.set_name(created->name());
  amend.set_outcome(v1::DISPUTE_OUTCOME_AMENDED);
  *amend.mutable_scores() = as_lead->current().scores();
  amend.set_comment(absl::StrCat(as_lead->current().comment(), "（已补录）"));
  auto amended = Q(&QualityStub::ResolveDispute, lead_, amend);
  ASSERT_TRUE(amended.ok()) << amended.status();
  EXPECT_EQ(amended->current().comment(),
            "未核实客户电话139****5678（已补录）");
  as_supervisor = Q(&QualityStub::GetReview, supervisor_, get);
  ASSERT_TRUE(as_supervisor.ok()) << as_supervisor.status();
  EXPECT_EQ(as_supervisor->current().comment(),
            "未核实客户电话13912345678（已补录）");
  EXPECT_EQ(as_supervisor->current().scores(0).note(),
            "客户邮箱 li.na@example.com 未登记");
}

TEST_F(QualityServiceTest, DisputeFlowKeepsHistory) {
  auto review = Q(&QualityStub::CreateReview, qa_,
                  Review(Handled("agent-007").name(), 4));
  ASSERT_TRUE(review.ok());
  v1::DisputeReviewRequest dispute;
  dispute.set_name(review->name());
  dispute.set_reason("客户情绪激动，语气已尽量克制，请复听录音");
  // Only the reviewed agent may dispute.
  EXPECT_EQ(
      Q(&QualityStub::DisputeReview, other_agent_, dispute).status().code(),
      absl::StatusCode::kPermissionDenied);
  auto disputed = Q(&QualityStub::DisputeReview, agent_, dispute);
  ASSERT_TRUE(disputed.ok()) << disputed.status();
  EXPECT_EQ(disputed->state(), v1::REVIEW_STATE_DISPUTED);
  EXPECT_EQ(Q(&QualityStub::DisputeReview, agent_, dispute).status().code(),
            absl::StatusCode::kFailedPrecondition);

  v1::ResolveDisputeRequest amend;
  amend.set_name(review->name());
  amend.set_outcome(v1::DISPUTE_OUTCOME_AMENDED);
  *amend.mutable_scores() = Review("", 8).scores();
  amend.set_note("复听录音后上调语气分");
  // The agent cannot resolve; a lead of another department cannot either.
  EXPECT_EQ(Q(&QualityStub::ResolveDispute, agent_, amend).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(
      Q(&QualityStub::ResolveDispute, foreign_lead_, amend).status().code(),
      absl::StatusCode::kPermissionDenied);
  auto amended = Q(&QualityStub::ResolveDispute, lead_, amend);
  ASSERT_TRUE(amended.ok()) << amended.status();
  EXPECT_EQ(amended->state(), v1::REVIEW_STATE_AMENDED);
  ASSERT_EQ(amended->versions_size(), 2);
  EXPECT_DOUBLE_EQ(amended->versions(0).total(), 91.0);
  EXPECT_DOUBLE_EQ(amended->current().total(), 97.0);

  auto events = Events("QualityReviewAmended");
  ASSERT_EQ(events.size(), 1u);
  v1::QualityReviewAmended payload;
  ASSERT_TRUE(events[0].payload().UnpackTo(&payload));
  EXPECT_DOUBLE_EQ(payload.previous_total(), 91.0);
  EXPECT_DOUBLE_EQ(payload.total(), 97.0);

  // The stored review is what the agent sees.
  v1::GetReviewRequest get;
  get.set_name(review->name());
  auto stored = Q(&QualityStub::GetReview, agent_, get);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->disputes(0).resolved_by(), "lead-1");
  EXPECT_EQ(stored->versions_size(), 2);

  // Nothing open any more.
  EXPECT_EQ(Q(&QualityStub::ResolveDispute, lead_, amend).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(QualityServiceTest, InspectionQueueCoversEveryAgent) {
  // 张敏 (agent-zm) handled 4 tickets, one rated 1; 李强 (agent-lq) 1 ticket,
  // already reviewed; 王芳 (agent-wf) 2.
  std::vector<v1::Ticket> zm;
  for (int i = 0; i < 4; ++i) zm.push_back(Handled("agent-zm", i == 2 ? 1 : 5));
  v1::Ticket lq = Handled("agent-lq", 4);
  const v1::Ticket wf = Handled("agent-wf");
  Handled("agent-wf");
  // A duplicate merged into 王芳's ticket is closed, not handled: no
  // candidate, not counted.
  v1::MergeTicketsRequest merge;
  merge.set_target(wf.name());
  merge.add_sources(Assigned("agent-wf").name());
  merge.set_reason("重复工单");
  ASSERT_TRUE(Call(&TicketStub::MergeTickets, supervisor_, merge).ok());
  ASSERT_TRUE(Q(&QualityStub::CreateReview, qa_, Review(lq.name(), 8)).ok());

  v1::ListInspectionQueueRequest request;
  request.set_period("2026-11");
  request.set_reviews_per_agent(2);
  auto queue = Q(&QualityStub::ListInspectionQueue, qa_, request);
  ASSERT_TRUE(queue.ok()) << queue.status();
  std::map<std::string, std::vector<std::string>> by_agent;
  for (const auto& c : queue->candidates()) {
    by_agent[c.agent()].push_back(c.ticket());
  }
  ASSERT_EQ(by_agent["agent-zm"].size(), 2u);
  EXPECT_EQ(by_agent["agent-zm"][0], zm[2].name());  // low CSAT first
  EXPECT_EQ(by_agent["agent-wf"].size(), 2u);
  EXPECT_TRUE(by_agent["agent-lq"].empty());
  ASSERT_EQ(queue->coverage_size(), 3);
  EXPECT_EQ(queue->coverage(0).agent(), "agent-lq");
  EXPECT_EQ(queue->coverage(0).reviews(), 1);
  EXPECT_EQ(queue->coverage(0).shortfall(), 1);
  EXPECT_EQ(queue->coverage(1).agent(), "agent-wf");
  EXPECT_EQ(queue->coverage(1).handled_tickets(), 2);
  EXPECT_EQ(queue->coverage(2).agent(), "agent-zm");
  EXPECT_EQ(queue->coverage(2).handled_tickets(), 4);

  // Another month has nothing; bad input and roles are refused.
  request.set_period("2026-12");
  auto empty = Q(&QualityStub::ListInspectionQueue, qa_, request);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->candidates_size(), 0);
  request.set_period("2026-13");
  EXPECT_EQ(FieldViolationsOf(
                Q(&QualityStub::ListInspectionQueue, qa_, request).status())
                .at(0)
                .field,
            "period");
  request.set_period("2026-11");
  EXPECT_EQ(
      Q(&QualityStub::ListInspectionQueue, agent_, request).status().code(),
      absl::StatusCode::kPermissionDenied);
}

TEST_F(QualityServiceTest, FollowUpNotSolvedReopensTheTicket) {
  v1::Ticket ticket = Handled("agent-007");
  ASSERT_TRUE(
      Q(&QualityStub::CreateReview, qa_, Review(ticket.name(), 6)).ok());
  v1::RecordFollowUpRequest visit;
  visit.set_ticket(ticket.name());
  visit.set_reached(true);
  visit.set_solved(false);
  visit.set_satisfaction(2);
  visit.set_note("客户表示信号仍然很弱");
  auto follow_up = Q(&QualityStub::RecordFollowUp, agent_, visit);
  ASSERT_TRUE(follow_up.ok()) << follow_up.status();
  EXPECT_TRUE(follow_up->reopened_ticket());

  v1::GetTicketRequest get;
  get.set_name(ticket.name());
  auto reopened = Call(&TicketStub::GetTicket, supervisor_, get);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened->status(), v1::TICKET_STATUS_REOPENED);
  EXPECT_EQ(reopened->reopen_count(), 1);
  ASSERT_EQ(Events("FollowUpRecorded").size(), 1u);
  ASSERT_EQ(Events("TicketReopened").size(), 1u);
  EXPECT_LT(Events("FollowUpRecorded")[0].sequence(),
            Events("TicketReopened")[0].sequence());

  // The ticket is open now: no second follow-up until it is resolved again.
  EXPECT_EQ(Q(&QualityStub::RecordFollowUp, agent_, visit).status().code(),
            absl::StatusCode::kFailedPrecondition);

  // The agent handled nothing this month now, but was reviewed: the
  // department's coverage still lists them, in that department.
  v1::ListInspectionQueueRequest queue;
  queue.set_period("2026-11");
  queue.set_department("客服部");
  auto coverage = Q(&QualityStub::ListInspectionQueue, qa_, queue);
  ASSERT_TRUE(coverage.ok()) << coverage.status();
  ASSERT_EQ(coverage->coverage_size(), 1);
  EXPECT_EQ(coverage->coverage(0).agent(), "agent-007");
  EXPECT_EQ(coverage->coverage(0).department(), "客服部");
  EXPECT_EQ(coverage->coverage(0).reviews(), 1);
  EXPECT_EQ(coverage->coverage(0).handled_tickets(), 0);
}

TEST_F(QualityServiceTest, FollowUpSolvedOrUnreachedKeepsTheTicket) {
  v1::Ticket ticket = Handled("agent-007");
  v1::RecordFollowUpRequest visit;
  visit.set_ticket(ticket.name());
  visit.set_reached(false);
  ASSERT_TRUE(Q(&QualityStub::RecordFollowUp, agent_, visit).ok());
  visit.set_reached(true);
  visit.set_solved(true);
  visit.set_satisfaction(5);
  ASSERT_TRUE(Q(&QualityStub::RecordFollowUp, agent_, visit).ok());
  v1::GetTicketRequest get;
  get.set_name(ticket.name());
  EXPECT_EQ(Call(&TicketStub::GetTicket, supervisor_, get)->status(),
            v1::TICKET_STATUS_RESOLVED);
  EXPECT_EQ(Events("FollowUpRecorded").size(), 2u);
  EXPECT_TRUE(Events("TicketReopened").empty());
  // A kb editor may not record follow-ups; bad satisfaction is named.
  EXPECT_EQ(
      Q(&QualityStub::RecordFollowUp, TokenFor(Role::kKbEditor, "kb-1"), visit)
          .status()
          .code(),
      absl::StatusCode::kPermissionDenied);
  visit.set_satisfaction(9);
  EXPECT_EQ(
      FieldViolationsOf(Q(&QualityStub::RecordFollowUp, agent_, visit).status())
          .at(0)
          .field,
      "satisfaction");
}

TEST_F(QualityServiceTest, ResolutionEmitsSurveyRequestWhenSampled) {
  // survey_share 1.0 in this fixture: every resolution is sampled.
  v1::Ticket ticket = Handled("agent-007");
  auto surveys = Events("SurveyRequested");
  ASSERT_EQ(surveys.size(), 1u);
  v1::SurveyRequested payload;
  ASSERT_TRUE(surveys[0].payload().UnpackTo(&payload));
  EXPECT_EQ(payload.facts().ticket(), ticket.name());
  EXPECT_EQ(payload.facts().customer_id(), "c-1001");
  EXPECT_EQ(payload.facts().assignee(), "agent-007");
}

TEST_F(QualityServiceTest, ServiceRecordIsCheckedAtResolutionAndOnCompletion) {
  // Resolved without a grade (routing is not running here) for a customer
  // without a type: incomplete.
  v1::Ticket ticket = Handled("agent-007");
  auto checks = Events("ServiceRecordChecked");
  ASSERT_EQ(checks.size(), 1u);
  v1::ServiceRecordChecked first;
  ASSERT_TRUE(checks[0].payload().UnpackTo(&first));
  EXPECT_FALSE(first.complete());
  EXPECT_THAT(first.missing_fields(), ElementsAre("customer_type", "grade"));
  EXPECT_FALSE(first.vague_result());
  EXPECT_EQ(first.facts().assignee(), "agent-007");

  // The agent completes the record: a second check, complete this time.
  v1::UpdateTicketRequest update;
  update.mutable_ticket()->set_name(ticket.name());
  update.mutable_ticket()->set_grade(common::GRADE_C);
  update.mutable_ticket()->set_customer_type(v1::CUSTOMER_TYPE_RETURNING);
  update.mutable_update_mask()->add_paths("grade");
  update.mutable_update_mask()->add_paths("customer_type");
  auto updated = Call(&TicketStub::UpdateTicket, supervisor_, update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  checks = Events("ServiceRecordChecked");
  ASSERT_EQ(checks.size(), 2u);
  v1::ServiceRecordChecked second;
  ASSERT_TRUE(checks[1].payload().UnpackTo(&second));
  EXPECT_TRUE(second.complete());

  // A vague result is flagged at resolution.
  v1::ReopenTicketRequest reopen;
  reopen.set_name(ticket.name());
  reopen.set_reason("客户来电仍有问题");
  ASSERT_TRUE(Call(&TicketStub::ReopenTicket, supervisor_, reopen).ok());
  v1::ResolveTicketRequest resolve;
  resolve.set_name(ticket.name());
  resolve.set_resolution("已解决，客户满意");
  ASSERT_TRUE(Call(&TicketStub::ResolveTicket, supervisor_, resolve).ok());
  checks = Events("ServiceRecordChecked");
  ASSERT_EQ(checks.size(), 3u);
  v1::ServiceRecordChecked third;
  ASSERT_TRUE(checks[2].payload().UnpackTo(&third));
  EXPECT_FALSE(third.complete());
  EXPECT_TRUE(third.vague_result());
  EXPECT_THAT(third.missing_fields(), ::testing::IsEmpty());
}

// The ticket server follows a real routing-sla and a real complaint
// EventStream (libs/events TestProducer serving SlaBreached and
// ComplaintFiled as those services publish them).
class InspectionSignalTest : public QualityServiceTest {
 protected:
  static constexpr absl::Duration kGuard = absl::Seconds(30);  // only hangs

  void SetUp() override {
    server_.FollowSignals({.routing_target = routing_.target(),
                           .complaint_target = complaints_.target(),
                           .initial_backoff = absl::Milliseconds(1)});
    QualityServiceTest::SetUp();
  }

  static uint64_t Publish(cs::testing::TestProducer& producer,
                          const std::string& subject,
                          const google::protobuf::Message& payload) {
    WriteSet writes;
    const uint64_t sequence =
        producer.outbox().Append(writes, subject, payload);
    EXPECT_TRUE(producer.store().Commit(writes).ok());
    return sequence;
  }
  uint64_t Breach(const std::string& subject, routing::v1::ClockKind kind) {
    routing::v1::SlaBreached breach;
    routing::v1::SlaClock* clock = breach.mutable_clock();
    clock->set_name(absl::StrCat("clocks/", subject, "-", kind));
    clock->set_subject(subject);
    clock->set_kind(kind);
    clock->set_department("客服部");
    clock->set_breached(true);
    return Publish(routing_, clock->name(), breach);
  }
  uint64_t File(const std::string& complaint, const std::string& ticket) {
    complaint::v1::ComplaintFiled filed;
    filed.set_complaint(complaint);
    filed.set_ticket(ticket);
    filed.set_department("投诉处理部");
    return Publish(complaints_, complaint, filed);
  }

  v1::ListInspectionQueueResponse Queue() {
    v1::ListInspectionQueueRequest request;
    request.set_period("2026-11");
    request.set_reviews_per_agent(3);
    auto queue = Q(&QualityStub::ListInspectionQueue, qa_, request);
    EXPECT_TRUE(queue.ok()) << queue.status();
    return queue.value_or(v1::ListInspectionQueueResponse());
  }

  cs::testing::TestProducer routing_;
  cs::testing::TestProducer complaints_;
};

TEST_F(InspectionSignalTest, BreachedAndComplainedTicketsRankFirst) {
  v1::Ticket plain = Handled("agent-007");
  v1::Ticket low = Handled("agent-007", /*csat=*/1);
  v1::Ticket risky = Handled("agent-007");
  using routing::v1::ClockKind;
  Breach(risky.name(), routing::v1::CLOCK_KIND_RESOLUTION);
  Breach(risky.name(), routing::v1::CLOCK_KIND_RESOLUTION);  // repeated
  Breach(risky.name(), routing::v1::CLOCK_KIND_FIRST_RESPONSE);
  // A late follow-up visit is shown but does not rank the ticket.
  Breach(plain.name(), routing::v1::CLOCK_KIND_FOLLOW_UP);
  // Not tickets of this store: a complaint's own clock, an unknown ticket.
  Breach("complaints/01KAQDWRF80000000000000001",
         routing::v1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE);
  const uint64_t last_breach = Breach("tickets/01KAQDWRF80000000000000002",
                                      routing::v1::CLOCK_KIND_RESOLUTION);
  // One complaint names the ticket by number, one by name; one names none,
  // one a number of this day that does not exist.
  File("complaints/k-1", risky.number());
  File("complaints/k-2", risky.name());
  File("complaints/k-2", risky.name());  // repeated
  File("complaints/k-3", "");
  const uint64_t last_complaint = File("complaints/k-4", "T20261110-0-999999");
  ASSERT_TRUE(server_.feed().WaitForRouting(last_breach, kGuard));
  ASSERT_TRUE(server_.feed().WaitForComplaints(last_complaint, kGuard));

  v1::ListInspectionQueueResponse queue = Queue();
  ASSERT_EQ(queue.candidates_size(), 3);
  const v1::InspectionCandidate& first = queue.candidates(0);
  EXPECT_EQ(first.ticket(), risky.name());
  EXPECT_EQ(first.priority(), 3 + 2);  // counted once despite repeats
  EXPECT_THAT(first.reasons(), ElementsAre("COMPLAINT_LINKED", "SLA_BREACHED"));
  EXPECT_THAT(first.breached_clocks(),
              ElementsAre("FIRST_RESPONSE", "RESOLUTION"));
  EXPECT_THAT(first.complaints(),
              ElementsAre("complaints/k-1", "complaints/k-2"));
  EXPECT_EQ(queue.candidates(1).ticket(), low.name());
  EXPECT_EQ(queue.candidates(1).priority(), 4);
  EXPECT_EQ(queue.candidates(2).ticket(), plain.name());
  EXPECT_EQ(queue.candidates(2).priority(), 0);
  EXPECT_THAT(queue.candidates(2).breached_clocks(), ElementsAre("FOLLOW_UP"));

  // The same event delivered again (a redelivery after a lost
  // acknowledgement) changes nothing.
  common::Event again;
  ASSERT_TRUE(routing_.outbox()
                  .Read(1, 1, [&](const common::Event& e) { again = e; })
                  .ok());
  for (int i = 0; i < 2; ++i) {
    WriteSet writes;
    ASSERT_TRUE(server_.feed().Apply(again, writes).ok());
    ASSERT_TRUE(server_.host().store().Commit(writes).ok());
  }
  EXPECT_EQ(Queue().candidates(0).DebugString(), first.DebugString());

  // A restart keeps the facts and resumes after the last applied event.
  server_.Shutdown();
  server_.Start(dir_, clock_, {.survey_share = 1.0});
  quality_ = server_.NewQualityStub();
  EXPECT_EQ(Queue().DebugString(), queue.DebugString());
  const uint64_t more = Breach(low.name(), routing::v1::CLOCK_KIND_NEXT_REPLY);
  EXPECT_EQ(more, last_breach + 1);
  ASSERT_TRUE(server_.feed().WaitForRouting(more, kGuard));
  v1::ListInspectionQueueResponse after = Queue();
  EXPECT_EQ(after.candidates(0).ticket(), low.name());  // 4 + 2
  EXPECT_EQ(after.candidates(0).priority(), 6);
  EXPECT_EQ(after.candidates(1).DebugString(), first.DebugString());
}

TEST_F(InspectionSignalTest, WithoutSourcesThereAreNoSignals) {
  // --routing-addr and --complaint-addr empty: no consumer, as before.
  server_.Shutdown();
  server_.FollowSignals({});
  server_.Start(dir_, clock_, {.survey_share = 1.0});
  quality_ = server_.NewQualityStub();
  tickets_ = server_.NewStub();
  v1::Ticket t = Handled("agent-007");
  EXPECT_FALSE(server_.feed().WaitForRouting(1, absl::ZeroDuration()));
  v1::ListInspectionQueueResponse queue = Queue();
  ASSERT_EQ(queue.candidates_size(), 1);
  EXPECT_EQ(queue.candidates(0).ticket(), t.name());
  EXPECT_THAT(queue.candidates(0).reasons(), ::testing::IsEmpty());
}

}  // namespace
}  // namespace cs::ticket::quality
