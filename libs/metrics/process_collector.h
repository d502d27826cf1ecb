// The standard Prometheus process metrics (as the Go and Python clients
// report them), read from Linux procfs at every scrape. prometheus-cpp ships
// no process collector.
//
//   process_cpu_seconds_total       counter  user + system CPU time
//   process_resident_memory_bytes   gauge    RSS
//   process_virtual_memory_bytes    gauge    virtual memory size
//   process_open_fds                gauge    entries in /proc/self/fd
//   process_max_fds                 gauge    soft RLIMIT_NOFILE
//   process_start_time_seconds      gauge    Unix time the process started
//
//   cs::metrics::RegisterProcessCollector(*metrics);
#ifndef CS_LIBS_METRICS_PROCESS_COLLECTOR_H_
#define CS_LIBS_METRICS_PROCESS_COLLECTOR_H_

#include <string>
#include <vector>

#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace cs::metrics {

class Metrics;

struct ProcessCollectorOptions {
  // Per-process directory holding stat, limits and fd/.
  std::string proc_self = "/proc/self";
  // System-wide stat file, for the boot time ("btime").
  std::string proc_stat = "/proc/stat";
  // 0 = ask sysconf(_SC_CLK_TCK) / sysconf(_SC_PAGESIZE). Tests that feed
  // fake procfs files set them to get exact values.
  long clock_ticks_per_second = 0;
  long page_size_bytes = 0;
};

// A Collectable reading procfs on every Collect(). A metric whose source file
// is missing or unparsable is left out of that scrape (never an error, never
// a crash). Collect() is thread-safe.
class ProcessCollector final : public prometheus::Collectable {
 public:
  explicit ProcessCollector(ProcessCollectorOptions options = {});

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const ProcessCollectorOptions options_;
  const long ticks_per_second_;
  const long page_size_bytes_;
};

// Adds a ProcessCollector for this process to `metrics` (which owns it).
// Call once per Metrics object; a second call would report the families
// twice (Metrics drops the repeats). Thread-safe.
void RegisterProcessCollector(Metrics& metrics);

}  // namespace cs::metrics

#endif  // CS_LIBS_METRICS_PROCESS_COLLECTOR_H_
