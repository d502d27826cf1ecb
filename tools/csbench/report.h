// What a csbench run measured, and how it is printed: a human summary or one
// JSON object (--json) that bench/run aggregates.
//
//   cs::csbench::OpStats stats;              // one per thread and operation
//   stats.Record(0 /* OK */, latency_ns);
//   ...
//   cs::csbench::RunReport report;
//   report.ops.push_back({"create", merged});
//   std::cout << cs::csbench::FormatJson(report);
//
// Latencies are kept in nanoseconds and printed in microseconds. Status
// codes are the canonical ones (absl and gRPC share the numbering). Plain
// values; not thread-safe.
#ifndef CS_TOOLS_CSBENCH_REPORT_H_
#define CS_TOOLS_CSBENCH_REPORT_H_

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "tools/csbench/histogram.h"

namespace cs::csbench {

// Canonical codes 0 (OK) .. 16 (UNAUTHENTICATED).
inline constexpr int kStatusCodes = 17;

// "OK", "INVALID_ARGUMENT", ...; "UNKNOWN" outside 0..16.
absl::string_view StatusCodeName(int code);

struct OpStats {
  // Latency of successful calls only.
  LogHistogram latency_ns;
  // Completed calls by status code (index 0 = OK).
  std::array<uint64_t, kStatusCodes> by_code{};

  // Counts one completed call; the latency is kept when `code` is OK.
  // Codes outside 0..16 count as UNKNOWN (2).
  void Record(int code, uint64_t latency_ns);
  void Merge(const OpStats& other);
  uint64_t ok() const { return by_code[0]; }
  uint64_t errors() const;
};

struct OpReport {
  std::string name;
  OpStats stats;
};

struct RunReport {
  std::string mode;   // "load" or "store"
  std::string label;  // free text from --label
  std::string target;
  std::string ops;  // canonical mix, e.g. "create=1"
  int concurrency = 0;
  int channels = 0;
  double duration_seconds = 0;  // planned (0 with --count)
  uint64_t count = 0;           // planned (0 with --duration)
  double warmup_seconds = 0;
  // From the first measured call's start to the last measured completion.
  double elapsed_seconds = 0;
  // Mean serialized request size of measured calls (bytes).
  double request_bytes_mean = 0;
  std::vector<OpReport> ops_stats;
  // Extra facts for the record, printed as strings: ("sync", "true"), ...
  std::vector<std::pair<std::string, std::string>> conditions;

  // Every operation merged.
  OpStats Total() const;
};

// Successful calls per second of `stats` over `report.elapsed_seconds`
// (0 when nothing elapsed).
double Qps(const RunReport& report, const OpStats& stats);

// A few lines: throughput, latency percentiles per operation, errors.
std::string FormatText(const RunReport& report);

// One JSON object (ends with a newline):
// {"mode","label","target","ops","concurrency","channels","duration_s",
//  "count","warmup_s","elapsed_s","request_bytes_mean","conditions":{},
//  "total":{OP},"per_op":{"create":{OP},...}} where OP is
// {"ok","errors","qps","errors_by_code":{"UNAVAILABLE":3},
//  "latency_us":{"p50","p90","p99","p999","min","max","mean"}}.
std::string FormatJson(const RunReport& report);

// `text` as a JSON string literal (quotes included), UTF-8 kept as is.
std::string JsonString(absl::string_view text);

}  // namespace cs::csbench

#endif  // CS_TOOLS_CSBENCH_REPORT_H_
