#include "libs/auth/grpc_auth.h"

#include <iterator>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/common/errors.h"
#include "libs/common/status_macros.h"

namespace cs::auth {
namespace {

constexpr absl::string_view kScheme = "bearer";

absl::Status MissingToken() {
  return cs::WithErrorInfo(absl::UnauthenticatedError("missing bearer token"),
                           "MISSING_BEARER_TOKEN");
}

}  // namespace

absl::StatusOr<absl::string_view> BearerTokenFromHeader(
    absl::string_view header) {
  header = absl::StripAsciiWhitespace(header);
  if (header.empty()) return MissingToken();
  size_t space = header.find_first_of(" \t");
  absl::string_view scheme = header.substr(0, space);
  absl::string_view token =
      space == absl::string_view::npos
          ? absl::string_view()
          : absl::StripLeadingAsciiWhitespace(header.substr(space));
  if (!absl::EqualsIgnoreCase(scheme, kScheme)) {
    return cs::WithErrorInfo(
        absl::UnauthenticatedError("authorization scheme must be Bearer"),
        "MISSING_BEARER_TOKEN");
  }
  if (token.empty()) return MissingToken();
  return token;
}

absl::StatusOr<absl::string_view> BearerTokenOf(
    const grpc::ServerContextBase& ctx) {
  const auto& metadata = ctx.client_metadata();
  auto [begin, end] = metadata.equal_range(grpc::string_ref(
      kAuthorizationMetadataKey.data(), kAuthorizationMetadataKey.size()));
  if (begin == end) return MissingToken();
  if (std::next(begin) != end) {
    return cs::WithErrorInfo(
        absl::UnauthenticatedError("more than one authorization header"),
        "MISSING_BEARER_TOKEN");
  }
  return BearerTokenFromHeader(
      absl::string_view(begin->second.data(), begin->second.size()));
}

absl::StatusOr<Principal> Authenticator::Authenticate(
    const grpc::ServerContextBase& ctx) const {
  ASSIGN_OR_RETURN(absl::string_view token, BearerTokenOf(ctx));
  return verifier_->Verify(token);
}

absl::StatusOr<Principal> Authenticator::Authorize(
    const grpc::ServerContextBase& ctx, RoleSet allowed) const {
  ASSIGN_OR_RETURN(Principal principal, Authenticate(ctx));
  RETURN_IF_ERROR(RequireAnyRole(principal, allowed));
  return principal;
}

void AttachBearerToken(grpc::ClientContext* ctx, absl::string_view token) {
  ctx->AddMetadata(std::string(kAuthorizationMetadataKey),
                   absl::StrCat("Bearer ", token));
}

}  // namespace cs::auth
