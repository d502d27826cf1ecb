// cs-analytics-bench: the analytics service's ingest rate and KPI query
// latency over a large event log (issue: "ingest events/s and KPI query
// latency over 1M events, compared in the same run with a raw RocksDB scan
// of the same events and a raw gRPC stream"). A benchmark, not a test: it
// reads the real clock on purpose.
//
//   cs-analytics-bench --events=1000000 --rounds=3 --dir=/tmp/an-bench --json
//
// Set-up (not measured): a producer — Store + Outbox + EventStreamService on
// a loopback gRPC port — holding synthetic ticket events (TicketCreated,
// TicketAssigned, TicketReplied incl. colleagues' notes, TicketResolved,
// FeedbackSubmitted; Chinese categories; tickets spread over March 2026).
// The log is appended in `rounds` equal chunks, one before each round.
//
// Each round, on the round's chunk, in alternating order (odd rounds
// baselines first, even rounds subject first):
//   stream  raw gRPC: Subscribe to the producer's EventStream and read the
//           chunk, discarding events (the transport floor of ingest);
//   scan    raw RocksDB: cs::Store::Scan of the chunk's outbox keys, parsing
//           each Event (the storage floor of reading the events);
//   ingest  the real AnalyticsApp: its EventConsumer follows the same stream
//           and folds each event into the aggregates, committing effect +
//           cursor per event (plus the KPI alert check of the touched day).
// After the last round every event is ingested; then, `rounds` times
// alternating: the KPI query (GetMetrics over the month grouped by
// department, --queries times, in-process) and GetMonthlyReport against a
// raw RocksDB scan of the whole log (what answering without aggregates costs
// at least).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "cs/events/v1/event_stream.grpc.pb.h"
#include "cs/ticket/v1/events.pb.h"
#include "grpcpp/grpcpp.h"
#include "libs/common/clock.h"
#include "libs/common/config.h"
#include "libs/common/time_proto.h"
#include "libs/events/event_stream_service.h"
#include "libs/events/outbox.h"
#include "libs/store/store.h"
#include "services/analytics/domain/report.h"
#include "services/analytics/service/analytics_app.h"

