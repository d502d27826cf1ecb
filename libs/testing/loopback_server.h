// A gRPC server for tests on a free loopback port, serving one service with
// nothing else installed (no auth, no interceptors): for tests of a service
// class or a client on its own. Servers with more set-up (a generic service,
// interceptors, health) build their own; services on ServiceHost use
// libs/server/test_host.h.
//
//   int port = 0;
//   std::unique_ptr<grpc::Server> server = ServeOnLoopback(service, &port);
//   auto stub = Echo::NewStub(grpc::CreateChannel(
//       absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
#ifndef CS_LIBS_TESTING_LOOPBACK_SERVER_H_
#define CS_LIBS_TESTING_LOOPBACK_SERVER_H_

#include <memory>

#include "grpcpp/grpcpp.h"

namespace cs::testing {

// Starts serving `service` (which must outlive the server) on 127.0.0.1 and
// sets `*port`; null, with `*port` 0, when it cannot be started.
inline std::unique_ptr<grpc::Server> ServeOnLoopback(grpc::Service& service,
                                                     int* port) {
  *port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           port);
  builder.RegisterService(&service);
  return builder.BuildAndStart();
}

}  // namespace cs::testing

#endif  // CS_LIBS_TESTING_LOOPBACK_SERVER_H_
