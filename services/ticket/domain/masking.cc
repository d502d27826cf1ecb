#include "services/ticket/domain/masking.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/common/utf8.h"

namespace cs::ticket {
namespace {

// Compound surnames (复姓) in common use.
constexpr absl::string_view kCompoundSurnames[] = {
    "欧阳", "司马", "诸葛", "上官", "司徒", "东方", "皇甫", "尉迟", "公孙",
    "慕容", "长孙", "宇文", "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤",
    "南宫", "西门", "申屠", "百里", "呼延", "澹台", "太史", "闻人", "万俟",
    "司空", "濮阳", "淳于", "单于", "赫连", "第五", "公冶", "宗政", "拓跋"};

std::string DigitsOf(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) out.push_back(c);
  }
  return out;
}

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

std::string Surname(absl::string_view full_name) {
  const absl::string_view name = absl::StripAsciiWhitespace(full_name);
  if (name.empty()) return "";
  const std::vector<char32_t> cps = DecodeUtf8(name);
  if (IsHan(cps[0]) && cps.size() >= 3) {
    for (absl::string_view compound : kCompoundSurnames) {
      if (absl::StartsWith(name, compound)) return std::string(compound);
    }
  }
  return Utf8Prefix(name, 1);
}

std::string MaskName(absl::string_view full_name, v1::Title title) {
  const std::string surname = Surname(full_name);
  if (surname.empty()) return "";
  const bool han = IsHan(DecodeUtf8(surname)[0]);
  if (han && title == v1::TITLE_MR) return absl::StrCat(surname, "先生");
  if (han && title == v1::TITLE_MS) return absl::StrCat(surname, "女士");
  return absl::StrCat(surname, "**");
}

std::string MaskPhone(absl::string_view phone) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(phone);
  if (trimmed.empty()) return "";
  std::string digits = DigitsOf(trimmed);
  // Drop a +86 / 0086 country prefix in front of a mobile number.
  if (digits.size() == 13 && absl::StartsWith(digits, "86") &&
      digits[2] == '1') {
    digits = digits.substr(2);
  } else if (digits.size() == 15 && absl::StartsWith(digits, "0086") &&
             digits[4] == '1') {
    digits = digits.substr(4);
  }
  if (digits.size() == 11 && digits[0] == '1') {
    return absl::StrCat(digits.substr(0, 3), "****", LastN(digits, 4));
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

}  // namespace cs::ticket