namespace {

namespace tv1 = cs::ticket::v1;
using cs::ToProtoTime;

struct Flags {
  int64_t events = 1000000;
  int rounds = 3;
  int queries = 20;
  std::string dir = "/tmp/cs-analytics-bench";
  bool sync = false;
  bool json = false;
};

// 2026-03-01 00:00 Asia/Shanghai.
const absl::Time kMonthStart = absl::FromUnixSeconds(1772294400);

const char* const kCategories[][2] = {
    {"手机类", "信号问题"}, {"手机类", "无法通话"}, {"宽带类", "断网"},
    {"宽带类", "网速慢"},   {"账单类", "扣费疑问"}, {"账单类", "发票"},
    {"套餐类", "变更"},     {"物流类", "未送达"},   {"售后类", "退换货"},
    {"账户类", "密码重置"}, {"营销类", "活动咨询"}, {"投诉类", "服务态度"}};
const char* const kDepartments[] = {"客服部", "技术支持部", "账务部",
                                    "物流部", "售后部",     "大客户部"};
const char* const kRegions[] = {"华北", "华东", "华南", "西南", "东北"};
const cs::common::v1::Channel kChannels[] = {
    cs::common::v1::CHANNEL_PHONE, cs::common::v1::CHANNEL_ONLINE_CHAT,
    cs::common::v1::CHANNEL_APP, cs::common::v1::CHANNEL_EMAIL};

// A cheap deterministic mixer, so chunks can be generated independently.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Appends ticket `i`'s events; returns how many.
int AppendTicket(int64_t i, cs::Outbox& outbox, cs::ManualClock& clock,
                 cs::WriteSet& writes) {
  const uint64_t r = Mix(static_cast<uint64_t>(i));
  tv1::TicketFacts f;
  f.set_ticket(absl::StrCat("tickets/b", i));
  f.set_channel(kChannels[r % 4]);
  f.set_region(kRegions[(r >> 4) % 5]);
  f.set_grade(static_cast<cs::common::v1::Grade>(1 + (r >> 8) % 3));
  const int agent = static_cast<int>((r >> 12) % 60);
  f.set_department(kDepartments[agent % 6]);
  const auto& category = kCategories[(r >> 20) % 12];
  f.add_category(category[0]);
  f.add_category(category[1]);
  const absl::Time created =
      kMonthStart + absl::Seconds(static_cast<int64_t>((r >> 24) % (31 * 86400)));
  *f.mutable_create_time() = ToProtoTime(created);
  f.set_status(tv1::TICKET_STATUS_NEW);
  int n = 0;
  auto append = [&](absl::Time at, const google::protobuf::Message& m) {
    clock.SetTime(at);
    outbox.Append(writes, f.ticket(), m);
    ++n;
  };
  tv1::TicketCreated c;
  *c.mutable_facts() = f;
  append(created, c);
  const absl::Time assigned = created + absl::Seconds(30 + (r >> 40) % 300);
  f.set_assignee(absl::StrCat("agent-", agent));
  f.set_status(tv1::TICKET_STATUS_ASSIGNED);
  tv1::TicketAssigned a;
  *a.mutable_facts() = f;
  append(assigned, a);
  const absl::Time replied = assigned + absl::Seconds((r >> 44) % 1800);
  f.set_status(tv1::TICKET_STATUS_IN_PROGRESS);
  *f.mutable_first_response_time() = ToProtoTime(replied);
  tv1::TicketReplied reply;
  *reply.mutable_facts() = f;
  reply.set_author_kind(tv1::AUTHOR_KIND_AGENT);
  reply.set_agent(f.assignee());
  reply.set_is_public(true);
  reply.set_first_response(true);
  *reply.mutable_reply_time() = ToProtoTime(replied);
  append(replied, reply);
  if ((r >> 50) % 5 == 0) {
    tv1::TicketReplied note = reply;
    note.set_agent(absl::StrCat("agent-", (agent + 6) % 60));
    note.set_is_public(false);
    note.set_first_response(false);
    append(replied + absl::Minutes(5), note);
  }
  const absl::Time resolved = replied + absl::Minutes(10 + (r >> 52) % 600);
  f.set_status(tv1::TICKET_STATUS_RESOLVED);
  *f.mutable_resolve_time() = ToProtoTime(resolved);
  f.set_solved_at_first_contact((r >> 56) % 10 < 8);
  tv1::TicketResolved res;
  *res.mutable_facts() = f;
  append(resolved, res);
  tv1::FeedbackSubmitted fb;
  *fb.mutable_facts() = f;
  fb.set_csat(1 + static_cast<int>((r >> 58) % 5));
  fb.set_nps(static_cast<int>((r >> 3) % 11));
  *fb.mutable_submit_time() = ToProtoTime(resolved + absl::Hours(1));
  append(resolved + absl::Hours(1), fb);
  return n;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  const size_t k = static_cast<size_t>(std::ceil(q * v.size()));
  return v[std::max<size_t>(k, 1) - 1];
}

// Reads events lo..hi from the stream; returns the seconds taken.
absl::StatusOr<double> StreamChunk(const std::string& target, uint64_t lo,
                                   uint64_t hi) {
  auto stub = cs::events::v1::EventStream::NewStub(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  const absl::Time start = absl::Now();
  grpc::ClientContext context;
  cs::events::v1::SubscribeRequest request;
  request.set_from_sequence(lo);
  auto reader = stub->Subscribe(&context, request);
  cs::common::v1::Event event;
  uint64_t last = 0;
  while (last < hi && reader->Read(&event)) last = event.sequence();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  context.TryCancel();
  reader->Finish().IgnoreError();
  if (last < hi) return absl::UnavailableError("stream ended early");
  return seconds;
}

// Scans and parses events lo..hi of the outbox; returns the seconds taken.
absl::StatusOr<double> ScanChunk(const cs::Store& store, uint64_t lo,
                                 uint64_t hi) {
  absl::StatusOr<cs::ColumnFamily> family =
      store.Family(cs::Store::kOutboxFamily);
  if (!family.ok()) return family.status();
  const absl::Time start = absl::Now();
  uint64_t n = 0;
  bool bad = false;
  absl::Status s = store.Scan(
      *family, cs::EncodeBigEndian64(lo), cs::EncodeBigEndian64(hi + 1), 0,
      [&](absl::string_view, absl::string_view v) {
        cs::common::v1::Event e;
        if (!e.ParseFromArray(v.data(), static_cast<int>(v.size()))) {
          bad = true;
          return false;
        }
        ++n;
        return true;
      });
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!s.ok()) return s;
  if (bad || n != hi - lo + 1) return absl::DataLossError("short scan");
  return seconds;
}

int64_t DirBytes(const std::string& dir) {
  int64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += static_cast<int64_t>(e.file_size());
  }
  return total;
}

