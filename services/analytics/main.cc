// analytics-server: the analytics service (统计分析) of the customer-service
// suite: KPI aggregates from every producer's event stream, reports, alerts.
//
//   analytics-server --data-dir=/var/lib/cs --auth-key-file=/run/keys/jwt
//       [--analytics-config=deploy/config/analytics.textproto]
//       [--ticket-addr=127.0.0.1:50051] [--routing-addr=127.0.0.1:50052]
//       [--escalation-addr=127.0.0.1:50056] [--kb-addr=127.0.0.1:50053]
//       [--complaint-addr=127.0.0.1:50054]
//       [--rebuild]
//
// An empty address turns that subscription off; more producers plug in
// through the config's `producers` list. --rebuild drops every aggregate and
// cursor and replays every producer from sequence 0 (also the admin RPC
// RebuildAggregates). Every flag can also come from the environment
// (CS_ANALYTICS_CONFIG, CS_TICKET_ADDR, …); see --help. Exit codes: 0 after a
// clean shutdown, 1 when start-up fails, 2 for bad flags or configuration.
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/config.h"
#include "libs/common/log.h"
#include "libs/server/server_config.h"
#include "libs/server/service_host.h"
#include "services/analytics/domain/report.h"
#include "services/analytics/grpc/analytics_grpc_service.h"
#include "services/analytics/service/analytics_app.h"

namespace {

struct AnalyticsFlags {
  std::string ticket_addr = "127.0.0.1:50051";
  std::string routing_addr = "127.0.0.1:50052";
  std::string escalation_addr = "127.0.0.1:50056";
  std::string kb_addr = "127.0.0.1:50053";
  std::string complaint_addr = "127.0.0.1:50054";
  std::string analytics_config;
  bool rebuild = false;
};

int Fail(absl::string_view what, const absl::Status& status) {
  cs::Log(cs::LogLevel::kError, "analytics",
          absl::StrCat(what, ": ", status.ToString()));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  cs::ServiceHost::PrepareProcess();

  cs::ServerConfig config;
  config.service_name = "analytics";
  config.port = 50055;
  config.metrics_port = 9105;
  AnalyticsFlags flags;
  cs::ConfigParser parser("analytics-server");
  cs::RegisterServerFlags(parser, &config);
  parser.AddString("ticket-addr", &flags.ticket_addr,
                   "host:port of the ticket service (empty: not subscribed)");
  parser.AddString("routing-addr", &flags.routing_addr,
                   "host:port of routing-sla (SLA clocks and breaches)");
  parser.AddString("escalation-addr", &flags.escalation_addr,
                   "host:port of the escalation service");
  parser.AddString("kb-addr", &flags.kb_addr,
                   "host:port of the knowledge base (searches)");
  parser.AddString("complaint-addr", &flags.complaint_addr,
                   "host:port of the complaint service (ComplaintFiled)");
  parser.AddString("analytics-config", &flags.analytics_config,
                   "KPI targets, alert thresholds, scorecard weights and "
                   "extra producers (cs.analytics.v1.AnalyticsConfig in text "
                   "format, e.g. deploy/config/analytics.textproto); empty "
                   "uses the shipped defaults");
  parser.AddBool("rebuild", &flags.rebuild,
                 "drop every aggregate and cursor at start and replay every "
                 "producer from sequence 0");
  absl::Status parsed = parser.Parse(argc, argv, cs::ProcessEnvironment());
  if (parser.help_requested()) {
    std::cout << parser.Usage();
    return 0;
  }
  if (!parsed.ok()) {
    std::cerr << parsed.message() << "\n" << parser.Usage();
    return 2;
  }

  absl::StatusOr<cs::analytics::v1::AnalyticsConfig> settings =
      flags.analytics_config.empty()
          ? cs::analytics::DefaultAnalyticsConfig()
          : cs::analytics::LoadAnalyticsConfigFile(flags.analytics_config);
  if (!settings.ok()) {
    std::cerr << "analytics-server: invalid configuration:\n"
              << settings.status().message() << "\n";
    return 2;
  }

  auto host = cs::ServiceHost::Create(
      config, cs::analytics::AnalyticsColumnFamilies());
  if (!host.ok()) return Fail("start-up failed", host.status());
  cs::ServiceHost* h = host->get();
  cs::analytics::KpiGauges gauges(h->metrics().registry());
  cs::analytics::AnalyticsApp::Options options;
  options.producers = cs::analytics::Subscriptions(
      flags.ticket_addr, flags.routing_addr, flags.escalation_addr,
      flags.kb_addr, flags.complaint_addr, *settings);
  options.token = [h] { return h->ServiceToken(); };
  options.channels = h->channels();
  options.cursor_gauge = [h](const std::string& consumer,
                             const std::string& producer) {
    return h->ConsumerCursorGauge(consumer, producer);
  };
  options.dead_letter_counter = [h](const std::string& consumer,
                                    const std::string& producer) {
    return h->ConsumerDeadLetterCounter(consumer, producer);
  };
  options.on_kpis = [&gauges](const cs::analytics::v1::MetricsRow& today) {
    gauges.Set(today);
  };
  const size_t producer_count = options.producers.size();
  auto app = cs::analytics::AnalyticsApp::Create(
      h->store(), h->outbox(), h->clock(), *std::move(settings),
      std::move(options));
  if (!app.ok()) return Fail("start-up failed", app.status());
  cs::analytics::AnalyticsApp* a = app->get();
  if (flags.rebuild) {
    if (absl::Status s = a->Rebuild(); !s.ok()) return Fail("rebuild", s);
  }
  if (absl::StatusOr<cs::analytics::v1::MetricsRow> today = a->Today();
      today.ok()) {
    gauges.Set(*today);
  }
  cs::analytics::AnalyticsGrpcService service(*h, *a);
  h->RegisterService(&service);
  h->AddShutdownHook([a] { a->Stop(); });
  if (absl::Status started = a->Start(); !started.ok()) {
    return Fail("start-up failed", started);
  }
  if (absl::Status started = h->Start(); !started.ok()) {
    a->Stop();
    return Fail("start-up failed", started);
  }
  cs::Log(cs::LogLevel::kInfo, "analytics",
          absl::StrCat("serving on port ", h->port(), "; ", producer_count,
                       " producer subscriptions"));
  int signal = cs::ServiceHost::WaitForTerminationSignal();
  cs::Log(cs::LogLevel::kInfo, "analytics",
          absl::StrCat("signal ", signal, ": shutting down"));
  h->Shutdown();
  return 0;
}
