// The transactional outbox: a service's event log, kept in its own Store.
//
// A state change and the event describing it are written in ONE WriteSet, so
// there is never an event without its change or a change without its event:
//
//   cs::WriteSet writes;
//   writes.PutProto(tickets, id, ticket);
//   outbox.Append(writes, "tickets/" + id, created_payload);
//   RETURN_IF_ERROR(store.Commit(writes));
//
// Sequences are assigned at Append and stored as 8-byte big-endian keys, so
// the log is read in key order. Concurrent writers may commit out of sequence
// order; readers only see events up to the *visible watermark*, the highest
// sequence below which every reserved sequence has either committed or been
// abandoned. A reader therefore never skips an event that commits later.
// Abandoned sequences (batch not committed) leave permanent, harmless gaps.
//
// The newest committed events are also kept in memory (Options::
// cached_events), so subscribers that keep up with the log, usually several
// per producer, read them without a store scan and a parse each; a reader
// further behind reads the store.
#ifndef CS_LIBS_EVENTS_OUTBOX_H_
#define CS_LIBS_EVENTS_OUTBOX_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "cs/common/v1/event.pb.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/message.h"
#include "libs/common/clock.h"
#include "libs/store/store.h"

namespace cs {

class Outbox {
 public:
  struct Options {
    std::string producer;     // e.g. "ticket"
    uint32_t partition = 0;
    // Newest committed events kept in memory for Read (0: none).
    size_t cached_events = 4096;
  };

  // Opens the log kept in `store` (family Store::kOutboxFamily), resuming
  // after its highest stored sequence. `store` and `clock` must outlive it.
  static absl::StatusOr<std::unique_ptr<Outbox>> Open(Store& store,
                                                      Options options,
                                                      const Clock& clock);

  // Adds an event {type = payload's message name, subject, occurred now,
  // producer, partition, new ULID} to `writes` and returns its sequence. It
  // becomes visible to readers when `writes` commits. Thread-safe.
  uint64_t Append(WriteSet& writes, absl::string_view subject,
                  const google::protobuf::Message& payload);

  // Same, for a payload that is already packed (`type` is its message name,
  // e.g. "TicketCreated"), as domain code that builds events without the
  // outbox produces them.
  uint64_t AppendPacked(WriteSet& writes, absl::string_view subject,
                        absl::string_view type,
                        const google::protobuf::Any& payload);

  // Calls `visit` for visible events with sequence >= `from`, in order, up to
  // `limit` events (type filtering is the caller's). Returns the sequence to
  // read from next time, which moves past gaps. Thread-safe.
  absl::StatusOr<uint64_t> Read(
      uint64_t from, size_t limit,
      const std::function<void(const common::v1::Event&)>& visit) const;

  // Read, handing each event over shared: an event served from memory
  // (Options::cached_events) is the cached one itself, not a copy, so a
  // reader that keeps events (a stream's write buffer) copies nothing.
  absl::StatusOr<uint64_t> ReadShared(
      uint64_t from, size_t limit,
      const std::function<void(std::shared_ptr<const common::v1::Event>)>&
          visit) const;

  // Highest sequence readers may see; 0 when empty. Thread-safe.
  uint64_t VisibleSequence() const;
  // Lowest sequence still stored (retention may remove older ones); when the
  // log is empty, the sequence the next event will get. Thread-safe.
  uint64_t FirstSequence() const;

  // Registers `listener`, called (from the committing thread, so it must be
  // quick and must not call back into the Outbox listener API) whenever the
  // visible watermark advances. Returns an id for RemoveListener. After
  // RemoveListener returns, the listener is not running and never runs again.
  int AddListener(std::function<void()> listener);
  void RemoveListener(int id);

  // Retention: deletes events that occurred before `cutoff`, always keeping
  // the newest event. Returns how many were removed. Thread-safe.
  absl::StatusOr<uint64_t> TrimBefore(absl::Time cutoff);

  const Options& options() const { return options_; }

 private:
  Outbox(Store& store, ColumnFamily family, Options options,
         const Clock& clock, uint64_t first, uint64_t last);
  // Settles `sequence`; `committed` is its event when the batch landed,
  // null when it was abandoned.
  void Release(uint64_t sequence,
               std::shared_ptr<const common::v1::Event> committed);
  // Events of [from, visible] from the cache, up to `limit` (0: all); false
  // when the cache does not cover `from`.
  bool ReadCached(
      uint64_t from, uint64_t visible, size_t limit,
      std::vector<std::shared_ptr<const common::v1::Event>>* out) const;

  Store& store_;
  const ColumnFamily family_;
  const Options options_;
  const Clock& clock_;

  mutable absl::Mutex mu_;
  uint64_t next_sequence_ ABSL_GUARDED_BY(mu_);
  uint64_t first_sequence_ ABSL_GUARDED_BY(mu_);
  uint64_t visible_ ABSL_GUARDED_BY(mu_);
  std::set<uint64_t> in_flight_ ABSL_GUARDED_BY(mu_);
  // Every event that committed with a sequence from cache_first_ on and was
  // released; abandoned sequences are simply absent. Evicting the oldest
  // entry moves cache_first_ past it.
  std::map<uint64_t, std::shared_ptr<const common::v1::Event>> cache_
      ABSL_GUARDED_BY(mu_);
  uint64_t cache_first_ ABSL_GUARDED_BY(mu_);

  absl::Mutex listeners_mu_;
  int next_listener_id_ ABSL_GUARDED_BY(listeners_mu_) = 0;
  std::map<int, std::function<void()>> listeners_ ABSL_GUARDED_BY(listeners_mu_);
};

}  // namespace cs

#endif  // CS_LIBS_EVENTS_OUTBOX_H_
