// The lines of a line-based configuration file (departments.conf,
// calendars.conf, ticket_permissions.conf, complaint.conf, key files, search
// synonyms): every parser of such a file skips the same things.
//
//   for (const ConfigLine& line : ConfigLines(text)) {
//     if (!Ok(line.text)) return InvalidArgumentError(
//         absl::StrCat("line ", line.number, ": ..."));
//   }
//
// Pure and thread-safe.
#ifndef CS_LIBS_COMMON_CONFIG_LINES_H_
#define CS_LIBS_COMMON_CONFIG_LINES_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "libs/common/files.h"

namespace cs {

struct ConfigLine {
  int number;              // 1-based line number in the file
  absl::string_view text;  // points into the parsed text
};

// The lines of `text` that hold something, each without its comment ('#'
// to the end of the line), without surrounding ASCII whitespace (so CRLF
// files read as LF ones) and, on the first line, without a UTF-8 byte-order
// mark. Blank and comment-only lines are left out.
std::vector<ConfigLine> ConfigLines(absl::string_view text);

// Reads the file at `path` (errors as ReadFileToString gives them) and
// returns parse(text), a StatusOr; a parse error comes back as
// INVALID_ARGUMENT "<path>: <its message>".
template <typename Parse>
auto ParseConfigFile(absl::string_view path, Parse parse)
    -> decltype(parse(absl::string_view())) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  auto parsed = parse(*text);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", parsed.status().message()));
  }
  return parsed;
}

}  // namespace cs

#endif  // CS_LIBS_COMMON_CONFIG_LINES_H_
