#include "services/knowledge_base/domain/synonyms.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "libs/common/config_lines.h"
#include "libs/common/utf8.h"
#include "services/knowledge_base/domain/tokenizer.h"

namespace cs::kb {
namespace {

bool IsAsciiAlnum(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c));
}

// Bytes of the character at `lead` (1 for a stray byte).
size_t SequenceLength(char lead) {
  return std::max<size_t>(1, Utf8SequenceLength(lead));
}

// The first character of `text` (a whole UTF-8 sequence where there is one).
absl::string_view FirstChar(absl::string_view text) {
  return text.substr(0, std::min(text.size(), SequenceLength(text[0])));
}

// Whether `phrase` occurs in `text` at byte `at`; a Latin word or number
// must occur as a whole (ip is not in vip), Han text anywhere (it has no
// spaces).
bool PhraseAt(absl::string_view text, size_t at, absl::string_view phrase) {
  if (text.substr(at, phrase.size()) != phrase) return false;
  const size_t end = at + phrase.size();
  const bool starts_inside_word =
      at > 0 && IsAsciiAlnum(phrase.front()) && IsAsciiAlnum(text[at - 1]);
  const bool ends_inside_word = end < text.size() &&
                                IsAsciiAlnum(phrase.back()) &&
                                IsAsciiAlnum(text[end]);
  return !starts_inside_word && !ends_inside_word;
}

}  // namespace

absl::StatusOr<SynonymTable> SynonymTable::Parse(absl::string_view text) {
  SynonymTable table;
  // Normalised phrase → the line of the group that holds it.
  absl::flat_hash_map<std::string, int> line_of;
  for (const ConfigLine& config_line : ConfigLines(text)) {
    const absl::string_view line = config_line.text;
    const int line_number = config_line.number;
    auto fail = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": ", why));
    };
    if (!IsValidUtf8(line)) return fail("not valid UTF-8");
    const std::string separated =
        absl::StrReplaceAll(line, {{"，", " "}, {"、", " "}, {",", " "}});
    Group group;
    for (absl::string_view raw : absl::StrSplit(
             separated, absl::ByAnyChar(" \t\r"), absl::SkipEmpty())) {
      std::string phrase = NormalizeToString(raw);
      if (absl::c_linear_search(group.phrases, phrase)) continue;
      std::vector<std::string> terms = DistinctTerms(phrase);
      if (terms.empty()) {
        return fail(absl::StrCat("\"", raw, "\" gives no search term"));
      }
      if (absl::c_all_of(terms, [](const std::string& term) {
            return IsFunctionTerm(term);
          })) {
        return fail(absl::StrCat("\"", raw,
                                 "\" holds only function words or single "
                                 "characters, which match almost any query"));
      }
      if (auto earlier = line_of.find(phrase); earlier != line_of.end()) {
        return fail(absl::StrCat(
            "\"", raw, "\" is already in the group of line ", earlier->second));
      }
      group.phrases.push_back(std::move(phrase));
      group.phrase_terms.push_back(std::move(terms));
    }
    if (group.phrases.empty()) continue;
    if (group.phrases.size() < 2) {
      return fail("a group needs at least two phrases");
    }
    for (size_t i = 0; i < group.phrases.size(); ++i) {
      const std::string& phrase = group.phrases[i];
      line_of.emplace(phrase, line_number);
      table.by_first_char_[FirstChar(phrase)].push_back(
          {table.groups_.size(), i, phrase});
    }
    table.groups_.push_back(std::move(group));
  }
  return table;
}

std::vector<std::string> SynonymTable::Group::terms() const {
  std::vector<std::string> all;
  for (const std::vector<std::string>& phrase : phrase_terms) {
    for (const std::string& term : phrase) {
      if (!absl::c_linear_search(all, term)) all.push_back(term);
    }
  }
  return all;
}

std::vector<SynonymTable::GroupMatch> SynonymTable::GroupsIn(
    absl::string_view normalized_query) const {
  struct Occurrence {
    const PhraseRef* ref;
    size_t begin, end;
  };
  // One lookup per character of the query: the phrases starting with it.
  std::vector<Occurrence> occurrences;
  for (size_t at = 0; at < normalized_query.size();
       at += SequenceLength(normalized_query[at])) {
    auto it = by_first_char_.find(FirstChar(normalized_query.substr(at)));
    if (it == by_first_char_.end()) continue;
    for (const PhraseRef& ref : it->second) {
      if (PhraseAt(normalized_query, at, ref.phrase)) {
        occurrences.push_back({&ref, at, at + ref.phrase.size()});
      }
    }
  }
  std::map<size_t, GroupMatch> matches;  // by group index: file order
  for (const Occurrence& o : occurrences) {
    const bool inside_longer =
        absl::c_any_of(occurrences, [&](const Occurrence& other) {
          return other.ref->group != o.ref->group && other.begin <= o.begin &&
                 o.end <= other.end &&
                 other.end - other.begin > o.end - o.begin;
        });
    if (inside_longer) continue;
    const Group& group = groups_[o.ref->group];
    GroupMatch& match = matches[o.ref->group];
    match.group = &group;
    match.in_query.resize(group.phrases.size(), false);
    match.in_query[o.ref->index] = true;
  }
  std::vector<GroupMatch> found;
  found.reserve(matches.size());
  for (auto& [index, match] : matches) found.push_back(std::move(match));
  return found;
}

absl::StatusOr<SynonymTable> LoadSynonymsFile(absl::string_view path) {
  return ParseConfigFile(path, &SynonymTable::Parse);
}

}  // namespace cs::kb
