// A request that protobuf refuses to parse — most often a proto3 string
// field holding invalid UTF-8 — is answered by gRPC 1.51's callback API with
// UNIMPLEMENTED and no message, before any of our code runs. The request
// guard turns that into INVALID_ARGUMENT naming the field:
//
//   GuardRequestParsing(service);   // ServiceHost::Start does this
//   ...
//   if (const absl::Status* bad = MalformedRequest()) { finish with *bad }
//                                   // ServeUnary does this
//
// A guarded unary method's request is parsed once, by gRPC; only when that
// fails does the guard walk the wire bytes to name the field. A bad one reaches
// the method as an empty (default) request while MalformedRequest() holds the
// reason, so a handler that ignores the reason still sees nothing but an empty
// request.
#ifndef CS_LIBS_SERVER_REQUEST_GUARD_H_
#define CS_LIBS_SERVER_REQUEST_GUARD_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/impl/service_type.h"
#include "libs/server/request_check.h"

namespace cs {

// Wraps the handler of every callback unary method of `service` whose
// request type is in the generated descriptor pool. Call before the service
// is registered with a server builder.
void GuardRequestParsing(grpc::Service& service);

// The full name of the gRPC service `service` implements
// ("cs.ticket.v1.TicketService"), from its first method; "" if it has none.
std::string ServiceFullName(const grpc::Service& service);

// While a guarded method's handler runs on this thread: why its request was
// refused, or null when it parsed. Only valid until the handler returns.
const absl::Status* MalformedRequest();

}  // namespace cs

#endif  // CS_LIBS_SERVER_REQUEST_GUARD_H_
