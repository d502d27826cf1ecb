#include "tools/csctl/table.h"

#include <algorithm>
#include <cstdint>

namespace cs::csctl {
namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes the code point starting at `*pos` and advances past it. Returns
// kInvalid (advancing one byte) for a malformed, overlong or truncated
// sequence or a surrogate.
char32_t DecodeNext(absl::string_view s, size_t* pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  uint8_t lead = byte(*pos);
  size_t length;
  char32_t cp;
  if (lead < 0x80) {
    ++*pos;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2;
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    cp = lead & 0x07;
  } else {
    ++*pos;
    return kInvalid;
  }
  if (*pos + length > s.size()) {
    ++*pos;
    return kInvalid;
  }
  for (size_t i = 1; i < length; ++i) {
    uint8_t next = byte(*pos + i);
    if ((next & 0xC0) != 0x80) {
      ++*pos;
      return kInvalid;
    }
    cp = (cp << 6) | (next & 0x3F);
  }
  static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[length] || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*pos;
    return kInvalid;
  }
  *pos += length;
  return cp;
}

bool InRange(char32_t cp, char32_t lo, char32_t hi) {
  return cp >= lo && cp <= hi;
}

bool IsControl(char32_t cp) { return cp < 0x20 || InRange(cp, 0x7F, 0x9F); }

// Combining marks and zero-width format characters: drawn on top of the
// previous character or not at all.
bool IsZeroWidth(char32_t cp) {
  return InRange(cp, 0x0300, 0x036F) || InRange(cp, 0x1AB0, 0x1AFF) ||
         InRange(cp, 0x1DC0, 0x1DFF) || InRange(cp, 0x200B, 0x200F) ||
         InRange(cp, 0x2060, 0x2064) || InRange(cp, 0x20D0, 0x20FF) ||
         InRange(cp, 0xFE00, 0xFE0F) || InRange(cp, 0xFE20, 0xFE2F) ||
         cp == 0xFEFF;
}

bool IsWide(char32_t cp) {
  return InRange(cp, 0x1100, 0x115F) || InRange(cp, 0x2E80, 0xA4CF) ||
         InRange(cp, 0xAC00, 0xD7A3) || InRange(cp, 0xF900, 0xFAFF) ||
         InRange(cp, 0xFE30, 0xFE4F) || InRange(cp, 0xFF00, 0xFF60) ||
         InRange(cp, 0xFFE0, 0xFFE6) || InRange(cp, 0x20000, 0x3FFFD);
}

void Pad(std::ostream& out, size_t n) {
  for (size_t i = 0; i < n; ++i) out.put(' ');
}

}  // namespace

size_t DisplayWidth(absl::string_view utf8) {
  size_t width = 0;
  size_t pos = 0;
  while (pos < utf8.size()) {
    char32_t cp = DecodeNext(utf8, &pos);
    if (cp == kInvalid) {
      width += 1;
    } else if (IsControl(cp) || IsZeroWidth(cp)) {
      // no column
    } else {
      width += IsWide(cp) ? 2 : 1;
    }
  }
  return width;
}

std::string SanitizeCell(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    char32_t cp = DecodeNext(text, &pos);
    if (cp != kInvalid && IsControl(cp)) {
      out.push_back(' ');
    } else {
      out.append(text.data() + start, pos - start);
    }
  }
  return out;
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::AddRow(std::vector<std::string> cells) {
  rows_.push_back(std::move(cells));
}

void Table::SetAlignment(size_t column, Alignment alignment) {
  if (alignments_.size() <= column) alignments_.resize(column + 1, kLeft);
  alignments_[column] = alignment;
}

void Table::Print(std::ostream& out) const {
  size_t columns = headers_.size();
  for (const auto& row : rows_) columns = std::max(columns, row.size());
  if (columns == 0) return;

  // Cells are sanitized once; widths follow the sanitized text.
  std::vector<std::vector<std::string>> lines;
  if (!headers_.empty()) lines.push_back(headers_);
  lines.insert(lines.end(), rows_.begin(), rows_.end());
  std::vector<size_t> widths(columns, 0);
  for (auto& line : lines) {
    line.resize(columns);
    for (size_t c = 0; c < columns; ++c) {
      line[c] = SanitizeCell(line[c]);
      widths[c] = std::max(widths[c], DisplayWidth(line[c]));
    }
  }
  for (const auto& line : lines) {
    // Trailing empty left-aligned cells would only add trailing spaces.
    size_t last = columns;
    while (last > 1 && line[last - 1].empty()) --last;
    for (size_t c = 0; c < last; ++c) {
      if (c > 0) out << "  ";
      size_t padding = widths[c] - DisplayWidth(line[c]);
      Alignment alignment = c < alignments_.size() ? alignments_[c] : kLeft;
      if (alignment == kRight) {
        Pad(out, padding);
        out << line[c];
      } else {
        out << line[c];
        if (c + 1 < last) Pad(out, padding);
      }
    }
    out << '\n';
  }
}

void PrintKeyValues(
    std::ostream& out,
    const std::vector<std::pair<std::string, std::string>>& pairs) {
  Table table({});
  for (const auto& [key, value] : pairs) table.AddRow({key, value});
  table.Print(out);
}

}  // namespace cs::csctl
