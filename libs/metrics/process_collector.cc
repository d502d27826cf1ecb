#include "libs/metrics/process_collector.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "libs/common/files.h"
#include "libs/metrics/metrics.h"
#include "prometheus/client_metric.h"
#include "prometheus/metric_type.h"

namespace cs::metrics {
namespace {

// The fields of /proc/<pid>/stat the collector needs.
struct Stat {
  uint64_t utime_ticks = 0;
  uint64_t stime_ticks = 0;
  uint64_t start_ticks_since_boot = 0;
  uint64_t vsize_bytes = 0;
  uint64_t rss_pages = 0;
};

// The command name (field 2) is in parentheses and may itself contain spaces
// and ')', so fields are counted from the last ')'.
std::optional<Stat> ParseStat(absl::string_view text) {
  const size_t paren = text.rfind(')');
  if (paren == absl::string_view::npos) return std::nullopt;
  std::vector<absl::string_view> fields =
      absl::StrSplit(text.substr(paren + 1), ' ', absl::SkipWhitespace());
  // fields[0] is field 3 (state), so field N is fields[N - 3].
  constexpr size_t kUtime = 14 - 3, kStime = 15 - 3, kStart = 22 - 3,
                   kVsize = 23 - 3, kRss = 24 - 3;
  if (fields.size() <= kRss) return std::nullopt;
  Stat stat;
  int64_t rss = 0;  // signed in the kernel's format
  if (!absl::SimpleAtoi(fields[kUtime], &stat.utime_ticks) ||
      !absl::SimpleAtoi(fields[kStime], &stat.stime_ticks) ||
      !absl::SimpleAtoi(fields[kStart], &stat.start_ticks_since_boot) ||
      !absl::SimpleAtoi(fields[kVsize], &stat.vsize_bytes) ||
      !absl::SimpleAtoi(fields[kRss], &rss)) {
    return std::nullopt;
  }
  stat.rss_pages = rss < 0 ? 0 : static_cast<uint64_t>(rss);
  return stat;
}

// "btime <unix seconds>" from /proc/stat.
std::optional<uint64_t> ParseBootTime(absl::string_view text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::ConsumePrefix(&line, "btime")) {
      uint64_t seconds = 0;
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &seconds))
        return seconds;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// Soft limit from the "Max open files" line of /proc/<pid>/limits;
// "unlimited" is +Inf.
std::optional<double> ParseMaxFds(absl::string_view text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::ConsumePrefix(&line, "Max open files")) continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (fields.empty()) return std::nullopt;
    if (fields[0] == "unlimited")
      return std::numeric_limits<double>::infinity();
    uint64_t soft = 0;
    if (!absl::SimpleAtoi(fields[0], &soft)) return std::nullopt;
    return static_cast<double>(soft);
  }
  return std::nullopt;
}

// Entries of `dir` other than "." and "..". The descriptor opendir uses is
// counted too when `dir` is /proc/self/fd, as in the Go client.
std::optional<double> CountEntries(const std::string& dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> handle(opendir(dir.c_str()), &closedir);
  if (handle == nullptr) return std::nullopt;
  double count = 0;
  while (const dirent* entry = readdir(handle.get())) {
    const absl::string_view name = entry->d_name;
    if (name != "." && name != "..") ++count;
  }
  return count;
}

void AddFamily(std::vector<prometheus::MetricFamily>& out, std::string name,
               std::string help, prometheus::MetricType type, double value) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(std::move(metric));
  out.push_back(std::move(family));
}

long OrSysconf(long value, int name) {
  if (value > 0) return value;
  const long v = sysconf(name);
  return v > 0 ? v : 0;
}

}  // namespace

ProcessCollector::ProcessCollector(ProcessCollectorOptions options)
    : options_(std::move(options)),
      ticks_per_second_(
          OrSysconf(options_.clock_ticks_per_second, _SC_CLK_TCK)),
      page_size_bytes_(OrSysconf(options_.page_size_bytes, _SC_PAGESIZE)) {}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> out;

  std::optional<Stat> stat;
  if (absl::StatusOr<std::string> text =
          ReadFileToString(options_.proc_self + "/stat");
      text.ok()) {
    stat = ParseStat(*text);
  }
  if (stat.has_value() && ticks_per_second_ > 0) {
    AddFamily(out, "process_cpu_seconds_total",
              "Total user and system CPU time spent in seconds.",
              MetricType::Counter,
              static_cast<double>(stat->utime_ticks + stat->stime_ticks) /
                  static_cast<double>(ticks_per_second_));
  }
  if (stat.has_value()) {
    AddFamily(out, "process_resident_memory_bytes",
              "Resident memory size in bytes.", MetricType::Gauge,
              static_cast<double>(stat->rss_pages) *
                  static_cast<double>(page_size_bytes_));
    AddFamily(out, "process_virtual_memory_bytes",
              "Virtual memory size in bytes.", MetricType::Gauge,
              static_cast<double>(stat->vsize_bytes));
  }
  if (std::optional<double> fds = CountEntries(options_.proc_self + "/fd")) {
    AddFamily(out, "process_open_fds", "Number of open file descriptors.",
              MetricType::Gauge, *fds);
  }
  if (absl::StatusOr<std::string> text =
          ReadFileToString(options_.proc_self + "/limits");
      text.ok()) {
    if (std::optional<double> max = ParseMaxFds(*text)) {
      AddFamily(out, "process_max_fds",
                "Maximum number of open file descriptors.", MetricType::Gauge,
                *max);
    }
  }
  if (absl::StatusOr<std::string> text = ReadFileToString(options_.proc_stat);
      text.ok() && stat.has_value() && ticks_per_second_ > 0) {
    if (std::optional<uint64_t> boot = ParseBootTime(*text)) {
      AddFamily(out, "process_start_time_seconds",
                "Start time of the process since unix epoch in seconds.",
                MetricType::Gauge,
                static_cast<double>(*boot) +
                    static_cast<double>(stat->start_ticks_since_boot) /
                        static_cast<double>(ticks_per_second_));
    }
  }
  return out;
}

void RegisterProcessCollector(Metrics& metrics) {
  metrics.AddCollectable(std::make_shared<ProcessCollector>());
}

}  // namespace cs::metrics
