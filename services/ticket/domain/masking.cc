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

}  // namespace cs::ticket
