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
#include "libs/common/utf8.h"

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
// Between the digit groups of one number: "138 1234 5678", "138-1234-5678",
// "139.1234.5678" (the ideographic space and dashes such as '—' count as
// ' ' and '-', see ToHalfWidth).
bool IsSeparator(char c) { return c == ' ' || c == '-' || c == '.'; }
bool IsEmailLocal(char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool IsEmailDomain(char c) { return IsAlnum(c) || c == '.' || c == '-'; }

// Byte length of the domain character at text[i]: an ASCII letter, digit,
// '.' or '-', or a non-ASCII character of an internationalised label (例子)
// that is not punctuation or a space (U+2000–U+207F, U+3000–U+303F, and
// the full-width and half-width forms U+FF00–U+FFEF end a domain: Chinese
// prose goes on after an address without a space, "见li@qq.com，谢谢").
// 0 when it is none of these.
size_t DomainCharLength(absl::string_view text, size_t i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) return IsEmailDomain(text[i]) ? 1 : 0;
  const size_t length = Utf8SequenceLength(text[i]);
  if (length == 0 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
  }
  const auto b1 = static_cast<unsigned char>(text[i + 1]);
  if (b0 == 0xE2 && (b1 == 0x80 || b1 == 0x81)) return 0;
  if (b0 == 0xE3 && b1 == 0x80) return 0;
  if (b0 == 0xEF && b1 >= 0xBC) return 0;
  return length;
}

// Internationalised top-level domains people in China write.
constexpr absl::string_view kChineseTlds[] = {
    "中国", "中國", "公司", "网络", "網絡", "在线",  "集团",
    "香港", "台湾", "台灣", "澳门", "澳門", "新加坡"};

// Size of the top-level domain that `label` (the text after a dot, up to
// the end of the domain) starts with, or 0: two or more ASCII letters not
// followed by another ASCII character of the domain ("com", also "com谢谢"
// where prose follows), or one of kChineseTlds.
size_t TldSize(absl::string_view label) {
  size_t letters = 0;
  while (letters < label.size() && IsAlpha(label[letters])) ++letters;
  if (letters >= 2) {
    const bool ascii_follows =
        letters < label.size() &&
        static_cast<unsigned char>(label[letters]) < 0x80;
    return ascii_follows ? 0 : letters;
  }
  if (letters > 0) return 0;
  for (absl::string_view tld : kChineseTlds) {
    if (absl::StartsWith(label, tld)) return tld.size();
  }
  return 0;
}

// An e-mail address found in text: text[begin, end) as written, and the
// address as local@domain (without the spaces or "(at)" a writer put in).
struct EmailSpan {
  size_t begin;
  size_t end;
  std::string address;
};

// What stands for '@' in text[begin, end): '@' or "(at)" / "[at]" in any
// case, with spaces inside the brackets ("[ at ]"), and one space on
// either side ("li @ example.com", "li (at) example.com"). Full-width forms
// are half-width here. Whether a local part and a domain surround it is
// FindEmails' business.
struct AtSign {
  size_t begin;
  size_t end;
};
std::optional<AtSign> AtSignAt(absl::string_view text, size_t i) {
  size_t end = i + 1;
  if (text[i] == '(' || text[i] == '[') {
    const char close = text[i] == '(' ? ')' : ']';
    size_t j = i + 1;
    while (j < text.size() && text[j] == ' ') ++j;
    if (!absl::EqualsIgnoreCase(text.substr(j, 2), "at")) return std::nullopt;
    j += 2;
    while (j < text.size() && text[j] == ' ') ++j;
    if (j >= text.size() || text[j] != close) return std::nullopt;
    end = j + 1;
  } else if (text[i] != '@') {
    return std::nullopt;
  }
  size_t begin = i;
  if (begin > 0 && text[begin - 1] == ' ') --begin;
  if (end < text.size() && text[end] == ' ') ++end;
  return AtSign{begin, end};
}

// The ideographic full stop, written for '.' by Chinese input methods
// ("li@example。com").
constexpr absl::string_view kIdeographicStop = "\xE3\x80\x82";

// Byte length of the dot at text[i] inside a domain: 1 for '.', the size of
// kIdeographicStop when an ASCII letter or digit follows it (a sentence's
// full stop after an address is followed by prose); else 0.
size_t DomainDotLength(absl::string_view text, size_t i) {
  if (text[i] == '.') return 1;
  const size_t next = i + kIdeographicStop.size();
  return text.substr(i, kIdeographicStop.size()) == kIdeographicStop &&
                 next < text.size() && IsAlnum(text[next])
             ? kIdeographicStop.size()
             : 0;
}

