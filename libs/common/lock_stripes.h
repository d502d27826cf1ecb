// A fixed set of mutexes chosen by key hash, for read-modify-write sections
// on one record (etag checks, idempotency check-then-insert) without a mutex
// per record.
//
//   cs::LockStripes locks;
//   absl::MutexLock lock(&locks.For(ticket_id));
//   ... read, check etag, commit ...
#ifndef CS_LIBS_COMMON_LOCK_STRIPES_H_
#define CS_LIBS_COMMON_LOCK_STRIPES_H_

#include <cstddef>
#include <memory>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace cs {

// Thread-safe. Two different keys may share a stripe, so never hold two
// stripes at once (that could deadlock).
class LockStripes {
 public:
  explicit LockStripes(size_t stripes = 256)
      : size_(stripes), mutexes_(new absl::Mutex[stripes]) {}

  absl::Mutex& For(absl::string_view key) {
    return mutexes_[absl::Hash<absl::string_view>{}(key) % size_];
  }

 private:
  size_t size_;
  std::unique_ptr<absl::Mutex[]> mutexes_;
};

}  // namespace cs

#endif  // CS_LIBS_COMMON_LOCK_STRIPES_H_
