// RFC 4180 CSV reading for `csctl import`: the whole file is split into
// records, each remembering the physical line it starts on so errors can
// point people at the right line of their spreadsheet export.
//
//   ASSIGN_OR_RETURN(std::vector<CsvRecord> records, ParseCsv(text));
//   for (const CsvRecord& r : records) {
//     if (!r.error.ok()) { report(r.line, r.error); continue; }
//     use(r.fields);
//   }
//
// Accepted: fields separated by ',', records by CRLF, LF or a lone CR; a
// field in double quotes may hold commas, quotes written as "" and line
// breaks (kept as written); a UTF-8 byte-order mark at the start (as Excel
// writes) is dropped; blank lines are skipped. Pure functions, thread-safe.
#ifndef CS_TOOLS_CSCTL_CSV_H_
#define CS_TOOLS_CSCTL_CSV_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cs::csctl {

struct CsvRecord {
  int line = 0;  // 1-based physical line where the record starts
  std::vector<std::string> fields;
  // OK, or INVALID_ARGUMENT for a record that is malformed on its own (a
  // character after a closing quote, a quote inside an unquoted field,
  // invalid UTF-8); the records around it are unaffected.
  absl::Status error;
  // With an error: the 0-based position of the field at fault, which the
  // error's message names as "field <position + 1>: ".
  size_t error_field = 0;
};

// Every non-blank record of `text`. INVALID_ARGUMENT naming the line only
// when the file cannot be split at all: a quoted field still open at the
// end of the file (everything after its quote would be swallowed).
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text);

}  // namespace cs::csctl

#endif  // CS_TOOLS_CSCTL_CSV_H_
