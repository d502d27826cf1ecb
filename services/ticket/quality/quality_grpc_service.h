// gRPC glue of cs.ticket.v1.QualityService, hosted by ticket-server next to
// TicketService: each handler authenticates the caller through the host and
// forwards to QualityApp on the bounded executor. The app decides roles.
//
//   QualityGrpcService quality(*host, *quality_app);
//   host->RegisterService(&quality);
//
// `host` and `app` must outlive the service. Thread-safe.
#ifndef CS_SERVICES_TICKET_QUALITY_QUALITY_GRPC_SERVICE_H_
#define CS_SERVICES_TICKET_QUALITY_QUALITY_GRPC_SERVICE_H_

#include "cs/ticket/v1/quality.grpc.pb.h"
#include "libs/server/serve_app.h"
#include "libs/server/service_host.h"
#include "services/ticket/quality/quality_app.h"

namespace cs::ticket::quality {

class QualityGrpcService final : public v1::QualityService::CallbackService {
 public:
  QualityGrpcService(ServiceHost& host, QualityApp& app)
      : host_(host), app_(app) {}

  using Context = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* GetScorecard(Context* ctx, const v1::GetScorecardRequest* request,
                        v1::QualityConfig* response) override {
    return Serve(ctx, request, response, &QualityApp::GetScorecard);
  }
  Reactor* CreateReview(Context* ctx, const v1::CreateReviewRequest* request,
                        v1::QualityReview* response) override {
    return Serve(ctx, request, response, &QualityApp::CreateReview);
  }
  Reactor* GetReview(Context* ctx, const v1::GetReviewRequest* request,
                     v1::QualityReview* response) override {
    return Serve(ctx, request, response, &QualityApp::GetReview);
  }
  Reactor* ListReviews(Context* ctx, const v1::ListReviewsRequest* request,
                       v1::ListReviewsResponse* response) override {
    return Serve(ctx, request, response, &QualityApp::ListReviews);
  }
  Reactor* DisputeReview(Context* ctx, const v1::DisputeReviewRequest* request,
                         v1::QualityReview* response) override {
    return Serve(ctx, request, response, &QualityApp::DisputeReview);
  }
  Reactor* ResolveDispute(Context* ctx,
                          const v1::ResolveDisputeRequest* request,
                          v1::QualityReview* response) override {
    return Serve(ctx, request, response, &QualityApp::ResolveDispute);
  }
  Reactor* ListInspectionQueue(
      Context* ctx, const v1::ListInspectionQueueRequest* request,
      v1::ListInspectionQueueResponse* response) override {
    return Serve(ctx, request, response, &QualityApp::ListInspectionQueue);
  }
  Reactor* RecordFollowUp(Context* ctx,
                          const v1::RecordFollowUpRequest* request,
                          v1::FollowUp* response) override {
    return Serve(ctx, request, response, &QualityApp::RecordFollowUp);
  }

 private:
  template <typename Request, typename Response>
  Reactor* Serve(Context* ctx, const Request* request, Response* response,
                 absl::StatusOr<Response> (QualityApp::*method)(
                     const auth::Principal&, const Request&)) {
    return ServeAppCall(host_, app_, ctx, request, response,
                        auth::RoleSet::All(), method);
  }

  ServiceHost& host_;
  QualityApp& app_;
};

}  // namespace cs::ticket::quality

#endif  // CS_SERVICES_TICKET_QUALITY_QUALITY_GRPC_SERVICE_H_
