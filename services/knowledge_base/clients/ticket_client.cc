#include "services/knowledge_base/clients/ticket_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "libs/auth/grpc_auth.h"
#include "libs/common/grpc_status.h"

namespace cs::kb {

GrpcTicketReplier::GrpcTicketReplier(
    std::shared_ptr<grpc::ChannelInterface> channel,
    std::function<std::string()> token, absl::Duration timeout)
    : stub_(ticket::v1::TicketService::NewStub(std::move(channel))),
      token_(std::move(token)),
      timeout_(timeout) {}

absl::StatusOr<std::string> GrpcTicketReplier::AddReply(
    absl::string_view ticket, absl::string_view body, bool internal,
    absl::string_view caller_token) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  auth::AttachBearerToken(&context,
                          caller_token.empty() ? token_() : caller_token);
  ticket::v1::AddReplyRequest request;
  request.set_name(std::string(ticket));
  request.mutable_reply()->set_author_kind(ticket::v1::AUTHOR_KIND_AGENT);
  request.mutable_reply()->set_visibility(
      internal ? ticket::v1::REPLY_VISIBILITY_INTERNAL
               : ticket::v1::REPLY_VISIBILITY_PUBLIC);
  request.mutable_reply()->set_body(std::string(body));
  ticket::v1::AddReplyResponse response;
  absl::Status status =
      FromGrpcStatus(stub_->AddReply(&context, request, &response));
  if (!status.ok()) return status;
  return response.reply().id();
}

}  // namespace cs::kb
