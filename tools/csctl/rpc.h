// Helpers every csctl command group shares: one unary call with the global
// flags applied (address, token, deadline, TLS), and enum flags spelled the
// way people type them ("phone" for CHANNEL_PHONE).
//
//   ASSIGN_OR_RETURN(v1::Agent agent,
//                    CallRpc(context, &v1::RoutingService::Stub::GetAgent, request));
//   ASSIGN_OR_RETURN(int channel, ParseEnumFlag(common::v1::Channel_descriptor(),
//                                               "CHANNEL_", "channel", text));
#ifndef CS_TOOLS_CSCTL_RPC_H_
#define CS_TOOLS_CSCTL_RPC_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/client_context.h"
#include "libs/common/grpc_status.h"
#include "libs/common/status_macros.h"
#include "tools/csctl/command.h"

namespace cs::csctl {

// Calls `method` of a generated `Stub` on the context's channel. Errors keep
// their code and details (csctl prints the field violations).
template <typename Stub, typename Response, typename Request>
absl::StatusOr<Response> CallRpc(
    CommandContext& context,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const Request& request) {
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, context.Channel());
  Stub stub(channel);
  grpc::ClientContext call;
  context.PrepareCall(&call);
  Response response;
  RETURN_IF_ERROR(FromGrpcStatus((stub.*method)(&call, request, &response)));
  return response;
}

// The number of the value of `type` named `text` (case-insensitive, with or
// without `prefix`); 0 for an empty text. A usage error naming --`flag` and
// listing the choices otherwise; an upper-case `flag` ("STATUS") names a
// positional argument and is shown as given.
absl::StatusOr<int> ParseEnumFlag(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view prefix,
                                  absl::string_view flag,
                                  absl::string_view text);

// ParseEnumFlag of each value of a comma-separated list ("new,in_progress"),
// in order; empty for an empty text.
absl::StatusOr<std::vector<int>> ParseEnumListFlag(
    const google::protobuf::EnumDescriptor* type, absl::string_view prefix,
    absl::string_view flag, absl::string_view text);

// The name of value `number` of `type` without `prefix` ("" for 0, the
// number itself when unknown).
std::string EnumLabel(const google::protobuf::EnumDescriptor* type, int number,
                      absl::string_view prefix);

}  // namespace cs::csctl

#endif  // CS_TOOLS_CSCTL_RPC_H_
