// Analytics configuration (deploy/config/analytics.textproto) and the daily
// report built from aggregated cells. Pure: no gRPC server, no RocksDB.
//
//   ASSIGN_OR_RETURN(v1::AnalyticsConfig config, LoadAnalyticsConfigFile(p));
//   ASSIGN_OR_RETURN(v1::DailyReport r, BuildDailyReport("2026-03-10", cells,
//                                                       config));
#ifndef CS_SERVICES_ANALYTICS_DOMAIN_REPORT_H_
#define CS_SERVICES_ANALYTICS_DOMAIN_REPORT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cs/analytics/v1/analytics.pb.h"
#include "services/analytics/domain/aggregates.h"

namespace cs::analytics {

// The shipped defaults (DESIGN.md §4): targets 95 % / 85 % / 180 s / 90 % /
// 50 / 1 %, alerts below 90 % / 80 % from 20 tickets, scorecard 20/30/30/20
// with 15 tickets/day, fallback first-response targets 15 min / 30 min / 2 h.
v1::AnalyticsConfig DefaultAnalyticsConfig();

// Parses `text` (protobuf text format) over the defaults and validates it.
// INVALID_ARGUMENT naming `source` and the problem (ratios outside [0,1],
// weights not summing to 1, a producer without name or address).
absl::StatusOr<v1::AnalyticsConfig> ParseAnalyticsConfig(
    absl::string_view text, absl::string_view source);
// Reads and parses `path`; NOT_FOUND when unreadable.
absl::StatusOr<v1::AnalyticsConfig> LoadAnalyticsConfigFile(
    const std::string& path);

AggregationRules RulesFrom(const v1::AnalyticsConfig& config);

// The KPI table of `row` against the configured targets.
std::vector<v1::KpiLine> KpiTable(const v1::MetricsRow& row,
                                  const v1::KpiTargets& targets);

// The report of `date` from `cells` (keys as CellKey), which should hold the
// day and the 13 days before it for the rising issues; the KPI table, top
// categories, breaches and per-channel / per-department rows use the day
// only. INVALID_ARGUMENT for a malformed date.
absl::StatusOr<v1::DailyReport> BuildDailyReport(
    const std::string& date, const std::map<std::string, v1::Bucket>& cells,
    const v1::AnalyticsConfig& config);

// "YYYY-MM" → its first and last day; INVALID_ARGUMENT naming "month" when
// malformed or outside the months of [kFirstDay, kLastDay] (the message
// gives the range).
absl::StatusOr<std::pair<std::string, std::string>> MonthDays(
    absl::string_view month);

// The monthly report from the cells of that month (plus, for the rising
// issues, the 13 days before its last day): KPI table, per-day and
// per-department rows, top categories, rising issues and breaches.
absl::StatusOr<v1::MonthlyReport> BuildMonthlyReport(
    const std::string& month, const std::map<std::string, v1::Bucket>& cells,
    const v1::AnalyticsConfig& config);

// The `n` categories with the most tickets in `total` (ties by name).
std::vector<v1::CategoryCount> TopCategories(const v1::MetricsRow& total,
                                             int n);

// Rising issues: categories, departments and channels whose tickets in the 7
// days ending with `last_day` (last_week) exceed those of the 7 days before
// (previous_week) and number at least `min_volume`; growth = (last −
// previous) / max(previous, 1). Highest growth first. Cells outside the 14
// days are ignored; empty for a malformed `last_day`.
std::vector<v1::RisingIssue> RisingIssues(
    const std::map<std::string, v1::Bucket>& cells,
    const std::string& last_day, int64_t min_volume);

// The KPI alerts of one day's total row (dimensions.day set): one "kpi" line
// per KPI below its threshold when the day has ≥ max(1, min_volume) tickets.
// The same rule emits KpiThresholdBreached.
std::vector<v1::BreachLine> KpiAlerts(const v1::MetricsRow& day,
                                      const v1::AlertThresholds& alerts);

// The breaches section: SLA breaches by clock kind (sorted by name) and
// escalations by level (ascending) over the period (`total`), then the
// KpiAlerts of every day of `by_day` (by day; on-time before FCR). The order
// depends only on the values, never on the order of `by_day` or of the
// rows' maps, so the same data always renders the same bytes.
std::vector<v1::BreachLine> Breaches(const v1::MetricsRow& total,
                                     const std::vector<v1::MetricsRow>& by_day,
                                     const v1::AlertThresholds& alerts);

// Process compliance of `b`, 0..1, pooling two kinds of checks:
//   (on_time_responses + records_checked − records_incomplete)
//   ÷ (tickets + records_checked),
// i.e. every ticket's first response (on time by routing's FIRST_RESPONSE
// clock, else the fallback targets) and every checked service record
// (complete = latest check complete and RECORD_COMPLETENESS not breached)
// count once each. -1 when both counts are 0.
double ProcessCompliance(const v1::Bucket& b);
// Service quality of `b`, 0..1: the mean of the parts with data among
// CSAT (satisfied / ratings) and the mean QA review total ÷ 100 (latest
// version of each review); the one present when only one has data; -1
// when neither has.
double ServiceQuality(const v1::Bucket& b);

// The weighted scorecard of `agent` from `cells` (any days; the caller
// passes the period's cells). Components (weights from config.scorecard):
//  * process_compliance = ProcessCompliance of the agent's cells;
//  * service_quality    = ServiceQuality of the agent's cells;
//  * efficiency         = min(1, resolved tickets / (tickets_per_day_bar ×
//    active days)), active days = days with ≥ 1 ticket of the agent or ≥ 1
//    helped ticket;
//  * teamwork           = min(1, helped tickets / (helps_per_day_bar ×
//    active days)) (helped tickets: aggregates.h).
// Components without data are left out and the remaining weights
// renormalised. `agent` is the tickets' assignee id ("wang") or routing's
// name for it ("agents/wang"). INVALID_ARGUMENT when it is empty.
absl::StatusOr<v1::AgentScorecard> BuildAgentScorecard(
    const std::string& agent, const std::map<std::string, v1::Bucket>& cells,
    const v1::ScorecardWeights& weights);

}  // namespace cs::analytics

#endif  // CS_SERVICES_ANALYTICS_DOMAIN_REPORT_H_
