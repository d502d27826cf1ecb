#include "services/analytics/domain/report_render.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace cs::analytics {
namespace {

using google::protobuf::RepeatedPtrField;

// Undefined values (-1) print as an empty CSV field.
std::string Num(double v) {
  if (v < 0) return "";
  return absl::StrCat(std::round(v * 10000) / 10000);
}

// Readers of the pages are the centre's staff: Chinese first.
std::string KpiLabel(absl::string_view kpi) {
  static const std::pair<const char*, const char*> kLabels[] = {
      {"on_time_response_rate", "及时响应率 on-time response"},
      {"first_contact_resolution_rate", "首次解决率 FCR"},
      {"customer_wait_seconds", "客户等待时长 wait (s)"},
      {"csat", "满意度 CSAT"},
      {"nps", "净推荐值 NPS"},
      {"complaint_rate", "投诉率 complaint rate"},
  };
  for (const auto& [key, label] : kLabels) {
    if (kpi == key) return label;
  }
  return std::string(kpi);
}

bool IsRatioKpi(absl::string_view kpi) {
  return kpi != "customer_wait_seconds" && kpi != "nps";
}

// A defined value for people: ratios as percentages, the rest to 0.1.
std::string Shown(double v, bool ratio) {
  return ratio ? absl::StrCat(std::round(v * 1000) / 10, "%")
               : absl::StrCat(std::round(v * 10) / 10);
}

// A KPI line's value, "-" when undefined.
std::string ShownValue(const v1::KpiLine& l) {
  return l.defined() ? Shown(l.value(), IsRatioKpi(l.kpi())) : "-";
}

// "yes" / "no", or "-" when the value is undefined: a KPI without data
// neither meets nor misses its target (KpiLine.met is false then).
const char* Met(const v1::KpiLine& l) {
  if (!l.defined()) return "-";
  return l.met() ? "yes" : "no";
}

// ---- CSV sections

// Undefined values and their "met" are empty fields; a defined NPS may be
// negative.
void CsvKpis(const RepeatedPtrField<v1::KpiLine>& kpis, std::string& out) {
  absl::StrAppend(&out, "section,key,value,target,met\n");
  for (const v1::KpiLine& l : kpis) {
    const bool defined = l.defined();
    absl::StrAppend(
        &out, "kpi,", l.kpi(), ",",
        defined ? absl::StrCat(std::round(l.value() * 10000) / 10000) : "", ",",
        absl::StrCat(std::round(l.target() * 10000) / 10000), ",",
        defined ? (l.met() ? "yes" : "no") : "", "\n");
  }
}

void CsvCommon(const RepeatedPtrField<v1::CategoryCount>& categories,
               const RepeatedPtrField<v1::RisingIssue>& rising,
               const RepeatedPtrField<v1::BreachLine>& breaches,
               std::string& out) {
  absl::StrAppend(&out, "\ncategory,tickets,share\n");
  for (const v1::CategoryCount& c : categories) {
    absl::StrAppend(&out, CsvField(c.category()), ",", c.tickets(), ",",
                    Num(c.share()), "\n");
  }
  absl::StrAppend(&out, "\nrising,value,previous_week,last_week,growth\n");
  for (const v1::RisingIssue& r : rising) {
    absl::StrAppend(&out, r.dimension(), ",", CsvField(r.value()), ",",
                    r.previous_week(), ",", r.last_week(), ",",
                    Num(r.growth()), "\n");
  }
  absl::StrAppend(&out, "\nbreach,name,day,count,value,threshold\n");
  for (const v1::BreachLine& b : breaches) {
    absl::StrAppend(&out, b.kind(), ",", CsvField(b.name()), ",", b.day(), ",",
                    b.count(), ",", b.kind() == "kpi" ? Num(b.value()) : "",
                    ",", b.kind() == "kpi" ? Num(b.threshold()) : "", "\n");
  }
}

// ---- SVG charts

// Horizontal bars, one per (label, value), scaled to `max`. Values are
// counts or rates, never negative: a negative value is undefined and gets
// no bar, only "-".
std::string SvgBars(const std::string& title,
                    const std::vector<std::pair<std::string, double>>& bars,
                    double max, bool percent) {
  const int row = 22, label_w = 200, bar_w = 300;
  const int height = 30 + row * static_cast<int>(bars.size());
  std::string svg = absl::StrCat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"",
      label_w + bar_w + 80, "\" height=\"", height, "\" role=\"img\">",
      "<title>", HtmlEscape(title), "</title>");
  int y = 4;
  for (const auto& [label, value] : bars) {
    const bool defined = value >= 0;
    const int w =
        defined && max > 0 ? static_cast<int>(bar_w * value / max) : 0;
    absl::StrAppend(&svg, "<text x=\"0\" y=\"", y + 14, "\">",
                    HtmlEscape(label.empty() ? "(none)" : label), "</text>");
    if (defined) {
      absl::StrAppend(&svg, "<rect x=\"", label_w, "\" y=\"", y + 2,
                      "\" width=\"", w, "\" height=\"", row - 6,
                      "\" fill=\"#4a7ebb\"/>");
    }
    absl::StrAppend(&svg, "<text x=\"", label_w + w + 6, "\" y=\"", y + 14,
                    "\">", defined ? Shown(value, percent) : "-", "</text>");
    y += row;
  }
  absl::StrAppend(&svg, "</svg>");
  return svg;
}

