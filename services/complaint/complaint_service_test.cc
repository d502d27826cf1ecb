// Service tests of complaint-server: the REAL routing-sla, escalation,
// knowledge-base and complaint services run in this process (see
// complaint_test_env.h). Nothing sleeps.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/time_proto.h"
#include "services/complaint/testing/complaint_test_env.h"

namespace cs::complaint {
namespace {

namespace common = cs::common::v1;
namespace rv1 = cs::routing::v1;
namespace ev1 = cs::escalation::v1;
using ::cs::complaint::testing::ComplaintServiceTest;

TEST_F(ComplaintServiceTest, WholeCaseStartsAndFulfilsEveryDeadline) {
  const v1::Complaint filed = FileOk("ivr-1");
  EXPECT_EQ(filed.stage(), v1::COMPLAINT_STAGE_RECEIVED);
  EXPECT_EQ(filed.filed_by(), "service:ivr");
  Settle();
  auto clocks = Clocks(filed.name());
  ASSERT_EQ(clocks.count(rv1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE), 1u);
  const rv1::SlaClock& ack = clocks[rv1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE];
  EXPECT_EQ(ack.state(), rv1::CLOCK_STATE_RUNNING);
  EXPECT_EQ(FromProtoDuration(ack.target()), absl::Minutes(10));

  clock_.Advance(absl::Minutes(5));
  v1::AcknowledgeRequest ack_req;
  // A ULID typed in lower case names the same complaint.
  ack_req.set_name(absl::AsciiStrToLower(filed.name()));
  auto acked = Call(complaints_.get(), &CS::Acknowledge, officer_, ack_req);
  ASSERT_TRUE(acked.ok()) << acked.status();
  EXPECT_EQ(acked->name(), filed.name());
  EXPECT_EQ(acked->officer(), "officer-1");
  Settle();
  clocks = Clocks(filed.name());
  EXPECT_EQ(clocks[rv1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE].state(),
            rv1::CLOCK_STATE_FULFILLED);
  EXPECT_FALSE(clocks[rv1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE].breached());
  EXPECT_EQ(clocks[rv1::CLOCK_KIND_COMPLAINT_SOLUTION].state(),
            rv1::CLOCK_STATE_RUNNING);
  EXPECT_EQ(FromProtoDuration(clocks[rv1::CLOCK_KIND_COMPLAINT_SOLUTION].target()),
            absl::Hours(24));
  EXPECT_EQ(clocks[rv1::CLOCK_KIND_COMPLAINT_CLOSE].state(),
            rv1::CLOCK_STATE_RUNNING);

  v1::StartInvestigationRequest inv;
  inv.set_name(filed.name());
  inv.set_classification(v1::CLASSIFICATION_NON_QUALITY);
  inv.set_cause(v1::CAUSE_CATEGORY_LOGISTICS);
  ASSERT_TRUE(
      Call(complaints_.get(), &CS::StartInvestigation, officer_, inv).ok());
  Settle();
  EXPECT_EQ(Clocks(filed.name())[rv1::CLOCK_KIND_COMPLAINT_INVESTIGATION_REPORT]
                .state(),
            rv1::CLOCK_STATE_RUNNING);

  v1::ProposeSolutionRequest propose;
  propose.set_name(filed.name());
  propose.set_solution("补偿运费并致歉");
  v1::Remedy* r = propose.add_remedies();
  r->set_kind(v1::REMEDY_KIND_COMPENSATION);
  r->mutable_amount()->set_currency_code("CNY");
  r->mutable_amount()->set_minor_units(2000);
  propose.add_remedies()->set_kind(v1::REMEDY_KIND_APOLOGY);
  ASSERT_TRUE(
      Call(complaints_.get(), &CS::ProposeSolution, officer_, propose).ok());
  v1::RecordCustomerDecisionRequest accept;
  accept.set_name(filed.name());
  accept.set_decision(v1::CUSTOMER_DECISION_ACCEPTED);
  ASSERT_TRUE(
      Call(complaints_.get(), &CS::RecordCustomerDecision, officer_, accept)
          .ok());
  v1::ResolveRequest resolve;
  resolve.set_name(filed.name());
  ASSERT_TRUE(Call(complaints_.get(), &CS::Resolve, officer_, resolve).ok());
  Settle();
  clocks = Clocks(filed.name());
  EXPECT_EQ(clocks[rv1::CLOCK_KIND_COMPLAINT_SOLUTION].state(),
            rv1::CLOCK_STATE_FULFILLED);
  EXPECT_EQ(clocks[rv1::CLOCK_KIND_COMPLAINT_INVESTIGATION_REPORT].state(),
            rv1::CLOCK_STATE_FULFILLED);
  EXPECT_EQ(clocks[rv1::CLOCK_KIND_COMPLAINT_REVISIT].state(),
            rv1::CLOCK_STATE_RUNNING);
  EXPECT_EQ(FromProtoDuration(clocks[rv1::CLOCK_KIND_COMPLAINT_REVISIT].target()),
            absl::Hours(48));

  v1::RecordRevisitRequest revisit;
  revisit.set_name(filed.name());
  revisit.set_satisfaction(6);
  EXPECT_EQ(Call(complaints_.get(), &CS::RecordRevisit, officer_, revisit)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  revisit.set_satisfaction(5);
  ASSERT_TRUE(
      Call(complaints_.get(), &CS::RecordRevisit, officer_, revisit).ok());
  v1::CloseRequest close;
  close.set_name(filed.name());
  auto closed = Call(complaints_.get(), &CS::Close, officer_, close);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->stage(), v1::COMPLAINT_STAGE_CLOSED);
  Settle();
  clocks = Clocks(filed.name());
  for (auto kind : {rv1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE,
                    rv1::CLOCK_KIND_COMPLAINT_SOLUTION,
                    rv1::CLOCK_KIND_COMPLAINT_INVESTIGATION_REPORT,
                    rv1::CLOCK_KIND_COMPLAINT_REVISIT,
                    rv1::CLOCK_KIND_COMPLAINT_CLOSE}) {
    EXPECT_EQ(clocks[kind].state(), rv1::CLOCK_STATE_FULFILLED)
        << rv1::ClockKind_Name(kind);
    EXPECT_FALSE(clocks[kind].breached()) << rv1::ClockKind_Name(kind);
  }
  EXPECT_THAT(EventTypes(),
              ::testing::ElementsAre("ComplaintFiled", "ComplaintAcknowledged",
                                     "ComplaintSolutionProposed",
                                     "ComplaintResolved", "ComplaintClosed"));
  // Illegal move after the end.
  EXPECT_EQ(Call(complaints_.get(), &CS::Resolve, officer_, resolve)
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ComplaintServiceTest, LateAcknowledgementBreachesAndEscalates) {
  const v1::Complaint filed = FileOk("ivr-late");
  Settle();
  clock_.Advance(absl::Minutes(11));
  Settle();
  auto clocks = Clocks(filed.name());
  EXPECT_TRUE(clocks[rv1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE].breached());
  EXPECT_THAT(CasesFor(filed.name()), ::testing::SizeIs(1));
}

TEST_F(ComplaintServiceTest, SeriousComplaintEscalatesToVicePresidentAtOnce) {
  const v1::Complaint filed = FileOk("ivr-serious", v1::SEVERITY_SERIOUS);
  EXPECT_TRUE(filed.escalated());
  Settle();
  std::vector<ev1::EscalationCase> cases = CasesFor(filed.name());
  ASSERT_THAT(cases, ::testing::SizeIs(1));
  EXPECT_EQ(cases[0].severity(), "serious");
  EXPECT_EQ(cases[0].state(), ev1::CASE_STATE_OPEN);
  // A minor/major complaint does not escalate by itself.
  const v1::Complaint normal = FileOk("ivr-normal");
  Settle();
  EXPECT_TRUE(CasesFor(normal.name()).empty());
}

TEST_F(ComplaintServiceTest, FileIsIdempotentPerRequestId) {
  const v1::Complaint first = FileOk("ivr-dup");
  const v1::Complaint again = FileOk("ivr-dup");
  EXPECT_EQ(first.name(), again.name());
  v1::ListRequest list;
  auto all = Call(complaints_.get(), &CS::List, officer_, list);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->complaints_size(), 1);
}

// A request_id reused for a different complaint is refused, naming the
// field, rather than answered with the earlier complaint (which the caller
// would take for the new one), and nothing is filed.
TEST_F(ComplaintServiceTest, FileRefusesARequestIdReusedForAnotherComplaint) {
  const v1::Complaint first = FileOk("ivr-reused");
  v1::FileRequest other = FileRequest("ivr-reused", v1::SEVERITY_MINOR);
  other.mutable_complaint()->set_description("商品破损，要求换货");
  auto refused = Call(complaints_.get(), &CS::File, channel_, other);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()),
              ::testing::HasSubstr("request_id"));
  v1::ListRequest list;
  auto all = Call(complaints_.get(), &CS::List, officer_, list);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->complaints_size(), 1);
  EXPECT_EQ(all->complaints(0).name(), first.name());
  EXPECT_EQ(FileOk("ivr-reused").name(), first.name());  // a true retry
}

