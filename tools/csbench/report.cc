#include "tools/csbench/report.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace cs::csbench {
namespace {

constexpr absl::string_view kCodeNames[kStatusCodes] = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

double Micros(uint64_t nanos) { return static_cast<double>(nanos) / 1000.0; }

std::string Number(double value) { return absl::StrFormat("%.3f", value); }

std::string OpJson(const RunReport& report, const OpStats& stats) {
  const LogHistogram& h = stats.latency_ns;
  std::vector<std::string> codes;
  for (int code = 1; code < kStatusCodes; ++code) {
    if (stats.by_code[code] > 0) {
      codes.push_back(absl::StrCat(JsonString(StatusCodeName(code)), ":",
                                   stats.by_code[code]));
    }
  }
  return absl::StrCat(
      "{\"ok\":", stats.ok(), ",\"errors\":", stats.errors(),
      ",\"qps\":", Number(Qps(report, stats)), ",\"errors_by_code\":{",
      absl::StrJoin(codes, ","),
      "},\"latency_us\":{\"p50\":", Number(Micros(h.Percentile(0.5))),
      ",\"p90\":", Number(Micros(h.Percentile(0.9))),
      ",\"p99\":", Number(Micros(h.Percentile(0.99))),
      ",\"p999\":", Number(Micros(h.Percentile(0.999))),
      ",\"min\":", Number(Micros(h.min())),
      ",\"max\":", Number(Micros(h.max())),
      ",\"mean\":", Number(h.Mean() / 1000.0), "}}");
}

std::string Millis(uint64_t nanos) {
  return absl::StrFormat("%.3fms", static_cast<double>(nanos) / 1e6);
}

std::string OpText(const RunReport& report, absl::string_view name,
                   const OpStats& stats) {
  const LogHistogram& h = stats.latency_ns;
  std::string line = absl::StrFormat(
      "  %-8s %10.1f ok/s  ok %-9d err %-6d p50 %s  p90 %s  p99 %s  "
      "p99.9 %s  max %s\n",
      name, Qps(report, stats), stats.ok(), stats.errors(),
      Millis(h.Percentile(0.5)), Millis(h.Percentile(0.9)),
      Millis(h.Percentile(0.99)), Millis(h.Percentile(0.999)), Millis(h.max()));
  for (int code = 1; code < kStatusCodes; ++code) {
    if (stats.by_code[code] > 0) {
      absl::StrAppend(&line, "           ", StatusCodeName(code), ": ",
                      stats.by_code[code], "\n");
    }
  }
  return line;
}

}  // namespace

absl::string_view StatusCodeName(int code) {
  if (code < 0 || code >= kStatusCodes) return "UNKNOWN";
  return kCodeNames[code];
}

void OpStats::Record(int code, uint64_t latency_ns_value) {
  if (code < 0 || code >= kStatusCodes) code = 2;
  ++by_code[code];
  if (code == 0) latency_ns.Record(latency_ns_value);
}

void OpStats::Merge(const OpStats& other) {
  latency_ns.Merge(other.latency_ns);
  for (int i = 0; i < kStatusCodes; ++i) by_code[i] += other.by_code[i];
}

uint64_t OpStats::errors() const {
  uint64_t sum = 0;
  for (int i = 1; i < kStatusCodes; ++i) sum += by_code[i];
  return sum;
}

OpStats RunReport::Total() const {
  OpStats total;
  for (const OpReport& op : ops_stats) total.Merge(op.stats);
  return total;
}

double Qps(const RunReport& report, const OpStats& stats) {
  if (report.elapsed_seconds <= 0) return 0;
  return static_cast<double>(stats.ok()) / report.elapsed_seconds;
}

std::string FormatText(const RunReport& report) {
  std::string text = absl::StrFormat(
      "csbench %s%s%s: %s  in-flight %d  elapsed %.2fs  request %.0f B\n",
      report.mode, report.label.empty() ? "" : " ", report.label,
      report.mode == "store" ? report.target
                             : absl::StrCat(report.ops, " → ", report.target),
      report.concurrency, report.elapsed_seconds, report.request_bytes_mean);
  for (const auto& [key, value] : report.conditions) {
    absl::StrAppend(&text, "  ", key, ": ", value, "\n");
  }
  for (const OpReport& op : report.ops_stats) {
    absl::StrAppend(&text, OpText(report, op.name, op.stats));
  }
  if (report.ops_stats.size() > 1) {
    absl::StrAppend(&text, OpText(report, "total", report.Total()));
  }
  return text;
}

std::string FormatJson(const RunReport& report) {
  std::vector<std::string> conditions;
  for (const auto& [key, value] : report.conditions) {
    conditions.push_back(absl::StrCat(JsonString(key), ":", JsonString(value)));
  }
  std::vector<std::string> per_op;
  for (const OpReport& op : report.ops_stats) {
    per_op.push_back(
        absl::StrCat(JsonString(op.name), ":", OpJson(report, op.stats)));
  }
  return absl::StrCat(
      "{\"mode\":", JsonString(report.mode),
      ",\"label\":", JsonString(report.label),
      ",\"target\":", JsonString(report.target),
      ",\"ops\":", JsonString(report.ops),
      ",\"concurrency\":", report.concurrency,
      ",\"channels\":", report.channels,
      ",\"duration_s\":", Number(report.duration_seconds),
      ",\"count\":", report.count,
      ",\"warmup_s\":", Number(report.warmup_seconds),
      ",\"elapsed_s\":", Number(report.elapsed_seconds),
      ",\"request_bytes_mean\":", Number(report.request_bytes_mean),
      ",\"conditions\":{", absl::StrJoin(conditions, ","), "}",
      ",\"total\":", OpJson(report, report.Total()), ",\"per_op\":{",
      absl::StrJoin(per_op, ","), "}}\n");
}

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += "\"";
  return out;
}

}  // namespace cs::csbench
