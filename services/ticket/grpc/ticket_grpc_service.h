// gRPC glue of cs.ticket.v1.TicketService: each handler authenticates the
// caller through the host and forwards to TicketApp on the bounded executor
// (cs::ServeUnary), except GetTicket, a point read answered on the gRPC
// thread (cs::ServeAppRaw). Every decision — validation, permissions,
// state — is the app's; this file only moves messages.
//
//   TicketGrpcService service(*host, *app);
//   host->RegisterService(&service);
//
// Both `host` and `app` must outlive the service. Thread-safe.
#ifndef CS_SERVICES_TICKET_GRPC_TICKET_GRPC_SERVICE_H_
#define CS_SERVICES_TICKET_GRPC_TICKET_GRPC_SERVICE_H_

#include "absl/status/statusor.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "libs/auth/principal.h"
#include "libs/common/status_macros.h"
#include "libs/server/serve_app.h"
#include "libs/server/service_host.h"
#include "libs/server/unary.h"
#include "services/ticket/service/ticket_app.h"

namespace cs::ticket {

// The reads of tickets and CreateTicket are registered raw: they answer
// with the stored tickets' bytes.
class TicketGrpcService final
    : public v1::TicketService::WithRawCallbackMethod_ListCustomerHistory<
          v1::TicketService::WithRawCallbackMethod_ListTickets<
              v1::TicketService::WithRawCallbackMethod_GetTicket<
                  v1::TicketService::WithRawCallbackMethod_CreateTicket<
                      v1::TicketService::CallbackService>>>> {
 public:
  TicketGrpcService(ServiceHost& host, TicketApp& app)
      : host_(host), app_(app) {}

  using Context = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* CreateTicket(Context* ctx, const grpc::ByteBuffer* request,
                        grpc::ByteBuffer* response) override;
  Reactor* GetTicket(Context* ctx, const grpc::ByteBuffer* request,
                     grpc::ByteBuffer* response) override;
  Reactor* ListTickets(Context* ctx, const grpc::ByteBuffer* request,
                       grpc::ByteBuffer* response) override;
  Reactor* UpdateTicket(Context* ctx, const v1::UpdateTicketRequest* request,
                        v1::Ticket* response) override;
  Reactor* AssignTicket(Context* ctx, const v1::AssignTicketRequest* request,
                        v1::Ticket* response) override;
  Reactor* AddReply(Context* ctx, const v1::AddReplyRequest* request,
                    v1::AddReplyResponse* response) override;
  Reactor* ChangeStatus(Context* ctx, const v1::ChangeStatusRequest* request,
                        v1::Ticket* response) override;
  Reactor* ResolveTicket(Context* ctx, const v1::ResolveTicketRequest* request,
                         v1::Ticket* response) override;
  Reactor* CloseTicket(Context* ctx, const v1::CloseTicketRequest* request,
                       v1::Ticket* response) override;
  Reactor* ReopenTicket(Context* ctx, const v1::ReopenTicketRequest* request,
                        v1::Ticket* response) override;
  Reactor* MergeTickets(Context* ctx, const v1::MergeTicketsRequest* request,
                        v1::MergeTicketsResponse* response) override;
  Reactor* GetCustomer(Context* ctx, const v1::GetCustomerRequest* request,
                       v1::Customer* response) override;
  Reactor* UpsertCustomer(Context* ctx,
                          const v1::UpsertCustomerRequest* request,
                          v1::Customer* response) override;
  Reactor* ListCustomerHistory(Context* ctx, const grpc::ByteBuffer* request,
                               grpc::ByteBuffer* response) override;
  Reactor* SubmitFeedback(Context* ctx,
                          const v1::SubmitFeedbackRequest* request,
                          v1::Feedback* response) override;
  Reactor* RevealCustomerPii(Context* ctx,
                             const v1::RevealCustomerPiiRequest* request,
                             v1::RevealCustomerPiiResponse* response) override;
  Reactor* ListAuditRecords(
      Context* ctx, const common::v1::ListAuditRecordsRequest* request,
      common::v1::ListAuditRecordsResponse* response) override;
  Reactor* RotatePiiKeys(Context* ctx, const v1::RotatePiiKeysRequest* request,
                         v1::RotatePiiKeysResponse* response) override;
  Reactor* GetPiiKeyUsage(Context* ctx,
                          const v1::GetPiiKeyUsageRequest* request,
                          v1::GetPiiKeyUsageResponse* response) override;

 private:
  // The one handler shape: authenticate (any role; the app's permission
  // table decides), call `method` on the executor, finish with its status.
  template <typename Request, typename Response>
  Reactor* Serve(Context* ctx, const Request* request, Response* response,
                 absl::StatusOr<Response> (TicketApp::*method)(
                     const auth::Principal&, const Request&)) {
    return ServeAppCall(host_, app_, ctx, request, response,
                        auth::RoleSet::All(), method);
  }
  // The same for a method answering through a Reply (the writes).
  template <typename Request, typename Response>
  Reactor* Serve(Context* ctx, const Request* request, Response* response,
                 void (TicketApp::*method)(const auth::Principal&,
                                           const Request&, Reply<Response>)) {
    return ServeAppCallAsync(host_, app_, ctx, request, response,
                             auth::RoleSet::All(), method);
  }

  // The same for a method registered raw, answering with stored bytes.
  template <typename Request>
  Reactor* ServeRaw(Context* ctx, const grpc::ByteBuffer* request,
                    grpc::ByteBuffer* response,
                    absl::StatusOr<std::string> (TicketApp::*method)(
                        const auth::Principal&, const Request&),
                    RunOn run_on) {
    return ServeAppRaw(host_, app_, ctx, request, response,
                       auth::RoleSet::All(), method, run_on);
  }
  // The same for a raw write answering through a Reply (CreateTicket).
  template <typename Request>
  Reactor* ServeRaw(Context* ctx, const grpc::ByteBuffer* request,
                    grpc::ByteBuffer* response,
                    void (TicketApp::*method)(const auth::Principal&,
                                              const Request&, absl::string_view,
                                              Reply<std::string>)) {
    return ServeAppRawAsync(host_, app_, ctx, request, response,
                            auth::RoleSet::All(), method);
  }

  ServiceHost& host_;
  TicketApp& app_;
};

}  // namespace cs::ticket

#endif  // CS_SERVICES_TICKET_GRPC_TICKET_GRPC_SERVICE_H_
