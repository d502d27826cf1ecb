// Test-only: role × RPC authorisation matrices. The expected outcomes are a
// table in the test, one row per RPC and one column per role (in
// auth::AllRoles() order, under the header line); the calls are closures
// keyed by the row's name:
//
//   constexpr char kExpected[] = R"(
//                        ag tl su qa ke co di ad se
//   GetTicket            Y  Y  Y  Y  Y  Y  Y  .  Y
//   CloseTicket          .  .  Y  .  .  .  .  .  .
//   )";
//   std::map<std::string, AuthzCall> calls;
//   calls["GetTicket"] = Rpc(stub, &Stub::GetTicket, [&] { return get; });
//   ...
//   ExpectAuthzMatrix(kExpected, calls, token_for_role);
//
// 'Y' means allowed: anything but PERMISSION_DENIED / UNAUTHENTICATED (the
// call may still fail validation or a precondition); '.' means
// PERMISSION_DENIED. Every row is also called without a token and must be
// UNAUTHENTICATED. On a mismatch the whole expected and actual tables are
// printed, with the status of every cell that differs.
#ifndef CS_TESTS_AUTHZ_AUTHZ_MATRIX_H_
#define CS_TESTS_AUTHZ_AUTHZ_MATRIX_H_

#include <functional>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "libs/auth/roles.h"
#include "libs/server/test_host.h"

namespace cs::testing {

// Makes one call with `token` ("" = no authorization header).
using AuthzCall = std::function<absl::Status(const std::string& token)>;

// A token holding only `role`: subject "<role>-1" in `department`, or
// "service:authz" with no department for the service role.
std::string RoleToken(auth::Role role, const std::string& department);

// Column header of the table: "ag tl su qa ke co di ad se".
std::string AuthzHeader();

// Runs every row of `table` (see the file comment; a row's name is all but
// its last nine marks) with a token of each role from `token_for` and
// without a token, and adds one gtest failure listing every difference. A
// malformed table, a row without a call or a call without a row also fail.
void ExpectAuthzMatrix(absl::string_view table,
                       const std::map<std::string, AuthzCall>& calls,
                       const std::function<std::string(auth::Role)>& token_for);

// A call of `method` on `stub` with the request `make_request()` builds
// (called once per call, so it may create fresh fixtures first).
template <typename Stub, typename Response, typename Request,
          typename MakeRequest>
AuthzCall Rpc(Stub* stub,
              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                           Response*),
              MakeRequest make_request) {
  return [stub, method, make_request](const std::string& token) {
    return CallAs(stub, method, token, Request(make_request())).status();
  };
}

// An empty request of any type, for rows decided by the role gate alone.
template <typename Request>
auto Empty() {
  return [] { return Request(); };
}

}  // namespace cs::testing

#endif  // CS_TESTS_AUTHZ_AUTHZ_MATRIX_H_
