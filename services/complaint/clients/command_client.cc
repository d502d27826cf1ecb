#include "services/complaint/clients/command_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "libs/common/grpc_status.h"

namespace cs::complaint {

GrpcCommandClient::GrpcCommandClient(
    std::shared_ptr<grpc::ChannelInterface> routing,
    std::shared_ptr<grpc::ChannelInterface> escalation,
    std::function<std::string()> token, absl::Duration timeout)
    : sla_(routing::v1::SlaService::NewStub(std::move(routing))),
      escalation_(
          escalation::v1::EscalationService::NewStub(std::move(escalation))),
      token_(std::move(token)),
      timeout_(timeout) {}

absl::Status GrpcCommandClient::Deliver(const v1::PendingCommand& command) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token_()));
  switch (command.command_case()) {
    case v1::PendingCommand::kStartClock: {
      routing::v1::SlaClock clock;
      return FromGrpcStatus(
          sla_->StartClock(&context, command.start_clock(), &clock));
    }
    case v1::PendingCommand::kUpdateClock: {
      routing::v1::SlaClock clock;
      return FromGrpcStatus(
          sla_->UpdateClock(&context, command.update_clock(), &clock));
    }
    case v1::PendingCommand::kRequestEscalation: {
      escalation::v1::EscalationCase response;
      return FromGrpcStatus(escalation_->RequestEscalation(
          &context, command.request_escalation(), &response));
    }
    default:
      return absl::InvalidArgumentError("empty pending command");
  }
}

}  // namespace cs::complaint
