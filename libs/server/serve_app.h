// The one handler shape of every service's gRPC glue: authenticate the caller
// (holding one of `allowed`), run an application-layer method with the
// principal and the request on the bounded executor, and finish the call
// with the method's status, translated once.
//
//   grpc::ServerUnaryReactor* GetAgent(Context* ctx, const GetAgentRequest* r,
//                                      Agent* response) override {
//     return cs::ServeAppCall(host_, app_, ctx, r, response,
//                             RoutingApp::kStaff, &RoutingApp::GetAgent);
//   }
//
// Everything else (validation, permissions finer than roles, storage) lives
// in the application layer, which knows nothing of gRPC.
#ifndef CS_LIBS_SERVER_SERVE_APP_H_
#define CS_LIBS_SERVER_SERVE_APP_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "libs/auth/principal.h"
#include "libs/auth/roles.h"
#include "libs/common/reply.h"
#include "libs/common/status_macros.h"
#include "libs/server/raw_message.h"
#include "libs/server/service_host.h"
#include "libs/server/unary.h"

namespace cs {

namespace serve_app_internal {

// The work of one call: authorize, call `method`, store its response.
template <typename App, typename Request, typename Response>
auto AuthorizeAndCall(ServiceHost& host, App& app,
                      grpc::CallbackServerContext* ctx, const Request* request,
                      Response* response, auth::RoleSet allowed,
                      absl::StatusOr<Response> (App::*method)(
                          const auth::Principal&, const Request&)) {
  return [=, &host, &app]() -> absl::Status {
    ASSIGN_OR_RETURN(auth::Principal principal, host.Authorize(*ctx, allowed));
    ASSIGN_OR_RETURN(*response, (app.*method)(principal, *request));
    return absl::OkStatus();
  };
}

// The first step of a raw method: `request` parsed into `parsed` (refused as
// the request guard refuses a typed one), then the caller authorized.
template <typename Request, typename Bytes>
absl::StatusOr<auth::Principal> ParseAndAuthorize(
    ServiceHost& host, grpc::CallbackServerContext* ctx, const Bytes& request,
    Request* parsed, auth::RoleSet allowed) {
  RETURN_IF_ERROR(ParseRawRequest(request, parsed));
  return host.Authorize(*ctx, allowed);
}

}  // namespace serve_app_internal

// `host`, `app`, `request` and `response` must outlive the call (gRPC keeps
// request and response alive until the reactor finishes).
template <typename App, typename Request, typename Response>
grpc::ServerUnaryReactor* ServeAppCall(
    ServiceHost& host, App& app, grpc::CallbackServerContext* ctx,
    const Request* request, Response* response, auth::RoleSet allowed,
    absl::StatusOr<Response> (App::*method)(const auth::Principal&,
                                            const Request&)) {
  return ServeUnary(ctx, host.executor(),
                    serve_app_internal::AuthorizeAndCall(
                        host, app, ctx, request, response, allowed, method));
}

// Where a raw method runs (see ServeAppRaw).
enum class RunOn {
  kExecutor,
  // The gRPC thread that delivered the call (ServeUnaryInline): only for a
  // method that reads the local store and nothing else (a point lookup).
  kGrpcThread,
};

// As ServeAppCall, for a method registered raw (the generated
// WithRawCallbackMethod_X, raw_message.h) whose app method answers with the
// response's wire bytes: a stored message served as it is. The request is
// parsed here; a bad one is refused as the request guard refuses it.
template <typename App, typename Request>
grpc::ServerUnaryReactor* ServeAppRaw(
    ServiceHost& host, App& app, grpc::CallbackServerContext* ctx,
    const grpc::ByteBuffer* request, grpc::ByteBuffer* response,
    auth::RoleSet allowed,
    absl::StatusOr<std::string> (App::*method)(const auth::Principal&,
                                               const Request&),
    RunOn run_on) {
  auto work = [=, &host, &app]() -> absl::Status {
    Request parsed;
    ASSIGN_OR_RETURN(auth::Principal principal,
                     serve_app_internal::ParseAndAuthorize(host, ctx, *request,
                                                           &parsed, allowed));
    ASSIGN_OR_RETURN(std::string bytes, (app.*method)(principal, parsed));
    *response = RawResponse(bytes);
    return absl::OkStatus();
  };
  if (run_on == RunOn::kGrpcThread) {
    return ServeUnaryInline(ctx, std::move(work));
  }
  return ServeUnary(ctx, host.executor(), std::move(work));
}

// As ServeAppRaw, for a method answering through a Reply with the
// response's wire bytes (as ServeAppCallAsync): a write that answers with
// the bytes it stored. The method also gets the request's wire bytes as
// received (`received`), e.g. to fingerprint the request without
// serializing it again. Runs on the executor; the parsed request and
// `received` live for the method's call only, so the method must not keep a
// reference to either.
template <typename App, typename Request>
grpc::ServerUnaryReactor* ServeAppRawAsync(
    ServiceHost& host, App& app, grpc::CallbackServerContext* ctx,
    const grpc::ByteBuffer* request, grpc::ByteBuffer* response,
    auth::RoleSet allowed,
    void (App::*method)(const auth::Principal&, const Request&,
                        absl::string_view received, Reply<std::string>)) {
  return ServeUnaryAsync(
      ctx, host.executor(), [=, &host, &app](FinishCall finish) {
        const std::string received = BufferBytes(*request);
        Request parsed;
        absl::StatusOr<auth::Principal> principal =
            serve_app_internal::ParseAndAuthorize(host, ctx, received, &parsed,
                                                  allowed);
        if (!principal.ok()) return finish(principal.status());
        (app.*method)(*principal, parsed, received,
                      [response, finish](absl::StatusOr<std::string> bytes) {
                        if (!bytes.ok()) return finish(bytes.status());
                        *response = RawResponse(*bytes);
                        finish(absl::OkStatus());
                      });
      });
}

// As ServeAppCall, for a method answering through a Reply
// (libs/common/reply.h): no executor thread waits while the method's work
// completes elsewhere.
template <typename App, typename Request, typename Response>
grpc::ServerUnaryReactor* ServeAppCallAsync(
    ServiceHost& host, App& app, grpc::CallbackServerContext* ctx,
    const Request* request, Response* response, auth::RoleSet allowed,
    void (App::*method)(const auth::Principal&, const Request&,
                        Reply<Response>)) {
  return ServeUnaryAsync(
      ctx, host.executor(), [=, &host, &app](FinishCall finish) {
        absl::StatusOr<auth::Principal> principal =
            host.Authorize(*ctx, allowed);
        if (!principal.ok()) return finish(principal.status());
        (app.*method)(*principal, *request,
                      [response, finish](absl::StatusOr<Response> result) {
                        if (!result.ok()) return finish(result.status());
                        *response = *std::move(result);
                        finish(absl::OkStatus());
                      });
      });
}

}  // namespace cs

#endif  // CS_LIBS_SERVER_SERVE_APP_H_
