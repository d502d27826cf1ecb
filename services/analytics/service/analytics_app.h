// The analytics service's application layer (统计分析): consumes every
// producer's event stream and keeps the KPI aggregates of
// services/analytics/domain/aggregates.h in the service's own store; no gRPC
// server types.
//
//   ASSIGN_OR_RETURN(auto app, AnalyticsApp::Create(host.store(),
//       host.outbox(), host.clock(), config, options));
//   RETURN_IF_ERROR(app->Start());   // one EventConsumer per producer
//   ...
//   app->Stop();
//
// Every producer subscription (Options::producers; from flags and the
// config's `producers`) is one EventConsumer named "analytics<-<name>". Its
// handler folds the event into the aggregates and the consumer stores its
// cursor in the same WriteSet, so a replay never double-counts; the domain's
// dedup keys make a repeated delivery harmless as well.
//
// Storage families:
//   an_tickets  ticket name → v1::TicketRecord (latest facts, feedback, clocks)
//   an_buckets  CellKey ("day|channel|region|grade|department|agent") → Bucket
//   an_seen     once-per-key effects (breaches, escalation levels, ...)
//   an_alerts   "<day>/<kpi>" of each KpiThresholdBreached already emitted
//               (kept across a rebuild, so a rebuild does not re-alert)
//   an_days     day → Bucket of the day's counters (no value lists), kept
//               incrementally beside the cells so the alert check does not
//               scan the day's cells on every event
//
// Alerts: after each event, for every day it touched, the day's counters
// are read; when it has ≥ alerts.min_volume tickets and the on-time rate
// or FCR is below its threshold, one KpiThresholdBreached event is appended
// to the outbox (once per day and KPI) in the same WriteSet.
//
// Locking: `state_mu_` serialises every read-modify-write of the aggregates
// with its commit (held until the consumer commits or drops the WriteSet).
// Queries take no lock (snapshot scans). Thread-safe.
#ifndef CS_SERVICES_ANALYTICS_SERVICE_ANALYTICS_APP_H_
#define CS_SERVICES_ANALYTICS_SERVICE_ANALYTICS_APP_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cs/analytics/v1/analytics.pb.h"
#include "cs/common/v1/event.pb.h"
#include "libs/auth/roles.h"
#include "libs/common/clock.h"
#include "libs/common/tls.h"
#include "libs/events/consumer.h"
#include "libs/events/outbox.h"
#include "libs/store/store.h"
#include "services/analytics/domain/aggregates.h"

namespace cs::analytics {

inline constexpr absl::string_view kTicketsFamily = "an_tickets";
inline constexpr absl::string_view kBucketsFamily = "an_buckets";
inline constexpr absl::string_view kSeenFamily = "an_seen";
inline constexpr absl::string_view kAlertsFamily = "an_alerts";
inline constexpr absl::string_view kDaysFamily = "an_days";

// Every family the analytics service opens.
std::vector<std::string> AnalyticsColumnFamilies();

// The default subscriptions: ticket, routing, escalation, knowledge-base and
// complaint at the given addresses (empty address = not subscribed), then `config`'s
// producers (an entry with the same name replaces a default).
std::vector<v1::ProducerSubscription> Subscriptions(
    const std::string& ticket_addr, const std::string& routing_addr,
    const std::string& escalation_addr, const std::string& kb_addr,
    const std::string& complaint_addr, const v1::AnalyticsConfig& config);

class AnalyticsApp {
 public:
  struct Options {
    std::vector<v1::ProducerSubscription> producers;
    // Bearer token for the EventStreams (called on every connect).
    std::function<std::string()> token;
    // How the EventStreams are reached (TLS or plaintext).
    ChannelFactory channels;
    absl::Duration consumer_initial_backoff = absl::Milliseconds(50);
    // Returns the cursor gauge setter of a consumer (may be empty).
    std::function<std::function<void(uint64_t)>(const std::string& consumer,
                                                const std::string& producer)>
        cursor_gauge;
    // Returns the dead-letter counter of a consumer (may be empty).
    std::function<std::function<void()>(const std::string& consumer,
                                        const std::string& producer)>
        dead_letter_counter;
    // Called after each committed event with today's (Shanghai) totals,
    // e.g. to set the KPI gauges. Must be quick.
    std::function<void(const v1::MetricsRow& today)> on_kpis;
  };

