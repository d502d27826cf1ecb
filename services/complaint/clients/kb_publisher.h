// Delivery of PublishCase commands to the knowledge-base service
// (cs.kb.v1.KnowledgeBaseService), used by the complaint service's command
// sender: finds the category path (投诉案例 › cause), creating what is
// missing, then creates the DRAFT article with the command's request_id, so
// a repeated delivery returns the same article.
//
//   GrpcKbPublisher kb(channel, [&] { return host.ServiceToken(); });
//   absl::StatusOr<std::string> article = kb.Publish(command);
//
// The token's `service` role may create categories and drafts in the
// knowledge base; only kb_editors can submit, review and publish them.
// Errors keep their gRPC code (UNAVAILABLE is retried by the sender;
// INVALID_ARGUMENT, PERMISSION_DENIED… are final). Thread-safe.
#ifndef CS_SERVICES_COMPLAINT_CLIENTS_KB_PUBLISHER_H_
#define CS_SERVICES_COMPLAINT_CLIENTS_KB_PUBLISHER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cs/complaint/v1/storage.pb.h"
#include "cs/kb/v1/kb.grpc.pb.h"
#include "grpcpp/channel.h"

namespace cs::complaint {

class GrpcKbPublisher {
 public:
  GrpcKbPublisher(std::shared_ptr<grpc::ChannelInterface> kb,
                  std::function<std::string()> token,
                  absl::Duration timeout = absl::Seconds(10));

  // The name ("articles/{id}") of the DRAFT article created for `command`
  // (the same article every time for the same request_id).
  absl::StatusOr<std::string> Publish(const v1::PublishCase& command);

 private:
  // The category at `path` (display names from the root), created level by
  // level when missing. NOT_FOUND-free: an empty path is INVALID_ARGUMENT.
  absl::StatusOr<std::string> EnsureCategory(
      const google::protobuf::RepeatedPtrField<std::string>& path);
  std::unique_ptr<grpc::ClientContext> Context() const;

  std::unique_ptr<kb::v1::KnowledgeBaseService::Stub> stub_;
  std::function<std::string()> token_;
  absl::Duration timeout_;
};

}  // namespace cs::complaint

#endif  // CS_SERVICES_COMPLAINT_CLIENTS_KB_PUBLISHER_H_
