// The knowledge-base Chinese tokenizer: any bytes are tokenized without
// crashing; for valid UTF-8, every token is non-empty valid UTF-8 with a
// position inside the original text, in order of position.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_input.h"
#include "libs/common/utf8.h"
#include "services/knowledge_base/domain/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // articles are long, but speed finds more
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::vector<cs::kb::Token> tokens = cs::kb::Tokenize(text);
  const cs::kb::NormalizedText normalized = cs::kb::Normalize(text);
  FUZZ_CHECK(normalized.chars.size() == normalized.origin.size());
  (void)cs::kb::DistinctTerms(text);
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
