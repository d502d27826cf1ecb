#include "tools/csbench/propagation.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "cs/admin/v1/test_clock.grpc.pb.h"
#include "cs/escalation/v1/escalation.pb.h"
#include "cs/events/v1/event_stream.grpc.pb.h"
#include "cs/routing/v1/routing.grpc.pb.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "tools/csbench/measure.h"
#include "tools/csbench/steady_window.h"

namespace cs::csbench {
namespace {

using common::v1::Event;

constexpr absl::Duration kConnectTimeout = absl::Seconds(10);
constexpr int kDeadlineExceeded = 4;

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(
    const std::string& target, const ChannelFactory& channels) {
  std::shared_ptr<grpc::Channel> channel = channels.Connect(target);
  if (!channel->WaitForConnected(
          absl::ToChronoTime(absl::Now() + kConnectTimeout))) {
    return absl::UnavailableError(absl::StrCat(
        "cannot connect to ", target, " within ",
        absl::FormatDuration(kConnectTimeout)));
  }
  return channel;
}

// Follows one producer's event stream from its current end and remembers
// when each event was first seen, by a key the caller derives from it.
class EventWatcher {
 public:
  using KeyOf = std::function<std::string(const Event&)>;

  EventWatcher(std::shared_ptr<grpc::Channel> channel, std::string token,
               std::vector<std::string> types, KeyOf key_of)
      : stub_(events::v1::EventStream::NewStub(std::move(channel))),
        token_(std::move(token)),
        types_(std::move(types)),
        key_of_(std::move(key_of)) {}

  ~EventWatcher() { Stop(); }

  // Subscribes from the log's current end (earlier events are not ours).
  absl::Status Start() {
    grpc::ClientContext context;
    context.AddMetadata("authorization", absl::StrCat("Bearer ", token_));
    events::v1::LogInfo info;
    RETURN_IF_ERROR(FromGrpc(
        stub_->GetLogInfo(&context, events::v1::GetLogInfoRequest(), &info),
        "GetLogInfo"));
    events::v1::SubscribeRequest request;
    request.set_from_sequence(info.last_sequence() + 1);
    for (const std::string& type : types_) request.add_types(type);
    stream_context_.AddMetadata("authorization",
                                absl::StrCat("Bearer ", token_));
    reader_ = stub_->Subscribe(&stream_context_, request);
    thread_ = std::thread([this] { Read(); });
    return absl::OkStatus();
  }

  // NowNanos() when the event for `key` was first seen, waiting for it
  // until `deadline`; nullopt when it did not come.
  std::optional<int64_t> WaitFor(const std::string& key, absl::Time deadline) {
    absl::MutexLock lock(&mu_);
    auto seen = [&] { return seen_.count(key) > 0; };
    while (!seen() && !ended_) {
      if (cv_.WaitWithDeadline(&mu_, deadline)) break;
    }
    auto it = seen_.find(key);
    if (it == seen_.end()) return std::nullopt;
    return it->second;
  }

  void Stop() {
    if (!thread_.joinable()) return;
    stream_context_.TryCancel();
    thread_.join();
  }

 private:
  void Read() {
    Event event;
    while (reader_->Read(&event)) {
      const int64_t now = NowNanos();
      std::string key = key_of_(event);
      absl::MutexLock lock(&mu_);
      seen_.emplace(std::move(key), now);
      cv_.SignalAll();
    }
    reader_->Finish();
    absl::MutexLock lock(&mu_);
    ended_ = true;
    cv_.SignalAll();
  }

  std::unique_ptr<events::v1::EventStream::Stub> stub_;
  const std::string token_;
  const std::vector<std::string> types_;
  const KeyOf key_of_;
  grpc::ClientContext stream_context_;
  std::unique_ptr<grpc::ClientReader<Event>> reader_;
  std::thread thread_;
  absl::Mutex mu_;
  absl::CondVar cv_;
  std::map<std::string, int64_t> seen_ ABSL_GUARDED_BY(mu_);
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
};

template <typename T>
T Payload(const Event& event) {
  T message;
  event.payload().UnpackTo(&message);
  return message;
}

// Routing-sla events: "started|<ticket>" for a ticket's first clock,
// "breached|<clock>" for a breach.
std::string RoutingKey(const Event& event) {
  if (event.type() == "SlaClockStarted") {
    return absl::StrCat("started|",
                        Payload<routing::v1::SlaClockStarted>(event)
                            .clock()
                            .subject());
  }
  return absl::StrCat("breached|",
                      Payload<routing::v1::SlaBreached>(event).clock().name());
}

// Escalation events: "opened|<clock>".
std::string EscalationKey(const Event& event) {
  return absl::StrCat(
      "opened|",
      Payload<escalation::v1::EscalationOpened>(event).escalation_case().clock());
}

class PropagationRun {
 public:
  explicit PropagationRun(const PropagationOptions& options)
      : options_(options), payloads_(options.payload) {
    random_.seed(options.seed);
    tag_ = absl::StrCat(absl::ToUnixMicros(absl::Now()), "-",
                        random_() % 100000);
  }

