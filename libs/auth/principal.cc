#include "libs/auth/principal.h"

#include "absl/strings/str_cat.h"
#include "libs/common/errors.h"

namespace cs::auth {

absl::Status RequireAnyRole(const Principal& principal, RoleSet allowed) {
  if (principal.HasAnyRole(allowed)) return absl::OkStatus();
  std::string message;
  if (allowed.empty()) {
    message = "no role may call this method";
  } else if (allowed.size() == 1) {
    message = absl::StrCat("role ", allowed.ToString(), " required");
  } else {
    message = absl::StrCat("one of roles ", allowed.ToString(), " required");
  }
  return cs::WithErrorInfo(absl::PermissionDeniedError(message),
                           "ROLE_REQUIRED",
                           {{"allowed_roles", allowed.ToString()}});
}

}  // namespace cs::auth
