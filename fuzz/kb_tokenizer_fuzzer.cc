// The knowledge-base Chinese tokenizer: any bytes are tokenized without
// crashing; for valid UTF-8, every token is non-empty valid UTF-8 with a
// position inside the original text, in order of position. The same bytes
// as a synonyms file: parsing never crashes, a parsed group has two or more
// phrases each with terms, and a search expanded with it (the bytes as the
// query) returns no more hits than it counts.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_input.h"
#include "libs/common/utf8.h"
#include "services/knowledge_base/domain/search_index.h"
#include "services/knowledge_base/domain/synonyms.h"
#include "services/knowledge_base/domain/tokenizer.h"

namespace {

void CheckSynonyms(const std::string& text) {
  absl::StatusOr<cs::kb::SynonymTable> table =
      cs::kb::SynonymTable::Parse(text);
  if (!table.ok()) return;
  for (const cs::kb::SynonymTable::GroupMatch& match :
       table->GroupsIn(cs::kb::NormalizeToString(text))) {
    const cs::kb::SynonymTable::Group* group = match.group;
    FUZZ_CHECK(match.in_query.size() == group->phrases.size());
    FUZZ_CHECK(group->phrases.size() >= 2);
    FUZZ_CHECK(group->phrase_terms.size() == group->phrases.size());
    for (const auto& terms : group->phrase_terms) FUZZ_CHECK(!terms.empty());
  }
  static const cs::kb::SearchIndex* const index = [] {
    auto* built = new cs::kb::SearchIndex();
    cs::kb::IndexedDoc refund;
    refund.article = "articles/refund";
    refund.title = "如何申请退款";
    refund.plain_body = "进入订单页面，点击申请退款。WiFi 设置";
    built->Reset({cs::kb::MakeIndexedDoc(std::move(refund))});
    return built;
  }();
  const cs::kb::SearchResult result = index->Snapshot()->Search(
      {.text = text, .limit = 5, .synonyms = &*table});
  FUZZ_CHECK(result.hits.size() <= result.total);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // articles are long, but speed finds more
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::vector<cs::kb::Token> tokens = cs::kb::Tokenize(text);
  const cs::kb::NormalizedText normalized = cs::kb::Normalize(text);
  FUZZ_CHECK(normalized.chars.size() == normalized.origin.size());
  (void)cs::kb::DistinctTerms(text);
  CheckSynonyms(text);
  if (!cs::IsValidUtf8(text)) return 0;
  const size_t code_points = cs::CharLength(text);
  uint32_t previous_begin = 0;
  for (const cs::kb::Token& token : tokens) {
    FUZZ_CHECK(!token.term.empty());
    FUZZ_CHECK(cs::IsValidUtf8(token.term));
    FUZZ_CHECK(token.begin < token.end);
    FUZZ_CHECK(token.end <= code_points);
    FUZZ_CHECK(token.begin >= previous_begin);
    previous_begin = token.begin;
  }
  for (uint32_t origin : normalized.origin) FUZZ_CHECK(origin < code_points);
  return 0;
}
