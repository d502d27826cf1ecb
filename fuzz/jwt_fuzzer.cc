// Bearer tokens: Verify never crashes on arbitrary text; a minted token with
// clean claims verifies to the same principal; a token changed in any byte
// is refused unless it decodes to the same bytes (base64url spare bits).
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "fuzz/fuzz_input.h"
#include "libs/auth/base64url.h"
#include "libs/auth/jwt.h"
#include "libs/common/clock.h"
#include "libs/common/utf8.h"

namespace {

constexpr char kKey[] = "fuzz-signing-key-0123456789abcdef-测试";

const cs::ManualClock& Clock() {
  static auto* clock =
      new cs::ManualClock(absl::FromUnixSeconds(1795000000));  // 2026-11
  return *clock;
}

const cs::auth::TokenVerifier& Verifier() {
  static auto* verifier = new cs::auth::TokenVerifier(
      {.key = kKey, .issuer = "cs-suite", .audience = "cs-suite"}, Clock());
  return *verifier;
}

bool Clean(const std::string& text) {
  if (!cs::IsValidUtf8(text)) return false;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

// Same bytes after base64url-decoding each dot-separated part.
bool SameDecoded(const std::string& a, const std::string& b) {
  size_t pa = 0, pb = 0;
  for (;;) {
    size_t ea = a.find('.', pa), eb = b.find('.', pb);
    auto da = cs::auth::Base64UrlDecode(a.substr(pa, ea - pa));
    auto db = cs::auth::Base64UrlDecode(b.substr(pb, eb - pb));
    if (!da.ok() || !db.ok() || *da != *db) return false;
    if (ea == std::string::npos || eb == std::string::npos) {
      return ea == eb;
    }
    pa = ea + 1;
    pb = eb + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cs::fuzz::FuzzInput in(data, size);
  const uint8_t mode = in.Byte() % 3;
  if (mode == 0) {
    (void)Verifier().Verify(in.Rest());
    return 0;
  }
  cs::auth::TokenClaims claims;
  claims.subject = in.String(40);
  claims.department = in.String(20);
  claims.name = in.String(20);
  const uint32_t role_bits = in.U32();
  for (cs::auth::Role role : cs::auth::AllRoles()) {
    if (role_bits >> static_cast<int>(role) & 1) claims.roles.Add(role);
  }
  claims.issuer = "cs-suite";
  claims.audience = "cs-suite";
  claims.expires_at = Clock().Now() + absl::Seconds(1 + in.U32() % 86400);
  auto token = cs::auth::MintToken(claims, kKey);
  if (!token.ok()) return 0;
  if (mode == 1) {
    if (claims.subject.empty() || !Clean(claims.subject) ||
        !Clean(claims.department) || !Clean(claims.name)) {
      return 0;
    }
    auto principal = Verifier().Verify(*token);
    FUZZ_CHECK(principal.ok());
    FUZZ_CHECK(principal->subject == claims.subject);
    FUZZ_CHECK(principal->department == claims.department);
    FUZZ_CHECK(principal->roles == claims.roles);
    return 0;
  }
  std::string tampered = *token;
  const size_t position = in.U32() % tampered.size();
  tampered[position] ^= (in.Byte() | 1);
  if (Verifier().Verify(tampered).ok()) {
    FUZZ_CHECK(SameDecoded(*token, tampered));
  }
  return 0;
}
