// The routing & SLA service's application layer (路由与服务时限): everything
// routing-server decides, with no gRPC server types.
//
//   ASSIGN_OR_RETURN(RoutingSettings settings,
//                    LoadRoutingSettings(routing_path, calendars_path));
//   ASSIGN_OR_RETURN(auto app, RoutingApp::Create(host.store(), host.outbox(),
//                                                 host.clock(), settings,
//                                                 ticket_client, options));
//   RETURN_IF_ERROR(app->Start());   // loads, timers, consumer, assigner
//   ...
//   app->Stop();                     // consumer, assigner, timers
//
// What it does:
//  * consumes the ticket service's events (EventConsumer "routing<-ticket"):
//    grades (grading.h) and routes (agent_selection.h) new tickets, keeps
//    each ticket's routing record, counts tickets against agents, queues
//    tickets nobody can take, and drives the SLA clocks (sla_clock.h
//    semantics) of every ticket;
//  * fires SLA deadlines through a TimerEngine (one timer per clock, armed at
//    its next deadline: the warning, then the breach), publishing SlaWarning
//    / SlaBreached with the TRUE due instants, also after downtime;
//  * sends its decisions to the ticket service through the Assigner
//    (assigner.h), never while deciding;
//  * serves RoutingService and SlaService (one method per RPC below).
//
// Event handling (effects of one ticket event land in ONE WriteSet with the
// consumer's cursor; `now` = the instant in the event):
//   TicketCreated        grade, department, agent or queue; pending
//                        assignment; TicketRouted; start the clocks of
//                        ticket_clocks.start_on_create (SlaClockStarted)
//   TicketUpdated        grading inputs changed and the grade moves (or a
//                        person set another grade): RECOMPUTE open clocks;
//                        re-route when the department changes; pending
//                        assignment with the new grade
//   TicketAssigned       by a person: load moves to the new assignee; an
//                        empty assignee queues the ticket in its department;
//                        clocks take the new department/assignee; a new grade
//                        retargets. Echoes of routing's own calls change no
//                        state; one that left the ticket different from the
//                        record (overtaken by a person's change) with
//                        nothing pending re-sends the record's decision.
//   TicketReplied        public agent reply: fulfil FIRST_RESPONSE,
//                        NEXT_REPLY and PERIODIC_UPDATE, start the next
//                        PERIODIC_UPDATE; public customer message (after the
//                        first response): start NEXT_REPLY
//   TicketStatusChanged  → PENDING_CUSTOMER pauses running ticket clocks;
//                        leaving it for an open status resumes them
//   TicketResolved       fulfil RESOLUTION, stop the others; release the
//                        agent and give the department queue to free agents;
//                        start FOLLOW_UP and RECORD_COMPLETENESS (when
//                        enabled in ticket_clocks)
//   TicketClosed         stop every open request-handling clock (not
//                        FOLLOW_UP / RECORD_COMPLETENESS); release
//   TicketReopened       new RESOLUTION clock; the ticket counts again; stop
//                        FOLLOW_UP and RECORD_COMPLETENESS
//   FollowUpRecorded     fulfil FOLLOW_UP
//   ServiceRecordChecked complete: fulfil RECORD_COMPLETENESS
//   TicketMerged         facts only (each source gets its TicketClosed)
// Every WARN/BREACH entry a transition records first (deadlines that fell
// due before it) is published as SlaWarning/SlaBreached too.
//
// Locking. One mutex, `state_mu_`, serialises every routing-state decision
// together with its commit: the consumer and timer handlers lock it and
// release it from a commit callback of the WriteSet they fill (so the lock
// is held until the consumer/engine has committed); RPC writes lock it and
// commit themselves. In-memory state (agent loads in AgentRegistry) changes
// only in commit callbacks with committed == true, so a failed commit leaves
// memory as the store. The TimerEngine's per-id serialisation contract is
// met because every Arm/Cancel happens under `state_mu_`. Reads (Get/List)
// take no lock: each record is one key.
//
// Thread-safe.
#ifndef CS_SERVICES_ROUTING_SERVICE_ROUTING_APP_H_
#define CS_SERVICES_ROUTING_SERVICE_ROUTING_APP_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cs/common/v1/event.pb.h"
#include "cs/routing/v1/routing.pb.h"
#include "libs/auth/principal.h"
#include "libs/auth/roles.h"
#include "libs/common/clock.h"
#include "libs/common/departments.h"
#include "libs/common/tls.h"
#include "libs/events/consumer.h"
#include "libs/events/outbox.h"
#include "libs/store/store.h"
#include "libs/timers/timer_engine.h"
#include "services/routing/clients/ticket_client.h"
#include "services/routing/domain/calendar.h"
#include "services/routing/domain/routing_config.h"
#include "services/routing/service/agent_registry.h"
#include "services/routing/service/assigner.h"
#include "services/routing/service/queue_floors.h"
#include "services/routing/store/routing_store.h"

