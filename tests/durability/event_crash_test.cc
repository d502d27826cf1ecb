// Crash test of the event path routing-sla → escalation: 1,000 A-grade
// tickets whose first-response clocks breach in 100 steps of routing's
// manual clock, while routing-server and escalation-server (real binaries)
// are each SIGKILLed and restarted 10 times at random points of the flow.
// Afterwards routing published exactly one SlaBreached per clock, and
// escalation holds exactly one case per breached clock, for the right
// ticket, still at level 1.
//
// Business time (every server runs --clock=manual; a restarted server's
// clock starts at real now, so the test sets it again at once):
//   ticket      T0 + g·5 s while creating group g (10 tickets each, g < 100)
//   routing     T0, then T0 + 15 min + s·5 s in step s: group s breaches
//               (A 售中 phone: 15 minutes on the 7×24 calendar)
//   escalation  T0 + 25 min throughout: after the last breach, before the
//               first level-1 acknowledgement deadline (T0 + 30 min), so
//               no case may reach level 2.
// Kill points: after a random number of SlaBreached (routing) or
// EscalationOpened (escalation) events were seen on the live streams, i.e.
// in the middle of a step. The seed is printed; CS_CRASH_SEED=<seed>
// replays the kill points.
#include <algorithm>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cs/admin/v1/test_clock.grpc.pb.h"
#include "cs/escalation/v1/escalation.grpc.pb.h"
#include "cs/events/v1/event_stream.grpc.pb.h"
#include "cs/routing/v1/routing.pb.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/common/time_proto.h"
#include "libs/testing/temp_dir.h"
#include "services/ticket/testing/sample_requests.h"
#include "tests/durability/harness.h"
#include "tests/durability/server_process.h"

namespace cs {
namespace {

namespace ev1 = cs::escalation::v1;
namespace rv1 = cs::routing::v1;
namespace tv1 = cs::ticket::v1;
using common::v1::Event;

constexpr int kGroups = 100;
constexpr int kGroupSize = 10;
constexpr int kTickets = kGroups * kGroupSize;
constexpr int kKillsEach = 10;
const absl::Duration kGroupGap = absl::Seconds(5);
const absl::Duration kFirstResponse = absl::Minutes(15);
const absl::Duration kEscalationAt = absl::Minutes(25);
const absl::Duration kWait = absl::Seconds(120);  // inter-process bound

// Test channels reconnect quickly after a restart (gRPC's default first
// backoff is 1 s).
std::shared_ptr<grpc::Channel> Channel(int port) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials(), args);
}

// Follows one server's event log from sequence 1 across its restarts
// (re-subscribing with wait-for-ready from the last sequence seen + 1) and
// counts the events by `key(event)`. Thread-safe.
class LogFollower {
 public:
  LogFollower(int port, std::string token,
              std::function<std::string(const Event&)> key)
      : stub_(events::v1::EventStream::NewStub(Channel(port))),
        token_(std::move(token)),
        key_(std::move(key)) {}
  ~LogFollower() { Stop(); }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      if (context_ != nullptr) context_->TryCancel();
    }
    if (thread_.joinable()) thread_.join();
  }

  // Blocks until `n` events with `key` arrived; false after `timeout`.
  bool WaitCount(const std::string& key, int n, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return arrived_.wait_until(lock, absl::ToChronoTime(absl::Now() + timeout),
                               [&] { return counts_[key] >= n; });
  }
  int Count(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    return counts_[key];
  }
  std::set<std::string> EventIds() {
    std::lock_guard<std::mutex> lock(mu_);
    return ids_;
  }

 private:
  void Run() {
    for (;;) {
      grpc::ClientContext context;
      context.AddMetadata("authorization", "Bearer " + token_);
      context.set_wait_for_ready(true);
      events::v1::SubscribeRequest request;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) return;
        context_ = &context;
        request.set_from_sequence(last_ + 1);
      }
      auto reader = stub_->Subscribe(&context, request);
      Event event;
      while (reader->Read(&event)) {
        std::lock_guard<std::mutex> lock(mu_);
        if (event.sequence() <= last_) continue;
        last_ = event.sequence();
        ids_.insert(event.event_id());
        ++counts_[key_(event)];
        arrived_.notify_all();
      }
      const grpc::Status status = reader->Finish();
      std::lock_guard<std::mutex> lock(mu_);
      context_ = nullptr;
      if (stop_) return;
      // Only a server going away ends a subscription; anything else would
      // make this loop spin.
      if (status.error_code() != grpc::StatusCode::UNAVAILABLE &&
          status.error_code() != grpc::StatusCode::CANCELLED &&
          status.error_code() != grpc::StatusCode::UNKNOWN &&
          status.error_code() != grpc::StatusCode::INTERNAL) {
        ADD_FAILURE() << "subscription refused: " << status.error_code() << " "
                      << status.error_message();
        return;
      }
    }
  }

  std::unique_ptr<events::v1::EventStream::Stub> stub_;
  const std::string token_;
  const std::function<std::string(const Event&)> key_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable arrived_;
  grpc::ClientContext* context_ = nullptr;
  bool stop_ = false;
  uint64_t last_ = 0;
  std::set<std::string> ids_;
  std::map<std::string, int> counts_;
};

