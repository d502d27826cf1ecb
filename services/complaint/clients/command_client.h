// The complaint service's calls to routing-sla (SlaService.StartClock /
// UpdateClock) and escalation (EscalationService.RequestEscalation), used by
// the CommandSender to deliver PendingCommand records.
#ifndef CS_SERVICES_COMPLAINT_CLIENTS_COMMAND_CLIENT_H_
#define CS_SERVICES_COMPLAINT_CLIENTS_COMMAND_CLIENT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cs/complaint/v1/storage.pb.h"
#include "cs/escalation/v1/escalation.grpc.pb.h"
#include "cs/routing/v1/routing.grpc.pb.h"
#include "grpcpp/channel.h"

namespace cs::complaint {

// gRPC delivery of commands. `token` is called for every call. Errors keep
// their code (UNAVAILABLE is retried by the sender; NOT_FOUND etc. final).
// Thread-safe.
class GrpcCommandClient {
 public:
  GrpcCommandClient(std::shared_ptr<grpc::ChannelInterface> routing,
                    std::shared_ptr<grpc::ChannelInterface> escalation,
                    std::function<std::string()> token,
                    absl::Duration timeout = absl::Seconds(10));
  absl::Status Deliver(const v1::PendingCommand& command);

 private:
  std::unique_ptr<routing::v1::SlaService::Stub> sla_;
  std::unique_ptr<escalation::v1::EscalationService::Stub> escalation_;
  std::function<std::string()> token_;
  absl::Duration timeout_;
};

}  // namespace cs::complaint

#endif  // CS_SERVICES_COMPLAINT_CLIENTS_COMMAND_CLIENT_H_
