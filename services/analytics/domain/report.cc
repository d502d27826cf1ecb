#include "services/analytics/domain/report.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/text_format.h"
#include "libs/common/files.h"
#include "libs/common/status_macros.h"

namespace cs::analytics {
namespace {

absl::Status Invalid(absl::string_view source, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", what));
}

bool IsRatio(double v) { return v >= 0 && v <= 1; }

std::string CsvField(absl::string_view s) {
  if (s.find_first_of(",\"\n") == absl::string_view::npos) {
    return std::string(s);
  }
  return absl::StrCat("\"", absl::StrReplaceAll(s, {{"\"", "\"\""}}), "\"");
}

std::string Num(double v) {
  if (v < 0) return "";
  return absl::StrCat(std::round(v * 10000) / 10000);
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
  if (std::fabs(sum - 1.0) > 1e-6 || w.tickets_per_day_bar() <= 0) {
    return Invalid(source,
                   "scorecard: weights must sum to 1 and tickets_per_day_bar "
                   "must be > 0");
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
  auto add = [&](const char* kpi, double value, double target, bool lower) {
    v1::KpiLine l;
    l.set_kpi(kpi);
    l.set_value(value);
    l.set_target(target);
    l.set_lower_is_better(lower);
    l.set_met(value >= 0 && (lower ? value <= target : value >= target));
    lines.push_back(std::move(l));
  };
  add("on_time_response_rate", row.on_time_response_rate(),
      targets.on_time_response_rate(), false);
  add("first_contact_resolution_rate", row.first_contact_resolution_rate(),
      targets.first_contact_resolution_rate(), false);
  add("customer_wait_seconds", row.customer_wait_seconds(),
      targets.customer_wait_seconds(), true);
  add("csat", row.csat(), targets.csat(), false);
  // NPS ranges over [-100, 100]: -1 is a real value there, so undefined NPS
  // is reported as not met by the ratings count.
  add("nps", row.nps(), targets.nps(), false);
  if (row.nps_responses() == 0) lines.back().set_met(false);
  add("complaint_rate", row.complaint_rate(), targets.complaint_rate(), true);
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
    total.push_back(Summarize(v1::Bucket(), v1::Bucket(), v1::Bucket()));
    total.back().mutable_dimensions()->set_day(date);
  }
  *report.mutable_total() = total.front();
  for (v1::KpiLine& l : KpiTable(report.total(), config.targets())) {
    *report.add_kpis() = std::move(l);
  }
  ASSIGN_OR_RETURN(std::vector<v1::MetricsRow> by_channel,
                   GroupCells(cells, {"channel"}, filter));
  for (auto& r : by_channel) *report.add_by_channel() = std::move(r);
  ASSIGN_OR_RETURN(std::vector<v1::MetricsRow> by_department,
                   GroupCells(cells, {"department"}, filter));
  for (auto& r : by_department) *report.add_by_department() = std::move(r);
  report.set_csv(DailyReportCsv(report));
  report.set_html(DailyReportHtml(report));
  return report;
}

absl::StatusOr<std::pair<std::string, std::string>> MonthDays(
    absl::string_view month) {
  absl::StatusOr<absl::Time> first = ParseDay(absl::StrCat(month, "-01"));
  if (month.size() != 7 || !first.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("month \"", month, "\" is not YYYY-MM"));
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
  *report.mutable_total() =
      total.empty() ? Summarize(v1::Bucket(), v1::Bucket(), v1::Bucket())
                    : total.front();
  for (v1::KpiLine& l : KpiTable(report.total(), config.targets())) {
    *report.add_kpis() = std::move(l);
  }
  ASSIGN_OR_RETURN(std::vector<v1::MetricsRow> by_day,
                   GroupCells(in_month, {"day"}, v1::Dimensions()));
  for (auto& r : by_day) *report.add_by_day() = std::move(r);
  ASSIGN_OR_RETURN(std::vector<v1::MetricsRow> by_department,
                   GroupCells(in_month, {"department"}, v1::Dimensions()));
  for (auto& r : by_department) *report.add_by_department() = std::move(r);
  // Week over week: [last−6, last] against [last−13, last−7].
  ASSIGN_OR_RETURN(absl::Time last_day, ParseDay(days.second));
  const std::string week_start = ShanghaiDay(last_day - absl::Hours(24 * 6));
  const std::string prev_start = ShanghaiDay(last_day - absl::Hours(24 * 13));
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>>
      volumes;
  for (const auto& [k, b] : cells) {
    const v1::Dimensions d = CellOf(k);
    if (d.day() < prev_start || d.day() > days.second || b.tickets() == 0) {
      continue;
    }
    const bool last_week = d.day() >= week_start;
    for (const auto& dim : {std::make_pair(std::string("department"),
                                           d.department()),
                            std::make_pair(std::string("channel"),
                                           d.channel())}) {
      auto& v = volumes[dim];
      (last_week ? v.second : v.first) += b.tickets();
    }
  }
  std::vector<v1::RisingIssue> rising;
  for (const auto& [dim, v] : volumes) {
    if (v.second <= v.first) continue;
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
  for (auto& r : rising) *report.add_rising() = std::move(r);
  std::string csv = "section,key,value,target,met\n";
  for (const v1::KpiLine& l : report.kpis()) {
    absl::StrAppend(&csv, "kpi,", l.kpi(), ",", Num(l.value()), ",",
                    Num(l.target()), ",", l.met() ? "yes" : "no", "\n");
  }
  absl::StrAppend(&csv, "\nday,tickets,on_time_response_rate,"
                        "first_contact_resolution_rate,csat,sla_breaches\n");
  for (const v1::MetricsRow& r : report.by_day()) {
    absl::StrAppend(&csv, r.dimensions().day(), ",", r.tickets(), ",",
                    Num(r.on_time_response_rate()), ",",
                    Num(r.first_contact_resolution_rate()), ",",
                    Num(r.csat()), ",", r.sla_breaches(), "\n");
  }
  absl::StrAppend(&csv,
                  "\nrising,value,previous_week,last_week,growth\n");
  for (const v1::RisingIssue& r : report.rising()) {
    absl::StrAppend(&csv, r.dimension(), ",", CsvField(r.value()), ",",
                    r.previous_week(), ",", r.last_week(), ",",
                    Num(r.growth()), "\n");
  }
  report.set_csv(csv);
  return report;
}

absl::StatusOr<v1::AgentScorecard> BuildAgentScorecard(
    const std::string& agent, const std::map<std::string, v1::Bucket>& cells,
    const v1::ScorecardWeights& weights) {
  if (agent.empty()) return absl::InvalidArgumentError("agent is required");
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
    if (d.tickets() > 0) ++active_days;
  }
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
      row.on_time_response_rate(),
      "on-time first responses / tickets assigned (routing SLA clocks, else "
      "grade fallback targets)");
  add("service_quality", weights.service_quality(), row.csat(),
      "CSAT of the agent's tickets: ratings 4-5 / all 1-5 ratings");
  add("efficiency", weights.efficiency(),
      active_days == 0
          ? -1
          : std::min(1.0, static_cast<double>(row.resolved()) /
                              (weights.tickets_per_day_bar() *
                               static_cast<double>(active_days))),
      "resolved tickets / (tickets_per_day_bar x active days), capped at 1");
  add("teamwork", weights.teamwork(), -1,
      "no event source yet (peer and team-lead reviews are not published); "
      "left out and the other weights renormalised");
  double sum = 0, weight = 0;
  for (const v1::ScorecardComponent& c : card.components()) {
    if (c.score() < 0) continue;
    sum += c.weight() * c.score();
    weight += c.weight();
  }
  card.set_total(weight > 0 ? sum / weight : -1);
  return card;
}

std::string DailyReportCsv(const v1::DailyReport& report) {
  std::string out = "section,key,value,target,met\n";
  for (const v1::KpiLine& l : report.kpis()) {
    absl::StrAppend(&out, "kpi,", l.kpi(), ",", Num(l.value()), ",",
                    Num(l.target()), ",", l.met() ? "yes" : "no", "\n");
  }
  const v1::MetricsRow& t = report.total();
  absl::StrAppend(&out, "volume,tickets,", t.tickets(), ",,\n");
  absl::StrAppend(&out, "volume,sla_breaches,", t.sla_breaches(), ",,\n");
  for (const auto& [kind, n] : t.sla_breaches_by_kind()) {
    absl::StrAppend(&out, "breaches,", CsvField(kind), ",", n, ",,\n");
  }
  absl::StrAppend(&out, "\nsection,name,tickets,on_time_response_rate,"
                        "first_contact_resolution_rate,avg_response_seconds,"
                        "p90_response_seconds,csat,complaints\n");
  auto row = [&](const char* section, const std::string& name,
                 const v1::MetricsRow& r) {
    absl::StrAppend(&out, section, ",", CsvField(name), ",", r.tickets(), ",",
                    Num(r.on_time_response_rate()), ",",
                    Num(r.first_contact_resolution_rate()), ",",
                    Num(r.avg_response_seconds()), ",",
                    Num(r.p90_response_seconds()), ",", Num(r.csat()), ",",
                    r.complaints(), "\n");
  };
  for (const auto& r : report.by_channel()) {
    row("channel", r.dimensions().channel(), r);
  }
  for (const auto& r : report.by_department()) {
    row("department", r.dimensions().department(), r);
  }
  return out;
}

namespace {

std::string Html(absl::string_view s) {
  return absl::StrReplaceAll(s, {{"&", "&amp;"},
                                 {"<", "&lt;"},
                                 {">", "&gt;"},
                                 {"\"", "&quot;"},
                                 {"'", "&#39;"}});
}

// Horizontal bar chart: one bar per (label, value), scaled to `max`.
std::string SvgBars(const std::string& title,
                    const std::vector<std::pair<std::string, double>>& bars,
                    double max, bool percent) {
  const int row = 22, label_w = 140, bar_w = 300;
  const int height = 30 + row * static_cast<int>(bars.size());
  std::string svg = absl::StrCat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"",
      label_w + bar_w + 80, "\" height=\"", height, "\" role=\"img\">",
      "<title>", Html(title), "</title><text x=\"0\" y=\"16\" "
      "font-weight=\"bold\">", Html(title), "</text>");
  int y = 26;
  for (const auto& [label, value] : bars) {
    const double v = std::max(0.0, value);
    const int w = max > 0 ? static_cast<int>(bar_w * v / max) : 0;
    absl::StrAppend(
        &svg, "<text x=\"0\" y=\"", y + 14, "\">",
        Html(label.empty() ? "(none)" : label), "</text><rect x=\"", label_w,
        "\" y=\"", y + 2, "\" width=\"", w, "\" height=\"", row - 6,
        "\" fill=\"#4a7ebb\"/><text x=\"", label_w + w + 6, "\" y=\"",
        y + 14, "\">",
        value < 0 ? "-"
                  : (percent ? absl::StrCat(std::round(value * 1000) / 10, "%")
                             : absl::StrCat(value)),
        "</text>");
    y += row;
  }
  absl::StrAppend(&svg, "</svg>");
  return svg;
}

}  // namespace