// Every event of a server's log, from 1 to its last sequence at the call.
std::vector<Event> ReadLog(int port, const std::string& token) {
  auto stub = events::v1::EventStream::NewStub(Channel(port));
  events::v1::LogInfo info;
  grpc::Status status =
      testing::CallWithToken(*stub, &events::v1::EventStream::Stub::GetLogInfo,
                             token, events::v1::GetLogInfoRequest(), &info);
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::vector<Event> events;
  if (!status.ok() || info.last_sequence() == 0) return events;
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  context.set_deadline(absl::ToChronoTime(absl::Now() + kWait));
  events::v1::SubscribeRequest request;
  request.set_from_sequence(1);
  auto reader = stub->Subscribe(&context, request);
  Event event;
  while (reader->Read(&event)) {
    events.push_back(event);
    if (event.sequence() >= info.last_sequence()) break;
  }
  context.TryCancel();
  reader->Finish().ok();
  EXPECT_TRUE(!events.empty() &&
              events.back().sequence() == info.last_sequence())
      << "log read ended early at " << events.size() << " events";
  return events;
}

// The three servers of the event path, each a real binary on its own port
// with a manual clock, sharing one data directory and signing key.
class EventPath {
 public:
  explicit EventPath(std::mt19937_64& rng) {
    const std::string key = testing::WriteSuiteKeys(dir_.path(), rng);
    EXPECT_FALSE(key.empty());
    admin_ = testing::Token(key, auth::Role::kAdmin, "ops-admin");
    supervisor_ = testing::Token(key, auth::Role::kSupervisor, "sup-1");
    for (const char* name : {"ticket", "routing", "escalation"}) {
      ports_[name] = testing::PickFreePort();
    }
    const std::string config = std::string(CS_SOURCE_ROOT) + "/deploy/config/";
    Add("ticket", CS_TICKET_SERVER, {"--pii-key-file=" + dir_.Sub("pii.key")});
    Add("routing", CS_ROUTING_SERVER,
        {absl::StrCat("--ticket-addr=127.0.0.1:", ports_["ticket"]),
         "--routing-config=" + config + "routing.textproto",
         "--calendars-config=" + config + "calendars.conf"});
    Add("escalation", CS_ESCALATION_SERVER,
        {absl::StrCat("--routing-addr=127.0.0.1:", ports_["routing"]),
         "--escalation-config=" + config + "escalation.textproto"});
  }

  // Starts `name` and waits (real time, bounded) until it serves.
  bool Start(const std::string& name) {
    return processes_[name]->Start() &&
           processes_[name]->WaitServing(ports_[name], absl::Seconds(30));
  }
  void Kill(const std::string& name) { processes_[name]->Kill(); }
  void Stop(const std::string& name) { processes_[name]->Signal(SIGTERM); }

  grpc::Status SetTime(const std::string& name, absl::Time time) {
    auto stub = admin::v1::TestClock::NewStub(Channel(ports_[name]));
    admin::v1::SetTimeRequest request;
    *request.mutable_time() = ToProtoTime(time);
    admin::v1::ClockTime response;
    return testing::CallWithToken(*stub, &admin::v1::TestClock::Stub::SetTime,
                                  admin_, request, &response);
  }

  int port(const std::string& name) { return ports_[name]; }
  const std::string& admin() const { return admin_; }
  const std::string& supervisor() const { return supervisor_; }
  std::string log(const std::string& name) { return dir_.Sub(name + ".log"); }

 private:
  void Add(const std::string& name, std::string binary,
           std::vector<std::string> args) {
    args.insert(args.end(),
                {absl::StrCat("--port=", ports_[name]), "--metrics-port=-1",
                 "--data-dir=" + dir_.Sub("data"),
                 "--auth-key-file=" + dir_.Sub("auth.key"), "--clock=manual",
                 "--event-retention=0s"});
    processes_[name] = std::make_unique<testing::ServerProcess>(
        std::move(binary), std::move(args), log(name));
  }

