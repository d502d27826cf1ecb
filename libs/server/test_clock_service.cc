#include "libs/server/test_clock_service.h"

#include "libs/common/errors.h"
#include "libs/common/grpc_status.h"

namespace cs {
namespace {

void SetNow(const Clock& clock, admin::v1::ClockTime* response) {
  int64_t nanos = absl::ToUnixNanos(clock.Now());
  response->mutable_now()->set_seconds(nanos / 1000000000);
  response->mutable_now()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
}

}  // namespace

grpc::ServerUnaryReactor* TestClockService::Advance(
    grpc::CallbackServerContext* context,
    const admin::v1::AdvanceRequest* request, admin::v1::ClockTime* response) {
  auto* reactor = context->DefaultReactor();
  absl::Status status = authorize_(context);
  if (status.ok()) {
    absl::Duration d = absl::Seconds(request->duration().seconds()) +
                       absl::Nanoseconds(request->duration().nanos());
    if (d < absl::ZeroDuration()) {
      status = InvalidField("duration", "must not be negative");
    } else {
      clock_.Advance(d);
      SetNow(clock_, response);
    }
  }
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* TestClockService::GetTime(
    grpc::CallbackServerContext* context,
    const admin::v1::GetTimeRequest* request, admin::v1::ClockTime* response) {
  auto* reactor = context->DefaultReactor();
  absl::Status status = authorize_(context);
  if (status.ok()) SetNow(clock_, response);
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* TestClockService::SetTime(
    grpc::CallbackServerContext* context,
    const admin::v1::SetTimeRequest* request, admin::v1::ClockTime* response) {
  auto* reactor = context->DefaultReactor();
  absl::Status status = authorize_(context);
  if (status.ok()) {
    if (!request->has_time() || request->time().nanos() < 0 ||
        request->time().nanos() > 999999999) {
      status = InvalidField("time", "must be a valid timestamp");
    } else {
      absl::Time target = absl::FromUnixSeconds(request->time().seconds()) +
                          absl::Nanoseconds(request->time().nanos());
      if (target < clock_.Now()) {
        status = absl::FailedPreconditionError(
            "time: the business clock never goes backwards");
      } else {
        clock_.SetTime(target);
        SetNow(clock_, response);
      }
    }
  }
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace cs
