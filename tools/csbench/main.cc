// csbench: load generator and storage floor of the customer-service suite.
//
//   csbench load --target=127.0.0.1:50051 --auth-key-file=K
//       --ops=create=20,get=50,list=10,reply=20 --concurrency=64 --duration=10s
//   csbench load --target=127.0.0.1:50100 --ops=echo          # RPC floor
//   csbench load --target=127.0.0.1:50051 --kb-target=127.0.0.1:50053
//       --complaint-target=127.0.0.1:50054 --auth-key-file=K
//       --ops=create=20,get=40,kb_search=30,complaint_file=10
//   csbench store --dir=/tmp/floor --sync --concurrency=8     # storage floor
//   csbench propagation --ticket=127.0.0.1:50051 --routing=127.0.0.1:50052
//       --escalation=127.0.0.1:50056 --auth-key-file=K --rate=500
//       --breaches=200                       # event path, see propagation.h
//
// Results go to stdout (a summary, or one JSON object with --json); a
// progress line goes to stderr once per second unless --quiet. Every flag
// can also come from CSBENCH_<FLAG> in the environment. Exit codes: 0 after
// a run (errors during the run are in the report), 1 when set-up fails
// (target unreachable, bad token, store locked), 2 for bad flags.
#include <iostream>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/common/config.h"
#include "libs/common/tls.h"
#include "tools/csbench/load.h"
#include "tools/csbench/op_mix.h"
#include "tools/csbench/propagation.h"
#include "tools/csbench/report.h"
#include "tools/csbench/store_bench.h"

