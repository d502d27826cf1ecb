#include "tools/health_probe/health_probe.h"

#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace cs::health_probe {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

}  // namespace

absl::Status Probe(const ProbeOptions& options) {
  if (absl::Status valid = ValidateClientTlsConfig(options.tls); !valid.ok()) {
    return valid;
  }
  std::shared_ptr<grpc::Channel> channel =
      ChannelFactory(options.tls).Connect(options.addr);
  std::unique_ptr<Health::Stub> stub = Health::NewStub(channel);

  grpc::ClientContext call;
  // No wait_for_ready: a refused connection fails at once instead of at the
  // deadline, so a probe of a dead server returns quickly.
  call.set_deadline(std::chrono::system_clock::now() +
                    absl::ToChronoMilliseconds(options.timeout));
  HealthCheckRequest request;
  request.set_service(options.service);
  HealthCheckResponse response;
  grpc::Status status = stub->Check(&call, request, &response);
  const std::string what = options.service.empty()
                               ? std::string("server")
                               : absl::StrCat("service ", options.service);
  if (!status.ok()) {
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
      return absl::NotFoundError(
          absl::StrCat(what, " is not known to the health service"));
    }
    return FromGrpc(status);
  }
  if (response.status() != HealthCheckResponse::SERVING) {
    return absl::UnavailableError(absl::StrCat(
        what, " is ",
        HealthCheckResponse::ServingStatus_Name(response.status())));
  }
  return absl::OkStatus();
}

int RunHealthProbe(const std::vector<std::string>& args, const Environment& env,
                   std::ostream& out, std::ostream& err) {
  ProbeOptions options;
  ConfigParser parser("cs-health-probe", "CS_HEALTH_PROBE_");
  parser.AddString("addr", &options.addr, "gRPC server to check, HOST:PORT",
                   ConfigParser::kRequired);
  parser.AddString("service", &options.service,
                   "service name to check; empty checks the whole server");
  parser.AddDuration("timeout", &options.timeout,
                     "give up after this long (connect + call)",
                     absl::Milliseconds(1), absl::Minutes(5));
  RegisterClientTlsFlags(parser, &options.tls);
  parser.AddString("tls-server-name", &options.tls.server_name,
                   "name expected in the server certificate (default: host "
                   "of --addr)");
  std::vector<const char*> argv = {"cs-health-probe"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  absl::Status parsed =
      parser.Parse(static_cast<int>(argv.size()), argv.data(), env);
  if (parser.help_requested()) {
    out << parser.Usage();
    return 0;
  }
  if (!parsed.ok()) {
    err << "cs-health-probe: " << parsed.message() << "\n" << parser.Usage();
    return 2;
  }
  if (!parser.positional().empty()) {
    err << "cs-health-probe: unexpected argument " << parser.positional()[0]
        << "\n"
        << parser.Usage();
    return 2;
  }
  absl::Status probed = Probe(options);
  if (!probed.ok()) {
    err << "cs-health-probe: " << options.addr << ": "
        << absl::StatusCodeToString(probed.code()) << ": " << probed.message()
        << "\n";
    return 1;
  }
  out << "SERVING\n";
  return 0;
}

}  // namespace cs::health_probe
