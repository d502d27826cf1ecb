#include "services/ticket/quality/review.h"

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"

namespace cs::ticket::quality {
namespace {

const absl::Time kNow = absl::FromCivil(
    absl::CivilSecond(2026, 11, 23, 10, 0, 0), absl::FixedTimeZone(8 * 3600));
const char kReviewId[] = "01KAQDWRF80000000000000001";

v1::Ticket Handled() {
  v1::Ticket t;
  t.set_id("01KAQDWRF80000000000000099");
  t.set_name("tickets/01KAQDWRF80000000000000099");
  t.set_number("T20261123-0-000001");
  t.set_status(v1::TICKET_STATUS_RESOLVED);
  t.set_assignee("agent-007");
  t.set_department("客服部");
  return t;
}

v1::CreateReviewRequest Request(int tone) {
  v1::CreateReviewRequest r;
  r.set_ticket(Handled().name());
  for (const char* item :
       {"service_language", "attitude", "tone", "understanding", "adaptability",
        "process_compliance"}) {
    v1::ItemScore* s = r.add_scores();
    s->set_item(item);
    s->set_score(std::string(item) == "tone" ? tone : 10);
  }
  r.set_comment("开场白规范，语气略生硬");
  r.add_coaching_actions("参加语气语调专项培训");
  return r;
}

TEST(ReviewTest, NewReviewOfHandledTicket) {
  auto review = NewReview(Handled(), Request(4), DefaultScorecard(), "qa-01",
                          kReviewId, kNow);
  ASSERT_TRUE(review.ok()) << review.status();
  EXPECT_EQ(review->name(), absl::StrCat("qualityReviews/", kReviewId));
  EXPECT_EQ(review->agent(), "agent-007");
  EXPECT_EQ(review->department(), "客服部");
  EXPECT_EQ(review->state(), v1::REVIEW_STATE_REVIEWED);
  EXPECT_DOUBLE_EQ(review->current().total(), 91.0);
  EXPECT_EQ(review->versions_size(), 1);
  EXPECT_EQ(review->current().coaching_actions(0), "参加语气语调专项培训");

  v1::QualityReviewed event = ReviewedEvent(*review);
  EXPECT_EQ(event.agent(), "agent-007");
  EXPECT_DOUBLE_EQ(event.total(), 91.0);
}

TEST(ReviewTest, UnhandledTicketCannotBeReviewed) {
  v1::Ticket open = Handled();
  open.set_status(v1::TICKET_STATUS_IN_PROGRESS);
  auto s =
      NewReview(open, Request(4), DefaultScorecard(), "qa-01", kReviewId, kNow);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReasonOf(s.status()), "TICKET_NOT_HANDLED");
  v1::Ticket unassigned = Handled();
  unassigned.clear_assignee();
  EXPECT_FALSE(NewReview(unassigned, Request(4), DefaultScorecard(), "qa-01",
                         kReviewId, kNow)
                   .ok());
}

TEST(ReviewTest, DisputeThenAmendKeepsHistory) {
  auto review = NewReview(Handled(), Request(4), DefaultScorecard(), "qa-01",
                          kReviewId, kNow);
  ASSERT_TRUE(review.ok());
  auto disputed =
      ApplyDispute(*review, "agent-007", "客户先情绪激动，语气已尽量克制",
                   kNow + absl::Hours(1));
  ASSERT_TRUE(disputed.ok());
  EXPECT_EQ(disputed->state(), v1::REVIEW_STATE_DISPUTED);
  EXPECT_EQ(
      ApplyDispute(*disputed, "agent-007", "再次申诉", kNow).status().code(),
      absl::StatusCode::kFailedPrecondition);

  v1::ResolveDisputeRequest amend;
  amend.set_name(review->name());
  amend.set_outcome(v1::DISPUTE_OUTCOME_AMENDED);
  *amend.mutable_scores() = Request(8).scores();
  amend.set_note("复听录音后调整语气分");
  ASSERT_TRUE(ValidateResolveDispute(amend, DefaultScorecard()).ok());
  auto amended = ApplyResolution(*disputed, amend, DefaultScorecard(),
                                 "lead-01", kNow + absl::Hours(2));
  ASSERT_TRUE(amended.ok()) << amended.status();
  EXPECT_EQ(amended->state(), v1::REVIEW_STATE_AMENDED);
  ASSERT_EQ(amended->versions_size(), 2);
  EXPECT_DOUBLE_EQ(amended->versions(0).total(), 91.0);  // never overwritten
  EXPECT_DOUBLE_EQ(amended->current().total(), 97.0);
  EXPECT_EQ(amended->current().version(), 2);
  EXPECT_EQ(amended->current().author(), "lead-01");
  EXPECT_EQ(amended->current().comment(), "开场白规范，语气略生硬");
  EXPECT_EQ(amended->disputes(0).outcome(), v1::DISPUTE_OUTCOME_AMENDED);
  EXPECT_EQ(amended->disputes(0).resolved_by(), "lead-01");

  v1::QualityReviewAmended event = AmendedEvent(*amended);
  EXPECT_DOUBLE_EQ(event.previous_total(), 91.0);
  EXPECT_DOUBLE_EQ(event.total(), 97.0);
  EXPECT_EQ(event.version(), 2);

  // A second round: disputed again, confirmed this time.
  auto again = ApplyDispute(*amended, "agent-007", "仍有异议", kNow);
  ASSERT_TRUE(again.ok());
  v1::ResolveDisputeRequest confirm;
  confirm.set_name(review->name());
  confirm.set_outcome(v1::DISPUTE_OUTCOME_CONFIRMED);
  auto confirmed =
      ApplyResolution(*again, confirm, DefaultScorecard(), "lead-01", kNow);
  ASSERT_TRUE(confirmed.ok());
  EXPECT_EQ(confirmed->state(), v1::REVIEW_STATE_CONFIRMED);
  EXPECT_EQ(confirmed->disputes_size(), 2);
  EXPECT_EQ(confirmed->versions_size(), 2);
}

TEST(ReviewTest, MaskingCoversEveryVersionAndTheCurrentOne) {
  v1::CreateReviewRequest request = Request(4);
  request.set_comment("未核实客户电话13912345678");
  request.mutable_scores(0)->set_note("邮箱 li.na@example.com 未登记");
  request.set_coaching_actions(0, "回电13912345678致歉");
  auto review = NewReview(Handled(), request, DefaultScorecard(), "qa-01",
                          kReviewId, kNow);
  ASSERT_TRUE(review.ok()) << review.status();
  auto disputed = ApplyDispute(*review, "agent-007", "已回电13912345678", kNow);
  ASSERT_TRUE(disputed.ok());
  v1::QualityReview masked = *disputed;
  MaskReviewText(masked);
  const std::string bytes = masked.SerializeAsString();
  EXPECT_EQ(bytes.find("13912345678"), std::string::npos);
  EXPECT_EQ(bytes.find("li.na@"), std::string::npos);
  EXPECT_EQ(masked.current().comment(), "未核实客户电话139****5678");
  EXPECT_EQ(masked.current().scores(0).note(), "邮箱 l***@example.com 未登记");
  EXPECT_EQ(masked.disputes(0).reason(), "已回电139****5678");
}

TEST(ReviewTest, AmendmentFromMaskedTextKeepsTheClearValues) {
  v1::CreateReviewRequest request = Request(4);
  request.set_comment("未核实客户电话13912345678");
  request.mutable_scores(0)->set_note("邮箱 li.na@example.com 未登记");
  auto review = NewReview(Handled(), request, DefaultScorecard(), "qa-01",
                          kReviewId, kNow);
  ASSERT_TRUE(review.ok()) << review.status();
  v1::QualityReview seen = *review;
  MaskReviewText(seen);

  v1::ResolveDisputeRequest amend;
  amend.set_name(review->name());
  amend.set_outcome(v1::DISPUTE_OUTCOME_AMENDED);
  *amend.mutable_scores() = seen.current().scores();
  amend.mutable_scores(0)->set_note("邮箱 l***@example.com 已登记");
  amend.set_comment("已核实 139****5678；备用 13700002222");
  amend.add_coaching_actions("回电139****5678致歉");
  const v1::ResolveDisputeRequest restored = RestoreMaskedText(*review, amend);
  EXPECT_EQ(restored.scores(0).note(), "邮箱 li.na@example.com 已登记");
  EXPECT_EQ(restored.scores(1).note(), "");
  EXPECT_EQ(restored.comment(), "已核实 13912345678；备用 13700002222");
  EXPECT_EQ(restored.coaching_actions(0), "回电13912345678致歉");
  EXPECT_EQ(restored.scores(0).score(), amend.scores(0).score());
}

TEST(ReviewTest, ResolveWithoutDisputeFails) {
  auto review = NewReview(Handled(), Request(4), DefaultScorecard(), "qa-01",
                          kReviewId, kNow);
  v1::ResolveDisputeRequest confirm;
  confirm.set_name(review->name());
  confirm.set_outcome(v1::DISPUTE_OUTCOME_CONFIRMED);
  auto s =
      ApplyResolution(*review, confirm, DefaultScorecard(), "lead-01", kNow);
  EXPECT_EQ(ErrorReasonOf(s.status()), "NO_OPEN_DISPUTE");
}

TEST(ReviewTest, ValidationNamesFields) {
  v1::CreateReviewRequest bad = Request(4);
  bad.set_ticket("工单/1");
  EXPECT_EQ(FieldViolationsOf(ValidateCreateReview(bad, DefaultScorecard()))
                .at(0)
                .field,
            "ticket");
  bad = Request(4);
  bad.add_coaching_actions("");
  EXPECT_EQ(FieldViolationsOf(ValidateCreateReview(bad, DefaultScorecard()))
                .at(0)
                .field,
            "coaching_actions[1]");
  v1::ResolveDisputeRequest r;
  r.set_name(absl::StrCat("qualityReviews/", kReviewId));
  EXPECT_EQ(FieldViolationsOf(ValidateResolveDispute(r, DefaultScorecard()))
                .at(0)
                .field,
            "outcome");
  r.set_outcome(v1::DISPUTE_OUTCOME_AMENDED);
  EXPECT_EQ(FieldViolationsOf(ValidateResolveDispute(r, DefaultScorecard()))
                .at(0)
                .field,
            "scores");
  v1::DisputeReviewRequest d;
  d.set_name(absl::StrCat("qualityReviews/", kReviewId));
  EXPECT_EQ(FieldViolationsOf(ValidateDisputeReview(d)).at(0).field, "reason");
}

}  // namespace
}  // namespace cs::ticket::quality
