// UTF-8 helpers for validating text fields: validity, lengths in characters
// (Unicode code points, not bytes) and control characters.
//
//   cs::IsValidUtf8("手机信号弱");      // true
//   cs::CharLength("手机信号弱");       // 5 (15 bytes)
//   cs::Utf8Prefix("张三丰", 1);        // "张"
//
// All functions are pure and thread-safe.
#ifndef CS_LIBS_COMMON_UTF8_H_
#define CS_LIBS_COMMON_UTF8_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cs {

// True when `text` is well-formed UTF-8: no overlong forms, no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequences.
bool IsValidUtf8(absl::string_view text);

// Number of code points in `text`. Precondition: IsValidUtf8(text); on
// invalid input every byte that does not start a valid sequence counts as
// one character (never crashes).
size_t CharLength(absl::string_view text);

// The code points of `text`; invalid bytes decode as U+FFFD.
std::vector<char32_t> DecodeUtf8(absl::string_view text);

// The first `max_chars` code points of `text` (all of it when shorter),
// never splitting a sequence.
std::string Utf8Prefix(absl::string_view text, size_t max_chars);

// Bytes of the UTF-8 sequence that `lead` starts: 1 for ASCII, 2–4 for a
// lead byte (by its high bits alone; the sequence may still be invalid), 0
// for a continuation byte or 0xF8–0xFF.
size_t Utf8SequenceLength(char lead);

// True when `text` contains a control character (C0 except those allowed
// below, DEL, C1) or U+2028/U+2029. With `allow_newlines`, '\n', '\r' and
// '\t' are allowed (multi-line text).
bool HasControlChars(absl::string_view text, bool allow_newlines);

// What validators need to know about a text field, found in one pass (the
// separate functions above each decode the whole text again).
struct Utf8Scan {
  bool valid = true;   // == IsValidUtf8(text)
  size_t chars = 0;    // == CharLength(text)
  bool control = false;                   // == HasControlChars(text, false)
  bool control_besides_newlines = false;  // == HasControlChars(text, true)
};
Utf8Scan ScanUtf8(absl::string_view text);

// True for a CJK unified ideograph (Han character, incl. extension A and the
// supplementary-plane extensions).
bool IsHan(char32_t c);

}  // namespace cs

#endif  // CS_LIBS_COMMON_UTF8_H_
