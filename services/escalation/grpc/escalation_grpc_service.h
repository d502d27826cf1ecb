// gRPC glue of cs.escalation.v1.EscalationService: each unary handler
// authenticates the caller with the role group of its RPC and forwards to
// EscalationApp on the bounded executor (cs::ServeUnary). WatchNotifications
// is an OutboxStreams stream, as libs/events' Subscribe is: it replays the
// stored EscalationNotified events after `from_cursor` that are for the
// requested person or role, then tails new ones as they commit (woken by the
// outbox, not by polling), one write in flight at a time (backpressure:
// nothing is read ahead of a slow watcher beyond one batch).
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

#include "cs/escalation/v1/escalation.grpc.pb.h"
#include "libs/events/outbox_stream.h"
#include "libs/server/service_host.h"
#include "services/escalation/service/escalation_app.h"

namespace cs::escalation {

class EscalationGrpcService final
    : public v1::EscalationService::CallbackService {
 public:
  // Destruction ends the open watches and waits (up to 5 s) for them.
  EscalationGrpcService(ServiceHost& host, EscalationApp& app)
      : host_(host), app_(app), watches_(app.outbox()) {}

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
  void StopWatches() { watches_.Stop(); }
  size_t ActiveWatches() const { return watches_.Active(); }

 private:
  ServiceHost& host_;
  EscalationApp& app_;
  OutboxStreams<v1::Notification> watches_;
};

}  // namespace cs::escalation

#endif  // CS_SERVICES_ESCALATION_GRPC_ESCALATION_GRPC_SERVICE_H_
