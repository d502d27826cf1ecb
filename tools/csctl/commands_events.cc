// events info | tail: read any producer's cs.events.v1.EventStream.
// events consumers | wait: cs.events.v1.ConsumerProgress of any server.
//
//   csctl events info
//   csctl events consumers                  # each consumer's cursor
//   csctl events wait --consumer 'routing<-ticket' --sequence 5000
//   csctl events wait --outbox 'routing->ticket' --timeout 30s
//   csctl events tail                       # everything so far, then exit
//   csctl events tail --from 120 --types TicketCreated,TicketClosed
//   csctl events tail --follow --limit 10   # wait for live events
//
// The event log is readable by the service and admin roles only.
#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cs/events/v1/consumer_progress.grpc.pb.h"
#include "cs/events/v1/event_stream.grpc.pb.h"
#include "libs/common/grpc_status.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/output.h"
#include "tools/csctl/table.h"

namespace cs::csctl {
namespace {

using common::v1::Event;
using events::v1::EventStream;
using events::v1::LogInfo;

absl::StatusOr<LogInfo> GetLogInfo(CommandContext& context,
                                   EventStream::Stub& stub) {
  grpc::ClientContext call;
  context.PrepareCall(&call);
  LogInfo info;
  RETURN_IF_ERROR(FromGrpcStatus(stub.GetLogInfo(&call, {}, &info)));
  return info;
}

class InfoCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, context.Channel());
    std::unique_ptr<EventStream::Stub> stub = EventStream::NewStub(channel);
    ASSIGN_OR_RETURN(LogInfo info, GetLogInfo(context, *stub));
    if (context.options().json) return PrintJson(context.out(), info);
    PrintKeyValues(context.out(),
                   {{"producer", info.producer()},
                    {"partition", absl::StrCat(info.partition())},
                    {"first", absl::StrCat(info.first_sequence())},
                    {"last", absl::StrCat(info.last_sequence())}});
    return absl::OkStatus();
  }
};

// The consumers of the target server with their cursors (lag: the
// producer's `events info` last minus CURSOR), then its command outboxes.
class ConsumersCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, context.Channel());
    auto stub = events::v1::ConsumerProgress::NewStub(channel);
    grpc::ClientContext call;
    context.PrepareCall(&call);
    events::v1::ConsumerPositions positions;
    RETURN_IF_ERROR(
        FromGrpcStatus(stub->GetConsumerPositions(&call, {}, &positions)));
    if (context.options().json) return PrintJson(context.out(), positions);
    Table table({"CONSUMER", "PRODUCER", "CURSOR"});
    table.SetAlignment(2, Table::kRight);
    for (const events::v1::ConsumerPosition& p : positions.consumers()) {
      table.AddRow({SanitizeCell(p.consumer()), SanitizeCell(p.producer()),
                    absl::StrCat(p.cursor())});
    }
    table.Print(context.out());
    if (!positions.command_outboxes().empty()) {
      Table outboxes({"COMMAND OUTBOX"});
      for (const std::string& name : positions.command_outboxes()) {
        outboxes.AddRow({SanitizeCell(name)});
      }
      context.out() << "\n";
      outboxes.Print(context.out());
    }
    return absl::OkStatus();
  }
};

// Blocks until a consumer of the target server reaches --sequence, or until
// one of its command outboxes has nothing left to deliver (--timeout, at
// most 30 s; a script waiting longer calls again). Exits non-zero with
// DEADLINE_EXCEEDED when the time passes first.
class WaitCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("consumer", &consumer_,
                    "consumer to wait for, e.g. routing<-ticket");
    flags.AddInt64("sequence", &sequence_,
                   "cursor the consumer must reach (with --consumer)", 0,
                   std::numeric_limits<int64_t>::max());
    flags.AddString("outbox", &outbox_,
                    "command outbox to wait for until it is idle, e.g. "
                    "routing->ticket");
  }

  absl::Status Run(CommandContext& context) override {
    if (consumer_.empty() == outbox_.empty()) {
      return absl::InvalidArgumentError(
          "give exactly one of --consumer and --outbox");
    }
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, context.Channel());
    auto stub = events::v1::ConsumerProgress::NewStub(channel);
    const absl::Duration wait = context.options().timeout;
    grpc::ClientContext call;
    // The server answers DEADLINE_EXCEEDED itself when `wait` passes; the
    // call's own deadline leaves it time to say so.
    context.PrepareCall(&call, absl::Now() + wait + absl::Seconds(5));
    const google::protobuf::Duration timeout = ToProtoDuration(wait);
    if (!outbox_.empty()) {
      events::v1::WaitForCommandsRequest request;
      request.set_outbox(outbox_);
      *request.mutable_timeout() = timeout;
      events::v1::CommandOutboxState state;
      RETURN_IF_ERROR(
          FromGrpcStatus(stub->WaitForCommands(&call, request, &state)));
      if (context.options().json) return PrintJson(context.out(), state);
      context.out() << SanitizeCell(state.outbox()) << " idle\n";
      return absl::OkStatus();
    }
    events::v1::WaitForConsumerRequest request;
    request.set_consumer(consumer_);
    request.set_min_sequence(static_cast<uint64_t>(sequence_));
    *request.mutable_timeout() = timeout;
    events::v1::ConsumerPosition position;
    RETURN_IF_ERROR(
        FromGrpcStatus(stub->WaitForConsumer(&call, request, &position)));
    if (context.options().json) return PrintJson(context.out(), position);
    context.out() << SanitizeCell(position.consumer()) << " "
                  << position.cursor() << "\n";
    return absl::OkStatus();
  }

 private:
  std::string consumer_;
  int64_t sequence_ = 0;
  std::string outbox_;
};

class TailCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddInt64("from", &from_,
                   "first sequence to print (0: the oldest still held)", 0,
                   std::numeric_limits<int64_t>::max());
    flags.AddString("types", &types_,
                    "comma-separated event types to print (empty: all)");
    flags.AddInt64("limit", &limit_,
                   "stop after printing this many events (0: no limit)", 0,
                   std::numeric_limits<int64_t>::max());
    flags.AddBool("follow", &follow_,
                  "keep waiting for new events instead of stopping at the "
                  "end of the log");
  }

  absl::Status Run(CommandContext& context) override {
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, context.Channel());
    std::unique_ptr<EventStream::Stub> stub = EventStream::NewStub(channel);
    // Where the log ends now: without --follow, stop there.
    ASSIGN_OR_RETURN(LogInfo info, GetLogInfo(context, *stub));
    const uint64_t end = info.last_sequence();
    uint64_t from = from_ > 0 ? static_cast<uint64_t>(from_)
                              : std::max<uint64_t>(1, info.first_sequence());
    if (!follow_ && (end == 0 || from > end)) return absl::OkStatus();

    std::set<std::string> types;
    for (absl::string_view type :
         absl::StrSplit(types_, ',', absl::SkipWhitespace())) {
      types.emplace(type);
    }
    events::v1::SubscribeRequest request;
    request.set_from_sequence(from);
    // With --follow the server filters. Without it csctl filters itself: it
    // must see every sequence to notice that it reached the end.
    if (follow_) {
      for (const std::string& type : types) request.add_types(type);
    }

    grpc::ClientContext call;
    // A finite tail may take --timeout at most; a log ending in a gap (an
    // aborted write) would otherwise never reach `end`.
    context.PrepareCall(&call, follow_
                                   ? absl::InfiniteFuture()
                                   : absl::Now() + context.options().timeout);
    std::unique_ptr<grpc::ClientReader<Event>> reader =
        stub->Subscribe(&call, request);
    PayloadDecoder decoder;
    absl::Status printed_ok;
    int64_t printed = 0;
    bool done = false;
    Event event;
    while (!done && reader->Read(&event)) {
      if (types.empty() || types.count(event.type()) > 0) {
        printed_ok = PrintEvent(context, decoder, event);
        if (!printed_ok.ok()) break;
        ++printed;
        if (follow_) context.out().flush();
      }
      if (limit_ > 0 && printed >= limit_) done = true;
      if (!follow_ && event.sequence() >= end) done = true;
    }
    if (done || !printed_ok.ok()) {
      call.TryCancel();
      while (reader->Read(&event)) {
      }
    }
    absl::Status finished = FromGrpcStatus(reader->Finish());
    RETURN_IF_ERROR(printed_ok);
    if (done) return absl::OkStatus();
    return finished;
  }

 private:
  absl::Status PrintEvent(CommandContext& context, PayloadDecoder& decoder,
                          const Event& event) {
    if (context.options().json) {
      ASSIGN_OR_RETURN(std::string json, decoder.EventToJson(event));
      context.out() << json << "\n";
      return absl::OkStatus();
    }
    std::string payload;
    if (event.has_payload()) {
      absl::StatusOr<std::string> json = decoder.ToJson(event.payload());
      payload = json.ok() ? *json : event.payload().type_url();
    }
    context.out() << event.sequence() << "  "
                  << FormatDisplayTime(FromTimestamp(event.occurred_time()))
                  << "  " << SanitizeCell(event.type()) << "  "
                  << SanitizeCell(event.subject()) << "  " << payload << "\n";
    return absl::OkStatus();
  }

  int64_t from_ = 0;
  std::string types_;
  int64_t limit_ = 0;
  bool follow_ = false;
};

}  // namespace

void RegisterEventsCommands(CommandRegistry& registry) {
  registry.Add<InfoCommand>({"events", "info"},
                            "producer, partition and bounds of the event log");
  registry.Add<ConsumersCommand>(
      {"events", "consumers"},
      "the server's event consumers with their cursors, and command outboxes");
  registry.Add<WaitCommand>(
      {"events", "wait"},
      "block until a consumer reaches a sequence or a command outbox is idle");
  registry.Add<TailCommand>(
      {"events", "tail"},
      "print events (sequence, time, type, subject, payload JSON)");
}

}  // namespace cs::csctl
