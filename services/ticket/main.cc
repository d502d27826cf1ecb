// ticket-server: the ticket service (工单服务) of the customer-service suite.
//
//   ticket-server --data-dir=/var/lib/cs --auth-key-file=/run/keys/jwt
//       --pii-key-file=/run/keys/pii [--permissions-file=FILE] [--partition=N]
//       [--quality-config=deploy/config/quality.textproto]
//       [--routing-addr=127.0.0.1:50052] [--complaint-addr=127.0.0.1:50054]
//
// Hosts two gRPC services on one port: cs.ticket.v1.TicketService and
// cs.ticket.v1.QualityService (quality inspection and follow-ups). With
// --routing-addr / --complaint-addr it follows those services' event streams
// for the inspection queue's SLA-breached and complaint-linked signals
// (services/ticket/quality/signal_feed.h); without, those signals stay off.
//
// Every flag can also come from the environment (CS_PII_KEY_FILE, …); see
// --help. Exit codes: 0 after a clean shutdown on SIGTERM/SIGINT, 1 when
// start-up fails (unreadable key, store locked, port taken), 2 for bad flags.
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/config.h"
#include "libs/common/files.h"
#include "libs/common/log.h"
#include "libs/server/server_config.h"
#include "libs/server/service_host.h"
#include "services/ticket/domain/permissions.h"
#include "services/ticket/domain/pii_cipher.h"
#include "services/ticket/domain/ticket_number.h"
#include "services/ticket/grpc/ticket_grpc_service.h"
#include "services/ticket/quality/quality_app.h"
#include "services/ticket/quality/quality_grpc_service.h"
#include "services/ticket/quality/scorecard.h"
#include "services/ticket/quality/signal_feed.h"
#include "services/ticket/service/ticket_app.h"
#include "services/ticket/store/ticket_repository.h"

