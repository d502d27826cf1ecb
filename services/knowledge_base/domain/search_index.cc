#include "services/knowledge_base/domain/search_index.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/common/utf8.h"
#include "services/knowledge_base/domain/tokenizer.h"

namespace cs::kb {
namespace {

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;

double Saturate(int tf, int len, double avg_len) {
  if (tf <= 0) return 0;
  return tf * (kK1 + 1) / (tf + kK1 * (1 - kB + kB * len / avg_len));
}

// True when `values` is empty (applies to all) or holds `wanted`, ignoring
// ASCII case; `wanted` is already lower-case.
bool Applies(const std::vector<std::string>& values, const std::string& wanted) {
  if (wanted.empty() || values.empty()) return true;
  return std::any_of(values.begin(), values.end(), [&](const std::string& v) {
    return absl::AsciiStrToLower(v) == wanted;
  });
}

void CountTerms(const std::string& text,
                absl::flat_hash_map<std::string, int>& tf, int& len) {
  std::vector<Token> tokens = Tokenize(text);
  len = static_cast<int>(tokens.size());
  for (Token& t : tokens) ++tf[t.term];
}

}  // namespace

std::shared_ptr<const IndexedDoc> MakeIndexedDoc(IndexedDoc doc) {
  doc.title_tf.clear();
  doc.body_tf.clear();
  CountTerms(doc.title, doc.title_tf, doc.title_len);
  CountTerms(doc.plain_body, doc.body_tf, doc.body_len);
  return std::make_shared<const IndexedDoc>(std::move(doc));
}

IndexSnapshot::IndexSnapshot(
    std::map<std::string, std::shared_ptr<const IndexedDoc>> docs,
    double title_boost)
    : by_name_(std::move(docs)), title_boost_(title_boost) {
  double title_total = 0, body_total = 0;
  docs_.reserve(by_name_.size());
  for (const auto& [name, doc] : by_name_) {
    docs_.push_back(doc);
    title_total += doc->title_len;
    body_total += doc->body_len;
  }
  const double avg_title =
      docs_.empty() ? 1 : std::max(1.0, title_total / docs_.size());
  const double avg_body =
      docs_.empty() ? 1 : std::max(1.0, body_total / docs_.size());
  for (uint32_t index = 0; index < docs_.size(); ++index) {
    const IndexedDoc& doc = *docs_[index];
    for (const auto& [term, tf] : doc.body_tf) {
      auto title = doc.title_tf.find(term);
      const int title_tf = title == doc.title_tf.end() ? 0 : title->second;
      postings_[term].push_back(
          {index, static_cast<float>(
                      Saturate(tf, doc.body_len, avg_body) +
                      title_boost_ * Saturate(title_tf, doc.title_len,
                                              avg_title))});
    }
    for (const auto& [term, tf] : doc.title_tf) {
      if (doc.body_tf.contains(term)) continue;
      postings_[term].push_back(
          {index, static_cast<float>(title_boost_ *
                                     Saturate(tf, doc.title_len, avg_title))});
    }
  }
}

std::vector<IndexSnapshot::Unit> IndexSnapshot::QueryUnits(
    const SearchQuery& query, const absl::flat_hash_set<std::string>& words,
    const std::vector<std::string>& terms) const {
  std::vector<Unit> units;
  // The query's terms its synonym phrases cover (the phrases it holds).
  absl::flat_hash_set<std::string> grouped;
  if (query.synonyms != nullptr && !query.synonyms->empty()) {
    for (const SynonymTable::GroupMatch& match :
         query.synonyms->GroupsIn(NormalizeToString(query.text))) {
      const SynonymTable::Group& group = *match.group;
      Unit unit{group.phrase_terms, match.in_query, /*group=*/true, false};
      for (size_t i = 0; i < group.phrases.size(); ++i) {
        for (const std::string& term : group.phrase_terms[i]) {
          if (match.in_query[i]) grouped.insert(term);
          unit.deciding = unit.deciding || !IsFunctionTerm(term);
        }
      }
      units.push_back(std::move(unit));
    }
  }
  // Every other term is a unit of its own; it decides unless it is a
  // function word (怎么, 不好, single characters) or a character pair across
  // two words that no document holds (号不 in 信号不好). A content word no
  // document holds still counts towards the query's size.
  for (const std::string& term : terms) {
    if (grouped.contains(term)) continue;
    units.push_back({{{term}},
                     {true},
                     /*group=*/false,
                     !IsFunctionTerm(term) &&
                         (words.contains(term) || postings_.contains(term))});
  }
  return units;
}

SearchResult IndexSnapshot::Search(const SearchQuery& query) const {
  SearchResult result;
  // The query's distinct terms, and which of them are segmenter words.
  absl::flat_hash_set<std::string> words;
  {
    absl::flat_hash_set<std::string> seen_terms;
    for (Token& token : Tokenize(query.text)) {
      if (token.word) words.insert(token.term);
      if (seen_terms.insert(token.term).second) {
        result.terms.push_back(std::move(token.term));
      }
    }
  }
  if (result.terms.empty() || docs_.empty()) return result;
  const double n = static_cast<double>(docs_.size());
  // Dense accumulators, reused by the thread's next search (left zeroed).
  thread_local std::vector<float> score;
  thread_local std::vector<uint16_t> matched;    // deciding units held
  thread_local std::vector<uint32_t> last_unit;  // 1 + the last unit counted
  thread_local std::vector<uint8_t> seen;
  thread_local std::vector<uint32_t> touched;
  if (score.size() < docs_.size()) {
    score.resize(docs_.size(), 0);
    matched.resize(docs_.size(), 0);
    last_unit.resize(docs_.size(), 0);
    seen.resize(docs_.size(), 0);
  }
  touched.clear();
  std::vector<Unit> units = QueryUnits(query, words, result.terms);
  // The synonym phrases (not the query's own) each document holds, for its
  // highlighting.
  absl::flat_hash_map<uint32_t, std::vector<const std::vector<std::string>*>>
      held_synonyms;
  // Whether a document matches is decided by the query's content units. A
  // query with no content unit is decided by all its units.
  size_t deciding =
      absl::c_count_if(units, [](const Unit& u) { return u.deciding; });
  if (deciding == 0) {
    for (Unit& unit : units) unit.deciding = true;
    deciding = units.size();
  }
  auto idf_of = [n](const std::vector<Posting>& postings) {
    const double df = static_cast<double>(postings.size());
    return static_cast<float>(std::log(1 + (n - df + 0.5) / (df + 0.5)));
  };
  for (size_t u = 0; u < units.size(); ++u) {
    const uint32_t stamp = static_cast<uint32_t>(u + 1);
    auto hold = [&](uint32_t doc, float add) {
      if (seen[doc] == 0) {
        seen[doc] = 1;
        touched.push_back(doc);
      }
      if (units[u].deciding && last_unit[doc] != stamp) {
        last_unit[doc] = stamp;
        ++matched[doc];
      }
      score[doc] += add;
    };
    const Unit& unit = units[u];
    if (!unit.group) {  // one query term: every posting holds it
      auto it = postings_.find(unit.alternatives[0][0]);
      if (it == postings_.end()) continue;
      const float idf = idf_of(it->second);
      for (const Posting& p : it->second) hold(p.doc, idf * p.weight);
      continue;
    }
    // A synonym group is one term: its idf counts the documents holding
    // any of its phrases whole, and a document's weight is that of the
    // best term of the best phrase it holds.
    absl::flat_hash_map<uint32_t, float> best;
    for (size_t a = 0; a < unit.alternatives.size(); ++a) {
      const std::vector<std::string>& phrase = unit.alternatives[a];
      const float weight = unit.in_query[a] ? 1.0f : kSynonymWeight;
      absl::flat_hash_map<uint32_t, std::pair<size_t, float>> held;
      for (const std::string& term : phrase) {
        auto it = postings_.find(term);
        if (it == postings_.end()) break;
        for (const Posting& p : it->second) {
          auto& [count, top] = held[p.doc];
          ++count;
          top = std::max(top, p.weight);
        }
      }
      for (const auto& [doc, count_and_top] : held) {
        if (count_and_top.first != phrase.size()) continue;
        float& b = best[doc];
        b = std::max(b, weight * count_and_top.second);
        if (!unit.in_query[a]) held_synonyms[doc].push_back(&phrase);
      }
    }
    const double df = static_cast<double>(best.size());
    const float idf =
        static_cast<float>(std::log(1 + (n - df + 0.5) / (df + 0.5)));
    for (const auto& [doc, w] : best) hold(doc, idf * w);
  }
  const int min_match = std::max(
      1,
      static_cast<int>(std::ceil(deciding * query.min_match_fraction - 1e-9)));
  const std::string language = absl::AsciiStrToLower(query.language);
  const std::string channel = absl::AsciiStrToLower(query.channel);
  const std::string customer_type = absl::AsciiStrToLower(query.customer_type);
  // Without filters no document is read here: reading each one's fields
  // would be a cache miss per matching document.
  const bool filtered = !query.category.empty() || !query.tags.empty() ||
                        !language.empty() || !channel.empty() ||
                        !customer_type.empty();
  std::vector<std::pair<float, uint32_t>> found;
  found.reserve(touched.size());
  for (uint32_t index : touched) {
    const float s = score[index];
    const int m = matched[index];
    score[index] = 0;
    matched[index] = 0;
    last_unit[index] = 0;
    seen[index] = 0;
    if (m < min_match) continue;
    if (!filtered) {
      found.emplace_back(s, index);
      continue;
    }
    const IndexedDoc& doc = *docs_[index];
    if (!query.category.empty() &&
        std::find(doc.category_ancestry.begin(), doc.category_ancestry.end(),
                  query.category) == doc.category_ancestry.end()) {
      continue;
    }
    bool tags_ok = true;
    for (const std::string& tag : query.tags) {
      if (std::find(doc.tags.begin(), doc.tags.end(), tag) == doc.tags.end()) {
        tags_ok = false;
        break;
      }
    }
    if (!tags_ok) continue;
    if (!language.empty() && absl::AsciiStrToLower(doc.language) != language) {
      continue;
    }
    if (!Applies(doc.channels, channel) ||
        !Applies(doc.customer_types, customer_type)) {
      continue;
    }
    found.emplace_back(s, index);
  }
  result.total = found.size();
  auto better = [](const std::pair<float, uint32_t>& a,
                   const std::pair<float, uint32_t>& b) {
    if (a.first != b.first) return a.first > b.first;
    return a.second < b.second;
  };
  const size_t keep = query.limit == 0 ? found.size()
                                       : std::min(query.limit, found.size());
  if (keep < found.size()) {
    std::nth_element(found.begin(), found.begin() + keep, found.end(), better);
  }
  std::sort(found.begin(), found.begin() + keep, better);
  result.hits.reserve(keep);
  for (size_t i = 0; i < keep; ++i) {
    ScoredDoc hit{docs_[found[i].second], found[i].first, result.terms};
    auto synonyms = held_synonyms.find(found[i].second);
    if (synonyms != held_synonyms.end()) {
      for (const std::vector<std::string>* phrase : synonyms->second) {
        for (const std::string& term : *phrase) {
          if (!absl::c_linear_search(hit.terms, term))
            hit.terms.push_back(term);
        }
      }
    }
    result.hits.push_back(std::move(hit));
  }
  return result;
}

SearchIndex::SearchIndex(double title_boost)
    : title_boost_(title_boost),
      current_(std::make_shared<const IndexSnapshot>()) {}

std::shared_ptr<const IndexSnapshot> SearchIndex::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

void SearchIndex::Swap(
    std::map<std::string, std::shared_ptr<const IndexedDoc>> docs) {
  auto next =
      std::make_shared<const IndexSnapshot>(std::move(docs), title_boost_);
  absl::MutexLock lock(&mu_);
  current_ = std::move(next);
}

void SearchIndex::Upsert(std::shared_ptr<const IndexedDoc> doc) {
  absl::MutexLock writer(&writer_mu_);
  auto docs = Snapshot()->docs();
  docs[doc->article] = std::move(doc);
  Swap(std::move(docs));
}

void SearchIndex::UpsertAll(
    std::vector<std::shared_ptr<const IndexedDoc>> docs) {
  if (docs.empty()) return;
  absl::MutexLock writer(&writer_mu_);
  auto by_name = Snapshot()->docs();
  for (auto& doc : docs) by_name[doc->article] = std::move(doc);
  Swap(std::move(by_name));
}

void SearchIndex::Remove(const std::string& article) {
  absl::MutexLock writer(&writer_mu_);
  auto docs = Snapshot()->docs();
  if (docs.erase(article) == 0) return;
  Swap(std::move(docs));
}

void SearchIndex::Reset(std::vector<std::shared_ptr<const IndexedDoc>> docs) {
  absl::MutexLock writer(&writer_mu_);
  std::map<std::string, std::shared_ptr<const IndexedDoc>> by_name;
  for (auto& doc : docs) by_name[doc->article] = std::move(doc);
  Swap(std::move(by_name));
}

namespace {

std::string EncodeRange(const std::vector<char32_t>& chars, size_t begin,
                        size_t end) {
  std::u32string s(chars.begin() + begin, chars.begin() + end);
  std::string out;
  for (char32_t c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

}  // namespace

std::string Highlight(const std::string& text,
                      const std::vector<std::string>& terms, size_t max_chars,
                      bool longer_match_elsewhere) {
  return Highlight(text, Tokenize(text), terms, max_chars,
                   longer_match_elsewhere);
}

bool HasLongerMatch(const std::vector<Token>& tokens,
                    const std::vector<std::string>& terms) {
  return absl::c_any_of(tokens, [&](const Token& t) {
    return t.end - t.begin > 1 && absl::c_linear_search(terms, t.term);
  });
}

std::string Highlight(const std::string& text, const std::vector<Token>& tokens,
                      const std::vector<std::string>& terms, size_t max_chars,
                      bool longer_match_elsewhere) {
  std::unordered_set<std::string> wanted(terms.begin(), terms.end());
  std::vector<char32_t> chars = DecodeUtf8(text);
  // Matched tokens; a one-character one only next to a longer match, or
  // when no longer term matched in the hit (then it is why it was found).
  std::vector<const Token*> longer, single;
  for (const Token& t : tokens) {
    if (wanted.count(t.term) == 0) continue;
    (t.end - t.begin == 1 ? single : longer).push_back(&t);
  }
  std::vector<const Token*> matches = longer;
  for (const Token* t : single) {
    const bool touches_longer = absl::c_any_of(longer, [t](const Token* l) {
      return t->begin <= l->end && l->begin <= t->end;
    });
    const bool alone = longer.empty() && !longer_match_elsewhere;
    if (alone || touches_longer) matches.push_back(t);
  }
  absl::c_sort(matches, [](const Token* a, const Token* b) {
    return a->begin < b->begin;
  });
  // Matched ranges, merged.
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  for (const Token* t : matches) {
    if (!ranges.empty() && t->begin <= ranges.back().second) {
      ranges.back().second = std::max(ranges.back().second, t->end);
    } else {
      ranges.emplace_back(t->begin, t->end);
    }
  }
  size_t begin = 0, end = chars.size();
  if (chars.size() > max_chars) {
    // Window starting a little before the range with most matches after it.
    size_t best_start = 0, best_count = 0;
    for (size_t i = 0; i < ranges.size(); ++i) {
      size_t count = 0;
      for (size_t j = i;
           j < ranges.size() && ranges[j].second <= ranges[i].first + max_chars;
           ++j) {
        count += ranges[j].second - ranges[j].first;
      }
      if (count > best_count) {
        best_count = count;
        best_start = ranges[i].first;
      }
    }
    begin = best_start > max_chars / 5 ? best_start - max_chars / 5 : 0;
    end = std::min(chars.size(), begin + max_chars);
  }
  std::string out;
  if (begin > 0) out += "…";
  size_t pos = begin;
  for (const auto& [rb, re] : ranges) {
    if (re <= begin || rb >= end) continue;
    size_t b = std::max<size_t>(rb, begin), e = std::min<size_t>(re, end);
    out += EncodeRange(chars, pos, b);
    absl::StrAppend(&out, "【", EncodeRange(chars, b, e), "】");
    pos = e;
  }
  out += EncodeRange(chars, pos, end);
  if (end < chars.size()) out += "…";
  return out;
}

}  // namespace cs::kb
