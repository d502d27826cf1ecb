// gRPC glue of cs.complaint.v1.ComplaintService: each handler authenticates
// the caller with the role group of its RPC and forwards to ComplaintApp on
// the bounded executor (cs::ServeUnary). Every decision is the app's.
//
//   ComplaintGrpcService service(*host, *app);
//   host->RegisterService(&service);
//
// `host` and `app` must outlive the service. Thread-safe.
#ifndef CS_SERVICES_COMPLAINT_GRPC_COMPLAINT_GRPC_SERVICE_H_
#define CS_SERVICES_COMPLAINT_GRPC_COMPLAINT_GRPC_SERVICE_H_

#include "absl/status/statusor.h"
#include "cs/complaint/v1/complaint.grpc.pb.h"
#include "libs/auth/principal.h"
#include "libs/server/serve_app.h"
#include "libs/server/service_host.h"
#include "services/complaint/service/complaint_app.h"

namespace cs::complaint {

class ComplaintGrpcService final
    : public v1::ComplaintService::CallbackService {
 public:
  ComplaintGrpcService(ServiceHost& host, ComplaintApp& app)
      : host_(host), app_(app) {}

  using Context = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* File(Context* ctx, const v1::FileRequest* request,
      v1::Complaint* response) override;
  Reactor* Get(Context* ctx, const v1::GetRequest* request,
      v1::Complaint* response) override;
  Reactor* List(Context* ctx, const v1::ListRequest* request,
      v1::ListResponse* response) override;
  Reactor* Acknowledge(Context* ctx, const v1::AcknowledgeRequest* request,
      v1::Complaint* response) override;
  Reactor* StartInvestigation(Context* ctx, const v1::StartInvestigationRequest* request,
      v1::Complaint* response) override;
  Reactor* ProposeSolution(Context* ctx, const v1::ProposeSolutionRequest* request,
      v1::Complaint* response) override;
  Reactor* RecordCustomerDecision(Context* ctx, const v1::RecordCustomerDecisionRequest* request,
      v1::Complaint* response) override;
  Reactor* ApproveRemedy(Context* ctx, const v1::ApproveRemedyRequest* request,
      v1::Complaint* response) override;
  Reactor* Resolve(Context* ctx, const v1::ResolveRequest* request,
      v1::Complaint* response) override;
  Reactor* RecordRevisit(Context* ctx, const v1::RecordRevisitRequest* request,
      v1::Complaint* response) override;
  Reactor* Close(Context* ctx, const v1::CloseRequest* request,
      v1::Complaint* response) override;
  Reactor* RecordRootCause(Context* ctx, const v1::RecordRootCauseRequest* request,
      v1::Complaint* response) override;
  Reactor* AddCorrectiveAction(Context* ctx, const v1::AddCorrectiveActionRequest* request,
      v1::Complaint* response) override;
  Reactor* CompleteCorrectiveAction(Context* ctx, const v1::CompleteCorrectiveActionRequest* request,
      v1::Complaint* response) override;
  Reactor* PublishToKnowledgeBase(
      Context* ctx, const v1::PublishToKnowledgeBaseRequest* request,
      v1::Complaint* response) override;
  Reactor* GetStatistics(Context* ctx, const v1::GetStatisticsRequest* request,
      v1::Statistics* response) override;
  Reactor* ListAuditRecords(
      Context* ctx, const common::v1::ListAuditRecordsRequest* request,
      common::v1::ListAuditRecordsResponse* response) override;

 private:
  // The one handler shape (cs::ServeAppCall): authenticate with `roles`,
  // call `method` on the executor, finish with its status.
  template <typename Request, typename Response>
  Reactor* Serve(Context* ctx, const Request* request, Response* response,
                 auth::RoleSet roles,
                 absl::StatusOr<Response> (ComplaintApp::*method)(
                     const auth::Principal&, const Request&)) {
    return ServeAppCall(host_, app_, ctx, request, response, roles, method);
  }

  ServiceHost& host_;
  ComplaintApp& app_;
};

}  // namespace cs::complaint

#endif  // CS_SERVICES_COMPLAINT_GRPC_COMPLAINT_GRPC_SERVICE_H_
