// A fixed pool of threads with a bounded queue, for the blocking work that
// must never run on a gRPC reactor thread (fsync-ing commits, scans, calls to
// other services). When the queue is full, TrySubmit refuses at once so the
// caller can answer RESOURCE_EXHAUSTED instead of queueing without bound.
//
//   cs::BoundedExecutor executor({.threads = 8, .queue_capacity = 1024});
//   absl::Status queued = executor.TrySubmit([] { ... });
//   ...
//   executor.Shutdown();  // runs what is queued, then joins
#ifndef CS_LIBS_SERVER_EXECUTOR_H_
#define CS_LIBS_SERVER_EXECUTOR_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace cs {

// Thread-safe.
class BoundedExecutor {
 public:
  struct Options {
    int threads = 8;
    size_t queue_capacity = 1024;
  };

  explicit BoundedExecutor(Options options);
  // Shuts down (draining the queue) if not done yet.
  ~BoundedExecutor();

  // Queues `task`. RESOURCE_EXHAUSTED when `queue_capacity` tasks are already
  // waiting; UNAVAILABLE after Shutdown began. A refused task is not run.
  absl::Status TrySubmit(std::function<void()> task);

  // Stops accepting, runs every queued task, joins the threads. Idempotent.
  void Shutdown();

  size_t queued() const;

  // Waits until no task is queued (the ones taken may still run), at most
  // `timeout`; true when the queue emptied. For checks that nothing is left
  // waiting after a burst whose late arrivals may still be coming in.
  bool WaitUntilDrained(absl::Duration timeout) const;

 private:
  void Work();

  const Options options_;
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace cs

#endif  // CS_LIBS_SERVER_EXECUTOR_H_
