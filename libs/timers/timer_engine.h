// A persistent timer engine: fires each armed timer once, at its due instant,
// with its effect and its removal committed in one atomic WriteSet.
//
// Used by routing-sla (SLA warnings and breaches) and escalation
// (unacknowledged levels). Timers are kept in a deadline index in memory and
// persisted in the caller's Store, so a restart rebuilds them; a timer that
// fell due while the service was down fires at Start() with its TRUE due time.
// Nothing scans periodically: one thread sleeps on the injected Clock until
// the earliest due time (or until an earlier timer is armed).
//
//   cs::TimerEngine timers(*store, *store->Family("sla_timers"), clock,
//       [&](const cs::Timer& t, cs::WriteSet& writes) {
//         return sla.OnTimer(t, writes);   // adds ledger entry + outbox event
//       });
//   RETURN_IF_ERROR(timers.Start());      // rebuild, then fire what is due
//   cs::WriteSet writes;
//   writes.Put(clocks, ticket_id, clock_state);
//   RETURN_IF_ERROR(timers.Arm(writes, ticket_id + "/breach", due, payload));
//   RETURN_IF_ERROR(store->Commit(writes));   // state and timer land together
//
// Persistence: one record per timer, in `family`, under
//   key   = Options::key_prefix + id
//   value = 8-byte big-endian due time (Unix microseconds, sign bit flipped so
//           byte order = time order) followed by the payload bytes.
// Arm is a blind Put and Cancel a blind Delete of that key, so neither needs
// to read the old due time: several Arm/Cancel calls on one id inside one
// WriteSet compose (the last one wins), and a handler may re-arm its own id.
// The due-ordered index lives only in memory and is rebuilt at Start() by one
// scan plus an O(n) heapify; the family therefore holds no second index key.
// Due times are kept at microsecond precision (truncated toward the past).
//
// Memory per open timer (64-bit glibc), payload excluded (it stays on disk
// and is read with one point lookup when the timer fires):
//   hash-map node (id std::string + due + heap slot + generation) 48 B,
//   allocated as a 64 B chunk; hash table slot + control byte 9 B at a load
//   between 7/16 and 7/8, i.e. 10-21 B; heap slot 8 B, 8-16 B with vector
//   growth. About 85-100 B per timer for ids up to 15 bytes; a longer id adds
//   one heap allocation of its length + 1 rounded up to 16 B (+8 B header).
//   Measured at 1M timers: 91 B/timer with 7-byte ids, 123 B/timer with
//   22-byte ids such as "ticket-10000000/breach".
// Arm/Cancel commit callbacks and firing are O(log n); NextDue is O(1);
// Start() is one scan plus O(n) heapify (about 1 s for 1M timers).
//
// Exactly once in effect: the handler adds its effects to the WriteSet the
// engine hands it, the engine adds the timer's deletion, and one Commit lands
// both. A crash before that commit leaves the timer armed, so it fires again
// after the restart; a crash after it leaves neither the timer nor a reason to
// fire. A failing handler (or commit) is retried with exponential backoff in
// real time and logged; the timer is never dropped, and later timers wait
// behind it (timers fire strictly in due order, ties broken by id).
//
// Concurrency contract: every method is thread-safe. Operations on DIFFERENT
// ids are freely concurrent. Operations on the SAME id from different threads
// must be serialized by the caller from Arm/Cancel through Commit (they are
// read-modify-writes of the owning entity anyway, e.g. under
// cs::LockStripes::For(ticket_id)); otherwise two commits could apply to the
// store and to the index in different orders. To close the race between a
// caller changing an entity and its timer firing, the handler takes the same
// lock and releases it from an OnWritten callback of the WriteSet it is given:
//
//   [&](const cs::Timer& t, cs::WriteSet& writes) {
//     absl::Mutex& mu = stripes.For(t.id);
//     mu.Lock();
//     writes.OnWritten([&mu] { mu.Unlock(); });   // after the write
//     return sla.OnTimer(t, writes);   // sees the current state; may no-op
//   }
//
// Before calling the handler the engine checks the timer against the store,
// and after the handler returns it checks that no other commit changed the
// timer meanwhile; a stale firing is discarded (handler effects included) and
// the index re-read, so a cancel or re-arm that wins the race is honoured.
#ifndef CS_LIBS_TIMERS_TIMER_ENGINE_H_
#define CS_LIBS_TIMERS_TIMER_ENGINE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/common/clock.h"
#include "libs/store/store.h"
#include "libs/store/write_set.h"

namespace cs {

// One timer as handed to the fire handler.
struct Timer {
  std::string id;
  // The time it was armed for (microsecond precision), even when it fires
  // late, e.g. at Start() after downtime. Lateness = clock.Now() - due.
  absl::Time due;
  std::string payload;
};

class TimerEngine {
 public:
  struct Options {
    // Prepended to every id to form the store key, so that several engines
    // (or other data) can share one column family. Start() loads every key
    // with this prefix, so no other data may use it.
    std::string key_prefix = "t/";
    // Upper bounds checked by Arm (INVALID_ARGUMENT beyond them).
    size_t max_id_bytes = 128;
    size_t max_payload_bytes = 4096;
    // Real-time backoff between attempts after a handler or storage error.
    absl::Duration initial_backoff = absl::Milliseconds(100);
    absl::Duration max_backoff = absl::Seconds(30);
    // Names the engine in log lines, e.g. "sla-timers".
    std::string name = "timers";
  };

