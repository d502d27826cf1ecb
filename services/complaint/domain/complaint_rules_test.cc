#include "services/complaint/domain/complaint_rules.h"

#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"

namespace cs::complaint {
namespace {

using ::testing::HasSubstr;
using v1::ComplaintStage;

constexpr absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

auth::Principal Caller(auth::RoleSet roles, std::string subject = "officer-1") {
  auth::Principal p;
  p.subject = std::move(subject);
  p.roles = roles;
  return p;
}

v1::FileRequest ValidFile() {
  v1::FileRequest req;
  req.set_request_id("req-1");
  v1::Complaint* c = req.mutable_complaint();
  c->set_customer_id("cust-1");
  c->set_channel(common::v1::CHANNEL_PHONE);
  c->set_severity(v1::SEVERITY_MAJOR);
  c->set_description("快递三次未送达，态度恶劣");
  c->add_items("物流");
  c->set_requested_remedy(v1::REMEDY_KIND_REFUND);
  return req;
}

// ---- Stage machine: the whole table.
TEST(StageMachineTest, TableOfEveryPair) {
  const std::vector<std::pair<ComplaintStage, ComplaintStage>> allowed = {
      {v1::COMPLAINT_STAGE_RECEIVED, v1::COMPLAINT_STAGE_ACKNOWLEDGED},
      {v1::COMPLAINT_STAGE_ACKNOWLEDGED, v1::COMPLAINT_STAGE_INVESTIGATING},
      {v1::COMPLAINT_STAGE_INVESTIGATING,
       v1::COMPLAINT_STAGE_SOLUTION_PROPOSED},
      {v1::COMPLAINT_STAGE_SOLUTION_PROPOSED, v1::COMPLAINT_STAGE_ACCEPTED},
      {v1::COMPLAINT_STAGE_SOLUTION_PROPOSED, v1::COMPLAINT_STAGE_REJECTED},
      {v1::COMPLAINT_STAGE_REJECTED, v1::COMPLAINT_STAGE_INVESTIGATING},
      {v1::COMPLAINT_STAGE_ACCEPTED, v1::COMPLAINT_STAGE_RESOLVED},
      {v1::COMPLAINT_STAGE_RESOLVED, v1::COMPLAINT_STAGE_REVISITED},
      {v1::COMPLAINT_STAGE_REVISITED, v1::COMPLAINT_STAGE_CLOSED},
      {v1::COMPLAINT_STAGE_REVISITED, v1::COMPLAINT_STAGE_INVESTIGATING},
  };
  for (int from = 0; from <= v1::COMPLAINT_STAGE_CLOSED; ++from) {
    for (int to = 0; to <= v1::COMPLAINT_STAGE_CLOSED; ++to) {
      const auto f = static_cast<ComplaintStage>(from);
      const auto t = static_cast<ComplaintStage>(to);
      const bool expected =
          std::find(allowed.begin(), allowed.end(), std::make_pair(f, t)) !=
          allowed.end();
      EXPECT_EQ(IsTransitionAllowed(f, t), expected)
          << StageName(f) << " → " << StageName(t);
      absl::Status status = CheckTransition(f, t);
      if (expected) {
        EXPECT_TRUE(status.ok());
      } else {
        EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
        EXPECT_EQ(ErrorReasonOf(status), "ILLEGAL_TRANSITION");
      }
    }
  }
}

TEST(StageMachineTest, IllegalMoveMessageNamesStages) {
  absl::Status status = CheckTransition(v1::COMPLAINT_STAGE_RECEIVED,
                                        v1::COMPLAINT_STAGE_RESOLVED);
  EXPECT_THAT(status.message(), HasSubstr("RECEIVED"));
  EXPECT_THAT(status.message(), HasSubstr("RESOLVED"));
}

class FlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    c_ = NewComplaint(ValidFile(), "01ID", "svc", kNow);
  }
  void ToSolution(const std::vector<int64_t>& amounts,
                  const auth::Principal& proposer) {
    v1::AcknowledgeRequest ack;
    ASSERT_TRUE(ApplyAcknowledge(c_, ack, officer_, kNow).ok());
    ASSERT_TRUE(ApplyStartInvestigation(c_, {}, kNow).ok());
    Propose(amounts, proposer);
  }
  void Propose(const std::vector<int64_t>& amounts,
               const auth::Principal& proposer) {
    v1::ProposeSolutionRequest req;
    req.set_solution("退款并道歉");
    for (int64_t amount : amounts) {
      v1::Remedy* r = req.add_remedies();
      r->set_kind(v1::REMEDY_KIND_REFUND);
      r->mutable_amount()->set_currency_code("CNY");
      r->mutable_amount()->set_minor_units(amount);
    }
    ASSERT_TRUE(
        ApplyProposeSolution(c_, req, proposer, limits_, kNow).ok());
  }
  v1::Complaint c_;
  ApprovalLimits limits_ = ApprovalLimits::Defaults();
  auth::Principal officer_ = Caller({auth::Role::kComplaintOfficer});
  auth::Principal supervisor_ = Caller({auth::Role::kSupervisor}, "sup-1");
  auth::Principal director_ = Caller({auth::Role::kDirector}, "dir-1");
};

