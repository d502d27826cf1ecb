// The routing service's calls to the ticket service, behind an interface so
// the application layer can be tested against a real in-process ticket
// server or, in unit tests of pure routing logic, a recording fake.
#ifndef CS_SERVICES_ROUTING_CLIENTS_TICKET_CLIENT_H_
#define CS_SERVICES_ROUTING_CLIENTS_TICKET_CLIENT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"

namespace cs::routing {

class TicketClient {
 public:
  virtual ~TicketClient() = default;
  // Calls TicketService.AssignTicket. Errors keep their code and details
  // (UNAVAILABLE/DEADLINE_EXCEEDED are worth retrying; FAILED_PRECONDITION
  // and NOT_FOUND are final). Thread-safe.
  virtual absl::Status Assign(
      const ticket::v1::AssignTicketRequest& request) = 0;
  // The same call without waiting: `done` gets Assign's outcome exactly
  // once, on any thread, possibly before AssignAsync returns. The default
  // calls Assign() on the calling thread. Thread-safe.
  virtual void AssignAsync(ticket::v1::AssignTicketRequest request,
                           std::function<void(absl::Status)> done) {
    done(Assign(request));
  }
};

// gRPC implementation. `token` is called for every call (service tokens are
// re-minted before they expire).
class GrpcTicketClient final : public TicketClient {
 public:
  GrpcTicketClient(std::shared_ptr<grpc::ChannelInterface> channel,
                   std::function<std::string()> token,
                   absl::Duration timeout = absl::Seconds(10));
  absl::Status Assign(const ticket::v1::AssignTicketRequest& request) override;
  // Through gRPC's callback API: `done` runs on a gRPC thread.
  void AssignAsync(ticket::v1::AssignTicketRequest request,
                   std::function<void(absl::Status)> done) override;

 private:
  // Sets the deadline and the bearer token.
  void Prepare(grpc::ClientContext& context) const;

  std::unique_ptr<ticket::v1::TicketService::Stub> stub_;
  std::function<std::string()> token_;
  absl::Duration timeout_;
};

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_CLIENTS_TICKET_CLIENT_H_
