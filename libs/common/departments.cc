#include "libs/common/departments.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/common/config_lines.h"
#include "libs/common/errors.h"
#include "libs/common/utf8.h"

namespace cs {
namespace {

constexpr size_t kMaxNameChars = 64;
constexpr absl::string_view kIdeographicSpace = "\xE3\x80\x80";
// The message lists the known names when there are few enough to read.
constexpr size_t kMaxNamesInMessage = 12;

}  // namespace

absl::StatusOr<DepartmentDirectory> DepartmentDirectory::Parse(
    absl::string_view text) {
  DepartmentDirectory directory;
  directory.restricted_ = true;
  for (const ConfigLine& line : ConfigLines(text)) {
    const absl::string_view name = line.text;
    auto fail = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line.number, ": ", why));
    };
    Utf8Scan scan = ScanUtf8(name);
    if (!scan.valid) return fail("not valid UTF-8");
    if (scan.control) return fail("holds a control character");
    if (scan.chars > kMaxNameChars) {
      return fail(absl::StrCat("\"", name, "\" is longer than ", kMaxNameChars,
                               " characters"));
    }
    // ConfigLines trims ASCII spaces only; a name typed with a Chinese
    // input method's space would look like another one.
    if (absl::StartsWith(name, kIdeographicSpace) ||
        absl::EndsWith(name, kIdeographicSpace)) {
      return fail(absl::StrCat("\"", name,
                               "\" begins or ends with an ideographic space"));
    }
    if (!directory.index_.emplace(name).second) {
      return fail(absl::StrCat("\"", name, "\" is listed twice"));
    }
    directory.names_.emplace_back(name);
  }
  if (directory.names_.empty()) {
    return absl::InvalidArgumentError(
        "names no department (one per line; leave the file out to accept any "
        "department)");
  }
  return directory;
}

bool DepartmentDirectory::Contains(absl::string_view department) const {
  return !restricted_ || index_.contains(department);
}

absl::Status DepartmentDirectory::Check(absl::string_view field,
                                        absl::string_view department) const {
  if (department.empty() || Contains(department)) return absl::OkStatus();
  // Checked before the name is echoed in the message.
  const Utf8Scan scan = ScanUtf8(department);
  if (!scan.valid) return InvalidField(field, "must be valid UTF-8");
  if (scan.control) {
    return InvalidField(field, "must be one line without control characters");
  }
  if (scan.chars > kMaxNameChars) {
    return InvalidField(
        field, absl::StrCat("must be at most ", kMaxNameChars, " characters"));
  }
  std::string known =
      names_.size() <= kMaxNamesInMessage
          ? absl::StrCat(" (known: ", absl::StrJoin(names_, ", "), ")")
          : absl::StrCat(" (", names_.size(), " are known)");
  return WithErrorInfo(
      InvalidField(field,
                   absl::StrCat("\"", department,
                                "\" is not a department of the suite", known)),
      "UNKNOWN_DEPARTMENT", {{"department", std::string(department)}});
}

absl::StatusOr<DepartmentDirectory> LoadDepartmentsFile(
    absl::string_view path) {
  return ParseConfigFile(path, &DepartmentDirectory::Parse);
}

}  // namespace cs
