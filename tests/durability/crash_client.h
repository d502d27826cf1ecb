// Test-only helpers shared by the durability tests that drive a real
// ticket-server binary: keys, tokens and a blocking TicketService client.
#ifndef CS_TESTS_DURABILITY_CRASH_CLIENT_H_
#define CS_TESTS_DURABILITY_CRASH_CLIENT_H_

#include <memory>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "libs/auth/jwt.h"

namespace cs::testing {

// `bytes` random bytes from `rng` as lower-case hex (key files).
inline std::string RandomHex(std::mt19937_64& rng, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) {
    out += absl::StrFormat("%02x", static_cast<int>(rng() & 0xff));
  }
  return out;
}

// A two-hour token for `subject` with one role, department 客服部, signed
// with the server's `key`.
inline std::string MintTestToken(const std::string& key, auth::Role role,
                                 const std::string& subject) {
  auth::TokenClaims claims;
  claims.subject = subject;
  claims.roles = {role};
  claims.department = "客服部";
  claims.issuer = "cs-suite";
  claims.audience = "cs-suite";
  claims.expires_at = absl::Now() + absl::Hours(2);
  return auth::MintToken(claims, key).value_or("");
}

// Blocking TicketService calls on 127.0.0.1:`port` with a bearer token.
class TicketClient {
 public:
  TicketClient(int port, std::string token)
      : stub_(cs::ticket::v1::TicketService::NewStub(
            grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                grpc::InsecureChannelCredentials()))),
        token_(std::move(token)) {}

  // One call with a 30 s deadline. With `wait_for_ready` the call waits
  // for a server that is down (restarting) instead of failing at once.
  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (cs::ticket::v1::TicketService::Stub::*method)(
                        grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response,
                    bool wait_for_ready) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token_);
    context.set_wait_for_ready(wait_for_ready);
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    return (stub_.get()->*method)(&context, request, response);
  }

 private:
  std::unique_ptr<cs::ticket::v1::TicketService::Stub> stub_;
  std::string token_;
};

}  // namespace cs::testing

#endif  // CS_TESTS_DURABILITY_CRASH_CLIENT_H_
