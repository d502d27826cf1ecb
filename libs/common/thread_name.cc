#include "libs/common/thread_name.h"

#include <pthread.h>

#include <algorithm>

namespace cs {

std::string ThreadNameFor(absl::string_view name) {
  constexpr size_t kMaxBytes = 15;  // TASK_COMM_LEN less the terminator
  size_t end = std::min(name.size(), kMaxBytes);
  // Back off from a continuation byte to the start of its character.
  if (end < name.size()) {
    while (end > 0 && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80) {
      --end;
    }
  }
  return std::string(name.substr(0, end));
}

void NameThisThread(absl::string_view name) {
  pthread_setname_np(pthread_self(), ThreadNameFor(name).c_str());
}

}  // namespace cs
