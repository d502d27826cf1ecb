#include "services/knowledge_base/domain/token_cache.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/knowledge_base/domain/search_index.h"

namespace cs::kb {
namespace {

TEST(TokenCacheTest, KeepsTheTokensOfAKeyAndHighlightsAsBefore) {
  TokenCache cache(4);
  const std::string body =
      "在家中手机信号只有一格，重启手机后信号弱的问题依旧。";
  TokenCache::Tokens first = cache.Get("articles/a@1.0#body", body);
  TokenCache::Tokens again = cache.Get("articles/a@1.0#body", body);
  EXPECT_EQ(first.get(), again.get());  // segmented once
  ASSERT_EQ(first->size(), Tokenize(body).size());
  const std::vector<std::string> terms = DistinctTerms("信号弱");
  EXPECT_EQ(Highlight(body, *first, terms, 120), Highlight(body, terms, 120));
  EXPECT_NE(Highlight(body, *first, terms, 120).find("【"), std::string::npos);
}

TEST(TokenCacheTest, EvictsTheLeastRecentlyUsed) {
  TokenCache cache(2);
  TokenCache::Tokens a = cache.Get("a", "工单");
  cache.Get("b", "投诉");
  EXPECT_EQ(cache.Get("a", "工单").get(), a.get());  // a is now most recent
  cache.Get("c", "知识库");                          // evicts b
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Get("a", "工单").get(), a.get());
  TokenCache::Tokens b = cache.Get("b", "投诉");  // segmented again
  EXPECT_EQ(b->size(), Tokenize("投诉").size());
  EXPECT_EQ(cache.size(), 2u);
}

TEST(TokenCacheTest, ZeroCapacityKeepsNothing) {
  TokenCache cache(0);
  TokenCache::Tokens one = cache.Get("k", "退款未到账");
  EXPECT_NE(one.get(), cache.Get("k", "退款未到账").get());
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace cs::kb
