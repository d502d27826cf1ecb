// The command sender: delivers the complaint service's calls to other
// services (routing-sla clocks, escalation requests) reliably.
//
// The app never calls another service while it decides: a change writes its
// v1::PendingCommand records into the commands family in the same WriteSet
// (so a crash loses neither), and this worker drains the family in key order
// (cs::CommandOutbox with ordered groups, as routing's Assigner uses it):
//
//   * OK or a final error (NOT_FOUND, FAILED_PRECONDITION, INVALID_ARGUMENT,
//     OUT_OF_RANGE, ALREADY_EXISTS; logged) → the record is deleted;
//   * anything else (UNAVAILABLE, DEADLINE_EXCEEDED, …) → retried with
//     exponential backoff in real time; later commands of the same complaint
//     (same key prefix before '/') wait behind it, so a clock is never
//     fulfilled before it was started.
//
// Delivering twice is harmless: StartClock is idempotent per (subject, kind),
// RequestEscalation per (subject, severity).
//
//   CommandSender sender(store, family, deliver, {});
//   sender.Start();
//   ... writes.OnCommit([&](bool ok) { if (ok) sender.WakeFor(key); });
//   sender.Stop();
//
// Thread-safe.
#ifndef CS_SERVICES_COMPLAINT_SERVICE_COMMAND_SENDER_H_
#define CS_SERVICES_COMPLAINT_SERVICE_COMMAND_SENDER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cs/complaint/v1/storage.pb.h"
#include "libs/events/command_outbox.h"
#include "libs/store/store.h"

namespace cs::complaint {

class CommandSender {
 public:
  using Deliver = std::function<absl::Status(const v1::PendingCommand&)>;
  struct Options {
    absl::Duration initial_backoff = absl::Milliseconds(200);
    absl::Duration max_backoff = absl::Seconds(30);
  };

  // `store`, `family` must outlive the sender; `deliver` is called from the
  // worker thread only, never under a lock of the app.
  CommandSender(Store& store, ColumnFamily family, Deliver deliver,
                Options options);

  CommandSender(const CommandSender&) = delete;
  CommandSender& operator=(const CommandSender&) = delete;

  void Start() { outbox_.Start(); }
  // Stops and joins the worker; a call in flight finishes first. Idempotent.
  void Stop() { outbox_.Stop(); }
  // Makes the worker look at the family again. Cheap; safe from callbacks.
  void Wake() { outbox_.Wake(); }
  // After a commit that wrote the command at `key` (PutCommand's): see
  // CommandOutbox::WakeFor.
  void WakeFor(absl::string_view key) { outbox_.WakeFor(key); }
  // Blocks until a pass after the last Wake() or WakeFor() found nothing
  // left, or `timeout` passes (real time). For tests.
  bool WaitIdle(absl::Duration timeout) const {
    return outbox_.WaitIdle(timeout);
  }

  uint64_t delivered() const { return outbox_.delivered(); }
  uint64_t rejected() const { return outbox_.rejected(); }

 private:
  CommandOutbox outbox_;
};

// True for statuses that retrying cannot change (the command is dropped).
inline bool IsFinalCommandError(const absl::Status& status) {
  return IsFinalDeliveryError(status);
}

}  // namespace cs::complaint

#endif  // CS_SERVICES_COMPLAINT_SERVICE_COMMAND_SENDER_H_