namespace {

constexpr char kUsage[] =
    "usage: csbench load --target=HOST:PORT [flags]   RPC load (ticket, "
    "knowledge base, complaint or echo)\n"
    "       csbench store --dir=DIR [flags]            raw cs::Store commits\n"
    "       csbench propagation --ticket=.. --routing=.. [flags]  event path "
    "latency\n"
    "       csbench <mode> --help                      flags of a mode\n";

// Flags both modes share.
struct Common {
  absl::Duration duration = absl::Seconds(10);
  int64_t count = 0;
  absl::Duration warmup = absl::Seconds(1);
  int description_chars = 300;
  int64_t seed = 1;
  bool json = false;
  bool quiet = false;
  std::string label;
};

void AddCommonFlags(cs::ConfigParser& parser, Common* common) {
  parser.AddDuration("duration", &common->duration,
                     "length of the measured window (ignored with --count)",
                     absl::Milliseconds(100), absl::Hours(24));
  parser.AddInt64("count", &common->count,
                  "measured calls to make instead of a duration (0 = use "
                  "--duration)",
                  0, int64_t{1} << 40);
  parser.AddDuration("warmup", &common->warmup,
                     "unmeasured load before the window", absl::ZeroDuration(),
                     absl::Minutes(10));
  parser.AddInt("description-chars", &common->description_chars,
                "length of ticket descriptions in characters", 10, 10000);
  parser.AddInt64("seed", &common->seed, "random seed of the payloads", 0,
                  int64_t{1} << 62);
  parser.AddBool("json", &common->json, "print one JSON object to stdout");
  parser.AddBool("quiet", &common->quiet, "no progress line on stderr");
  parser.AddString("label", &common->label, "name of the run in the output");
}

// How modes that call the ticket service mint their token.
struct TokenFlags {
  std::string key_file;
  std::string issuer = "cs-suite";
  std::string audience = "cs-suite";
  std::string department = "客服部";
};

void AddTokenFlags(cs::ConfigParser& parser, TokenFlags* token,
                   absl::string_view roles, bool required) {
  parser.AddString(
      "auth-key-file", &token->key_file,
      absl::StrCat("mint a token (roles ", roles, ") with this HS256 key"),
      required);
  parser.AddString("auth-issuer", &token->issuer, "iss of the minted token");
  parser.AddString("auth-audience", &token->audience,
                   "aud of the minted token");
  parser.AddString("department", &token->department,
                   "department of the token and of created tickets");
}

cs::csbench::Window::Options WindowOf(const Common& common) {
  return {.warmup = common.warmup,
          .duration = common.duration,
          .count = static_cast<uint64_t>(common.count)};
}

int Print(const absl::StatusOr<cs::csbench::RunReport>& report,
          const Common& common) {
  if (!report.ok()) {
    std::cerr << "csbench: " << report.status().ToString() << "\n";
    return 1;
  }
  std::cout << (common.json ? cs::csbench::FormatJson(*report)
                            : cs::csbench::FormatText(*report))
            << std::flush;
  return 0;
}

// Parses (checking `tls` when given); returns -1 to continue, otherwise the
// exit code.
int ParseOrExit(cs::ConfigParser& parser, int argc, char** argv,
                const cs::ClientTlsConfig* tls = nullptr) {
  absl::Status parsed = parser.Parse(argc, argv, cs::ProcessEnvironment());
  if (parsed.ok() && tls != nullptr) parsed = cs::ValidateClientTlsConfig(*tls);
  if (parser.help_requested()) {
    std::cout << parser.Usage();
    return 0;
  }
  if (!parsed.ok()) {
    std::cerr << parsed.message() << "\n" << parser.Usage();
    return 2;
  }
  if (!parser.positional().empty()) {
    std::cerr << "csbench: unexpected argument \"" << parser.positional()[0]
              << "\"\n"
              << kUsage;
    return 2;
  }
  return -1;
}

int RunLoadMode(int argc, char** argv) {
  Common common;
  cs::csbench::LoadOptions options;
  std::string ops = "create";
  TokenFlags token_flags;
  std::string get_view = "basic";
  bool as_agent = false;
  cs::ConfigParser parser("csbench load", "CSBENCH_");
  parser.AddString("target", &options.target,
                   "ticket (or echo) server address host:port");
  parser.AddString("kb-target", &options.kb_target,
                   "knowledge-base server host:port (for kb_search)");
  parser.AddString("complaint-target", &options.complaint_target,
                   "complaint server host:port (for complaint_file)");
  parser.AddString("ops", &ops,
                   "operation mix name[=weight],...: create get list reply "
                   "kb_search complaint_file, or echo alone");
  parser.AddInt("concurrency", &options.concurrency, "calls in flight", 1,
                100000);
  parser.AddInt("channels", &options.channels,
                "client connections (slots are spread over them)", 1, 1024);
  parser.AddString("token", &options.token,
                   "bearer token (instead of --auth-key-file)");
  parser.AddString("review-token", &options.review_token,
                   "a second kb_editor's token, approving the prepared "
                   "articles (minted as csbench-reviewer with "
                   "--auth-key-file)");
  AddTokenFlags(parser, &token_flags,
                "agent,supervisor,service,kb_editor,complaint_officer", false);
  parser.AddBool("as-agent", &as_agent,
                 "mint an agent-only token instead (no read_pii: "
                 "department scope and masked free text, as most callers)");
  parser.AddInt("customers", &options.customers,
                "customers upserted before the run (bench-c-0001 …)", 1,
                100000);
  parser.AddInt("prepare-tickets", &options.prepare_tickets,
                "tickets created before the run for get/list/reply", 0,
                10000000);
  parser.AddInt("prepare-articles", &options.prepare_articles,
                "articles published before the run for kb_search", 0, 100000);
  parser.AddChoice("get-view", &get_view, "view of GetTicket",
                   {"basic", "full"});
  parser.AddInt("list-page-size", &options.list_page_size,
                "page_size of ListTickets", 1, 200);
  parser.AddDuration("deadline", &options.call_deadline, "deadline per call",
                     absl::Milliseconds(10), absl::Hours(1));
  AddCommonFlags(parser, &common);
  cs::RegisterClientTlsFlags(parser, &options.tls);
  if (int code = ParseOrExit(parser, argc, argv, &options.tls); code >= 0) {
    return code;
  }

  absl::StatusOr<cs::csbench::OpMix> mix = cs::csbench::OpMix::Parse(ops);
  if (!mix.ok()) {
    std::cerr << "csbench: " << mix.status().message() << "\n";
    return 2;
  }
  options.mix = *mix;
  const bool service_ops = !mix->uses(cs::csbench::Op::kEcho);
  const bool reviews =
      mix->uses(cs::csbench::Op::kKbSearch) && options.prepare_articles > 0;
  const absl::Duration ttl =
      absl::Hours(1) + common.warmup +
      (common.count > 0 ? absl::Hours(24) : common.duration);
  for (auto [wanted, token, subject] :
       {std::tuple(service_ops, &options.token, "csbench"),
        std::tuple(reviews, &options.review_token, "csbench-reviewer")}) {
    if (!wanted || !token->empty()) continue;
    if (token_flags.key_file.empty()) {
      std::cerr << "csbench: service operations need --token (and "
                   "--review-token for kb_search) or --auth-key-file\n";
      return 2;
    }
    absl::StatusOr<std::string> minted = cs::csbench::MintBenchToken(
        token_flags.key_file, token_flags.department, token_flags.issuer,
        token_flags.audience, ttl,
        as_agent ? cs::auth::RoleSet{cs::auth::Role::kAgent}
                 : cs::csbench::kBenchRoles,
        subject);
    if (!minted.ok()) {
      std::cerr << "csbench: --auth-key-file: " << minted.status().ToString()
                << "\n";
      return 1;
    }
    *token = *minted;
  }
  options.window = WindowOf(common);
  options.get_view = get_view == "full" ? cs::ticket::v1::TICKET_VIEW_FULL
                                        : cs::ticket::v1::TICKET_VIEW_BASIC;
  options.seed = static_cast<uint64_t>(common.seed);
  options.progress = !common.quiet;
  options.label = common.label;
  options.payload.description_chars = common.description_chars;
  options.payload.department = token_flags.department;
  return Print(cs::csbench::RunLoad(options), common);
}

int RunStoreMode(int argc, char** argv) {
  Common common;
  cs::csbench::StoreOptions options;
  cs::ConfigParser parser("csbench store", "CSBENCH_");
  parser.AddString("dir", &options.dir,
                   "store directory (created; use a fresh one)",
                   cs::ConfigParser::kRequired);
  parser.AddBool("sync", &options.sync,
                 "fsync each commit, as ticket-server --sync");
  parser.AddInt("concurrency", &options.concurrency,
                "writer threads (ticket-server commits from at most "
                "--worker-threads = 32)",
                1, 4096);
  parser.AddInt("puts-per-commit", &options.puts_per_commit,
                "values per WriteSet", 1, 10000);
  parser.AddInt("value-bytes", &options.value_bytes,
                "value size (0 = a serialized ticket record)", 0, 64 << 20);
  AddCommonFlags(parser, &common);
  if (int code = ParseOrExit(parser, argc, argv); code >= 0) return code;
  options.window = WindowOf(common);
  options.seed = static_cast<uint64_t>(common.seed);
  options.progress = !common.quiet;
  options.label = common.label;
  options.payload.description_chars = common.description_chars;
  return Print(cs::csbench::RunStore(options), common);
}

int RunPropagationMode(int argc, char** argv) {
  Common common;
  cs::csbench::PropagationOptions options;
  TokenFlags token_flags;
  cs::ConfigParser parser("csbench propagation", "CSBENCH_");
  parser.AddString("ticket", &options.ticket_target, "ticket server host:port",
                   cs::ConfigParser::kRequired);
  parser.AddString("routing", &options.routing_target,
                   "routing-sla server host:port", cs::ConfigParser::kRequired);
  parser.AddString("escalation", &options.escalation_target,
                   "escalation server host:port (empty: no breach phase)");
  AddTokenFlags(parser, &token_flags, "agent,supervisor,service,admin", true);
  parser.AddInt("rate", &options.rate,
                "creates per second in the create phase (open loop)", 1,
                1000000);
  parser.AddInt("breaches", &options.breaches,
                "tickets driven to an SLA breach (needs --clock=manual on "
                "all three servers; 0 = none)",
                0, 100000);
  parser.AddInt("breach-rate", &options.breach_rate,
                "breaches per second in the breach phase", 1, 100000);
  parser.AddDuration("settle", &options.settle,
                     "how long to wait for events after the load",
                     absl::Seconds(1), absl::Hours(1));
  AddCommonFlags(parser, &common);
  cs::RegisterClientTlsFlags(parser, &options.tls);
  if (int code = ParseOrExit(parser, argc, argv, &options.tls); code >= 0) {
    return code;
  }
  absl::StatusOr<std::string> token = cs::csbench::MintBenchToken(
      token_flags.key_file, token_flags.department, token_flags.issuer,
      token_flags.audience,
      absl::Hours(1) + common.duration + 2 * options.settle,
      cs::csbench::kBenchRoles | cs::auth::RoleSet{cs::auth::Role::kAdmin});
  if (!token.ok()) {
    std::cerr << "csbench: --auth-key-file: " << token.status().ToString()
              << "\n";
    return 1;
  }
  options.token = *token;
  options.duration = common.duration;
  options.seed = static_cast<uint64_t>(common.seed);
  options.progress = !common.quiet;
  options.label = common.label;
  options.payload.description_chars = common.description_chars;
  options.payload.department = token_flags.department;
  return Print(cs::csbench::RunPropagation(options), common);
}

}  // namespace

int main(int argc, char** argv) {
  // As the servers (ServiceHost::PrepareProcess): Debian's Abseil leaves
  // mutex deadlock detection on, a global lock the load generator does not
  // need to pay for on the cores it shares with the servers.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string mode = argv[1];
  if (mode == "load") return RunLoadMode(argc - 1, argv + 1);
  if (mode == "store") return RunStoreMode(argc - 1, argv + 1);
  if (mode == "propagation") return RunPropagationMode(argc - 1, argv + 1);
  if (mode == "help" || mode == "--help" || mode == "-h") {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << "csbench: unknown mode \"" << mode << "\"\n" << kUsage;
  return 2;
}
