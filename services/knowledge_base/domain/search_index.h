// In-memory inverted index of the published articles with BM25 ranking.
//
// The index is a sequence of immutable snapshots: a search takes the current
// snapshot (a shared_ptr copy under a short mutex) and never waits for a
// writer; Upsert/Remove build a new snapshot from the previous one and swap
// it in. Writers are serialised among themselves. The index is rebuilt from
// the store at start (see KbApp::Create) — there is no second copy on disk
// that could disagree with the articles.
//
//   SearchIndex index;
//   index.Upsert(MakeIndexedDoc(...));
//   SearchResult r = index.Snapshot()->Search({.text = "手机信号弱"});
//
// Scoring: per query term t (distinct), idf(t) = ln(1 + (N - df + 0.5) /
// (df + 0.5)); per field f (title, body) the BM25 saturation
// tf·(k1+1) / (tf + k1·(1 - b + b·len/avglen)) with k1 = 1.2, b = 0.75;
// score = Σ idf(t)·(body(t) + title_boost·title(t)). A document must hold
// at least half of the query's distinct content terms (rounded up): every
// term but function words (怎么, 不好, single Han characters) and the
// character pairs across two words that no document holds (号不 in
// 信号不好); a query without content terms counts all its terms. So a
// single shared pair or a question word does not make a result, and
// 信号不好 or 怎么退款 still find the article their content word names.
// With synonyms (SearchQuery::synonyms), a synonym group the query names
// counts as one content unit instead of the query's terms its phrase
// covers, held by a document holding every term of one of its phrases. It
// is scored as one term: its idf counts the documents holding any of its
// phrases, a document's weight is that of the best term of the best phrase
// it holds, times kSynonymWeight when that phrase is not the query's own (a
// document saying 退钱 as the query does ranks above one saying 退款).
// Ties: article name ascending. Thread-safe.
//
// Cost: a snapshot stores per posting the document's BM25 weight without
// idf, so a search is one pass over the query terms' postings into a dense
// per-thread accumulator, then a partial sort of the best `limit`.
#ifndef CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_SEARCH_INDEX_H_
#define CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_SEARCH_INDEX_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "services/knowledge_base/domain/synonyms.h"
#include "services/knowledge_base/domain/tokenizer.h"

namespace cs::kb {

// One published article version as the index sees it.
struct IndexedDoc {
  std::string article;  // "articles/{id}"
  std::string version;  // "1.2"
  std::string title;
  std::string plain_body;  // body rendered to plain text
  std::string category;    // "categories/{id}"
  // The category and its ancestors (for the category filter).
  std::vector<std::string> category_ancestry;
  std::vector<std::string> category_path;  // display names
  std::vector<std::string> tags;
  std::string language;
  // Applicability; empty = every channel / customer type.
  std::vector<std::string> channels;
  std::vector<std::string> customer_types;
  // Filled by MakeIndexedDoc.
  absl::flat_hash_map<std::string, int> title_tf;
  absl::flat_hash_map<std::string, int> body_tf;
  int title_len = 0;
  int body_len = 0;
};

// Fills the term statistics of `doc` from its title and plain_body.
std::shared_ptr<const IndexedDoc> MakeIndexedDoc(IndexedDoc doc);

// Weight of a synonym phrase the query does not hold itself.
inline constexpr float kSynonymWeight = 0.8f;

struct SearchQuery {
  std::string text;
  std::string category;           // "" = any
  std::vector<std::string> tags;  // all required
  std::string language;           // "" = any; case-insensitive
  // The asker's channel and customer type: "" = any; else a document
  // matches when its list is empty or holds the value (case-insensitive).
  std::string channel;
  std::string customer_type;
  // A document must hold at least this fraction of the query's distinct
  // content terms (rounded up, at least one).
  double min_match_fraction = 0.5;
  // Only the best `limit` hits are ranked and returned (0 = all); `total`
  // still counts every match.
  size_t limit = 0;
  // Synonyms to expand the query with (synonyms.h); null = none. Must
  // outlive the call.
  const SynonymTable* synonyms = nullptr;
};

struct ScoredDoc {
  std::shared_ptr<const IndexedDoc> doc;
  double score = 0;
  // What to mark in this hit: the query's terms and the terms of the
  // synonym phrases the document holds that the query does not.
  std::vector<std::string> terms;
};

struct SearchResult {
  std::vector<std::string> terms;  // distinct query terms
  std::vector<ScoredDoc> hits;     // best first; at most query.limit
  size_t total = 0;                // every match (after filters)
};

class IndexSnapshot {
 public:
  IndexSnapshot() = default;
  explicit IndexSnapshot(
      std::map<std::string, std::shared_ptr<const IndexedDoc>> docs,
      double title_boost);

