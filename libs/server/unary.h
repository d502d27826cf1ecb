// The shape of every unary handler in the suite: authenticate on the reactor
// thread (cheap), run the domain call on the bounded executor (it may fsync
// or call other services), finish with the status translated once. A point
// read of the local store runs on the reactor thread instead
// (ServeUnaryInline), and a write may finish later from the committer
// (ServeUnaryAsync).
//
//   grpc::ServerUnaryReactor* GetTicket(grpc::CallbackServerContext* ctx,
//                                       const GetTicketRequest* request,
//                                       Ticket* response) override {
//     return cs::ServeUnary(ctx, host_.executor(), [=]() -> absl::Status {
//       ASSIGN_OR_RETURN(auto principal, host_.Authorize(ctx, kReaders));
//       ASSIGN_OR_RETURN(*response, tickets_.Get(principal, request->name()));
//       return absl::OkStatus();
//     });
//   }
#ifndef CS_LIBS_SERVER_UNARY_H_
#define CS_LIBS_SERVER_UNARY_H_

#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "libs/common/grpc_status.h"
#include "libs/server/executor.h"
#include "libs/server/request_guard.h"

namespace cs {

// Finishes one call with a status; see ServeUnaryAsync.
using FinishCall = std::function<void(absl::Status)>;

// Runs `work(finish)` on `executor`; the call finishes when `work` calls
// `finish(status)` — exactly once, from any thread, possibly after `work`
// returned (e.g. from a CommitPipeline's committer once the write is
// durable, so that no executor thread waits for the disk). A full queue
// finishes at once with RESOURCE_EXHAUSTED; a call cancelled or past its
// deadline before it starts is not run. A request refused by the request
// guard (libs/server/request_guard.h) finishes at once with its
// INVALID_ARGUMENT and `work` never runs.
template <typename Work>
grpc::ServerUnaryReactor* ServeUnaryAsync(grpc::CallbackServerContext* context,
                                          BoundedExecutor& executor,
                                          Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (const absl::Status* malformed = MalformedRequest()) {
    reactor->Finish(ToGrpcStatus(*malformed));
    return reactor;
  }
  absl::Status queued = executor.TrySubmit(
      [context, reactor, work = std::move(work)]() mutable {
        if (context->IsCancelled()) {
          reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                                       "call cancelled before it started"));
          return;
        }
        work(FinishCall([reactor](absl::Status status) {
          reactor->Finish(ToGrpcStatus(status));
        }));
      });
  if (!queued.ok()) reactor->Finish(ToGrpcStatus(queued));
  return reactor;
}

// Runs `work` (returning absl::Status) on the gRPC thread that delivered the
// call and finishes the call with its result. Only for work that never waits
// on anything but a local store read (no fsync, no other service): it saves
// the hand-over to the executor, a thread wake-up per call that costs more
// than a point read. A request refused by the request guard finishes with
// its INVALID_ARGUMENT and `work` never runs.
template <typename Work>
grpc::ServerUnaryReactor* ServeUnaryInline(grpc::CallbackServerContext* context,
                                           Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const absl::Status* malformed = MalformedRequest();
  reactor->Finish(ToGrpcStatus(malformed != nullptr ? *malformed : work()));
  return reactor;
}

// Runs `work` (returning absl::Status) on `executor` and finishes the call
// with its result, as ServeUnaryAsync.
template <typename Work>
grpc::ServerUnaryReactor* ServeUnary(grpc::CallbackServerContext* context,
                                     BoundedExecutor& executor, Work work) {
  return ServeUnaryAsync(
      context, executor,
      [work = std::move(work)](FinishCall finish) mutable { finish(work()); });
}

}  // namespace cs

#endif  // CS_LIBS_SERVER_UNARY_H_
