#include "libs/auth/jwt.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/auth/base64url.h"
#include "libs/common/clock.h"
#include "libs/common/errors.h"
#include "libs/common/files.h"
#include "libs/common/ids.h"

namespace cs::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr absl::string_view kKey = "k3y-0123456789-abcdefghij-ABCDEFG";  // 33
constexpr absl::string_view kIssuer = "cs-test-issuer";
constexpr absl::string_view kAudience = "cs-suite";
constexpr int64_t kStart = 1700000000;

// Claim name -> raw JSON value, for hand-built tokens.
using RawClaims = std::map<std::string, std::string>;

std::string ToJson(const RawClaims& claims) {
  std::vector<std::string> members;
  for (const auto& [name, value] : claims) {
    members.push_back(absl::StrCat("\"", name, "\":", value));
  }
  return absl::StrCat("{", absl::StrJoin(members, ","), "}");
}

// A valid payload at kStart for the verifier under test.
RawClaims GoodClaims() {
  return {{"sub", "\"u-1001\""},
          {"iss", absl::StrCat("\"", kIssuer, "\"")},
          {"aud", absl::StrCat("\"", kAudience, "\"")},
          {"iat", absl::StrCat(kStart)},
          {"exp", absl::StrCat(kStart + 900)},
          {"roles", "[\"agent\"]"}};
}

constexpr absl::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

// header.payload.HMAC(digest) built by hand, bypassing MintToken.
std::string SignRaw(absl::string_view header_json,
                    absl::string_view payload_json,
                    absl::string_view key = kKey,
                    const EVP_MD* digest = EVP_sha256()) {
  std::string input = absl::StrCat(Base64UrlEncode(header_json), ".",
                                   Base64UrlEncode(payload_json));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(digest, key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
       &mac_len);
  return absl::StrCat(input, ".",
                      Base64UrlEncode(absl::string_view(
                          reinterpret_cast<const char*>(mac), mac_len)));
}

std::string SignClaims(const RawClaims& claims) {
  return SignRaw(kHs256Header, ToJson(claims));
}

class JwtTest : public ::testing::Test {
 protected:
  JwtTest() : clock_(absl::FromUnixSeconds(kStart)) {}

  TokenVerifier::Options Options() const {
    TokenVerifier::Options options;
    options.key = std::string(kKey);
    options.issuer = std::string(kIssuer);
    options.audience = std::string(kAudience);
    return options;
  }

  TokenVerifier Verifier() const {
    absl::StatusOr<TokenVerifier> verifier =
        TokenVerifier::Create(Options(), clock_);
    EXPECT_TRUE(verifier.ok()) << verifier.status();
    return *verifier;
  }

  TokenClaims Claims() const {
    TokenClaims claims;
    claims.subject = "u-1001";
    claims.roles = {Role::kAgent, Role::kSupervisor};
    claims.department = "客服部";
    claims.name = "张三";
    claims.issuer = std::string(kIssuer);
    claims.audience = std::string(kAudience);
    claims.issued_at = clock_.Now();
    claims.expires_at = clock_.Now() + absl::Minutes(15);
    claims.token_id = "tok-1";
    return claims;
  }

  std::string Mint(const TokenClaims& claims) const {
    absl::StatusOr<std::string> token = MintToken(claims, kKey);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.value_or("");
  }

  // Verifies `token` and checks it is rejected with `reason`, without the
  // token or key in the message.
  void ExpectRejected(absl::string_view token, absl::string_view reason) {
    absl::StatusOr<Principal> principal = Verifier().Verify(token);
    ASSERT_FALSE(principal.ok()) << "accepted: " << token;
    const absl::Status& status = principal.status();
    EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << status;
    EXPECT_EQ(cs::ErrorReasonOf(status), reason) << status;
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr(kKey)));
    if (token.size() > 8) {
      EXPECT_THAT(std::string(status.message()),
                  Not(HasSubstr(std::string(token))));
      for (absl::string_view part : absl::StrSplit(token, '.')) {
        if (part.size() > 8) {
          EXPECT_THAT(std::string(status.message()),
                      Not(HasSubstr(std::string(part))));
        }
      }
    }
  }

  cs::ManualClock clock_;
};

