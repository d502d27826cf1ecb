// The shape of every unary handler in the suite: authenticate on the reactor
// thread (cheap), run the domain call on the bounded executor (it may fsync
// or call other services), finish with the status translated once.
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

#include <utility>

#include "absl/status/status.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/server_context.h"
#include "libs/common/grpc_status.h"
#include "libs/server/executor.h"
#include "libs/server/request_guard.h"

namespace cs {

// Runs `work` (returning absl::Status) on `executor` and finishes the call
// with its result. A full queue finishes at once with RESOURCE_EXHAUSTED; a
// call cancelled or past its deadline before it starts is not run. A request
// refused by the request guard (libs/server/request_guard.h) finishes at once
// with its INVALID_ARGUMENT and `work` never runs.
template <typename Work>
grpc::ServerUnaryReactor* ServeUnary(grpc::CallbackServerContext* context,
                                     BoundedExecutor& executor, Work work) {
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
        reactor->Finish(ToGrpcStatus(work()));
      });
  if (!queued.ok()) reactor->Finish(ToGrpcStatus(queued));
  return reactor;
}

}  // namespace cs

#endif  // CS_LIBS_SERVER_UNARY_H_
