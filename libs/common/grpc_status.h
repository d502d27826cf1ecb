// The one place where absl::Status and grpc::Status meet.
//
// ToGrpcStatus keeps the canonical code and message and packs the status
// payloads (BadRequest, ErrorInfo, ...) into a google.rpc.Status sent as the
// grpc-status-details-bin trailer, so clients in any language can read the
// offending field. FromGrpcStatus does the reverse for callers of other
// services, so an error from a downstream service keeps its details.
#ifndef CS_LIBS_COMMON_GRPC_STATUS_H_
#define CS_LIBS_COMMON_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace cs {

// Thread-safe, never fails. OK maps to grpc::Status::OK.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Thread-safe, never fails. Details that do not parse are dropped.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace cs

#endif  // CS_LIBS_COMMON_GRPC_STATUS_H_
