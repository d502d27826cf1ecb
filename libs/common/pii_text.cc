#include "libs/common/pii_text.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/common/pii_mask.h"

namespace cs {
namespace {

struct Span {
  size_t begin;
  size_t end;
};

bool IsDigit(char c) {
  return absl::ascii_isdigit(static_cast<unsigned char>(c));
}
bool IsAlnum(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c));
}
bool IsAlpha(char c) {
  return absl::ascii_isalpha(static_cast<unsigned char>(c));
}
bool IsSeparator(char c) { return c == ' ' || c == '-'; }
bool IsEmailLocal(char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool IsEmailDomain(char c) { return IsAlnum(c) || c == '.' || c == '-'; }

// Addresses local@domain.tld (TLD ≥ 2 letters), in text order.
std::vector<Span> FindEmails(absl::string_view text) {
  std::vector<Span> out;
  size_t from = 0;
  for (size_t at = text.find('@'); at != absl::string_view::npos;
       at = text.find('@', at + 1)) {
    size_t l = at;
    while (l > from && IsEmailLocal(text[l - 1])) --l;
    size_t r = at + 1;
    while (r < text.size() && IsEmailDomain(text[r])) ++r;
    while (r > at + 1 && (text[r - 1] == '.' || text[r - 1] == '-')) --r;
    if (l == at) continue;
    const absl::string_view domain = text.substr(at + 1, r - at - 1);
    const size_t dot = domain.rfind('.');
    if (dot == absl::string_view::npos || dot == 0) continue;
    const absl::string_view tld = domain.substr(dot + 1);
    bool letters = tld.size() >= 2;
    for (char c : tld) letters = letters && IsAlpha(c);
    if (!letters) continue;
    out.push_back({l, r});
    from = r;
  }
  return out;
}

// Year 19xx/20xx, month 01–12, day 01–31 at the places of an 18-character
// resident ID number (given as its 17 or 18 digits).
bool PlausibleIdCard(absl::string_view digits) {
  if (digits.size() < 17 || digits[0] == '0') return false;
  const absl::string_view century = digits.substr(6, 2);
  if (century != "19" && century != "20") return false;
  const int month = (digits[10] - '0') * 10 + (digits[11] - '0');
  const int day = (digits[12] - '0') * 10 + (digits[13] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// The masked form of `span` (digit groups joined by single separators,
// maybe a leading '+', maybe a trailing X) when it is one personal value;
// nullopt otherwise. `groups` is the number of digit groups.
std::optional<std::string> Classify(absl::string_view span, size_t groups) {
  const std::string digits = DigitsOf(span);
  const char last = span.back();
  if (last == 'X' || last == 'x') {
    if (digits.size() == 17 && span[0] != '+' && PlausibleIdCard(digits)) {
      return MaskIdCard(absl::StrCat(digits, "X"));
    }
    return std::nullopt;
  }
  absl::string_view mobile = digits;
  if (span[0] == '+') {
    if (!absl::ConsumePrefix(&mobile, "86")) return std::nullopt;
  } else if (digits.size() == 15) {
    absl::ConsumePrefix(&mobile, "0086");
  }
  if (mobile.size() == 11 && mobile[0] == '1' && mobile[1] >= '3') {
    return MaskPhone(span);
  }
  if (span[0] == '+') return std::nullopt;
  if (digits.size() == 18 && PlausibleIdCard(digits)) return MaskIdCard(digits);
  if (digits[0] == '0' && digits[1] != '0') {
    const size_t first = span.find_first_of(" -");
    const bool together =
        groups == 1 && digits.size() >= 10 && digits.size() <= 12;
    const bool area_then_local = first >= 3 && first <= 4 &&
                                 digits.size() - first >= 7 &&
                                 digits.size() - first <= 8;
    const bool dashed = groups == 2 && span[first] == '-' && area_then_local;
    // "021 6666 8888": the local number may itself be split by spaces.
    const bool spaced = groups >= 2 && span.find('-') == absl::string_view::npos &&
                        area_then_local;
    if (together || dashed || spaced) return MaskPhone(span);
  }
  if (digits.size() >= 16 && digits.size() <= 19) return MaskBankCard(span);
  return std::nullopt;
}

// Strips what may stand between an order keyword and its number.
absl::string_view StripOrderGlue(absl::string_view before) {
  static constexpr absl::string_view kGlue[] = {" ",  ":",  "#",  ".",
                                                "：", "＃", "为", "是"};
  bool stripped = true;
  while (stripped) {
    stripped = false;
    for (absl::string_view glue : kGlue) {
      if (absl::ConsumeSuffix(&before, glue)) stripped = true;
    }
  }
  return before;
}

// True when the number starting after `before` is an order number.
bool IsOrderNumber(absl::string_view before) {
  before = StripOrderGlue(before);
  static constexpr absl::string_view kChinese[] = {"订单号", "订单编号", "订单",
                                                   "单号"};
  for (absl::string_view keyword : kChinese) {
    if (absl::EndsWith(before, keyword)) return true;
  }
  static constexpr absl::string_view kAscii[] = {"order", "order no",
                                                 "order id"};
  for (absl::string_view keyword : kAscii) {
    if (absl::EndsWithIgnoreCase(before, keyword) &&
        (before.size() == keyword.size() ||
         !IsAlpha(before[before.size() - keyword.size() - 1]))) {
      return true;
    }
  }
  return false;
}

// End of the number run starting at `i` (a digit, or '+' before a digit):
// digit groups joined by single spaces or dashes, the last group maybe
// ending in X/x. Never goes past `limit`.
size_t RunEnd(absl::string_view text, size_t i, size_t limit) {
  size_t j = i;
  if (text[j] == '+') ++j;
  while (true) {
    while (j < limit && IsDigit(text[j])) ++j;
    if (j < limit && (text[j] == 'X' || text[j] == 'x') &&
        (j + 1 >= text.size() || !IsAlnum(text[j + 1]))) {
      return j + 1;
    }
    if (j + 1 < limit && IsSeparator(text[j]) && IsDigit(text[j + 1])) {
      ++j;
      continue;
    }
    return j;
  }
}

// Masks the values inside one run: greedily the longest sequence of digit
// groups, from the left, that is one value.
std::string MaskRun(absl::string_view run) {
  std::vector<Span> groups;
  size_t b = 0;
  for (size_t k = 1; k <= run.size(); ++k) {
    if (k == run.size() || IsSeparator(run[k])) {
      groups.push_back({b, k});
      b = k + 1;
    }
  }
  std::string out;
  size_t gi = 0;
  while (gi < groups.size()) {
    size_t next = gi + 1;
    std::string piece(
        run.substr(groups[gi].begin, groups[gi].end - groups[gi].begin));
    for (size_t gj = groups.size(); gj > gi; --gj) {
      const absl::string_view span =
          run.substr(groups[gi].begin, groups[gj - 1].end - groups[gi].begin);
      if (std::optional<std::string> masked = Classify(span, gj - gi)) {
        piece = *std::move(masked);
        next = gj;
        break;
      }
    }
    out += piece;
    if (next < groups.size()) {
      absl::StrAppend(&out,
                      run.substr(groups[next - 1].end,
                                 groups[next].begin - groups[next - 1].end));
    }
    gi = next;
  }
  return out;
}

}  // namespace

namespace {

// `text` with the full-width forms of ASCII characters (U+FF01–U+FF5E:
// １３９, ＋８６, Ｘ, ＠, which Chinese input methods produce) replaced by
// ASCII and the invisible zero-width characters (U+200B–U+200D, U+2060,
// U+FEFF, which pasted text carries and which would otherwise split a
// number out of sight) by a space, and where each of its bytes came from.
// Values are found in this text and masked in the original.
struct HalfWidth {
  std::string text;
  // origin[i]: the original byte where text[i] starts; origin[text.size()]
  // is the original's size.
  std::vector<size_t> origin;
};

bool IsZeroWidth(absl::string_view three_bytes) {
  return three_bytes == "\u200B" || three_bytes == "\u200C" ||
         three_bytes == "\u200D" || three_bytes == "\u2060" ||
         three_bytes == "\uFEFF";
}

std::optional<HalfWidth> ToHalfWidth(absl::string_view text) {
  if (text.find_first_of("\xEF\xE2") == absl::string_view::npos) {
    return std::nullopt;
  }
  HalfWidth half;
  half.text.reserve(text.size());
  half.origin.reserve(text.size() + 1);
  bool any = false;
  for (size_t i = 0; i < text.size();) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (i + 2 < text.size() && IsZeroWidth(text.substr(i, 3))) {
      half.text.push_back(' ');
      half.origin.push_back(i);
      i += 3;
      any = true;
      continue;
    }
    if (b0 == 0xEF && i + 2 < text.size()) {
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      const auto b2 = static_cast<unsigned char>(text[i + 2]);
      // U+FF01–U+FF3F is EF BC 81–BF, U+FF40–U+FF5E is EF BD 80–9E.
      int ascii = -1;
      if (b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF) ascii = b2 - 0x81 + 0x21;
      if (b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E) ascii = b2 - 0x80 + 0x60;
      if (ascii >= 0) {
        half.text.push_back(static_cast<char>(ascii));
        half.origin.push_back(i);
        i += 3;
        any = true;
        continue;
      }
    }
    half.text.push_back(text[i]);
    half.origin.push_back(i);
    ++i;
  }
  half.origin.push_back(text.size());
  if (!any) return std::nullopt;
  return half;
}

// Calls on_value(begin, end, masked) for each value of `text` (byte ranges,
// in order, not overlapping) that masking changes.
template <typename OnValue>
void ForEachMaskedValue(absl::string_view text, OnValue on_value) {
  const std::vector<Span> emails = FindEmails(text);
  size_t e = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (e < emails.size() && emails[e].begin == i) {
      on_value(i, emails[e].end, MaskEmail(text.substr(i, emails[e].end - i)));
      i = emails[e].end;
      ++e;
      continue;
    }
    const bool starts_run =
        (IsDigit(text[i]) ||
         (text[i] == '+' && i + 1 < text.size() && IsDigit(text[i + 1]))) &&
        (i == 0 || !IsAlnum(text[i - 1]));
    if (!starts_run) {
      ++i;
      continue;
    }
    const size_t limit = e < emails.size() ? emails[e].begin : text.size();
    const size_t end = RunEnd(text, i, limit);
    const absl::string_view run = text.substr(i, end - i);
    const bool standalone = end >= text.size() || !IsAlnum(text[end]);
    if (standalone && !IsOrderNumber(text.substr(0, i))) {
      std::string masked = MaskRun(run);
      if (masked != run) on_value(i, end, std::move(masked));
    }
    i = end;
  }
}

// RestoreMaskedPii puts back at most this many values per text.
constexpr size_t kMaxRestoredValues = 64;

// Calls on_value(begin, end, masked) as ForEachMaskedValue does, with the
// byte ranges in `text` itself also where values were found in its
// half-width form.
template <typename OnValue>
void ForEachMaskedValueOf(absl::string_view text, OnValue on_value) {
  const std::optional<HalfWidth> half = ToHalfWidth(text);
  ForEachMaskedValue(half ? absl::string_view(half->text) : text,
                     [&](size_t begin, size_t end, std::string masked) {
                       if (half) {
                         begin = half->origin[begin];
                         end = half->origin[end];
                       }
                       on_value(begin, end, std::move(masked));
                     });
}

}  // namespace

