// The knowledge base's view of the ticket service: posting a shared article
// as a reply (TicketService.AddReply) as the person who shares it.
//
//   GrpcTicketReplier replier(channel, [&] { return host.ServiceToken(); });
//   absl::StatusOr<std::string> reply_id = replier.AddReply(
//       "tickets/01H…", text, /*internal=*/false, caller_bearer_token);
#ifndef CS_SERVICES_KNOWLEDGE_BASE_CLIENTS_TICKET_CLIENT_H_
#define CS_SERVICES_KNOWLEDGE_BASE_CLIENTS_TICKET_CLIENT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"

namespace cs::kb {

class TicketReplier {
 public:
  virtual ~TicketReplier() = default;
  // Adds an agent reply (PUBLIC) or internal note (`internal`) with `body`
  // to `ticket` ("tickets/{id}") as the holder of `caller_token` (their
  // bearer token): the ticket service applies their reply permission and
  // records them as the author. An empty `caller_token` posts as the
  // knowledge-base service. Returns the reply id. Errors keep the ticket
  // service's code (PERMISSION_DENIED, NOT_FOUND, FAILED_PRECONDITION for a
  // closed ticket, UNAVAILABLE when it is down). Thread-safe.
  virtual absl::StatusOr<std::string> AddReply(
      absl::string_view ticket, absl::string_view body, bool internal,
      absl::string_view caller_token) = 0;
};

class GrpcTicketReplier final : public TicketReplier {
 public:
  GrpcTicketReplier(std::shared_ptr<grpc::ChannelInterface> channel,
                    std::function<std::string()> token,
                    absl::Duration timeout = absl::Seconds(10));
  absl::StatusOr<std::string> AddReply(absl::string_view ticket,
                                       absl::string_view body, bool internal,
                                       absl::string_view caller_token) override;

 private:
  std::unique_ptr<ticket::v1::TicketService::Stub> stub_;
  std::function<std::string()> token_;
  absl::Duration timeout_;
};

}  // namespace cs::kb

#endif  // CS_SERVICES_KNOWLEDGE_BASE_CLIENTS_TICKET_CLIENT_H_
