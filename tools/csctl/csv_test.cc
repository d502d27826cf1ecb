#include "tools/csctl/csv.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cs::csctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<CsvRecord> MustParse(absl::string_view text) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(text);
  EXPECT_TRUE(records.ok()) << records.status();
  return records.ok() ? *records : std::vector<CsvRecord>{};
}

TEST(CsvTest, PlainRecordsWithChineseFields) {
  auto records = MustParse("客户,渠道,主题\nc-1,phone,手机信号弱\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0].fields, ElementsAre("客户", "渠道", "主题"));
  EXPECT_THAT(records[1].fields, ElementsAre("c-1", "phone", "手机信号弱"));
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].line, 2);
  EXPECT_TRUE(records[1].error.ok());
}

TEST(CsvTest, ByteOrderMarkAndCrlfAsExcelWritesThem) {
  auto records = MustParse("\xEF\xBB\xBFsubject,body\r\n退款,\"已退\"\r\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0].fields, ElementsAre("subject", "body"));
  EXPECT_THAT(records[1].fields, ElementsAre("退款", "已退"));
}

TEST(CsvTest, QuotedCommasQuotesAndLineBreaksKeepLineNumbers) {
  auto records = MustParse(
      "a,b\n"
      "\"地址：深圳, 南山\",\"他说\"\"好的\"\"\"\n"
      "\"第一行\n第二行\r\n第三行\",x\n"
      "last,\"\"\n");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_THAT(records[1].fields, ElementsAre("地址：深圳, 南山", "他说\"好的\""));
  EXPECT_THAT(records[2].fields,
              ElementsAre("第一行\n第二行\r\n第三行", "x"));
  EXPECT_EQ(records[2].line, 3);
  // The record after a three-line field starts on physical line 6.
  EXPECT_EQ(records[3].line, 6);
  EXPECT_THAT(records[3].fields, ElementsAre("last", ""));
}

TEST(CsvTest, BlankLinesAreSkippedEmptyFieldsKept) {
  auto records = MustParse("a,b\n\n,\n\r\nx,\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[1].fields, ElementsAre("", ""));
  EXPECT_EQ(records[1].line, 3);
  EXPECT_THAT(records[2].fields, ElementsAre("x", ""));
  EXPECT_EQ(records[2].line, 5);
}

TEST(CsvTest, NoTrailingNewlineAndLoneCr) {
  auto records = MustParse("a\rb\rc");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[2].fields, ElementsAre("c"));
  EXPECT_EQ(records[2].line, 3);
}

TEST(CsvTest, MalformedRecordIsReportedAloneWithItsField) {
  auto records = MustParse(
      "a,b\n"
      "ok,1\n"
      "bad\"quote,2\n"
      "\"closed\"tail,3\n"
      "fine,4\n");
  ASSERT_EQ(records.size(), 5u);
  EXPECT_TRUE(records[1].error.ok());
  EXPECT_EQ(records[2].error.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(records[2].error.message(), HasSubstr("field 1"));
  EXPECT_THAT(records[3].error.message(),
              HasSubstr("after a quoted field's closing quote"));
  EXPECT_TRUE(records[4].error.ok());
  EXPECT_THAT(records[4].fields, ElementsAre("fine", "4"));
  EXPECT_EQ(records[4].line, 5);
}

TEST(CsvTest, InvalidUtf8IsARecordError) {
  // "信号" in GBK, as an old Excel might save it.
  auto records = MustParse("a,b\nx,\xD0\xC5\xBA\xC5\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[1].error.message(), HasSubstr("field 2: not valid UTF-8"));
}

TEST(CsvTest, UnclosedQuoteRefusesTheFileNamingWhereItOpened) {
  absl::StatusOr<std::vector<CsvRecord>> records =
      ParseCsv("a,b\nx,1\ny,\"未闭合\nz,3\n");
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(records.status().message(), HasSubstr("line 3"));
}

TEST(CsvTest, EmptyInput) {
  EXPECT_TRUE(MustParse("").empty());
  EXPECT_TRUE(MustParse("\xEF\xBB\xBF").empty());
}

}  // namespace
}  // namespace cs::csctl
