// analytics metrics|report daily|report monthly|scorecard|rebuild: the analytics service
// (cs.analytics.v1.AnalyticsService, default port 50055: pass
// --addr 127.0.0.1:50055 or set CSCTL_ADDR).
//
//   csctl --addr 127.0.0.1:50055 analytics metrics 2026-03-10 ...
//         --to 2026-03-16 --group-by channel,department --department 客服部
//   csctl --addr 127.0.0.1:50055 analytics report daily 2026-03-10 ...
//         [--format table|csv|html] [--out report.html]
//   csctl --addr 127.0.0.1:50055 analytics report monthly 2026-03 ...
//         [--format table|csv|html] [--out report.csv]
//   csctl --addr 127.0.0.1:50055 analytics scorecard wang --from 2026-03-01 ...
//         --to 2026-03-31
//   csctl --addr 127.0.0.1:50055 analytics rebuild        (admin)
//
// Dates are Asia/Shanghai calendar days. Ratios print as percentages; "-"
// means undefined (no volume).
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cs/analytics/v1/analytics.grpc.pb.h"
#include "libs/common/files.h"
#include "libs/common/grpc_status.h"
#include "libs/common/status_macros.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/output.h"
#include "tools/csctl/rpc.h"
#include "tools/csctl/table.h"

namespace cs::csctl {
namespace {

namespace v1 = ::cs::analytics::v1;
using Stub = v1::AnalyticsService::Stub;

std::string Pct(double v) {
  return v < 0 ? "-" : absl::StrFormat("%.1f%%", v * 100);
}
std::string Secs(double v) {
  return v < 0 ? "-" : absl::StrFormat("%.0fs", v);
}

// A row's group: its value of each dimension in `group_by` ("-" where the
// row has none: SLA breaches, for one, carry no channel or region), or
// "(all)" for the one row of an ungrouped query.
std::string Dims(const v1::Dimensions& d,
                 const std::vector<std::string>& group_by) {
  const std::pair<absl::string_view, const std::string*> values[] = {
      {"day", &d.day()},
      {"channel", &d.channel()},
      {"region", &d.region()},
      {"grade", &d.grade()},
      {"department", &d.department()},
      {"agent", &d.agent()}};
  std::vector<std::string> parts;
  for (const auto& [name, value] : values) {
    if (absl::c_linear_search(group_by, name)) {
      parts.push_back(value->empty() ? "-" : SanitizeCell(*value));
    }
  }
  return parts.empty() ? "(all)" : absl::StrJoin(parts, " ");
}

class MetricsCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("to", &to_, "last day (YYYY-MM-DD; default the first)");
    flags.AddString("group-by", &group_by_,
                    "comma-separated: day,channel,region,grade,department,"
                    "agent");
    flags.AddString("channel", &channel_, "only this channel, e.g. PHONE");
    flags.AddString("department", &department_, "only this department");
    flags.AddString("agent", &agent_, "only this agent");
  }
  absl::Status Run(CommandContext& context) override {
    v1::GetMetricsRequest request;
    request.set_start_date(context.args()[0]);
    request.set_end_date(to_);
    const std::vector<std::string> group_by =
        absl::StrSplit(group_by_, ',', absl::SkipEmpty());
    for (const std::string& g : group_by) request.add_group_by(g);
    // Channels are PHONE, ONLINE_CHAT, …; other commands take them in any
    // case, so this one does too.
    request.mutable_filters()->set_channel(absl::AsciiStrToUpper(channel_));
    request.mutable_filters()->set_department(department_);
    request.mutable_filters()->set_agent(agent_);
    ASSIGN_OR_RETURN(v1::GetMetricsResponse response,
                     CallRpc(context, &Stub::GetMetrics, request));
    if (context.options().json) return PrintJson(context.out(), response);
    Table table({"GROUP", "TICKETS", "ON-TIME", "FCR", "AVG RESP", "P90 RESP",
                 "CSAT", "NPS", "COMPLAINTS", "BREACHES"});
    int left_out = 0;
    for (const v1::MetricsRow& r : response.rows()) {
      if (!HasTableData(r)) {
        ++left_out;
        continue;
      }
      table.AddRow(
          {Dims(r.dimensions(), group_by), absl::StrCat(r.tickets()),
           Pct(r.on_time_response_rate()),
           Pct(r.first_contact_resolution_rate()),
           Secs(r.avg_response_seconds()), Secs(r.p90_response_seconds()),
           Pct(r.csat()),
           r.nps_responses() == 0 ? "-" : absl::StrFormat("%.0f", r.nps()),
           absl::StrCat(r.complaints()), absl::StrCat(r.sla_breaches())});
    }
    table.Print(context.out());
    if (left_out > 0) {
      context.out() << "(" << left_out << (left_out == 1 ? " group" : " groups")
                    << " with only KB searches, escalations or QA data left "
                       "out; --json shows every row)\n";
    }
    return absl::OkStatus();
  }

