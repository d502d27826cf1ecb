#include "services/ticket/quality/record_completeness.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/time_proto.h"

namespace cs::ticket::quality {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(RecordCompletenessTest, StockPhrasesAloneAreVague) {
  EXPECT_TRUE(IsVagueResult("已解决"));
  EXPECT_TRUE(IsVagueResult("客户满意"));
  EXPECT_TRUE(IsVagueResult("已解决，客户满意。"));
  EXPECT_TRUE(IsVagueResult("  问题已解决！ "));
  EXPECT_TRUE(IsVagueResult("处理完毕 OK"));
  EXPECT_TRUE(IsVagueResult(""));
  EXPECT_TRUE(IsVagueResult("。。。"));
}

TEST(RecordCompletenessTest, SpecificResultsAreNotVague) {
  EXPECT_FALSE(IsVagueResult("已为客户更换SIM卡，信号恢复正常"));
  EXPECT_FALSE(IsVagueResult("已解决：退款 128 元已原路退回"));
  EXPECT_FALSE(IsVagueResult("客户满意，已补发充电器一个"));
  EXPECT_FALSE(IsVagueResult("重置路由器密码"));
}

v1::Ticket CompleteRecord() {
  v1::Ticket t;
  t.set_name("tickets/01KAQDWRF80000000000000099");
  t.set_number("T20261123-0-000042");
  t.set_customer_id("c-1001");
  t.set_customer_display_name("张先生");
  t.set_customer_contact("138****1234");
  t.set_customer_type(v1::CUSTOMER_TYPE_VIP);
  t.set_description("客户反映在地下车库手机信号弱，无法通话。");
  t.set_grade(cs::common::v1::GRADE_C);
  t.set_department("客服部");
  t.set_resolution("已为客户更换SIM卡，信号恢复正常");
  *t.mutable_create_time() = ToProtoTime(absl::FromUnixSeconds(1795000000));
  *t.mutable_resolve_time() = ToProtoTime(absl::FromUnixSeconds(1795003600));
  t.set_assignee("agent-007");
  return t;
}

TEST(RecordCompletenessTest, CompleteRecord) {
  RecordCheck check = CheckServiceRecord(CompleteRecord());
  EXPECT_TRUE(check.complete());
  EXPECT_THAT(check.missing_fields, IsEmpty());
}

TEST(RecordCompletenessTest, MissingFieldsAndVagueResultAreFlagged) {
  v1::Ticket t = CompleteRecord();
  t.set_grade(cs::common::v1::GRADE_UNSPECIFIED);
  t.clear_assignee();
  t.set_resolution("已解决");
  RecordCheck check = CheckServiceRecord(t);
  EXPECT_FALSE(check.complete());
  EXPECT_THAT(check.missing_fields, ElementsAre("grade", "assignee"));
  EXPECT_TRUE(check.vague_result);
  v1::ServiceRecordChecked event = ServiceRecordCheckedEvent(t, check);
  EXPECT_FALSE(event.complete());
  EXPECT_TRUE(event.vague_result());
  EXPECT_THAT(event.missing_fields(), ElementsAre("grade", "assignee"));

  v1::Ticket only_vague = CompleteRecord();
  only_vague.set_resolution("客户满意");
  EXPECT_FALSE(CheckServiceRecord(only_vague).complete());
  EXPECT_THAT(CheckServiceRecord(only_vague).missing_fields, IsEmpty());
}

}  // namespace
}  // namespace cs::ticket::quality