TEST_F(ComplaintServiceTest, RejectionOpensNewRoundKeepingTheOld) {
  const v1::Complaint filed = FileOk("ivr-rounds");
  v1::AcknowledgeRequest ack;
  ack.set_name(filed.name());
  ASSERT_TRUE(Call(complaints_.get(), &CS::Acknowledge, officer_, ack).ok());
  v1::StartInvestigationRequest inv;
  inv.set_name(filed.name());
  ASSERT_TRUE(
      Call(complaints_.get(), &CS::StartInvestigation, officer_, inv).ok());
  v1::ProposeSolutionRequest propose;
  propose.set_name(filed.name());
  propose.set_solution("道歉");
  propose.add_remedies()->set_kind(v1::REMEDY_KIND_APOLOGY);
  ASSERT_TRUE(
      Call(complaints_.get(), &CS::ProposeSolution, officer_, propose).ok());
  v1::RecordCustomerDecisionRequest reject;
  reject.set_name(filed.name());
  reject.set_decision(v1::CUSTOMER_DECISION_REJECTED);
  auto rejected =
      Call(complaints_.get(), &CS::RecordCustomerDecision, officer_, reject);
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_EQ(rejected->stage(), v1::COMPLAINT_STAGE_INVESTIGATING);
  ASSERT_EQ(rejected->rounds_size(), 2);
  EXPECT_EQ(rejected->rounds(0).stage(), v1::COMPLAINT_STAGE_REJECTED);
  EXPECT_EQ(rejected->rounds(0).solution(), "道歉");
  EXPECT_EQ(rejected->rounds(1).previous_round(), 1);
  propose.set_solution("退款");
  propose.clear_remedies();
  v1::Remedy* refund = propose.add_remedies();
  refund->set_kind(v1::REMEDY_KIND_REFUND);
  refund->mutable_amount()->set_currency_code("CNY");
  refund->mutable_amount()->set_minor_units(9900);
  auto second =
      Call(complaints_.get(), &CS::ProposeSolution, officer_, propose);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->rounds(0).solution(), "道歉");
  EXPECT_EQ(second->rounds(1).solution(), "退款");
  EXPECT_THAT(EventTypes(), ::testing::Contains("ComplaintRejected"));
}

