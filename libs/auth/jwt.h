// Bearer tokens: compact JWS (JWT) signed with HS256, one pinned algorithm.
//
// The verifier accepts exactly {"alg":"HS256"}: "none", "HS512", "RS256" and
// every other value (or a missing alg) are rejected before the signature is
// looked at, so there is no algorithm confusion. Registered claims checked:
// exp (required), nbf, iat, iss (must match), aud (string or array, must
// contain ours), sub (required). Suite claims: "roles" (array of role wire
// names, see roles.h; an unknown name rejects the token), "department",
// "name" (display name), "jti".
//
//   absl::StatusOr<std::string> key = cs::auth::LoadKeyFile("/run/keys/jwt");
//   ASSIGN_OR_RETURN(cs::auth::TokenVerifier verifier,
//                    cs::auth::TokenVerifier::Create(
//                        {*key, "cs-auth", "cs-suite"}, clock));
//   ASSIGN_OR_RETURN(cs::auth::Principal who, verifier.Verify(token));
//
// Error messages say why a token was rejected but never contain the token,
// its signature or the key.
#ifndef CS_LIBS_AUTH_JWT_H_
#define CS_LIBS_AUTH_JWT_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "libs/auth/roles.h"
#include "libs/common/clock.h"

namespace cs::auth {

// Shortest HMAC key accepted, in bytes (the HS256 output size, RFC 7518
// section 3.2).
inline constexpr size_t kMinKeyBytes = 32;

// Longest token Verify looks at; longer ones are rejected unparsed.
inline constexpr size_t kMaxTokenBytes = 8192;

// What a token says. Empty strings and InfinitePast times are omitted from
// the minted token.
struct TokenClaims {
  std::string subject;     // "sub", required
  RoleSet roles;           // "roles"
  std::string department;  // "department"
  std::string name;        // "name": display name, any UTF-8
  std::string issuer;      // "iss"
  std::string audience;    // "aud"
  absl::Time issued_at = absl::InfinitePast();   // "iat"
  absl::Time not_before = absl::InfinitePast();  // "nbf"
  absl::Time expires_at = absl::InfinitePast();  // "exp", required
  std::string token_id;                          // "jti"
};

// Signs `claims` with HS256 under `key` and returns "header.payload.sig"
// with header {"alg":"HS256","typ":"JWT"}. Times are whole Unix seconds
// (rounded down). INVALID_ARGUMENT when the key is shorter than kMinKeyBytes,
// the subject is empty, or expires_at is not a finite time after the epoch;
// INTERNAL if OpenSSL fails. Thread-safe.
absl::StatusOr<std::string> MintToken(const TokenClaims& claims,
                                      absl::string_view key);

// Reads an HS256 key from `path` (raw bytes; trailing whitespace and
// newlines are removed). The error from cs::ReadFileToString (NOT_FOUND,
// PERMISSION_DENIED, ... naming the path) when it cannot be read;
// INVALID_ARGUMENT naming the path when fewer than kMinKeyBytes remain.
// Never puts key bytes in a message. Thread-safe.
absl::StatusOr<std::string> LoadKeyFile(absl::string_view path);

// Verifies tokens against one key, issuer and audience. Verify is const and
// thread-safe; the verifier is cheap to copy. The clock must outlive it.
class TokenVerifier {
 public:
  struct Options {
    std::string key;       // at least kMinKeyBytes
    std::string issuer;    // required "iss", must not be empty
    std::string audience;  // must appear in "aud", must not be empty
    // Tolerated clock skew for exp, nbf and iat.
    absl::Duration leeway = absl::Seconds(30);
  };

  // Validates `options`: INVALID_ARGUMENT naming the option when the key is
  // too short, issuer or audience is empty, or leeway is negative or over
  // 5 minutes. Never echoes the key.
  static absl::StatusOr<TokenVerifier> Create(Options options,
                                              const cs::Clock& clock);

  // Prefer Create. With invalid options the verifier fails closed: every
  // Verify returns FAILED_PRECONDITION with the reason Create would give
  // (see init_status()).
  TokenVerifier(Options options, const cs::Clock& clock);

  // The principal named by a valid token. UNAUTHENTICATED (with ErrorInfo
  // reason TOKEN_MALFORMED, TOKEN_ALGORITHM_REJECTED, TOKEN_BAD_SIGNATURE,
  // TOKEN_EXPIRED, TOKEN_NOT_YET_VALID, TOKEN_WRONG_ISSUER,
  // TOKEN_WRONG_AUDIENCE or TOKEN_BAD_CLAIM) when the token is longer than
  // kMaxTokenBytes, not three base64url parts, not JSON objects, has an alg
  // other than exactly "HS256" or a "crit" header, a signature that does not
  // match, no or an expired exp (now >= exp + leeway), nbf or iat after
  // now + leeway, another iss, an aud without ours, no sub, a claim of the
  // wrong JSON type, or an unknown role name. FAILED_PRECONDITION when the
  // options were invalid. Thread-safe.
  absl::StatusOr<Principal> Verify(absl::string_view token) const;

  // OK, or why the options passed to the constructor are invalid.
  const absl::Status& init_status() const { return init_status_; }

 private:
  // What a successful full verification established. Everything but the
  // time claims is fixed for a token string, so Verify caches it (profiling
  // showed signature and JSON work dominating every RPC) and re-checks only
  // exp/nbf/iat against the clock on a hit.
  struct VerifiedToken {
    Principal principal;
    absl::Time exp;
    std::optional<absl::Time> nbf;
    std::optional<absl::Time> iat;
  };
  // Thread-safe map of verified tokens, shared by copies of the verifier.
  class Cache {
   public:
    static constexpr size_t kMaxEntries = 4096;
    std::optional<VerifiedToken> Find(absl::string_view token) const;
    void Insert(absl::string_view token, const VerifiedToken& verified);

   private:
    mutable absl::Mutex mu_;
    absl::flat_hash_map<std::string, VerifiedToken> entries_
        ABSL_GUARDED_BY(mu_);
  };

  absl::StatusOr<VerifiedToken> VerifyUncached(absl::string_view token) const;
  absl::Status CheckTimes(absl::Time exp, std::optional<absl::Time> nbf,
                          std::optional<absl::Time> iat) const;

  Options options_;
  const cs::Clock* clock_;
  absl::Status init_status_;
  std::shared_ptr<Cache> cache_ = std::make_shared<Cache>();
};

}  // namespace cs::auth

#endif  // CS_LIBS_AUTH_JWT_H_
