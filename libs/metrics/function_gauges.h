// Gauges whose values are computed at scrape time by a callback, for numbers
// that live elsewhere (RocksDB properties, queue depths) and are cheaper to
// read on demand than to push on every change.
//
//   auto gauges = std::make_shared<cs::metrics::FunctionGauges>(
//       "rocksdb_", "RocksDB property (see rocksdb/db.h)", [&db] {
//         return cs::metrics::GaugeValues{
//             {"estimate-num-keys", db.EstimateNumKeys()},
//             {"is-write-stopped", db.IsWriteStopped() ? 1 : 0}};
//       });
//   // -> rocksdb_estimate_num_keys 1234
//   //    rocksdb_is_write_stopped 0
//
// Usually added through Metrics::AddGaugeCallback (metrics.h).
#ifndef CS_LIBS_METRICS_FUNCTION_GAUGES_H_
#define CS_LIBS_METRICS_FUNCTION_GAUGES_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace cs::metrics {

// Name/value pairs produced at scrape time by a gauge callback.
using GaugeValues = std::vector<std::pair<std::string, double>>;
using GaugeCallback = std::function<GaugeValues()>;

// Returns `name` as a valid Prometheus metric name: characters outside
// [a-zA-Z0-9_:] become '_', a leading digit gets a '_' prefix and an empty
// name becomes "_". Pure function, thread-safe.
std::string SanitizeMetricName(absl::string_view name);

// A Collectable reporting one label-less gauge per pair the callback returns,
// named SanitizeMetricName(prefix + name), all with the same help text.
// Pairs whose sanitised name repeats an earlier one are dropped, so a scrape
// never carries duplicate series. Collect() is thread-safe if the callback is;
// the callback must not throw.
class FunctionGauges final : public prometheus::Collectable {
 public:
  FunctionGauges(std::string prefix, std::string help, GaugeCallback callback);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const std::string prefix_;
  const std::string help_;
  const GaugeCallback callback_;
};

}  // namespace cs::metrics

#endif  // CS_LIBS_METRICS_FUNCTION_GAUGES_H_
