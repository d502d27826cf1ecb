// The assigner: delivers routing decisions to the ticket service.
//
// Routing never calls the ticket service while it decides: a decision writes
// an AssignTicketRequest into the "assignments" family in the same WriteSet as
// the routing record it belongs to (so a crash loses neither), and this
// worker drains the family by calling TicketClient::Assign:
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
// assignment that changes nothing as a no-op.
//
//   Assigner assigner(store, assignments_family, client, state_mu, {});
//   assigner.Start();
//   ... writes.OnCommit([&](bool ok) { if (ok) assigner.Wake(); });
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
#include "libs/store/store.h"
#include "services/routing/clients/ticket_client.h"

namespace cs::routing {

class Assigner {
 public:
  struct Options {
    absl::Duration initial_backoff = absl::Milliseconds(200);
    absl::Duration max_backoff = absl::Seconds(30);
  };

  // `state_mu` is the mutex under which every writer of `family` runs (the
  // routing app's state mutex); the assigner takes it only around its
  // compare-and-delete. Everything passed must outlive the assigner.
  Assigner(Store& store, ColumnFamily family, TicketClient& client,
           absl::Mutex& state_mu, Options options);
  ~Assigner();

  Assigner(const Assigner&) = delete;
  Assigner& operator=(const Assigner&) = delete;

  // Starts the worker thread (no-op when running).
  void Start();
  // Stops and joins it; a call in flight finishes first. Idempotent.
  void Stop();
  // Makes the worker look at the family again (call after a commit that
  // added a record). Cheap; safe from commit callbacks.
  void Wake();

  // Blocks until the worker has looked at the family after the last Wake()
  // and found nothing left to send, or `timeout` (real time) passes. True on
  // success. For tests and orderly hand-over.
  bool WaitIdle(absl::Duration timeout) const;

  // Requests delivered (OK) and given up (final error) since construction.
  uint64_t delivered() const;
  uint64_t rejected() const;

 private:
  struct Backoff {
    std::string value;  // the record the backoff applies to
    int attempts = 0;
    absl::Time next;  // real time
  };

  void Run();
  // Deletes `key` when it still holds `value`.
  void DeleteIfUnchanged(const std::string& key, const std::string& value);
  bool stopping() const;

  Store& store_;
  const ColumnFamily family_;
  TicketClient& client_;
  absl::Mutex& state_mu_;
  const Options options_;

  std::map<std::string, Backoff> backoff_;  // only touched by the worker

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = true;  // look once at start
  bool in_pass_ ABSL_GUARDED_BY(mu_) = false;
  bool idle_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t delivered_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t rejected_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

// True for the statuses of TicketService.AssignTicket that retrying cannot
// change (the assignment is dropped).
bool IsFinalAssignError(const absl::Status& status);

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_SERVICE_ASSIGNER_H_
