// cs.admin.v1.TestClock over a ManualClock: lets system tests and demos run
// with --clock=manual move a server's business time. Admin role only.
#ifndef CS_LIBS_SERVER_TEST_CLOCK_SERVICE_H_
#define CS_LIBS_SERVER_TEST_CLOCK_SERVICE_H_

#include <functional>

#include "absl/status/status.h"
#include "cs/admin/v1/test_clock.grpc.pb.h"
#include "libs/common/clock.h"

namespace cs {

class TestClockService final : public admin::v1::TestClock::CallbackService {
 public:
  using Authorizer = std::function<absl::Status(grpc::CallbackServerContext*)>;
  // `clock` must outlive the service.
  TestClockService(ManualClock& clock, Authorizer authorize)
      : clock_(clock), authorize_(std::move(authorize)) {}

  grpc::ServerUnaryReactor* Advance(grpc::CallbackServerContext* context,
                                    const admin::v1::AdvanceRequest* request,
                                    admin::v1::ClockTime* response) override;
  grpc::ServerUnaryReactor* GetTime(grpc::CallbackServerContext* context,
                                    const admin::v1::GetTimeRequest* request,
                                    admin::v1::ClockTime* response) override;
  grpc::ServerUnaryReactor* SetTime(grpc::CallbackServerContext* context,
                                    const admin::v1::SetTimeRequest* request,
                                    admin::v1::ClockTime* response) override;

 private:
  ManualClock& clock_;
  Authorizer authorize_;
};

}  // namespace cs

#endif  // CS_LIBS_SERVER_TEST_CLOCK_SERVICE_H_
