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
// Throughput: the worker reads the family in chunks (memory does not grow
// with the backlog) and, with `max_in_flight` > 1, delivers up to that many
// records of different groups at once, deleting each wave's delivered
// records with one commit. A call takes a round trip and a durable write on
// the other side, so one at a time caps delivery at a few hundred per second
// (the 1M-ticket run in bench/results/2026-11-23-vm-rss-1m.md: 16/s under
// load, far behind the creates).
//
// A pass starts at the smallest key that can hold a record, not at the
// family's first key: the records before it were delivered and deleted, and
// their tombstones would otherwise be stepped over by every pass until a
// compaction drops them (a cost that grows with the records delivered, per
// record added). A writer announces the key it added with WakeFor(key);
// Wake() makes the next pass read the whole family.
//
// Delivery is at-least-once: the receiving call must be idempotent. (A
// delivered record's deletion is not synced: after a power loss the record
// may be delivered again.)
//
//   cs::CommandOutbox sender(store, family, [&](auto key, auto value) {
//     return client.Call(Parse(value));
//   }, {.name = "assigner"});
//   sender.Start();
//   ... writes.Put(family, key, request); writes.OnCommit([&](bool ok) {
//         if (ok) sender.WakeFor(key); });
//   sender.Stop();
//
// A sender whose calls are asynchronous (a gRPC callback stub) passes a
// StartDelivery instead: the worker starts every call of a wave itself and
// waits for their outcomes, so no sender thread is handed each call (in
// routing-sla: 2-2.5 context switches fewer per assignment).
//
// Thread-safe.
#ifndef CS_LIBS_EVENTS_COMMAND_OUTBOX_H_
#define CS_LIBS_EVENTS_COMMAND_OUTBOX_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

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
  // Performs the call recorded under `key`. Called on the worker thread (and,
  // with max_in_flight > 1, its sender threads), never under a lock of the
  // caller's.
  using Deliver =
      std::function<absl::Status(absl::string_view key, absl::string_view value)>;
  // Starts the call recorded under `key` and returns without waiting for
  // it; `done` must then be called exactly once with its outcome, on any
  // thread, possibly before StartDelivery returns. Called on the worker
  // thread only, never under a lock of the caller's.
  using Done = std::function<void(absl::Status)>;
  using StartDelivery = std::function<void(absl::string_view key,
                                           absl::string_view value, Done done)>;

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
    // Calls made at once (each of a different group). Above 1 `deliver` is
    // called from several threads and must be thread-safe.
    int max_in_flight = 1;
    // Records read from the family per scan.
    size_t scan_chunk = 1024;
  };

  // `store` and `family` must outlive the outbox.
  CommandOutbox(Store& store, ColumnFamily family, Deliver deliver,
                Options options);
  // The same with asynchronous calls: up to max_in_flight started at once
  // by the worker, no sender threads.
  CommandOutbox(Store& store, ColumnFamily family, StartDelivery start,
                Options options);
  ~CommandOutbox();

  CommandOutbox(const CommandOutbox&) = delete;
  CommandOutbox& operator=(const CommandOutbox&) = delete;

  // Starts the worker (no-op when running); it looks at the family at once.
  void Start();
  // Stops and joins the worker; a call in flight finishes first. Idempotent.
  void Stop();
  // Makes the worker read the whole family again. Cheap; safe from commit
  // callbacks.
  void Wake();
  // Makes the worker look at the family again from `key` on at least: call
  // after a commit that added (or replaced) the record at `key`. A record
  // committed without either call may wait until the next Wake() or Start().
  void WakeFor(absl::string_view key);
  // Blocks until a pass after the last Wake() or WakeFor() found nothing left
  // to send, or `timeout` (real time) passes. True on success. For tests.
  bool WaitIdle(absl::Duration timeout) const;

  // Records delivered (OK) and dropped (final error) since construction.
  uint64_t delivered() const;
  uint64_t rejected() const;

 private:
  // Exactly one of `deliver` and `start` is set.
  CommandOutbox(Store& store, ColumnFamily family, Deliver deliver,
                StartDelivery start, Options options);

  struct Backoff {
    std::string value;  // the record the backoff applies to
    int attempts = 0;
    absl::Time next;    // real time
  };
  struct Record {
    std::string key;
    std::string value;
  };
  // One wave of calls handed to the sender threads.
  struct Wave {
    const std::vector<const Record*>* records = nullptr;
    std::vector<absl::Status>* results = nullptr;
    size_t next = 0;       // first record not yet taken
    size_t remaining = 0;  // records taken or not whose call has not returned
  };

  void Run();
  // One pass over the family from `floor` (nothing when nullopt); returns
  // when to look again (InfiniteFuture: only when woken) and whether
  // anything is still waiting, and lowers floor_ to the first record it
  // leaves in the family.
  absl::Time Pass(std::optional<std::string> floor, bool* waiting);
  // Delivers `chunk` (records in key order) in waves; updates `blocked`
  // groups, backoffs, counters and when to look again.
  // Adds the keys of the records it deleted to `deleted`.
  void DeliverChunk(const std::vector<Record>& chunk,
                    std::set<std::string>& blocked, absl::Time& next_look,
                    bool* waiting, std::set<std::string>& deleted);
  // Calls `deliver_` (or starts `start_`) for every record, up to
  // max_in_flight at once, and returns their outcomes.
  std::vector<absl::Status> DeliverWave(
      const std::vector<const Record*>& records);
  std::vector<absl::Status> StartWave(
      const std::vector<const Record*>& records);
  // Takes and runs calls of the current wave until none is left to take.
  void RunWaveCalls() ABSL_LOCKS_EXCLUDED(wave_mu_);
  void SenderLoop();
  // Deletes the records whose stored value is still the delivered one;
  // adds the keys it deleted (once durable) to `deleted`.
  void DeleteIfUnchanged(const std::vector<const Record*>& delivered,
                         std::set<std::string>& deleted);
  std::string GroupOf(const std::string& key) const;
  bool stopping() const;

  Store& store_;
  const ColumnFamily family_;
  const Deliver deliver_;      // either this
  const StartDelivery start_;  // or this is set
  const Options options_;
  std::map<std::string, Backoff> backoff_;  // worker thread only

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = true;
  // Where the next pass starts: no record lies before it (nullopt: none is
  // known at all).
  std::optional<std::string> floor_ ABSL_GUARDED_BY(mu_) = std::string();
  bool in_pass_ ABSL_GUARDED_BY(mu_) = false;
  bool idle_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t delivered_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t rejected_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;

  absl::Mutex wave_mu_;
  Wave wave_ ABSL_GUARDED_BY(wave_mu_);
  bool senders_stopping_ ABSL_GUARDED_BY(wave_mu_) = false;
  std::vector<std::thread> senders_;
};

}  // namespace cs

#endif  // CS_LIBS_EVENTS_COMMAND_OUTBOX_H_