  absl::Status Connect() {
    const ChannelFactory channels(options_.tls);
    ASSIGN_OR_RETURN(ticket_channel_,
                     csbench::Connect(options_.ticket_target, channels));
    ASSIGN_OR_RETURN(routing_channel_,
                     csbench::Connect(options_.routing_target, channels));
    tickets_ = ticket::v1::TicketService::NewStub(ticket_channel_);
    sla_ = routing::v1::SlaService::NewStub(routing_channel_);
    routing_events_ = std::make_unique<EventWatcher>(
        routing_channel_, options_.token,
        std::vector<std::string>{"SlaClockStarted", "SlaBreached"},
        RoutingKey);
    if (breach_phase()) {
      ASSIGN_OR_RETURN(escalation_channel_,
                       csbench::Connect(options_.escalation_target, channels));
      escalation_events_ = std::make_unique<EventWatcher>(
          escalation_channel_, options_.token,
          std::vector<std::string>{"EscalationOpened"}, EscalationKey);
    }
    return absl::OkStatus();
  }

  absl::Status Prepare() {
    grpc::ClientContext context;
    Decorate(context);
    ticket::v1::UpsertCustomerRequest request;
    *request.mutable_customer() = payloads_.Customer(random_, CustomerId());
    ticket::v1::Customer response;
    RETURN_IF_ERROR(
        FromGrpc(tickets_->UpsertCustomer(&context, request, &response),
                 "preparing: UpsertCustomer"));
    RETURN_IF_ERROR(routing_events_->Start());
    if (escalation_events_) RETURN_IF_ERROR(escalation_events_->Start());
    return absl::OkStatus();
  }

  absl::StatusOr<RunReport> Run() {
    RunReport report;
    report.mode = "propagation";
    report.label = options_.label;
    report.target = options_.ticket_target;
    report.ops = breach_phase() ? "create_to_clock,breach_to_case"
                                : "create_to_clock";
    report.duration_seconds = absl::ToDoubleSeconds(options_.duration);
    if (breach_phase()) {
      ASSIGN_OR_RETURN(OpStats breach, BreachPhase());
      report.ops_stats.push_back({"breach_to_case", std::move(breach)});
    }
    const int64_t start = NowNanos();
    CreatePhaseResult phase = CreatePhase();
    report.elapsed_seconds = (NowNanos() - start) / 1e9;
    report.ops_stats.insert(report.ops_stats.begin(),
                            {"create_to_clock", std::move(phase.to_clock)});
    report.ops_stats.push_back({"create", std::move(phase.create)});
    report.conditions = {{"rate", absl::StrCat(options_.rate)},
                         {"breaches", absl::StrCat(options_.breaches)},
                         {"breach_rate", absl::StrCat(options_.breach_rate)},
                         {"settle_seconds",
                          absl::StrCat(absl::ToDoubleSeconds(options_.settle))},
                         {"steady_seconds", absl::StrCat(phase.steady.seconds)},
                         {"steady_creates_per_second",
                          absl::StrCat(phase.steady.creates_per_second)},
                         {"steady_clocks_per_second",
                          absl::StrCat(phase.steady.clocks_per_second)}};
    return report;
  }

 private:
  struct PendingCreate {
    grpc::ClientContext context;
    ticket::v1::CreateTicketRequest request;
    ticket::v1::Ticket ticket;
    int64_t sent_ns = 0;
    int64_t done_ns = 0;
    int code = -1;
  };

  bool breach_phase() const {
    return options_.breaches > 0 && !options_.escalation_target.empty();
  }

  std::string CustomerId() const { return absl::StrCat("prop-", tag_); }

  void Decorate(grpc::ClientContext& context) const {
    context.set_deadline(
        absl::ToChronoTime(absl::Now() + options_.call_deadline));
    context.AddMetadata("authorization",
                        absl::StrCat("Bearer ", options_.token));
  }

  ticket::v1::CreateTicketRequest NextCreate() {
    return payloads_.CreateTicket(random_, CustomerId(),
                                  absl::StrCat("prop-", tag_, "-", ++seq_));
  }

  struct CreatePhaseResult {
    OpStats create;    // create call latency
    OpStats to_clock;  // create sent → SlaClockStarted seen
    SteadyRates steady;
  };

