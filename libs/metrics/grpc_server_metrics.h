// RED metrics (rate, errors, duration) for every RPC a gRPC server handles,
// recorded by a server interceptor under the go-grpc-prometheus names:
//
//   grpc_server_started_total{grpc_service,grpc_method,grpc_type}
//   grpc_server_handled_total{grpc_service,grpc_method,grpc_type,grpc_code}
//   grpc_server_handling_seconds{grpc_service,grpc_method,grpc_type,grpc_code}
//   grpc_server_msg_received_total{grpc_service,grpc_method,grpc_type}
//   grpc_server_msg_sent_total{grpc_service,grpc_method,grpc_type}
//
// grpc_type is unary, client_stream, server_stream or bidi_stream; grpc_code
// is the canonical upper-case name (OK, INVALID_ARGUMENT, ...). Works with the
// callback, async and sync APIs.
//
//   std::vector<std::unique_ptr<
//       grpc::experimental::ServerInterceptorFactoryInterface>> creators;
//   creators.push_back(
//       cs::metrics::MakeGrpcServerMetricsInterceptorFactory(
//           metrics->registry()));
//   builder.experimental().SetInterceptorCreators(std::move(creators));
//
// What gRPC 1.51 shows to server interceptors:
// - started is counted when gRPC creates the interceptor for a call (before
//   the handler runs); handled/handling when the handler's status is about
//   to be sent (before the client can see it). An RPC that ends without a
//   status passing through the interceptor (e.g. server shutdown) counts as
//   CANCELLED when gRPC destroys the call.
// - Calls to unregistered methods DO reach interceptors (gRPC answers them
//   UNIMPLEMENTED from a generic handler, as bidi_stream, with the method
//   name the client chose). To keep label cardinality bounded they are all
//   counted under grpc_service="unknown", grpc_method="unknown". The same
//   applies to methods served by an AsyncGenericService or
//   CallbackGenericService, which the suite does not use.
// - msg_sent counts messages as the handler hands them to gRPC
//   (PRE_SEND_MESSAGE), not after the write completes, so every count is
//   final by the time the client sees the status.
#ifndef CS_LIBS_METRICS_GRPC_SERVER_METRICS_H_
#define CS_LIBS_METRICS_GRPC_SERVER_METRICS_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "grpcpp/support/server_interceptor.h"
#include "grpcpp/support/status_code_enum.h"
#include "prometheus/registry.h"

namespace cs::metrics {

// Returns a factory whose interceptors record the metrics above into
// `registry` (families are created now; creating two factories on one
// registry shares them). `registry` must outlive the factory and every server
// built with it. The factory is thread-safe; per-method metric pointers are
// cached so the per-RPC cost is two short mutex sections and no label maps.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeGrpcServerMetricsInterceptorFactory(prometheus::Registry& registry);

// "OK", "INVALID_ARGUMENT", ...; "UNKNOWN" for a value outside 0..16.
// Pure function, thread-safe.
absl::string_view GrpcCodeName(grpc::StatusCode code);

// Splits "/pkg.Service/Method" into {"pkg.Service", "Method"}. A name not in
// that form yields {"unknown", name}. Pure function, thread-safe.
std::pair<std::string, std::string> SplitGrpcMethodName(
    absl::string_view full_method);

}  // namespace cs::metrics

#endif  // CS_LIBS_METRICS_GRPC_SERVER_METRICS_H_
