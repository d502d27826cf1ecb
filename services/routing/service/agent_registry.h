// The agent registry of the routing service: profiles (department, skills,
// capacity) set through RoutingService, availability, and the live load the
// router balances on.
//
// Profiles and availability are stored in the "agents" family. Load (active
// tickets, last assignment) is not stored here: it is derived from the
// routing records, which only the event consumer writes, and reported to the
// registry with NoteAssigned / NoteReleased after those records commit. So
// RPC writes and the consumer never overwrite each other's data.
//
// Thread-safe.
#ifndef CS_SERVICES_ROUTING_SERVICE_AGENT_REGISTRY_H_
#define CS_SERVICES_ROUTING_SERVICE_AGENT_REGISTRY_H_

#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cs/routing/v1/routing.pb.h"
#include "libs/common/clock.h"
#include "libs/store/store.h"

namespace cs::routing {

class AgentRegistry {
 public:
  static constexpr absl::string_view kFamily = "agents";

  // `store` and `clock` must outlive the registry.
  AgentRegistry(Store& store, const Clock& clock);

  // Reads every stored profile. Call once before serving.
  absl::Status Load();

  // Creates or replaces the profile of `agent.name`; availability and load are
  // kept (a new agent starts OFFLINE). INVALID_ARGUMENT names the bad field.
  absl::StatusOr<v1::Agent> Register(const v1::Agent& agent);
  // NOT_FOUND when unknown; INVALID_ARGUMENT for a malformed name.
  absl::StatusOr<v1::Agent> Get(absl::string_view name) const;
  absl::StatusOr<v1::ListAgentsResponse> List(
      const v1::ListAgentsRequest& request) const;
  absl::StatusOr<v1::Agent> SetAvailability(absl::string_view name,
                                            v1::Availability availability);

  // Load bookkeeping, called by the router after its records committed.
  void NoteAssigned(absl::string_view agent_id, absl::Time when);
  void NoteReleased(absl::string_view agent_id);
  // Sets the live load of a registered agent outright: at start-up from the
  // stored loads, or when an agent registers for the first time while tickets
  // are already counted against it (a person assigned them). `last_assigned`
  // InfinitePast() means never. Unknown agents are ignored.
  void RestoreLoad(absl::string_view agent_id, int active,
                   absl::Time last_assigned);

  // Every agent with its live load, for agent selection.
  std::vector<v1::Agent> Snapshot() const;

 private:
  absl::StatusOr<std::string> AgentIdOf(absl::string_view name) const;
  absl::Status Save(const v1::Agent& agent) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Store& store_;
  ColumnFamily family_;
  const Clock& clock_;
  mutable absl::Mutex mu_;
  std::map<std::string, v1::Agent> agents_ ABSL_GUARDED_BY(mu_);
};

// Validates an agent profile as given to RegisterAgent.
absl::Status ValidateAgent(const v1::Agent& agent);

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_SERVICE_AGENT_REGISTRY_H_