TEST_F(ComplaintServiceTest, EachRoundHasItsOwnSolutionClock) {
  const v1::Complaint filed = FileOk("ivr-round-clocks");
  Investigate(filed.name());
  Settle();  // acknowledged in time, before the clock moves
  clock_.Advance(absl::Hours(2));
  Propose(filed.name(), "致歉");
  Settle();
  auto solution = ClockList(filed.name(), rv1::CLOCK_KIND_COMPLAINT_SOLUTION);
  ASSERT_EQ(solution.size(), 1u);
  EXPECT_EQ(solution[0].state(), rv1::CLOCK_STATE_FULFILLED);

  clock_.Advance(absl::Hours(30));  // the customer answers late
  const absl::Time rejected_at = clock_.Now();
  Decide(filed.name(), v1::CUSTOMER_DECISION_REJECTED);
  Settle();
  solution = ClockList(filed.name(), rv1::CLOCK_KIND_COMPLAINT_SOLUTION);
  ASSERT_EQ(solution.size(), 2u);
  // Round 1's clock stays as it ended: fulfilled in time.
  EXPECT_EQ(solution[0].state(), rv1::CLOCK_STATE_FULFILLED);
  EXPECT_FALSE(solution[0].breached());
  // Round 2 runs its own 24 h from the rejection.
  EXPECT_EQ(solution[1].state(), rv1::CLOCK_STATE_RUNNING);
  EXPECT_EQ(FromProtoDuration(solution[1].target()), absl::Hours(24));
  EXPECT_EQ(FromProtoTime(solution[1].start_time()), rejected_at);
  EXPECT_FALSE(solution[1].breached());

  clock_.Advance(absl::Hours(23));
  Propose(filed.name(), "退款并致歉");
  Settle();
  solution = ClockList(filed.name(), rv1::CLOCK_KIND_COMPLAINT_SOLUTION);
  ASSERT_EQ(solution.size(), 2u);
  EXPECT_EQ(solution[1].state(), rv1::CLOCK_STATE_FULFILLED);
  EXPECT_FALSE(solution[1].breached());

  // A third round that misses its 24 h breaches only its own clock.
  Decide(filed.name(), v1::CUSTOMER_DECISION_REJECTED);
  Settle();
  clock_.Advance(absl::Hours(25));
  Settle();
  solution = ClockList(filed.name(), rv1::CLOCK_KIND_COMPLAINT_SOLUTION);
  ASSERT_EQ(solution.size(), 3u);
  EXPECT_FALSE(solution[1].breached());
  EXPECT_TRUE(solution[2].breached());
  EXPECT_THAT(CasesFor(filed.name()), ::testing::SizeIs(1));
}

