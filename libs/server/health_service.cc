#include "libs/server/health_service.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace cs {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// One Watch stream: at most one write in flight; a status that changes
// while a write is in flight is sent after it (only the latest matters).
class HealthWatchReactor final
    : public grpc::ServerWriteReactor<HealthCheckResponse> {
 public:
  HealthWatchReactor(HealthService* service, std::string name)
      : service_(service), name_(std::move(name)) {}

  // Queues `status` unless it is what the watcher was last told.
  void Tell(HealthService::ServingStatus status) {
    absl::MutexLock lock(&mu_);
    latest_ = status;
    SendLocked();
  }

  // Ends the stream with `status` once the watcher has the latest status.
  void End(const grpc::Status& status) {
    absl::MutexLock lock(&mu_);
    if (!end_.has_value()) end_ = status;
    SendLocked();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok && !end_.has_value()) {
      end_ = grpc::Status(grpc::StatusCode::CANCELLED, "watcher went away");
    }
    if (!ok) latest_ = *told_;  // nothing more can be delivered
    SendLocked();
  }

  void OnCancel() override {
    End(grpc::Status(grpc::StatusCode::CANCELLED, "watch cancelled"));
  }

  void OnDone() override {
    service_->Forget(this);  // no Tell()/End() from the service from now on
    // A thread that called Finish() may still be releasing mu_.
    { absl::MutexLock lock(&mu_); }
    delete this;
  }

  const std::string& name() const { return name_; }

 private:
  void SendLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (writing_ || finished_) return;
    if (!told_.has_value() || *told_ != latest_) {
      told_ = latest_;
      response_.set_status(latest_);
      writing_ = true;
      StartWrite(&response_);
      return;
    }
    if (end_.has_value()) {
      finished_ = true;
      Finish(*end_);
    }
  }

  HealthService* const service_;
  const std::string name_;
  absl::Mutex mu_;
  HealthService::ServingStatus latest_ ABSL_GUARDED_BY(mu_) =
      HealthCheckResponse::NOT_SERVING;
  std::optional<HealthService::ServingStatus> told_ ABSL_GUARDED_BY(mu_);
  std::optional<grpc::Status> end_ ABSL_GUARDED_BY(mu_);
  HealthCheckResponse response_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

HealthService::HealthService(std::vector<std::string> service_names)
    : names_(service_names.begin(), service_names.end()) {}

HealthService::~HealthService() {
  Stop();
  absl::MutexLock lock(&mu_);
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (!watchers_.empty()) {
    if (all_done_.WaitWithDeadline(&mu_, deadline)) break;
  }
}

HealthService::ServingStatus HealthService::StatusOfLocked(
    const std::string& name) const {
  if (!name.empty() && names_.count(name) == 0) {
    return HealthCheckResponse::SERVICE_UNKNOWN;
  }
  return serving_ && !stopped_ ? HealthCheckResponse::SERVING
                               : HealthCheckResponse::NOT_SERVING;
}

void HealthService::SetServing(bool serving) {
  absl::MutexLock lock(&mu_);
  if (stopped_) return;
  serving_ = serving;
  // Holding mu_ keeps every reactor alive: OnDone must Forget it first.
  for (HealthWatchReactor* watcher : watchers_) {
    watcher->Tell(StatusOfLocked(watcher->name()));
  }
}

void HealthService::Stop() {
  absl::MutexLock lock(&mu_);
  if (stopped_) return;
  stopped_ = true;
  for (HealthWatchReactor* watcher : watchers_) {
    watcher->Tell(StatusOfLocked(watcher->name()));
    watcher->End(
        grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
  }
}

grpc::ServerUnaryReactor* HealthService::Check(
    grpc::CallbackServerContext* context, const HealthCheckRequest* request,
    HealthCheckResponse* response) {
  auto* reactor = context->DefaultReactor();
  ServingStatus status;
  {
    absl::MutexLock lock(&mu_);
    status = StatusOfLocked(request->service());
  }
  if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
    reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND,
                                 absl::StrCat("service: \"", request->service(),
                                              "\" is not served here")));
    return reactor;
  }
  response->set_status(status);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerWriteReactor<HealthCheckResponse>* HealthService::Watch(
    grpc::CallbackServerContext* /*context*/,
    const HealthCheckRequest* request) {
  auto* reactor = new HealthWatchReactor(this, request->service());
  absl::MutexLock lock(&mu_);
  reactor->Tell(StatusOfLocked(request->service()));
  if (stopped_) {
    reactor->End(
        grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
  }
  watchers_.insert(reactor);
  return reactor;
}

size_t HealthService::ActiveWatches() const {
  absl::MutexLock lock(&mu_);
  return watchers_.size();
}

void HealthService::Forget(HealthWatchReactor* reactor) {
  absl::MutexLock lock(&mu_);
  watchers_.erase(reactor);
  if (watchers_.empty()) all_done_.SignalAll();
}

}  // namespace cs
