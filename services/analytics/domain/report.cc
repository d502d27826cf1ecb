#include "services/analytics/domain/report.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/text_format.h"
#include "libs/common/errors.h"
#include "libs/common/files.h"
#include "libs/common/status_macros.h"
#include "libs/common/utf8.h"
#include "services/analytics/domain/report_render.h"

namespace cs::analytics {
namespace {

absl::Status Invalid(absl::string_view source, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", what));
}

bool IsRatio(double v) { return v >= 0 && v <= 1; }

v1::MetricsRow Empty() {
  return Summarize(v1::Bucket(), v1::Bucket(), v1::Bucket());
}

// The per-channel and per-department rows of a report: groups with tickets
// or complaints (the figures the rows show). A group seen only in other
// counts (KB searches, breaches of complaint clocks) would be a row of
// zeros.
void AddDimensionRows(
    std::vector<v1::MetricsRow> rows,
    google::protobuf::RepeatedPtrField<v1::MetricsRow>& into) {
  for (v1::MetricsRow& r : rows) {
    if (r.tickets() > 0 || r.complaints() > 0) *into.Add() = std::move(r);
  }
}

// Appends the sections every report shares, computed from the period's
// total and per-day rows; `last_day` ends the week-over-week window.
template <typename Report>
void AddSections(const std::map<std::string, v1::Bucket>& cells,
                 const std::string& last_day,
                 const std::vector<v1::MetricsRow>& by_day,
                 const v1::AnalyticsConfig& config, Report& report) {
  for (v1::KpiLine& l : KpiTable(report.total(), config.targets())) {
    *report.add_kpis() = std::move(l);
  }
  for (v1::CategoryCount& c :
       TopCategories(report.total(), config.top_categories())) {
    *report.add_top_categories() = std::move(c);
  }
  for (v1::RisingIssue& r :
       RisingIssues(cells, last_day, config.rising_min_volume())) {
    *report.add_rising() = std::move(r);
  }
  for (v1::BreachLine& b : Breaches(report.total(), by_day, config.alerts())) {
    *report.add_breaches() = std::move(b);
  }
}

}  // namespace

v1::AnalyticsConfig DefaultAnalyticsConfig() {
  v1::AnalyticsConfig c;
  c.set_version(1);
  v1::KpiTargets* t = c.mutable_targets();
  t->set_on_time_response_rate(0.95);
  t->set_first_contact_resolution_rate(0.85);
  t->set_customer_wait_seconds(180);
  t->set_csat(0.90);
  t->set_nps(50);
  t->set_complaint_rate(0.01);
  v1::AlertThresholds* a = c.mutable_alerts();
  a->set_on_time_response_rate(0.90);
  a->set_first_contact_resolution_rate(0.80);
  a->set_min_volume(20);
  v1::ScorecardWeights* w = c.mutable_scorecard();
  w->set_process_compliance(0.20);
  w->set_service_quality(0.30);
  w->set_efficiency(0.30);
  w->set_teamwork(0.20);
  w->set_tickets_per_day_bar(15);
  w->set_helps_per_day_bar(2);
  c.set_rising_min_volume(10);
  c.set_top_categories(10);
  c.set_fallback_response_target_a_seconds(15 * 60);
  c.set_fallback_response_target_b_seconds(30 * 60);
  c.set_fallback_response_target_c_seconds(2 * 3600);
  return c;
}

absl::StatusOr<v1::AnalyticsConfig> ParseAnalyticsConfig(
    absl::string_view text, absl::string_view source) {
  v1::AnalyticsConfig parsed;
  if (!google::protobuf::TextFormat::ParseFromString(std::string(text),
                                                     &parsed)) {
    return Invalid(source, "not a cs.analytics.v1.AnalyticsConfig text proto");
  }
  v1::AnalyticsConfig c = DefaultAnalyticsConfig();
  c.MergeFrom(parsed);  // set fields override the defaults
  const v1::KpiTargets& t = c.targets();
  if (!IsRatio(t.on_time_response_rate()) ||
      !IsRatio(t.first_contact_resolution_rate()) || !IsRatio(t.csat()) ||
      !IsRatio(t.complaint_rate())) {
    return Invalid(source, "targets: rates must be within [0, 1]");
  }
  if (!IsRatio(c.alerts().on_time_response_rate()) ||
      !IsRatio(c.alerts().first_contact_resolution_rate()) ||
      c.alerts().min_volume() < 0) {
    return Invalid(source,
                   "alerts: thresholds must be within [0, 1], min_volume ≥ 0");
  }
  const v1::ScorecardWeights& w = c.scorecard();
  const double sum = w.process_compliance() + w.service_quality() +
                     w.efficiency() + w.teamwork();
  if (std::fabs(sum - 1.0) > 1e-6 || w.tickets_per_day_bar() <= 0 ||
      w.helps_per_day_bar() <= 0) {
    return Invalid(source,
                   "scorecard: weights must sum to 1 and tickets_per_day_bar, "
                   "helps_per_day_bar must be > 0");
  }
  if (c.rising_min_volume() < 0 || c.top_categories() < 0) {
    return Invalid(source, "rising_min_volume and top_categories must be ≥ 0");
  }
  if (c.fallback_response_target_a_seconds() <= 0 ||
      c.fallback_response_target_b_seconds() <= 0 ||
      c.fallback_response_target_c_seconds() <= 0) {
    return Invalid(source, "fallback response targets must be > 0");
  }
  for (const v1::ProducerSubscription& p : c.producers()) {
    if (p.name().empty() || p.address().empty()) {
      return Invalid(source, "producers: every entry needs name and address");
    }
  }
  return c;
}

absl::StatusOr<v1::AnalyticsConfig> LoadAnalyticsConfigFile(
    const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  return ParseAnalyticsConfig(text, path);
}

AggregationRules RulesFrom(const v1::AnalyticsConfig& config) {
  AggregationRules r;
  r.fallback_target_a =
      absl::Seconds(config.fallback_response_target_a_seconds());
  r.fallback_target_b =
      absl::Seconds(config.fallback_response_target_b_seconds());
  r.fallback_target_c =
      absl::Seconds(config.fallback_response_target_c_seconds());
  return r;
}

std::vector<v1::KpiLine> KpiTable(const v1::MetricsRow& row,
                                  const v1::KpiTargets& targets) {
  std::vector<v1::KpiLine> lines;
  auto add = [&](const char* kpi, double value, double target, bool lower,
                 bool defined) {
    v1::KpiLine l;
    l.set_kpi(kpi);
    l.set_value(value);
    l.set_target(target);
    l.set_lower_is_better(lower);
    l.set_defined(defined);
    l.set_met(defined && (lower ? value <= target : value >= target));
    lines.push_back(std::move(l));
  };
  const auto has = [](double value) { return value >= 0; };
  add("on_time_response_rate", row.on_time_response_rate(),
      targets.on_time_response_rate(), false, has(row.on_time_response_rate()));
  add("first_contact_resolution_rate", row.first_contact_resolution_rate(),
      targets.first_contact_resolution_rate(), false,
      has(row.first_contact_resolution_rate()));
  add("customer_wait_seconds", row.customer_wait_seconds(),
      targets.customer_wait_seconds(), true, has(row.customer_wait_seconds()));
  add("csat", row.csat(), targets.csat(), false, has(row.csat()));
  // NPS ranges over [-100, 100]: -1 is a real value there, so NPS is
  // undefined by its answer count.
  add("nps", row.nps(), targets.nps(), false, row.nps_responses() > 0);
  add("complaint_rate", row.complaint_rate(), targets.complaint_rate(), true,
      has(row.complaint_rate()));
  return lines;
}

absl::StatusOr<v1::DailyReport> BuildDailyReport(
    const std::string& date, const std::map<std::string, v1::Bucket>& cells,
    const v1::AnalyticsConfig& config) {
  RETURN_IF_ERROR(ParseDay(date).status());
  v1::Dimensions filter;
  filter.set_day(date);
  v1::DailyReport report;
  report.set_date(date);
  ASSIGN_OR_RETURN(std::vector<v1::MetricsRow> total,
                   GroupCells(cells, {"day"}, filter));
  if (total.empty()) {
    total.push_back(Empty());
    total.back().mutable_dimensions()->set_day(date);
  }
  *report.mutable_total() = total.front();
  AddSections(cells, date, total, config, report);
  ASSIGN_OR_RETURN(std::vector<v1::MetricsRow> by_channel,
                   GroupCells(cells, {"channel"}, filter));
  AddDimensionRows(std::move(by_channel), *report.mutable_by_channel());
  ASSIGN_OR_RETURN(std::vector<v1::MetricsRow> by_department,
                   GroupCells(cells, {"department"}, filter));
  AddDimensionRows(std::move(by_department), *report.mutable_by_department());
  report.set_csv(DailyReportCsv(report));
  report.set_html(DailyReportHtml(report));
  return report;
}

absl::StatusOr<std::pair<std::string, std::string>> MonthDays(
    absl::string_view month) {
  const bool shaped = month.size() == 7 && month[4] == '-' &&
                      std::all_of(month.begin(), month.end(), [](char c) {
                        return c == '-' || absl::ascii_isdigit(c);
                      });
  // Same shape, so the strings compare as the months do.
  if (shaped &&
      (month < kFirstDay.substr(0, 7) || month > kLastDay.substr(0, 7))) {
    return InvalidField(
        "month",
        absl::StrCat("\"", month, "\" is out of the supported range ",
                     kFirstDay.substr(0, 7), " to ", kLastDay.substr(0, 7)));
  }
  absl::StatusOr<absl::Time> first = ParseDay(absl::StrCat(month, "-01"));
  if (!shaped || !first.ok()) {
    return InvalidField("month", absl::StrCat("\"", Utf8Prefix(month, 40),
                                              "\" is not YYYY-MM"));
  }
  const absl::TimeZone utc8 = absl::FixedTimeZone(8 * 3600);
  const absl::CivilMonth m = absl::ToCivilMonth(*first, utc8);
  const absl::CivilDay last = absl::CivilDay(m + 1) - 1;
  return std::make_pair(absl::StrCat(month, "-01"),
                        absl::FormatCivilTime(last));
}

absl::StatusOr<v1::MonthlyReport> BuildMonthlyReport(
    const std::string& month, const std::map<std::string, v1::Bucket>& cells,
    const v1::AnalyticsConfig& config) {
  ASSIGN_OR_RETURN(auto days, MonthDays(month));
  std::map<std::string, v1::Bucket> in_month;
  for (const auto& [k, b] : cells) {
    const std::string day = CellOf(k).day();
    if (day >= days.first && day <= days.second) in_month[k] = b;
  }
  v1::MonthlyReport report;
  report.set_month(month);
  ASSIGN_OR_RETURN(std::vector<v1::MetricsRow> total,
                   GroupCells(in_month, {}, v1::Dimensions()));
  *report.mutable_total() = total.empty() ? Empty() : total.front();
  ASSIGN_OR_RETURN(std::vector<v1::MetricsRow> by_day,
                   GroupCells(in_month, {"day"}, v1::Dimensions()));
  AddSections(cells, days.second, by_day, config, report);
  for (auto& r : by_day) *report.add_by_day() = std::move(r);
  ASSIGN_OR_RETURN(std::vector<v1::MetricsRow> by_department,
                   GroupCells(in_month, {"department"}, v1::Dimensions()));
  AddDimensionRows(std::move(by_department), *report.mutable_by_department());
  report.set_csv(MonthlyReportCsv(report));
  report.set_html(MonthlyReportHtml(report));
  return report;
}

std::vector<v1::CategoryCount> TopCategories(const v1::MetricsRow& total,
                                             int n) {
  std::vector<v1::CategoryCount> out;
  for (const auto& [category, tickets] : total.tickets_by_category()) {
    v1::CategoryCount c;
    c.set_category(category);
    c.set_tickets(tickets);
    c.set_share(total.tickets() > 0 ? static_cast<double>(tickets) /
                                          static_cast<double>(total.tickets())
                                    : 0);
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(),
            [](const v1::CategoryCount& a, const v1::CategoryCount& b) {
              if (a.tickets() != b.tickets()) return a.tickets() > b.tickets();
              return a.category() < b.category();
            });
  if (out.size() > static_cast<size_t>(std::max(n, 0))) out.resize(n);
  return out;
}

std::vector<v1::RisingIssue> RisingIssues(
    const std::map<std::string, v1::Bucket>& cells,
    const std::string& last_day, int64_t min_volume) {
  std::vector<v1::RisingIssue> rising;
  absl::StatusOr<absl::Time> last = ParseDay(last_day);
  if (!last.ok()) return rising;
  // Whole days back from `last_day` (Shanghai has no DST).
  const std::string week_start = ShanghaiDay(*last - absl::Hours(24 * 6));
  const std::string prev_start = ShanghaiDay(*last - absl::Hours(24 * 13));
  // (dimension, value) → (previous week, last week).
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>>
      volumes;
  for (const auto& [k, b] : cells) {
    const v1::Dimensions d = CellOf(k);
    if (d.day() < prev_start || d.day() > last_day || b.tickets() == 0) {
      continue;
    }
    const bool last_week = d.day() >= week_start;
    auto add = [&](const char* dim, const std::string& value, int64_t n) {
      auto& v = volumes[{dim, value}];
      (last_week ? v.second : v.first) += n;
    };
    for (const auto& [category, n] : b.tickets_by_category()) {
      add("category", category, n);
    }
    add("department", d.department(), b.tickets());
    add("channel", d.channel(), b.tickets());
  }
  for (const auto& [dim, v] : volumes) {
    if (v.second <= v.first || v.second < min_volume) continue;
    v1::RisingIssue r;
    r.set_dimension(dim.first);
    r.set_value(dim.second);
    r.set_previous_week(v.first);
    r.set_last_week(v.second);
    r.set_growth(static_cast<double>(v.second - v.first) /
                 static_cast<double>(std::max<int64_t>(v.first, 1)));
    rising.push_back(std::move(r));
  }
  std::stable_sort(rising.begin(), rising.end(),
                   [](const v1::RisingIssue& a, const v1::RisingIssue& b) {
                     return a.growth() > b.growth();
                   });
  return rising;
}

std::vector<v1::BreachLine> KpiAlerts(const v1::MetricsRow& day,
                                      const v1::AlertThresholds& alerts) {
  std::vector<v1::BreachLine> out;
  if (day.tickets() < std::max<int64_t>(1, alerts.min_volume())) return out;
  const std::pair<const char*, std::pair<double, double>> checks[] = {
      {"on_time_response_rate",
       {day.on_time_response_rate(), alerts.on_time_response_rate()}},
      {"first_contact_resolution_rate",
       {day.first_contact_resolution_rate(),
        alerts.first_contact_resolution_rate()}},
  };
  for (const auto& [kpi, vt] : checks) {
    if (vt.first < 0 || vt.first >= vt.second) continue;
    v1::BreachLine b;
    b.set_kind("kpi");
    b.set_name(kpi);
    b.set_day(day.dimensions().day());
    b.set_value(vt.first);
    b.set_threshold(vt.second);
    b.set_count(day.tickets());
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<v1::BreachLine> Breaches(const v1::MetricsRow& total,
                                     const std::vector<v1::MetricsRow>& by_day,
                                     const v1::AlertThresholds& alerts) {
  std::vector<v1::BreachLine> out;
  // Protobuf maps iterate in an unspecified order that changes between
  // processes: copy them into ordered maps first.
  const std::map<std::string, int64_t> sla(total.sla_breaches_by_kind().begin(),
                                           total.sla_breaches_by_kind().end());
  for (const auto& [kind, n] : sla) {
    v1::BreachLine b;
    b.set_kind("sla");
    b.set_name(kind);
    b.set_count(n);
    out.push_back(std::move(b));
  }
  const std::map<int32_t, int64_t> escalations(
      total.escalations_by_level().begin(), total.escalations_by_level().end());
  for (const auto& [level, n] : escalations) {
    v1::BreachLine b;
    b.set_kind("escalation");
    b.set_name(absl::StrCat("level ", level));
    b.set_count(n);
    out.push_back(std::move(b));
  }
  std::vector<const v1::MetricsRow*> days;
  for (const v1::MetricsRow& day : by_day) days.push_back(&day);
  std::stable_sort(days.begin(), days.end(),
                   [](const v1::MetricsRow* a, const v1::MetricsRow* b) {
                     return a->dimensions().day() < b->dimensions().day();
                   });
  for (const v1::MetricsRow* day : days) {
    for (v1::BreachLine& b : KpiAlerts(*day, alerts)) {
      out.push_back(std::move(b));
    }
  }
  return out;
}

double ProcessCompliance(const v1::Bucket& b) {
  const int64_t checks = b.tickets() + b.records_checked();
  if (checks == 0) return -1;
  return static_cast<double>(b.on_time_responses() + b.records_checked() -
                             b.records_incomplete()) /
         static_cast<double>(checks);
}

double ServiceQuality(const v1::Bucket& b) {
  const v1::MetricsRow row = Summarize(b, v1::Bucket(), v1::Bucket());
  const double csat = row.csat();
  const double qa = row.qa_score() < 0 ? -1 : row.qa_score() / 100.0;
  if (csat < 0) return qa;
  if (qa < 0) return csat;
  return (csat + qa) / 2;
}

absl::StatusOr<v1::AgentScorecard> BuildAgentScorecard(
    const std::string& agent_name,
    const std::map<std::string, v1::Bucket>& cells,
    const v1::ScorecardWeights& weights) {
  // Routing names agents "agents/wang"; tickets carry "wang".
  absl::string_view id = agent_name;
  absl::ConsumePrefix(&id, "agents/");
  const std::string agent(id);
  if (agent.empty()) return InvalidField("agent", "is required");
  v1::Dimensions filter;
  filter.set_agent(agent);
  ASSIGN_OR_RETURN(std::vector<v1::MetricsRow> days,
                   GroupCells(cells, {"day"}, filter));
  v1::Bucket all;
  int64_t active_days = 0;
  for (const auto& [key, bucket] : cells) {
    if (CellOf(key).agent() == agent) AddBucket(bucket, all);
  }
  for (const v1::MetricsRow& d : days) {
    if (d.tickets() > 0 || d.helped_tickets() > 0) ++active_days;
  }
  auto per_active_day = [&](double n, double bar) {
    return active_days == 0
               ? -1
               : std::min(1.0, n / (bar * static_cast<double>(active_days)));
  };
  const v1::MetricsRow row = Summarize(all, v1::Bucket(), v1::Bucket());
  v1::AgentScorecard card;
  card.set_agent(agent);
  card.set_tickets(row.tickets());
  card.set_active_days(active_days);
  auto add = [&](const char* name, double weight, double score,
                 const char* source) {
    v1::ScorecardComponent* c = card.add_components();
    c->set_name(name);
    c->set_weight(weight);
    c->set_score(score);
    c->set_source(source);
  };
  add("process_compliance", weights.process_compliance(),
      ProcessCompliance(all),
      "(on-time first responses + complete service records) / (tickets "
      "assigned + service records checked); on time by routing's SLA clocks, "
      "else grade fallback targets; a record is incomplete when its latest "
      "check (ServiceRecordChecked) was incomplete or its "
      "RECORD_COMPLETENESS clock breached");
  add("service_quality", weights.service_quality(), ServiceQuality(all),
      "mean of the parts with data: CSAT of the agent's tickets (ratings 4-5 "
      "/ all 1-5 ratings) and mean QA review total / 100 (latest version of "
      "each review)");
  add("efficiency", weights.efficiency(),
      per_active_day(static_cast<double>(row.resolved()),
                     weights.tickets_per_day_bar()),
      "resolved tickets / (tickets_per_day_bar x active days), capped at 1 "
      "(ticket facts: resolve_time, assignee)");
  add("teamwork", weights.teamwork(),
      per_active_day(static_cast<double>(row.helped_tickets()),
                     weights.helps_per_day_bar()),
      "helped tickets / (helps_per_day_bar x active days), capped at 1; a "
      "help = the agent's reply or internal note (TicketReplied) on a ticket "
      "assigned to another agent, once per ticket and day");
  double sum = 0, weight = 0;
  for (const v1::ScorecardComponent& c : card.components()) {
    if (c.score() < 0) continue;
    sum += c.weight() * c.score();
    weight += c.weight();
  }
  card.set_total(weight > 0 ? sum / weight : -1);
  return card;
}

}  // namespace cs::analytics