 private:
  // Whether `r` has anything the table shows. A group without tickets,
  // complaints, breaches or ratings (a "-" channel holding only KB searches,
  // say) would be a row of zeros.
  static bool HasTableData(const v1::MetricsRow& r) {
    return r.tickets() > 0 || r.complaints() > 0 || r.sla_breaches() > 0 ||
           r.ratings() > 0 || r.nps_responses() > 0;
  }

  std::string to_, group_by_, channel_, department_, agent_;
};

// A KPI without data (KpiLine.defined false) shows "-" as value and as met:
// it neither meets nor misses its target.
void PrintKpis(const google::protobuf::RepeatedPtrField<v1::KpiLine>& kpis,
               std::ostream& out) {
  Table table({"KPI", "VALUE", "TARGET", "MET"});
  for (const v1::KpiLine& l : kpis) {
    const bool ratio = l.kpi() != "customer_wait_seconds" && l.kpi() != "nps";
    const bool defined = l.defined();
    table.AddRow({l.kpi(),
                  !defined ? "-"
                  : ratio  ? Pct(l.value())
                           : absl::StrFormat("%.1f", l.value()),
                  ratio ? Pct(l.target()) : absl::StrFormat("%.1f", l.target()),
                  !defined ? "-" : (l.met() ? "yes" : "no")});
  }
  table.Print(out);
}

// A blank category, department or channel is a real group: the tickets
// that had none.
std::string OrNone(const std::string& value) {
  return value.empty() ? "(none)" : SanitizeCell(value);
}

// The report's rows per channel or department (the groups with tickets or
// complaints), each named by its `dimension` (&v1::Dimensions::channel, …).
void PrintRows(const char* header,
               const std::string& (v1::Dimensions::*dimension)() const,
               const google::protobuf::RepeatedPtrField<v1::MetricsRow>& rows,
               std::ostream& out) {
  Table table({header, "TICKETS", "ON-TIME", "FCR", "AVG RESP", "CSAT",
               "COMPLAINTS"});
  for (const v1::MetricsRow& r : rows) {
    table.AddRow({OrNone((r.dimensions().*dimension)()),
                  absl::StrCat(r.tickets()),
                  Pct(r.on_time_response_rate()),
                  Pct(r.first_contact_resolution_rate()),
                  Secs(r.avg_response_seconds()), Pct(r.csat()),
                  absl::StrCat(r.complaints())});
  }
  table.Print(out);
}

// The monthly report's row per day with tickets, as in its CSV.
void PrintDays(const google::protobuf::RepeatedPtrField<v1::MetricsRow>& days,
               std::ostream& out) {
  Table table({"DAY", "TICKETS", "ON-TIME", "FCR", "WAIT", "CSAT", "BREACHES"});
  for (const v1::MetricsRow& r : days) {
    table.AddRow({r.dimensions().day(), absl::StrCat(r.tickets()),
                  Pct(r.on_time_response_rate()),
                  Pct(r.first_contact_resolution_rate()),
                  Secs(r.customer_wait_seconds()), Pct(r.csat()),
                  absl::StrCat(r.sla_breaches())});
  }
  table.Print(out);
}

// Top categories, rising issues and breaches: the sections both reports
// share.
template <typename Report>
void PrintSections(const Report& report, std::ostream& out) {
  Table top({"CATEGORY", "TICKETS", "SHARE"});
  for (const v1::CategoryCount& c : report.top_categories()) {
    top.AddRow(
        {OrNone(c.category()), absl::StrCat(c.tickets()), Pct(c.share())});
  }
  top.Print(out);
  Table rising({"RISING", "VALUE", "PREV WEEK", "LAST WEEK", "GROWTH"});
  for (const v1::RisingIssue& r : report.rising()) {
    rising.AddRow({r.dimension(), OrNone(r.value()),
                   absl::StrCat(r.previous_week()), absl::StrCat(r.last_week()),
                   Pct(r.growth())});
  }
  rising.Print(out);
  Table breaches({"BREACH", "NAME", "DAY", "COUNT", "VALUE"});
  for (const v1::BreachLine& b : report.breaches()) {
    breaches.AddRow({b.kind(), SanitizeCell(b.name()), b.day(),
                     absl::StrCat(b.count()),
                     b.kind() == "kpi" ? Pct(b.value()) : ""});
  }
  breaches.Print(out);
}

