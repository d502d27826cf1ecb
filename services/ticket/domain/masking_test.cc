#include "services/ticket/domain/masking.h"

#include "gtest/gtest.h"

namespace cs::ticket {
namespace {

TEST(MaskNameTest, TitleGivesPoliteForm) {
  EXPECT_EQ(MaskName("张三", v1::TITLE_MR), "张先生");
  EXPECT_EQ(MaskName("李四", v1::TITLE_MS), "李女士");
  EXPECT_EQ(MaskName("王小明", v1::TITLE_MR), "王先生");
}

TEST(MaskNameTest, WithoutTitleFallsBackToStars) {
  EXPECT_EQ(MaskName("张三", v1::TITLE_UNSPECIFIED), "张**");
  // The number of stars does not reveal the length of the given name.
  EXPECT_EQ(MaskName("张三丰", v1::TITLE_UNSPECIFIED), "张**");
}

TEST(MaskNameTest, CompoundSurnames) {
  EXPECT_EQ(MaskName("欧阳娜娜", v1::TITLE_MS), "欧阳女士");
  EXPECT_EQ(MaskName("诸葛亮", v1::TITLE_MR), "诸葛先生");
  EXPECT_EQ(MaskName("司马光", v1::TITLE_UNSPECIFIED), "司马**");
  // A two-character name starting like a compound surname is surname 欧.
  EXPECT_EQ(Surname("欧阳"), "欧");
}

TEST(MaskNameTest, NonChineseAndEmptyNames) {
  EXPECT_EQ(MaskName("John Smith", v1::TITLE_MR), "J**");
  EXPECT_EQ(MaskName("  张三 ", v1::TITLE_MR), "张先生");
  EXPECT_EQ(MaskName("", v1::TITLE_MR), "");
  EXPECT_EQ(MaskName("   ", v1::TITLE_MS), "");
}

TEST(MaskPhoneTest, Mobile) {
  EXPECT_EQ(MaskPhone("13812341234"), "138****1234");
  EXPECT_EQ(MaskPhone("+86 138 1234 1234"), "+86 138****1234");
  EXPECT_EQ(MaskPhone("0086-13812341234"), "+86 138****1234");
  EXPECT_EQ(MaskPhone("138-1234-1234"), "138****1234");
}

TEST(MaskPhoneTest, Landline) {
  EXPECT_EQ(MaskPhone("010-12345678"), "010-****5678");
  EXPECT_EQ(MaskPhone("0755-1234567"), "0755-****4567");
  EXPECT_EQ(MaskPhone("021-87654321-808"), "021-****4321");
  EXPECT_EQ(MaskPhone("02087654321"), "020-****4321");
  EXPECT_EQ(MaskPhone("075512345678"), "0755-****5678");
}

TEST(MaskPhoneTest, UnknownFormsRevealAtMostFourDigits) {
  EXPECT_EQ(MaskPhone("4008123123"), "****3123");
  EXPECT_EQ(MaskPhone("12345"), "****");
  EXPECT_EQ(MaskPhone("客服电话"), "****");
  EXPECT_EQ(MaskPhone(""), "");
}

TEST(MaskIdCardTest, KeepsFirstThreeAndLastFour) {
  EXPECT_EQ(MaskIdCard("11010519491231002X"), "110***********002X");
  EXPECT_EQ(MaskIdCard("110105491231002"), "110********1002");
  EXPECT_EQ(MaskIdCard("1234"), "****");
  EXPECT_EQ(MaskIdCard("身份证号码无效的"), "****");
  EXPECT_EQ(MaskIdCard(""), "");
}

TEST(MaskBankCardTest, KeepsLastFour) {
  EXPECT_EQ(MaskBankCard("6222021234567890128"), "****0128");
  EXPECT_EQ(MaskBankCard("6222 0212 3456 7890 128"), "****0128");
  EXPECT_EQ(MaskBankCard("12"), "****");
  EXPECT_EQ(MaskBankCard(""), "");
}

}  // namespace
}  // namespace cs::ticket
