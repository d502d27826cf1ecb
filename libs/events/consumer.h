// Follows one producer's EventStream and applies each event exactly once to
// the consumer's own Store.
//
// The handler adds the effect of an event to a WriteSet; the consumer adds
// its cursor (the event's sequence) to the same WriteSet and commits both
// together. A restart therefore resumes right after the last applied event:
// delivery is at-least-once, effects happen once. Events that have already
// arrived are applied as one CommitGroup (each event still its own atomic
// batch, visible to the next handler's reads) with one fsync for the group;
// the batches' commit callbacks (outbox events, commands) run after it.
//
//   cs::EventConsumer consumer(store, {.name = "routing<-ticket",
//                                      .target = "127.0.0.1:50051",
//                                      .types = {"TicketCreated"}},
//       [&](const cs::common::v1::Event& e, cs::WriteSet& writes) {
//         return router.OnTicketCreated(e, writes);
//       });
//   consumer.Start();
//   ...
//   consumer.Stop();
//
// Connection errors and handler errors are retried with exponential backoff
// (the stream is reopened from the cursor). A handler error that persists
// for `max_attempts` deliveries of the same event parks the event in the
// dead-letter records and moves on, so one poison event cannot stall the
// stream; the failure is counted and logged.
#ifndef CS_LIBS_EVENTS_CONSUMER_H_
#define CS_LIBS_EVENTS_CONSUMER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cs/common/v1/event.pb.h"
#include "grpcpp/client_context.h"
#include "libs/common/tls.h"
#include "libs/store/commit_group.h"
#include "libs/store/store.h"

namespace cs {

class EventConsumer {
 public:
  struct Options {
    // Unique per (consumer, producer partition); keys the cursor.
    std::string name;
    // host:port of the producer's EventStream.
    std::string target;
    // How to reach it (TLS or plaintext; see libs/common/tls.h).
    ChannelFactory channels;
    // Event types wanted; empty means all.
    std::vector<std::string> types;
    // Returns the bearer token to present (called on every connect); may be
    // empty for none.
    std::function<std::string()> token;
    absl::Duration initial_backoff = absl::Milliseconds(50);
    absl::Duration max_backoff = absl::Seconds(5);
    int max_attempts = 8;
    // Called with the new cursor after each committed event (e.g. to export
    // it as a gauge for consumer-lag alerts), before WaitForCursor sees it;
    // must be quick. May be empty.
    std::function<void(uint64_t cursor)> on_cursor;
    // Called once for each event parked in the dead letters, after the park
    // committed and before WaitForCursor sees its cursor (e.g. to count
    // them for an alert); must be quick. May be empty.
    std::function<void()> on_dead_letter;
  };
  // Adds the effect of `event` to `writes`. Returning an error retries it.
  using Handler = std::function<absl::Status(const common::v1::Event& event,
                                             WriteSet& writes)>;

  // `store` must outlive the consumer. Reads the stored cursor at Start().
  EventConsumer(Store& store, Options options, Handler handler);
  // Stops if running.
  ~EventConsumer();

  // Starts the background thread. FAILED_PRECONDITION when already started;
  // storage errors reading the cursor are returned.
  absl::Status Start();
  // Cancels the stream and joins the thread. Idempotent. An event being
  // applied finishes first.
  void Stop();

  // Sequence of the last applied event (0 before the first), or of the last
  // unwanted event the stream skipped once caught up (progress marker), so a
  // filtered consumer also reaches the log's end. Only applied events' cursors
  // are stored; a restart resumes from there and skips the rest again.
  uint64_t cursor() const;
  // Blocks until cursor() >= sequence or `timeout` passes; true on success.
  // For tests and orderly hand-over; production code never waits on it.
  bool WaitForCursor(uint64_t sequence, absl::Duration timeout) const;
  // Whether the stream is currently open.
  bool connected() const;
  // Events parked after exhausting their attempts.
  uint64_t dead_lettered() const;

  // Cursor stored for consumer `name` in `store` (0 when none).
  static absl::StatusOr<uint64_t> StoredCursor(const Store& store,
                                               absl::string_view name);

 private:
  void Run();
  // Opens one stream and applies events until it breaks or Stop().
  // Returns whether progress was made (to reset the backoff).
  bool RunStream();
  // Adds the event's effect (or its dead letter) and the cursor to `group`.
  absl::Status Apply(const common::v1::Event& event, CommitGroup& group,
                     bool* dead_lettered);
  // Publishes progress once it is durable.
  void Advance(uint64_t cursor, int dead_lettered);
  // Events applied per fsync at most.
  static constexpr size_t kMaxGroup = 256;

  Store& store_;
  const Options options_;
  const Handler handler_;
  ColumnFamily cursor_family_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool connected_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t cursor_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t dead_lettered_ ABSL_GUARDED_BY(mu_) = 0;
  grpc::ClientContext* active_context_ ABSL_GUARDED_BY(mu_) = nullptr;
  uint64_t failing_sequence_ = 0;  // only touched by the run thread
  int failures_ = 0;               // only touched by the run thread
  std::thread thread_;
};

}  // namespace cs

#endif  // CS_LIBS_EVENTS_CONSUMER_H_
