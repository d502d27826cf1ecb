// The escalation service's application layer (升级): everything
// escalation-server decides, with no gRPC server types.
//
//   ASSIGN_OR_RETURN(EscalationSettings settings,
//                    LoadEscalationConfigFile(path));
//   ASSIGN_OR_RETURN(auto app, EscalationApp::Create(host.store(),
//   host.outbox(),
//                                                    host.clock(), settings,
//                                                    options));
//   RETURN_IF_ERROR(app->Start());   // timers, then the routing consumer
//   ...
//   app->Stop();
//
// What it does:
//  * consumes routing-sla's events (EventConsumer "escalation<-routing"):
//      SlaWarning         notifies the clock's assignee and the warning role
//                         (no case);
//      SlaBreached        opens ONE case per clock (dedup key
//                         "<clock name>/breach", stored with the case and the
//                         consumer cursor in one WriteSet) under the first
//                         policy for (grade, kind) and notifies level 1;
//      SlaClockFulfilled  closes the clock's case (the ticket was answered or
//      SlaClockStopped    resolved; routing turns TicketResolved/Closed into
//                         these, so the ticket stream is not consumed);
//  * raises the level of an unacknowledged case when its acknowledgement
//    deadline passes (a TimerEngine on the injected clock, persisted, so a
//    restart loses no raise; a deadline that fell due while the service or
//    routing was down fires at once with its TRUE due time);
//  * serves EscalationService (one method per RPC below).
// Notifications are EscalationNotified events in the service's own outbox,
// one per person or role; their sequence is WatchNotifications' cursor.
//
// Locking: one mutex, `state_mu_`, serialises every case decision with its
// commit. Consumer and timer handlers lock it and release it from an OnWritten
// callback of the WriteSet they fill; RPC writes lock it and commit
// themselves. Reads take no lock (a case is one key). Thread-safe.
#ifndef CS_SERVICES_ESCALATION_SERVICE_ESCALATION_APP_H_
#define CS_SERVICES_ESCALATION_SERVICE_ESCALATION_APP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cs/common/v1/event.pb.h"
#include "cs/escalation/v1/escalation.pb.h"
#include "libs/auth/principal.h"
#include "libs/auth/roles.h"
#include "libs/common/clock.h"
#include "libs/common/departments.h"
#include "libs/common/tls.h"
#include "libs/events/consumer.h"
#include "libs/events/outbox.h"
#include "libs/store/store.h"
#include "libs/timers/timer_engine.h"
#include "services/escalation/domain/escalation_config.h"
#include "services/escalation/store/escalation_store.h"

namespace cs::escalation {

class EscalationApp {
 public:
  struct Options {
    // host:port of routing-sla's EventStream; empty runs no consumer (tests
    // deliver events with HandleRoutingEvent).
    std::string routing_events_target;
    // Bearer token for the EventStream (called on every connect).
    std::function<std::string()> token;
    // How the EventStream is reached (TLS or plaintext).
    ChannelFactory channels;
    TimerEngine::Options timers;
    absl::Duration consumer_initial_backoff = absl::Milliseconds(50);
    // Called with the consumer's cursor after each applied routing event.
    std::function<void(uint64_t)> on_cursor;
    // Called once per routing event the consumer dead-letters.
    std::function<void()> on_dead_letter;
    // The departments a person's requested case may name
    // (--departments-file); open by default. A case without one takes the
    // requester's department, which is not checked: the token vouches for
    // it. Nor is the department a service passes on (see RequestEscalation).
    DepartmentDirectory departments;
  };

  static constexpr absl::string_view kConsumerName = "escalation<-routing";

  // Every RPC except RequestEscalation (Acknowledge/Resolve/Watch then check
  // the person or role in detail).
  static constexpr auth::RoleSet kStaff{
      auth::Role::kAgent,      auth::Role::kTeamLead,
      auth::Role::kSupervisor, auth::Role::kQa,
      auth::Role::kDirector,   auth::Role::kAdmin,
      auth::Role::kService,    auth::Role::kComplaintOfficer};
  // RequestEscalation.
  static constexpr auth::RoleSet kRequesters{
      auth::Role::kService, auth::Role::kComplaintOfficer, auth::Role::kAdmin};

  // `store` (opened with EscalationColumnFamilies()), `outbox` and `clock`
  // must outlive the app. NOT_FOUND when a family is missing.
  static absl::StatusOr<std::unique_ptr<EscalationApp>> Create(
      Store& store, Outbox& outbox, Clock& clock, EscalationSettings settings,
      Options options);
  ~EscalationApp();

  EscalationApp(const EscalationApp&) = delete;
  EscalationApp& operator=(const EscalationApp&) = delete;

  // Starts the timers (overdue levels are raised now), then the consumer.
  // Storage errors are returned; nothing is left running then.
  absl::Status Start();
  // Stops the consumer, then the timers. Idempotent.
  void Stop();

