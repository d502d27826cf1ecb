// One Prometheus registry per process, optionally served over HTTP at
// /metrics, plus custom collectables (process metrics, scrape-time gauges).
//
//   absl::StatusOr<std::unique_ptr<cs::metrics::Metrics>> metrics =
//       cs::metrics::Metrics::Create("0.0.0.0:9101");
//   if (!metrics.ok()) { /* UNAVAILABLE: port taken */ }
//   cs::metrics::RegisterProcessCollector(**metrics);
//   std::vector<std::unique_ptr<
//       grpc::experimental::ServerInterceptorFactoryInterface>> creators;
//   creators.push_back(cs::metrics::MakeGrpcServerMetricsInterceptorFactory(
//       (*metrics)->registry()));           // grpc_server_metrics.h
//   builder.experimental().SetInterceptorCreators(std::move(creators));
//   (*metrics)->AddGaugeCallback("rocksdb_", "RocksDB property", [&db] {
//     return cs::metrics::GaugeValues{
//         {"estimate-num-keys", db.EstimateNumKeys()}};
//   });
//
// Everything exposed at /metrics is also available in-process via Collect(),
// so tests need no HTTP.
//
// Lifetime: the Metrics object owns the registry, the HTTP server and every
// collectable. Anything that holds references into registry() (metric
// pointers, the gRPC interceptor factory, a running grpc::Server using it)
// must be destroyed first. Destroying a Metrics with an HTTP endpoint takes
// about 2 s (civetweb joins its threads).
#ifndef CS_LIBS_METRICS_METRICS_H_
#define CS_LIBS_METRICS_METRICS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/metrics/function_gauges.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"

namespace prometheus {
class Exposer;
}  // namespace prometheus

namespace cs::metrics {

class Metrics {
 public:
  // Creates the registry and, unless `listen_address` is empty, an HTTP
  // server answering GET /metrics on it ("0.0.0.0:9101", "127.0.0.1:0" for
  // any free port, or a bare port "9101").
  // Returns UNAVAILABLE naming the address when the HTTP server cannot start
  // (port taken, bad address). Never throws.
  static absl::StatusOr<std::unique_ptr<Metrics>> Create(
      const std::string& listen_address);

  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The registry for counters, gauges and histograms. Owned by this object;
  // prometheus::Registry is thread-safe.
  prometheus::Registry& registry() { return *registry_; }

  // The TCP port the HTTP endpoint is bound to (the real one when port 0 was
  // requested); 0 when there is no HTTP endpoint. Thread-safe.
  int port() const { return port_; }

  // Adds a collectable that is scraped with the registry. Takes shared
  // ownership; its Collect() must be thread-safe and must not throw. A null
  // collectable is ignored. Thread-safe.
  void AddCollectable(std::shared_ptr<prometheus::Collectable> collectable);

  // At every scrape, calls `callback` and reports each (name, value) as a
  // label-less gauge named SanitizeMetricName(family_prefix + name) with
  // `help` (see FunctionGauges in function_gauges.h). `callback` runs on a
  // scrape thread: it must be thread-safe, must not throw, and what it
  // captures must outlive this object. Thread-safe.
  void AddGaugeCallback(std::string family_prefix, std::string help,
                        GaugeCallback callback);

  // Everything a scrape of /metrics reports: the registry followed by the
  // added collectables, in the order they were added. When two sources report
  // a family with the same name, the first wins and the later one is dropped
  // (Prometheus rejects a whole scrape with duplicate series). Thread-safe.
  std::vector<prometheus::MetricFamily> Collect() const;

 private:
  class Aggregate;
  Metrics();

  std::shared_ptr<prometheus::Registry> registry_;
  // Registry + added collectables; the one thing registered with exposer_.
  std::shared_ptr<Aggregate> aggregate_;
  int port_ = 0;
  // Declared last so that it is destroyed first: it stops scraping before
  // anything it scrapes goes away.
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace cs::metrics

#endif  // CS_LIBS_METRICS_METRICS_H_
