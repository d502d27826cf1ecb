// gRPC glue of cs.escalation.v1.EscalationService: each unary handler
// authenticates the caller with the role group of its RPC and forwards to
// EscalationApp on the bounded executor (cs::ServeUnary). WatchNotifications
// is a server-streaming reactor shaped like libs/events' Subscribe: it
// replays the stored EscalationNotified events after `from_cursor` that are
// for the requested person or role, then tails new ones as they commit
// (woken by the outbox, not by polling), one write in flight at a time
// (backpressure: nothing is read ahead of a slow watcher beyond one batch).
//
//   EscalationGrpcService service(*host, *app);
//   host->RegisterService(&service);
//   ...
//   service.StopWatches();   // before host->Shutdown(): streams end
//   UNAVAILABLE
//
// `host` and `app` must outlive the service. Thread-safe.
#ifndef CS_SERVICES_ESCALATION_GRPC_ESCALATION_GRPC_SERVICE_H_
#define CS_SERVICES_ESCALATION_GRPC_ESCALATION_GRPC_SERVICE_H_

#include <set>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "cs/escalation/v1/escalation.grpc.pb.h"
#include "libs/server/service_host.h"
#include "services/escalation/service/escalation_app.h"

namespace cs::escalation {

class WatchReactor;

class EscalationGrpcService final
    : public v1::EscalationService::CallbackService {
 public:
  EscalationGrpcService(ServiceHost& host, EscalationApp& app)
      : host_(host), app_(app) {}
  // Ends the open watches and waits (up to 5 s) for them to finish.
  ~EscalationGrpcService() override;

  using Context = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* RequestEscalation(Context* ctx,
                             const v1::RequestEscalationRequest* request,
                             v1::EscalationCase* response) override;
  Reactor* GetCase(Context* ctx, const v1::GetCaseRequest* request,
                   v1::EscalationCase* response) override;
  Reactor* ListCases(Context* ctx, const v1::ListCasesRequest* request,
                     v1::ListCasesResponse* response) override;
  Reactor* Acknowledge(Context* ctx, const v1::AcknowledgeRequest* request,
                       v1::EscalationCase* response) override;
  Reactor* Resolve(Context* ctx, const v1::ResolveRequest* request,
                   v1::EscalationCase* response) override;
  Reactor* ListPolicies(Context* ctx, const v1::ListPoliciesRequest* request,
                        v1::ListPoliciesResponse* response) override;
  grpc::ServerWriteReactor<v1::Notification>* WatchNotifications(
      Context* ctx, const v1::WatchNotificationsRequest* request) override;

  // Ends every open watch with UNAVAILABLE and refuses new ones. Idempotent.
  void StopWatches();
  size_t ActiveWatches() const;

 private:
  friend class WatchReactor;
  void Forget(WatchReactor* reactor);

  ServiceHost& host_;
  EscalationApp& app_;
  mutable absl::Mutex mu_;
  absl::CondVar all_done_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  std::set<WatchReactor*> watches_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cs::escalation

#endif  // CS_SERVICES_ESCALATION_GRPC_ESCALATION_GRPC_SERVICE_H_
