#include "services/escalation/grpc/escalation_grpc_service.h"

#include <deque>
#include <optional>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/principal.h"
#include "libs/common/grpc_status.h"
#include "libs/common/status_macros.h"
#include "libs/server/serve_app.h"
#include "libs/server/unary.h"

namespace cs::escalation {
namespace {

constexpr size_t kReadAhead = 64;

class FinishedWatch final : public grpc::ServerWriteReactor<v1::Notification> {
 public:
  explicit FinishedWatch(const absl::Status& status) {
    Finish(ToGrpcStatus(status));
  }
  void OnDone() override { delete this; }
};

}  // namespace

class WatchReactor final : public grpc::ServerWriteReactor<v1::Notification> {
 public:
  WatchReactor(EscalationGrpcService* service, Outbox& outbox,
               v1::WatchNotificationsRequest request)
      : service_(service),
        outbox_(outbox),
        request_(std::move(request)),
        next_(request_.from_cursor() + 1) {}

  void Begin() {
    listener_id_ = outbox_.AddListener([this] { Pump(); });
    Pump();
  }

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
        EndLocked(absl::CancelledError("watcher went away"));
        return;
      }
      if (pending_end_.has_value()) {
        EndLocked(*pending_end_);
        return;
      }
    }
    Pump();
  }

  void OnCancel() override { End(absl::CancelledError("watch cancelled")); }

  void OnDone() override {
    outbox_.RemoveListener(listener_id_);
    service_->Forget(this);
    { absl::MutexLock lock(&mu_); }
    delete this;
  }

 private:
  void Pump() {
    absl::MutexLock lock(&mu_);
    if (ended_ || writing_ || pending_end_.has_value()) return;
    while (buffer_.empty() && next_ <= outbox_.VisibleSequence()) {
      absl::StatusOr<uint64_t> next = outbox_.Read(
          next_, kReadAhead, [this](const common::v1::Event& event) {
            std::optional<v1::Notification> n =
                EscalationApp::NotificationFor(request_, event);
            if (n) buffer_.push_back(*std::move(n));
          });
      if (!next.ok()) {
        EndLocked(next.status());
        return;
      }
      next_ = *next;
    }
    if (buffer_.empty()) return;  // caught up: the outbox listener wakes us
    writing_ = true;
    StartWrite(&buffer_.front());
  }

  void EndLocked(const absl::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (ended_) return;
    if (writing_) {
      if (!pending_end_.has_value()) pending_end_ = status;
      return;
    }
    ended_ = true;
    Finish(ToGrpcStatus(status));
  }

  EscalationGrpcService* const service_;
  Outbox& outbox_;
  const v1::WatchNotificationsRequest request_;
  int listener_id_ = -1;

  absl::Mutex mu_;
  uint64_t next_ ABSL_GUARDED_BY(mu_);
  std::deque<v1::Notification> buffer_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Status> pending_end_ ABSL_GUARDED_BY(mu_);
};

EscalationGrpcService::~EscalationGrpcService() {
  StopWatches();
  absl::MutexLock lock(&mu_);
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (!watches_.empty()) {
    if (all_done_.WaitWithDeadline(&mu_, deadline)) break;
  }
}

grpc::ServerWriteReactor<v1::Notification>*
EscalationGrpcService::WatchNotifications(
    Context* ctx, const v1::WatchNotificationsRequest* request) {
  absl::StatusOr<auth::Principal> principal =
      host_.Authorize(*ctx, EscalationApp::kStaff);
  if (!principal.ok()) return new FinishedWatch(principal.status());
  if (absl::Status allowed = app_.CheckWatch(*principal, *request);
      !allowed.ok()) {
    return new FinishedWatch(allowed);
  }
  Outbox& outbox = app_.outbox();
  const uint64_t first = outbox.FirstSequence();
  if (request->from_cursor() + 1 < first) {
    return new FinishedWatch(absl::OutOfRangeError(absl::StrCat(
        "from_cursor: ", request->from_cursor(),
        " was removed by retention; the log now starts at ", first)));
  }
  auto* reactor = new WatchReactor(this, outbox, *request);
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) {
      delete reactor;
      return new FinishedWatch(
          absl::UnavailableError("server is shutting down"));
    }
    watches_.insert(reactor);
  }
  reactor->Begin();
  return reactor;
}

void EscalationGrpcService::StopWatches() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
  for (WatchReactor* reactor : watches_) {
    reactor->End(absl::UnavailableError("server is shutting down"));
  }
}

size_t EscalationGrpcService::ActiveWatches() const {
  absl::MutexLock lock(&mu_);
  return watches_.size();
}

void EscalationGrpcService::Forget(WatchReactor* reactor) {
  absl::MutexLock lock(&mu_);
  watches_.erase(reactor);
  if (watches_.empty()) all_done_.SignalAll();
}

grpc::ServerUnaryReactor* EscalationGrpcService::RequestEscalation(
    Context* ctx, const v1::RequestEscalationRequest* request,
    v1::EscalationCase* response) {
  return ServeAppCall(host_, app_, ctx, request, response,
                         EscalationApp::kRequesters,
                         &EscalationApp::RequestEscalation);
}

grpc::ServerUnaryReactor* EscalationGrpcService::GetCase(
    Context* ctx, const v1::GetCaseRequest* request,
    v1::EscalationCase* response) {
  return ServeAppCall(host_, app_, ctx, request, response,
                         EscalationApp::kStaff, &EscalationApp::GetCase);
}

grpc::ServerUnaryReactor* EscalationGrpcService::ListCases(
    Context* ctx, const v1::ListCasesRequest* request,
    v1::ListCasesResponse* response) {
  return ServeAppCall(host_, app_, ctx, request, response,
                         EscalationApp::kStaff, &EscalationApp::ListCases);
}

grpc::ServerUnaryReactor* EscalationGrpcService::Acknowledge(
    Context* ctx, const v1::AcknowledgeRequest* request,
    v1::EscalationCase* response) {
  return ServeAppCall(host_, app_, ctx, request, response,
                         EscalationApp::kStaff, &EscalationApp::Acknowledge);
}

grpc::ServerUnaryReactor* EscalationGrpcService::Resolve(
    Context* ctx, const v1::ResolveRequest* request,
    v1::EscalationCase* response) {
  return ServeAppCall(host_, app_, ctx, request, response,
                         EscalationApp::kStaff, &EscalationApp::Resolve);
}

grpc::ServerUnaryReactor* EscalationGrpcService::ListPolicies(
    Context* ctx, const v1::ListPoliciesRequest* request,
    v1::ListPoliciesResponse* response) {
  return ServeAppCall(host_, app_, ctx, request, response,
                         EscalationApp::kStaff, &EscalationApp::ListPolicies);
}

}  // namespace cs::escalation
