// Reliable calls to other services. A change never calls another service
// while it decides: it records the call it needs in its own store, in the
// same WriteSet as the change (so a crash loses neither), and a worker
// delivers the records in key order with retries:
//
//   * OK, or an error that retrying cannot change (IsFinalDeliveryError:
//     NOT_FOUND, FAILED_PRECONDITION, INVALID_ARGUMENT, OUT_OF_RANGE,
//     ALREADY_EXISTS — logged) → the record is deleted, unless it was
//     replaced meanwhile by a newer one (compare-and-delete);
//   * anything else (UNAVAILABLE, DEADLINE_EXCEEDED, …) → retried with
//     exponential backoff in real time (pacing, not business time); a record
//     replaced by a new value is tried again at once.
//
// With `ordered_groups`, records whose keys share the part before the first
// '/' form a group delivered strictly in key order: a record waiting for a
// retry holds back the later ones of its group (e.g. a complaint's clock is
// never fulfilled before it was started).
//
// Delivery is at-least-once: the receiving call must be idempotent.
//
//   cs::CommandOutbox sender(store, family, [&](auto key, auto value) {
//     return client.Call(Parse(value));
//   }, {.name = "assigner"});
//   sender.Start();
//   ... writes.Put(family, key, request); writes.OnCommit([&](bool ok) {
//         if (ok) sender.Wake(); });
//   sender.Stop();
//
// Thread-safe.
#ifndef CS_LIBS_EVENTS_COMMAND_OUTBOX_H_
#define CS_LIBS_EVENTS_COMMAND_OUTBOX_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/store/store.h"

namespace cs {

// True for statuses that retrying the same call cannot change.
bool IsFinalDeliveryError(const absl::Status& status);

class CommandOutbox {
 public:
  // Performs the call recorded under `key`. Called on the worker thread
  // only, never under a lock of the caller's (except that none is held).
  using Deliver =
      std::function<absl::Status(absl::string_view key, absl::string_view value)>;

  struct Options {
    absl::Duration initial_backoff = absl::Milliseconds(200);
    absl::Duration max_backoff = absl::Seconds(30);
    // Deliver each group (key prefix before the first '/') in key order.
    bool ordered_groups = false;
    // The mutex every writer of the family holds while it commits; taken
    // around the compare-and-delete so a record replaced by a concurrent
    // writer is kept. Null when records are never replaced.
    absl::Mutex* writers_mu = nullptr;
    // Names the worker in log lines.
    std::string name = "commands";
  };

  // `store` and `family` must outlive the outbox.
  CommandOutbox(Store& store, ColumnFamily family, Deliver deliver,
                Options options);
  ~CommandOutbox();

  CommandOutbox(const CommandOutbox&) = delete;
  CommandOutbox& operator=(const CommandOutbox&) = delete;

  // Starts the worker (no-op when running); it looks at the family at once.
  void Start();
  // Stops and joins the worker; a call in flight finishes first. Idempotent.
  void Stop();
  // Makes the worker look at the family again (call after a commit that
  // added a record). Cheap; safe from commit callbacks.
  void Wake();
  // Blocks until a pass after the last Wake() found nothing left to send, or
  // `timeout` (real time) passes. True on success. For tests.
  bool WaitIdle(absl::Duration timeout) const;

  // Records delivered (OK) and dropped (final error) since construction.
  uint64_t delivered() const;
  uint64_t rejected() const;

 private:
  struct Backoff {
    std::string value;  // the record the backoff applies to
    int attempts = 0;
    absl::Time next;    // real time
  };

  void Run();
  // One pass over the family; returns when to look again (InfiniteFuture:
  // only when woken) and whether anything is still waiting.
  absl::Time Pass(bool* waiting);
  void DeleteIfUnchanged(const std::string& key, const std::string& value);
  bool stopping() const;

  Store& store_;
  const ColumnFamily family_;
  const Deliver deliver_;
  const Options options_;
  std::map<std::string, Backoff> backoff_;  // worker thread only

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = true;
  bool in_pass_ ABSL_GUARDED_BY(mu_) = false;
  bool idle_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t delivered_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t rejected_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace cs

#endif  // CS_LIBS_EVENTS_COMMAND_OUTBOX_H_
