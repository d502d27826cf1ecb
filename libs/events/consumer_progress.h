// How far each event consumer and command outbox of one process has got, and
// blocking waits on that progress (served as cs.events.v1.ConsumerProgress by
// ConsumerProgressService).
//
//   cs::ConsumerProgress progress(cs::SystemClock::Get());
//   options.on_cursor = progress.AddConsumer("routing<-ticket", "ticket",
//                                            stored_cursor);
//   progress.AddCommandOutbox("routing->ticket",
//       [&](absl::Duration t) { return outbox.WaitIdle(t); });
//   ...
//   absl::StatusOr<Position> at =
//       progress.WaitForConsumer("routing<-ticket", 42, absl::Seconds(5));
//
// The registry never polls: cursors are pushed by the consumers' on_cursor
// callbacks and waiters are woken by them. Thread-safe.
#ifndef CS_LIBS_EVENTS_CONSUMER_PROGRESS_H_
#define CS_LIBS_EVENTS_CONSUMER_PROGRESS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/common/clock.h"

namespace cs {

class ConsumerProgress {
 public:
  struct Position {
    std::string consumer;
    std::string producer;
    uint64_t cursor = 0;
  };
  // Blocks until the outbox has nothing left to deliver or `timeout` passes
  // (CommandOutbox::WaitIdle); true when idle.
  using IdleWait = std::function<bool(absl::Duration timeout)>;

  // `clock` measures the waits' timeouts and must outlive the registry.
  // Servers pass the system clock: a wait is operational pacing, and
  // business time may stand still (--clock=manual).
  explicit ConsumerProgress(Clock& clock) : clock_(clock) {}

  ConsumerProgress(const ConsumerProgress&) = delete;
  ConsumerProgress& operator=(const ConsumerProgress&) = delete;

  // Registers consumer `consumer` (following `producer`) at `cursor` (its
  // stored cursor, so a restarted consumer is known where it stands before
  // its next event). Registering a name again keeps the entry, updating the
  // producer. Returns the callback to pass as EventConsumer::Options::
  // on_cursor: it publishes the cursor and wakes waiters; it never lowers a
  // cursor and is cheap. The callback must not outlive the registry.
  std::function<void(uint64_t cursor)> AddConsumer(const std::string& consumer,
                                                   const std::string& producer,
                                                   uint64_t cursor);
  // Registers a command outbox under `name` (replacing one of that name).
  // `wait_idle` must stay callable as long as the registry is used.
  void AddCommandOutbox(const std::string& name, IdleWait wait_idle);

  // Every consumer, sorted by name.
  std::vector<Position> Consumers() const;
  // Every command outbox name, sorted.
  std::vector<std::string> CommandOutboxes() const;

  // The one consumer following `producer`. NOT_FOUND when none;
  // FAILED_PRECONDITION when several (name the consumer instead).
  absl::StatusOr<std::string> ConsumerOf(absl::string_view producer) const;

  // Blocks until consumer `consumer` has applied `sequence` (cursor >=
  // sequence) and returns its position. NOT_FOUND for an unknown consumer
  // (checked before waiting); DEADLINE_EXCEEDED naming the consumer, its
  // cursor and `sequence` when `timeout` passes first; UNAVAILABLE once
  // Stop() was called.
  absl::StatusOr<Position> WaitForConsumer(absl::string_view consumer,
                                           uint64_t sequence,
                                           absl::Duration timeout) const;

  // Blocks until outbox `name` is idle. NOT_FOUND for an unknown outbox;
  // DEADLINE_EXCEEDED naming it when `timeout` passes first. Its timeout is
  // the outbox's own (real time).
  absl::Status WaitForCommands(absl::string_view name,
                               absl::Duration timeout) const;

  // Ends every consumer wait (UNAVAILABLE) and refuses new ones: call before
  // the server shuts down, so shutdown does not wait for them. Idempotent.
  void Stop();

 private:
  struct Consumer {
    std::string producer;
    uint64_t cursor = 0;
  };

  Clock& clock_;
  mutable absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  // std::map: nodes stay put, so on_cursor callbacks may point at them.
  std::map<std::string, Consumer, std::less<>> consumers_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, IdleWait, std::less<>> outboxes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cs

#endif  // CS_LIBS_EVENTS_CONSUMER_PROGRESS_H_
