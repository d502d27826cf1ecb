#include "libs/store/ulid_sequence.h"

#include <utility>

#include "libs/common/ids.h"
#include "libs/common/status_macros.h"

namespace cs {

absl::StatusOr<std::string> UlidSequence::Next(absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (!last_.has_value()) {
    std::string last;
    RETURN_IF_ERROR(store_.ScanReverse(
        family_, "", "", 1, [&](absl::string_view key, absl::string_view) {
          last = std::string(key);
          return false;
        }));
    last_ = std::move(last);
  }
  last_ = NewUlidAfter(now, *last_);
  return *last_;
}

}  // namespace cs
