// Test helpers for servers built on ServiceHost: a config on free loopback
// ports with a temp data dir and a fresh signing key, and tokens minted with
// that key. Test-only (target cs_server_testing).
#ifndef CS_LIBS_SERVER_TEST_HOST_H_
#define CS_LIBS_SERVER_TEST_HOST_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/auth/jwt.h"
#include "libs/common/files.h"
#include "libs/common/grpc_status.h"
#include "libs/server/server_config.h"
#include "libs/testing/temp_dir.h"

namespace cs::testing {

inline constexpr char kTestKey[] = "test-signing-key-0123456789abcdef-测试";

// A ServerConfig for `service` on 127.0.0.1 port 0, no metrics HTTP endpoint
// (metrics are still collected; destroying an endpoint costs 2 s), data and
// key under `dir`, manual clock, short grace period.
inline ServerConfig TestServerConfig(const TempDir& dir,
                                     const std::string& service) {
  std::string key_file = dir.Sub("auth.key");
  EXPECT_TRUE(WriteFileAtomically(key_file, kTestKey).ok());
  ServerConfig config;
  config.service_name = service;
  config.port = 0;
  config.metrics_port = -1;
  config.data_dir = dir.Sub("data");
  config.auth_key_file = key_file;
  config.clock = "manual";
  config.shutdown_grace = absl::Seconds(5);
  config.worker_threads = 4;
  return config;
}

// A token for `subject` with `roles`, valid for a day of real and manual time.
inline std::string TestToken(auth::RoleSet roles,
                             const std::string& subject = "tester",
                             const std::string& department = "客服部") {
  auth::TokenClaims claims;
  claims.subject = subject;
  claims.roles = roles;
  claims.department = department;
  claims.issuer = "cs-suite";
  claims.audience = "cs-suite";
  claims.expires_at = absl::Now() + absl::Hours(24 * 365);
  auto token = auth::MintToken(claims, kTestKey);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.value_or("");
}

// Calls `method` on `stub` as the holder of `token` (no authorization
// header when empty); the status keeps its details (cs::FieldViolationsOf).
template <typename Stub, typename Response, typename Request>
absl::StatusOr<Response> CallAs(
    Stub* stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const std::string& token, const Request& request) {
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  Response response;
  grpc::Status status = (stub->*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

inline std::shared_ptr<grpc::Channel> LoopbackChannel(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                             grpc::InsecureChannelCredentials());
}

}  // namespace cs::testing

#endif  // CS_LIBS_SERVER_TEST_HOST_H_