// One row per KPI: the value as a bar (green when met, red when not; none
// when undefined) and the target as a black tick, on the row's own scale
// (ratios 0–100 %, wait time and NPS up to the larger of value and target).
std::string SvgKpiBars(const RepeatedPtrField<v1::KpiLine>& kpis) {
  const int row = 26, label_w = 220, bar_w = 300;
  const int height = 10 + row * kpis.size();
  std::string svg = absl::StrCat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"",
      label_w + bar_w + 160, "\" height=\"", height,
      "\" role=\"img\"><title>KPI vs target</title>");
  int y = 4;
  for (const v1::KpiLine& l : kpis) {
    const bool ratio = IsRatioKpi(l.kpi());
    const bool defined = l.defined();
    const double value = defined ? l.value() : 0;
    const double scale = ratio ? 1.0 : std::max({value, l.target(), 1.0}) * 1.1;
    auto x = [&](double v) {
      return label_w + static_cast<int>(bar_w * std::clamp(v / scale, 0.0, 1.0));
    };
    absl::StrAppend(&svg, "<text x=\"0\" y=\"", y + 16, "\">",
                    HtmlEscape(KpiLabel(l.kpi())), "</text>");
    if (defined) {
      absl::StrAppend(&svg, "<rect x=\"", label_w, "\" y=\"", y + 3,
                      "\" width=\"", x(value) - label_w, "\" height=\"",
                      row - 8, "\" fill=\"", l.met() ? "#3a9a4a" : "#c0392b",
                      "\"/>");
    }
    absl::StrAppend(&svg, "<line x1=\"", x(l.target()), "\" x2=\"",
                    x(l.target()), "\" y1=\"", y, "\" y2=\"", y + row - 2,
                    "\" stroke=\"#000\" stroke-width=\"2\"/><text x=\"",
                    label_w + bar_w + 10, "\" y=\"", y + 16, "\">",
                    ShownValue(l), " / ",
                    l.lower_is_better() ? "&le; " : "&ge; ",
                    Shown(l.target(), ratio), "</text>");
    y += row;
  }
  absl::StrAppend(&svg, "</svg>");
  return svg;
}

// A line of tickets per day, one point per row (hover shows day and count).
std::string SvgDailyLine(const RepeatedPtrField<v1::MetricsRow>& days) {
  const int w = 640, h = 220, left = 50, bottom = 30, top = 20;
  double max = 1;
  for (const v1::MetricsRow& d : days) {
    max = std::max(max, static_cast<double>(d.tickets()));
  }
  std::string svg = absl::StrCat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", w, "\" height=\"",
      h, "\" role=\"img\"><title>Tickets per day</title><line x1=\"", left,
      "\" y1=\"", h - bottom, "\" x2=\"", w - 10, "\" y2=\"", h - bottom,
      "\" stroke=\"#888\"/><line x1=\"", left, "\" y1=\"", top, "\" x2=\"",
      left, "\" y2=\"", h - bottom, "\" stroke=\"#888\"/><text x=\"0\" y=\"",
      top + 4, "\">", max, "</text><text x=\"0\" y=\"", h - bottom,
      "\">0</text>");
  const int n = days.size();
  std::string points, dots;
  for (int i = 0; i < n; ++i) {
    const int x = left + (n == 1 ? 0 : (w - 10 - left) * i / (n - 1));
    const int y = h - bottom -
                  static_cast<int>((h - bottom - top) *
                                   static_cast<double>(days[i].tickets()) / max);
    absl::StrAppend(&points, i ? " " : "", x, ",", y);
    absl::StrAppend(&dots, "<circle cx=\"", x, "\" cy=\"", y,
                    "\" r=\"3\" fill=\"#4a7ebb\"><title>",
                    HtmlEscape(days[i].dimensions().day()), ": ",
                    days[i].tickets(), "</title></circle>");
  }
  absl::StrAppend(&svg, "<polyline fill=\"none\" stroke=\"#4a7ebb\" "
                        "stroke-width=\"2\" points=\"", points, "\"/>", dots);
  if (n > 0) {
    absl::StrAppend(&svg, "<text x=\"", left, "\" y=\"", h - 8, "\">",
                    HtmlEscape(days[0].dimensions().day()), "</text><text x=\"",
                    w - 90, "\" y=\"", h - 8, "\">",
                    HtmlEscape(days[n - 1].dimensions().day()), "</text>");
  }
  absl::StrAppend(&svg, "</svg>");
  return svg;
}

