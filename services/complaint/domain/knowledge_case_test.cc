// The complaint-KB draft and the masked view: what leaves the complaint
// service must carry the lesson, never the person.
#include "services/complaint/domain/knowledge_case.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/time_proto.h"
#include "services/complaint/domain/pii_view.h"

namespace cs::complaint {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

// A closed two-round complaint whose texts are full of personal data.
v1::Complaint ClosedCase() {
  v1::Complaint c;
  c.set_name("complaints/01J0CASE");
  c.set_customer_id("cust-8848");
  c.set_order_id("order-20240518");
  c.set_officer("officer-1");
  c.set_description("本人王小明，电话13812345678，身份证11010519491231002X");
  c.add_items("快递三次未送达（联系 139-0000-1111）");
  c.add_items("客服挂断电话");
  c.set_cause(v1::CAUSE_CATEGORY_LOGISTICS);
  c.set_classification(v1::CLASSIFICATION_NON_QUALITY);
  c.set_department("物流部");
  c.set_stage(v1::COMPLAINT_STAGE_CLOSED);
  v1::Round* first = c.add_rounds();
  first->set_number(1);
  first->set_solution("致歉");
  first->set_decision(v1::CUSTOMER_DECISION_REJECTED);
  first->add_remedies()->set_kind(v1::REMEDY_KIND_APOLOGY);
  v1::Round* second = c.add_rounds();
  second->set_number(2);
  second->set_previous_round(1);
  second->set_solution("退运费到卡 6222 0212 3456 7890 128");
  second->set_decision(v1::CUSTOMER_DECISION_ACCEPTED);
  v1::Remedy* refund = second->add_remedies();
  refund->set_kind(v1::REMEDY_KIND_REFUND);
  refund->mutable_amount()->set_currency_code("CNY");
  refund->mutable_amount()->set_minor_units(1250);
  refund->set_note("联系邮箱 wxm@example.com");
  c.mutable_root_cause()->set_category(v1::FISHBONE_CATEGORY_PROCESS);
  c.mutable_root_cause()->set_analysis("派送前未电话确认 13812345678");
  v1::CorrectiveAction* action = c.add_corrective_actions();
  action->set_number(1);
  action->set_description("派送前增加电话确认");
  action->set_owner("logistics-lead");
  *action->mutable_due_time() = ToProtoTime(kNow);
  action->set_done(true);
  c.set_revisit_satisfaction(4);
  c.set_revisit_note("客户王小明表示满意");
  return c;
}

TEST(KnowledgeCaseTest, OnlyClosedComplaintsArePublishable) {
  v1::Complaint c = ClosedCase();
  EXPECT_TRUE(CheckPublishable(c).ok());
  c.set_stage(v1::COMPLAINT_STAGE_REVISITED);
  absl::Status status = CheckPublishable(c);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("REVISITED"));
}

TEST(KnowledgeCaseTest, DraftCarriesTheLessonWithoutPersonalData) {
  const v1::PublishCase command = BuildPublishCase(ClosedCase());
  EXPECT_EQ(command.complaint(), "complaints/01J0CASE");
  EXPECT_THAT(command.category_path(),
              ::testing::ElementsAre("投诉案例", "物流配送"));
  EXPECT_EQ(command.request().request_id(), "complaint-kb-01J0CASE");
  const kb::v1::ArticleContent& content = command.request().content();
  EXPECT_TRUE(content.category().empty());
  EXPECT_EQ(content.format(), kb::v1::BODY_FORMAT_MARKDOWN);
  EXPECT_THAT(content.title(), HasSubstr("投诉案例：物流配送｜快递三次未送达"));
  EXPECT_THAT(content.tags(),
              ::testing::ElementsAre("投诉案例", "物流配送", "非质量问题",
                                     "流程", "退款"));
  EXPECT_THAT(
      content.body(),
      AllOf(HasSubstr("## 投诉事项"), HasSubstr("客服挂断电话"),
            HasSubstr("## 根因分析（流程）"), HasSubstr("派送前未电话确认"),
            HasSubstr("### 第1轮（客户拒绝）"), HasSubstr("致歉"),
            HasSubstr("### 第2轮（客户接受）"), HasSubstr("- 退款 CNY 12.50"),
            HasSubstr("派送前增加电话确认（已完成"),
            HasSubstr("回访满意度：4/5"), HasSubstr("责任部门：物流部")));
  const std::string all = content.title() + content.body();
  for (const char* secret :
       {"13812345678", "139-0000-1111", "11010519491231002X", "7890 128",
        "wxm@example.com", "王小明", "cust-8848", "order-20240518", "officer-1",
        "logistics-lead"}) {
    EXPECT_THAT(all, Not(HasSubstr(secret))) << secret;
  }
  EXPECT_THAT(content.body(), HasSubstr("****0128"));
}

TEST(PiiViewTest, OfficersAndSupervisorsReadInClearOthersMasked) {
  auth::Principal officer{"o", {auth::Role::kComplaintOfficer}};
  auth::Principal director{"d", {auth::Role::kDirector}};
  auth::Principal service{"service:ivr", {auth::Role::kService}};
  EXPECT_TRUE(MayReadPii(officer));
  EXPECT_TRUE(MayReadPii({"s", {auth::Role::kSupervisor}}));
  EXPECT_FALSE(MayReadPii(director));
  EXPECT_FALSE(MayReadPii(service));

  v1::Complaint c = ClosedCase();
  MaskPersonalData(c);
  EXPECT_EQ(c.description(),
            "本人王小明，电话138****5678，身份证110***********002X");
  EXPECT_EQ(c.items(0), "快递三次未送达（联系 139****1111）");
  EXPECT_EQ(c.rounds(1).solution(), "退运费到卡 ****0128");
  EXPECT_EQ(c.rounds(1).remedies(0).note(), "联系邮箱 w***@example.com");
  EXPECT_EQ(c.root_cause().analysis(), "派送前未电话确认 138****5678");
  EXPECT_EQ(c.customer_id(), "cust-8848");
  EXPECT_EQ(c.rounds(1).remedies(0).amount().minor_units(), 1250);
}

}  // namespace
}  // namespace cs::complaint
