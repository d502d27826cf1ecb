// Where a scan of each department's queue may start.
//
// A ticket leaving a queue leaves a RocksDB tombstone at its key until a
// compaction drops it, and queues are consumed from their oldest end. A scan
// from the head of a long-lived queue would step over the tombstone of every
// ticket handed out since the last compaction, so each drain would cost more
// than the last. A department's floor is a key that no queued key of the
// department is below, and scans start there.
//
// Invariant: every queued key of a department is >= its floor. Callers keep
// it by
//   - calling Lower() before a queue key is written (a lowered floor is
//     harmless when the write then fails), and
//   - calling Raise() only after the scan's own deletes have committed, with
//     the Mark read before that scan. The raise is refused when the floor was
//     lowered since: a key the scan did not see may then lie below it.
//
//   QueueFloors::Mark seen = floors.Read(department);
//   ... scan from max(prefix, seen.floor), delete what is handed out ...
//   ... after the commit:  floors.Raise(department, first_key_left, seen);
//
// Floors live in memory only: after a restart the first scan starts at the
// head. Thread-safe.
#ifndef CS_SERVICES_ROUTING_SERVICE_QUEUE_FLOORS_H_
#define CS_SERVICES_ROUTING_SERVICE_QUEUE_FLOORS_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace cs::routing {

class QueueFloors {
 public:
  struct Mark {
    // The lowest key a scan must look at; "" means the queue's head.
    std::string floor;
    // How often the floor was lowered; a raise checks it is unchanged.
    uint64_t lowerings = 0;
  };

  // The current floor of `department` ("" when none is known).
  Mark Read(absl::string_view department) const;
  // `key` (a queue key of `department`) is about to be written: the floor
  // goes down to it if it is higher, and raises read before now are refused.
  void Lower(absl::string_view department, absl::string_view key);
  // Moves the floor up to `key` when nothing was lowered since `seen` was
  // read. Never moves it down. Returns whether the floor moved.
  bool Raise(absl::string_view department, absl::string_view key,
             const Mark& seen);

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Mark> floors_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_SERVICE_QUEUE_FLOORS_H_