  testing::TempDir dir_;
  std::string admin_, supervisor_;
  std::map<std::string, int> ports_;
  std::map<std::string, std::unique_ptr<testing::ServerProcess>> processes_;
};

// An A-grade 售中 phone ticket (120 customers affected) of customer c-1001.
tv1::CreateTicketRequest AGradeTicket(const std::string& request_id) {
  tv1::CreateTicketRequest request = ticket::testing::SampleCreateRequest(
      "门店刷卡支付全部失败 " + request_id);
  request.set_request_id(request_id);
  tv1::Ticket* t = request.mutable_ticket();
  t->set_stage(common::v1::STAGE_IN_SALE);
  t->add_category("支付类");
  t->add_category("支付故障");
  t->set_affected_customer_count(120);
  return request;
}

// The clock of a routing event whose payload carries one (else empty).
rv1::SlaClock ClockOf(const Event& event) {
  rv1::SlaBreached breached;
  rv1::SlaClockStarted started;
  if (event.payload().UnpackTo(&breached)) return breached.clock();
  if (event.payload().UnpackTo(&started)) return started.clock();
  return rv1::SlaClock();
}

std::string RoutingKey(const Event& event) {
  if (event.type() == "SlaClockStarted") {
    return absl::StrCat(event.type(), "/",
                        rv1::ClockKind_Name(ClockOf(event).kind()));
  }
  return event.type();
}