  // Adds the effects of firing `timer` to `writes`. Must not commit `writes`
  // (the engine does, with the timer's deletion) and must not call Stop().
  // It may Arm/Cancel timers, including its own id, into `writes`. An error
  // discards `writes` (callbacks run with false) and retries the timer later.
  // Called on the engine's single firing thread.
  using FireHandler =
      std::function<absl::Status(const Timer& timer, WriteSet& writes)>;

  // `store`, `clock` and the engine itself must outlive every WriteSet passed
  // to Arm/Cancel (their commit callbacks point at the engine). `family` must
  // belong to `store`. Does not touch the store until Start().
  TimerEngine(Store& store, ColumnFamily family, Clock& clock,
              FireHandler handler);
  TimerEngine(Store& store, ColumnFamily family, Clock& clock,
              FireHandler handler, Options options);
  // Stops the firing thread if running.
  ~TimerEngine();

  TimerEngine(const TimerEngine&) = delete;
  TimerEngine& operator=(const TimerEngine&) = delete;

  // Adds "arm timer `id` at `due` with `payload`" to `writes`, replacing any
  // timer with the same id. The index changes only if and when `writes`
  // commits. INVALID_ARGUMENT (and `writes` untouched) for an empty or
  // oversized id, an infinite due time or an oversized payload. A due time in
  // the past fires as soon as the commit lands (and the engine is running).
  // Thread-safe; may be called before Start() and from the handler.
  [[nodiscard]] absl::Status Arm(WriteSet& writes, absl::string_view id,
                                 absl::Time due, absl::string_view payload = "");

  // Adds "cancel timer `id`" to `writes`; applied if and when it commits.
  // Cancelling an id that is not armed is a harmless no-op. Thread-safe.
  void Cancel(WriteSet& writes, absl::string_view id);

  // Loads every persisted timer (replacing the in-memory index), then starts
  // the firing thread; timers already due fire at once, in due order.
  // FAILED_PRECONDITION when already running; storage errors from the scan;
  // DATA_LOSS (naming the id) for a record that does not decode. On error
  // nothing is started and the index is unchanged. Blocks commit callbacks
  // of concurrent Arm/Cancel calls for the duration of the scan.
  absl::Status Start();

  // Wakes and joins the firing thread. A firing in progress completes (or is
  // abandoned uncommitted) first. Idempotent; Start() may be called again.
  // Must not be called from the handler.
  void Stop();

  // Number of armed timers (committed state).
  size_t size() const;
  // Due time of the earliest armed timer; nullopt when none.
  std::optional<absl::Time> NextDue() const;
  // Due time of timer `id`; nullopt when not armed.
  std::optional<absl::Time> DueOf(absl::string_view id) const;
  // Timers fired (effect + removal committed) since construction.
  uint64_t fired() const;
  // Handler or storage failures that caused a retry since construction.
  uint64_t failures() const;

  // Blocks until every timer due at the clock's current time (read once, at
  // the call) has fired and no firing is in progress, or until `timeout`
  // (real time) passes. Returns true on success. For tests and orderly
  // hand-over: with a ManualClock it makes "has not fired" deterministic.
  bool WaitIdle(absl::Duration timeout) const;

 private:
  struct Entry {
    int64_t due = 0;      // Unix microseconds
    uint32_t heap_pos = 0;
    uint32_t generation = 0;  // changes on every committed Arm of the id
  };
  using Index = absl::node_hash_map<std::string, Entry>;
  using Node = Index::value_type;  // address stable while the entry exists

  // A snapshot of the earliest timer taken by the firing thread.
  struct Pick {
    std::string id;
    int64_t due = 0;
    uint32_t generation = 0;
  };
  enum class Outcome { kFired, kSkipped, kFailed };

  void Run();
  Outcome FireOne(const Pick& pick);
  // Whether `pick` still describes the indexed timer.
  bool Current(const Pick& pick) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Index maintenance; each keeps `epoch_` moving when the earliest changes.
  void Upsert(absl::string_view id, int64_t due)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Remove(absl::string_view id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static bool Earlier(const Node* a, const Node* b);
  void SiftUp(size_t pos) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SiftDown(size_t pos) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Place(size_t pos, Node* node) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void NoteFront(const Node* before, int64_t before_due)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::string Key(absl::string_view id) const;

  Store& store_;
  const ColumnFamily family_;
  Clock& clock_;
  const FireHandler handler_;
  const Options options_;

  mutable absl::Mutex mu_;
  Index index_ ABSL_GUARDED_BY(mu_);
  std::vector<Node*> heap_ ABSL_GUARDED_BY(mu_);  // min-heap by (due, id)
  uint32_t next_generation_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t epoch_ ABSL_GUARDED_BY(mu_) = 0;  // bumps when the earliest changes
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool firing_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t fired_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t failures_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Mutex lifecycle_mu_;  // serializes Start/Stop; taken before mu_
  std::thread thread_ ABSL_GUARDED_BY(lifecycle_mu_);
};

}  // namespace cs

#endif  // CS_LIBS_TIMERS_TIMER_ENGINE_H_