  // ---- EscalationService (callers already hold a role of the group above)
  absl::StatusOr<v1::EscalationCase> RequestEscalation(
      const auth::Principal& caller, const v1::RequestEscalationRequest& req);
  // NOT_FOUND when there is no such case.
  absl::StatusOr<v1::EscalationCase> GetCase(const auth::Principal& caller,
                                             const v1::GetCaseRequest& req);
  absl::StatusOr<v1::ListCasesResponse> ListCases(
      const auth::Principal& caller, const v1::ListCasesRequest& req);
  // PERMISSION_DENIED for anyone but the people notified so far, the
  // assignee when the level includes them, and holders of the current
  // level's role or a higher rank; a team lead acting by rank (not named by
  // the level) must have the case's department in their token (ErrorInfo
  // reason DEPARTMENT_SCOPE otherwise; supervisors, directors and admins are
  // not scoped). FAILED_PRECONDITION when closed; an already acknowledged
  // case is returned unchanged.
  absl::StatusOr<v1::EscalationCase> Acknowledge(
      const auth::Principal& caller, const v1::AcknowledgeRequest& req);
  // Same permission; closes the case (FAILED_PRECONDITION when closed).
  absl::StatusOr<v1::EscalationCase> Resolve(const auth::Principal& caller,
                                             const v1::ResolveRequest& req);
  absl::StatusOr<v1::ListPoliciesResponse> ListPolicies(
      const auth::Principal& caller, const v1::ListPoliciesRequest& req);
  // WatchNotifications admission: INVALID_ARGUMENT unless exactly one of
  // recipient and role is set (role a known name); PERMISSION_DENIED when
  // watching another person (without supervisor/director/admin) or a role
  // the caller does not hold (without admin).
  absl::Status CheckWatch(const auth::Principal& caller,
                          const v1::WatchNotificationsRequest& req) const;
  // The notification in `event` if it is one for `req`'s recipient or role
  // (its sequence set from the event); nullopt otherwise.
  static std::optional<v1::Notification> NotificationFor(
      const v1::WatchNotificationsRequest& req, const common::v1::Event& event);

  // ---- Handlers (public so tests can deliver events without routing).
  // Each locks `state_mu_` until `writes` is committed or dropped.
  absl::Status HandleRoutingEvent(const common::v1::Event& event,
                                  WriteSet& writes);
  absl::Status HandleTimer(const Timer& timer, WriteSet& writes);

  // ---- For tests (production code never waits).
  bool WaitForRoutingEvents(uint64_t sequence, absl::Duration timeout) const;
  bool WaitTimersIdle(absl::Duration timeout) const;
  const EscalationSettings& settings() const { return settings_; }
  Outbox& outbox() { return outbox_; }

 private:
  EscalationApp(Store& store, Outbox& outbox, Clock& clock,
                EscalationSettings settings, Options options,
                std::unique_ptr<EscalationStore> esc_store);

  absl::Status ApplyRoutingEvent(const common::v1::Event& event,
                                 WriteSet& writes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_mu_);
  // Opens a case (or does nothing when `dedup_key` already has one that is
  // open, or any one when `once`) and returns it.
  absl::StatusOr<v1::EscalationCase> OpenCase(
      WriteSet& writes, const std::string& dedup_key, bool once,
      const v1::EscalationPolicy& policy, v1::EscalationCase seed,
      absl::Time at) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_mu_);
  // Closes `record` (id `id`) with `reason` at `at`.
  void CloseCase(WriteSet& writes, const std::string& id,
                 v1::EscalationCase& record, const std::string& reason,
                 absl::Time at) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_mu_);
  // Publishes one EscalationNotified per person / role of the current level.
  void NotifyLevel(WriteSet& writes, const v1::EscalationCase& record,
                   v1::NotificationKind kind, const std::string& text,
                   absl::Time at);
  void Notify(WriteSet& writes, v1::Notification notification);
  // The case named "cases/{id}": its id and record. INVALID_ARGUMENT for a
  // malformed name, NOT_FOUND when absent.
  absl::StatusOr<std::pair<std::string, v1::EscalationCase>> LoadCase(
      const std::string& name) const;
  absl::Status CheckActor(const auth::Principal& caller,
                          const v1::EscalationCase& record) const;

  Store& store_base_;
  Outbox& outbox_;
  Clock& clock_;
  const EscalationSettings settings_;
  const Options options_;
  std::unique_ptr<EscalationStore> store_;

  absl::Mutex state_mu_;
  std::unique_ptr<TimerEngine> timers_;
  std::unique_ptr<EventConsumer> consumer_;

  absl::Mutex lifecycle_mu_;
  bool running_ ABSL_GUARDED_BY(lifecycle_mu_) = false;
};

}  // namespace cs::escalation

#endif  // CS_SERVICES_ESCALATION_SERVICE_ESCALATION_APP_H_
