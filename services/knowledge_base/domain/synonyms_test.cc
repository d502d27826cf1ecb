#include "services/knowledge_base/domain/synonyms.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/files.h"
#include "services/knowledge_base/domain/tokenizer.h"

namespace cs::kb {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::vector<std::string>> PhrasesIn(const SynonymTable& table,
                                                const std::string& query) {
  std::vector<std::vector<std::string>> out;
  for (const SynonymTable::GroupMatch& m :
       table.GroupsIn(NormalizeToString(query))) {
    out.push_back(m.group->phrases);
  }
  return out;
}

TEST(SynonymTableTest, ParsesGroupsWithEverySeparator) {
  absl::StatusOr<SynonymTable> table = SynonymTable::Parse(
      "# 同义词\n退款 退钱，退费、返款   # refunds\n\nWiFi,无线网络\n");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->size(), 2u);
  EXPECT_THAT(PhrasesIn(*table, "我想退钱"),
              ElementsAre(ElementsAre("退款", "退钱", "退费", "返款")));
  EXPECT_THAT(PhrasesIn(*table, "连不上ＷＩＦＩ"),
              ElementsAre(ElementsAre("wifi", "无线网络")));
  EXPECT_THAT(PhrasesIn(*table, "手机信号弱"), IsEmpty());
}

TEST(SynonymTableTest, GroupsComeInFileOrderOncePerGroup) {
  std::string text = "退款 退钱\n密码 口令\n";
  for (int i = 0; i < 5000; ++i) {
    text += absl::StrCat("词", i, " 语", i, "\n");
  }
  SynonymTable table = *SynonymTable::Parse(text);
  EXPECT_EQ(table.size(), 5002u);
  EXPECT_THAT(
      PhrasesIn(table, "口令忘了，想退钱，退款"),
      ElementsAre(ElementsAre("退款", "退钱"), ElementsAre("密码", "口令")));
  EXPECT_THAT(PhrasesIn(table, "语4999"),
              ElementsAre(ElementsAre("词4999", "语4999")));
  EXPECT_THAT(PhrasesIn(table, "语49990"), IsEmpty());  // a whole number only
}

TEST(SynonymTableTest, TraditionalAndFullWidthFormsMatch) {
  SynonymTable table = *SynonymTable::Parse("退款 退钱\n");
  EXPECT_THAT(PhrasesIn(table, "怎麼退錢"),
              ElementsAre(ElementsAre("退款", "退钱")));
}

TEST(SynonymTableTest, LatinPhrasesMatchWholeWordsOnly) {
  SynonymTable table = *SynonymTable::Parse("ip 网络地址\n");
  EXPECT_THAT(PhrasesIn(table, "vip 客户"), IsEmpty());
  EXPECT_THAT(PhrasesIn(table, "ipad"), IsEmpty());
  EXPECT_THAT(PhrasesIn(table, "查看IP地址"),
              ElementsAre(ElementsAre("ip", "网络地址")));
}

TEST(SynonymTableTest, GroupTermsAreTheDistinctTermsOfItsPhrases) {
  SynonymTable table = *SynonymTable::Parse("手机信号 手机网络\n");
  const std::vector<SynonymTable::GroupMatch> groups =
      table.GroupsIn("手机信号差");
  ASSERT_EQ(groups.size(), 1u);
  const std::vector<std::string> terms = groups[0].group->terms();
  EXPECT_THAT(terms, ::testing::Contains("信号"));
  EXPECT_THAT(terms, ::testing::Contains("网络"));
  EXPECT_EQ(std::count(terms.begin(), terms.end(), "手机"), 1);
  EXPECT_THAT(groups[0].in_query, ElementsAre(true, false));
}

TEST(SynonymTableTest, RefusesBadLinesNamingThem) {
  EXPECT_THAT(SynonymTable::Parse("退款 退钱\n退货\n").status().message(),
              HasSubstr("line 2: a group needs at least two phrases"));
  EXPECT_THAT(SynonymTable::Parse("退款 退款\n").status().message(),
              HasSubstr("line 1: a group needs at least two phrases"));
  EXPECT_THAT(SynonymTable::Parse("退款 退钱\n退錢 返款\n").status().message(),
              HasSubstr("line 2: \"退錢\" is already in the group of line 1"));
  EXPECT_THAT(SynonymTable::Parse("退款 ！！\n").status().message(),
              HasSubstr("line 1: \"！！\" gives no search term"));
  EXPECT_THAT(SynonymTable::Parse("退款 \xe9\x80\n").status().message(),
              HasSubstr("line 1: not valid UTF-8"));
  EXPECT_TRUE(SynonymTable::Parse("# only comments\n\n").ok());
  EXPECT_THAT(SynonymTable::Parse("退款 退钱 的\n").status().message(),
              HasSubstr("line 1: \"的\" holds only function words"));
  EXPECT_THAT(SynonymTable::Parse("密码 怎么\n").status().message(),
              HasSubstr("\"怎么\" holds only function words"));
}

TEST(SynonymTableTest, APhraseInsideALongerOneOfAnotherGroupDoesNotCount) {
  SynonymTable table = *SynonymTable::Parse("手机 移动电话\nSIM卡 手机卡\n");
  EXPECT_THAT(PhrasesIn(table, "手机卡无法识别"),
              ElementsAre(ElementsAre("sim卡", "手机卡")));
  EXPECT_THAT(PhrasesIn(table, "手机和手机卡"),
              ElementsAre(ElementsAre("手机", "移动电话"),
                          ElementsAre("sim卡", "手机卡")));
}

TEST(SynonymTableTest, LoadsTheShippedFile) {
  absl::StatusOr<SynonymTable> shipped =
      LoadSynonymsFile(CS_SOURCE_DIR "/deploy/config/kb_synonyms.conf");
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  EXPECT_FALSE(shipped->empty());
  EXPECT_THAT(PhrasesIn(*shipped, "怎么退钱"), testing::SizeIs(1));
  EXPECT_EQ(LoadSynonymsFile("/nonexistent/kb_synonyms.conf").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cs::kb