TEST(EventCrashTest, EveryBreachOpensExactlyOneCaseAcrossSigkills) {
  std::mt19937_64 rng(testing::CrashSeed());
  EventPath path(rng);
  const absl::Time t0 = absl::FromUnixSeconds(
      absl::ToUnixSeconds(absl::Now() + absl::Hours(48)) / 60 * 60);
  const absl::Time escalation_time = t0 + kEscalationAt;
  for (const char* name : {"ticket", "routing", "escalation"}) {
    ASSERT_TRUE(path.Start(name))
        << name << " did not come up; log " << path.log(name);
  }
  ASSERT_TRUE(path.SetTime("ticket", t0).ok());
  ASSERT_TRUE(path.SetTime("routing", t0).ok());
  ASSERT_TRUE(path.SetTime("escalation", escalation_time).ok());

  LogFollower routing_log(path.port("routing"), path.admin(), RoutingKey);
  // Notifications are counted per subject (the sentinel below).
  LogFollower escalation_log(
      path.port("escalation"), path.admin(), [](const Event& e) {
        return e.type() == "EscalationNotified"
                   ? absl::StrCat(e.type(), "/", e.subject())
                   : e.type();
      });
  routing_log.Start();
  escalation_log.Start();

  // ---- 1,000 tickets, 10 per 5 s of ticket time; routing starts a
  // first-response clock for each before anything is killed (a restarted
  // routing would grade with a wrong clock until the test sets it).
  auto tickets = tv1::TicketService::NewStub(Channel(path.port("ticket")));
  {
    tv1::Customer customer;
    ASSERT_TRUE(testing::CallWithToken(
                    *tickets, &tv1::TicketService::Stub::UpsertCustomer,
                    path.supervisor(), ticket::testing::SampleCustomerRequest(),
                    &customer)
                    .ok());
  }
  std::vector<std::string> ticket_names(kTickets);
  const absl::Time created_from = absl::Now();
  for (int g = 0; g < kGroups; ++g) {
    ASSERT_TRUE(path.SetTime("ticket", t0 + g * kGroupGap).ok());
    std::vector<std::thread> creators;
    for (int j = 0; j < kGroupSize; ++j) {
      creators.emplace_back([&, i = g * kGroupSize + j] {
        tv1::Ticket ticket;
        grpc::Status status = testing::CallWithToken(
            *tickets, &tv1::TicketService::Stub::CreateTicket,
            path.supervisor(), AGradeTicket(absl::StrFormat("evc-%04d", i)),
            &ticket);
        EXPECT_TRUE(status.ok()) << status.error_message();
        ticket_names[i] = ticket.name();
      });
    }
    for (std::thread& c : creators) c.join();
  }
  ASSERT_TRUE(routing_log.WaitCount("SlaClockStarted/CLOCK_KIND_FIRST_RESPONSE",
                                    kTickets, kWait))
      << routing_log.Count("SlaClockStarted/CLOCK_KIND_FIRST_RESPONSE")
      << " first-response clocks started; log " << path.log("routing");
  const absl::Duration setup_time = absl::Now() - created_from;

  // ---- Kill plan: 10 points per server, in live events seen.
  struct KillPoint {
    std::string name;
    int after;
  };
  std::vector<KillPoint> plan;
  std::uniform_int_distribution<int> point(1, kTickets - 1);
  for (int k = 0; k < kKillsEach; ++k) {
    plan.push_back({"routing", point(rng)});
    plan.push_back({"escalation", point(rng)});
  }
  std::sort(
      plan.begin(), plan.end(),
      [](const KillPoint& a, const KillPoint& b) { return a.after < b.after; });

  // Restarts and clock moves are serialised: a clock is only set on a live
  // server, and a restarted server gets its business time back at once.
  std::mutex clock_mu;
  absl::Time routing_time = t0;
  std::map<std::string, int> kills;
  const absl::Time began = absl::Now();
  std::thread killer([&] {
    for (const KillPoint& k : plan) {
      const bool routing = k.name == "routing";
      LogFollower& watched = routing ? routing_log : escalation_log;
      const std::string event = routing ? "SlaBreached" : "EscalationOpened";
      if (!watched.WaitCount(event, k.after, kWait)) {
        ADD_FAILURE() << "only " << watched.Count(event) << " " << event
                      << " seen, waiting for " << k.after;
        return;
      }
      std::lock_guard<std::mutex> lock(clock_mu);
      path.Kill(k.name);
      ++kills[k.name];
      if (!path.Start(k.name)) {
        ADD_FAILURE() << k.name << " did not restart; log " << path.log(k.name);
        return;
      }
      grpc::Status set =
          path.SetTime(k.name, routing ? routing_time : escalation_time);
      EXPECT_TRUE(set.ok()) << k.name << ": " << set.error_message();
    }
  });

  // ---- Routing's clock in 100 steps; step s breaches group s. The next
  // step waits until this one's breaches are on routing's stream.
  // (No ASSERT until the killer is joined.)
  bool stepped = true;
  for (int s = 0; s < kGroups && stepped; ++s) {
    {
      std::lock_guard<std::mutex> lock(clock_mu);
      routing_time = t0 + kFirstResponse + s * kGroupGap;
      grpc::Status set = path.SetTime("routing", routing_time);
      EXPECT_TRUE(set.ok()) << set.error_message();
    }
    stepped = routing_log.WaitCount("SlaBreached", (s + 1) * kGroupSize, kWait);
    EXPECT_TRUE(stepped) << "step " << s << ": "
                         << routing_log.Count("SlaBreached")
                         << " breaches; log " << path.log("routing");
  }
  killer.join();
  ASSERT_TRUE(stepped);
  ASSERT_TRUE(escalation_log.WaitCount("EscalationOpened", kTickets, kWait))
      << escalation_log.Count("EscalationOpened") << " cases opened; log "
      << path.log("escalation");
  const absl::Duration run_time = absl::Now() - began;

  // ---- Barrier: a sentinel ticket's SLA warning. Escalation applies
  // routing's events in order, so once the sentinel's warning notification
  // is on escalation's stream every breach before it has been applied.
  ASSERT_TRUE(path.SetTime("ticket", t0 + absl::Minutes(12)).ok());
  tv1::Ticket sentinel;
  ASSERT_TRUE(testing::CallWithToken(
                  *tickets, &tv1::TicketService::Stub::CreateTicket,
                  path.supervisor(), AGradeTicket("evc-sentinel"), &sentinel)
                  .ok());
  {
    std::lock_guard<std::mutex> lock(clock_mu);
    ASSERT_TRUE(path.SetTime("routing", t0 + absl::Minutes(24)).ok());
  }
  ASSERT_TRUE(escalation_log.WaitCount("EscalationNotified/" + sentinel.name(),
                                       1, kWait))
      << "the sentinel's warning did not reach escalation";
  const std::set<std::string> live_breach_ids = routing_log.EventIds();
  routing_log.Stop();
  escalation_log.Stop();

  // One more SIGKILL of both after everything settled: nothing may live
  // only in memory.
  for (const char* name : {"routing", "escalation"}) {
    path.Kill(name);
    ASSERT_TRUE(path.Start(name)) << name;
  }
  ASSERT_TRUE(path.SetTime("routing", t0 + absl::Minutes(24)).ok());
  ASSERT_TRUE(path.SetTime("escalation", escalation_time).ok());

  // ---- Routing's log from the start: one SlaBreached per clock.
  std::map<std::string, std::string> breached;  // clock → ticket
  int breach_events = 0, live_ids_missing = 0;
  std::set<std::string> final_ids;
  for (const Event& e : ReadLog(path.port("routing"), path.admin())) {
    final_ids.insert(e.event_id());
    if (e.type() != "SlaBreached") continue;
    ++breach_events;
    const rv1::SlaClock clock = ClockOf(e);
    EXPECT_EQ(clock.kind(), rv1::CLOCK_KIND_FIRST_RESPONSE) << clock.name();
    breached[clock.name()] = clock.subject();
  }
  for (const std::string& id : live_breach_ids) {
    if (final_ids.count(id) == 0) ++live_ids_missing;
  }

  // ---- Escalation's log from the start: one EscalationOpened per clock.
  int opened_events = 0, above_level_1 = 0;
  std::set<std::string> opened_keys;
  for (const Event& e : ReadLog(path.port("escalation"), path.admin())) {
    if (e.type() == "EscalationOpened") {
      ev1::EscalationOpened opened;
      ASSERT_TRUE(e.payload().UnpackTo(&opened));
      ++opened_events;
      opened_keys.insert(opened.escalation_case().dedup_key());
    } else if (e.type() == "EscalationNotified") {
      ev1::EscalationNotified notified;
      ASSERT_TRUE(e.payload().UnpackTo(&notified));
      if (notified.notification().level() > 1) ++above_level_1;
    }
  }

  // ---- Escalation's cases (ListCases, every page).
  auto escalation =
      ev1::EscalationService::NewStub(Channel(path.port("escalation")));
  std::map<std::string, int> cases_per_clock;
  int cases = 0, wrong_ticket = 0, not_level_1 = 0, not_open = 0;
  ev1::ListCasesRequest list;
  list.set_page_size(200);
  do {
    ev1::ListCasesResponse page;
    grpc::Status status = testing::CallWithToken(
        *escalation, &ev1::EscalationService::Stub::ListCases,
        path.supervisor(), list, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const ev1::EscalationCase& c : page.cases()) {
      ++cases;
      ++cases_per_clock[c.clock()];
      auto it = breached.find(c.clock());
      if (it == breached.end() || it->second != c.subject()) ++wrong_ticket;
      if (c.level() != 1) ++not_level_1;
      if (c.state() != ev1::CASE_STATE_OPEN) ++not_open;
    }
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  int duplicated = 0;
  for (const auto& [clock, n] : cases_per_clock) duplicated += n > 1;
  std::set<std::string> breached_tickets;
  for (const auto& [clock, subject] : breached)
    breached_tickets.insert(subject);
  int tickets_without_breach = 0;
  for (const std::string& name : ticket_names) {
    tickets_without_breach += breached_tickets.count(name) == 0;
  }

  std::cout << absl::StrFormat(
                   "event crash test: %d tickets created and routed in %s; "
                   "100 clock steps with %d routing-sla and %d escalation "
                   "SIGKILLs + restarts in %s (+1 each before verifying)\n"
                   "  SlaBreached events: %d, distinct breached clocks: %d, "
                   "tickets without a breach: %d, live events missing "
                   "after restart: %d\n"
                   "  EscalationOpened events: %d (distinct dedup keys %d), "
                   "cases listed: %d, clocks with >1 case: %d, case for the "
                   "wrong ticket: %d\n"
                   "  cases not at level 1: %d, not open: %d, notifications "
                   "above level 1: %d",
                   kTickets, absl::FormatDuration(setup_time), kills["routing"],
                   kills["escalation"], absl::FormatDuration(run_time),
                   breach_events, breached.size(), tickets_without_breach,
                   live_ids_missing, opened_events, opened_keys.size(), cases,
                   duplicated, wrong_ticket, not_level_1, not_open,
                   above_level_1)
            << std::endl;
  EXPECT_EQ(kills["routing"], kKillsEach);
  EXPECT_EQ(kills["escalation"], kKillsEach);
  EXPECT_EQ(breach_events, kTickets);
  EXPECT_EQ(breached.size(), static_cast<size_t>(kTickets));
  EXPECT_EQ(tickets_without_breach, 0);
  EXPECT_EQ(live_ids_missing, 0);
  EXPECT_EQ(opened_events, kTickets);
  EXPECT_EQ(opened_keys.size(), static_cast<size_t>(kTickets));
  EXPECT_EQ(cases, kTickets);
  EXPECT_EQ(duplicated, 0);
  EXPECT_EQ(wrong_ticket, 0);
  EXPECT_EQ(not_level_1, 0);
  EXPECT_EQ(not_open, 0);
  EXPECT_EQ(above_level_1, 0);
  for (const char* name : {"escalation", "routing", "ticket"}) path.Stop(name);
}

}  // namespace
}  // namespace cs
