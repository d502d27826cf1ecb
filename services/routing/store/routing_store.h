// Storage layout of the routing service on the suite's Store seam (never
// includes RocksDB). One place names every column family and key format, so
// the application layer reads and writes typed records only.
//
//   family       key                                         value
//   agents       agent id                                    v1::Agent profile
//                                                            (AgentRegistry)
//   routing      ticket id                                   v1::StoredRouting
//   queue        department \0 queued BE micros ticket id    "" (oldest first)
//   clocks       clock id (ClockId: the subject's id, then    v1::StoredClock
//                kind and number, so a subject's clocks are
//                adjacent)
//   assignments  ticket id AssignTicketRequest
//                                                            waiting to be sent
//   loads        agent id \0 ticket id                       "" (an active
//                                                            ticket counted
//                                                            against the agent)
//                agent id \1                                 BE micros of the
//                                                            agent's last
//                                                            assignment
//   sla_timers   TimerEngine records ("t/" + clock id)
//
// Stores written before 2026-11-24 also hold a family "clock_index"
// (subject \0 kind byte clock id), which is no longer read or written: a
// subject's clocks are found by their ids' common prefix.
//
// Agent ids are [A-Za-z0-9._@-] and departments valid UTF-8 without control
// characters, so the \0 / \1 separators never occur inside them.
//
//   ASSIGN_OR_RETURN(auto store, RoutingStore::Open(host.store()));
//   ASSIGN_OR_RETURN(std::optional<v1::StoredRouting> r,
//                    store->GetRouting(ticket_id));
//
// Thread-safe (every method is a read of a consistent snapshot or adds
// operations to a caller-owned WriteSet; callers serialise read-modify-write).
#ifndef CS_SERVICES_ROUTING_STORE_ROUTING_STORE_H_
#define CS_SERVICES_ROUTING_STORE_ROUTING_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cs/routing/v1/routing.pb.h"
#include "cs/routing/v1/storage.pb.h"
#include "cs/ticket/v1/ticket.pb.h"
#include "libs/store/store.h"

namespace cs::routing {

// Must equal AgentRegistry::kFamily (checked where both are visible).
inline constexpr absl::string_view kAgentsFamily = "agents";
inline constexpr absl::string_view kRoutingFamily = "routing";
inline constexpr absl::string_view kQueueFamily = "queue";
inline constexpr absl::string_view kClocksFamily = "clocks";
inline constexpr absl::string_view kAssignmentsFamily = "assignments";
inline constexpr absl::string_view kLoadsFamily = "loads";
inline constexpr absl::string_view kTimersFamily = "sla_timers";

// Every family the routing service opens (AgentRegistry's "agents" included).
std::vector<std::string> RoutingColumnFamilies();

// --- Keys -------------------------------------------------------------------

// department \0 <queued time, 8-byte big-endian Unix micros> ticket id.
std::string QueueKey(absl::string_view department, absl::Time queued,
                     absl::string_view ticket_id);
// department \0: the prefix of that department's queue.
std::string QueuePrefix(absl::string_view department);
// Splits a queue key; false when malformed.
bool ParseQueueKey(absl::string_view key, std::string* department,
                   std::string* ticket_id);

// `kind` as clock ids and messages name it: "first_response".
std::string ClockKindText(v1::ClockKind kind);
// The id of the `n`th clock (from 1) of `kind` on `subject`:
// "tickets/01H…" + FIRST_RESPONSE + 1 → "t.01H….first_response.1";
// "complaints/…" gives "c.…", any other subject "x.<subject>.…".
std::string ClockId(absl::string_view subject, v1::ClockKind kind, int n);
// What every ClockId of `subject` starts with. Another subject's ids may
// start with it too ("x.a." and "x.a.b."): read the stored subject.
std::string ClockIdPrefix(absl::string_view subject);

std::string LoadKey(absl::string_view agent_id, absl::string_view ticket_id);
std::string LastAssignedKey(absl::string_view agent_id);

// Load of one agent as recorded in the "loads" family.
struct StoredLoad {
  int active = 0;
  absl::Time last_assigned = absl::InfinitePast();
};

class RoutingStore {
 public:
  // NOT_FOUND when `store` was opened without RoutingColumnFamilies().
  // `store` must outlive the result.
  static absl::StatusOr<std::unique_ptr<RoutingStore>> Open(Store& store);

  Store& store() const { return store_; }
  ColumnFamily routing() const { return routing_; }
  ColumnFamily queue() const { return queue_; }
  ColumnFamily clocks() const { return clocks_; }
  ColumnFamily assignments() const { return assignments_; }
  ColumnFamily loads() const { return loads_; }
  ColumnFamily timers() const { return timers_; }

  // nullopt when absent; DATA_LOSS when the record does not parse.
  absl::StatusOr<std::optional<v1::StoredRouting>> GetRouting(
      absl::string_view ticket_id) const;
  void PutRouting(WriteSet& writes, absl::string_view ticket_id,
                  const v1::StoredRouting& record) const;

  absl::StatusOr<std::optional<v1::StoredClock>> GetClock(
      absl::string_view clock_id) const;
  void PutClock(WriteSet& writes, absl::string_view clock_id,
                const v1::StoredClock& clock) const;
  // Every stored clock of `subject` with its id, ordered by kind, then by
  // number (the order they were started in). DATA_LOSS when one does not
  // parse.
  absl::StatusOr<std::vector<std::pair<std::string, v1::StoredClock>>> ClocksOf(
      absl::string_view subject) const;

  // Queue keys of `department` in age order, at most `limit` (0: all),
  // starting at `from` (a queue key of the department; "" or a lower key
  // means the head).
  absl::StatusOr<std::vector<std::string>> QueueKeys(
      absl::string_view department, absl::string_view from, size_t limit) const;
  // Departments that have at least one queued ticket.
  absl::StatusOr<std::vector<std::string>> QueuedDepartments() const;

  void PutAssignment(WriteSet& writes, absl::string_view ticket_id,
                     const ticket::v1::AssignTicketRequest& request) const;
  void DeleteAssignment(WriteSet& writes, absl::string_view ticket_id) const;

  // Counts `ticket_id` against `agent_id` and records `when` as the agent's
  // last assignment.
  void PutLoad(WriteSet& writes, absl::string_view agent_id,
               absl::string_view ticket_id, absl::Time when) const;
  void DeleteLoad(WriteSet& writes, absl::string_view agent_id,
                  absl::string_view ticket_id) const;

  // Every agent's load from the "loads" family.
  absl::StatusOr<std::map<std::string, StoredLoad>> Loads() const;
  // The load of one agent.
  absl::StatusOr<StoredLoad> LoadOf(absl::string_view agent_id) const;

 private:
  explicit RoutingStore(Store& store) : store_(store) {}

  Store& store_;
  ColumnFamily routing_, queue_, clocks_, assignments_, loads_, timers_;
};

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_STORE_ROUTING_STORE_H_