TEST_F(JwtTest, RoundTripWithChineseClaims) {
  std::string token = Mint(Claims());
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2);
  absl::StatusOr<Principal> principal = Verifier().Verify(token);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "u-1001");
  EXPECT_EQ(principal->display_name, "张三");
  EXPECT_EQ(principal->department, "客服部");
  EXPECT_EQ(principal->token_id, "tok-1");
  EXPECT_EQ(principal->roles, (RoleSet{Role::kAgent, Role::kSupervisor}));
  EXPECT_TRUE(principal->HasRole(Role::kSupervisor));
  EXPECT_FALSE(principal->HasRole(Role::kAdmin));
}

TEST_F(JwtTest, MintedTokenHasPinnedHeaderAndIntegerTimes) {
  std::string token = Mint(Claims());
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(*Base64UrlDecode(parts[0]), R"({"alg":"HS256","typ":"JWT"})");
  std::string payload = *Base64UrlDecode(parts[1]);
  EXPECT_THAT(payload, HasSubstr(absl::StrCat("\"exp\":", kStart + 900)));
  EXPECT_THAT(payload, HasSubstr(absl::StrCat("\"iat\":", kStart)));
  EXPECT_THAT(payload, HasSubstr(R"("roles":["agent","supervisor"])"));
  EXPECT_EQ(Base64UrlDecode(parts[2])->size(), 32u);
  // No padding anywhere.
  EXPECT_EQ(token.find('='), std::string::npos);
}

TEST_F(JwtTest, MinimalTokenWithoutOptionalClaims) {
  TokenClaims claims;
  claims.subject = "svc-routing";
  claims.issuer = std::string(kIssuer);
  claims.audience = std::string(kAudience);
  claims.expires_at = clock_.Now() + absl::Hours(1);
  absl::StatusOr<Principal> principal = Verifier().Verify(Mint(claims));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "svc-routing");
  EXPECT_TRUE(principal->roles.empty());
  EXPECT_EQ(principal->department, "");
  EXPECT_EQ(principal->display_name, "");
}

TEST_F(JwtTest, AudienceMayBeAnArray) {
  RawClaims claims = GoodClaims();
  claims["aud"] = absl::StrCat(R"(["other",")", kAudience, "\"]");
  absl::StatusOr<Principal> principal = Verifier().Verify(SignClaims(claims));
  EXPECT_TRUE(principal.ok()) << principal.status();

  claims["aud"] = R"(["other","another"])";
  ExpectRejected(SignClaims(claims), "TOKEN_WRONG_AUDIENCE");
  claims["aud"] = "[]";
  ExpectRejected(SignClaims(claims), "TOKEN_WRONG_AUDIENCE");
  claims["aud"] = absl::StrCat(R"([1,")", kAudience, "\"]");
  ExpectRejected(SignClaims(claims), "TOKEN_BAD_CLAIM");
}

TEST_F(JwtTest, HandBuiltGoodTokenVerifies) {
  // Guards the hand-built tokens below: they fail only for the one change.
  absl::StatusOr<Principal> principal =
      Verifier().Verify(SignClaims(GoodClaims()));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->roles, RoleSet{Role::kAgent});
}

TEST_F(JwtTest, AcceptedWithinLeewayRejectedAfter) {
  std::string token = Mint(Claims());
  clock_.Advance(absl::Minutes(15) + absl::Seconds(29));
  EXPECT_TRUE(Verifier().Verify(token).ok());
  clock_.Advance(absl::Seconds(1));
  ExpectRejected(token, "TOKEN_EXPIRED");
  EXPECT_THAT(std::string(Verifier().Verify(token).status().message()),
              HasSubstr("expired"));
}

