#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/knowledge_base/bench/engine.h"
#include "services/knowledge_base/domain/search_index.h"

namespace cs::kb::bench {
namespace {

std::shared_ptr<const IndexedDoc> ToDoc(const CorpusArticle& a, size_t id) {
  IndexedDoc doc;
  doc.article = absl::StrCat("articles/", id);
  doc.version = "1.0";
  doc.title = a.title;
  doc.plain_body = a.body;
  doc.category = "categories/bench";
  doc.category_ancestry = {doc.category};
  doc.tags = a.tags;
  doc.language = "zh-CN";
  return MakeIndexedDoc(std::move(doc));
}

class KbEngine final : public SearchEngine {
 public:
  std::string name() const override { return "cs"; }
  void Index(const std::vector<CorpusArticle>& corpus) override {
    index_ = std::make_unique<SearchIndex>();
    std::vector<std::shared_ptr<const IndexedDoc>> docs;
    docs.reserve(corpus.size());
    for (size_t i = 0; i < corpus.size(); ++i) {
      docs.push_back(ToDoc(corpus[i], i));
    }
    index_->Reset(std::move(docs));
  }
  size_t Search(const std::string& query, size_t top) override {
    // As KbApp::Search asks for one page: only the best `top` are ranked.
    SearchResult r = index_->Snapshot()->Search({.text = query, .limit = top});
    for (size_t i = 0; i < top && i < r.hits.size(); ++i) {
      sink_ += r.hits[i].doc->article.size();
    }
    return r.total;
  }
  void AddOne(const CorpusArticle& article, size_t id) override {
    index_->Upsert(ToDoc(article, id));
  }

 private:
  std::unique_ptr<SearchIndex> index_;
  size_t sink_ = 0;
};

}  // namespace

std::unique_ptr<SearchEngine> MakeKbEngine() {
  return std::make_unique<KbEngine>();
}

}  // namespace cs::kb::bench
