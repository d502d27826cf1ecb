#include "libs/common/utf8.h"

#include "gtest/gtest.h"

namespace cs {
namespace {

TEST(Utf8Test, ValidChineseAndAscii) {
  EXPECT_TRUE(IsValidUtf8("手机信号弱"));
  EXPECT_TRUE(IsValidUtf8("张三 Zhang San 😀"));
  EXPECT_TRUE(IsValidUtf8(""));
}

TEST(Utf8Test, RejectsMalformedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong 3-byte
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE6\x89"));          // truncated 手
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("客服\x80部"));  // stray continuation
}

TEST(Utf8Test, SequenceLengthFollowsTheLeadByte) {
  EXPECT_EQ(Utf8SequenceLength('a'), 1u);
  EXPECT_EQ(Utf8SequenceLength("é"[0]), 2u);
  EXPECT_EQ(Utf8SequenceLength("部"[0]), 3u);
  EXPECT_EQ(Utf8SequenceLength("😀"[0]), 4u);
  EXPECT_EQ(Utf8SequenceLength("部"[1]), 0u);  // continuation byte
  EXPECT_EQ(Utf8SequenceLength('\xF8'), 0u);
}

TEST(Utf8Test, CharLengthCountsCodePointsNotBytes) {
  EXPECT_EQ(CharLength("手机信号弱"), 5u);
  EXPECT_EQ(std::string("手机信号弱").size(), 15u);
  EXPECT_EQ(CharLength("客服部 A1"), 6u);
  EXPECT_EQ(CharLength("😀"), 1u);
  EXPECT_EQ(CharLength(""), 0u);
  // Invalid bytes count one each and never crash.
  EXPECT_EQ(CharLength("\xFF\xFE"), 2u);
}

TEST(Utf8Test, PrefixNeverSplitsACharacter) {
  EXPECT_EQ(Utf8Prefix("张三丰", 1), "张");
  EXPECT_EQ(Utf8Prefix("张三丰", 2), "张三");
  EXPECT_EQ(Utf8Prefix("张三丰", 10), "张三丰");
  EXPECT_EQ(Utf8Prefix("欧阳", 0), "");
}

TEST(Utf8Test, DecodeReplacesInvalidBytes) {
  std::vector<char32_t> cps = DecodeUtf8("张\xFF");
  ASSERT_EQ(cps.size(), 2u);
  EXPECT_EQ(cps[0], U'张');
  EXPECT_EQ(cps[1], U'\uFFFD');
}

TEST(Utf8Test, ControlCharacters) {
  EXPECT_FALSE(HasControlChars("手机信号弱", false));
  EXPECT_TRUE(HasControlChars("手机\n信号弱", false));
  EXPECT_FALSE(HasControlChars("手机\n信号弱\t", true));
  EXPECT_TRUE(HasControlChars(std::string("a\0b", 3), true));
  EXPECT_TRUE(HasControlChars("a\x7f", true));
  EXPECT_TRUE(HasControlChars("a\xC2\x85", true));      // NEL (C1)
  EXPECT_TRUE(HasControlChars("a\xE2\x80\xA8", true));  // U+2028
}

TEST(Utf8Test, ScanAgreesWithTheSeparateChecks) {
  const std::string samples[] = {
      "",  "手机信号弱", "手机\n信号弱\t", std::string("a\0b", 3), "a\x7f",
      "a\xC2\x85", "a\xE2\x80\xA8", "\xE6\x89", "abc\xFF张", "\xED\xA0\x80",
      "😀 emoji", "\r\n"};
  for (const std::string& text : samples) {
    const Utf8Scan scan = ScanUtf8(text);
    EXPECT_EQ(scan.valid, IsValidUtf8(text)) << text;
    EXPECT_EQ(scan.chars, CharLength(text)) << text;
    EXPECT_EQ(scan.control, HasControlChars(text, false)) << text;
    EXPECT_EQ(scan.control_besides_newlines, HasControlChars(text, true))
        << text;
  }
  const Utf8Scan scan = ScanUtf8("手机\n信号弱");
  EXPECT_TRUE(scan.valid);
  EXPECT_EQ(scan.chars, 6u);
  EXPECT_TRUE(scan.control);
  EXPECT_FALSE(scan.control_besides_newlines);
}

TEST(Utf8Test, HanDetection) {
  EXPECT_TRUE(IsHan(U'张'));
  EXPECT_TRUE(IsHan(U'㐀'));
  EXPECT_FALSE(IsHan(U'Z'));
  EXPECT_FALSE(IsHan(U'，'));
}

}  // namespace
}  // namespace cs
