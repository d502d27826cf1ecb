// routing-server: the routing & SLA service (路由与服务时限) of the
// customer-service suite.
//
//   routing-server --data-dir=/var/lib/cs --auth-key-file=/run/keys/jwt
//       --routing-config=deploy/config/routing.textproto
//       --calendars-config=deploy/config/calendars.conf
//       [--ticket-addr=127.0.0.1:50051]
//
// Every flag can also come from the environment (CS_ROUTING_CONFIG,
// CS_CALENDARS_CONFIG, CS_TICKET_ADDR, …); see --help. Exit codes: 0 after a
// clean shutdown on SIGTERM/SIGINT, 1 when start-up fails (store locked,
// port taken), 2 for bad flags or an invalid configuration file (the message
// names the file and line).
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/config.h"
#include "libs/common/log.h"
#include "libs/server/server_config.h"
#include "libs/server/service_host.h"
#include "services/routing/clients/ticket_client.h"
#include "services/routing/grpc/routing_grpc_service.h"
#include "services/routing/service/routing_app.h"
#include "services/routing/service/sla_metrics.h"
#include "services/routing/store/routing_store.h"

namespace {

struct RoutingFlags {
  std::string ticket_addr = "127.0.0.1:50051";
  std::string routing_config;
  std::string calendars_config;
};

int Fail(absl::string_view what, const absl::Status& status) {
  cs::Log(cs::LogLevel::kError, "routing",
          absl::StrCat(what, ": ", status.ToString()));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  cs::ServiceHost::PrepareProcess();

  cs::ServerConfig config;
  config.service_name = "routing";
  config.port = 50052;
  config.metrics_port = 9102;
  RoutingFlags flags;
  cs::ConfigParser parser("routing-server");
  cs::RegisterServerFlags(parser, &config);
  parser.AddString("ticket-addr", &flags.ticket_addr,
                   "host:port of the ticket service (events and assignments)");
  parser.AddString("routing-config", &flags.routing_config,
                   "grading, routing and SLA policies (cs.routing.v1."
                   "RoutingConfig in text format, e.g. "
                   "deploy/config/routing.textproto)",
                   cs::ConfigParser::kRequired);
  parser.AddString("calendars-config", &flags.calendars_config,
                   "business calendars (e.g. deploy/config/calendars.conf)",
                   cs::ConfigParser::kRequired);
  absl::Status parsed = parser.Parse(argc, argv, cs::ProcessEnvironment());
  if (parser.help_requested()) {
    std::cout << parser.Usage();
    return 0;
  }
  if (!parsed.ok()) {
    std::cerr << parsed.message() << "\n" << parser.Usage();
    return 2;
  }

  auto host =
      cs::ServiceHost::Create(config, cs::routing::RoutingColumnFamilies());
  if (!host.ok()) return Fail("start-up failed", host.status());
  cs::ServiceHost* h = host->get();
  // An invalid configuration refuses to start, naming the file and line.
  absl::StatusOr<cs::routing::RoutingSettings> settings =
      cs::routing::LoadRoutingSettings(
          flags.routing_config, flags.calendars_config, h->departments());
  if (!settings.ok()) {
    std::cerr << "routing-server: invalid configuration:\n"
              << settings.status().message() << "\n";
    return 2;
  }
  const int64_t config_version = settings->config.version;
  cs::routing::GrpcTicketClient tickets(
      h->channels().Connect(flags.ticket_addr),
      [h] { return h->ServiceToken(); });
  cs::routing::RoutingApp::Options options;
  options.ticket_events_target = flags.ticket_addr;
  options.token = [h] { return h->ServiceToken(); };
  options.channels = h->channels();
  options.self_subject = absl::StrCat("service:", config.service_name);
  options.on_cursor = h->ConsumerCursorGauge(
      std::string(cs::routing::RoutingApp::kConsumerName), "ticket");
  options.on_dead_letter = h->ConsumerDeadLetterCounter(
      std::string(cs::routing::RoutingApp::kConsumerName), "ticket");
  options.on_deadline = cs::routing::SlaDeadlineCounter(h->metrics());
  options.departments = h->departments();
  auto app = cs::routing::RoutingApp::Create(h->store(), h->outbox(),
                                             h->clock(), *std::move(settings),
                                             tickets, std::move(options));
  if (!app.ok()) return Fail("start-up failed", app.status());
  cs::routing::RoutingApp* a = app->get();
  // The Assigner's deliveries to the ticket service, for WaitForCommands.
  h->consumer_progress().AddCommandOutbox(
      "routing->ticket",
      [a](absl::Duration timeout) { return a->WaitAssignerIdle(timeout); });
  cs::routing::RoutingGrpcService routing_service(*h, *a);
  cs::routing::SlaGrpcService sla_service(*h, *a);
  h->RegisterService(&routing_service);
  h->RegisterService(&sla_service);
  // After the gRPC server stopped, before the store closes: consumer,
  // assigner, timers.
  h->AddShutdownHook([a] { a->Stop(); });
  if (absl::Status started = a->Start(); !started.ok()) {
    return Fail("start-up failed", started);
  }
  if (absl::Status started = h->Start(); !started.ok()) {
    a->Stop();
    return Fail("start-up failed", started);
  }
  cs::Log(
      cs::LogLevel::kInfo, "routing",
      absl::StrCat("serving on port ", h->port(), "; configuration version ",
                   config_version, " from ", flags.routing_config,
                   "; ticket service at ", flags.ticket_addr));
  int signal = cs::ServiceHost::WaitForTerminationSignal();
  cs::Log(cs::LogLevel::kInfo, "routing",
          absl::StrCat("signal ", signal, ": shutting down"));
  h->Shutdown();
  return 0;
}