// ---- HTML sections

std::string PageStart(const std::string& title) {
  return absl::StrCat(
      "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<title>",
      HtmlEscape(title),
      "</title><style>body{font-family:sans-serif;margin:2em}"
      "table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid "
      "#ccc;padding:4px 8px}.no{color:#b00}.yes{color:#070}.na{color:#888}"
      "svg{display:block;"
      "margin-bottom:1em}</style></head><body><h1>",
      HtmlEscape(title), "</h1>");
}

void HtmlKpis(const v1::MetricsRow& total,
              const RepeatedPtrField<v1::KpiLine>& kpis, std::string& out) {
  absl::StrAppend(&out, "<p>", total.tickets(), " tickets 工单, ",
                  total.sla_breaches(), " SLA breaches 超时, ",
                  total.complaints(),
                  " complaints 投诉</p><table><tr><th>KPI</th><th>value</th>"
                  "<th>target</th><th>met</th></tr>");
  for (const v1::KpiLine& l : kpis) {
    const bool ratio = IsRatioKpi(l.kpi());
    const std::string met = Met(l);
    absl::StrAppend(&out, "<tr><td>", HtmlEscape(KpiLabel(l.kpi())),
                    "</td><td>", ShownValue(l), "</td><td>",
                    l.lower_is_better() ? "&le; " : "&ge; ",
                    Shown(l.target(), ratio), "</td><td class=\"",
                    met == "-" ? "na" : met, "\">", met, "</td></tr>");
  }
  absl::StrAppend(&out, "</table><h2>KPI vs target 指标对比</h2>",
                  SvgKpiBars(kpis));
}

void HtmlCommon(const RepeatedPtrField<v1::CategoryCount>& categories,
                const RepeatedPtrField<v1::RisingIssue>& rising,
                const RepeatedPtrField<v1::BreachLine>& breaches,
                std::string& out) {
  std::vector<std::pair<std::string, double>> bars;
  double max = 0;
  for (const v1::CategoryCount& c : categories) {
    bars.emplace_back(c.category(), static_cast<double>(c.tickets()));
    max = std::max(max, static_cast<double>(c.tickets()));
  }
  absl::StrAppend(&out, "<h2>Top categories 热点问题</h2>",
                  SvgBars("Top categories", bars, max, false),
                  "<h2>Rising issues 上升趋势 (week over week)</h2><table><tr>"
                  "<th>dimension</th><th>value</th><th>previous week</th>"
                  "<th>last week</th><th>growth</th></tr>");
  for (const v1::RisingIssue& r : rising) {
    absl::StrAppend(&out, "<tr><td>", HtmlEscape(r.dimension()), "</td><td>",
                    HtmlEscape(r.value().empty() ? "(none)" : r.value()),
                    "</td><td>", r.previous_week(), "</td><td>",
                    r.last_week(), "</td><td>+", Shown(r.growth(), true),
                    "</td></tr>");
  }
  absl::StrAppend(&out, "</table><h2>Breaches 违规与告警</h2><table><tr>"
                        "<th>kind</th><th>name</th><th>day</th><th>count</th>"
                        "<th>value / threshold</th></tr>");
  for (const v1::BreachLine& b : breaches) {
    const bool kpi = b.kind() == "kpi";
    absl::StrAppend(&out, "<tr><td>", HtmlEscape(b.kind()), "</td><td>",
                    HtmlEscape(kpi ? KpiLabel(b.name()) : b.name()),
                    "</td><td>", HtmlEscape(b.day()), "</td><td>", b.count(),
                    "</td><td>",
                    kpi ? absl::StrCat(Shown(b.value(), true), " &lt; ",
                                       Shown(b.threshold(), true))
                        : "",
                    "</td></tr>");
  }
  absl::StrAppend(&out, "</table>");
}

}  // namespace

std::string HtmlEscape(absl::string_view s) {
  return absl::StrReplaceAll(s, {{"&", "&amp;"},
                                 {"<", "&lt;"},
                                 {">", "&gt;"},
                                 {"\"", "&quot;"},
                                 {"'", "&#39;"}});
}

std::string CsvField(absl::string_view s) {
  if (s.find_first_of(",\"\r\n") == absl::string_view::npos) {
    return std::string(s);
  }
  return absl::StrCat("\"", absl::StrReplaceAll(s, {{"\"", "\"\""}}), "\"");
}