// 回访未解决: the revisit reopens the case as round 2 instead of closing.
TEST_F(ComplaintServiceTest, UnsolvedRevisitOpensNewRoundInsteadOfClosing) {
  const v1::Complaint filed = FileOk("ivr-unsolved");
  Investigate(filed.name());
  Propose(filed.name(), "补发商品并致歉");
  Decide(filed.name(), v1::CUSTOMER_DECISION_ACCEPTED);
  v1::ResolveRequest resolve;
  resolve.set_name(filed.name());
  ASSERT_TRUE(Call(complaints_.get(), &CS::Resolve, officer_, resolve).ok());
  Settle();
  clock_.Advance(absl::Hours(20));
  const absl::Time revisited_at = clock_.Now();
  v1::RecordRevisitRequest revisit;
  revisit.set_name(filed.name());
  revisit.set_satisfaction(1);
  revisit.set_note("补发的商品仍是坏的");
  revisit.set_not_solved(true);
  auto reopened =
      Call(complaints_.get(), &CS::RecordRevisit, officer_, revisit);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->stage(), v1::COMPLAINT_STAGE_INVESTIGATING);
  ASSERT_EQ(reopened->rounds_size(), 2);
  EXPECT_EQ(reopened->rounds(0).stage(), v1::COMPLAINT_STAGE_REVISITED);
  EXPECT_EQ(reopened->rounds(0).solution(), "补发商品并致歉");
  EXPECT_EQ(reopened->rounds(1).previous_round(), 1);
  EXPECT_EQ(reopened->revisit_satisfaction(), 1);
  // Not closable while round 2 runs.
  v1::CloseRequest close;
  close.set_name(filed.name());
  EXPECT_EQ(
      Call(complaints_.get(), &CS::Close, officer_, close).status().code(),
      absl::StatusCode::kFailedPrecondition);
  Settle();
  auto clocks = Clocks(filed.name());
  EXPECT_EQ(clocks[rv1::CLOCK_KIND_COMPLAINT_REVISIT].state(),
            rv1::CLOCK_STATE_FULFILLED);
  auto solution = ClockList(filed.name(), rv1::CLOCK_KIND_COMPLAINT_SOLUTION);
  ASSERT_EQ(solution.size(), 2u);
  EXPECT_EQ(solution[1].state(), rv1::CLOCK_STATE_RUNNING);
  EXPECT_EQ(FromProtoTime(solution[1].start_time()), revisited_at);
  EXPECT_THAT(EventTypes(), ::testing::Contains("ComplaintReopened"));
  EXPECT_THAT(EventTypes(),
              ::testing::Not(::testing::Contains("ComplaintClosed")));

  // Round 2 is solved at its revisit and closes; round 1 is kept as it was.
  Propose(filed.name(), "退款并致歉");
  Decide(filed.name(), v1::CUSTOMER_DECISION_ACCEPTED);
  ASSERT_TRUE(Call(complaints_.get(), &CS::Resolve, officer_, resolve).ok());
  revisit.set_not_solved(false);
  revisit.set_satisfaction(4);
  revisit.set_note("已收到退款，问题解决");
  ASSERT_TRUE(
      Call(complaints_.get(), &CS::RecordRevisit, officer_, revisit).ok());
  auto closed = Call(complaints_.get(), &CS::Close, officer_, close);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->stage(), v1::COMPLAINT_STAGE_CLOSED);
  ASSERT_EQ(closed->rounds_size(), 2);
  EXPECT_EQ(closed->rounds(0).stage(), v1::COMPLAINT_STAGE_REVISITED);
  EXPECT_EQ(closed->rounds(0).solution(), "补发商品并致歉");
  EXPECT_EQ(closed->rounds(1).solution(), "退款并致歉");
  Settle();
  auto revisits = ClockList(filed.name(), rv1::CLOCK_KIND_COMPLAINT_REVISIT);
  ASSERT_EQ(revisits.size(), 2u);
  EXPECT_EQ(revisits[1].state(), rv1::CLOCK_STATE_FULFILLED);
}

