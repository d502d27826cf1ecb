// cs.events.v1.EventStream over an Outbox: Subscribe replays the backlog from
// the requested sequence, then tails new events as they commit (an
// OutboxStreams stream: woken by the outbox, one write in flight, a small
// read-ahead; a slow consumer slows only its own stream).
//
//   cs::EventStreamService events(outbox, authorize);
//   builder.RegisterService(&events);
//   ...
//   events.Stop();  // before server->Shutdown(): ends live streams UNAVAILABLE
#ifndef CS_LIBS_EVENTS_EVENT_STREAM_SERVICE_H_
#define CS_LIBS_EVENTS_EVENT_STREAM_SERVICE_H_

#include <functional>

#include "absl/status/status.h"
#include "cs/events/v1/event_stream.grpc.pb.h"
#include "libs/events/outbox.h"
#include "libs/events/outbox_stream.h"

namespace cs {

class EventStreamService final
    : public events::v1::EventStream::CallbackService {
 public:
  // Decides whether the caller may read the log (e.g. service principals);
  // a non-OK status is returned to the caller as is.
  using Authorizer =
      std::function<absl::Status(grpc::CallbackServerContext* context)>;

  // `outbox` must outlive the service. Thread-safe.
  EventStreamService(Outbox& outbox, Authorizer authorize);

  grpc::ServerWriteReactor<common::v1::Event>* Subscribe(
      grpc::CallbackServerContext* context,
      const events::v1::SubscribeRequest* request) override;

  grpc::ServerUnaryReactor* GetLogInfo(
      grpc::CallbackServerContext* context,
      const events::v1::GetLogInfoRequest* request,
      events::v1::LogInfo* response) override;

  // Ends every open stream with UNAVAILABLE and refuses new ones. Call before
  // shutting the gRPC server down, so shutdown does not wait for streams that
  // never end on their own. Idempotent.
  void Stop() { streams_.Stop(); }

  // Number of open streams (for metrics and tests).
  size_t ActiveStreams() const { return streams_.Active(); }

 private:
  Outbox& outbox_;
  Authorizer authorize_;
  OutboxStreams<common::v1::Event> streams_;
};

}  // namespace cs

#endif  // CS_LIBS_EVENTS_EVENT_STREAM_SERVICE_H_
