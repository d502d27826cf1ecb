// Group commit for one writer that applies many small batches in a row (an
// event consumer catching up): one fsync per group instead of one per batch.
//
//   cs::CommitGroup group(store);
//   for (const Event& e : arrived) {
//     cs::WriteSet writes = ...;          // effect + cursor of one event
//     RETURN_IF_ERROR(group.Commit(std::move(writes)));
//   }
//   RETURN_IF_ERROR(group.Sync());        // durable, then callbacks run
//
// Each Commit is atomic and visible to reads at once, and survives kill -9
// (the WAL write reached the operating system). Until Sync returns, a power
// loss may drop a suffix of the group's batches — whole batches only, so an
// effect and its cursor vanish together and the consumer simply re-applies.
// The batches' OnCommit callbacks (outbox visibility, command senders) run
// only in Sync, after the fsync, so nothing derived from a batch leaves the
// process before the batch is durable. Not thread-safe: one owner.
#ifndef CS_LIBS_STORE_COMMIT_GROUP_H_
#define CS_LIBS_STORE_COMMIT_GROUP_H_

#include <cstddef>
#include <vector>

#include "absl/status/status.h"
#include "libs/store/store.h"
#include "libs/store/write_set.h"

namespace cs {

class CommitGroup {
 public:
  // `store` must outlive the group.
  explicit CommitGroup(Store& store) : store_(store) {}
  // Syncs what is pending (errors are logged).
  ~CommitGroup();
  CommitGroup(const CommitGroup&) = delete;
  CommitGroup& operator=(const CommitGroup&) = delete;

  // Writes `writes` without waiting for the disk and runs its OnWritten
  // callbacks. On error nothing was written and all its callbacks have run
  // (commit callbacks with `false`).
  absl::Status Commit(WriteSet writes);

  // Makes every batch committed since the last Sync durable, then runs their
  // callbacks with `true` in commit order. When the fsync fails the batches
  // are still in the store (and visible), so their callbacks still run with
  // `true`; the error is returned for the caller to stop and retry.
  absl::Status Sync();

  // Batches committed and not yet synced.
  size_t pending() const { return pending_.size(); }

 private:
  Store& store_;
  std::vector<WriteSet> pending_;
};

}  // namespace cs

#endif  // CS_LIBS_STORE_COMMIT_GROUP_H_