TEST_F(ComplaintServiceTest, RemedyAboveLimitWaitsForCoveringRole) {
  const v1::Complaint filed = FileOk("ivr-approval");
  v1::AcknowledgeRequest ack;
  ack.set_name(filed.name());
  ASSERT_TRUE(Call(complaints_.get(), &CS::Acknowledge, officer_, ack).ok());
  v1::StartInvestigationRequest inv;
  inv.set_name(filed.name());
  ASSERT_TRUE(
      Call(complaints_.get(), &CS::StartInvestigation, officer_, inv).ok());
  v1::ProposeSolutionRequest propose;
  propose.set_name(filed.name());
  propose.set_solution("赔偿");
  v1::Remedy* r = propose.add_remedies();
  r->set_kind(v1::REMEDY_KIND_COMPENSATION);
  r->mutable_amount()->set_currency_code("CNY");
  r->mutable_amount()->set_minor_units(1'000'000);  // ¥10 000 > supervisor
  auto proposed =
      Call(complaints_.get(), &CS::ProposeSolution, officer_, propose);
  ASSERT_TRUE(proposed.ok()) << proposed.status();
  EXPECT_EQ(proposed->rounds(0).remedies(0).approval_state(),
            v1::APPROVAL_STATE_PENDING);
  v1::RecordCustomerDecisionRequest accept;
  accept.set_name(filed.name());
  accept.set_decision(v1::CUSTOMER_DECISION_ACCEPTED);
  ASSERT_TRUE(
      Call(complaints_.get(), &CS::RecordCustomerDecision, officer_, accept)
          .ok());
  v1::ResolveRequest resolve;
  resolve.set_name(filed.name());
  EXPECT_EQ(
      Call(complaints_.get(), &CS::Resolve, officer_, resolve).status().code(),
      absl::StatusCode::kFailedPrecondition);
  v1::ApproveRemedyRequest approve;
  approve.set_name(filed.name());
  approve.set_remedy_index(0);
  EXPECT_EQ(Call(complaints_.get(), &CS::ApproveRemedy, officer_, approve)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Call(complaints_.get(), &CS::ApproveRemedy, supervisor_, approve)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  auto approved =
      Call(complaints_.get(), &CS::ApproveRemedy, director_, approve);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->rounds(0).remedies(0).approval().approver(), "dir-1");
  EXPECT_EQ(approved->rounds(0).remedies(0).approval().role(), "director");
  EXPECT_TRUE(Call(complaints_.get(), &CS::Resolve, officer_, resolve).ok());
  EXPECT_THAT(EventTypes(), ::testing::Contains("RemedyApproved"));
  // Amounts are validated: negative names the field.
  r->mutable_amount()->set_minor_units(-5);
  absl::Status bad =
      Call(complaints_.get(), &CS::ProposeSolution, officer_, propose).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), ::testing::HasSubstr("remedies[0].amount"));
}