// `domain` with its ideographic-stop dots written as '.'.
std::string WithAsciiDots(absl::string_view domain) {
  std::string out;
  for (size_t i = 0; i < domain.size();) {
    const size_t dot = DomainDotLength(domain, i);
    out += dot > 1 ? '.' : domain[i];
    i += dot > 1 ? dot : 1;
  }
  return out;
}

// Addresses in text order: local@domain.tld, where the local part is
// ASCII or quoted ("zhang san"@example.com), and the domain may hold
// internationalised labels (li@例子.中国). The domain ends at its first
// top-level domain (TldSize). '@' may also be written as AtSignAt allows,
// and a dot as the ideographic full stop.
std::vector<EmailSpan> FindEmails(absl::string_view text) {
  std::vector<EmailSpan> out;
  size_t from = 0;
  for (size_t i = text.find_first_of("@(["); i != absl::string_view::npos;
       i = text.find_first_of("@([", i + 1)) {
    if (i < from) continue;
    const std::optional<AtSign> sign = AtSignAt(text, i);
    if (!sign) continue;
    const size_t at = sign->begin;  // the local part ends here
    if (at < from) continue;
    size_t l = at;
    if (at > from + 1 && text[at - 1] == '"') {
      const size_t open = text.rfind('"', at - 2);
      const bool quoted =
          open != absl::string_view::npos && open >= from && at - open <= 66 &&
          text.substr(open, at - open).find('\n') == absl::string_view::npos;
      if (quoted) l = open;
    }
    if (l == at && at > from &&
        static_cast<unsigned char>(text[at - 1]) >= 0x80) {
      // A local part in Chinese (张三@例子.中国): its characters, back to
      // a space or punctuation. Prose glued to it is taken along; masked,
      // that hides a word rather than showing a name.
      while (l > from && at - l < 64) {
        size_t start = l - 1;
        while (start > from &&
               (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) {
          --start;
        }
        const bool ascii = static_cast<unsigned char>(text[start]) < 0x80;
        if (ascii ? !IsEmailLocal(text[start])
                  : DomainCharLength(text, start) != l - start) {
          break;
        }
        l = start;
      }
    } else if (l == at) {
      while (l > from && IsEmailLocal(text[l - 1])) --l;
    }
    if (l == at) continue;
    const size_t domain = sign->end;
    size_t r = domain;
    while (r < text.size()) {
      size_t length = DomainCharLength(text, r);
      if (length == 0) length = DomainDotLength(text, r);
      if (length == 0) break;
      r += length;
    }
    // The first dot-separated label that is a top-level domain ends it
    // (a top-level domain holds no dot, so its bytes are those written).
    size_t end = 0;
    size_t previous_dot_end = 0;
    for (size_t dot = domain + 1; dot < r && end == 0; ++dot) {
      const size_t dot_length = DomainDotLength(text, dot);
      if (dot_length == 0) continue;
      if (dot == previous_dot_end) break;  // "a..b" is no domain
      const size_t tld = TldSize(
          WithAsciiDots(text.substr(dot + dot_length, r - dot - dot_length)));
      if (tld > 0) end = dot + dot_length + tld;
      previous_dot_end = dot + dot_length;
    }
    if (end == 0) continue;
    out.push_back(
        {l, end,
         absl::StrCat(text.substr(l, at - l), "@",
                      WithAsciiDots(text.substr(domain, end - domain)))});
    from = end;
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

// Whether `span` is an 18-character resident ID number whose check
// character (ISO 7064 MOD 11-2) is right: a number that shape is an ID
// card even where an order keyword precedes it.
bool IsCheckedIdCard(absl::string_view span) {
  if (span.size() != 18) return false;
  const char last = span[17] == 'x' ? 'X' : span[17];
  return last == IdCardCheckChar(span.substr(0, 17)) &&
         PlausibleIdCard(span.substr(0, 17));
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
  if (span[0] == '+') {
    // "+86 10 1234 5678": a landline dialled from abroad, its area code
    // without the 0 (10 and 2x have two digits, the others three).
    if (mobile.size() < 9 || mobile[0] == '0') return std::nullopt;
    const size_t area =
        absl::StartsWith(mobile, "10") || mobile[0] == '2' ? 2 : 3;
    if (mobile.size() > area + 8) return std::nullopt;
    return absl::StrCat("+86 ",
                        MaskPhone(absl::StrCat("0", mobile.substr(0, area), "-",
                                               mobile.substr(area))));
  }
  if (digits.size() == 18 && PlausibleIdCard(digits)) return MaskIdCard(digits);
  // A 15-digit resident ID number (issued before 1999): the birth date
  // YYMMDD follows the six-digit region code.
  if (groups == 1 && digits.size() == 15 && digits[0] != '0' &&
      PlausibleIdCard(
          absl::StrCat(digits.substr(0, 6), "19", digits.substr(6), "00"))) {
    return MaskIdCard(digits);
  }
  if (digits[0] == '0' && digits[1] != '0') {
    const bool together =
        groups == 1 && digits.size() >= 10 && digits.size() <= 12;
    if (together) return MaskPhone(digits);
    // "010-12345678", "021 6666 8888", "0755-8765-4321": the area code,
    // then the local number, maybe split itself.
    const size_t area = span.find_first_of(" -.");
    const size_t local = digits.size() - area;
    if (area >= 3 && area <= 4 && local >= 7 && local <= 8) {
      return MaskPhone(
          absl::StrCat(digits.substr(0, area), "-", digits.substr(area)));
    }
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

// A landline written with its area code in parentheses, starting at
// text[i] == '(': "(010)12345678", "(0755) 8765-4321", "(021)6666 8888",
// maybe "-extension". Never goes past `limit`.
struct ParenthesizedLandline {
  size_t end = 0;     // 0 when there is none at i
  std::string plain;  // "0755-87654321": area code, dash, local number
};
ParenthesizedLandline FindParenthesizedLandline(absl::string_view text,
                                                size_t i, size_t limit) {
  auto digits_from = [&](size_t j) {
    size_t k = j;
    while (k < limit && IsDigit(text[k])) ++k;
    return k - j;
  };
  const size_t area = digits_from(i + 1);
  size_t j = i + 1 + area;
  if (area < 3 || area > 4 || text[i + 1] != '0' || text[i + 2] == '0' ||
      j >= limit || text[j] != ')') {
    return {};
  }
  ParenthesizedLandline found;
  found.plain = absl::StrCat(text.substr(i + 1, area), "-");
  ++j;
  if (j < limit && IsSeparator(text[j])) ++j;
  const size_t first = digits_from(j);
  absl::StrAppend(&found.plain, text.substr(j, first));
  j += first;
  if ((first == 3 || first == 4) && j + 1 < limit && IsSeparator(text[j]) &&
      digits_from(j + 1) == 4) {
    absl::StrAppend(&found.plain, text.substr(j + 1, 4));
    j += 5;
  } else if (first < 7 || first > 8) {
    return {};
  }
  if (j + 1 < limit && text[j] == '-') {
    const size_t extension = digits_from(j + 1);
    if (extension >= 1 && extension <= 6) j += 1 + extension;
  }
  if (j < text.size() && IsAlnum(text[j])) return {};
  found.end = j;
  return found;
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
// ASCII, the invisible zero-width characters (U+200B–U+200D, U+2060,
// U+FEFF, which pasted text carries and which would otherwise split a
// number out of sight) and the ideographic space U+3000 by a space, and
// the dashes U+2010–U+2015 and U+2212 (139—1234—5678) by '-', and where
// each of its bytes came from. Values are found in this text and masked in
// the original.
struct HalfWidth {
  std::string text;
  // origin[i]: the original byte where text[i] starts; origin[text.size()]
  // is the original's size.
  std::vector<size_t> origin;
};

// ' ' or '-' for the three-byte characters that stand for them above;
// '\0' otherwise.
char SeparatorFor(absl::string_view three_bytes) {
  if (three_bytes == "\u200B" || three_bytes == "\u200C" ||
      three_bytes == "\u200D" || three_bytes == "\u2060" ||
      three_bytes == "\uFEFF" || three_bytes == "\u3000") {
    return ' ';
  }
  if ((three_bytes >= "\u2010" && three_bytes <= "\u2015") ||
      three_bytes == "\u2212") {
    return '-';
  }
  return '\0';
}

std::optional<HalfWidth> ToHalfWidth(absl::string_view text) {
  if (text.find_first_of("\xEF\xE2\xE3") == absl::string_view::npos) {
    return std::nullopt;
  }
  HalfWidth half;
  half.text.reserve(text.size());
  half.origin.reserve(text.size() + 1);
  bool any = false;
  for (size_t i = 0; i < text.size();) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (const char separator =
            i + 2 < text.size() ? SeparatorFor(text.substr(i, 3)) : '\0') {
      half.text.push_back(separator);
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

// Whether the ASCII letters right before text[i] are a word of their own
// that labels a phone number ("tel13912345678", "Mobile13912345678"): such
// a number is masked although letters touch it, unlike a serial number
// ("SN13812345678").
bool FollowsPhoneLabel(absl::string_view text, size_t i) {
  static constexpr absl::string_view kLabels[] = {
      "tel", "telephone", "phone", "cellphone", "cell", "mobile", "mob"};
  size_t start = i;
  while (start > 0 && IsAlpha(text[start - 1])) --start;
  if (start == i || (start > 0 && IsDigit(text[start - 1]))) return false;
  const absl::string_view word = text.substr(start, i - start);
  return absl::c_any_of(kLabels, [&](absl::string_view label) {
    return absl::EqualsIgnoreCase(word, label);
  });
}

// Calls on_value(begin, end, masked) for each value of `text` (byte ranges,
// in order, not overlapping) that masking changes.
template <typename OnValue>
void ForEachMaskedValue(absl::string_view text, OnValue on_value) {
  const std::vector<EmailSpan> emails = FindEmails(text);
  size_t e = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (e < emails.size() && emails[e].begin == i) {
      on_value(i, emails[e].end, MaskEmail(emails[e].address));
      i = emails[e].end;
      ++e;
      continue;
    }
    const size_t limit = e < emails.size() ? emails[e].begin : text.size();
    if (text[i] == '(' && (i == 0 || !IsAlnum(text[i - 1]))) {
      ParenthesizedLandline landline =
          FindParenthesizedLandline(text, i, limit);
      if (landline.end > 0) {
        on_value(i, landline.end, MaskPhone(landline.plain));
        i = landline.end;
        continue;
      }
    }
    const bool starts_run =
        (IsDigit(text[i]) ||
         (text[i] == '+' && i + 1 < text.size() && IsDigit(text[i + 1]))) &&
        (i == 0 || !IsAlnum(text[i - 1]) || FollowsPhoneLabel(text, i));
    if (!starts_run) {
      ++i;
      continue;
    }
    const size_t end = RunEnd(text, i, limit);
    const absl::string_view run = text.substr(i, end - i);
    const bool standalone = end >= text.size() || !IsAlnum(text[end]);
    if (standalone && IsOrderNumber(text.substr(0, i)) &&
        !IsCheckedIdCard(run)) {
      // Only the order number itself is exempt: a number after it
      // ("订单号：2024051812345678901 13912345678") is a run of its own.
      const size_t group_end = run.find_first_of(" -.");
      i = group_end == absl::string_view::npos ? end : i + group_end + 1;
      continue;
    }
    if (standalone) {
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
  // Every value holds a digit or an '@', or a bracket and an 'a' ("(at)",
  // "[at]"), ASCII or full-width (１ is EF BC 91, ＠ EF BC A0, （ EF BC 88,
  // ［ EF BC BB, Ａ EF BC A1, ａ EF BD 81). Most Chinese prose has no
  // digit, '@' or 'a', also where it has brackets: no copy is made.
  bool bracket = false;
  bool letter_a = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsDigit(c) || c == '@') return MaskPiiText(text) != text;
    bracket = bracket || c == '(' || c == '[';
    letter_a = letter_a || c == 'a' || c == 'A';
    if (c != '\xEF' || i + 2 >= text.size()) continue;
    const char b1 = text[i + 1], b2 = text[i + 2];
    if (b1 == '\xBC' && ((b2 >= '\x90' && b2 <= '\x99') || b2 == '\xA0')) {
      return MaskPiiText(text) != text;
    }
    bracket = bracket || (b1 == '\xBC' && (b2 == '\x88' || b2 == '\xBB'));
    letter_a = letter_a || (b1 == '\xBC' && b2 == '\xA1') ||
               (b1 == '\xBD' && b2 == '\x81');
  }
  return bracket && letter_a && MaskPiiText(text) != text;
}

}  // namespace cs
