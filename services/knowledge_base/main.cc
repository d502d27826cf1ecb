// kb-server: the knowledge-base service (知识库) of the customer-service suite.
//
//   kb-server --data-dir=/var/lib/cs --auth-key-file=/run/keys/jwt
//       [--ticket-addr=127.0.0.1:50051] [--review-cadence=168h]
//       [--title-boost-percent=200] [--snippet-chars=120]
//
// Every flag can also come from the environment (CS_TICKET_ADDR, …); see
// --help. Exit codes: 0 after a clean shutdown on SIGTERM/SIGINT, 1 when
// start-up fails (unreadable key, store locked, port taken), 2 for bad flags.
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/common/config.h"
#include "libs/common/log.h"
#include "libs/server/server_config.h"
#include "libs/server/service_host.h"
#include "services/knowledge_base/clients/ticket_client.h"
#include "services/knowledge_base/domain/synonyms.h"
#include "services/knowledge_base/grpc/kb_grpc_service.h"
#include "services/knowledge_base/service/kb_app.h"
#include "services/knowledge_base/store/kb_repository.h"

namespace {

struct KbFlags {
  std::string ticket_addr = "127.0.0.1:50051";
  absl::Duration review_cadence = absl::Hours(24 * 7);
  int title_boost_percent = 200;
  int snippet_chars = 120;
  std::string synonyms_file;
};

int Fail(absl::string_view what, const absl::Status& status) {
  cs::Log(cs::LogLevel::kError, "knowledge-base",
          absl::StrCat(what, ": ", status.ToString()));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  cs::ServiceHost::PrepareProcess();

  cs::ServerConfig config;
  config.service_name = "knowledge-base";
  config.port = 50053;
  config.metrics_port = 9103;
  KbFlags flags;
  cs::ConfigParser parser("kb-server");
  cs::RegisterServerFlags(parser, &config);
  parser.AddString("ticket-addr", &flags.ticket_addr,
                   "ticket service address for ShareToTicket (host:port)");
  parser.AddDuration("review-cadence", &flags.review_cadence,
                     "published articles must be re-checked within this",
                     absl::Hours(1), absl::Hours(24 * 366));
  parser.AddInt("title-boost-percent", &flags.title_boost_percent,
                "weight of a title match vs a body match in BM25, in %", 1,
                10000);
  parser.AddInt("snippet-chars", &flags.snippet_chars,
                "length of search snippets in characters", 20, 1000);
  parser.AddString("synonyms-file", &flags.synonyms_file,
                   "search synonym groups, one per line (e.g. "
                   "deploy/config/kb_synonyms.conf; default: none)");
  absl::Status parsed = parser.Parse(argc, argv, cs::ProcessEnvironment());
  if (parser.help_requested()) {
    std::cout << parser.Usage();
    return 0;
  }
  if (!parsed.ok()) {
    std::cerr << parsed.message() << "\n" << parser.Usage();
    return 2;
  }

  cs::kb::SynonymTable synonyms;
  if (!flags.synonyms_file.empty()) {
    absl::StatusOr<cs::kb::SynonymTable> loaded =
        cs::kb::LoadSynonymsFile(flags.synonyms_file);
    if (!loaded.ok()) {
      std::cerr << "kb-server: --synonyms-file: " << loaded.status().message()
                << "\n";
      return 2;
    }
    synonyms = *std::move(loaded);
  }

  auto host = cs::ServiceHost::Create(config, cs::kb::KbColumnFamilies());
  if (!host.ok()) return Fail("start-up failed", host.status());
  cs::ServiceHost* raw_host = host->get();
  cs::kb::GrpcTicketReplier replier(
      raw_host->channels().Connect(flags.ticket_addr),
      [raw_host] { return raw_host->ServiceToken(); });
  cs::kb::KbOptions options;
  options.review_cadence = flags.review_cadence;
  options.title_boost = flags.title_boost_percent / 100.0;
  options.snippet_chars = static_cast<size_t>(flags.snippet_chars);
  options.synonyms = std::move(synonyms);
  const absl::Time index_start = absl::Now();
  auto app = cs::kb::KbApp::Create((*host)->store(), (*host)->outbox(),
                                   (*host)->clock(), &replier, options);
  if (!app.ok()) return Fail("start-up failed", app.status());
  cs::Log(cs::LogLevel::kInfo, "knowledge-base",
          absl::StrCat("search index rebuilt: ",
                       (*app)->index().Snapshot()->size(), " articles in ",
                       absl::FormatDuration(absl::Now() - index_start)));
  cs::kb::KbGrpcService service(**host, **app);
  (*host)->RegisterService(&service);
  if (absl::Status started = (*host)->Start(); !started.ok()) {
    return Fail("start-up failed", started);
  }
  int signal = cs::ServiceHost::WaitForTerminationSignal();
  cs::Log(cs::LogLevel::kInfo, "knowledge-base",
          absl::StrCat("signal ", signal, ": shutting down"));
  (*host)->Shutdown();
  return 0;
}