TEST_F(ComplaintServiceTest, PermissionMatrix) {
  const v1::Complaint filed = FileOk("ivr-perm");
  v1::FileRequest file = FileRequest("perm-2");
  v1::GetRequest get;
  get.set_name(filed.name());
  v1::AcknowledgeRequest ack;
  ack.set_name(filed.name());
  v1::GetStatisticsRequest stats;
  struct Row {
    std::string who;
    std::string token;
    bool file, get, act, stats;
  };
  const std::vector<Row> rows = {
      {"officer", officer_, true, true, true, true},
      {"supervisor", supervisor_, true, true, true, true},
      {"director", director_, true, true, true, true},
      {"channel-service", channel_, true, true, false, false},
      {"agent", agent_, false, false, false, false},
      {"qa", qa_, false, false, false, true},
      {"anonymous", "", false, false, false, false},
  };
  for (const Row& row : rows) {
    file.set_request_id("perm-" + row.who);
    auto code = [](const absl::Status& s) { return s.code(); };
    const auto denied = row.token.empty() ? absl::StatusCode::kUnauthenticated
                                          : absl::StatusCode::kPermissionDenied;
    absl::Status f = Call(complaints_.get(), &CS::File, row.token, file).status();
    EXPECT_EQ(code(f), row.file ? absl::StatusCode::kOk : denied) << row.who;
    absl::Status g = Call(complaints_.get(), &CS::Get, row.token, get).status();
    EXPECT_EQ(code(g), row.get ? absl::StatusCode::kOk : denied) << row.who;
    absl::Status s =
        Call(complaints_.get(), &CS::GetStatistics, row.token, stats).status();
    EXPECT_EQ(code(s), row.stats ? absl::StatusCode::kOk : denied) << row.who;
    // Acting: a denied caller never reaches the stage check.
    absl::Status a =
        Call(complaints_.get(), &CS::Acknowledge, row.token, ack).status();
    if (row.act) {
      EXPECT_NE(code(a), denied) << row.who;
    } else {
      EXPECT_EQ(code(a), denied) << row.who;
    }
  }
}

TEST_F(ComplaintServiceTest, BadInputNamesTheField) {
  v1::FileRequest file = FileRequest("bad-1");
  file.mutable_complaint()->clear_customer_id();
  absl::Status status =
      Call(complaints_.get(), &CS::File, channel_, file).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), ::testing::HasSubstr("complaint.customer_id"));
  v1::GetRequest get;
  get.set_name("tickets/1");
  EXPECT_EQ(Call(complaints_.get(), &CS::Get, officer_, get).status().code(),
            absl::StatusCode::kInvalidArgument);
  get.set_name("complaints/NOPE");
  EXPECT_EQ(Call(complaints_.get(), &CS::Get, officer_, get).status().code(),
            absl::StatusCode::kInvalidArgument);
  get.set_name("complaints/01HV3K9Q2F8D6W0000000000AB");
  EXPECT_EQ(Call(complaints_.get(), &CS::Get, officer_, get).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ComplaintServiceTest, DepartmentsMustBeInTheDirectory) {
  v1::FileRequest file = FileRequest("mars-1");
  file.mutable_complaint()->set_department("火星部");
  absl::Status refused =
      Call(complaints_.get(), &CS::File, channel_, file).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(),
              ::testing::HasSubstr("complaint.department: \"火星部\""));
  file.mutable_complaint()->set_department("物流部");
  auto filed = Call(complaints_.get(), &CS::File, channel_, file);
  ASSERT_TRUE(filed.ok()) << filed.status();

  v1::AcknowledgeRequest ack;
  ack.set_name(filed->name());
  ack.set_department("火星部");
  absl::Status not_acked =
      Call(complaints_.get(), &CS::Acknowledge, officer_, ack).status();
  EXPECT_EQ(not_acked.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(not_acked.message(), ::testing::HasSubstr("department"));
  v1::GetRequest get;
  get.set_name(filed->name());
  auto unchanged = Call(complaints_.get(), &CS::Get, officer_, get);
  ASSERT_TRUE(unchanged.ok()) << unchanged.status();
  EXPECT_EQ(unchanged->stage(), v1::COMPLAINT_STAGE_RECEIVED);
  EXPECT_EQ(unchanged->department(), "物流部");
}

