// Bearer-token authentication and role checks for gRPC handlers.
//
// gRPC server interceptors cannot reject calls and AuthMetadataProcessor
// aborts on insecure credentials, so every handler calls Authorize first
// (through this one helper) and finishes with its status on failure:
//
//   grpc::ServerUnaryReactor* Get(grpc::CallbackServerContext* ctx,
//                                 const Req* req, Resp* resp) override {
//     auto* reactor = ctx->DefaultReactor();
//     absl::StatusOr<cs::auth::Principal> who = auth_.Authorize(
//         *ctx, {cs::auth::Role::kAgent, cs::auth::Role::kSupervisor});
//     if (!who.ok()) { reactor->Finish(cs::ToGrpcStatus(who.status()));
//                      return reactor; }
//     ...
//
// Clients attach the token with AttachBearerToken (call credentials are not
// sent over insecure channels, so this writes the metadata directly).
#ifndef CS_LIBS_AUTH_GRPC_AUTH_H_
#define CS_LIBS_AUTH_GRPC_AUTH_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"
#include "libs/auth/jwt.h"
#include "libs/auth/principal.h"
#include "libs/auth/roles.h"

namespace cs::auth {

// Metadata key carrying "Bearer <token>" (gRPC keys are lower case).
inline constexpr absl::string_view kAuthorizationMetadataKey = "authorization";

// Stateless apart from a reference to the verifier, which must outlive it.
// All methods are const and thread-safe.
class Authenticator {
 public:
  explicit Authenticator(const TokenVerifier& verifier)
      : verifier_(&verifier) {}

  // The principal of the caller, from the single "authorization" metadata
  // entry "Bearer <token>" (scheme case-insensitive). UNAUTHENTICATED
  // "missing bearer token" when there is none or the token is empty,
  // UNAUTHENTICATED when there are several entries or another scheme, and
  // whatever TokenVerifier::Verify returns for a bad token.
  absl::StatusOr<Principal> Authenticate(
      const grpc::ServerContextBase& ctx) const;

  // Authenticate, then require at least one role of `allowed`
  // (RequireAnyRole in principal.h): PERMISSION_DENIED "role <r> required" /
  // "one of roles <r1>, <r2> required" otherwise. No role is implied by
  // another; admin passes only when `allowed` contains it.
  absl::StatusOr<Principal> Authorize(const grpc::ServerContextBase& ctx,
                                      RoleSet allowed) const;

 private:
  const TokenVerifier* verifier_;
};

// The token in an authorization header value "Bearer <token>" (scheme
// case-insensitive, spaces around the token ignored). UNAUTHENTICATED
// "missing bearer token" when the token is empty; UNAUTHENTICATED when the
// scheme is not Bearer. Never echoes the value. Thread-safe.
absl::StatusOr<absl::string_view> BearerTokenFromHeader(
    absl::string_view header);

// The bearer token of the call's single "authorization" entry (the one
// Authenticator verifies), e.g. to call another service as the caller.
// UNAUTHENTICATED as Authenticate for a missing, repeated or non-Bearer
// entry. The view points into `ctx`'s metadata.
absl::StatusOr<absl::string_view> BearerTokenOf(
    const grpc::ServerContextBase& ctx);

// Adds "authorization: Bearer <token>" to an outgoing call. Call before the
// call starts; `ctx` must not be null. Not thread-safe for one ctx.
void AttachBearerToken(grpc::ClientContext* ctx, absl::string_view token);

}  // namespace cs::auth

#endif  // CS_LIBS_AUTH_GRPC_AUTH_H_
