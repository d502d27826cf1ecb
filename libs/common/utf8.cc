#include "libs/common/utf8.h"

#include <cstdint>

namespace cs {
namespace {

// Decodes one code point at `text[*pos]`, advancing *pos. Returns -1 (and
// advances by one byte) when the bytes there are not a valid sequence.
int32_t DecodeOne(absl::string_view text, size_t* pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const size_t i = *pos;
  const uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    *pos = i + 1;
    return b0;
  }
  int len;
  int32_t cp;
  int32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    *pos = i + 1;
    return -1;
  }
  if (i + len > text.size()) {
    *pos = i + 1;
    return -1;
  }
  for (int k = 1; k < len; ++k) {
    const uint8_t b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      *pos = i + 1;
      return -1;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    *pos = i + 1;
    return -1;
  }
  *pos = i + len;
  return cp;
}

bool IsNewline(int32_t c) { return c == '\n' || c == '\r' || c == '\t'; }

bool IsControl(int32_t c) {
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0x2028 ||
         c == 0x2029;
}

}  // namespace

Utf8Scan ScanUtf8(absl::string_view text) {
  Utf8Scan scan;
  size_t pos = 0;
  while (pos < text.size()) {
    const int32_t c = DecodeOne(text, &pos);
    ++scan.chars;
    if (c < 0) {
      scan.valid = false;
    } else if (IsControl(c)) {
      scan.control = true;
      if (!IsNewline(c)) scan.control_besides_newlines = true;
    }
  }
  return scan;
}

bool IsValidUtf8(absl::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    if (DecodeOne(text, &pos) < 0) return false;
  }
  return true;
}

size_t Utf8SequenceLength(char lead) {
  const auto b = static_cast<uint8_t>(lead);
  if (b < 0x80) return 1;
  if ((b & 0xE0) == 0xC0) return 2;
  if ((b & 0xF0) == 0xE0) return 3;
  if ((b & 0xF8) == 0xF0) return 4;
  return 0;
}

size_t CharLength(absl::string_view text) {
  size_t pos = 0;
  size_t count = 0;
  while (pos < text.size()) {
    DecodeOne(text, &pos);
    ++count;
  }
  return count;
}

std::vector<char32_t> DecodeUtf8(absl::string_view text) {
  std::vector<char32_t> out;
  size_t pos = 0;
  while (pos < text.size()) {
    const int32_t cp = DecodeOne(text, &pos);
    out.push_back(cp < 0 ? U'\uFFFD' : static_cast<char32_t>(cp));
  }
  return out;
}

std::string Utf8Prefix(absl::string_view text, size_t max_chars) {
  size_t pos = 0;
  for (size_t n = 0; n < max_chars && pos < text.size(); ++n) {
    DecodeOne(text, &pos);
  }
  return std::string(text.substr(0, pos));
}

bool HasControlChars(absl::string_view text, bool allow_newlines) {
  const Utf8Scan scan = ScanUtf8(text);
  return allow_newlines ? scan.control_besides_newlines : scan.control;
}

bool IsHan(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) ||    // CJK unified ideographs
         (c >= 0x3400 && c <= 0x4DBF) ||    // extension A
         (c >= 0x20000 && c <= 0x3134F) ||  // extensions B–G
         (c >= 0xF900 && c <= 0xFAFF);      // compatibility ideographs
}

}  // namespace cs