TEST_F(ComplaintServiceTest, ListFiltersPaginatesAndCounts) {
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) {
    names.push_back(FileOk(absl::StrCat("list-", i)).name());
    clock_.Advance(absl::Seconds(1));
  }
  v1::AcknowledgeRequest ack;
  ack.set_name(names[2]);
  ack.set_department("售后服务部");
  ASSERT_TRUE(Call(complaints_.get(), &CS::Acknowledge, officer_, ack).ok());
  v1::ListRequest list;
  list.set_page_size(2);
  std::vector<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    auto resp = Call(complaints_.get(), &CS::List, officer_, list);
    ASSERT_TRUE(resp.ok()) << resp.status();
    for (const auto& c : resp->complaints()) seen.push_back(c.name());
    if (resp->next_page_token().empty()) break;
    list.set_page_token(resp->next_page_token());
  }
  EXPECT_EQ(seen, names);
  v1::ListRequest filtered;
  filtered.set_stage(v1::COMPLAINT_STAGE_ACKNOWLEDGED);
  auto one = Call(complaints_.get(), &CS::List, officer_, filtered);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->complaints_size(), 1);
  EXPECT_EQ(one->complaints(0).name(), names[2]);
  filtered.set_page_token(list.page_token());
  EXPECT_EQ(Call(complaints_.get(), &CS::List, officer_, filtered)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);

  auto stats = Call(complaints_.get(), &CS::GetStatistics, supervisor_,
                    v1::GetStatisticsRequest());
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->total(), 5);
  std::map<std::string, int64_t> by_department;
  for (const auto& c : stats->by_department()) by_department[c.key()] = c.count();
  EXPECT_EQ(by_department["物流部"], 4);
  EXPECT_EQ(by_department["售后服务部"], 1);
}

TEST_F(ComplaintServiceTest, PeriodStatisticsEqualACountOverEveryComplaint) {
  const absl::Time day1 = clock_.Now();
  const std::vector<std::string> departments = {"物流部", "售后服务部",
                                                "客服部"};
  for (int i = 0; i < 9; ++i) {
    const v1::Complaint c = FileOk(absl::StrCat("stats-", i));
    if (i % 3 != 0) {
      v1::AcknowledgeRequest ack;
      ack.set_name(c.name());
      ack.set_department(departments[i % 3]);
      ASSERT_TRUE(Call(complaints_.get(), &CS::Acknowledge, officer_, ack).ok());
    }
    clock_.Advance(absl::Hours(8));  // three per day
  }
  v1::ListRequest all;
  all.set_page_size(100);
  auto listed = Call(complaints_.get(), &CS::List, officer_, all);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->complaints_size(), 9);
  auto reference = [&](absl::Time start, absl::Time end) {
    std::map<std::string, int64_t> counts;
    for (const v1::Complaint& c : listed->complaints()) {
      const absl::Time t = FromProtoTime(c.create_time());
      if (t < start || t >= end) continue;
      ++counts["total"];
      ++counts["dept:" + (c.department().empty() ? "(none)" : c.department())];
      ++counts["stage:" + v1::ComplaintStage_Name(c.stage())];
      ++counts["cause:" + v1::CauseCategory_Name(c.cause())];
    }
    return counts;
  };
  const std::vector<std::pair<absl::Time, absl::Time>> periods = {
      {day1, day1 + absl::Hours(24)},
      {day1 + absl::Hours(24), day1 + absl::Hours(48)},
      {day1 + absl::Hours(8), day1 + absl::Hours(56)},
      {day1 + absl::Hours(1), day1 + absl::Hours(2)},
      {day1 - absl::Hours(24), day1 + absl::Hours(100)}};
  for (const auto& [start, end] : periods) {
    v1::GetStatisticsRequest req;
    *req.mutable_start_time() = ToProtoTime(start);
    *req.mutable_end_time() = ToProtoTime(end);
    auto stats = Call(complaints_.get(), &CS::GetStatistics, qa_, req);
    ASSERT_TRUE(stats.ok()) << stats.status();
    std::map<std::string, int64_t> got;
    if (stats->total() > 0) got["total"] = stats->total();
    for (const auto& c : stats->by_department()) got["dept:" + c.key()] = c.count();
    for (const auto& c : stats->by_stage()) got["stage:" + c.key()] = c.count();
    for (const auto& c : stats->by_cause()) got["cause:" + c.key()] = c.count();
    EXPECT_EQ(got, reference(start, end)) << start << " .. " << end;
  }
  v1::GetStatisticsRequest backwards;
  *backwards.mutable_start_time() = ToProtoTime(day1 + absl::Hours(1));
  *backwards.mutable_end_time() = ToProtoTime(day1);
  absl::Status bad =
      Call(complaints_.get(), &CS::GetStatistics, qa_, backwards).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), ::testing::HasSubstr("end_time"));
}

