#include "libs/events/consumer_progress_service.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/errors.h"
#include "libs/common/grpc_status.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"

namespace cs {
namespace {

using events::v1::CommandOutboxState;
using events::v1::ConsumerPosition;
using events::v1::WaitForCommandsRequest;
using events::v1::WaitForConsumerRequest;

grpc::ServerUnaryReactor* Finished(grpc::CallbackServerContext* context,
                                   const absl::Status& status) {
  auto* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

absl::StatusOr<absl::Duration> CheckTimeout(
    bool present, const google::protobuf::Duration& timeout) {
  if (!present) return InvalidField("timeout", "is required");
  const absl::Duration d = FromProtoDuration(timeout);
  if (d <= absl::ZeroDuration() || d > ConsumerProgressService::kMaxTimeout) {
    return InvalidField(
        "timeout", absl::StrCat("must be more than 0 and at most ",
                                absl::FormatDuration(
                                    ConsumerProgressService::kMaxTimeout)));
  }
  return d;
}

// The consumer a WaitForConsumerRequest names, checked before any wait.
absl::StatusOr<std::string> ConsumerNamed(const ConsumerProgress& progress,
                                          const WaitForConsumerRequest& r) {
  if (r.consumer().empty() == r.producer().empty()) {
    return InvalidField("consumer",
                        "give exactly one of consumer and producer");
  }
  if (r.min_sequence() == 0) {
    return InvalidField("min_sequence", "must be at least 1");
  }
  if (!r.producer().empty()) return progress.ConsumerOf(r.producer());
  for (const ConsumerProgress::Position& p : progress.Consumers()) {
    if (p.consumer == r.consumer()) return p.consumer;
  }
  return absl::NotFoundError(
      absl::StrCat("consumer: no consumer \"", r.consumer(), "\" here"));
}

}  // namespace

ConsumerProgressService::ConsumerProgressService(ConsumerProgress& progress,
                                                 Authorizer authorize,
                                                 Submit submit, int max_waits)
    : progress_(progress),
      authorize_(std::move(authorize)),
      submit_(std::move(submit)),
      max_waits_(max_waits) {}

grpc::ServerUnaryReactor* ConsumerProgressService::GetConsumerPositions(
    grpc::CallbackServerContext* context,
    const events::v1::GetConsumerPositionsRequest* /*request*/,
    events::v1::ConsumerPositions* response) {
  absl::Status allowed = authorize_(context);
  if (allowed.ok()) {
    for (const ConsumerProgress::Position& p : progress_.Consumers()) {
      ConsumerPosition* out = response->add_consumers();
      out->set_consumer(p.consumer);
      out->set_producer(p.producer);
      out->set_cursor(p.cursor);
    }
    for (const std::string& name : progress_.CommandOutboxes()) {
      response->add_command_outboxes(name);
    }
  }
  return Finished(context, allowed);
}

grpc::ServerUnaryReactor* ConsumerProgressService::WaitForConsumer(
    grpc::CallbackServerContext* context, const WaitForConsumerRequest* request,
    ConsumerPosition* response) {
  absl::Status allowed = authorize_(context);
  if (!allowed.ok()) return Finished(context, allowed);
  absl::StatusOr<std::string> consumer = ConsumerNamed(progress_, *request);
  if (!consumer.ok()) return Finished(context, consumer.status());
  absl::StatusOr<absl::Duration> timeout =
      CheckTimeout(request->has_timeout(), request->timeout());
  if (!timeout.ok()) return Finished(context, timeout.status());
  auto* reactor = context->DefaultReactor();
  const uint64_t sequence = request->min_sequence();
  RunWait(reactor,
          [this, consumer = *consumer, sequence, timeout = *timeout,
           response]() -> absl::Status {
            ASSIGN_OR_RETURN(
                ConsumerProgress::Position at,
                progress_.WaitForConsumer(consumer, sequence, timeout));
            response->set_consumer(at.consumer);
            response->set_producer(at.producer);
            response->set_cursor(at.cursor);
            return absl::OkStatus();
          });
  return reactor;
}

grpc::ServerUnaryReactor* ConsumerProgressService::WaitForCommands(
    grpc::CallbackServerContext* context, const WaitForCommandsRequest* request,
    CommandOutboxState* response) {
  absl::Status allowed = authorize_(context);
  if (!allowed.ok()) return Finished(context, allowed);
  if (request->outbox().empty()) {
    return Finished(context, InvalidField("outbox", "is required"));
  }
  bool known = false;
  for (const std::string& name : progress_.CommandOutboxes()) {
    known = known || name == request->outbox();
  }
  if (!known) {
    return Finished(context, absl::NotFoundError(
                                 absl::StrCat("outbox: no command outbox \"",
                                              request->outbox(), "\" here")));
  }
  absl::StatusOr<absl::Duration> timeout =
      CheckTimeout(request->has_timeout(), request->timeout());
  if (!timeout.ok()) return Finished(context, timeout.status());
  auto* reactor = context->DefaultReactor();
  RunWait(reactor,
          [this, outbox = request->outbox(), timeout = *timeout,
           response]() -> absl::Status {
            response->set_outbox(outbox);
            RETURN_IF_ERROR(progress_.WaitForCommands(outbox, timeout));
            response->set_idle(true);
            return absl::OkStatus();
          });
  return reactor;
}

void ConsumerProgressService::RunWait(grpc::ServerUnaryReactor* reactor,
                                      std::function<absl::Status()> wait) {
  if (waits_.fetch_add(1) >= max_waits_) {
    waits_.fetch_sub(1);
    reactor->Finish(ToGrpcStatus(absl::ResourceExhaustedError(
        absl::StrCat("already ", max_waits_, " waits running; retry later"))));
    return;
  }
  absl::Status queued = submit_([this, reactor, wait = std::move(wait)] {
    absl::Status status = wait();
    waits_.fetch_sub(1);
    reactor->Finish(ToGrpcStatus(status));
  });
  if (!queued.ok()) {
    waits_.fetch_sub(1);
    reactor->Finish(ToGrpcStatus(queued));
  }
}

}  // namespace cs
