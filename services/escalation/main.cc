// escalation-server: the escalation service (升级) of the customer-service
// suite.
//
//   escalation-server --data-dir=/var/lib/cs --auth-key-file=/run/keys/jwt
//       --escalation-config=deploy/config/escalation.textproto
//       [--routing-addr=127.0.0.1:50052]
//       [--webhook-url=https://hooks.example.com/cs
//        --webhook-secret-file=/run/secrets/webhook [--webhook-roles=director]]
//
// Every flag can also come from the environment (CS_ESCALATION_CONFIG,
// CS_ROUTING_ADDR, …); see --help. Exit codes: 0 after a clean shutdown on
// SIGTERM/SIGINT, 1 when start-up fails (store locked, port taken), 2 for bad
// flags or an invalid configuration file (the message names file and line).
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/config.h"
#include "libs/common/log.h"
#include "libs/server/server_config.h"
#include "libs/server/service_host.h"
#include "services/escalation/domain/escalation_config.h"
#include "services/escalation/grpc/escalation_grpc_service.h"
#include "services/escalation/service/escalation_app.h"
#include "services/escalation/store/escalation_store.h"
#include "services/escalation/webhook/http_poster.h"
#include "services/escalation/webhook/webhook_config.h"
#include "services/escalation/webhook/webhook_metrics.h"
#include "services/escalation/webhook/webhook_notifier.h"

namespace {

struct EscalationFlags {
  std::string routing_addr = "127.0.0.1:50052";
  std::string escalation_config;
};

int Fail(absl::string_view what, const absl::Status& status) {
  cs::Log(cs::LogLevel::kError, "escalation",
          absl::StrCat(what, ": ", status.ToString()));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  cs::ServiceHost::PrepareProcess();

  cs::ServerConfig config;
  config.service_name = "escalation";
  config.port = 50056;
  config.metrics_port = 9106;
  EscalationFlags flags;
  cs::ConfigParser parser("escalation-server");
  cs::RegisterServerFlags(parser, &config);
  parser.AddString("routing-addr", &flags.routing_addr,
                   "host:port of routing-sla (SLA warning and breach events)");
  parser.AddString("escalation-config", &flags.escalation_config,
                   "escalation policies (cs.escalation.v1.EscalationConfig "
                   "in text format, e.g. deploy/config/escalation.textproto)",
                   cs::ConfigParser::kRequired);
  cs::escalation::WebhookFlags webhook_flags;
  cs::escalation::RegisterWebhookFlags(parser, &webhook_flags);
  absl::Status parsed = parser.Parse(argc, argv, cs::ProcessEnvironment());
  if (parser.help_requested()) {
    std::cout << parser.Usage();
    return 0;
  }
  if (!parsed.ok()) {
    std::cerr << parsed.message() << "\n" << parser.Usage();
    return 2;
  }

  // An invalid configuration refuses to start, naming the file and line.
  absl::StatusOr<cs::escalation::EscalationSettings> settings =
      cs::escalation::LoadEscalationConfigFile(flags.escalation_config);
  if (!settings.ok()) {
    std::cerr << "escalation-server: invalid configuration:\n"
              << settings.status().message() << "\n";
    return 2;
  }
  const int64_t config_version = settings->proto.version();
  auto webhook_options =
      cs::escalation::WebhookOptionsFromFlags(webhook_flags);
  if (!webhook_options.ok()) {
    std::cerr << "escalation-server: " << webhook_options.status().message()
              << "\n";
    return 2;
  }

  auto host = cs::ServiceHost::Create(
      config, cs::escalation::EscalationColumnFamilies());
  if (!host.ok()) return Fail("start-up failed", host.status());
  cs::ServiceHost* h = host->get();
  cs::escalation::EscalationApp::Options options;
  options.routing_events_target = flags.routing_addr;
  options.token = [h] { return h->ServiceToken(); };
  options.channels = h->channels();
  options.departments = h->departments();
  options.on_cursor = h->ConsumerCursorGauge(
      std::string(cs::escalation::EscalationApp::kConsumerName), "routing");
  options.on_dead_letter = h->ConsumerDeadLetterCounter(
      std::string(cs::escalation::EscalationApp::kConsumerName), "routing");
  auto app = cs::escalation::EscalationApp::Create(
      h->store(), h->outbox(), h->clock(), *std::move(settings),
      std::move(options));
  if (!app.ok()) return Fail("start-up failed", app.status());
  cs::escalation::EscalationApp* a = app->get();
  cs::escalation::EscalationGrpcService service(*h, *a);
  h->RegisterService(&service);
  // After the gRPC server stopped, before the store closes.
  h->AddShutdownHook([a] { a->Stop(); });
  if (absl::Status started = a->Start(); !started.ok()) {
    return Fail("start-up failed", started);
  }
  // The webhook follows the recorded notifications from its own cursor.
  std::unique_ptr<cs::escalation::HttpPoster> poster;
  std::unique_ptr<cs::escalation::WebhookNotifier> notifier;
  if (*webhook_options) {
    cs::escalation::AddWebhookMetrics(h->metrics(), **webhook_options);
    poster = cs::escalation::NewCurlHttpPoster(webhook_flags.timeout);
    notifier = std::make_unique<cs::escalation::WebhookNotifier>(
        h->store(), h->outbox(), h->clock(), *poster,
        **std::move(webhook_options));
    cs::escalation::WebhookNotifier* w = notifier.get();
    h->AddShutdownHook([w] { w->Stop(); });
    if (absl::Status started = w->Start(); !started.ok()) {
      a->Stop();
      return Fail("start-up failed", started);
    }
  }
  if (absl::Status started = h->Start(); !started.ok()) {
    a->Stop();
    return Fail("start-up failed", started);
  }
  cs::Log(
      cs::LogLevel::kInfo, "escalation",
      absl::StrCat("serving on port ", h->port(), "; configuration version ",
                   config_version, " from ", flags.escalation_config,
                   "; routing-sla at ", flags.routing_addr,
                   notifier != nullptr
                       ? absl::StrCat("; webhook to ", webhook_flags.url)
                       : std::string()));
  int signal = cs::ServiceHost::WaitForTerminationSignal();
  cs::Log(cs::LogLevel::kInfo, "escalation",
          absl::StrCat("signal ", signal, ": shutting down"));
  service.StopWatches();  // open watches end before the grace period
  h->Shutdown();
  return 0;
}
