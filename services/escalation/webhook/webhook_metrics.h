// Prometheus metrics of the escalation webhook:
//   cs_escalation_webhook_deliveries_total{outcome="delivered"|"dead_lettered"}
//   cs_escalation_webhook_retries_total
//   cs_escalation_webhook_lag_seconds   histogram: recording → 2xx
#ifndef CS_SERVICES_ESCALATION_WEBHOOK_WEBHOOK_METRICS_H_
#define CS_SERVICES_ESCALATION_WEBHOOK_WEBHOOK_METRICS_H_

#include "libs/metrics/metrics.h"
#include "services/escalation/webhook/webhook_notifier.h"

namespace cs::escalation {

// Sets the metric hooks of `options` to count in `metrics`' registry.
// `metrics` must outlive the notifier. Thread-safe hooks.
void AddWebhookMetrics(metrics::Metrics& metrics,
                       WebhookNotifier::Options& options);

}  // namespace cs::escalation

#endif  // CS_SERVICES_ESCALATION_WEBHOOK_WEBHOOK_METRICS_H_
