#include "services/ticket/quality/follow_up.h"

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"

namespace cs::ticket::quality {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1795000000);

v1::Ticket Resolved() {
  v1::Ticket t;
  t.set_name("tickets/01KAQDWRF80000000000000099");
  t.set_status(v1::TICKET_STATUS_RESOLVED);
  t.set_assignee("agent-007");
  t.set_customer_id("c-1001");
  return t;
}

v1::RecordFollowUpRequest Visit(bool reached, bool solved) {
  v1::RecordFollowUpRequest r;
  r.set_ticket(Resolved().name());
  r.set_reached(reached);
  r.set_solved(solved);
  r.set_satisfaction(reached ? 2 : 0);
  r.set_note("客户表示信号仍然很弱");
  return r;
}

TEST(FollowUpTest, NotSolvedNeedsReopen) {
  auto f = NewFollowUp(Resolved(), Visit(true, false), "agent-007",
                       "01KAQDWRF80000000000000001", kNow);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(NeedsReopen(*f));
  EXPECT_TRUE(f->reopened_ticket());
  v1::FollowUpRecorded event = FollowUpRecordedEvent(*f, Resolved());
  EXPECT_EQ(event.facts().assignee(), "agent-007");
  EXPECT_FALSE(event.solved());
}

TEST(FollowUpTest, UnreachedCustomerReopensNothing) {
  auto f = NewFollowUp(Resolved(), Visit(false, false), "agent-007",
                       "01KAQDWRF80000000000000001", kNow);
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(NeedsReopen(*f));
  EXPECT_EQ(f->satisfaction(), 0);
  auto solved = NewFollowUp(Resolved(), Visit(true, true), "agent-007",
                            "01KAQDWRF80000000000000002", kNow);
  EXPECT_FALSE(NeedsReopen(*solved));
}

TEST(FollowUpTest, OnlyResolvedTicketsAndValidInput) {
  v1::Ticket open = Resolved();
  open.set_status(v1::TICKET_STATUS_IN_PROGRESS);
  EXPECT_EQ(ErrorReasonOf(NewFollowUp(open, Visit(true, true), "agent-007",
                                      "01KAQDWRF80000000000000001", kNow)
                              .status()),
            "TICKET_NOT_RESOLVED");
  v1::RecordFollowUpRequest bad = Visit(true, true);
  bad.set_satisfaction(6);
  EXPECT_EQ(FieldViolationsOf(ValidateRecordFollowUp(bad)).at(0).field,
            "satisfaction");
  // Not reached: nothing the customer said can be recorded.
  bad = Visit(false, false);
  bad.set_satisfaction(5);
  EXPECT_EQ(FieldViolationsOf(ValidateRecordFollowUp(bad)).at(0).field,
            "satisfaction");
  bad = Visit(false, true);
  EXPECT_EQ(FieldViolationsOf(ValidateRecordFollowUp(bad)).at(0).field,
            "solved");
  EXPECT_TRUE(ValidateRecordFollowUp(Visit(false, false)).ok());
  bad = Visit(true, true);
  bad.set_ticket("");
  EXPECT_EQ(FieldViolationsOf(ValidateRecordFollowUp(bad)).at(0).field,
            "ticket");
}

TEST(FollowUpTest, SurveySamplingRatioAndDeterminism) {
  int sampled = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = absl::StrFormat("01KAQDWRF8%016d", i);
    const bool once = SampledForSurvey(id, 0.1);
    EXPECT_EQ(once, SampledForSurvey(id, 0.1));  // same id, same answer
    if (once) ++sampled;
  }
  // 10% of 1,000 with a good hash: 100 ± 3σ (σ ≈ 9.5).
  EXPECT_GE(sampled, 72);
  EXPECT_LE(sampled, 128);
  EXPECT_FALSE(SampledForSurvey("01KAQDWRF80000000000000001", 0));
  EXPECT_TRUE(SampledForSurvey("01KAQDWRF80000000000000001", 1));
}

}  // namespace
}  // namespace cs::ticket::quality
