// csbench-echo-server: the raw-gRPC baseline of the benchmarks. Serves
// cs.testing.v1.Echo with the callback API and nothing else: no auth, no
// store, no health or reflection, so its throughput is the floor of the RPC
// stack that the services' figures are divided by.
//
//   csbench-echo-server --port=0 --port-file=/tmp/echo.port
//       [--red-metrics] [--offload] [--worker-threads=8]
//
// --red-metrics installs the suite's RED-metrics server interceptor
// (libs/metrics, the one every ServiceHost installs) on a private registry,
// to measure its cost. --offload answers from a cs::BoundedExecutor through
// cs::ServeUnary, as every service handler does, to measure the executor
// hop. Stops on SIGTERM/SIGINT. Exit codes: 0 after a signal, 1 when the port
// cannot be bound, 2 for bad flags.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cs/testing/v1/echo.grpc.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "libs/common/config.h"
#include "libs/common/log.h"
#include "libs/metrics/grpc_server_metrics.h"
#include "libs/server/executor.h"
#include "libs/server/service_host.h"
#include "libs/server/unary.h"
#include "prometheus/registry.h"

namespace {

using ::cs::testing::v1::EchoRequest;
using ::cs::testing::v1::EchoResponse;

class EchoService final : public cs::testing::v1::Echo::CallbackService {
 public:
  // `executor` null: answer on the reactor thread.
  explicit EchoService(cs::BoundedExecutor* executor) : executor_(executor) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const EchoRequest* request,
                                 EchoResponse* response) override {
    if (executor_ != nullptr) {
      return cs::ServeUnary(context, *executor_, [request, response] {
        response->set_payload(request->payload());
        response->set_text(request->text());
        return absl::OkStatus();
      });
    }
    response->set_payload(request->payload());
    response->set_text(request->text());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  cs::BoundedExecutor* const executor_;
};

}  // namespace

int main(int argc, char** argv) {
  cs::ServiceHost::PrepareProcess();
  std::string host = "127.0.0.1";
  int port = 0;
  std::string port_file;
  bool red_metrics = false;
  bool offload = false;
  int worker_threads = 8;
  int worker_queue = 1024;
  cs::ConfigParser parser("csbench-echo-server", "CSBENCH_ECHO_");
  parser.AddString("host", &host, "address to bind");
  parser.AddInt("port", &port, "gRPC port (0 = any free port)", 0, 65535);
  parser.AddString("port-file", &port_file,
                   "write the bound port to this file once serving");
  parser.AddBool("red-metrics", &red_metrics,
                 "install the suite's RED-metrics interceptor");
  parser.AddBool("offload", &offload,
                 "answer from a bounded executor (as service handlers do)");
  parser.AddInt("worker-threads", &worker_threads, "executor threads", 1, 256);
  parser.AddInt("worker-queue", &worker_queue, "executor queue bound", 1,
                1 << 20);
  absl::Status parsed = parser.Parse(argc, argv, cs::ProcessEnvironment());
  if (parser.help_requested()) {
    std::cout << parser.Usage();
    return 0;
  }
  if (!parsed.ok()) {
    std::cerr << parsed.message() << "\n" << parser.Usage();
    return 2;
  }

  std::unique_ptr<cs::BoundedExecutor> executor;
  if (offload) {
    executor =
        std::make_unique<cs::BoundedExecutor>(cs::BoundedExecutor::Options{
            .threads = worker_threads,
            .queue_capacity = static_cast<size_t>(worker_queue)});
  }
  // Declared before the server so that it outlives it.
  auto registry = std::make_shared<prometheus::Registry>();
  EchoService service(executor.get());
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(absl::StrCat(host, ":", port),
                           grpc::InsecureServerCredentials(), &bound_port);
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(64 << 20);
  if (red_metrics) {
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(
        cs::metrics::MakeGrpcServerMetricsInterceptorFactory(*registry));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
  }
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound_port == 0) {
    cs::Log(cs::LogLevel::kError, "echo",
            absl::StrCat("cannot serve gRPC on ", host, ":", port));
    return 1;
  }
  if (!port_file.empty()) {
    // Written whole, then renamed: a reader never sees a partial file.
    const std::string partial = port_file + ".partial";
    std::ofstream(partial) << bound_port << "\n";
    std::rename(partial.c_str(), port_file.c_str());
  }
  cs::Log(cs::LogLevel::kInfo, "echo",
          absl::StrCat("serving gRPC on ", host, ":", bound_port,
                       red_metrics ? " with RED metrics" : "",
                       offload ? ", answering from the executor" : ""));
  cs::ServiceHost::WaitForTerminationSignal();
  server->Shutdown();
  if (executor) executor->Shutdown();
  server->Wait();
  return 0;
}
