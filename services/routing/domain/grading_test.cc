#include "services/routing/domain/grading.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cs::routing {
namespace {

using cs::common::v1::GRADE_A;
using cs::common::v1::GRADE_B;
using cs::common::v1::GRADE_C;
using cs::ticket::v1::TicketFacts;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TicketFacts Facts(int affected,
                  std::vector<std::string> category = {"手机类", "信号问题"}) {
  TicketFacts f;
  f.set_ticket("tickets/t1");
  f.set_channel(cs::common::v1::CHANNEL_PHONE);
  f.set_stage(cs::common::v1::STAGE_AFTER_SALE);
  for (auto& c : category) f.add_category(c);
  f.set_affected_customer_count(affected);
  f.set_customer_type(cs::ticket::v1::CUSTOMER_TYPE_RETURNING);
  return f;
}

TEST(GradingTest, AffectedCustomerBoundaries) {
  const GradingPolicy policy;  // seed: 100 / 10, VIP upgrade
  struct Case {
    int affected;
    cs::common::v1::Grade grade;
  } cases[] = {{0, GRADE_C},  {1, GRADE_C},  {9, GRADE_C},   {10, GRADE_B},
               {11, GRADE_B}, {99, GRADE_B}, {100, GRADE_A}, {5000, GRADE_A}};
  for (const Case& c : cases) {
    EXPECT_EQ(GradeTicket(Facts(c.affected), policy).grade, c.grade)
        << "affected " << c.affected;
  }
}

TEST(GradingTest, ReasonsSayWhy) {
  const GradingPolicy policy;
  EXPECT_THAT(GradeTicket(Facts(120), policy).reasons,
              ElementsAre("affected_customer_count 120 ≥ 100 → A"));
  EXPECT_THAT(GradeTicket(Facts(10), policy).reasons,
              ElementsAre("affected_customer_count 10 in 10–99 → B"));
  EXPECT_THAT(GradeTicket(Facts(9), policy).reasons,
              ElementsAre("affected_customer_count 9 ≤ 9 → C"));
}

TEST(GradingTest, MajorLossIsA) {
  GradingPolicy policy;
  policy.major_loss.push_back({"CNY", 10000000});  // 10 万元
  TicketFacts f = Facts(3);
  f.mutable_loss_estimate()->set_currency_code("CNY");
  f.mutable_loss_estimate()->set_minor_units(9999999);
  EXPECT_EQ(GradeTicket(f, policy).grade, GRADE_C);

  f.mutable_loss_estimate()->set_minor_units(10000000);
  const GradeDecision d = GradeTicket(f, policy);
  EXPECT_EQ(d.grade, GRADE_A);
  EXPECT_THAT(
      d.reasons.back(),
      HasSubstr(
          "loss_estimate CNY 100000.00 ≥ CNY 100000.00 (major loss) → A"));

  // Another currency is not compared, and the reasons say so.
  f.mutable_loss_estimate()->set_currency_code("USD");
  const GradeDecision usd = GradeTicket(f, policy);
  EXPECT_EQ(usd.grade, GRADE_C);
  EXPECT_THAT(usd.reasons.back(), HasSubstr("not compared"));
}

TEST(GradingTest, VipUpgradesOneLevel) {
  const GradingPolicy policy;
  TicketFacts f = Facts(5);
  f.set_customer_type(cs::ticket::v1::CUSTOMER_TYPE_VIP);
  GradeDecision d = GradeTicket(f, policy);
  EXPECT_EQ(d.grade, GRADE_B);
  EXPECT_EQ(d.reasons.back(), "customer_type VIP: upgraded C → B");

  f.set_affected_customer_count(50);
  EXPECT_EQ(GradeTicket(f, policy).grade, GRADE_A);

  f.set_affected_customer_count(500);
  d = GradeTicket(f, policy);
  EXPECT_EQ(d.grade, GRADE_A);
  EXPECT_EQ(d.reasons.back(), "customer_type VIP: already A");

  GradingPolicy no_upgrade;
  no_upgrade.upgrade_customer_types.clear();
  f.set_affected_customer_count(5);
  EXPECT_EQ(GradeTicket(f, no_upgrade).grade, GRADE_C);
}

TEST(GradingTest, ExtraRulesSetAMinimumGrade) {
  GradingPolicy policy;
  GradingRule complaint;
  complaint.name = "complaint_at_least_b";
  complaint.description = "投诉类问题至少 B 级";
  complaint.category_prefix = {"投诉"};
  complaint.min_grade = GRADE_B;
  GradingRule payment;
  payment.name = "payment_outage_by_phone";
  payment.category_prefix = {"故障", "支付"};
  payment.channels = {cs::common::v1::CHANNEL_PHONE};
  payment.min_grade = GRADE_A;
  GradingRule new_customer;
  new_customer.name = "new_customer_pre_sale";
  new_customer.customer_types = {cs::ticket::v1::CUSTOMER_TYPE_NEW};
  new_customer.stages = {cs::common::v1::STAGE_PRE_SALE};
  new_customer.min_grade = GRADE_B;
  policy.rules = {complaint, payment, new_customer};

  GradeDecision d = GradeTicket(Facts(2, {"投诉", "服务态度"}), policy);
  EXPECT_EQ(d.grade, GRADE_B);
  EXPECT_THAT(d.reasons.back(),
              HasSubstr("rule \"complaint_at_least_b\" (投诉类问题至少 B 级): "
                        "category 投诉 → at least B (was C)"));

  // A rule never lowers the grade.
  d = GradeTicket(Facts(150, {"投诉"}), policy);
  EXPECT_EQ(d.grade, GRADE_A);
  EXPECT_THAT(d.reasons.back(), HasSubstr("(already A)"));

  // Every condition must hold: category prefix and channel.
  TicketFacts f = Facts(1, {"故障", "支付", "微信支付"});
  EXPECT_EQ(GradeTicket(f, policy).grade, GRADE_A);
  f.set_channel(cs::common::v1::CHANNEL_EMAIL);
  EXPECT_EQ(GradeTicket(f, policy).grade, GRADE_C);
  // A prefix is a whole element match, not a string prefix.
  EXPECT_EQ(GradeTicket(Facts(1, {"故障", "支付宝"}), policy).grade, GRADE_C);
  EXPECT_EQ(GradeTicket(Facts(1, {"故障"}), policy).grade, GRADE_C);

  // Customer type and stage.
  f = Facts(1, {"咨询"});
  f.set_customer_type(cs::ticket::v1::CUSTOMER_TYPE_NEW);
  EXPECT_EQ(GradeTicket(f, policy).grade, GRADE_C);  // after-sale
  f.set_stage(cs::common::v1::STAGE_PRE_SALE);
  EXPECT_EQ(GradeTicket(f, policy).grade, GRADE_B);
}

TEST(GradingTest, VipUpgradeAppliesAfterRules) {
  GradingPolicy policy;
  GradingRule complaint;
  complaint.name = "complaint_at_least_b";
  complaint.category_prefix = {"投诉"};
  complaint.min_grade = GRADE_B;
  policy.rules = {complaint};
  TicketFacts f = Facts(1, {"投诉"});
  f.set_customer_type(cs::ticket::v1::CUSTOMER_TYPE_VIP);
  const GradeDecision d = GradeTicket(f, policy);
  EXPECT_EQ(d.grade, GRADE_A);  // C → (rule) B → (VIP) A
  ASSERT_EQ(d.reasons.size(), 3u);
  EXPECT_EQ(d.reasons[2], "customer_type VIP: upgraded B → A");
}

TEST(GradingTest, ManualGradeKeptOnCreationAndRegradedWhenInputsChange) {
  const GradingPolicy policy;
  TicketFacts f = Facts(3);
  f.set_grade(GRADE_A);  // set by the creator (e.g. a team lead)

  GradeDecision d = DecideGrade(f, policy, GradeTrigger::kTicketCreated);
  EXPECT_EQ(d.grade, GRADE_A);
  EXPECT_FALSE(d.computed);
  EXPECT_THAT(
      d.reasons,
      ElementsAre("grade A set on the ticket; kept (the rules would give C)"));

  d = DecideGrade(f, policy, GradeTrigger::kGradingInputsChanged);
  EXPECT_EQ(d.grade, GRADE_C);
  EXPECT_TRUE(d.computed);
  EXPECT_THAT(d.reasons.back(),
              HasSubstr("re-graded because grading inputs changed (was A)"));

  // Not graded yet: the rules decide.
  f.clear_grade();
  d = DecideGrade(f, policy, GradeTrigger::kTicketCreated);
  EXPECT_EQ(d.grade, GRADE_C);
  EXPECT_TRUE(d.computed);
}

}  // namespace
}  // namespace cs::routing
