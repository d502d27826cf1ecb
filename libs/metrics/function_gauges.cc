#include "libs/metrics/function_gauges.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "prometheus/client_metric.h"
#include "prometheus/metric_type.h"

namespace cs::metrics {

std::string SanitizeMetricName(absl::string_view name) {
  std::string out;
  out.reserve(name.size() + 1);
  if (name.empty() || absl::ascii_isdigit(static_cast<unsigned char>(name[0])))
    out.push_back('_');
  for (char c : name) {
    const bool ok = absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                    c == '_' || c == ':';
    out.push_back(ok ? c : '_');
  }
  return out;
}

FunctionGauges::FunctionGauges(std::string prefix, std::string help,
                               GaugeCallback callback)
    : prefix_(std::move(prefix)),
      help_(std::move(help)),
      callback_(std::move(callback)) {}

std::vector<prometheus::MetricFamily> FunctionGauges::Collect() const {
  std::vector<prometheus::MetricFamily> families;
  if (!callback_) return families;
  const GaugeValues values = callback_();
  families.reserve(values.size());
  absl::flat_hash_set<std::string> seen;
  for (const auto& [name, value] : values) {
    std::string full = SanitizeMetricName(absl::StrCat(prefix_, name));
    if (!seen.insert(full).second) continue;
    prometheus::MetricFamily family;
    family.name = std::move(full);
    family.help = help_;
    family.type = prometheus::MetricType::Gauge;
    prometheus::ClientMetric metric;
    metric.gauge.value = value;
    family.metric.push_back(std::move(metric));
    families.push_back(std::move(family));
  }
  return families;
}

}  // namespace cs::metrics
