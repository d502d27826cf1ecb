// Search synonyms (同义词): groups of phrases a customer and an article may
// use for the same thing, so 退钱 finds the article about 退款.
//
// File format (kb-server --synonyms-file, deploy/config/kb_synonyms.conf),
// UTF-8, one group per line, phrases separated by spaces, commas (, ，) or
// 、; '#' starts a comment:
//
//   退款 退钱 退费 返款     # refunds
//   WiFi 无线网络
//
// Phrases are compared in the search's normalised form (full-width and
// Traditional characters, Latin case: see tokenizer.h), so 退錢 and ＷＩＦＩ
// belong to the groups above too.
//
// A query that contains a phrase of a group (as normalised text) searches
// for every phrase of the group: they form one unit of the query, held by a
// document that holds every term of one of the phrases (search_index.h), so
// 移动电话 is not held by a text that only says 电话.
//
// Immutable after Parse; thread-safe.
#ifndef CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_SYNONYMS_H_
#define CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_SYNONYMS_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cs::kb {

class SynonymTable {
 public:
  // The empty table: no expansion.
  SynonymTable() = default;

  // INVALID_ARGUMENT naming the line for: invalid UTF-8, a group of fewer
  // than two distinct phrases, a phrase that gives no search term (only
  // punctuation) or only function terms (的, 怎么: IsFunctionTerm; they
  // would match almost any query), or a phrase already in an earlier group
  // (a phrase belongs to one group, so expansion is never ambiguous).
  static absl::StatusOr<SynonymTable> Parse(absl::string_view text);

  struct Group {
    std::vector<std::string> phrases;  // normalised, file order
    // phrase_terms[i] = the distinct terms of phrases[i].
    std::vector<std::vector<std::string>> phrase_terms;
    // The distinct terms of all the phrases.
    std::vector<std::string> terms() const;
  };

  struct GroupMatch {
    const Group* group;
    // in_query[i]: phrases[i] itself occurs in the query.
    std::vector<bool> in_query;
  };
  // The groups with a phrase occurring in `normalized_query`
  // (NormalizeToString of the query), in file order. An occurrence inside
  // a longer one of another group does not count: 手机卡 names the SIM-card
  // group, not also the phone group of 手机. One hash lookup per character
  // of the query, whatever the size of the table.
  std::vector<GroupMatch> GroupsIn(absl::string_view normalized_query) const;

  size_t size() const { return groups_.size(); }
  bool empty() const { return groups_.empty(); }

 private:
  struct PhraseRef {
    size_t group;        // index in groups_
    size_t index;        // in the group's phrases
    std::string phrase;  // normalised
  };
  std::vector<Group> groups_;
  // Phrases by their first character, so a query is matched with one
  // lookup per character whatever the size of the table.
  absl::flat_hash_map<std::string, std::vector<PhraseRef>> by_first_char_;
};

// Reads and parses `path`; errors name the file.
absl::StatusOr<SynonymTable> LoadSynonymsFile(absl::string_view path);

}  // namespace cs::kb

#endif  // CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_SYNONYMS_H_
