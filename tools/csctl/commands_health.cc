// health: grpc.health.v1.Health/Check, for people and for scripts waiting
// for a server to come up.
//
//   csctl --addr 127.0.0.1:50051 health                # SERVING, exit 0
//   csctl health --service cs.ticket.v1.TicketService
//   csctl health --wait 30s                            # retry until SERVING
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "libs/common/grpc_status.h"
#include "libs/common/status_macros.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/output.h"

namespace cs::csctl {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// Pause between attempts that got an answer other than SERVING. Waiting for
// a connection needs none: wait_for_ready blocks until the channel connects.
constexpr absl::Duration kRetryInterval = absl::Milliseconds(250);

class HealthCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("service", &service_,
                    "service to check; empty checks the whole server");
    flags.AddDuration("wait", &wait_,
                      "retry until SERVING for up to this long (0: check once)",
                      absl::ZeroDuration(), absl::Hours(24));
  }

  absl::Status Run(CommandContext& context) override {
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, context.Channel());
    std::unique_ptr<Health::Stub> stub = Health::NewStub(channel);
    HealthCheckRequest request;
    request.set_service(service_);
    // Real time on purpose: this waits for another process to start.
    const absl::Time give_up = absl::Now() + wait_;
    absl::Status last;
    HealthCheckResponse response;
    for (;;) {
      grpc::ClientContext call;
      absl::Time deadline = absl::Now() + context.options().timeout;
      if (wait_ > absl::ZeroDuration()) {
        deadline = std::min(deadline, give_up);
        call.set_wait_for_ready(true);
      }
      context.PrepareCall(&call, deadline);
      response.Clear();
      last = FromGrpcStatus(stub->Check(&call, request, &response));
      if (last.ok() && response.status() == HealthCheckResponse::SERVING) {
        break;
      }
      absl::Duration left = give_up - absl::Now();
      if (left <= absl::ZeroDuration()) break;
      absl::SleepFor(std::min(kRetryInterval, left));
    }
    if (last.ok()) {
      if (context.options().json) {
        RETURN_IF_ERROR(PrintJson(context.out(), response));
      } else {
        context.out() << HealthCheckResponse::ServingStatus_Name(
                             response.status())
                      << "\n";
      }
      if (response.status() == HealthCheckResponse::SERVING) {
        return absl::OkStatus();
      }
      last = absl::UnavailableError(absl::StrCat(
          service_.empty() ? "server" : "service " + service_, " is ",
          HealthCheckResponse::ServingStatus_Name(response.status())));
    }
    if (wait_ > absl::ZeroDuration()) {
      return absl::DeadlineExceededError(absl::StrCat(
          "not SERVING after ", absl::FormatDuration(wait_), "; last answer: ",
          absl::StatusCodeToString(last.code()), ": ", last.message()));
    }
    return last;
  }

 private:
  std::string service_;
  absl::Duration wait_ = absl::ZeroDuration();
};

}  // namespace

void RegisterHealthCommands(CommandRegistry& registry) {
  registry.Add<HealthCommand>({"health"},
                              "check grpc.health.v1; exit 0 only when SERVING");
}

}  // namespace cs::csctl