namespace cs::routing {

// The validated configuration routing-server runs with.
struct RoutingSettings {
  LoadedConfig config;
  std::map<std::string, BusinessCalendar> calendars;
};

// Loads calendars.conf, then routing.textproto against its calendar names
// and `departments`. INVALID_ARGUMENT naming the file and line (the domain
// loaders' messages); NOT_FOUND / PERMISSION_DENIED when a file cannot be
// read.
absl::StatusOr<RoutingSettings> LoadRoutingSettings(
    absl::string_view routing_config_path, absl::string_view calendars_path,
    const DepartmentDirectory& departments = DepartmentDirectory());

class RoutingApp {
 public:
  struct Options {
    // host:port of the ticket service's EventStream; empty runs no consumer
    // (tests deliver events with HandleTicketEvent).
    std::string ticket_events_target;
    // Bearer token for the EventStream (called on every connect).
    std::function<std::string()> token;
    // How the EventStream is reached (TLS or plaintext).
    ChannelFactory channels;
    // Subject routing's own calls carry ("service:routing"): TicketAssigned
    // events with this assigned_by are echoes of routing's decisions.
    std::string self_subject = "service:routing";
    Assigner::Options assigner;
    TimerEngine::Options timers;
    absl::Duration consumer_initial_backoff = absl::Milliseconds(50);
    // Called with the consumer's cursor after each applied ticket event.
    std::function<void(uint64_t)> on_cursor;
    // Called once per ticket event the consumer dead-letters.
    std::function<void()> on_dead_letter;
    // Called once per warning or breach that committed (for the
    // cs_sla_warnings_total / cs_sla_breaches_total counters).
    std::function<void(const v1::SlaClock&, v1::ClockTransition)> on_deadline;
    // The departments agents may name (--departments-file); open by default.
    // Clocks are not checked: StartClock carries the department of a
    // complaint, checked where it was written, and a department taken out
    // of the file keeps its running complaints' deadlines.
    DepartmentDirectory departments;
  };

  // Name of the consumer (keys its cursor).
  static constexpr absl::string_view kConsumerName = "routing<-ticket";

  // Roles per RPC group.
  static constexpr auth::RoleSet kStaff{
      auth::Role::kAgent,      auth::Role::kTeamLead,
      auth::Role::kSupervisor, auth::Role::kQa,
      auth::Role::kDirector,   auth::Role::kAdmin,
      auth::Role::kService,    auth::Role::kComplaintOfficer};
  // RegisterAgent, SetAgentAvailability. A team lead (without supervisor or
  // admin) may only manage agents of the department in their token.
  static constexpr auth::RoleSet kAgentManagers{
      auth::Role::kTeamLead, auth::Role::kSupervisor, auth::Role::kAdmin};
  // StartClock, UpdateClock: the services that drive clocks (the complaint
  // service) and admins. People work the ticket or complaint instead; a
  // clock moved by hand would bypass the flow it measures.
  static constexpr auth::RoleSet kClockWriters{auth::Role::kService,
                                               auth::Role::kAdmin};

  // `store` (opened with RoutingColumnFamilies()), `outbox`, `clock` and
  // `tickets` must outlive the app. NOT_FOUND when a family is missing.
  static absl::StatusOr<std::unique_ptr<RoutingApp>> Create(
      Store& store, Outbox& outbox, Clock& clock, RoutingSettings settings,
      TicketClient& tickets, Options options);
  // Stops if running.
  ~RoutingApp();

  RoutingApp(const RoutingApp&) = delete;
  RoutingApp& operator=(const RoutingApp&) = delete;

  // Loads agents and their loads, starts the timers (deadlines that fell due
  // while the service was down fire now with their true due times), hands
  // queued tickets to free agents, then starts the consumer and the
  // assigner. Storage errors are returned; nothing is left running then.
  absl::Status Start();
  // Stops the consumer, the assigner and the timers, in that order.
  // Idempotent. Call before the store closes.
  void Stop();

