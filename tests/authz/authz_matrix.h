// Test-only: role × RPC authorisation matrices. Each row names an RPC, the
// expected outcome for a token of every role (in auth::AllRoles() order) and
// a closure making the call with a given token:
//
//   //                          ag tl su qa ke co di ad se
//   rows.push_back({"GetTicket", "Y  Y  Y  Y  Y  Y  Y  .  Y",
//                   Rpc(stub, &Stub::GetTicket, [&] { return get; })});
//   ExpectAuthzMatrix(rows, token_for_role);
//
// 'Y' means allowed: anything but PERMISSION_DENIED / UNAUTHENTICATED (the
// call may still fail validation or a precondition); '.' means
// PERMISSION_DENIED. Every row is also called without a token and must be
// UNAUTHENTICATED. On a mismatch the whole expected and actual tables are
// printed, with the status of every cell that differs.
#ifndef CS_TESTS_AUTHZ_AUTHZ_MATRIX_H_
#define CS_TESTS_AUTHZ_AUTHZ_MATRIX_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "libs/auth/roles.h"
#include "libs/server/test_host.h"

namespace cs::testing {

// Makes one call with `token` ("" = no authorization header).
using AuthzCall = std::function<absl::Status(const std::string& token)>;

struct AuthzRow {
  std::string rpc;       // "CreateTicket"
  std::string expected;  // one 'Y' or '.' per role; spaces are ignored
  AuthzCall call;
};

// Column header matching the role order: "ag tl su qa ke co di ad se".
std::string AuthzHeader();

// Runs every row with a token of each role (from `token_for`, one role per
// token) and without a token; adds one gtest failure listing the mismatches.
void ExpectAuthzMatrix(const std::vector<AuthzRow>& rows,
                       const std::function<std::string(auth::Role)>& token_for);

// A call of `method` on `stub` with the request `make_request()` builds
// (called once per call, so it may create fresh fixtures first).
template <typename Stub, typename Response, typename Request,
          typename MakeRequest>
AuthzCall Rpc(Stub* stub,
              grpc::Status (Stub::*method)(grpc::ClientContext*,
                                           const Request&, Response*),
              MakeRequest make_request) {
  return [stub, method, make_request](const std::string& token) {
    return CallAs(stub, method, token, Request(make_request())).status();
  };
}

}  // namespace cs::testing

#endif  // CS_TESTS_AUTHZ_AUTHZ_MATRIX_H_
