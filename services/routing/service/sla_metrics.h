// Prometheus counters of SLA deadlines, the contract the alert rules in
// deploy/prometheus/rules rely on:
//   cs_sla_warnings_total{kind, grade}
//   cs_sla_breaches_total{kind, grade}
// kind is the ClockKind without prefix (FIRST_RESPONSE, RESOLUTION, ...),
// grade is A, B, C or "none". Both label sets are small and fixed.
#ifndef CS_SERVICES_ROUTING_SERVICE_SLA_METRICS_H_
#define CS_SERVICES_ROUTING_SERVICE_SLA_METRICS_H_

#include <functional>

#include "cs/routing/v1/routing.pb.h"
#include "libs/metrics/metrics.h"

namespace cs::routing {

// A hook for RoutingApp::Options::on_deadline that counts each committed
// warning and breach in `metrics`' registry. `metrics` must outlive the hook.
// Thread-safe.
std::function<void(const v1::SlaClock&, v1::ClockTransition)>
SlaDeadlineCounter(metrics::Metrics& metrics);

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_SERVICE_SLA_METRICS_H_
