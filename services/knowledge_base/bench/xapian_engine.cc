// The Xapian baseline; compiled only when the build found xapian-core
// (CS_HAVE_XAPIAN), else MakeXapianEngine answers nullptr.
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/knowledge_base/bench/engine.h"

#ifdef CS_HAVE_XAPIAN
#include <xapian.h>
#endif

namespace cs::kb::bench {

#ifdef CS_HAVE_XAPIAN
namespace {

class XapianEngine final : public SearchEngine {
 public:
  explicit XapianEngine(std::string dir) : dir_(std::move(dir)) {}
  std::string name() const override { return "xapian"; }

  void Index(const std::vector<CorpusArticle>& corpus) override {
    reader_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
    // One flush at the end, as a bulk load would do; no fsync, since the
    // index it is compared with lives in memory.
    setenv("XAPIAN_FLUSH_THRESHOLD", "1000000", 1);
    db_ = std::make_unique<Xapian::WritableDatabase>(
        dir_, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
    generator_.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
    for (size_t i = 0; i < corpus.size(); ++i) Add(corpus[i], i);
    db_->commit();
    Reopen();
  }

  size_t Search(const std::string& query, size_t top) override {
    Xapian::QueryParser parser;
    parser.set_database(*reader_);
    Xapian::Query q = parser.parse_query(
        query, Xapian::QueryParser::FLAG_DEFAULT |
                   Xapian::QueryParser::FLAG_CJK_NGRAM);
    Xapian::Enquire enquire(*reader_);
    enquire.set_query(q);
    Xapian::MSet mset = enquire.get_mset(0, top);
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
      sink_ += *it;
    }
    return mset.get_matches_estimated();
  }

  void AddOne(const CorpusArticle& article, size_t id) override {
    Add(article, id);
    db_->commit();
    Reopen();
  }

 private:
  void Add(const CorpusArticle& a, size_t id) {
    Xapian::Document doc;
    generator_.set_document(doc);
    generator_.index_text(a.title, 2);  // title weighted ×2, as ours
    generator_.increase_termpos();
    generator_.index_text(a.body);
    doc.set_data(absl::StrCat("articles/", id));
    db_->add_document(doc);
  }
  void Reopen() { reader_ = std::make_unique<Xapian::Database>(dir_); }

  const std::string dir_;
  std::unique_ptr<Xapian::WritableDatabase> db_;
  std::unique_ptr<Xapian::Database> reader_;
  Xapian::TermGenerator generator_;
  size_t sink_ = 0;
};

}  // namespace

std::unique_ptr<SearchEngine> MakeXapianEngine(const std::string& dir) {
  return std::make_unique<XapianEngine>(dir);
}
#else
std::unique_ptr<SearchEngine> MakeXapianEngine(const std::string&) {
  return nullptr;
}
#endif

}  // namespace cs::kb::bench