int Fail(const absl::Status& s) {
  std::cerr << "cs-analytics-bench: " << s << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  cs::ConfigParser parser("cs-analytics-bench", "CS_ANALYTICS_BENCH_");
  parser.AddInt64("events", &flags.events, "events in the log (≈ 5.2 per ticket)",
                  100, 100000000);
  parser.AddInt("rounds", &flags.rounds, "rounds (chunks of the log)", 1, 20);
  parser.AddInt("queries", &flags.queries, "KPI queries per round", 1, 100000);
  parser.AddString("dir", &flags.dir, "scratch directory (wiped)");
  parser.AddBool("sync", &flags.sync,
                 "fsync each analytics commit (analytics-server --sync)");
  parser.AddBool("json", &flags.json, "print JSON");
  if (absl::Status s = parser.Parse(argc, argv, cs::ProcessEnvironment());
      !s.ok() || parser.help_requested()) {
    std::cerr << s.message() << "\n" << parser.Usage();
    return s.ok() ? 0 : 2;
  }
  std::filesystem::remove_all(flags.dir);
  const absl::Time bench_start = absl::Now();

  // Producer: store + outbox + EventStream on loopback.
  auto producer = cs::Store::Open(
      {.path = flags.dir + "/producer", .column_families = {}, .sync = false});
  if (!producer.ok()) return Fail(producer.status());
  cs::ManualClock producer_clock(kMonthStart);
  auto outbox =
      cs::Outbox::Open(**producer, {.producer = "ticket"}, producer_clock);
  if (!outbox.ok()) return Fail(outbox.status());
  cs::EventStreamService stream_service(
      **outbox, [](grpc::CallbackServerContext*) { return absl::OkStatus(); });
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&stream_service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) return Fail(absl::UnavailableError("cannot listen"));
  const std::string target = absl::StrCat("127.0.0.1:", port);

  // Analytics: its own store and outbox (alerts), following the producer.
  auto an_store = cs::Store::Open({.path = flags.dir + "/analytics",
                                   .column_families =
                                       cs::analytics::AnalyticsColumnFamilies(),
                                   .sync = flags.sync});
  if (!an_store.ok()) return Fail(an_store.status());
  // "Today" is the month's last day, so the gauge refresh after each commit
  // reads a day of the log's size, as in production.
  cs::ManualClock clock(kMonthStart + absl::Hours(30 * 24 + 12));
  auto an_outbox = cs::Outbox::Open(**an_store, {.producer = "analytics"}, clock);
  if (!an_outbox.ok()) return Fail(an_outbox.status());
  cs::analytics::AnalyticsApp::Options options;
  cs::analytics::v1::ProducerSubscription sub;
  sub.set_name("ticket");
  sub.set_address(target);
  options.producers.push_back(sub);
  // As analytics-server: today's KPIs are recomputed after each commit (for
  // the Prometheus gauges).
  options.on_kpis = [](const cs::analytics::v1::MetricsRow&) {};
  auto app = cs::analytics::AnalyticsApp::Create(
      **an_store, **an_outbox, clock, cs::analytics::DefaultAnalyticsConfig(),
      options);
  if (!app.ok()) return Fail(app.status());

  // The log is written in chunks of whole tickets, one chunk per round.
  const int64_t tickets = std::max<int64_t>(1, flags.events * 10 / 52);
  std::vector<std::string> rounds_json;
  std::vector<double> stream_eps, scan_eps, ingest_eps, ingest_vs_stream,
      ingest_vs_scan;
  double setup_seconds = 0;
  uint64_t appended = 0;
  for (int round = 0; round < flags.rounds; ++round) {
    const absl::Time setup = absl::Now();
    const uint64_t lo = appended + 1;
    const int64_t first = tickets * round / flags.rounds;
    const int64_t last = tickets * (round + 1) / flags.rounds;
    for (int64_t i = first; i < last; i += 200) {
      cs::WriteSet writes;
      for (int64_t j = i; j < std::min(last, i + 200); ++j) {
        appended += AppendTicket(j, **outbox, producer_clock, writes);
      }
      if (absl::Status s = (*producer)->Commit(writes); !s.ok()) return Fail(s);
    }
    const uint64_t hi = appended;
    setup_seconds += absl::ToDoubleSeconds(absl::Now() - setup);
    const double n = static_cast<double>(hi - lo + 1);

    double stream = 0, scan = 0, ingest = 0;
    auto baselines = [&]() -> absl::Status {
      absl::StatusOr<double> s = StreamChunk(target, lo, hi);
      if (!s.ok()) return s.status();
      stream = *s;
      absl::StatusOr<double> c = ScanChunk(**producer, lo, hi);
      if (!c.ok()) return c.status();
      scan = *c;
      return absl::OkStatus();
    };
    auto subject = [&]() -> absl::Status {
      const absl::Time start = absl::Now();
      if (absl::Status s = (*app)->Start(); !s.ok()) return s;
      const bool done = (*app)->WaitForEvents("ticket", hi, absl::Minutes(30));
      ingest = absl::ToDoubleSeconds(absl::Now() - start);
      (*app)->Stop();
      return done ? absl::OkStatus()
                  : absl::DeadlineExceededError("ingest did not finish");
    };
    absl::Status s = round % 2 == 0 ? baselines() : subject();
    if (s.ok()) s = round % 2 == 0 ? subject() : baselines();
    if (!s.ok()) return Fail(s);
    stream_eps.push_back(n / stream);
    scan_eps.push_back(n / scan);
    ingest_eps.push_back(n / ingest);
    ingest_vs_stream.push_back(stream / ingest);
    ingest_vs_scan.push_back(scan / ingest);
    rounds_json.push_back(absl::StrFormat(
        "{\"events\": %d, \"stream_eps\": %.0f, \"scan_eps\": %.0f, "
        "\"ingest_eps\": %.0f}",
        hi - lo + 1, n / stream, n / scan, n / ingest));
    if (!flags.json) {
      std::cerr << absl::StrFormat(
          "round %d: %d events: stream %.0f/s, scan %.0f/s, ingest %.0f/s\n",
          round + 1, hi - lo + 1, n / stream, n / scan, n / ingest);
    }
  }

  // Queries over everything ingested, against a raw scan of the whole log.
  std::vector<double> query_p50_ms, query_p99_ms, monthly_ms, full_scan_ms,
      scan_vs_query;
  std::vector<std::string> queries_json;
  cs::analytics::v1::GetMetricsRequest metrics;
  metrics.set_start_date("2026-03-01");
  metrics.set_end_date("2026-03-31");
  metrics.add_group_by("department");
  cs::analytics::v1::GetMonthlyReportRequest monthly;
  monthly.set_month("2026-03");
  int64_t month_tickets = 0;
  for (int round = 0; round < flags.rounds; ++round) {
    std::vector<double> latencies;
    double report_ms = 0, scan_ms = 0;
    auto subject = [&]() -> absl::Status {
      for (int q = 0; q < flags.queries; ++q) {
        const absl::Time start = absl::Now();
        auto response = (*app)->GetMetrics(metrics);
        latencies.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
        if (!response.ok()) return response.status();
      }
      const absl::Time start = absl::Now();
      auto report = (*app)->GetMonthlyReport(monthly);
      report_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
      if (!report.ok()) return report.status();
      month_tickets = report->total().tickets();
      return absl::OkStatus();
    };
    auto baseline = [&]() -> absl::Status {
      absl::StatusOr<double> s = ScanChunk(**producer, 1, appended);
      if (!s.ok()) return s.status();
      scan_ms = *s * 1000;
      return absl::OkStatus();
    };
    absl::Status s = round % 2 == 0 ? baseline() : subject();
    if (s.ok()) s = round % 2 == 0 ? subject() : baseline();
    if (!s.ok()) return Fail(s);
    query_p50_ms.push_back(Quantile(latencies, 0.5));
    query_p99_ms.push_back(Quantile(latencies, 0.99));
    monthly_ms.push_back(report_ms);
    full_scan_ms.push_back(scan_ms);
    scan_vs_query.push_back(scan_ms / Quantile(latencies, 0.5));
    queries_json.push_back(absl::StrFormat(
        "{\"query_p50_ms\": %.3f, \"query_p99_ms\": %.3f, "
        "\"monthly_report_ms\": %.3f, \"full_scan_ms\": %.1f}",
        Quantile(latencies, 0.5), Quantile(latencies, 0.99), report_ms,
        scan_ms));
  }
  const int64_t bucket_bytes = DirBytes(flags.dir + "/analytics");
  server->Shutdown();
  stream_service.Stop();
  const double wall = absl::ToDoubleSeconds(absl::Now() - bench_start);

  if (flags.json) {
    std::cout << absl::StrFormat(
        "{\"events\": %d, \"tickets\": %d, \"month_tickets\": %d, "
        "\"rounds\": [%s], \"queries\": [%s], \"queries_per_round\": %d, "
        "\"sync\": %s, \"setup_s\": %.1f, \"wall_s\": %.1f, "
        "\"analytics_store_bytes\": %d, \"median\": {\"stream_eps\": %.0f, "
        "\"scan_eps\": %.0f, \"ingest_eps\": %.0f, \"ingest_vs_stream\": "
        "%.4f, \"ingest_vs_scan\": %.4f, \"query_p50_ms\": %.3f, "
        "\"query_p99_ms\": %.3f, \"monthly_report_ms\": %.3f, "
        "\"full_scan_ms\": %.1f, \"full_scan_vs_query\": %.1f}}\n",
        appended, tickets, month_tickets, absl::StrJoin(rounds_json, ", "),
        absl::StrJoin(queries_json, ", "), flags.queries,
        flags.sync ? "true" : "false", setup_seconds, wall, bucket_bytes,
        Median(stream_eps), Median(scan_eps), Median(ingest_eps),
        Median(ingest_vs_stream), Median(ingest_vs_scan), Median(query_p50_ms),
        Median(query_p99_ms), Median(monthly_ms), Median(full_scan_ms),
        Median(scan_vs_query));
  } else {
    std::cout << absl::StrFormat(
        "%d events (%d tickets), %d rounds, medians:\n"
        "  ingest %.0f events/s = %.3f x raw gRPC stream (%.0f/s), %.3f x raw "
        "RocksDB scan (%.0f/s)\n"
        "  GetMetrics(month, by department) p50 %.2f ms, p99 %.2f ms; "
        "GetMonthlyReport %.1f ms; raw scan of the log %.0f ms (%.0f x the "
        "query)\n",
        appended, tickets, flags.rounds, Median(ingest_eps),
        Median(ingest_vs_stream), Median(stream_eps), Median(ingest_vs_scan),
        Median(scan_eps), Median(query_p50_ms), Median(query_p99_ms),
        Median(monthly_ms), Median(full_scan_ms), Median(scan_vs_query));
  }
  return 0;
}
