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

absl::Status GrpcTicketClient::Assign(
    const ticket::v1::AssignTicketRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token_()));
  ticket::v1::Ticket response;
  return FromGrpcStatus(stub_->AssignTicket(&context, request, &response));
}

}  // namespace cs::routing