TEST_F(FlowTest, NewComplaintStartsRoundOneReceived) {
  EXPECT_EQ(c_.name(), "complaints/01ID");
  EXPECT_EQ(c_.stage(), v1::COMPLAINT_STAGE_RECEIVED);
  ASSERT_EQ(c_.rounds_size(), 1);
  EXPECT_EQ(c_.rounds(0).number(), 1);
}

TEST_F(FlowTest, HappyPathToClosed) {
  ToSolution({10'000}, officer_);
  v1::RecordCustomerDecisionRequest accept;
  accept.set_decision(v1::CUSTOMER_DECISION_ACCEPTED);
  ASSERT_TRUE(ApplyCustomerDecision(c_, accept, kNow).ok());
  ASSERT_TRUE(ApplyResolve(c_, kNow).ok());
  v1::RecordRevisitRequest revisit;
  revisit.set_satisfaction(4);
  ASSERT_TRUE(ApplyRevisit(c_, revisit, kNow).ok());
  ASSERT_TRUE(ApplyClose(c_, kNow).ok());
  EXPECT_EQ(c_.stage(), v1::COMPLAINT_STAGE_CLOSED);
  EXPECT_EQ(c_.officer(), "officer-1");
  EXPECT_EQ(c_.revisit_satisfaction(), 4);
  EXPECT_EQ(ApplyClose(c_, kNow).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(FlowTest, RejectionStartsLinkedRoundAndKeepsTheOld) {
  ToSolution({10'000}, officer_);
  v1::RecordCustomerDecisionRequest reject;
  reject.set_decision(v1::CUSTOMER_DECISION_REJECTED);
  reject.set_note("金额不够");
  ASSERT_TRUE(ApplyCustomerDecision(c_, reject, kNow).ok());
  EXPECT_EQ(c_.stage(), v1::COMPLAINT_STAGE_INVESTIGATING);
  ASSERT_EQ(c_.rounds_size(), 2);
  EXPECT_EQ(c_.rounds(0).stage(), v1::COMPLAINT_STAGE_REJECTED);
  EXPECT_EQ(c_.rounds(0).solution(), "退款并道歉");
  EXPECT_EQ(c_.rounds(0).decision_note(), "金额不够");
  EXPECT_EQ(c_.rounds(1).number(), 2);
  EXPECT_EQ(c_.rounds(1).previous_round(), 1);
  // Round two proposes anew; round one is untouched.
  Propose({20'000}, officer_);
  EXPECT_EQ(c_.rounds(1).remedies(0).amount().minor_units(), 20'000);
  EXPECT_EQ(c_.rounds(0).remedies(0).amount().minor_units(), 10'000);
  EXPECT_EQ(c_.rounds(0).stage(), v1::COMPLAINT_STAGE_REJECTED);
}

TEST_F(FlowTest, UnsolvedRevisitStartsLinkedRoundAndKeepsTheOld) {
  ToSolution({10'000}, officer_);
  v1::RecordCustomerDecisionRequest accept;
  accept.set_decision(v1::CUSTOMER_DECISION_ACCEPTED);
  ASSERT_TRUE(ApplyCustomerDecision(c_, accept, kNow).ok());
  ASSERT_TRUE(ApplyResolve(c_, kNow).ok());
  v1::RecordRevisitRequest revisit;
  revisit.set_satisfaction(2);
  revisit.set_note("退款仍未到账");
  revisit.set_not_solved(true);
  const absl::Time later = kNow + absl::Hours(30);
  ASSERT_TRUE(ApplyRevisit(c_, revisit, later).ok());
  EXPECT_EQ(c_.stage(), v1::COMPLAINT_STAGE_INVESTIGATING);
  ASSERT_EQ(c_.rounds_size(), 2);
  EXPECT_EQ(c_.rounds(0).stage(), v1::COMPLAINT_STAGE_REVISITED);
  EXPECT_EQ(c_.rounds(0).solution(), "退款并道歉");
  EXPECT_EQ(c_.rounds(0).decision(), v1::CUSTOMER_DECISION_ACCEPTED);
  EXPECT_EQ(c_.rounds(1).number(), 2);
  EXPECT_EQ(c_.rounds(1).previous_round(), 1);
  EXPECT_EQ(c_.rounds(1).stage(), v1::COMPLAINT_STAGE_INVESTIGATING);
  EXPECT_EQ(absl::FromUnixSeconds(c_.rounds(1).start_time().seconds()), later);
  EXPECT_EQ(c_.revisit_note(), "退款仍未到账");
  // Not closable now, and StartInvestigation cannot restart a round.
  EXPECT_EQ(ApplyClose(c_, later).code(),
            absl::StatusCode::kFailedPrecondition);
  absl::Status restart = ApplyStartInvestigation(c_, {}, later);
  EXPECT_EQ(restart.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReasonOf(restart), "ILLEGAL_TRANSITION");
  // Round two runs to a solved revisit and closes; round one is untouched.
  Propose({20'000}, officer_);
  ASSERT_TRUE(ApplyCustomerDecision(c_, accept, later).ok());
  ASSERT_TRUE(ApplyResolve(c_, later).ok());
  revisit.set_not_solved(false);
  revisit.set_satisfaction(5);
  ASSERT_TRUE(ApplyRevisit(c_, revisit, later).ok());
  EXPECT_EQ(c_.stage(), v1::COMPLAINT_STAGE_REVISITED);
  ASSERT_TRUE(ApplyClose(c_, later).ok());
  ASSERT_EQ(c_.rounds_size(), 2);
  EXPECT_EQ(c_.rounds(0).stage(), v1::COMPLAINT_STAGE_REVISITED);
  EXPECT_EQ(c_.rounds(0).remedies(0).amount().minor_units(), 10'000);
  EXPECT_EQ(c_.rounds(1).stage(), v1::COMPLAINT_STAGE_CLOSED);
}

TEST_F(FlowTest, IllegalMovesAreFailedPrecondition) {
  EXPECT_EQ(ApplyResolve(c_, kNow).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ApplyStartInvestigation(c_, {}, kNow).code(),
            absl::StatusCode::kFailedPrecondition);
  v1::RecordCustomerDecisionRequest accept;
  accept.set_decision(v1::CUSTOMER_DECISION_ACCEPTED);
  EXPECT_EQ(ApplyCustomerDecision(c_, accept, kNow).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c_.stage(), v1::COMPLAINT_STAGE_RECEIVED);
}

TEST_F(FlowTest, WithinLimitNeedsNoApproval) {
  ToSolution({50'000}, officer_);
  EXPECT_EQ(c_.rounds(0).remedies(0).approval_state(),
            v1::APPROVAL_STATE_NOT_REQUIRED);
}

TEST_F(FlowTest, AboveLimitWaitsForCoveringRole) {
  ToSolution({200'000}, officer_);
  EXPECT_EQ(c_.rounds(0).remedies(0).approval_state(),
            v1::APPROVAL_STATE_PENDING);
  v1::RecordCustomerDecisionRequest accept;
  accept.set_decision(v1::CUSTOMER_DECISION_ACCEPTED);
  ASSERT_TRUE(ApplyCustomerDecision(c_, accept, kNow).ok());
  absl::Status pending = ApplyResolve(c_, kNow);
  EXPECT_EQ(pending.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReasonOf(pending), "REMEDY_APPROVAL_PENDING");

  v1::ApproveRemedyRequest approve;
  approve.set_remedy_index(0);
  // The officer's own limit (500.00) does not cover 2 000.00.
  auto denied = ApplyApproveRemedy(c_, approve, officer_, limits_, kNow);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  auto approved = ApplyApproveRemedy(c_, approve, supervisor_, limits_, kNow);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->approval().approver(), "sup-1");
  EXPECT_EQ(approved->approval().role(), "supervisor");
  EXPECT_EQ(c_.rounds(0).remedies(0).approval_state(),
            v1::APPROVAL_STATE_APPROVED);
  EXPECT_EQ(ApplyApproveRemedy(c_, approve, director_, limits_, kNow)
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(ApplyResolve(c_, kNow).ok());
}

TEST_F(FlowTest, SupervisorProposalWithinItsLimit) {
  ToSolution({200'000, 250'000}, supervisor_);
  EXPECT_EQ(c_.rounds(0).remedies(0).approval_state(),
            v1::APPROVAL_STATE_NOT_REQUIRED);
  EXPECT_EQ(c_.rounds(0).remedies(1).approval_state(),
            v1::APPROVAL_STATE_NOT_REQUIRED);
}

// The limit applies to what a round pays in total: four remedies of ¥500
// each are ¥2,000, above the officer's ¥500, whichever way they are split.
TEST_F(FlowTest, SplittingARemedyNeedsTheSameApproval) {
  ToSolution({50'000, 50'000, 0, 50'000, 50'000}, officer_);
  for (int i : {0, 1, 3, 4}) {
    EXPECT_EQ(c_.rounds(0).remedies(i).approval_state(),
              v1::APPROVAL_STATE_PENDING)
        << i;
  }
  // The remedy without an amount (an apology) pays nothing.
  EXPECT_EQ(c_.rounds(0).remedies(2).approval_state(),
            v1::APPROVAL_STATE_NOT_REQUIRED);
  v1::ApproveRemedyRequest approve;
  approve.set_remedy_index(0);
  absl::StatusOr<v1::Remedy> denied =
      ApplyApproveRemedy(c_, approve, officer_, limits_, kNow);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(std::string(denied.status().message()),
            "the round's remedies total CNY 2000.00, which exceeds the "
            "caller's approval limit CNY 500.00");
  EXPECT_TRUE(ApplyApproveRemedy(c_, approve, supervisor_, limits_, kNow).ok());
}

TEST_F(FlowTest, SupervisorProposalAboveItsLimit) {
  ToSolution({200'000, 600'000}, supervisor_);
  EXPECT_EQ(c_.rounds(0).remedies(0).approval_state(),
            v1::APPROVAL_STATE_PENDING);
  EXPECT_EQ(c_.rounds(0).remedies(1).approval_state(),
            v1::APPROVAL_STATE_PENDING);
  v1::ApproveRemedyRequest bad;
  bad.set_remedy_index(5);
  EXPECT_EQ(ApplyApproveRemedy(c_, bad, director_, limits_, kNow)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ValidationTest, ValidFilePasses) {
  EXPECT_TRUE(ValidateFile(ValidFile()).ok());
}

TEST(ValidationTest, NamesTheField) {
  struct Case {
    std::string field;
    std::function<void(v1::FileRequest&)> breakit;
  };
  const std::vector<Case> cases = {
      {"request_id", [](v1::FileRequest& r) { r.clear_request_id(); }},
      {"complaint.customer_id",
       [](v1::FileRequest& r) { r.mutable_complaint()->clear_customer_id(); }},
      {"complaint.channel",
       [](v1::FileRequest& r) { r.mutable_complaint()->clear_channel(); }},
      {"complaint.severity",
       [](v1::FileRequest& r) { r.mutable_complaint()->clear_severity(); }},
      {"complaint.description",
       [](v1::FileRequest& r) { r.mutable_complaint()->clear_description(); }},
      {"complaint.description",
       [](v1::FileRequest& r) {
         r.mutable_complaint()->set_description(" \t\n ");
       }},
      {"complaint.description",
       [](v1::FileRequest& r) {
         r.mutable_complaint()->set_description(std::string(5000, 'x'));
       }},
      {"complaint.items[0]",
       [](v1::FileRequest& r) { r.mutable_complaint()->set_items(0, ""); }},
      {"complaint.customer_id",
       [](v1::FileRequest& r) {
         r.mutable_complaint()->set_customer_id("\xff\xfe");
       }},
  };
  for (const Case& c : cases) {
    v1::FileRequest req = ValidFile();
    c.breakit(req);
    absl::Status status = ValidateFile(req);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    ASSERT_FALSE(FieldViolationsOf(status).empty()) << c.field;
    EXPECT_EQ(FieldViolationsOf(status)[0].field, c.field);
  }
}

// The ticket reference travels in ComplaintFiled, which carries ids only.
TEST(ValidationTest, TicketIsANameOrANumber) {
  v1::FileRequest req = ValidFile();
  for (const char* good :
       {"tickets/01KAQDWRF80000000000000099",
        "tickets/01kaqdwrf80000000000000099", "T20261123-0-000042"}) {
    req.mutable_complaint()->set_ticket(good);
    EXPECT_TRUE(ValidateFile(req).ok()) << good;
  }
  for (const char* bad : {"客户13912345678", "13912345678", "tickets/1",
                          "T2026-0-1", "tickets/01KAQDWRF80000000000000099/x"}) {
    req.mutable_complaint()->set_ticket(bad);
    const absl::Status status = ValidateFile(req);
    ASSERT_EQ(FieldViolationsOf(status).size(), 1u) << bad;
    EXPECT_EQ(FieldViolationsOf(status)[0].field, "complaint.ticket") << bad;
    EXPECT_EQ(std::string(status.message()).find("139"), std::string::npos);
  }
  req.mutable_complaint()->set_ticket("tickets/01kaqdwrf80000000000000099");
  EXPECT_EQ(NewComplaint(req, "01KAQDWRF80000000000000001", "svc", kNow)
                .ticket(),
            "tickets/01KAQDWRF80000000000000099");
}

TEST(ValidationTest, AmountsNonNegativeAndBounded) {
  v1::Remedy r;
  r.set_kind(v1::REMEDY_KIND_COMPENSATION);
  r.mutable_amount()->set_currency_code("CNY");
  r.mutable_amount()->set_minor_units(-1);
  EXPECT_EQ(FieldViolationsOf(ValidateRemedy(r, "remedies[0]"))[0].field,
            "remedies[0].amount.minor_units");
  r.mutable_amount()->set_minor_units(kMaxAmountMinorUnits + 1);
  EXPECT_FALSE(ValidateRemedy(r, "remedies[0]").ok());
  r.mutable_amount()->set_minor_units(100);
  for (const char* code : {"cny", "RMB", "XYZ", "USD", "KWD"}) {
    r.mutable_amount()->set_currency_code(code);
    EXPECT_EQ(FieldViolationsOf(ValidateRemedy(r, "remedies[0]"))[0].field,
              "remedies[0].amount.currency_code")
        << code;
  }
  r.mutable_amount()->set_currency_code("CNY");
  EXPECT_TRUE(ValidateRemedy(r, "remedies[0]").ok());
  // An apology pays nothing.
  const v1::RemedyKind kind = r.kind();
  r.set_kind(v1::REMEDY_KIND_APOLOGY);
  EXPECT_EQ(FieldViolationsOf(ValidateRemedy(r, "remedies[0]"))[0].field,
            "remedies[0].amount");
  r.clear_amount();
  EXPECT_TRUE(ValidateRemedy(r, "remedies[0]").ok());
  r.set_kind(kind);
  r.clear_kind();
  EXPECT_FALSE(ValidateRemedy(r, "remedies[0]").ok());
}

TEST(ValidationTest, NameParsing) {
  EXPECT_EQ(*ParseComplaintName("complaints/01hv3k9q2f8d6w0000000000ab"),
            "01HV3K9Q2F8D6W0000000000AB");
  for (const char* bad :
       {"complaints/abc", "complaints/01HV3K9Q2F8D6W0000000000A",
        "complaints/01HV3K9Q2F8D6W0000000000ABC", "complaints/投诉123",
        "complaints/01HV3K9Q2F8D6W0000000000AI",
        "complaints/81HV3K9Q2F8D6W0000000000AB"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ParseComplaintName(bad).status()))
        << bad;
  }
  EXPECT_FALSE(ParseComplaintName("tickets/abc").ok());
  EXPECT_FALSE(ParseComplaintName("complaints/").ok());
  EXPECT_FALSE(ParseComplaintName("complaints/a/b").ok());
}

TEST(ApprovalLimitsTest, ParsesAndRejects) {
  auto limits = ParseApprovalLimits(
      "# comment\ncomplaint_officer 100\n\nsupervisor 1000  # inline\n", "x");
  ASSERT_TRUE(limits.ok()) << limits.status();
  EXPECT_EQ(limits->LimitOf(Caller({auth::Role::kSupervisor})), 1000);
  EXPECT_EQ(limits->LimitOf(Caller({auth::Role::kAgent})), 0);
  EXPECT_EQ(limits->LimitOf(Caller(
                {auth::Role::kComplaintOfficer, auth::Role::kSupervisor})),
            1000);
  EXPECT_THAT(ParseApprovalLimits("wizard 5", "f.conf").status().message(),
              HasSubstr("f.conf:1"));
  EXPECT_FALSE(ParseApprovalLimits("supervisor -5", "f").ok());
  EXPECT_FALSE(ParseApprovalLimits("supervisor abc", "f").ok());
  EXPECT_FALSE(ParseApprovalLimits("supervisor 1\nsupervisor 2", "f").ok());
  EXPECT_FALSE(ParseApprovalLimits("supervisor", "f").ok());
}

TEST(ApprovalLimitsTest, ShippedFileLoads) {
  auto limits = LoadApprovalLimitsFile(
      absl::StrCat(CS_SOURCE_DIR, "/deploy/config/complaint.conf"));
  ASSERT_TRUE(limits.ok()) << limits.status();
  EXPECT_GT(limits->LimitOf(Caller({auth::Role::kDirector})),
            limits->LimitOf(Caller({auth::Role::kSupervisor})));
}

TEST(CorrectiveActionTest, AddAndComplete) {
  v1::Complaint c = NewComplaint(ValidFile(), "01ID", "svc", kNow);
  v1::AddCorrectiveActionRequest add;
  add.set_description("培训快递员");
  add.set_owner("logistics-lead");
  EXPECT_EQ(FieldViolationsOf(ApplyAddCorrectiveAction(c, add, kNow))[0].field,
            "due_time");
  // Due already: a mistyped date, not an action anyone can meet.
  add.mutable_due_time()->set_seconds(1'800'000'000);
  const absl::Status past = ApplyAddCorrectiveAction(c, add, kNow);
  EXPECT_EQ(FieldViolationsOf(past)[0].field, "due_time") << past;
  EXPECT_EQ(c.corrective_actions_size(), 0);
  add.mutable_due_time()->set_seconds(1'800'100'000);
  ASSERT_TRUE(ApplyAddCorrectiveAction(c, add, kNow).ok());
  v1::CompleteCorrectiveActionRequest done;
  done.set_number(1);
  ASSERT_TRUE(ApplyCompleteCorrectiveAction(c, done, kNow).ok());
  EXPECT_TRUE(c.corrective_actions(0).done());
  EXPECT_EQ(ApplyCompleteCorrectiveAction(c, done, kNow).code(),
            absl::StatusCode::kFailedPrecondition);
  v1::RecordRootCauseRequest rc;
  rc.set_category(v1::FISHBONE_CATEGORY_PROCESS);
  rc.set_analysis("派送流程缺少二次确认");
  ASSERT_TRUE(ApplyRootCause(c, rc, "qa-1", kNow).ok());
  EXPECT_EQ(c.root_cause().analyst(), "qa-1");
}

}  // namespace
}  // namespace cs::complaint