TEST_F(ComplaintServiceTest, CorrectiveActionsTrackedToDone) {
  const v1::Complaint filed = FileOk("ivr-ca");
  v1::RecordRootCauseRequest rc;
  rc.set_name(filed.name());
  rc.set_category(v1::FISHBONE_CATEGORY_PROCESS);
  rc.set_analysis("派送缺少二次确认");
  ASSERT_TRUE(Call(complaints_.get(), &CS::RecordRootCause, officer_, rc).ok());
  v1::AddCorrectiveActionRequest add;
  add.set_name(filed.name());
  add.set_description("增加派送前电话确认");
  add.set_owner("logistics-lead");
  *add.mutable_due_time() = ToProtoTime(clock_.Now() + absl::Hours(72));
  auto added = Call(complaints_.get(), &CS::AddCorrectiveAction, officer_, add);
  ASSERT_TRUE(added.ok()) << added.status();
  ASSERT_EQ(added->corrective_actions_size(), 1);
  v1::CompleteCorrectiveActionRequest done;
  done.set_name(filed.name());
  done.set_number(1);
  auto completed =
      Call(complaints_.get(), &CS::CompleteCorrectiveAction, officer_, done);
  ASSERT_TRUE(completed.ok()) << completed.status();
  EXPECT_TRUE(completed->corrective_actions(0).done());
}

TEST_F(ComplaintServiceTest, RestartKeepsComplaintsAndSendsPendingCommands) {
  // A complaint service that cannot deliver yet (routing unreachable).
  StopComplaint();
  StartComplaint(/*deliver=*/false);
  const v1::Complaint filed = FileOk("ivr-restart", v1::SEVERITY_SERIOUS);
  auto pending = complaint_app_->PendingCommands();
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), 2u);  // start clock, request escalation
  EXPECT_TRUE(Clocks(filed.name()).empty());

  StopComplaint();
  StartComplaint(/*deliver=*/true);
  Settle();
  auto get = Call(complaints_.get(), &CS::Get, officer_, [&] {
    v1::GetRequest g;
    g.set_name(filed.name());
    return g;
  }());
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->stage(), v1::COMPLAINT_STAGE_RECEIVED);
  EXPECT_EQ(Clocks(filed.name()).count(rv1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE),
            1u);
  EXPECT_THAT(CasesFor(filed.name()), ::testing::SizeIs(1));
  pending = complaint_app_->PendingCommands();
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
  // The idempotency record survived: the same request returns the same id.
  EXPECT_EQ(FileOk("ivr-restart", v1::SEVERITY_SERIOUS).name(), filed.name());
}

}  // namespace
}  // namespace cs::complaint
