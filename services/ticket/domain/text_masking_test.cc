#include "services/ticket/domain/text_masking.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cs::ticket {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A ticket whose text holds no personal data, in every place text can be.
v1::Ticket PlainTicket() {
  v1::Ticket t;
  t.set_name("tickets/01J0000000000000000000000A");
  t.set_number("T20261124-0-000042");
  t.set_subject("手机信号弱");
  t.set_description("地下车库无信号，通话中断 3 次");
  t.set_customer_contact("138****1234");
  t.set_resolution("已更换SIM卡");
  v1::Reply* reply = t.add_replies();
  reply->set_author("agent-007");
  reply->set_body("您好，已为您处理");
  v1::HistoryEntry* entry = t.add_history();
  entry->set_note("转技术支持");
  v1::FieldChange* change = entry->add_changes();
  change->set_field("description");
  change->set_old_value("无信号");
  change->set_new_value("地下车库无信号");
  t.mutable_feedback()->set_comment("满意");
  return t;
}

TEST(TextMaskingTest, MasksEveryFreeTextAndNothingElse) {
  v1::Ticket t = PlainTicket();
  t.set_subject("请回电13812345678");
  t.set_description("身份证11010519491231002X，邮箱 li.na@example.com");
  t.set_resolution("已致电 010-12345678");
  t.mutable_replies(0)->set_body("我的卡号 6222 0212 3456 7890 128");
  t.mutable_history(0)->set_note("客户留了 13900001111");
  t.mutable_history(0)->mutable_changes(0)->set_old_value("电话13812345678");
  t.mutable_history(0)->mutable_changes(0)->set_new_value("电话13912345678");
  t.mutable_feedback()->set_comment("联系我 13700002222");

  MaskTicketText(t);
  EXPECT_EQ(t.subject(), "请回电138****5678");
  EXPECT_EQ(t.description(), "身份证110***********002X，邮箱 l***@example.com");
  EXPECT_EQ(t.resolution(), "已致电 010-****5678");
  EXPECT_EQ(t.replies(0).body(), "我的卡号 ****0128");
  EXPECT_EQ(t.history(0).note(), "客户留了 139****1111");
  EXPECT_EQ(t.history(0).changes(0).old_value(), "电话138****5678");
  EXPECT_EQ(t.history(0).changes(0).new_value(), "电话139****5678");
  EXPECT_EQ(t.feedback().comment(), "联系我 137****2222");
  // Identifiers are not free text.
  EXPECT_EQ(t.number(), "T20261124-0-000042");
  EXPECT_EQ(t.replies(0).author(), "agent-007");
}

TEST(TextMaskingTest, AddReplyAnswerMasksTheReplyAndTheTicket) {
  v1::AddReplyResponse response;
  response.mutable_reply()->set_body("回拨 13812345678");
  response.mutable_ticket()->set_description("请回电13812345678");
  MaskTicketText(response);
  EXPECT_EQ(response.reply().body(), "回拨 138****5678");
  EXPECT_EQ(response.ticket().description(), "请回电138****5678");
}

TEST(TextMaskingTest, WireWithoutPersonalDataIsServedAsStored) {
  const std::string stored = PlainTicket().SerializeAsString();
  absl::StatusOr<std::string> served = MaskTicketTextInWire(stored);
  ASSERT_TRUE(served.ok()) << served.status();
  EXPECT_EQ(*served, stored);
}

TEST(TextMaskingTest, WireIsMaskedWhereverThePersonalDataSits) {
  const std::string phone = "13812345678";
  for (int place = 0; place < 6; ++place) {
    v1::Ticket t = PlainTicket();
    switch (place) {
      case 0:
        t.set_subject(phone);
        break;
      case 1:
        // 53 bytes: the length byte before the text is '5', an ASCII digit
        // that must not hide the number at the start of the text.
        t.set_description(phone + std::string(42, '.'));
        break;
      case 2:
        t.mutable_replies(0)->set_body(phone);
        break;
      case 3:
        t.mutable_history(0)->set_note(phone);
        break;
      case 4:
        t.mutable_history(0)->mutable_changes(0)->set_new_value(phone);
        break;
      case 5:
        t.mutable_feedback()->set_comment(phone);
        break;
    }
    v1::Ticket expected = t;
    MaskTicketText(expected);
    absl::StatusOr<std::string> served =
        MaskTicketTextInWire(t.SerializeAsString());
    ASSERT_TRUE(served.ok()) << served.status();
    EXPECT_THAT(*served, Not(HasSubstr(phone))) << place;
    EXPECT_THAT(*served, HasSubstr("138****5678")) << place;
    v1::Ticket parsed;
    ASSERT_TRUE(parsed.ParseFromString(*served));
    EXPECT_EQ(parsed.SerializeAsString(), expected.SerializeAsString())
        << place;
  }
}

TEST(TextMaskingTest, MalformedWireIsDataLoss) {
  const std::string stored = PlainTicket().SerializeAsString();
  EXPECT_EQ(MaskTicketTextInWire(stored.substr(0, 9)).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace cs::ticket