std::string DailyReportHtml(const v1::DailyReport& report) {
  std::string out = absl::StrCat(
      "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<title>Daily service report ", Html(report.date()),
      "</title><style>body{font-family:sans-serif;margin:2em}"
      "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
      "padding:4px 8px}.no{color:#b00}.yes{color:#070}</style></head><body>"
      "<h1>Daily service report ", Html(report.date()), "</h1><p>",
      report.total().tickets(), " tickets, ", report.total().sla_breaches(),
      " SLA breaches, ", report.total().complaints(),
      " complaints</p><table><tr><th>KPI</th><th>value</th><th>target</th>"
      "<th>met</th></tr>");
  for (const v1::KpiLine& l : report.kpis()) {
    absl::StrAppend(&out, "<tr><td>", Html(l.kpi()), "</td><td>",
                    l.value() < 0 ? "-" : Num(l.value()), "</td><td>",
                    (l.lower_is_better() ? "&le; " : "&ge; "), Num(l.target()),
                    "</td><td class=\"", l.met() ? "yes" : "no", "\">",
                    l.met() ? "yes" : "no", "</td></tr>");
  }
  absl::StrAppend(&out, "</table>");
  std::vector<std::pair<std::string, double>> channels, departments;
  double max_tickets = 0;
  for (const v1::MetricsRow& r : report.by_channel()) {
    if (r.tickets() == 0) continue;
    channels.emplace_back(r.dimensions().channel(),
                          static_cast<double>(r.tickets()));
    max_tickets = std::max(max_tickets, static_cast<double>(r.tickets()));
  }
  for (const v1::MetricsRow& r : report.by_department()) {
    if (r.tickets() == 0) continue;
    departments.emplace_back(r.dimensions().department(),
                             r.on_time_response_rate());
  }
  absl::StrAppend(&out, "<h2>Tickets by channel</h2>",
                  SvgBars("Tickets by channel", channels, max_tickets, false),
                  "<h2>On-time response rate by department</h2>",
                  SvgBars("On-time response rate by department", departments,
                          1.0, true),
                  "</body></html>\n");
  return out;
}

}  // namespace cs::analytics
