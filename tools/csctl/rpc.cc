#include "tools/csctl/rpc.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace cs::csctl {

absl::StatusOr<int> ParseEnumFlag(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view prefix,
                                  absl::string_view flag,
                                  absl::string_view text) {
  if (text.empty()) return 0;
  const std::string wanted = absl::AsciiStrToUpper(text);
  std::vector<std::string> choices;
  for (int i = 0; i < type->value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor* value = type->value(i);
    if (value->number() == 0) continue;
    absl::string_view name = value->name();
    if (wanted == name || absl::StrCat(prefix, wanted) == name) {
      return value->number();
    }
    absl::ConsumePrefix(&name, prefix);
    choices.push_back(absl::AsciiStrToLower(name));
  }
  // Positional arguments are named in upper case, as the usage lines show
  // them; flags in lower case.
  const bool positional = absl::AsciiStrToUpper(flag) == flag;
  return UsageError(
      absl::StrCat(positional ? "" : "--", flag, ": \"", text,
                   "\" is not one of: ", absl::StrJoin(choices, ", ")));
}

absl::StatusOr<std::vector<int>> ParseEnumListFlag(
    const google::protobuf::EnumDescriptor* type, absl::string_view prefix,
    absl::string_view flag, absl::string_view text) {
  std::vector<int> values;
  for (absl::string_view value :
       absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    ASSIGN_OR_RETURN(int number, ParseEnumFlag(type, prefix, flag, value));
    values.push_back(number);
  }
  return values;
}

std::string EnumLabel(const google::protobuf::EnumDescriptor* type, int number,
                      absl::string_view prefix) {
  if (number == 0) return "";
  const google::protobuf::EnumValueDescriptor* value =
      type->FindValueByNumber(number);
  if (value == nullptr) return absl::StrCat(number);
  absl::string_view name = value->name();
  absl::ConsumePrefix(&name, prefix);
  return std::string(name);
}

}  // namespace cs::csctl
