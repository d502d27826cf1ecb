// gRPC glue of cs.routing.v1.RoutingService and SlaService: each handler
// authenticates the caller with the role group of its RPC (RoutingApp::kStaff
// etc.) and forwards to RoutingApp on the bounded executor (cs::ServeUnary).
// Every decision is the app's; this file only moves messages.
//
//   RoutingGrpcService routing(*host, *app);
//   SlaGrpcService sla(*host, *app);
//   host->RegisterService(&routing);
//   host->RegisterService(&sla);
//
// `host` and `app` must outlive the services. Thread-safe.
#ifndef CS_SERVICES_ROUTING_GRPC_ROUTING_GRPC_SERVICE_H_
#define CS_SERVICES_ROUTING_GRPC_ROUTING_GRPC_SERVICE_H_

#include "absl/status/statusor.h"
#include "cs/routing/v1/routing.grpc.pb.h"
#include "libs/auth/principal.h"
#include "libs/auth/roles.h"
#include "libs/common/status_macros.h"
#include "libs/server/serve_app.h"
#include "libs/server/service_host.h"
#include "libs/server/unary.h"
#include "services/routing/service/routing_app.h"

namespace cs::routing {

class RoutingGrpcService final : public v1::RoutingService::CallbackService {
 public:
  RoutingGrpcService(ServiceHost& host, RoutingApp& app)
      : host_(host), app_(app) {}

  using Context = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* RegisterAgent(Context* ctx, const v1::RegisterAgentRequest* request,
                         v1::Agent* response) override;
  Reactor* GetAgent(Context* ctx, const v1::GetAgentRequest* request,
                    v1::Agent* response) override;
  Reactor* ListAgents(Context* ctx, const v1::ListAgentsRequest* request,
                      v1::ListAgentsResponse* response) override;
  Reactor* SetAgentAvailability(Context* ctx,
                                const v1::SetAgentAvailabilityRequest* request,
                                v1::Agent* response) override;
  Reactor* GetTicketRouting(Context* ctx,
                            const v1::GetTicketRoutingRequest* request,
                            v1::TicketRouting* response) override;
  Reactor* ListQueue(Context* ctx, const v1::ListQueueRequest* request,
                     v1::ListQueueResponse* response) override;

 private:
  ServiceHost& host_;
  RoutingApp& app_;
};

class SlaGrpcService final : public v1::SlaService::CallbackService {
 public:
  SlaGrpcService(ServiceHost& host, RoutingApp& app) : host_(host), app_(app) {}

  using Context = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* StartClock(Context* ctx, const v1::StartClockRequest* request,
                      v1::SlaClock* response) override;
  Reactor* UpdateClock(Context* ctx, const v1::UpdateClockRequest* request,
                       v1::SlaClock* response) override;
  Reactor* GetTicketClocks(Context* ctx,
                           const v1::GetTicketClocksRequest* request,
                           v1::GetTicketClocksResponse* response) override;
  Reactor* ListPolicies(Context* ctx, const v1::ListPoliciesRequest* request,
                        v1::ListPoliciesResponse* response) override;

 private:
  ServiceHost& host_;
  RoutingApp& app_;
};

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_GRPC_ROUTING_GRPC_SERVICE_H_
