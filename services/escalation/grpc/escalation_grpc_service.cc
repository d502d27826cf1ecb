#include "services/escalation/grpc/escalation_grpc_service.h"

#include <memory>
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

grpc::ServerWriteReactor<v1::Notification>*
EscalationGrpcService::WatchNotifications(
    Context* ctx, const v1::WatchNotificationsRequest* request) {
  absl::StatusOr<auth::Principal> principal =
      host_.Authorize(*ctx, EscalationApp::kStaff);
  if (!principal.ok()) return watches_.Finished(principal.status());
  if (absl::Status allowed = app_.CheckWatch(*principal, *request);
      !allowed.ok()) {
    return watches_.Finished(allowed);
  }
  const uint64_t first = app_.outbox().FirstSequence();
  if (request->from_cursor() + 1 < first) {
    return watches_.Finished(absl::OutOfRangeError(absl::StrCat(
        "from_cursor: ", request->from_cursor(),
        " was removed by retention; the log now starts at ", first)));
  }
  return watches_.Open(
      request->from_cursor() + 1,
      [request = *request](std::shared_ptr<const common::v1::Event> event)
          -> std::shared_ptr<const v1::Notification> {
        std::optional<v1::Notification> notification =
            EscalationApp::NotificationFor(request, *event);
        if (!notification) return nullptr;
        return std::make_shared<const v1::Notification>(
            *std::move(notification));
      });
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
