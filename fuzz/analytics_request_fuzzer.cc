// Analytics queries as the server receives them: the first byte picks a
// GetMetrics, GetDailyReport or GetMonthlyReport request; the rest are its
// bytes → the request guard's wire check → protobuf parse → validation of
// dates, filters and group_by → the domain's grouping and reports over a
// few in-memory cells (no store). The guard and protobuf agree on what
// parses; nothing crashes; a valid query groups without error into rows
// whose ticket counts add up to at most the cells' total; a valid month
// spans 28–31 days.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cs/analytics/v1/analytics.pb.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/guarded_parse.h"
#include "services/analytics/domain/aggregates.h"
#include "services/analytics/domain/report.h"

namespace {

using cs::fuzz::GuardedParse;

namespace v1 = cs::analytics::v1;

// Three cells of 2026-11-20 and -21: 6 tickets in all.
const std::map<std::string, v1::Bucket>& Cells() {
  static const auto* cells = [] {
    auto* out = new std::map<std::string, v1::Bucket>;
    const char* rows[][5] = {{"2026-11-20", "PHONE", "广东省", "A", "客服部"},
                             {"2026-11-20", "WEB", "北京市", "B", "技术支持部"},
                             {"2026-11-21", "PHONE", "广东省", "C", "客服部"}};
    for (const auto& r : rows) {
      v1::Dimensions d;
      d.set_day(r[0]);
      d.set_channel(r[1]);
      d.set_region(r[2]);
      d.set_grade(r[3]);
      d.set_department(r[4]);
      d.set_agent("wang");
      v1::Bucket bucket;
      bucket.set_tickets(2);
      bucket.set_responded(1);
      (*out)[cs::analytics::CellKey(d)] = bucket;
    }
    return out;
  }();
  return *cells;
}

void Metrics(const v1::GetMetricsRequest& req) {
  if (!cs::analytics::RequestDays(req.start_date(), req.end_date()).ok() ||
      !cs::analytics::ValidateFilters(req.filters()).ok()) {
    return;
  }
  const std::vector<std::string> group_by(req.group_by().begin(),
                                          req.group_by().end());
  auto rows = cs::analytics::GroupCells(Cells(), group_by, req.filters());
  bool known = true;
  for (const std::string& g : group_by) {
    known = known && (g == "day" || g == "channel" || g == "region" ||
                      g == "grade" || g == "department" || g == "agent");
  }
  FUZZ_CHECK(rows.ok() == known);
  if (!rows.ok()) return;
  int64_t tickets = 0;
  for (const v1::MetricsRow& row : *rows) tickets += row.tickets();
  FUZZ_CHECK(tickets <= 6);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cs::fuzz::FuzzInput in(data, size);
  const uint8_t kind = in.Byte() % 3;
  const std::string bytes = in.Rest();
  if (kind == 0) {
    v1::GetMetricsRequest request;
    if (GuardedParse(bytes, request)) Metrics(request);
  } else if (kind == 1) {
    v1::GetDailyReportRequest request;
    if (GuardedParse(bytes, request) &&
        cs::analytics::ParseDay(request.date()).ok()) {
      v1::AnalyticsConfig config;
      auto report =
          cs::analytics::BuildDailyReport(request.date(), Cells(), config);
      FUZZ_CHECK(report.ok());
      FUZZ_CHECK(report->date() == request.date());
    }
  } else {
    v1::GetMonthlyReportRequest request;
    if (!GuardedParse(bytes, request)) return 0;
    auto days = cs::analytics::MonthDays(request.month());
    if (days.ok()) {
      auto first = cs::analytics::ParseDay(days->first);
      auto last = cs::analytics::ParseDay(days->second);
      FUZZ_CHECK(first.ok() && last.ok());
      const int64_t span = (*last - *first) / absl::Hours(24);
      FUZZ_CHECK(span >= 27 && span <= 30);
    }
  }
  return 0;
}
