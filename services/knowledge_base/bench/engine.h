// The search engines kb-search-bench compares on the same corpus and
// queries: the knowledge base's own index (services/knowledge_base/domain)
// and, when the build found it, Xapian 1.4 as the baseline.
//
//   std::unique_ptr<SearchEngine> e = MakeKbEngine();
//   e->Index(corpus);                        // timed by the caller
//   size_t hits = e->Search("手机信号弱", 10); // ids of the best 10
#ifndef CS_SERVICES_KNOWLEDGE_BASE_BENCH_ENGINE_H_
#define CS_SERVICES_KNOWLEDGE_BASE_BENCH_ENGINE_H_

#include <memory>
#include <string>
#include <vector>

#include "services/knowledge_base/bench/corpus.h"

namespace cs::kb::bench {

class SearchEngine {
 public:
  virtual ~SearchEngine() = default;
  virtual std::string name() const = 0;
  // Replaces the index with `corpus` (document i = corpus[i]).
  virtual void Index(const std::vector<CorpusArticle>& corpus) = 0;
  // Ranks the corpus for `query` and reads the ids of the best `top`
  // documents; returns the total number of matches found.
  virtual size_t Search(const std::string& query, size_t top) = 0;
  // Adds one more document to a built index (the cost of one publish).
  virtual void AddOne(const CorpusArticle& article, size_t id) = 0;
};

// The knowledge base's SearchIndex (BM25, title ×2, ICU bigrams + words).
std::unique_ptr<SearchEngine> MakeKbEngine();

// Xapian with TermGenerator/QueryParser FLAG_CJK_NGRAM on a disk database in
// `dir` (wiped), title indexed with weight 2; nullptr when the build has no
// Xapian.
std::unique_ptr<SearchEngine> MakeXapianEngine(const std::string& dir);

}  // namespace cs::kb::bench

#endif  // CS_SERVICES_KNOWLEDGE_BASE_BENCH_ENGINE_H_
