// Small file helpers for configuration and secrets (keys come from files,
// never from the repository).
#ifndef CS_LIBS_COMMON_FILES_H_
#define CS_LIBS_COMMON_FILES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cs {

// Whole file contents. NOT_FOUND when it does not exist, PERMISSION_DENIED
// when unreadable; the message names the path.
absl::StatusOr<std::string> ReadFileToString(absl::string_view path);

// Writes `contents` to `path` atomically (temp file + fsync + rename), with
// the given permission bits.
absl::Status WriteFileAtomically(absl::string_view path,
                                 absl::string_view contents, int mode = 0600);

}  // namespace cs

#endif  // CS_LIBS_COMMON_FILES_H_