  // Readers of metrics and reports.
  static constexpr auth::RoleSet kReaders{
      auth::Role::kTeamLead, auth::Role::kSupervisor, auth::Role::kQa,
      auth::Role::kDirector, auth::Role::kAdmin,      auth::Role::kService};
  static constexpr auth::RoleSet kAdmins{auth::Role::kAdmin};

  // `store` (opened with AnalyticsColumnFamilies()), `outbox` and `clock`
  // must outlive the app. NOT_FOUND when a family is missing.
  static absl::StatusOr<std::unique_ptr<AnalyticsApp>> Create(
      Store& store, Outbox& outbox, Clock& clock, v1::AnalyticsConfig config,
      Options options);
  ~AnalyticsApp();
  AnalyticsApp(const AnalyticsApp&) = delete;
  AnalyticsApp& operator=(const AnalyticsApp&) = delete;

  // Starts one consumer per producer. Storage errors are returned; nothing is
  // left running then.
  absl::Status Start();
  // Stops the consumers. Idempotent.
  void Stop();

  // ---- AnalyticsService
  // INVALID_ARGUMENT for malformed dates, end before start, a range over 366
  // days, or an unknown group_by name.
  absl::StatusOr<v1::GetMetricsResponse> GetMetrics(
      const v1::GetMetricsRequest& req) const;
  // Reads the day and the 13 days before (week-over-week growth).
  absl::StatusOr<v1::DailyReport> GetDailyReport(
      const v1::GetDailyReportRequest& req) const;
  // INVALID_ARGUMENT for a malformed month. Reads the month plus the 13 days
  // before its last 7 (for week-over-week growth).
  absl::StatusOr<v1::MonthlyReport> GetMonthlyReport(
      const v1::GetMonthlyReportRequest& req) const;
  // INVALID_ARGUMENT for a missing agent or bad dates (as GetMetrics).
  absl::StatusOr<v1::AgentScorecard> GetAgentScorecard(
      const v1::GetAgentScorecardRequest& req) const;
  // Stops the consumers, deletes every aggregate and the consumers' cursors
  // in one batch, and restarts the consumers from sequence 0 (when the app
  // was running). Thread-safe; queries during the replay see partial data.
  absl::Status Rebuild();

  // ---- For tests and the consumers.
  absl::Status HandleEvent(const common::v1::Event& event, WriteSet& writes);
  // Blocks until the consumer of `producer` has applied `sequence`.
  bool WaitForEvents(const std::string& producer, uint64_t sequence,
                     absl::Duration timeout) const;
  // The cells of [first_day, last_day] (keys as CellKey).
  absl::StatusOr<std::map<std::string, v1::Bucket>> Cells(
      const std::string& first_day, const std::string& last_day) const;
  // Today's (Shanghai, by the injected clock) totals from the day counters
  // (one read): counts and rates as GetMetrics, customer wait included;
  // response / resolution times are -1 (no value lists there).
  absl::StatusOr<v1::MetricsRow> Today() const;
  const v1::AnalyticsConfig& config() const { return config_; }

 private:
  AnalyticsApp(Store& store, Outbox& outbox, Clock& clock,
               v1::AnalyticsConfig config, Options options);
  void MakeConsumers() ABSL_EXCLUSIVE_LOCKS_REQUIRED(lifecycle_mu_);
  absl::Status StartConsumers() ABSL_EXCLUSIVE_LOCKS_REQUIRED(lifecycle_mu_);
  void StopConsumers() ABSL_EXCLUSIVE_LOCKS_REQUIRED(lifecycle_mu_);

  Store& store_;
  Outbox& outbox_;
  Clock& clock_;
  const v1::AnalyticsConfig config_;
  const AggregationRules rules_;
  const Options options_;
  ColumnFamily tickets_, buckets_, seen_, alerts_, days_, cursors_;

  absl::Mutex state_mu_;

  mutable absl::Mutex lifecycle_mu_;
  bool running_ ABSL_GUARDED_BY(lifecycle_mu_) = false;
  std::map<std::string, std::unique_ptr<EventConsumer>> consumers_
      ABSL_GUARDED_BY(lifecycle_mu_);
};

}  // namespace cs::analytics

#endif  // CS_SERVICES_ANALYTICS_SERVICE_ANALYTICS_APP_H_