// analytics report daily DATE | monthly MONTH: the table view, or the
// server-rendered CSV / HTML export, to stdout or --out FILE.
template <bool kMonthly>
class ReportCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddChoice("format", &format_,
                    "table, csv, or html (self-contained page, inline SVG "
                    "charts)",
                    {"table", "csv", "html"});
    flags.AddString("out", &out_, "write the export to this file");
  }
  absl::Status Run(CommandContext& context) override {
    std::string csv, html;
    std::ostringstream table;
    if constexpr (kMonthly) {
      v1::GetMonthlyReportRequest request;
      request.set_month(context.args()[0]);
      ASSIGN_OR_RETURN(v1::MonthlyReport report,
                       CallRpc(context, &Stub::GetMonthlyReport, request));
      if (context.options().json) return PrintJson(context.out(), report);
      csv = report.csv();
      html = report.html();
      table << "monthly report " << report.month() << ": "
            << report.total().tickets() << " tickets\n";
      PrintKpis(report.kpis(), table);
      PrintDays(report.by_day(), table);
      PrintRows("DEPARTMENT", &v1::Dimensions::department, report.by_department(),
                table);
      PrintSections(report, table);
    } else {
      v1::GetDailyReportRequest request;
      request.set_date(context.args()[0]);
      ASSIGN_OR_RETURN(v1::DailyReport report,
                       CallRpc(context, &Stub::GetDailyReport, request));
      if (context.options().json) return PrintJson(context.out(), report);
      csv = report.csv();
      html = report.html();
      table << "daily report " << report.date() << ": "
            << report.total().tickets() << " tickets\n";
      PrintKpis(report.kpis(), table);
      PrintRows("CHANNEL", &v1::Dimensions::channel, report.by_channel(), table);
      PrintRows("DEPARTMENT", &v1::Dimensions::department, report.by_department(),
                table);
      PrintSections(report, table);
    }
    const std::string text =
        format_ == "csv" ? csv : (format_ == "html" ? html : table.str());
    if (out_.empty()) {
      context.out() << text;
      return absl::OkStatus();
    }
    RETURN_IF_ERROR(WriteFileAtomically(out_, text, 0644));
    context.out() << "wrote " << text.size() << " bytes to " << out_ << "\n";
    return absl::OkStatus();
  }

 private:
  std::string format_ = "table";
  std::string out_;
};

class ScorecardCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("from", &from_, "first day (YYYY-MM-DD)",
                    ConfigParser::kRequired);
    flags.AddString("to", &to_, "last day (default --from)");
  }
  absl::Status Run(CommandContext& context) override {
    v1::GetAgentScorecardRequest request;
    request.set_agent(context.args()[0]);
    request.set_start_date(from_);
    request.set_end_date(to_);
    ASSIGN_OR_RETURN(v1::AgentScorecard card,
                     CallRpc(context, &Stub::GetAgentScorecard, request));
    if (context.options().json) return PrintJson(context.out(), card);
    context.out() << "agent " << SanitizeCell(card.agent()) << " "
                  << card.start_date() << ".." << card.end_date() << ": "
                  << card.tickets() << " tickets on " << card.active_days()
                  << (card.active_days() == 1 ? " day" : " days") << "; total "
                  << Pct(card.total()) << "\n";
    Table table({"COMPONENT", "WEIGHT", "SCORE", "SOURCE"});
    for (const v1::ScorecardComponent& c : card.components()) {
      table.AddRow({c.name(), Pct(c.weight()), Pct(c.score()), c.source()});
    }
    table.Print(context.out());
    return absl::OkStatus();
  }

 private:
  std::string from_, to_;
};

class RebuildCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    ASSIGN_OR_RETURN(v1::RebuildAggregatesResponse response,
                     CallRpc(context, &Stub::RebuildAggregates,
                                   v1::RebuildAggregatesRequest()));
    (void)response;
    context.out() << "aggregates dropped; replaying every producer from 0\n";
    return absl::OkStatus();
  }
};

}  // namespace

void RegisterAnalyticsCommands(CommandRegistry& registry) {
  registry.Add<MetricsCommand>({"analytics", "metrics"},
                               "KPIs of a day or range, grouped and filtered",
                               {"FROM", 1, 1});
  registry.Add<ReportCommand<false>>(
      {"analytics", "report", "daily"},
      "the daily report of a day (KPIs vs targets, top categories, rising "
      "issues, breaches)",
      {"DATE", 1, 1});
  registry.Add<ReportCommand<true>>(
      {"analytics", "report", "monthly"},
      "the monthly analysis of a month (as the daily report, per day)",
      {"MONTH", 1, 1});
  registry.Add<ScorecardCommand>(
      {"analytics", "scorecard"},
      "an agent's weighted scorecard over a period", {"AGENT", 1, 1});
  registry.Add<RebuildCommand>(
      {"analytics", "rebuild"},
      "drop every aggregate and replay every producer from sequence 0");
}

}  // namespace cs::csctl
