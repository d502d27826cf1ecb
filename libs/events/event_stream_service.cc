#include "libs/events/event_stream_service.h"

#include <memory>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/grpc_status.h"

namespace cs {

using common::v1::Event;

EventStreamService::EventStreamService(Outbox& outbox, Authorizer authorize)
    : outbox_(outbox), authorize_(std::move(authorize)), streams_(outbox) {}

grpc::ServerWriteReactor<Event>* EventStreamService::Subscribe(
    grpc::CallbackServerContext* context,
    const events::v1::SubscribeRequest* request) {
  if (absl::Status allowed = authorize_(context); !allowed.ok()) {
    return streams_.Finished(allowed);
  }
  uint64_t from = request->from_sequence() == 0 ? 1 : request->from_sequence();
  uint64_t first = outbox_.FirstSequence();
  if (from < first) {
    return streams_.Finished(absl::OutOfRangeError(absl::StrCat(
        "from_sequence: ", from,
        " was removed by retention; the log now starts at ", first)));
  }
  // The events go out as the outbox holds them, shared, not copied.
  auto types = std::make_shared<const std::set<std::string>>(
      request->types().begin(), request->types().end());
  auto send = [types](std::shared_ptr<const Event> event) {
    return types->empty() || types->count(event->type()) > 0 ? event : nullptr;
  };
  OutboxStreams<Event>::CaughtUp marker;
  if (request->progress_markers() && !types->empty()) {
    // Caught up after skipping unwanted events: tell the subscriber.
    marker = [producer = outbox_.options().producer,
              partition = outbox_.options().partition](uint64_t last_read) {
      auto event = std::make_shared<Event>();
      event->set_sequence(last_read);
      event->set_producer(producer);
      event->set_partition(partition);
      return std::shared_ptr<const Event>(std::move(event));
    };
  }
  return streams_.Open(from, std::move(send), std::move(marker));
}

grpc::ServerUnaryReactor* EventStreamService::GetLogInfo(
    grpc::CallbackServerContext* context,
    const events::v1::GetLogInfoRequest* request,
    events::v1::LogInfo* response) {
  auto* reactor = context->DefaultReactor();
  absl::Status allowed = authorize_(context);
  if (allowed.ok()) {
    uint64_t visible = outbox_.VisibleSequence();
    uint64_t first = outbox_.FirstSequence();
    response->set_first_sequence(first <= visible ? first : 0);
    response->set_last_sequence(visible);
    response->set_producer(outbox_.options().producer);
    response->set_partition(outbox_.options().partition);
  }
  reactor->Finish(ToGrpcStatus(allowed));
  return reactor;
}

}  // namespace cs
