#include "services/escalation/webhook/webhook_metrics.h"

#include <string>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"

namespace cs::escalation {

void AddWebhookMetrics(metrics::Metrics& metrics,
                       WebhookNotifier::Options& options) {
  auto* deliveries = &prometheus::BuildCounter()
                          .Name("cs_escalation_webhook_deliveries_total")
                          .Help("Webhook notifications by final outcome")
                          .Register(metrics.registry());
  auto* retries = &prometheus::BuildCounter()
                       .Name("cs_escalation_webhook_retries_total")
                       .Help("Webhook POSTs retried (no response, 429, 5xx)")
                       .Register(metrics.registry())
                       .Add({});
  auto* lag = &prometheus::BuildHistogram()
                   .Name("cs_escalation_webhook_lag_seconds")
                   .Help("From a notification's recording to its 2xx")
                   .Register(metrics.registry())
                   .Add({}, prometheus::Histogram::BucketBoundaries{
                                0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600});
  // Both outcomes exist from the start, so rate() sees the first one.
  deliveries->Add({{"outcome", "delivered"}});
  deliveries->Add({{"outcome", "dead_lettered"}});
  options.on_outcome = [deliveries](absl::string_view outcome) {
    deliveries->Add({{"outcome", std::string(outcome)}}).Increment();
  };
  options.on_retry = [retries] { retries->Increment(); };
  options.on_lag = [lag](absl::Duration d) {
    lag->Observe(absl::ToDoubleSeconds(d));
  };
}

}  // namespace cs::escalation
