// Text analysis for the knowledge-base search: normalisation and tokens.
//
// Normalisation, per code point: NFKC_Casefold (full-width → half-width,
// compatibility forms such as ① → 1, Latin case folded) and then ICU's
// "Traditional-Simplified" transliterator for Han characters, so 手機訊號 and
// 手机讯号, ＷｉＦｉ and wifi are the same text. Working per code point keeps a
// map from every normalised character back to the original one, which the
// highlighter needs.
//
// Tokens: CJK text gives overlapping character bigrams over every run of Han
// characters plus the words of ICU's dictionary-based word BreakIterator
// (words of one character and of three or more; two-character words are
// already bigrams). Latin words and numbers are single tokens. Punctuation,
// spaces, symbols and emoji give no token.
//
//   std::vector<Token> t = Tokenize("手机信号弱 WiFi 5G");
//   // 手机 机信 信号 号弱 弱 wifi 5g   (terms; order by position)
//
// Thread-safe (ICU objects are per thread). Input should be valid UTF-8;
// invalid bytes are treated as U+FFFD and give no token (the API rejects
// invalid UTF-8 before it gets here).
#ifndef CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_TOKENIZER_H_
#define CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_TOKENIZER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cs::kb {

struct NormalizedText {
  std::u32string chars;
  // origin[i] = index (in code points) of the original character that
  // produced chars[i].
  std::vector<uint32_t> origin;
};

// The normalised form of `text` (see the file comment).
NormalizedText Normalize(absl::string_view text);

// Normalised text as UTF-8 (e.g. to key query logs).
std::string NormalizeToString(absl::string_view text);

struct Token {
  std::string term;  // UTF-8, normalised
  // [begin, end) in code points of the ORIGINAL text.
  uint32_t begin = 0;
  uint32_t end = 0;
  // A word of the segmenter (Latin words and numbers, Han words of any
  // length), not a character pair across two words (号不 in 信号不好).
  bool word = false;
};

// Tokens of `text` in order of position.
std::vector<Token> Tokenize(absl::string_view text);

// Distinct terms of `text`, first occurrence order.
std::vector<std::string> DistinctTerms(absl::string_view text);

// Whether `term` (normalised) says how a question is asked rather than what
// it is about: question words, negations and modifiers (怎么, 如何, 不好,
// 没有 …) and every single Han character (ICU's one-character words: 的,
// 了, 不 …). Such terms do not decide whether a document matches.
bool IsFunctionTerm(absl::string_view term);

}  // namespace cs::kb

#endif  // CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_TOKENIZER_H_
