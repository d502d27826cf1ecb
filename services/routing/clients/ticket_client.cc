#include "services/routing/clients/ticket_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "libs/common/grpc_status.h"

namespace cs::routing {

GrpcTicketClient::GrpcTicketClient(
    std::shared_ptr<grpc::ChannelInterface> channel,
    std::function<std::string()> token, absl::Duration timeout)
    : stub_(ticket::v1::TicketService::NewStub(std::move(channel))),
      token_(std::move(token)),
      timeout_(timeout) {}

void GrpcTicketClient::Prepare(grpc::ClientContext& context) const {
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token_()));
}

absl::Status GrpcTicketClient::Assign(
    const ticket::v1::AssignTicketRequest& request) {
  grpc::ClientContext context;
  Prepare(context);
  ticket::v1::Ticket response;
  return FromGrpcStatus(stub_->AssignTicket(&context, request, &response));
}

void GrpcTicketClient::AssignAsync(ticket::v1::AssignTicketRequest request,
                                   std::function<void(absl::Status)> done) {
  // What the call needs until it completes; freed by its callback.
  struct Call {
    grpc::ClientContext context;
    ticket::v1::AssignTicketRequest request;
    ticket::v1::Ticket response;
    std::function<void(absl::Status)> done;
  };
  auto* call = new Call();
  Prepare(call->context);
  call->request = std::move(request);
  call->done = std::move(done);
  stub_->async()->AssignTicket(&call->context, &call->request, &call->response,
                               [call](grpc::Status status) {
                                 std::function<void(absl::Status)> done =
                                     std::move(call->done);
                                 delete call;
                                 done(FromGrpcStatus(status));
                               });
}

}  // namespace cs::routing
