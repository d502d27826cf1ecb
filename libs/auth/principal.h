// Who is calling: the verified identity and roles taken from a bearer token.
//
// A Principal is produced only by TokenVerifier::Verify (jwt.h) or by the
// gRPC Authenticator (grpc_auth.h); domain code receives it and checks roles
// with HasRole / RequireAnyRole, never parsing tokens itself.
//
//   RETURN_IF_ERROR(cs::auth::RequireAnyRole(
//       principal, {cs::auth::Role::kSupervisor, cs::auth::Role::kDirector}));
#ifndef CS_LIBS_AUTH_PRINCIPAL_H_
#define CS_LIBS_AUTH_PRINCIPAL_H_

#include <string>

#include "absl/status/status.h"
#include "libs/auth/roles.h"

namespace cs::auth {

// A plain value; safe to copy and to read from many threads.
struct Principal {
  std::string subject;       // "sub": stable id of the user or service
  RoleSet roles;             // "roles"
  std::string department;    // "department", may be empty
  std::string display_name;  // "name", may be empty
  std::string token_id;      // "jti", may be empty

  bool HasRole(Role role) const { return roles.Contains(role); }
  // True when the principal holds at least one role of `any`. Roles are
  // explicit: admin does not imply any other role.
  bool HasAnyRole(RoleSet any) const { return roles.Intersects(any); }
};

// OK when `principal` holds at least one role of `allowed`; otherwise
// PERMISSION_DENIED "role <r> required" (or "one of roles <r1>, <r2>
// required") with ErrorInfo reason ROLE_REQUIRED and metadata
// allowed_roles. An empty `allowed` set denies everyone. Thread-safe.
absl::Status RequireAnyRole(const Principal& principal, RoleSet allowed);

}  // namespace cs::auth

#endif  // CS_LIBS_AUTH_PRINCIPAL_H_