TEST_F(JwtTest, CachedTokensStillExpireAndTamperingIsStillCaught) {
  TokenVerifier verifier = Verifier();
  std::string token = Mint(Claims());
  ASSERT_TRUE(verifier.Verify(token).ok());
  absl::StatusOr<Principal> again = verifier.Verify(token);  // cache hit
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->subject, "u-1001");
  EXPECT_EQ(again->display_name, "张三");
  EXPECT_TRUE(again->HasRole(Role::kSupervisor));

  // A token differing in one payload character is verified in full.
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string tampered = absl::StrCat(parts[0], ".", parts[1], "A.", parts[2]);
  EXPECT_FALSE(verifier.Verify(tampered).ok());

  // Copies share the cache, and the clock still rules on every hit.
  TokenVerifier copy = verifier;
  clock_.Advance(absl::Minutes(16));
  for (const TokenVerifier* v : {&verifier, &copy}) {
    absl::StatusOr<Principal> late = v->Verify(token);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(cs::ErrorReasonOf(late.status()), "TOKEN_EXPIRED");
  }
}

TEST_F(JwtTest, CacheStaysCorrectWhenItOverflows) {
  TokenVerifier verifier = Verifier();
  std::string first = Mint(Claims());
  ASSERT_TRUE(verifier.Verify(first).ok());
  TokenClaims claims = Claims();
  for (int i = 0; i < 4200; ++i) {
    claims.token_id = absl::StrCat("tok-", i);
    ASSERT_TRUE(verifier.Verify(Mint(claims)).ok());
  }
  EXPECT_TRUE(verifier.Verify(first).ok());
}

TEST_F(JwtTest, ExpiredLongAgo) {
  std::string token = Mint(Claims());
  clock_.Advance(absl::Hours(48));
  ExpectRejected(token, "TOKEN_EXPIRED");
}

