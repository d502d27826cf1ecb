#include "tools/csctl/table.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cs::csctl {
namespace {

std::string Render(const Table& table) {
  std::ostringstream out;
  table.Print(out);
  return out.str();
}

TEST(DisplayWidthTest, CountsWideCharactersAsTwoColumns) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("张三"), 4u);
  EXPECT_EQ(DisplayWidth("手机信号弱"), 10u);
  EXPECT_EQ(DisplayWidth("客服部 A"), 8u);
  EXPECT_EQ(DisplayWidth("。，"), 4u);              // CJK punctuation, U+3002
  EXPECT_EQ(DisplayWidth("！"), 2u);                // fullwidth U+FF01
  EXPECT_EQ(DisplayWidth("ｶ"), 1u);                 // halfwidth katakana U+FF76
  EXPECT_EQ(DisplayWidth("한글"), 4u);              // Hangul syllables
  EXPECT_EQ(DisplayWidth("\xF0\xA0\x80\x80"), 2u);  // U+20000, CJK Ext. B
  EXPECT_EQ(DisplayWidth("é—"), 2u);                // narrow non-ASCII
}

TEST(DisplayWidthTest, ZeroWidthAndInvalidBytes) {
  EXPECT_EQ(DisplayWidth("e\xCC\x81"), 1u);  // e + combining acute
  EXPECT_EQ(DisplayWidth("a\tb"), 2u);
  EXPECT_EQ(DisplayWidth("\xFF\xFE"), 2u);  // invalid: one column per byte
  EXPECT_EQ(DisplayWidth("\xE5\xBC"), 2u);  // truncated 张
  EXPECT_EQ(DisplayWidth("\xC0\xAF"), 2u);  // overlong '/'
}

TEST(TableTest, AlignsMixedChineseAndAscii) {
  Table table({"NAME", "ISSUE", "STATUS"});
  table.AddRow({"张三", "手机信号弱", "open"});
  table.AddRow({"bob", "no signal", "closed"});
  table.AddRow({"李四光", "退款", "pending"});
  EXPECT_EQ(Render(table),
            "NAME    ISSUE       STATUS\n"
            "张三    手机信号弱  open\n"
            "bob     no signal   closed\n"
            "李四光  退款        pending\n");
}

TEST(TableTest, EveryColumnStartsAtTheSameDisplayColumn) {
  Table table({"客户", "渠道", "问题"});
  table.AddRow({"王小明", "phone", "账单疑问"});
  table.AddRow({"Zoë", "在线客服", "x"});
  table.AddRow({"ＡＢＣ", "app", "手机信号弱"});
  std::vector<std::string> lines =
      absl::StrSplit(Render(table), '\n', absl::SkipEmpty());
  const std::vector<std::pair<std::string, std::string>> second_and_third = {
      {"渠道", "问题"},
      {"phone", "账单疑问"},
      {"在线客服", "x"},
      {"app", "手机信号弱"}};
  ASSERT_EQ(lines.size(), second_and_third.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    size_t second = line.find(second_and_third[i].first);
    size_t third = line.rfind(second_and_third[i].second);
    ASSERT_NE(second, std::string::npos) << line;
    ASSERT_NE(third, std::string::npos) << line;
    EXPECT_EQ(DisplayWidth(line.substr(0, second)), 6u + 2) << line;
    EXPECT_EQ(DisplayWidth(line.substr(0, third)), 6u + 2 + 8 + 2) << line;
  }
}

TEST(TableTest, RightAlignmentAndNoTrailingSpaces) {
  Table table({"SEQ", "TYPE"});
  table.SetAlignment(0, Table::kRight);
  table.AddRow({"7", "TicketCreated"});
  table.AddRow({"1234", "工单"});
  table.AddRow({"12"});  // short row: padded with an empty cell
  EXPECT_EQ(Render(table),
            " SEQ  TYPE\n"
            "   7  TicketCreated\n"
            "1234  工单\n"
            "  12\n");
}

TEST(TableTest, EmptyTables) {
  EXPECT_EQ(Render(Table({})), "");
  EXPECT_EQ(Render(Table({"A", "B"})), "A  B\n");
}

TEST(TableTest, ControlCharactersCannotBreakRows) {
  Table table({"K", "V"});
  table.AddRow({"a\nb", "c\td"});
  EXPECT_EQ(Render(table), "K    V\na b  c d\n");
  EXPECT_EQ(SanitizeCell("张\r三"), "张 三");
}

TEST(TableTest, KeyValues) {
  std::ostringstream out;
  PrintKeyValues(out, {{"producer", "ticket"}, {"部门", "客服部"}});
  EXPECT_EQ(out.str(), "producer  ticket\n部门      客服部\n");
}

}  // namespace
}  // namespace cs::csctl
