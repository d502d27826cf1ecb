#include "services/ticket/grpc/ticket_grpc_service.h"

namespace cs::ticket {

grpc::ServerUnaryReactor* TicketGrpcService::CreateTicket(
    Context* ctx, const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  return ServeRaw(ctx, request, response, &TicketApp::CreateTicket);
}

grpc::ServerUnaryReactor* TicketGrpcService::GetTicket(
    Context* ctx, const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  // A point read: answered on the gRPC thread.
  return ServeRaw(ctx, request, response, &TicketApp::GetTicketBytes,
                  RunOn::kGrpcThread);
}

grpc::ServerUnaryReactor* TicketGrpcService::ListTickets(
    Context* ctx, const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  return ServeRaw(ctx, request, response, &TicketApp::ListTicketsBytes,
                  RunOn::kExecutor);
}

grpc::ServerUnaryReactor* TicketGrpcService::UpdateTicket(
    Context* ctx, const v1::UpdateTicketRequest* request,
    v1::Ticket* response) {
  return Serve(ctx, request, response, &TicketApp::UpdateTicket);
}

grpc::ServerUnaryReactor* TicketGrpcService::AssignTicket(
    Context* ctx, const v1::AssignTicketRequest* request,
    v1::Ticket* response) {
  return Serve(ctx, request, response, &TicketApp::AssignTicket);
}

grpc::ServerUnaryReactor* TicketGrpcService::AddReply(
    Context* ctx, const v1::AddReplyRequest* request,
    v1::AddReplyResponse* response) {
  return Serve(ctx, request, response, &TicketApp::AddReply);
}

grpc::ServerUnaryReactor* TicketGrpcService::ChangeStatus(
    Context* ctx, const v1::ChangeStatusRequest* request,
    v1::Ticket* response) {
  return Serve(ctx, request, response, &TicketApp::ChangeStatus);
}

grpc::ServerUnaryReactor* TicketGrpcService::ResolveTicket(
    Context* ctx, const v1::ResolveTicketRequest* request,
    v1::Ticket* response) {
  return Serve(ctx, request, response, &TicketApp::ResolveTicket);
}

grpc::ServerUnaryReactor* TicketGrpcService::CloseTicket(
    Context* ctx, const v1::CloseTicketRequest* request, v1::Ticket* response) {
  return Serve(ctx, request, response, &TicketApp::CloseTicket);
}

grpc::ServerUnaryReactor* TicketGrpcService::ReopenTicket(
    Context* ctx, const v1::ReopenTicketRequest* request,
    v1::Ticket* response) {
  return Serve(ctx, request, response, &TicketApp::ReopenTicket);
}

grpc::ServerUnaryReactor* TicketGrpcService::MergeTickets(
    Context* ctx, const v1::MergeTicketsRequest* request,
    v1::MergeTicketsResponse* response) {
  return Serve(ctx, request, response, &TicketApp::MergeTickets);
}

grpc::ServerUnaryReactor* TicketGrpcService::GetCustomer(
    Context* ctx, const v1::GetCustomerRequest* request,
    v1::Customer* response) {
  return Serve(ctx, request, response, &TicketApp::GetCustomer);
}

grpc::ServerUnaryReactor* TicketGrpcService::UpsertCustomer(
    Context* ctx, const v1::UpsertCustomerRequest* request,
    v1::Customer* response) {
  return Serve(ctx, request, response, &TicketApp::UpsertCustomer);
}

grpc::ServerUnaryReactor* TicketGrpcService::ListCustomerHistory(
    Context* ctx, const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  return ServeRaw(ctx, request, response, &TicketApp::ListCustomerHistoryBytes,
                  RunOn::kExecutor);
}

grpc::ServerUnaryReactor* TicketGrpcService::SubmitFeedback(
    Context* ctx, const v1::SubmitFeedbackRequest* request,
    v1::Feedback* response) {
  return Serve(ctx, request, response, &TicketApp::SubmitFeedback);
}

grpc::ServerUnaryReactor* TicketGrpcService::RevealCustomerPii(
    Context* ctx, const v1::RevealCustomerPiiRequest* request,
    v1::RevealCustomerPiiResponse* response) {
  return Serve(ctx, request, response, &TicketApp::RevealCustomerPii);
}

grpc::ServerUnaryReactor* TicketGrpcService::ListAuditRecords(
    Context* ctx, const common::v1::ListAuditRecordsRequest* request,
    common::v1::ListAuditRecordsResponse* response) {
  return Serve(ctx, request, response, &TicketApp::ListAuditRecords);
}

grpc::ServerUnaryReactor* TicketGrpcService::RotatePiiKeys(
    Context* ctx, const v1::RotatePiiKeysRequest* request,
    v1::RotatePiiKeysResponse* response) {
  return Serve(ctx, request, response, &TicketApp::RotatePiiKeys);
}

grpc::ServerUnaryReactor* TicketGrpcService::GetPiiKeyUsage(
    Context* ctx, const v1::GetPiiKeyUsageRequest* request,
    v1::GetPiiKeyUsageResponse* response) {
  return Serve(ctx, request, response, &TicketApp::GetPiiKeyUsage);
}

}  // namespace cs::ticket
