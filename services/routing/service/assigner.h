// The assigner: delivers routing decisions to the ticket service.
//
// Routing never calls the ticket service while it decides: a decision writes
// an AssignTicketRequest into the "assignments" family in the same WriteSet as
// the routing record it belongs to (so a crash loses neither), and this
// worker drains the family by calling TicketClient::AssignAsync (up to
// max_in_flight calls at once, all started by the worker itself):
//
//   * OK, or a final error (NOT_FOUND, FAILED_PRECONDITION, INVALID_ARGUMENT,
//     OUT_OF_RANGE, ALREADY_EXISTS: the ticket is gone, resolved or closed;
//     logged) → the record is deleted, but only if it is still the one that
//     was sent (a newer decision for the same ticket replaces it and is sent
//     next);
//   * anything else (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, …) →
//     retried with exponential backoff per ticket, in real time (operational
//     pacing, not business time).
//
// Sending the same request twice is harmless: the ticket service treats an
// assignment that changes nothing as a no-op. The delivery mechanism is the
// shared cs::CommandOutbox (libs/events/command_outbox.h).
//
//   Assigner assigner(store, assignments_family, client, state_mu, {});
//   assigner.Start();
//   ... writes.OnCommit([&](bool ok) { if (ok) assigner.WakeFor(ticket_id); });
//   assigner.Stop();
//
// Thread-safe.
#ifndef CS_SERVICES_ROUTING_SERVICE_ASSIGNER_H_
#define CS_SERVICES_ROUTING_SERVICE_ASSIGNER_H_

#include <cstdint>
#include <map>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/events/command_outbox.h"
#include "libs/store/store.h"
#include "services/routing/clients/ticket_client.h"

namespace cs::routing {

class Assigner {
 public:
  struct Options {
    absl::Duration initial_backoff = absl::Milliseconds(200);
    absl::Duration max_backoff = absl::Seconds(30);
    // Assignments in flight at once; each ticket's own decisions still go
    // one at a time, newest last.
    int max_in_flight = 16;
  };

  // `state_mu` is the mutex under which every writer of `family` runs (the
  // routing app's state mutex); the assigner takes it only around its
  // compare-and-delete. Everything passed must outlive the assigner.
  Assigner(Store& store, ColumnFamily family, TicketClient& client,
           absl::Mutex& state_mu, Options options);

  void Start() { outbox_.Start(); }
  void Stop() { outbox_.Stop(); }
  void Wake() { outbox_.Wake(); }
  // After a commit that wrote the assignment of `ticket_id` (the family's
  // key): see CommandOutbox::WakeFor.
  void WakeFor(absl::string_view ticket_id) { outbox_.WakeFor(ticket_id); }
  bool WaitIdle(absl::Duration timeout) const {
    return outbox_.WaitIdle(timeout);
  }
  uint64_t delivered() const { return outbox_.delivered(); }
  uint64_t rejected() const { return outbox_.rejected(); }

 private:
  CommandOutbox outbox_;
};

// True for the statuses of TicketService.AssignTicket that retrying cannot
// change (the assignment is dropped).
inline bool IsFinalAssignError(const absl::Status& status) {
  return IsFinalDeliveryError(status);
}

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_SERVICE_ASSIGNER_H_
