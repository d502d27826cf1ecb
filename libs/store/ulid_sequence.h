// Ids for a column family keyed by ULID in write order (audit trails): each
// id sorts after every key already in the family and every id issued
// before, also within one millisecond or after the clock steps back.
//
//   UlidSequence ids(store, audit_family);
//   ASSIGN_OR_RETURN(std::string id, ids.Next(clock.Now()));
//
// The family's last key is read once, at the first Next. One sequence per
// family and process. Thread-safe.
#ifndef CS_LIBS_STORE_ULID_SEQUENCE_H_
#define CS_LIBS_STORE_ULID_SEQUENCE_H_

#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/store/store.h"

namespace cs {

class UlidSequence {
 public:
  // `store` must outlive the sequence.
  UlidSequence(const Store& store, ColumnFamily family)
      : store_(store), family_(family) {}

  // The next id; the store's error when its last key cannot be read.
  absl::StatusOr<std::string> Next(absl::Time now);

 private:
  const Store& store_;
  const ColumnFamily family_;
  absl::Mutex mu_;
  std::optional<std::string> last_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cs

#endif  // CS_LIBS_STORE_ULID_SEQUENCE_H_
