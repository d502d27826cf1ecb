// complaint-server: the complaint service (投诉) of the customer-service suite.
//
//   complaint-server --data-dir=/var/lib/cs --auth-key-file=/run/keys/jwt
//       --complaint-config=deploy/config/complaint.conf
//       [--routing-addr=127.0.0.1:50052] [--escalation-addr=127.0.0.1:50056]
//       [--kb-addr=127.0.0.1:50053]
//
// Every flag can also come from the environment (CS_COMPLAINT_CONFIG,
// CS_ROUTING_ADDR, CS_ESCALATION_ADDR, CS_KB_ADDR, …); see --help. Exit codes:
// 0 after a clean shutdown on SIGTERM/SIGINT, 1 when start-up fails, 2 for bad
// flags or an invalid approval-limits file (the message names file and line).
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/config.h"
#include "libs/common/log.h"
#include "libs/server/server_config.h"
#include "libs/server/service_host.h"
#include "services/complaint/clients/command_client.h"
#include "services/complaint/clients/kb_publisher.h"
#include "services/complaint/domain/complaint_rules.h"
#include "services/complaint/grpc/complaint_grpc_service.h"
#include "services/complaint/service/complaint_app.h"
#include "services/complaint/store/complaint_store.h"

namespace {

struct ComplaintFlags {
  std::string routing_addr = "127.0.0.1:50052";
  std::string escalation_addr = "127.0.0.1:50056";
  std::string kb_addr = "127.0.0.1:50053";
  std::string complaint_config;
};

int Fail(absl::string_view what, const absl::Status& status) {
  cs::Log(cs::LogLevel::kError, "complaint",
          absl::StrCat(what, ": ", status.ToString()));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  cs::ServiceHost::PrepareProcess();

  cs::ServerConfig config;
  config.service_name = "complaint";
  config.port = 50054;
  config.metrics_port = 9104;
  ComplaintFlags flags;
  cs::ConfigParser parser("complaint-server");
  cs::RegisterServerFlags(parser, &config);
  parser.AddString("routing-addr", &flags.routing_addr,
                   "host:port of routing-sla (complaint deadline clocks)");
  parser.AddString("escalation-addr", &flags.escalation_addr,
                   "host:port of escalation (serious complaints)");
  parser.AddString("kb-addr", &flags.kb_addr,
                   "host:port of knowledge-base (closed complaints published "
                   "as draft articles)");
  parser.AddString("complaint-config", &flags.complaint_config,
                   "approval limits per role (核决权限), \"<role> <limit in "
                   "minor units>\" lines, e.g. deploy/config/complaint.conf; "
                   "empty uses the built-in defaults");
  absl::Status parsed = parser.Parse(argc, argv, cs::ProcessEnvironment());
  if (parser.help_requested()) {
    std::cout << parser.Usage();
    return 0;
  }
  if (!parsed.ok()) {
    std::cerr << parsed.message() << "\n" << parser.Usage();
    return 2;
  }

  cs::complaint::ApprovalLimits limits =
      cs::complaint::ApprovalLimits::Defaults();
  if (!flags.complaint_config.empty()) {
    absl::StatusOr<cs::complaint::ApprovalLimits> loaded =
        cs::complaint::LoadApprovalLimitsFile(flags.complaint_config);
    if (!loaded.ok()) {
      std::cerr << "complaint-server: invalid configuration:\n"
                << loaded.status().message() << "\n";
      return 2;
    }
    limits = *std::move(loaded);
  }

  auto host =
      cs::ServiceHost::Create(config, cs::complaint::ComplaintColumnFamilies());
  if (!host.ok()) return Fail("start-up failed", host.status());
  cs::ServiceHost* h = host->get();
  auto client = std::make_unique<cs::complaint::GrpcCommandClient>(
      h->channels().Connect(flags.routing_addr),
      h->channels().Connect(flags.escalation_addr),
      [h] { return h->ServiceToken(); });
  auto kb = std::make_unique<cs::complaint::GrpcKbPublisher>(
      h->channels().Connect(flags.kb_addr), [h] { return h->ServiceToken(); });
  cs::complaint::ComplaintApp::Options options;
  cs::complaint::GrpcCommandClient* c = client.get();
  options.departments = h->departments();
  options.deliver = [c](const cs::complaint::v1::PendingCommand& command) {
    return c->Deliver(command);
  };
  cs::complaint::GrpcKbPublisher* k = kb.get();
  options.publish = [k](const cs::complaint::v1::PublishCase& command) {
    return k->Publish(command);
  };
  auto app = cs::complaint::ComplaintApp::Create(h->store(), h->outbox(),
                                                 h->clock(), std::move(limits),
                                                 std::move(options));
  if (!app.ok()) return Fail("start-up failed", app.status());
  cs::complaint::ComplaintApp* a = app->get();
  cs::complaint::ComplaintGrpcService service(*h, *a);
  h->RegisterService(&service);
  h->AddShutdownHook([a] { a->Stop(); });
  a->Start();
  if (absl::Status started = h->Start(); !started.ok()) {
    a->Stop();
    return Fail("start-up failed", started);
  }
  cs::Log(cs::LogLevel::kInfo, "complaint",
          absl::StrCat("serving on port ", h->port(), "; routing-sla at ",
                       flags.routing_addr, "; escalation at ",
                       flags.escalation_addr, "; knowledge-base at ",
                       flags.kb_addr));
  int signal = cs::ServiceHost::WaitForTerminationSignal();
  cs::Log(cs::LogLevel::kInfo, "complaint",
          absl::StrCat("signal ", signal, ": shutting down"));
  h->Shutdown();
  return 0;
}
