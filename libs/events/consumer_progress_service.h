// cs.events.v1.ConsumerProgress over a ConsumerProgress registry: consumer
// positions for operators (lag at a glance), and blocking waits on real
// progress for tests and orderly hand-overs.
//
// The waits block, so they never run on a gRPC thread: each is handed to
// `submit` (the host's worker pool), and at most `max_waits` run at once
// (more are RESOURCE_EXHAUSTED) so waits cannot take every worker.
//
//   cs::ConsumerProgressService progress_service(progress, authorize,
//       [&](std::function<void()> task) {
//         return executor.TrySubmit(std::move(task));
//       });
//   builder.RegisterService(&progress_service);
#ifndef CS_LIBS_EVENTS_CONSUMER_PROGRESS_SERVICE_H_
#define CS_LIBS_EVENTS_CONSUMER_PROGRESS_SERVICE_H_

#include <atomic>
#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cs/events/v1/consumer_progress.grpc.pb.h"
#include "libs/events/consumer_progress.h"

namespace cs {

class ConsumerProgressService final
    : public events::v1::ConsumerProgress::CallbackService {
 public:
  // Decides whether the caller may read progress; a non-OK status is
  // returned to the caller as is.
  using Authorizer =
      std::function<absl::Status(grpc::CallbackServerContext* context)>;
  // Runs `task` on a thread that may block; a non-OK status (queue full,
  // shutting down) means it was not queued and is returned to the caller.
  using Submit = std::function<absl::Status(std::function<void()> task)>;

  // Longest timeout a wait may ask for.
  static constexpr absl::Duration kMaxTimeout = absl::Seconds(30);

  // `progress` must outlive the service; so must whatever `submit` queues on.
  ConsumerProgressService(ConsumerProgress& progress, Authorizer authorize,
                          Submit submit, int max_waits = 4);

  grpc::ServerUnaryReactor* GetConsumerPositions(
      grpc::CallbackServerContext* context,
      const events::v1::GetConsumerPositionsRequest* request,
      events::v1::ConsumerPositions* response) override;
  grpc::ServerUnaryReactor* WaitForConsumer(
      grpc::CallbackServerContext* context,
      const events::v1::WaitForConsumerRequest* request,
      events::v1::ConsumerPosition* response) override;
  grpc::ServerUnaryReactor* WaitForCommands(
      grpc::CallbackServerContext* context,
      const events::v1::WaitForCommandsRequest* request,
      events::v1::CommandOutboxState* response) override;

 private:
  // Runs `wait` through `submit_` within the max_waits budget and finishes
  // `reactor` with its status.
  void RunWait(grpc::ServerUnaryReactor* reactor,
               std::function<absl::Status()> wait);

  ConsumerProgress& progress_;
  const Authorizer authorize_;
  const Submit submit_;
  const int max_waits_;
  std::atomic<int> waits_{0};
};

}  // namespace cs

#endif  // CS_LIBS_EVENTS_CONSUMER_PROGRESS_SERVICE_H_
