#include "services/complaint/grpc/complaint_grpc_service.h"

namespace cs::complaint {

grpc::ServerUnaryReactor* ComplaintGrpcService::File(
    Context* ctx, const v1::FileRequest* request, v1::Complaint* response) {
  return Serve(ctx, request, response, ComplaintApp::kFilers,
               &ComplaintApp::File);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::Get(
    Context* ctx, const v1::GetRequest* request, v1::Complaint* response) {
  return Serve(ctx, request, response, ComplaintApp::kFilers,
               &ComplaintApp::Get);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::List(
    Context* ctx, const v1::ListRequest* request, v1::ListResponse* response) {
  return Serve(ctx, request, response, ComplaintApp::kFilers,
               &ComplaintApp::List);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::Acknowledge(
    Context* ctx, const v1::AcknowledgeRequest* request, v1::Complaint* response) {
  return Serve(ctx, request, response, ComplaintApp::kActors,
               &ComplaintApp::Acknowledge);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::StartInvestigation(
    Context* ctx, const v1::StartInvestigationRequest* request, v1::Complaint* response) {
  return Serve(ctx, request, response, ComplaintApp::kActors,
               &ComplaintApp::StartInvestigation);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::ProposeSolution(
    Context* ctx, const v1::ProposeSolutionRequest* request, v1::Complaint* response) {
  return Serve(ctx, request, response, ComplaintApp::kActors,
               &ComplaintApp::ProposeSolution);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::RecordCustomerDecision(
    Context* ctx, const v1::RecordCustomerDecisionRequest* request, v1::Complaint* response) {
  return Serve(ctx, request, response, ComplaintApp::kActors,
               &ComplaintApp::RecordCustomerDecision);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::ApproveRemedy(
    Context* ctx, const v1::ApproveRemedyRequest* request, v1::Complaint* response) {
  return Serve(ctx, request, response, ComplaintApp::kActors,
               &ComplaintApp::ApproveRemedy);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::Resolve(
    Context* ctx, const v1::ResolveRequest* request, v1::Complaint* response) {
  return Serve(ctx, request, response, ComplaintApp::kActors,
               &ComplaintApp::Resolve);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::RecordRevisit(
    Context* ctx, const v1::RecordRevisitRequest* request, v1::Complaint* response) {
  return Serve(ctx, request, response, ComplaintApp::kActors,
               &ComplaintApp::RecordRevisit);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::Close(
    Context* ctx, const v1::CloseRequest* request, v1::Complaint* response) {
  return Serve(ctx, request, response, ComplaintApp::kActors,
               &ComplaintApp::Close);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::RecordRootCause(
    Context* ctx, const v1::RecordRootCauseRequest* request, v1::Complaint* response) {
  return Serve(ctx, request, response, ComplaintApp::kActors,
               &ComplaintApp::RecordRootCause);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::AddCorrectiveAction(
    Context* ctx, const v1::AddCorrectiveActionRequest* request, v1::Complaint* response) {
  return Serve(ctx, request, response, ComplaintApp::kActors,
               &ComplaintApp::AddCorrectiveAction);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::CompleteCorrectiveAction(
    Context* ctx, const v1::CompleteCorrectiveActionRequest* request, v1::Complaint* response) {
  return Serve(ctx, request, response, ComplaintApp::kActors,
               &ComplaintApp::CompleteCorrectiveAction);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::PublishToKnowledgeBase(
    Context* ctx, const v1::PublishToKnowledgeBaseRequest* request,
    v1::Complaint* response) {
  return Serve(ctx, request, response, ComplaintApp::kActors,
               &ComplaintApp::PublishToKnowledgeBase);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::GetStatistics(
    Context* ctx, const v1::GetStatisticsRequest* request, v1::Statistics* response) {
  return Serve(ctx, request, response, ComplaintApp::kAnalysts,
               &ComplaintApp::GetStatistics);
}

grpc::ServerUnaryReactor* ComplaintGrpcService::ListAuditRecords(
    Context* ctx, const common::v1::ListAuditRecordsRequest* request,
    common::v1::ListAuditRecordsResponse* response) {
  return Serve(ctx, request, response, ComplaintApp::kAuditReaders,
               &ComplaintApp::ListAuditRecords);
}

}  // namespace cs::complaint
