#include "libs/common/pii_mask.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/common/utf8.h"

namespace cs {
namespace {

std::string LastN(absl::string_view s, size_t n) {
  return std::string(s.size() <= n ? s : s.substr(s.size() - n));
}

// Length of the area code (with its leading 0) of a landline number given as
// digits: 010 and 02x are three digits, every other area code four.
size_t AreaCodeLength(absl::string_view digits) {
  if (absl::StartsWith(digits, "010") || absl::StartsWith(digits, "02")) {
    return 3;
  }
  return 4;
}

}  // namespace

char IdCardCheckChar(absl::string_view first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                       3, 7, 9,  10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(first17[i]))) {
      return '\0';
    }
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kCheck[sum % 11];
}

std::string DigitsOf(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) out.push_back(c);
  }
  return out;
}

std::string MaskPhone(absl::string_view phone) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(phone);
  if (trimmed.empty()) return "";
  std::string digits = DigitsOf(trimmed);
  // A +86 / 0086 country prefix in front of a mobile number is shown as
  // "+86 ": the reader learns how to dial it, not more of the number.
  absl::string_view country;
  if (digits.size() == 13 && absl::StartsWith(digits, "86") &&
      digits[2] == '1') {
    digits = digits.substr(2);
    country = "+86 ";
  } else if (digits.size() == 15 && absl::StartsWith(digits, "0086") &&
             digits[4] == '1') {
    digits = digits.substr(4);
    country = "+86 ";
  }
  if (digits.size() == 11 && digits[0] == '1') {
    return absl::StrCat(country, digits.substr(0, 3), "****", LastN(digits, 4));
  }
  if (!digits.empty() && digits[0] == '0') {
    // Landline: area code and local number, separated by a dash or not; an
    // extension after a second dash is dropped.
    std::string area;
    std::string local;
    const size_t dash = trimmed.find('-');
    if (dash != absl::string_view::npos) {
      area = DigitsOf(trimmed.substr(0, dash));
      absl::string_view rest = trimmed.substr(dash + 1);
      const size_t ext = rest.find('-');
      if (ext != absl::string_view::npos) rest = rest.substr(0, ext);
      local = DigitsOf(rest);
    } else {
      const size_t n = AreaCodeLength(digits);
      area = digits.substr(0, std::min(n, digits.size()));
      local = digits.size() > n ? digits.substr(n) : "";
    }
    if (area.size() >= 3 && area.size() <= 4 && local.size() >= 7 &&
        local.size() <= 8) {
      return absl::StrCat(area, "-****", LastN(local, 4));
    }
  }
  if (digits.size() >= 8) return absl::StrCat("****", LastN(digits, 4));
  return "****";
}

std::string MaskIdCard(absl::string_view id_card) {
  const absl::string_view id = absl::StripAsciiWhitespace(id_card);
  if (id.empty()) return "";
  if (id.size() < 8 || !IsValidUtf8(id) || CharLength(id) != id.size()) {
    return "****";
  }
  return absl::StrCat(id.substr(0, 3), std::string(id.size() - 7, '*'),
                      id.substr(id.size() - 4));
}

std::string MaskBankCard(absl::string_view bank_card) {
  if (absl::StripAsciiWhitespace(bank_card).empty()) return "";
  const std::string digits = DigitsOf(bank_card);
  if (digits.size() < 4) return "****";
  return absl::StrCat("****", LastN(digits, 4));
}

std::string MaskEmail(absl::string_view email) {
  const absl::string_view e = absl::StripAsciiWhitespace(email);
  if (e.empty()) return "";
  const size_t at = e.rfind('@');
  if (at == absl::string_view::npos || at == 0) return "****";
  // A quoted local part ("zhang san"@…) shows its first character, not
  // the quote.
  absl::string_view local = e.substr(0, at);
  if (local.size() > 1 && local[0] == '"') local.remove_prefix(1);
  return absl::StrCat(Utf8Prefix(local, 1), "***", e.substr(at));
}

}  // namespace cs
