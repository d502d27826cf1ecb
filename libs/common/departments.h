// The departments of the suite (部门目录): the names a ticket, an agent, a
// complaint or an escalation case may be given. Loaded once at start from
// --departments-file (deploy/config/departments.conf); without that file the
// directory is open and accepts any name, as before it existed.
//
// File format, UTF-8, one department per line; '#' starts a comment:
//
//   客服部        # C 一般 tickets, first line of every channel
//   技术支持部
//
// Only writes check names: filters and reports accept any department, since
// a department taken out of the file still has its history.
//
// Immutable after Parse; thread-safe.
#ifndef CS_LIBS_COMMON_DEPARTMENTS_H_
#define CS_LIBS_COMMON_DEPARTMENTS_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cs {

class DepartmentDirectory {
 public:
  // The open directory: every name is accepted.
  DepartmentDirectory() = default;

  // Parses the file's text. INVALID_ARGUMENT naming the line for a name that
  // is not valid UTF-8, holds control characters, is longer than 64
  // characters or repeats an earlier line; and for a file with no name.
  static absl::StatusOr<DepartmentDirectory> Parse(absl::string_view text);

  // False for the open directory.
  bool restricted() const { return restricted_; }
  // The names in file order (empty when open).
  const std::vector<std::string>& names() const { return names_; }

  // True when `department` may be written: any name when open, else a name
  // of the file, compared exactly (no trimming or case folding).
  bool Contains(absl::string_view department) const;

  // OK when `department` is empty (callers decide whether one is required)
  // or Contains it; else INVALID_ARGUMENT naming `field`, with ErrorInfo
  // reason UNKNOWN_DEPARTMENT and the known names in the message.
  absl::Status Check(absl::string_view field,
                     absl::string_view department) const;

 private:
  bool restricted_ = false;
  std::vector<std::string> names_;
  absl::flat_hash_set<std::string> index_;
};

// Reads and parses the file at `path`; the error names the file (and the
// line, as Parse).
absl::StatusOr<DepartmentDirectory> LoadDepartmentsFile(absl::string_view path);

}  // namespace cs

#endif  // CS_LIBS_COMMON_DEPARTMENTS_H_
