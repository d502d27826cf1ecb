// Names the calling thread as `top -H`, `ps -L`, perf and gdb show it, so an
// operator can tell the committer from the consumers and the executor's
// workers by their CPU:
//
//   committer_ = std::thread([this] {
//     cs::NameThisThread("cs-commit");
//     Run();
//   });
//
// Linux keeps at most 15 bytes of a name; a longer one is cut there, never
// inside a UTF-8 character.
#ifndef CS_LIBS_COMMON_THREAD_NAME_H_
#define CS_LIBS_COMMON_THREAD_NAME_H_

#include <string>

#include "absl/strings/string_view.h"

namespace cs {

// The name NameThisThread gives for `name`: at most 15 bytes, whole UTF-8
// characters only.
std::string ThreadNameFor(absl::string_view name);

// Names the calling thread ThreadNameFor(name). Best effort: a failure
// changes nothing but the name.
void NameThisThread(absl::string_view name);

}  // namespace cs

#endif  // CS_LIBS_COMMON_THREAD_NAME_H_
