#include "libs/events/event_stream_service.h"

#include <deque>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/grpc_status.h"

namespace cs {
namespace {

using common::v1::Event;

// How many events one subscriber reads ahead of the network.
constexpr size_t kReadAhead = 64;

// A stream that ends at once with `status`.
class FinishedStream final : public grpc::ServerWriteReactor<Event> {
 public:
  explicit FinishedStream(const absl::Status& status) {
    Finish(ToGrpcStatus(status));
  }
  void OnDone() override { delete this; }
};

}  // namespace

class SubscribeReactor final : public grpc::ServerWriteReactor<Event> {
 public:
  SubscribeReactor(EventStreamService* service, Outbox& outbox, uint64_t from,
                   std::set<std::string> types, bool markers)
      : service_(service),
        outbox_(outbox),
        next_(from),
        sent_(from - 1),
        types_(std::move(types)),
        markers_(markers && !types_.empty()) {}

  // Starts delivering; called once the service has registered the reactor.
  void Begin() {
    listener_id_ = outbox_.AddListener([this] { Pump(); });
    Pump();
  }

  // Ends the stream with `status` (once a write in flight completes).
  void End(const absl::Status& status) {
    absl::MutexLock lock(&mu_);
    EndLocked(status);
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!buffer_.empty()) buffer_.pop_front();
      if (!ok) {
        EndLocked(absl::CancelledError("subscriber went away"));
        return;
      }
      if (pending_end_.has_value()) {
        EndLocked(*pending_end_);
        return;
      }
    }
    Pump();
  }

  void OnCancel() override { End(absl::CancelledError("subscription cancelled")); }

  void OnDone() override {
    outbox_.RemoveListener(listener_id_);  // no listener Pump() from now on
    service_->Forget(this);                // no End() from Stop() from now on
    // A thread that called Finish() may still be releasing mu_.
    { absl::MutexLock lock(&mu_); }
    delete this;
  }

 private:
  // Sends the next buffered event, refilling the buffer from the outbox when
  // it is empty. Safe to call from any thread at any time.
  void Pump() {
    absl::MutexLock lock(&mu_);
    if (ended_ || writing_ || pending_end_.has_value()) return;
    while (buffer_.empty() && next_ <= outbox_.VisibleSequence()) {
      absl::StatusOr<uint64_t> next =
          outbox_.Read(next_, kReadAhead, [this](const Event& event) {
            if (types_.empty() || types_.count(event.type()) > 0) {
              buffer_.push_back(event);
            }
          });
      if (!next.ok()) {
        EndLocked(next.status());
        return;
      }
      next_ = *next;
    }
    if (buffer_.empty() && markers_ && next_ - 1 > sent_) {
      // Caught up after skipping unwanted events: tell the subscriber.
      Event marker;
      marker.set_sequence(next_ - 1);
      marker.set_producer(outbox_.options().producer);
      marker.set_partition(outbox_.options().partition);
      buffer_.push_back(std::move(marker));
    }
    if (buffer_.empty()) return;  // caught up: the outbox listener wakes us
    sent_ = buffer_.front().sequence();
    writing_ = true;
    StartWrite(&buffer_.front());
  }

  void EndLocked(const absl::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (ended_) return;
    if (writing_) {
      if (!pending_end_.has_value()) pending_end_ = status;
      return;
    }
    ended_ = true;
    Finish(ToGrpcStatus(status));
  }

  EventStreamService* const service_;
  Outbox& outbox_;
  int listener_id_ = -1;

  absl::Mutex mu_;
  uint64_t next_ ABSL_GUARDED_BY(mu_);
  uint64_t sent_ ABSL_GUARDED_BY(mu_);  // sequence of the last write started
  const std::set<std::string> types_;
  const bool markers_;
  std::deque<Event> buffer_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Status> pending_end_ ABSL_GUARDED_BY(mu_);
};

EventStreamService::EventStreamService(Outbox& outbox, Authorizer authorize)
    : outbox_(outbox), authorize_(std::move(authorize)) {}

EventStreamService::~EventStreamService() {
  Stop();
  absl::MutexLock lock(&mu_);
  // The gRPC server has normally finished every stream before this runs.
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (!reactors_.empty()) {
    if (all_done_.WaitWithDeadline(&mu_, deadline)) break;
  }
}

grpc::ServerWriteReactor<Event>* EventStreamService::Subscribe(
    grpc::CallbackServerContext* context,
    const events::v1::SubscribeRequest* request) {
  if (absl::Status allowed = authorize_(context); !allowed.ok()) {
    return new FinishedStream(allowed);
  }
  uint64_t from = request->from_sequence() == 0 ? 1 : request->from_sequence();
  uint64_t first = outbox_.FirstSequence();
  if (from < first) {
    return new FinishedStream(absl::OutOfRangeError(absl::StrCat(
        "from_sequence: ", from, " was removed by retention; the log now starts at ",
        first)));
  }
  std::set<std::string> types(request->types().begin(), request->types().end());
  auto* reactor = new SubscribeReactor(this, outbox_, from, std::move(types),
                                       request->progress_markers());
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) {
      delete reactor;
      return new FinishedStream(absl::UnavailableError("server is shutting down"));
    }
    reactors_.insert(reactor);
  }
  reactor->Begin();
  return reactor;
}

grpc::ServerUnaryReactor* EventStreamService::GetLogInfo(
    grpc::CallbackServerContext* context,
    const events::v1::GetLogInfoRequest* request,
    events::v1::LogInfo* response) {
  auto* reactor = context->DefaultReactor();
  absl::Status allowed = authorize_(context);
  if (allowed.ok()) {
    uint64_t visible = outbox_.VisibleSequence();
    uint64_t first = outbox_.FirstSequence();
    response->set_first_sequence(first <= visible ? first : 0);
    response->set_last_sequence(visible);
    response->set_producer(outbox_.options().producer);
    response->set_partition(outbox_.options().partition);
  }
  reactor->Finish(ToGrpcStatus(allowed));
  return reactor;
}

void EventStreamService::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
  // Holding mu_ keeps every reactor alive: OnDone must Forget it first.
  for (SubscribeReactor* reactor : reactors_) {
    reactor->End(absl::UnavailableError("server is shutting down"));
  }
}

size_t EventStreamService::ActiveStreams() const {
  absl::MutexLock lock(&mu_);
  return reactors_.size();
}

void EventStreamService::Forget(SubscribeReactor* reactor) {
  absl::MutexLock lock(&mu_);
  reactors_.erase(reactor);
  if (reactors_.empty()) all_done_.SignalAll();
}

}  // namespace cs
