// Test-only helpers shared by the crash tests: the replayable seed, keys and
// tokens for a suite of real server processes, and unary calls that survive
// a server restart (wait-for-ready, bounded by a real-time deadline).
#ifndef CS_TESTS_DURABILITY_HARNESS_H_
#define CS_TESTS_DURABILITY_HARNESS_H_

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "libs/auth/jwt.h"
#include "libs/common/files.h"

namespace cs::testing {

// CS_CRASH_SEED when set (to replay a run), a fresh random seed otherwise;
// printed either way so that a failing run can be replayed.
inline uint64_t CrashSeed() {
  const char* env = std::getenv("CS_CRASH_SEED");
  const uint64_t seed =
      env != nullptr ? std::strtoull(env, nullptr, 10) : std::random_device()();
  std::cout << "crash test seed: " << seed
            << " (replay with CS_CRASH_SEED=" << seed << ")" << std::endl;
  return seed;
}

// `bytes` random bytes as lowercase hex (a key file's content).
inline std::string RandomHex(std::mt19937_64& rng, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) {
    out += absl::StrFormat("%02x", static_cast<int>(rng() & 0xff));
  }
  return out;
}

// Writes a fresh suite auth key to `dir`/auth.key and a PII key to
// `dir`/pii.key (the files servers get with --auth-key-file and
// --pii-key-file); returns the auth key, to mint tokens, or "" when a file
// could not be written.
inline std::string WriteSuiteKeys(const std::string& dir,
                                  std::mt19937_64& rng) {
  const std::string auth_key = RandomHex(rng, 32);
  if (!WriteFileAtomically(dir + "/auth.key", auth_key).ok() ||
      !WriteFileAtomically(dir + "/pii.key", RandomHex(rng, 32)).ok()) {
    return "";
  }
  return auth_key;
}

// An HS256 token with `role` for `subject` in 客服部, valid two hours.
inline std::string Token(const std::string& key, auth::Role role,
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

// One unary call as the holder of `token`, bounded by `timeout` of real
// time. With `wait_for_ready` it waits for a server that is down (it may be
// restarting); without, a call to a closed port fails UNAVAILABLE at once.
template <typename Stub, typename Request, typename Response>
grpc::Status CallWithToken(Stub& stub,
                           grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                        const Request&,
                                                        Response*),
                           const std::string& token, const Request& request,
                           Response* response,
                           absl::Duration timeout = absl::Seconds(30),
                           bool wait_for_ready = true) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  context.set_wait_for_ready(wait_for_ready);
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return (stub.*method)(&context, request, response);
}

}  // namespace cs::testing

#endif  // CS_TESTS_DURABILITY_HARNESS_H_
