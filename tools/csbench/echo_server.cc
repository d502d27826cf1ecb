// csbench-echo-server: the raw-gRPC baseline of the benchmarks. Serves
// cs.testing.v1.Echo with the callback API and nothing else: no auth, no
// store, no health or reflection, so its throughput is the floor of the RPC
// stack that the services' figures are divided by.
//
//   csbench-echo-server --port=0 --port-file=/tmp/echo.port
//       [--red-metrics] [--offload] [--worker-threads=8]
//       [--durable-dir=/tmp/echo-store]
//
// --red-metrics installs the suite's RED-metrics server interceptor
// (libs/metrics, the one every ServiceHost installs) on a private registry,
// to measure its cost. --offload answers from a cs::BoundedExecutor through
// cs::ServeUnary, as every service handler does, to measure the executor
// hop. --durable-dir answers once the payload is durable in a store there
// (see echo_service.h): the floor of any durable write RPC, the RPC stack
// plus the storage path with no application logic. It is not combined with
// --offload. Stops on SIGTERM/SIGINT. Exit codes: 0
// after a signal, 1 when the port cannot be bound or the store not opened, 2
// for bad flags.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "libs/common/config.h"
#include "libs/common/log.h"
#include "libs/metrics/grpc_server_metrics.h"
#include "libs/server/executor.h"
#include "libs/server/service_host.h"
#include "prometheus/registry.h"
#include "tools/csbench/echo_service.h"

int main(int argc, char** argv) {
  cs::ServiceHost::PrepareProcess();
  std::string host = "127.0.0.1";
  int port = 0;
  std::string port_file;
  bool red_metrics = false;
  bool offload = false;
  int worker_threads = 8;
  int worker_queue = 1024;
  std::string durable_dir;
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
  parser.AddString("durable-dir", &durable_dir,
                   "commit each payload durably to a store here before "
                   "answering (not with --offload)");
  absl::Status parsed = parser.Parse(argc, argv, cs::ProcessEnvironment());
  if (parser.help_requested()) {
    std::cout << parser.Usage();
    return 0;
  }
  if (!parsed.ok()) {
    std::cerr << parsed.message() << "\n" << parser.Usage();
    return 2;
  }

  if (offload && !durable_dir.empty()) {
    std::cerr << "--offload and --durable-dir are not combined\n"
              << parser.Usage();
    return 2;
  }
  std::unique_ptr<cs::csbench::EchoDurableLog> durable;
  if (!durable_dir.empty()) {
    absl::StatusOr<std::unique_ptr<cs::csbench::EchoDurableLog>> opened =
        cs::csbench::EchoDurableLog::Open(durable_dir);
    if (!opened.ok()) {
      cs::Log(cs::LogLevel::kError, "echo",
              absl::StrCat("cannot open ", durable_dir, ": ",
                           opened.status().ToString()));
      return 1;
    }
    durable = std::move(*opened);
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
  cs::csbench::EchoService service(executor.get(), durable.get());
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
                       offload ? ", answering from the executor" : "",
                       durable ? ", answering once durable" : ""));
  cs::ServiceHost::WaitForTerminationSignal();
  server->Shutdown();
  if (executor) executor->Shutdown();
  server->Wait();
  return 0;
}