std::string MaskPiiText(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  ForEachMaskedValueOf(text, [&](size_t begin, size_t end, std::string masked) {
    out.append(text.data() + copied, begin - copied);
    out += masked;
    copied = end;
  });
  out.append(text.data() + copied, text.size() - copied);
  return out;
}

std::string RestoreMaskedPii(absl::string_view original,
                             absl::string_view edited) {
  struct Stood {
    std::vector<absl::string_view> clear;  // in the order of `original`
    size_t used = 0;
  };
  std::unordered_map<std::string, Stood> by_masked;
  std::string masked_original;
  size_t copied = 0;
  ForEachMaskedValueOf(
      original, [&](size_t begin, size_t end, std::string masked) {
        masked_original.append(original.data() + copied, begin - copied);
        masked_original += masked;
        copied = end;
        by_masked[std::move(masked)].clear.push_back(
            original.substr(begin, end - begin));
      });
  if (by_masked.empty()) return std::string(edited);
  masked_original.append(original.data() + copied, original.size() - copied);
  // Sent back as shown: the writer learns nothing it was not shown before.
  if (edited == masked_original) return std::string(original);

  // Where `edited` holds a masked form of `original`, and the clear value
  // that takes its place.
  struct Occurrence {
    size_t begin;
    size_t size;
    absl::string_view clear;
  };
  std::vector<const std::string*> forms;
  for (const auto& [masked, stood] : by_masked) forms.push_back(&masked);
  absl::c_sort(forms, [](const std::string* a, const std::string* b) {
    return a->size() != b->size() ? a->size() > b->size() : *a < *b;
  });
  std::vector<Occurrence> occurrences;
  for (size_t i = 0; i < edited.size();) {
    const absl::string_view rest = edited.substr(i);
    const auto form = absl::c_find_if(forms, [&](const std::string* f) {
      return absl::StartsWith(rest, *f);
    });
    if (form == forms.end()) {
      ++i;
      continue;
    }
    Stood& stood = by_masked[**form];
    const size_t which = std::min(stood.used, stood.clear.size() - 1);
    ++stood.used;
    occurrences.push_back({i, (*form)->size(), stood.clear[which]});
    i += (*form)->size();
    // Each is checked by masking the whole text: bound the work a text full
    // of masked forms can ask for. Any further ones stay masked.
    if (occurrences.size() == kMaxRestoredValues) break;
  }

  // A value is put back only where the text still masks it as the writer
  // sees it: the writer's masked view of the result must equal its view of
  // what it wrote. Placed where masking leaves numbers alone (after 订单号,
  // glued to letters or digits), it would otherwise be shown in clear.
  const std::string view = MaskPiiText(edited);
  std::vector<bool> restored(occurrences.size(), false);
  auto build = [&]() {
    std::string out;
    out.reserve(edited.size() + 16 * occurrences.size());
    size_t at = 0;
    for (size_t k = 0; k < occurrences.size(); ++k) {
      if (!restored[k]) continue;
      out.append(edited.data() + at, occurrences[k].begin - at);
      out.append(occurrences[k].clear.data(), occurrences[k].clear.size());
      at = occurrences[k].begin + occurrences[k].size;
    }
    out.append(edited.data() + at, edited.size() - at);
    return out;
  };
  for (size_t k = 0; k < occurrences.size(); ++k) {
    restored[k] = true;
    if (MaskPiiText(build()) != view) restored[k] = false;
  }
  return build();
}

bool ContainsPiiText(absl::string_view text) {
  // Every value holds a digit or an '@', ASCII or full-width (１ is
  // EF BC 91, ＠ is EF BC A0); most Chinese prose has neither.
  bool may_hold_value = false;
  for (size_t i = 0; i < text.size() && !may_hold_value; ++i) {
    const char c = text[i];
    may_hold_value =
        IsDigit(c) || c == '@' ||
        (c == '\xEF' && i + 2 < text.size() && text[i + 1] == '\xBC' &&
         ((text[i + 2] >= '\x90' && text[i + 2] <= '\x99') ||
          text[i + 2] == '\xA0'));
  }
  return may_hold_value && MaskPiiText(text) != text;
}

}  // namespace cs
