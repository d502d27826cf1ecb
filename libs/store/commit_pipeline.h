// Asynchronous group commit for request handlers: many threads hand over
// their WriteSets and return at once; one committer thread writes whatever
// has arrived as one batch with one fsync (Store::CommitTogether), then
// reports to every submitter.
//
//   cs::CommitPipeline commits(store, {});
//   commits.Submit(std::move(writes), [reactor](absl::Status committed) {
//     reactor->Finish(ToGrpcStatus(committed));   // runs on the committer
//   });
//
// Why: with Store::Commit every request thread blocks in the write group
// until the fsync, and is woken one by one afterwards — context switches
// that cost more CPU than the write on a small machine. Here no request
// thread waits for the disk; the committer wakes once per group.
//
// Durability and order: as with Store::Commit, a set becomes visible to
// reads only once durable (with sync), and `done(OkStatus())` runs after
// that and after the set's OnWritten and OnCommit callbacks. The sets of a
// group land together or not at all, except that a set that cannot be
// applied at all (an unknown family) fails alone. Groups are written in
// Submit order.
//
// Thread-safe.
#ifndef CS_LIBS_STORE_COMMIT_PIPELINE_H_
#define CS_LIBS_STORE_COMMIT_PIPELINE_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "libs/store/store.h"
#include "libs/store/write_set.h"

namespace cs {

class CommitPipeline {
 public:
  struct Options {
    // Sets waiting for the committer before Submit refuses with
    // RESOURCE_EXHAUSTED (the back-pressure a blocked thread pool gave).
    size_t max_pending = 4096;
  };
  using Done = std::function<void(absl::Status)>;

  // `store` must outlive the pipeline. Starts the committer thread.
  CommitPipeline(Store& store, Options options);
  // Shutdown().
  ~CommitPipeline();
  CommitPipeline(const CommitPipeline&) = delete;
  CommitPipeline& operator=(const CommitPipeline&) = delete;

  // Queues `writes`; `done` runs exactly once with the outcome: OK once the
  // set is durable, the store's error when writing or syncing failed, on
  // the committer thread. Refused at once (`done` runs on the calling
  // thread, the set's callbacks see "not committed") with RESOURCE_EXHAUSTED
  // when `max_pending` sets wait, UNAVAILABLE after Shutdown began, and
  // FAILED_PRECONDITION for a consumed set. `done` must not block.
  void Submit(WriteSet writes, Done done);

  // Commits everything queued, then stops the committer. Idempotent; not to
  // be called concurrently with itself (the owner calls it).
  void Shutdown();

  // Sets waiting for the committer (not counting the group being written).
  size_t pending() const;

 private:
  struct Entry {
    WriteSet writes;
    Done done;
  };
  void Run();
  // Commits `group` with one write and answers every entry.
  void CommitGroupOf(std::deque<Entry>& group);

  Store& store_;
  const Options options_;
  mutable absl::Mutex mu_;
  std::deque<Entry> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread committer_;
};

}  // namespace cs

#endif  // CS_LIBS_STORE_COMMIT_PIPELINE_H_
