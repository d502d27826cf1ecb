#include "services/knowledge_base/bench/corpus.h"

#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/utf8.h"

namespace cs::kb::bench {
namespace {

TEST(CorpusTest, ArticlesAreDeterministicVariedChineseText) {
  EXPECT_EQ(GenerateArticle(7).title, GenerateArticle(7).title);
  EXPECT_EQ(GenerateArticle(7).body, GenerateArticle(7).body);
  std::set<std::string> titles;
  for (uint64_t i = 0; i < 200; ++i) {
    CorpusArticle a = GenerateArticle(i);
    EXPECT_TRUE(IsValidUtf8(a.title)) << i;
    EXPECT_TRUE(IsValidUtf8(a.body)) << i;
    EXPECT_GE(CharLength(a.body), 40u) << a.body;
    EXPECT_EQ(a.tags.size(), 2u);
    titles.insert(a.title);
  }
  EXPECT_GT(titles.size(), 150u);
}

TEST(CorpusTest, MissingQueryFileIsAnError) {
  EXPECT_EQ(LoadQueries("/nonexistent/queries.txt").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(GenerateQueries(30).size(), 30u);
}

}  // namespace
}  // namespace cs::kb::bench