  // ---- RoutingService (callers already hold a role of the group above)
  absl::StatusOr<v1::Agent> RegisterAgent(const auth::Principal& caller,
                                          const v1::RegisterAgentRequest& req);
  absl::StatusOr<v1::Agent> GetAgent(const auth::Principal& caller,
                                     const v1::GetAgentRequest& req);
  absl::StatusOr<v1::ListAgentsResponse> ListAgents(
      const auth::Principal& caller, const v1::ListAgentsRequest& req);
  absl::StatusOr<v1::Agent> SetAgentAvailability(
      const auth::Principal& caller,
      const v1::SetAgentAvailabilityRequest& req);
  // NOT_FOUND when routing has not seen the ticket.
  absl::StatusOr<v1::TicketRouting> GetTicketRouting(
      const auth::Principal& caller, const v1::GetTicketRoutingRequest& req);
  absl::StatusOr<v1::ListQueueResponse> ListQueue(
      const auth::Principal& caller, const v1::ListQueueRequest& req);

  // ---- SlaService
  // StartClock and UpdateClock: FAILED_PRECONDITION TICKET_DRIVEN_CLOCK for
  // the kinds the ticket's events drive (first response, next reply,
  // periodic update, resolution, follow-up, record completeness). The
  // ledger entry's reason names the caller.
  absl::StatusOr<v1::SlaClock> StartClock(const auth::Principal& caller,
                                          const v1::StartClockRequest& req);
  absl::StatusOr<v1::SlaClock> UpdateClock(const auth::Principal& caller,
                                           const v1::UpdateClockRequest& req);
  // NOT_FOUND when the subject has no clock.
  absl::StatusOr<v1::GetTicketClocksResponse> GetTicketClocks(
      const auth::Principal& caller, const v1::GetTicketClocksRequest& req);
  absl::StatusOr<v1::ListPoliciesResponse> ListPolicies(
      const auth::Principal& caller, const v1::ListPoliciesRequest& req);

  // ---- Handlers (public so tests can deliver events without a ticket
  // server). Each locks `state_mu_` until `writes` is committed or dropped.
  // The EventConsumer handler: adds the effects of one ticket event.
  absl::Status HandleTicketEvent(const common::v1::Event& event,
                                 WriteSet& writes);
  // The TimerEngine handler: records the deadline(s) of clock `timer.id`.
  absl::Status HandleTimer(const Timer& timer, WriteSet& writes);

  // ---- For tests and orderly hand-over (production code never waits).
  // Consumer cursor reached `sequence` (false without a consumer).
  bool WaitForTicketEvents(uint64_t sequence, absl::Duration timeout) const;
  bool WaitAssignerIdle(absl::Duration timeout) const;
  bool WaitTimersIdle(absl::Duration timeout) const;
  const EventConsumer* consumer() const { return consumer_.get(); }
  AgentRegistry& agents() { return *agents_; }
  const RoutingStore& routing_store() const { return *store_; }
  const RoutingSettings& settings() const { return settings_; }

 private:
  class Txn;

  RoutingApp(Store& store, Outbox& outbox, Clock& clock,
             RoutingSettings settings, TicketClient& tickets, Options options,
             std::unique_ptr<RoutingStore> routing_store);

  // The calendar called `name`; the default calendar when it is unknown
  // (a clock started under an older configuration).
  const BusinessCalendar& CalendarOf(const std::string& name) const;

  absl::Status ApplyTicketEvent(Txn& txn, const common::v1::Event& event)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_mu_);
  // Runs `work` in a Txn and commits it (RPC and start-up writes).
  absl::Status CommitTxn(const std::function<absl::Status(Txn&)>& work)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_mu_);
  absl::Status CheckAgentManager(const auth::Principal& caller,
                                 absl::string_view department) const;

  Store& store_base_;
  Outbox& outbox_;
  Clock& clock_;
  const RoutingSettings settings_;
  const Options options_;
  std::unique_ptr<RoutingStore> store_;
  std::unique_ptr<AgentRegistry> agents_;
  // Where scans of each department's queue start (Drain, ListQueue).
  QueueFloors queue_floors_;

  absl::Mutex state_mu_;
  std::unique_ptr<TimerEngine> timers_;
  std::unique_ptr<Assigner> assigner_;
  std::unique_ptr<EventConsumer> consumer_;

  absl::Mutex lifecycle_mu_;
  bool running_ ABSL_GUARDED_BY(lifecycle_mu_) = false;
};

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_SERVICE_ROUTING_APP_H_
