// The shared part of `csctl import <kind> FILE.csv`: reads the CSV file,
// maps its header to known columns, runs one idempotent create per row,
// draws a progress bar and reports every row's outcome.
//
//   ImportSpec spec{"tickets", {"customer_id", "subject"}, {"region"}};
//   return RunImport(context, spec, path, [&](const ImportRow& row) {
//     return CreateOne(row);   // "tickets/…" or the row's error
//   });
//
// Guarantees: a file that cannot be read, split into records, or whose
// header names an unknown or misses a required column is refused before
// anything is written. Otherwise every row is tried on its own: bad rows are
// reported with their line number and do not stop the others. Each row
// carries a request_id derived from its content (or from its external_id
// column), so re-running the same file creates nothing twice; a row that
// repeats an earlier row of the same file (every column equal) is reported
// as a duplicate and not sent again, while a row reusing an earlier row's
// external_id with different content fails ("external_id z1 was used by
// line 2 for a different row") and is not sent either.
#ifndef CS_TOOLS_CSCTL_IMPORT_RUNNER_H_
#define CS_TOOLS_CSCTL_IMPORT_RUNNER_H_

#include <cstddef>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/csctl/command.h"

namespace cs::csctl {

// One data row of an import file, by column name.
class ImportRow {
 public:
  ImportRow(int line, std::map<std::string, std::string> values,
            std::string request_id)
      : line_(line),
        values_(std::move(values)),
        request_id_(std::move(request_id)) {}

  int line() const { return line_; }
  // The value of `column` ("" when the file has no such column).
  const std::string& Get(absl::string_view column) const;
  // The idempotency key of the row: "csv-" and 40 hex digits of a SHA-256
  // over the import kind and either the external_id column (when set) or
  // every column's name and value (so column order does not matter).
  const std::string& request_id() const { return request_id_; }

 private:
  int line_;
  std::map<std::string, std::string> values_;
  std::string request_id_;
};

struct ImportSpec {
  std::string kind;  // "tickets", "articles"
  std::vector<std::string> required_columns;
  std::vector<std::string> optional_columns;  // "external_id" is implied
};

// Creates (or finds, on a re-run) the row's resource and returns its name;
// a non-OK status is reported for the row's line.
using RowHandler = std::function<absl::StatusOr<std::string>(const ImportRow&)>;

// Runs the import of `path` as described above. Prints a report to
// context.out() (a table of failed and duplicate rows and a summary line, or
// with --json one JSON object with every row's outcome), and a progress bar
// to stderr while stderr is a terminal. OK when every row was imported;
// INVALID_ARGUMENT "N of M rows failed" otherwise (exit 1); the refusals
// above as usage errors (exit 2) or the file's read error. A row failing
// with UNAVAILABLE, UNAUTHENTICATED or DEADLINE_EXCEEDED (not the row's
// fault) stops the import there with that code, after reporting the rows
// before it.
absl::Status RunImport(CommandContext& context, const ImportSpec& spec,
                       const std::string& path, const RowHandler& handle);

// "\r[#####     ] 5/10 rows" progress on a terminal. Writes nothing when
// disabled. Not thread-safe.
class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool enabled, size_t total);
  // Redraws with `done` of the total finished.
  void Update(size_t done);
  // Ends the bar's line (once, when anything was drawn).
  void Finish();

 private:
  std::ostream& out_;
  bool enabled_;
  size_t total_;
  bool drawn_ = false;
};

}  // namespace cs::csctl

#endif  // CS_TOOLS_CSCTL_IMPORT_RUNNER_H_
