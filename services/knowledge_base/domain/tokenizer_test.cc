#include "services/knowledge_base/domain/tokenizer.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cs::kb {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Not;

std::vector<std::string> Terms(const std::string& text) {
  std::vector<std::string> terms;
  for (const Token& t : Tokenize(text)) terms.push_back(t.term);
  return terms;
}

TEST(TokenizerTest, ChineseGivesBigramsAndSegmenterWords) {
  std::vector<std::string> terms = Terms("手机信号弱");
  EXPECT_THAT(terms, Contains("手机"));
  EXPECT_THAT(terms, Contains("机信"));
  EXPECT_THAT(terms, Contains("信号"));
  EXPECT_THAT(terms, Contains("号弱"));
}

TEST(TokenizerTest, LongDictionaryWordsAreKept) {
  EXPECT_THAT(Terms("中华人民共和国"), Contains("共和国"));
}

TEST(TokenizerTest, MixedChineseEnglishNumbers) {
  std::vector<std::string> terms = Terms("iPhone 15 的5G信号，WiFi-6 连接");
  EXPECT_THAT(terms, Contains("iphone"));
  EXPECT_THAT(terms, Contains("15"));
  EXPECT_THAT(terms, Contains("wifi"));
  EXPECT_THAT(terms, Contains("信号"));
  EXPECT_THAT(terms, Contains("连接"));
  EXPECT_THAT(terms, Not(Contains("，")));
  EXPECT_THAT(terms, Not(Contains("-")));
}

TEST(TokenizerTest, FullWidthAndCaseAreFolded) {
  EXPECT_EQ(Terms("ＷｉＦｉ　５Ｇ"), Terms("wifi 5g"));
}

TEST(TokenizerTest, TraditionalMatchesSimplified) {
  EXPECT_EQ(NormalizeToString("手機訊號"), NormalizeToString("手机讯号"));
  EXPECT_THAT(Terms("手機訊號弱"), Contains("手机"));
}

TEST(TokenizerTest, PunctuationAndEmojiGiveNoTokens) {
  EXPECT_THAT(Terms("！？。，、…… 😀👍 ~~ ***"), IsEmpty());
  std::vector<std::string> terms = Terms("信号😀好");
  EXPECT_THAT(terms, Not(Contains("号好")));  // emoji breaks the run
}

TEST(TokenizerTest, OffsetsPointIntoTheOriginalText) {
  std::vector<Token> tokens = Tokenize("ＡＢ 手機");
  ASSERT_FALSE(tokens.empty());
  EXPECT_EQ(tokens.front().term, "ab");
  EXPECT_EQ(tokens.front().begin, 0u);
  EXPECT_EQ(tokens.front().end, 2u);
  EXPECT_EQ(tokens.back().term, "手机");
  EXPECT_EQ(tokens.back().begin, 3u);
  EXPECT_EQ(tokens.back().end, 5u);
}

TEST(TokenizerTest, InvalidUtf8NeverCrashes) {
  std::vector<std::string> terms = Terms(std::string("ab\xff\xfe信号", 7));
  EXPECT_THAT(terms, Contains("ab"));
}

}  // namespace
}  // namespace cs::kb