namespace {

struct TicketConfig {
  std::string pii_key_file;
  std::string permissions_file;  // empty: the built-in defaults
  std::string quality_config;    // empty: the built-in scorecard
  std::string routing_addr;      // empty: no SLA-breach signals
  std::string complaint_addr;    // empty: no complaint signals
};

int Fail(absl::string_view what, const absl::Status& status) {
  cs::Log(cs::LogLevel::kError, "ticket",
          absl::StrCat(what, ": ", status.ToString()));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  cs::ServiceHost::PrepareProcess();

  cs::ServerConfig config;
  config.service_name = "ticket";
  config.port = 50051;
  config.metrics_port = 9101;
  TicketConfig ticket;
  cs::ConfigParser parser("ticket-server");
  cs::RegisterServerFlags(parser, &config);
  parser.AddString("pii-key-file", &ticket.pii_key_file,
                   "keyring for ID-card/bank-card encryption (32 raw bytes, "
                   "64 hex chars, or '<id> <version> <hex> [current]' lines)",
                   cs::ConfigParser::kRequired);
  parser.AddString("permissions-file", &ticket.permissions_file,
                   "role → action@scope table (default: built-in, as "
                   "deploy/config/ticket_permissions.conf)");
  parser.AddString("quality-config", &ticket.quality_config,
                   "quality scorecard, reviews per agent and survey share "
                   "(text-format cs.ticket.v1.QualityConfig; default: "
                   "built-in, as deploy/config/quality.textproto)");
  parser.AddString("routing-addr", &ticket.routing_addr,
                   "host:port of routing-sla, whose SlaBreached events mark "
                   "tickets SLA-breached in the inspection queue (default: "
                   "none, no such signal)");
  parser.AddString("complaint-addr", &ticket.complaint_addr,
                   "host:port of the complaint service, whose ComplaintFiled "
                   "events mark tickets complaint-linked in the inspection "
                   "queue (default: none, no such signal)");
  absl::Status parsed = parser.Parse(argc, argv, cs::ProcessEnvironment());
  if (parser.help_requested()) {
    std::cout << parser.Usage();
    return 0;
  }
  if (!parsed.ok()) {
    std::cerr << parsed.message() << "\n" << parser.Usage();
    return 2;
  }

  absl::StatusOr<cs::ticket::Keyring> keyring =
      cs::ticket::Keyring::LoadFromFile(ticket.pii_key_file);
  if (!keyring.ok()) return Fail("--pii-key-file", keyring.status());
  cs::ticket::PermissionTable permissions =
      cs::ticket::PermissionTable::Defaults();
  if (!ticket.permissions_file.empty()) {
    absl::StatusOr<std::string> text =
        cs::ReadFileToString(ticket.permissions_file);
    if (!text.ok()) return Fail("--permissions-file", text.status());
    absl::StatusOr<cs::ticket::PermissionTable> table =
        cs::ticket::PermissionTable::Parse(*text);
    if (!table.ok()) {
      return Fail(absl::StrCat("--permissions-file ", ticket.permissions_file),
                  table.status());
    }
    permissions = *std::move(table);
  }

  cs::ticket::quality::Scorecard scorecard =
      cs::ticket::quality::DefaultScorecard();
  if (!ticket.quality_config.empty()) {
    absl::StatusOr<std::string> text =
        cs::ReadFileToString(ticket.quality_config);
    if (!text.ok()) return Fail("--quality-config", text.status());
    auto parsed_card =
        cs::ticket::quality::ParseScorecard(*text, ticket.quality_config);
    if (!parsed_card.ok()) return Fail("--quality-config", parsed_card.status());
    scorecard = *std::move(parsed_card);
  }

  auto host =
      cs::ServiceHost::Create(config, cs::ticket::TicketColumnFamilies());
  if (!host.ok()) return Fail("start-up failed", host.status());
  auto app = cs::ticket::TicketApp::Create(
      (*host)->store(), (*host)->outbox(), (*host)->commits(), (*host)->clock(),
      std::move(permissions), *std::move(keyring),
      {.partition = static_cast<uint32_t>(config.partition),
       .survey_share = scorecard.survey_share(),
       .departments = (*host)->departments()});
  if (!app.ok()) return Fail("start-up failed", app.status());
  auto quality = cs::ticket::quality::QualityApp::Create(
      (*host)->store(), (*host)->outbox(), (*host)->clock(),
      std::move(scorecard), **app);
  if (!quality.ok()) return Fail("start-up failed", quality.status());
  cs::ServiceHost* h = host->get();
  using cs::ticket::quality::InspectionSignalFeed;
  auto feed = InspectionSignalFeed::Create(
      h->store(), (*app)->repository(),
      {.routing_target = ticket.routing_addr,
       .complaint_target = ticket.complaint_addr,
       .channels = h->channels(),
       .token = [h] { return h->ServiceToken(); },
       .on_routing_cursor = h->ConsumerCursorGauge(
           InspectionSignalFeed::kRoutingConsumer, "routing"),
       .on_complaint_cursor = h->ConsumerCursorGauge(
           InspectionSignalFeed::kComplaintConsumer, "complaint"),
       .on_routing_dead_letter = h->ConsumerDeadLetterCounter(
           InspectionSignalFeed::kRoutingConsumer, "routing"),
       .on_complaint_dead_letter = h->ConsumerDeadLetterCounter(
           InspectionSignalFeed::kComplaintConsumer, "complaint")});
  if (!feed.ok()) return Fail("start-up failed", feed.status());
  InspectionSignalFeed* f = feed->get();
  // After the gRPC server stopped, before the store closes.
  h->AddShutdownHook([f] { f->Stop(); });
  if (absl::Status started = f->Start(); !started.ok()) {
    return Fail("start-up failed", started);
  }
  cs::ticket::TicketGrpcService service(**host, **app);
  cs::ticket::quality::QualityGrpcService quality_service(**host, **quality);
  (*host)->RegisterService(&service);
  (*host)->RegisterService(&quality_service);
  if (absl::Status started = (*host)->Start(); !started.ok()) {
    f->Stop();
    return Fail("start-up failed", started);
  }
  int signal = cs::ServiceHost::WaitForTerminationSignal();
  cs::Log(cs::LogLevel::kInfo, "ticket",
          absl::StrCat("signal ", signal, ": shutting down"));
  (*host)->Shutdown();
  return 0;
}