  // Open-loop creates at options_.rate.
  CreatePhaseResult CreatePhase() {
    std::deque<PendingCreate> calls;
    absl::Mutex mu;
    int outstanding = 0;
    const int64_t start = NowNanos();
    const int64_t end = start + absl::ToInt64Nanoseconds(options_.duration);
    const double interval_ns = 1e9 / std::max(options_.rate, 1);
    for (int64_t i = 0;; ++i) {
      const int64_t due = start + static_cast<int64_t>(i * interval_ns);
      if (due >= end) break;
      const int64_t now = NowNanos();
      if (due > now) {
        std::this_thread::sleep_for(std::chrono::nanoseconds(due - now));
      }
      PendingCreate& call = calls.emplace_back();
      call.request = NextCreate();
      Decorate(call.context);
      {
        absl::MutexLock lock(&mu);
        ++outstanding;
      }
      call.sent_ns = NowNanos();
      tickets_->async()->CreateTicket(
          &call.context, &call.request, &call.ticket,
          [&call, &mu, &outstanding](grpc::Status status) {
            const int64_t done = NowNanos();
            absl::MutexLock lock(&mu);
            call.code = status.error_code();
            call.done_ns = done;
            call.request.clear_ticket();  // keep memory small
            --outstanding;
          });
    }
    {
      absl::MutexLock lock(&mu);
      mu.Await(absl::Condition(
          +[](int* n) { return *n == 0; }, &outstanding));
    }
    CreatePhaseResult result;
    SteadyWindow steady(start, end);
    const absl::Time deadline = absl::Now() + options_.settle;
    for (const PendingCreate& call : calls) {
      result.create.Record(call.code,
                           static_cast<uint64_t>(call.done_ns - call.sent_ns));
      steady.CountCreate(call.sent_ns);
      if (call.code != 0) continue;
      std::optional<int64_t> seen = routing_events_->WaitFor(
          absl::StrCat("started|", call.ticket.name()), deadline);
      if (seen) {
        result.to_clock.Record(0, static_cast<uint64_t>(*seen - call.sent_ns));
        steady.CountClock(*seen);
      } else {
        result.to_clock.Record(kDeadlineExceeded, 0);
      }
    }
    result.steady = steady.Rates();
    return result;
  }

  absl::Status SetTime(admin::v1::TestClock::Stub& clock, absl::Time time,
                       absl::string_view server) {
    grpc::ClientContext context;
    Decorate(context);
    admin::v1::SetTimeRequest request;
    *request.mutable_time() = ToProtoTime(time);
    admin::v1::ClockTime response;
    return FromGrpc(clock.SetTime(&context, request, &response),
                    absl::StrCat("TestClock.SetTime on ", server,
                                 " (started with --clock=manual?)"));
  }

  absl::Status AdvanceTicketClock(absl::Duration by) {
    grpc::ClientContext context;
    Decorate(context);
    admin::v1::AdvanceRequest request;
    request.mutable_duration()->set_seconds(absl::ToInt64Seconds(by));
    admin::v1::ClockTime response;
    return FromGrpc(ticket_clock_->Advance(&context, request, &response),
                    "TestClock.Advance on ticket");
  }

  // The earliest-due running clock of `ticket`: (due, clock name).
  absl::StatusOr<std::pair<absl::Time, std::string>> FirstDueClock(
      const std::string& ticket) {
    grpc::ClientContext context;
    Decorate(context);
    routing::v1::GetTicketClocksRequest request;
    request.set_subject(ticket);
    routing::v1::GetTicketClocksResponse response;
    RETURN_IF_ERROR(FromGrpc(sla_->GetTicketClocks(&context, request, &response),
                             "GetTicketClocks"));
    std::optional<std::pair<absl::Time, std::string>> first;
    for (const routing::v1::SlaClock& clock : response.clocks()) {
      if (clock.state() != routing::v1::CLOCK_STATE_RUNNING ||
          !clock.has_due_time()) {
        continue;
      }
      const absl::Time due = FromProtoTime(clock.due_time());
      if (!first || due < first->first) first.emplace(due, clock.name());
    }
    if (!first) {
      return absl::FailedPreconditionError(
          absl::StrCat(ticket, " has no running clock with a due time"));
    }
    return *first;
  }