TEST_F(JwtTest, ZeroLeewayIsExact) {
  TokenVerifier::Options options = Options();
  options.leeway = absl::ZeroDuration();
  absl::StatusOr<TokenVerifier> verifier =
      TokenVerifier::Create(options, clock_);
  ASSERT_TRUE(verifier.ok());
  std::string token = Mint(Claims());
  clock_.Advance(absl::Minutes(15) - absl::Seconds(1));
  EXPECT_TRUE(verifier->Verify(token).ok());
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(verifier->Verify(token).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(JwtTest, NotYetValid) {
  TokenClaims claims = Claims();
  claims.not_before = clock_.Now() + absl::Minutes(5);
  std::string token = Mint(claims);
  ExpectRejected(token, "TOKEN_NOT_YET_VALID");
  clock_.Advance(absl::Minutes(5) - absl::Seconds(30));
  EXPECT_TRUE(Verifier().Verify(token).ok());
}

TEST_F(JwtTest, IssuedInTheFuture) {
  RawClaims claims = GoodClaims();
  claims["iat"] = absl::StrCat(kStart + 600);
  ExpectRejected(SignClaims(claims), "TOKEN_NOT_YET_VALID");
}

TEST_F(JwtTest, AlgNoneWithEmptySignature) {
  std::string token =
      absl::StrCat(Base64UrlEncode(R"({"alg":"none","typ":"JWT"})"), ".",
                   Base64UrlEncode(ToJson(GoodClaims())), ".");
  ExpectRejected(token, "TOKEN_ALGORITHM_REJECTED");
  // The same without the trailing dot is not even a JWS.
  ExpectRejected(token.substr(0, token.size() - 1), "TOKEN_MALFORMED");
  // Case variants and a valid-looking signature do not help.
  ExpectRejected(SignRaw(R"({"alg":"None"})", ToJson(GoodClaims())),
                 "TOKEN_ALGORITHM_REJECTED");
  ExpectRejected(SignRaw(R"({"alg":"NONE"})", ToJson(GoodClaims())),
                 "TOKEN_ALGORITHM_REJECTED");
}

TEST_F(JwtTest, OtherAlgorithmsWithValidHmacAreRejected) {
  std::string payload = ToJson(GoodClaims());
  // HS512 header with a correct HMAC-SHA512 under our key.
  ExpectRejected(
      SignRaw(R"({"alg":"HS512","typ":"JWT"})", payload, kKey, EVP_sha512()),
      "TOKEN_ALGORITHM_REJECTED");
  // HS512 / RS256 / HS384 headers with a correct HMAC-SHA256 (confusion).
  for (const char* header :
       {R"({"alg":"HS512","typ":"JWT"})", R"({"alg":"RS256","typ":"JWT"})",
        R"({"alg":"HS384"})", R"({"alg":"hs256"})", R"({"alg":"HS256 "})",
        R"({"alg":["HS256"]})", R"({"alg":null})", R"({"typ":"JWT"})",
        R"({})"}) {
    SCOPED_TRACE(header);
    ExpectRejected(SignRaw(header, payload), "TOKEN_ALGORITHM_REJECTED");
  }
}

TEST_F(JwtTest, HeaderExtrasAreChecked) {
  std::string payload = ToJson(GoodClaims());
  EXPECT_TRUE(Verifier().Verify(SignRaw(R"({"alg":"HS256"})", payload)).ok());
  EXPECT_TRUE(Verifier()
                  .Verify(SignRaw(R"({"typ":"jwt","alg":"HS256"})", payload))
                  .ok());
  ExpectRejected(SignRaw(R"({"alg":"HS256","crit":["exp"]})", payload),
                 "TOKEN_MALFORMED");
  ExpectRejected(SignRaw(R"({"alg":"HS256","typ":"JWE"})", payload),
                 "TOKEN_MALFORMED");
}

TEST_F(JwtTest, UnknownKeyIdIsRejectedEvenWhenOurKeyVerifiesIt) {
  std::string payload = ToJson(GoodClaims());
  ExpectRejected(SignRaw(R"({"alg":"HS256","kid":"2025-old"})", payload),
                 "TOKEN_UNKNOWN_KEY");
  ExpectRejected(SignRaw(R"({"alg":"HS256","kid":""})", payload),
                 "TOKEN_UNKNOWN_KEY");
}

TEST_F(JwtTest, TamperedPayloadKeepsOldSignature) {
  std::string token = Mint(Claims());
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string payload = *Base64UrlDecode(parts[1]);
  // Flip a claim: promote the caller.
  size_t at = payload.find("\"agent\"");
  ASSERT_NE(at, std::string::npos);
  payload.replace(at, 7, "\"admin\"");
  ExpectRejected(
      absl::StrCat(parts[0], ".", Base64UrlEncode(payload), ".", parts[2]),
      "TOKEN_BAD_SIGNATURE");
  // Extend the lifetime.
  payload = *Base64UrlDecode(parts[1]);
  at = payload.find(absl::StrCat(kStart + 900));
  ASSERT_NE(at, std::string::npos);
  payload.replace(at, 10, absl::StrCat(kStart + 99999));
  ExpectRejected(
      absl::StrCat(parts[0], ".", Base64UrlEncode(payload), ".", parts[2]),
      "TOKEN_BAD_SIGNATURE");
}

TEST_F(JwtTest, TamperedSignature) {
  std::string token = Mint(Claims());
  size_t sig = token.rfind('.') + 1;
  std::string flipped = token;
  flipped[sig] = flipped[sig] == 'A' ? 'B' : 'A';
  ExpectRejected(flipped, "TOKEN_BAD_SIGNATURE");
  // Truncated, extended and empty signatures.
  ExpectRejected(token.substr(0, token.size() - 3), "TOKEN_BAD_SIGNATURE");
  ExpectRejected(absl::StrCat(token, "AAAA"), "TOKEN_BAD_SIGNATURE");
  ExpectRejected(token.substr(0, sig), "TOKEN_BAD_SIGNATURE");
  // A signature that is not base64url.
  ExpectRejected(absl::StrCat(token.substr(0, sig), "+/+/"), "TOKEN_MALFORMED");
}

TEST_F(JwtTest, SignedWithAnotherKey) {
  absl::StatusOr<std::string> token =
      MintToken(Claims(), "another-key-of-sufficient-length-0123");
  ASSERT_TRUE(token.ok());
  ExpectRejected(*token, "TOKEN_BAD_SIGNATURE");
}

TEST_F(JwtTest, WrongAudience) {
  TokenClaims claims = Claims();
  claims.audience = "cs-other";
  ExpectRejected(Mint(claims), "TOKEN_WRONG_AUDIENCE");
  claims.audience = "";
  ExpectRejected(Mint(claims), "TOKEN_WRONG_AUDIENCE");
  RawClaims raw = GoodClaims();
  raw["aud"] = "42";
  ExpectRejected(SignClaims(raw), "TOKEN_BAD_CLAIM");
}

TEST_F(JwtTest, WrongIssuer) {
  TokenClaims claims = Claims();
  claims.issuer = "evil-issuer";
  ExpectRejected(Mint(claims), "TOKEN_WRONG_ISSUER");
  claims.issuer = "";
  ExpectRejected(Mint(claims), "TOKEN_WRONG_ISSUER");
}

TEST_F(JwtTest, MissingOrBadExp) {
  RawClaims claims = GoodClaims();
  claims.erase("exp");
  ExpectRejected(SignClaims(claims), "TOKEN_BAD_CLAIM");
  for (const char* bad : {"\"1700000900\"", "null", "-1", "1e300", "true"}) {
    SCOPED_TRACE(bad);
    claims["exp"] = bad;
    ExpectRejected(SignClaims(claims), "TOKEN_BAD_CLAIM");
  }
}

TEST_F(JwtTest, MissingSubject) {
  RawClaims claims = GoodClaims();
  claims.erase("sub");
  ExpectRejected(SignClaims(claims), "TOKEN_BAD_CLAIM");
  claims["sub"] = "\"\"";
  ExpectRejected(SignClaims(claims), "TOKEN_BAD_CLAIM");
  claims["sub"] = "7";
  ExpectRejected(SignClaims(claims), "TOKEN_BAD_CLAIM");
}

TEST_F(JwtTest, UnknownRoleRejectsTheToken) {
  RawClaims claims = GoodClaims();
  claims["roles"] = R"(["agent","superuser"])";
  ExpectRejected(SignClaims(claims), "TOKEN_BAD_CLAIM");
  EXPECT_THAT(
      std::string(Verifier().Verify(SignClaims(claims)).status().message()),
      HasSubstr("unknown role"));
  claims["roles"] = R"(["Agent"])";
  ExpectRejected(SignClaims(claims), "TOKEN_BAD_CLAIM");
  claims["roles"] = R"("agent")";
  ExpectRejected(SignClaims(claims), "TOKEN_BAD_CLAIM");
  claims["roles"] = R"([1])";
  ExpectRejected(SignClaims(claims), "TOKEN_BAD_CLAIM");
}

TEST_F(JwtTest, OptionalClaimsOfWrongType) {
  for (const char* name : {"department", "name", "jti", "iss"}) {
    SCOPED_TRACE(name);
    RawClaims claims = GoodClaims();
    claims[name] = "{}";
    ExpectRejected(SignClaims(claims), "TOKEN_BAD_CLAIM");
  }
}

TEST_F(JwtTest, GarbageIsMalformed) {
  std::string good = Mint(Claims());
  std::vector<std::string> parts = absl::StrSplit(good, '.');
  const std::vector<std::string> garbage = {
      "",
      "abc",
      "a.b",
      "a.b.c",
      "..",
      "...",
      "a.b.c.d",
      absl::StrCat(good, ".", parts[2]),
      "€.€.€",
      " " + good,
      good + "\n",
      "Bearer " + good,
      absl::StrCat(parts[0], "=.", parts[1], ".", parts[2]),
      std::string(kMaxTokenBytes + 1, 'a'),
      // Valid base64url, not JSON.
      absl::StrCat(Base64UrlEncode("not json"), ".", parts[1], ".", parts[2]),
      // A JSON array as header.
      absl::StrCat(Base64UrlEncode(R"(["HS256"])"), ".", parts[1], ".",
                   parts[2]),
      std::string("\0\0.\0.\0", 7),
  };
  for (const std::string& token : garbage) {
    SCOPED_TRACE(token.substr(0, 40));
    ExpectRejected(token, "TOKEN_MALFORMED");
  }
}

TEST_F(JwtTest, PayloadThatIsNotJsonButSigned) {
  ExpectRejected(SignRaw(kHs256Header, "not json"), "TOKEN_MALFORMED");
  ExpectRejected(SignRaw(kHs256Header, "[1,2]"), "TOKEN_MALFORMED");
  ExpectRejected(SignRaw(kHs256Header, ""), "TOKEN_MALFORMED");
}

TEST_F(JwtTest, ShortKeyIsRefused) {
  const std::string short_key(kMinKeyBytes - 1, 'z');
  absl::StatusOr<std::string> token = MintToken(Claims(), short_key);
  EXPECT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(token.status().message()), Not(HasSubstr(short_key)));

  TokenVerifier::Options options = Options();
  options.key = short_key;
  absl::StatusOr<TokenVerifier> verifier =
      TokenVerifier::Create(options, clock_);
  EXPECT_EQ(verifier.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(verifier.status().message()),
              Not(HasSubstr(short_key)));

  // The plain constructor fails closed.
  TokenVerifier closed(options, clock_);
  EXPECT_FALSE(closed.init_status().ok());
  EXPECT_EQ(closed.Verify(Mint(Claims())).status().code(),
            absl::StatusCode::kFailedPrecondition);

  EXPECT_TRUE(MintToken(Claims(), std::string(kMinKeyBytes, 'z')).ok());
}

TEST_F(JwtTest, CreateValidatesOptions) {
  TokenVerifier::Options options = Options();
  options.issuer = "";
  EXPECT_EQ(TokenVerifier::Create(options, clock_).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = Options();
  options.audience = "";
  EXPECT_EQ(TokenVerifier::Create(options, clock_).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = Options();
  options.leeway = absl::Seconds(-1);
  EXPECT_EQ(TokenVerifier::Create(options, clock_).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.leeway = absl::Hours(1);
  EXPECT_EQ(TokenVerifier::Create(options, clock_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(JwtTest, MintValidatesClaims) {
  TokenClaims claims = Claims();
  claims.subject = "";
  EXPECT_EQ(MintToken(claims, kKey).status().code(),
            absl::StatusCode::kInvalidArgument);
  claims = Claims();
  claims.expires_at = absl::InfinitePast();
  EXPECT_EQ(MintToken(claims, kKey).status().code(),
            absl::StatusCode::kInvalidArgument);
  claims.expires_at = absl::InfiniteFuture();
  EXPECT_EQ(MintToken(claims, kKey).status().code(),
            absl::StatusCode::kInvalidArgument);
}

class KeyFileTest : public ::testing::Test {
 protected:
  std::string PathFor(absl::string_view name) {
    return absl::StrCat(::testing::TempDir(), "/auth_key_", name, "_",
                        cs::NewUlid(absl::Now()));
  }
};

TEST_F(KeyFileTest, TrimsTrailingNewline) {
  std::string path = PathFor("good");
  ASSERT_TRUE(
      cs::WriteFileAtomically(path, absl::StrCat(kKey, "\n \r\n")).ok());
  absl::StatusOr<std::string> key = LoadKeyFile(path);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, kKey);
}

TEST_F(KeyFileTest, ShortKeyNamesPathNotKey) {
  std::string path = PathFor("short");
  const std::string secret = "short-secret-value\n";
  ASSERT_TRUE(cs::WriteFileAtomically(path, secret).ok());
  absl::StatusOr<std::string> key = LoadKeyFile(path);
  EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(key.status().message()), HasSubstr(path));
  EXPECT_THAT(std::string(key.status().message()),
              Not(HasSubstr("short-secret")));
}

TEST_F(KeyFileTest, PaddingWithWhitespaceDoesNotCount) {
  std::string path = PathFor("spaces");
  ASSERT_TRUE(
      cs::WriteFileAtomically(path, std::string(10, 'k') + std::string(40, ' '))
          .ok());
  EXPECT_EQ(LoadKeyFile(path).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(KeyFileTest, MissingFile) {
  std::string path = PathFor("missing");
  absl::StatusOr<std::string> key = LoadKeyFile(path);
  EXPECT_EQ(key.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(key.status().message()), HasSubstr(path));
}

}  // namespace
}  // namespace cs::auth