  SearchResult Search(const SearchQuery& query) const;
  size_t size() const { return docs_.size(); }
  const std::map<std::string, std::shared_ptr<const IndexedDoc>>& docs() const {
    return by_name_;
  }
  double title_boost() const { return title_boost_; }

 private:
  // One thing a document may hold towards a match: a query term, or a
  // synonym group the query names, held when a document holds every term
  // of one of its phrases.
  struct Unit {
    std::vector<std::vector<std::string>> alternatives;  // terms of each
    std::vector<bool> in_query;  // alternatives[i] is the query's own
    bool group = false;          // a synonym group (else one query term)
    bool deciding = false;       // counts towards min_match_fraction
  };
  // The units of a query whose segmenter words are `words` and distinct
  // terms `terms`.
  std::vector<Unit> QueryUnits(const SearchQuery& query,
                               const absl::flat_hash_set<std::string>& words,
                               const std::vector<std::string>& terms) const;

  // BM25 of the term in the document without the idf factor (which needs
  // the document frequency, the posting list's length): precomputed so a
  // query only multiplies and adds.
  struct Posting {
    uint32_t doc;
    float weight;
  };
  std::map<std::string, std::shared_ptr<const IndexedDoc>> by_name_;
  // In article name order, so a lower index wins a score tie.
  std::vector<std::shared_ptr<const IndexedDoc>> docs_;
  absl::flat_hash_map<std::string, std::vector<Posting>> postings_;
  double title_boost_ = 2.0;
};

class SearchIndex {
 public:
  explicit SearchIndex(double title_boost = 2.0);

  // The current snapshot; never null. Cheap; never blocks on a writer.
  std::shared_ptr<const IndexSnapshot> Snapshot() const;

  // Adds or replaces the document of doc->article.
  void Upsert(std::shared_ptr<const IndexedDoc> doc);
  // Adds or replaces several documents in one new snapshot.
  void UpsertAll(std::vector<std::shared_ptr<const IndexedDoc>> docs);
  // Removes `article`; no-op when absent.
  void Remove(const std::string& article);
  // Replaces everything (start-up).
  void Reset(std::vector<std::shared_ptr<const IndexedDoc>> docs);

 private:
  void Swap(std::map<std::string, std::shared_ptr<const IndexedDoc>> docs);

  const double title_boost_;
  absl::Mutex writer_mu_;  // serialises writers; held while building
  mutable absl::Mutex mu_;
  std::shared_ptr<const IndexSnapshot> current_ ABSL_GUARDED_BY(mu_);
};

// Plain text with the matches of `terms` wrapped in 【 】: the whole text
// when it has at most `max_chars` characters, else a window of about
// `max_chars` characters around the densest match ("…" marks cuts).
//
// A one-character term (the segmenter's single-character words: 重 of 重置)
// also occurs inside unrelated words (重启), so it is marked only where it
// touches a longer match (SIM + 卡), or when no longer term matched in the
// whole hit: pass `longer_match_elsewhere` = true when one matched in
// another field of the same hit (HasLongerMatch of the title).
std::string Highlight(const std::string& text,
                      const std::vector<std::string>& terms, size_t max_chars,
                      bool longer_match_elsewhere = false);
// The same with `tokens` = Tokenize(text), segmented earlier (TokenCache).
std::string Highlight(const std::string& text, const std::vector<Token>& tokens,
                      const std::vector<std::string>& terms, size_t max_chars,
                      bool longer_match_elsewhere = false);

// Whether `tokens` match a term of two or more characters.
bool HasLongerMatch(const std::vector<Token>& tokens,
                    const std::vector<std::string>& terms);

}  // namespace cs::kb

#endif  // CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_SEARCH_INDEX_H_
