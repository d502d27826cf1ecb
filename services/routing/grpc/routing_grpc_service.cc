#include "services/routing/grpc/routing_grpc_service.h"

namespace cs::routing {

grpc::ServerUnaryReactor* RoutingGrpcService::RegisterAgent(
    Context* ctx, const v1::RegisterAgentRequest* request,
    v1::Agent* response) {
  return ServeAppCall(host_, app_, ctx, request, response,
                      RoutingApp::kAgentManagers, &RoutingApp::RegisterAgent);
}

grpc::ServerUnaryReactor* RoutingGrpcService::GetAgent(
    Context* ctx, const v1::GetAgentRequest* request, v1::Agent* response) {
  return ServeAppCall(host_, app_, ctx, request, response, RoutingApp::kStaff,
                      &RoutingApp::GetAgent);
}

grpc::ServerUnaryReactor* RoutingGrpcService::ListAgents(
    Context* ctx, const v1::ListAgentsRequest* request,
    v1::ListAgentsResponse* response) {
  return ServeAppCall(host_, app_, ctx, request, response, RoutingApp::kStaff,
                      &RoutingApp::ListAgents);
}

grpc::ServerUnaryReactor* RoutingGrpcService::SetAgentAvailability(
    Context* ctx, const v1::SetAgentAvailabilityRequest* request,
    v1::Agent* response) {
  return ServeAppCall(host_, app_, ctx, request, response,
                      RoutingApp::kAgentManagers,
                      &RoutingApp::SetAgentAvailability);
}

grpc::ServerUnaryReactor* RoutingGrpcService::GetTicketRouting(
    Context* ctx, const v1::GetTicketRoutingRequest* request,
    v1::TicketRouting* response) {
  return ServeAppCall(host_, app_, ctx, request, response, RoutingApp::kStaff,
                      &RoutingApp::GetTicketRouting);
}

grpc::ServerUnaryReactor* RoutingGrpcService::ListQueue(
    Context* ctx, const v1::ListQueueRequest* request,
    v1::ListQueueResponse* response) {
  return ServeAppCall(host_, app_, ctx, request, response, RoutingApp::kStaff,
                      &RoutingApp::ListQueue);
}

grpc::ServerUnaryReactor* SlaGrpcService::StartClock(
    Context* ctx, const v1::StartClockRequest* request,
    v1::SlaClock* response) {
  return ServeAppCall(host_, app_, ctx, request, response,
                      RoutingApp::kClockWriters, &RoutingApp::StartClock);
}

grpc::ServerUnaryReactor* SlaGrpcService::UpdateClock(
    Context* ctx, const v1::UpdateClockRequest* request,
    v1::SlaClock* response) {
  return ServeAppCall(host_, app_, ctx, request, response,
                      RoutingApp::kClockWriters, &RoutingApp::UpdateClock);
}

grpc::ServerUnaryReactor* SlaGrpcService::GetTicketClocks(
    Context* ctx, const v1::GetTicketClocksRequest* request,
    v1::GetTicketClocksResponse* response) {
  return ServeAppCall(host_, app_, ctx, request, response, RoutingApp::kStaff,
                      &RoutingApp::GetTicketClocks);
}

grpc::ServerUnaryReactor* SlaGrpcService::ListPolicies(
    Context* ctx, const v1::ListPoliciesRequest* request,
    v1::ListPoliciesResponse* response) {
  return ServeAppCall(host_, app_, ctx, request, response, RoutingApp::kStaff,
                      &RoutingApp::ListPolicies);
}

}  // namespace cs::routing
