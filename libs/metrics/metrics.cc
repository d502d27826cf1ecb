#include "libs/metrics/metrics.h"

#include <exception>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/exposer.h"

namespace cs::metrics {

// The registry plus the added collectables, scraped as one.
class Metrics::Aggregate final : public prometheus::Collectable {
 public:
  explicit Aggregate(std::shared_ptr<prometheus::Registry> registry)
      : registry_(std::move(registry)) {}

  void Add(std::shared_ptr<prometheus::Collectable> collectable) {
    absl::MutexLock lock(&mu_);
    collectables_.push_back(std::move(collectable));
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<std::shared_ptr<prometheus::Collectable>> sources;
    {
      absl::MutexLock lock(&mu_);
      sources = collectables_;
    }
    // Collect outside the lock: callbacks may be slow or add collectables.
    std::vector<prometheus::MetricFamily> out = registry_->Collect();
    absl::flat_hash_set<std::string> names;
    for (const auto& family : out) names.insert(family.name);
    for (const auto& source : sources) {
      for (auto& family : source->Collect()) {
        if (names.insert(family.name).second) out.push_back(std::move(family));
      }
    }
    return out;
  }

 private:
  const std::shared_ptr<prometheus::Registry> registry_;
  mutable absl::Mutex mu_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_
      ABSL_GUARDED_BY(mu_);
};

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      aggregate_(std::make_shared<Aggregate>(registry_)) {}

Metrics::~Metrics() = default;

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Create(
    const std::string& listen_address) {
  std::unique_ptr<Metrics> metrics(new Metrics());
  if (listen_address.empty()) return metrics;
  // civetweb reports a failed bind by throwing from the constructor.
  std::string error;
  try {
    metrics->exposer_ = std::make_unique<prometheus::Exposer>(listen_address);
    metrics->exposer_->RegisterCollectable(metrics->aggregate_);
    const std::vector<int> ports = metrics->exposer_->GetListeningPorts();
    if (!ports.empty()) metrics->port_ = ports.front();
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "unknown error";
  }
  if (!error.empty() || metrics->exposer_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve /metrics on ", listen_address, ": ", error));
  }
  return metrics;
}

void Metrics::AddCollectable(
    std::shared_ptr<prometheus::Collectable> collectable) {
  if (collectable == nullptr) return;
  aggregate_->Add(std::move(collectable));
}

void Metrics::AddGaugeCallback(std::string family_prefix, std::string help,
                               GaugeCallback callback) {
  AddCollectable(std::make_shared<FunctionGauges>(
      std::move(family_prefix), std::move(help), std::move(callback)));
}

std::vector<prometheus::MetricFamily> Metrics::Collect() const {
  return aggregate_->Collect();
}

}  // namespace cs::metrics