namespace {

// The per-channel (daily only) and per-department rows; tickets and
// complaints with no channel or department form the "(none)" row.
void CsvDimensionRows(const RepeatedPtrField<v1::MetricsRow>& by_channel,
                      const RepeatedPtrField<v1::MetricsRow>& by_department,
                      std::string& out) {
  absl::StrAppend(&out, "\nsection,name,tickets,on_time_response_rate,"
                        "first_contact_resolution_rate,avg_response_seconds,"
                        "p90_response_seconds,csat,complaints\n");
  auto row = [&](const char* section, const std::string& name,
                 const v1::MetricsRow& r) {
    absl::StrAppend(&out, section, ",", CsvField(name.empty() ? "(none)" : name),
                    ",", r.tickets(), ",", Num(r.on_time_response_rate()), ",",
                    Num(r.first_contact_resolution_rate()), ",",
                    Num(r.avg_response_seconds()), ",",
                    Num(r.p90_response_seconds()), ",", Num(r.csat()), ",",
                    r.complaints(), "\n");
  };
  for (const auto& r : by_channel) row("channel", r.dimensions().channel(), r);
  for (const auto& r : by_department) {
    row("department", r.dimensions().department(), r);
  }
}

// Bars of the on-time response rate of each department with tickets.
std::string DepartmentBars(
    const RepeatedPtrField<v1::MetricsRow>& by_department) {
  std::vector<std::pair<std::string, double>> departments;
  for (const v1::MetricsRow& r : by_department) {
    if (r.tickets() == 0) continue;
    departments.emplace_back(r.dimensions().department().empty()
                                 ? "(none)"
                                 : r.dimensions().department(),
                             r.on_time_response_rate());
  }
  return absl::StrCat(
      "<h2>On-time response rate by department 部门及时响应率</h2>",
      SvgBars("On-time response rate by department", departments, 1.0, true));
}

}  // namespace

std::string DailyReportCsv(const v1::DailyReport& report) {
  std::string out;
  CsvKpis(report.kpis(), out);
  const v1::MetricsRow& t = report.total();
  absl::StrAppend(&out, "volume,tickets,", t.tickets(), ",,\n");
  absl::StrAppend(&out, "volume,sla_breaches,", t.sla_breaches(), ",,\n");
  CsvCommon(report.top_categories(), report.rising(), report.breaches(), out);
  CsvDimensionRows(report.by_channel(), report.by_department(), out);
  return out;
}

std::string MonthlyReportCsv(const v1::MonthlyReport& report) {
  std::string out;
  CsvKpis(report.kpis(), out);
  absl::StrAppend(&out, "volume,tickets,", report.total().tickets(), ",,\n");
  CsvCommon(report.top_categories(), report.rising(), report.breaches(), out);
  absl::StrAppend(&out, "\nday,tickets,on_time_response_rate,"
                        "first_contact_resolution_rate,customer_wait_seconds,"
                        "csat,sla_breaches\n");
  for (const v1::MetricsRow& r : report.by_day()) {
    absl::StrAppend(&out, r.dimensions().day(), ",", r.tickets(), ",",
                    Num(r.on_time_response_rate()), ",",
                    Num(r.first_contact_resolution_rate()), ",",
                    Num(r.customer_wait_seconds()), ",", Num(r.csat()), ",",
                    r.sla_breaches(), "\n");
  }
  CsvDimensionRows({}, report.by_department(), out);
  return out;
}

std::string DailyReportHtml(const v1::DailyReport& report) {
  std::string out =
      PageStart(absl::StrCat("服务日报 Daily service report ", report.date()));
  HtmlKpis(report.total(), report.kpis(), out);
  std::vector<std::pair<std::string, double>> channels;
  double max_tickets = 0;
  for (const v1::MetricsRow& r : report.by_channel()) {
    if (r.tickets() == 0) continue;
    channels.emplace_back(r.dimensions().channel(),
                          static_cast<double>(r.tickets()));
    max_tickets = std::max(max_tickets, static_cast<double>(r.tickets()));
  }
  absl::StrAppend(&out, "<h2>Tickets by channel 渠道工单量</h2>",
                  SvgBars("Tickets by channel", channels, max_tickets, false),
                  DepartmentBars(report.by_department()));
  HtmlCommon(report.top_categories(), report.rising(), report.breaches(), out);
  absl::StrAppend(&out, "</body></html>\n");
  return out;
}

std::string MonthlyReportHtml(const v1::MonthlyReport& report) {
  std::string out = PageStart(
      absl::StrCat("月度分析 Monthly analysis ", report.month()));
  HtmlKpis(report.total(), report.kpis(), out);
  absl::StrAppend(&out, "<h2>Tickets per day 每日工单量</h2>",
                  SvgDailyLine(report.by_day()),
                  DepartmentBars(report.by_department()));
  HtmlCommon(report.top_categories(), report.rising(), report.breaches(), out);
  absl::StrAppend(&out, "</body></html>\n");
  return out;
}

}  // namespace cs::analytics
