// Exports of the analytics reports: CSV (RFC 4180, UTF-8, one header row per
// section, sections separated by a blank line) and self-contained HTML pages
// (no scripts, no external resources; charts are inline SVG). Every text that
// comes from data (categories, departments, ...) is HTML-escaped in HTML and
// quoted when needed in CSV; Chinese text is kept as is (UTF-8). Pure.
#ifndef CS_SERVICES_ANALYTICS_DOMAIN_REPORT_RENDER_H_
#define CS_SERVICES_ANALYTICS_DOMAIN_REPORT_RENDER_H_

#include <string>

#include "absl/strings/string_view.h"
#include "cs/analytics/v1/analytics.pb.h"

namespace cs::analytics {

// Sections: kpi (value, target, met), volume, top categories, rising issues,
// breaches, then one row per channel and per department.
std::string DailyReportCsv(const v1::DailyReport& report);
// KPI table, KPI-vs-target bars, tickets by channel, on-time rate by
// department, top categories, rising issues and breaches.
std::string DailyReportHtml(const v1::DailyReport& report);

// Sections: kpi, top categories, rising issues, breaches, then one row per
// day.
std::string MonthlyReportCsv(const v1::MonthlyReport& report);
// KPI table, KPI-vs-target bars, daily volume line, top categories, rising
// issues and breaches.
std::string MonthlyReportHtml(const v1::MonthlyReport& report);

// `s` with & < > " ' escaped.
std::string HtmlEscape(absl::string_view s);
// `s` as one CSV field (quoted when it holds , " or a line break).
std::string CsvField(absl::string_view s);

}  // namespace cs::analytics

#endif  // CS_SERVICES_ANALYTICS_DOMAIN_REPORT_RENDER_H_
