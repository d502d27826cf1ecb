// A deterministic synthetic knowledge base for benchmarks: Chinese
// customer-service articles (telecom and e-commerce problems such as
// 手机信号弱, 退款, 物流) assembled from word lists, with some English product
// names and numbers (WiFi, 5G, iPhone 15, order numbers, hotlines).
//
//   CorpusArticle a = GenerateArticle(42);   // the same text on every machine
//
// Article i depends only on i (its own splitmix64 stream), so any range of
// the corpus can be generated independently and reproduced exactly.
#ifndef CS_SERVICES_KNOWLEDGE_BASE_BENCH_CORPUS_H_
#define CS_SERVICES_KNOWLEDGE_BASE_BENCH_CORPUS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace cs::kb::bench {

struct CorpusArticle {
  std::string title;
  std::string body;  // plain text, ~150–400 characters
  std::vector<std::string> tags;
};

CorpusArticle GenerateArticle(uint64_t index);

// Non-empty, non-comment ('#') lines of a query file; NOT_FOUND when it
// cannot be read, INVALID_ARGUMENT when it holds no query.
absl::StatusOr<std::vector<std::string>> LoadQueries(const std::string& path);

// `count` queries built from the same word lists as the articles.
std::vector<std::string> GenerateQueries(size_t count);

}  // namespace cs::kb::bench

#endif  // CS_SERVICES_KNOWLEDGE_BASE_BENCH_CORPUS_H_