  absl::StatusOr<OpStats> BreachPhase() {
    ticket_clock_ = admin::v1::TestClock::NewStub(ticket_channel_);
    routing_clock_ = admin::v1::TestClock::NewStub(routing_channel_);
    auto escalation_clock = admin::v1::TestClock::NewStub(escalation_channel_);
    // A Monday morning, so every calendar is in business hours and the
    // clocks fall due one business second apart like the tickets.
    absl::TimeZone shanghai = absl::FixedTimeZone(8 * 3600);
    const absl::Time monday =
        absl::FromCivil(absl::CivilSecond(2030, 1, 7, 10, 0, 0), shanghai);
    RETURN_IF_ERROR(SetTime(*ticket_clock_, monday, "ticket"));
    RETURN_IF_ERROR(SetTime(*routing_clock_, monday, "routing-sla"));
    RETURN_IF_ERROR(SetTime(*escalation_clock, monday, "escalation"));

    std::vector<std::string> tickets;
    for (int i = 0; i < options_.breaches; ++i) {
      grpc::ClientContext context;
      Decorate(context);
      ticket::v1::CreateTicketRequest request = NextCreate();
      ticket::v1::Ticket ticket;
      RETURN_IF_ERROR(FromGrpc(tickets_->CreateTicket(&context, request, &ticket),
                               "breach phase: CreateTicket"));
      tickets.push_back(ticket.name());
      RETURN_IF_ERROR(AdvanceTicketClock(absl::Seconds(1)));
    }
    const absl::Time deadline = absl::Now() + options_.settle;
    std::vector<std::pair<absl::Time, std::string>> due_clocks;
    for (const std::string& ticket : tickets) {
      if (!routing_events_->WaitFor(absl::StrCat("started|", ticket),
                                    deadline)) {
        return absl::DeadlineExceededError(
            absl::StrCat("no SlaClockStarted for ", ticket));
      }
      ASSIGN_OR_RETURN(auto due, FirstDueClock(ticket));
      due_clocks.push_back(std::move(due));
    }
    std::sort(due_clocks.begin(), due_clocks.end());

    // Warnings before the first breach fire at once; let escalation take
    // them in before the measured breaches start.
    absl::Time routing_now = due_clocks.front().first - absl::Seconds(1);
    RETURN_IF_ERROR(SetTime(*routing_clock_, routing_now, "routing-sla"));
    std::this_thread::sleep_for(std::chrono::seconds(1));

    const double interval_ns = 1e9 / std::max(options_.breach_rate, 1);
    const int64_t start = NowNanos();
    for (size_t i = 0; i < due_clocks.size(); ++i) {
      const int64_t due = start + static_cast<int64_t>(i * interval_ns);
      const int64_t now = NowNanos();
      if (due > now) {
        std::this_thread::sleep_for(std::chrono::nanoseconds(due - now));
      }
      if (due_clocks[i].first <= routing_now) continue;
      routing_now = due_clocks[i].first;
      RETURN_IF_ERROR(SetTime(*routing_clock_, routing_now, "routing-sla"));
    }

    OpStats stats;
    const absl::Time settle = absl::Now() + options_.settle;
    for (const auto& [due, clock] : due_clocks) {
      std::optional<int64_t> breached =
          routing_events_->WaitFor(absl::StrCat("breached|", clock), settle);
      std::optional<int64_t> opened =
          escalation_events_->WaitFor(absl::StrCat("opened|", clock), settle);
      if (breached && opened) {
        stats.Record(0, static_cast<uint64_t>(std::max<int64_t>(
                            0, *opened - *breached)));
      } else {
        stats.Record(kDeadlineExceeded, 0);
      }
    }
    return stats;
  }

  const PropagationOptions& options_;
  PayloadGenerator payloads_;
  std::mt19937_64 random_;
  std::string tag_;
  uint64_t seq_ = 0;
  std::shared_ptr<grpc::Channel> ticket_channel_;
  std::shared_ptr<grpc::Channel> routing_channel_;
  std::shared_ptr<grpc::Channel> escalation_channel_;
  std::unique_ptr<ticket::v1::TicketService::Stub> tickets_;
  std::unique_ptr<routing::v1::SlaService::Stub> sla_;
  std::unique_ptr<admin::v1::TestClock::Stub> ticket_clock_;
  std::unique_ptr<admin::v1::TestClock::Stub> routing_clock_;
  std::unique_ptr<EventWatcher> routing_events_;
  std::unique_ptr<EventWatcher> escalation_events_;
};

}  // namespace

absl::StatusOr<RunReport> RunPropagation(const PropagationOptions& options) {
  if (options.ticket_target.empty() || options.routing_target.empty()) {
    return absl::InvalidArgumentError(
        "--ticket and --routing must be set (host:port)");
  }
  if (options.token.empty()) {
    return absl::InvalidArgumentError("a token is needed (--auth-key-file)");
  }
  PropagationRun run(options);
  RETURN_IF_ERROR(run.Connect());
  RETURN_IF_ERROR(run.Prepare());
  return run.Run();
}

}  // namespace cs::csbench
