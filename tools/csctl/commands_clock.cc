// clock get | advance: move the business clock of a server started with
// --clock=manual (cs.admin.v1.TestClock, admin role).
//
//   csctl clock get
//   csctl clock advance 30m      # also 90s, 2h, 1h30m
//   csctl clock set 2027-01-15T17:55:00+08:00
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cs/admin/v1/test_clock.grpc.pb.h"
#include "libs/common/grpc_status.h"
#include "libs/common/status_macros.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/output.h"

namespace cs::csctl {
namespace {

using admin::v1::ClockTime;
using admin::v1::TestClock;

// A server on the real clock does not serve TestClock at all; say why.
absl::Status ClockCallStatus(const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    return absl::FailedPreconditionError(
        "this server runs on the real clock; only a server started with "
        "--clock=manual can be read or moved by csctl clock");
  }
  return FromGrpcStatus(status);
}

absl::Status PrintClockTime(CommandContext& context, const ClockTime& time) {
  if (context.options().json) return PrintJson(context.out(), time);
  context.out() << FormatDisplayTime(FromTimestamp(time.now())) << "\n";
  return absl::OkStatus();
}

class GetCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, context.Channel());
    std::unique_ptr<TestClock::Stub> stub = TestClock::NewStub(channel);
    grpc::ClientContext call;
    context.PrepareCall(&call);
    ClockTime time;
    RETURN_IF_ERROR(ClockCallStatus(stub->GetTime(&call, {}, &time)));
    return PrintClockTime(context, time);
  }
};

class AdvanceCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    const std::string& text = context.args()[0];
    absl::Duration duration;
    if (!absl::ParseDuration(text, &duration) ||
        duration == absl::InfiniteDuration() ||
        duration == -absl::InfiniteDuration()) {
      return UsageError(absl::StrCat("csctl clock advance: \"", text,
                                     "\" is not a duration (e.g. 90s, 30m, "
                                     "1h30m)"));
    }
    // The server judges the value (a negative one is INVALID_ARGUMENT).
    admin::v1::AdvanceRequest request;
    absl::Duration nanos;
    int64_t seconds = absl::IDivDuration(duration, absl::Seconds(1), &nanos);
    request.mutable_duration()->set_seconds(seconds);
    request.mutable_duration()->set_nanos(
        static_cast<int32_t>(absl::ToInt64Nanoseconds(nanos)));

    ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, context.Channel());
    std::unique_ptr<TestClock::Stub> stub = TestClock::NewStub(channel);
    grpc::ClientContext call;
    context.PrepareCall(&call);
    ClockTime time;
    RETURN_IF_ERROR(ClockCallStatus(stub->Advance(&call, request, &time)));
    return PrintClockTime(context, time);
  }
};

class SetCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    const std::string& text = context.args()[0];
    absl::Time time;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
      return UsageError(absl::StrCat("csctl clock set: \"", text,
                                     "\" is not an RFC 3339 time (e.g. "
                                     "2027-01-15T17:55:00+08:00)"));
    }
    admin::v1::SetTimeRequest request;
    request.mutable_time()->set_seconds(absl::ToUnixSeconds(time));
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, context.Channel());
    std::unique_ptr<TestClock::Stub> stub = TestClock::NewStub(channel);
    grpc::ClientContext call;
    context.PrepareCall(&call);
    ClockTime now;
    RETURN_IF_ERROR(ClockCallStatus(stub->SetTime(&call, request, &now)));
    return PrintClockTime(context, now);
  }
};

}  // namespace

void RegisterClockCommands(CommandRegistry& registry) {
  registry.Add<GetCommand>({"clock", "get"}, "show the server's business time");
  registry.Add<AdvanceCommand>({"clock", "advance"},
                               "move the server's business time forward",
                               {"DURATION", 1, 1});
  registry.Add<SetCommand>({"clock", "set"},
                           "jump the server's business time forward to a time",
                           {"RFC3339_TIME", 1, 1});
}

}  // namespace cs::csctl
