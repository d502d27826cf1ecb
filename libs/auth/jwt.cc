#include "libs/auth/jwt.h"

#include <openssl/crypto.h>

#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "libs/auth/base64url.h"
#include "libs/common/errors.h"
#include "libs/common/files.h"
#include "libs/common/fingerprint.h"
#include "libs/common/status_macros.h"

namespace cs::auth {
namespace {

using ::google::protobuf::ListValue;
using ::google::protobuf::Struct;
using ::google::protobuf::Value;

// The only header MintToken writes, and the only alg Verify accepts.
constexpr absl::string_view kHeaderJson = R"({"alg":"HS256","typ":"JWT"})";
constexpr absl::string_view kAlgorithm = "HS256";

// Largest NumericDate accepted: 9999-12-31T23:59:59Z.
constexpr double kMaxNumericDate = 253402300799.0;

constexpr absl::Duration kMaxLeeway = absl::Minutes(5);

// ErrorInfo reasons (see jwt.h).
constexpr absl::string_view kMalformed = "TOKEN_MALFORMED";
constexpr absl::string_view kAlgorithmRejected = "TOKEN_ALGORITHM_REJECTED";
constexpr absl::string_view kBadSignature = "TOKEN_BAD_SIGNATURE";
constexpr absl::string_view kUnknownKey = "TOKEN_UNKNOWN_KEY";
constexpr absl::string_view kExpired = "TOKEN_EXPIRED";
constexpr absl::string_view kNotYetValid = "TOKEN_NOT_YET_VALID";
constexpr absl::string_view kWrongIssuer = "TOKEN_WRONG_ISSUER";
constexpr absl::string_view kWrongAudience = "TOKEN_WRONG_AUDIENCE";
constexpr absl::string_view kBadClaim = "TOKEN_BAD_CLAIM";

absl::Status Reject(absl::string_view reason, absl::string_view why) {
  return cs::WithErrorInfo(
      absl::UnauthenticatedError(absl::StrCat("bearer token rejected: ", why)),
      reason);
}

absl::Status CheckKey(absl::string_view key, absl::string_view what) {
  if (key.size() < kMinKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is ", key.size(), " bytes; at least ",
                     kMinKeyBytes, " are required"));
  }
  return absl::OkStatus();
}

// Decodes one base64url part holding a JSON object. `which` is "header" or
// "payload".
absl::StatusOr<Struct> DecodeJsonPart(absl::string_view part,
                                      absl::string_view which) {
  absl::StatusOr<std::string> json = Base64UrlDecode(part);
  if (!json.ok()) {
    return Reject(kMalformed, absl::StrCat(which, " is not base64url"));
  }
  Struct object;
  google::protobuf::util::JsonParseOptions options;
  if (!google::protobuf::util::JsonStringToMessage(*json, &object, options)
           .ok()) {
    return Reject(kMalformed, absl::StrCat(which, " is not a JSON object"));
  }
  return object;
}

const Value* Find(const Struct& object, absl::string_view name) {
  auto it = object.fields().find(std::string(name));
  return it == object.fields().end() ? nullptr : &it->second;
}

// The string claim `name`: nullopt when absent, TOKEN_BAD_CLAIM when present
// with another JSON type.
absl::StatusOr<std::optional<std::string>> StringClaim(const Struct& object,
                                                       absl::string_view name) {
  const Value* value = Find(object, name);
  if (value == nullptr) return std::optional<std::string>();
  if (value->kind_case() != Value::kStringValue) {
    return Reject(kBadClaim,
                  absl::StrCat("claim \"", name, "\" is not a string"));
  }
  return std::optional<std::string>(value->string_value());
}

// The NumericDate claim `name` (seconds since the epoch): nullopt when
// absent, TOKEN_BAD_CLAIM when not a number in [0, year 9999].
absl::StatusOr<std::optional<absl::Time>> TimeClaim(const Struct& object,
                                                    absl::string_view name) {
  const Value* value = Find(object, name);
  if (value == nullptr) return std::optional<absl::Time>();
  if (value->kind_case() != Value::kNumberValue ||
      !std::isfinite(value->number_value()) || value->number_value() < 0 ||
      value->number_value() > kMaxNumericDate) {
    return Reject(kBadClaim,
                  absl::StrCat("claim \"", name, "\" is not a NumericDate"));
  }
  return std::optional<absl::Time>(absl::UnixEpoch() +
                                   absl::Seconds(value->number_value()));
}

absl::Status CheckHeader(const Struct& header) {
  const Value* alg = Find(header, "alg");
  if (alg == nullptr) {
    return Reject(kAlgorithmRejected, "header has no alg");
  }
  if (alg->kind_case() != Value::kStringValue ||
      alg->string_value() != kAlgorithm) {
    return Reject(kAlgorithmRejected, "alg must be HS256");
  }
  // The suite signs with one shared key that has no id; a token naming a
  // key (RFC 7515 4.1.4) was meant for a key we do not hold, even if our
  // key happens to verify it.
  if (Find(header, "kid") != nullptr) {
    return Reject(kUnknownKey, "unknown key id");
  }
  // RFC 7515 4.1.11: extensions we do not understand must be rejected.
  if (Find(header, "crit") != nullptr) {
    return Reject(kMalformed, "header has unsupported crit extensions");
  }
  const Value* typ = Find(header, "typ");
  if (typ != nullptr && (typ->kind_case() != Value::kStringValue ||
                         !absl::EqualsIgnoreCase(typ->string_value(), "JWT"))) {
    return Reject(kMalformed, "typ must be JWT");
  }
  return absl::OkStatus();
}

absl::Status CheckAudience(const Struct& payload, absl::string_view ours) {
  const Value* aud = Find(payload, "aud");
  if (aud == nullptr) return Reject(kWrongAudience, "no audience");
  if (aud->kind_case() == Value::kStringValue) {
    if (aud->string_value() == ours) return absl::OkStatus();
    return Reject(kWrongAudience, "token is for another audience");
  }
  if (aud->kind_case() != Value::kListValue) {
    return Reject(kBadClaim, "claim \"aud\" is not a string or array");
  }
  bool found = false;
  for (const Value& item : aud->list_value().values()) {
    if (item.kind_case() != Value::kStringValue) {
      return Reject(kBadClaim, "claim \"aud\" holds a non-string");
    }
    if (item.string_value() == ours) found = true;
  }
  if (!found) return Reject(kWrongAudience, "token is for another audience");
  return absl::OkStatus();
}

absl::StatusOr<RoleSet> RolesClaim(const Struct& payload) {
  const Value* roles = Find(payload, "roles");
  if (roles == nullptr) return RoleSet();
  if (roles->kind_case() != Value::kListValue) {
    return Reject(kBadClaim, "claim \"roles\" is not an array");
  }
  RoleSet set;
  for (const Value& item : roles->list_value().values()) {
    if (item.kind_case() != Value::kStringValue) {
      return Reject(kBadClaim, "claim \"roles\" holds a non-string");
    }
    absl::StatusOr<Role> role = RoleFromName(item.string_value());
    if (!role.ok()) return Reject(kBadClaim, role.status().message());
    set.Add(*role);
  }
  return set;
}

double ToNumericDate(absl::Time t) {
  return static_cast<double>(absl::ToUnixSeconds(t));
}

}  // namespace

absl::StatusOr<std::string> MintToken(const TokenClaims& claims,
                                      absl::string_view key) {
  RETURN_IF_ERROR(CheckKey(key, "signing key"));
  if (claims.subject.empty()) {
    return cs::InvalidField("subject", "must not be empty");
  }
  auto valid_time = [](absl::Time t) {
    return t >= absl::UnixEpoch() &&
           t <= absl::UnixEpoch() + absl::Seconds(kMaxNumericDate);
  };
  if (!valid_time(claims.expires_at)) {
    return cs::InvalidField("expires_at",
                            "must be a time between 1970 and 9999");
  }
  if (claims.issued_at != absl::InfinitePast() &&
      !valid_time(claims.issued_at)) {
    return cs::InvalidField("issued_at",
                            "must be a time between 1970 and 9999");
  }
  if (claims.not_before != absl::InfinitePast() &&
      !valid_time(claims.not_before)) {
    return cs::InvalidField("not_before",
                            "must be a time between 1970 and 9999");
  }

  Struct payload;
  auto& fields = *payload.mutable_fields();
  auto put_string = [&fields](const char* name, const std::string& value) {
    if (!value.empty()) fields[name].set_string_value(value);
  };
  put_string("sub", claims.subject);
  put_string("iss", claims.issuer);
  put_string("aud", claims.audience);
  put_string("department", claims.department);
  put_string("name", claims.name);
  put_string("jti", claims.token_id);
  ListValue* roles = fields["roles"].mutable_list_value();
  for (const std::string& name : claims.roles.Names()) {
    roles->add_values()->set_string_value(name);
  }
  fields["exp"].set_number_value(ToNumericDate(claims.expires_at));
  if (claims.issued_at != absl::InfinitePast()) {
    fields["iat"].set_number_value(ToNumericDate(claims.issued_at));
  }
  if (claims.not_before != absl::InfinitePast()) {
    fields["nbf"].set_number_value(ToNumericDate(claims.not_before));
  }

  std::string payload_json;
  if (!google::protobuf::util::MessageToJsonString(payload, &payload_json)
           .ok()) {
    return absl::InternalError("cannot encode token claims as JSON");
  }
  std::string token = absl::StrCat(Base64UrlEncode(kHeaderJson), ".",
                                   Base64UrlEncode(payload_json));
  ASSIGN_OR_RETURN(std::string mac, HmacSha256(key, token));
  absl::StrAppend(&token, ".", Base64UrlEncode(mac));
  return token;
}

absl::StatusOr<std::string> LoadKeyFile(absl::string_view path) {
  ASSIGN_OR_RETURN(std::string key, cs::ReadFileToString(path));
  absl::StripTrailingAsciiWhitespace(&key);
  RETURN_IF_ERROR(CheckKey(key, absl::StrCat("key file ", path)));
  return key;
}

absl::StatusOr<TokenVerifier> TokenVerifier::Create(Options options,
                                                    const cs::Clock& clock) {
  TokenVerifier verifier(std::move(options), clock);
  if (!verifier.init_status_.ok()) return verifier.init_status_;
  return verifier;
}

TokenVerifier::TokenVerifier(Options options, const cs::Clock& clock)
    : options_(std::move(options)), clock_(&clock) {
  if (absl::Status s = CheckKey(options_.key, "verification key"); !s.ok()) {
    init_status_ = std::move(s);
  } else if (options_.issuer.empty()) {
    init_status_ = cs::InvalidField("issuer", "must not be empty");
  } else if (options_.audience.empty()) {
    init_status_ = cs::InvalidField("audience", "must not be empty");
  } else if (options_.leeway < absl::ZeroDuration() ||
             options_.leeway > kMaxLeeway) {
    init_status_ = cs::InvalidField("leeway", "must be between 0 and 5m");
  }
}

absl::StatusOr<Principal> TokenVerifier::Verify(absl::string_view token) const {
  if (!init_status_.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "token verifier is misconfigured: ", init_status_.message()));
  }
  // Signature, issuer, audience and roles are fixed for a given token under
  // this verifier; only the time claims need checking again.
  if (std::optional<VerifiedToken> cached = cache_->Find(token)) {
    RETURN_IF_ERROR(CheckTimes(cached->exp, cached->nbf, cached->iat));
    return cached->principal;
  }
  ASSIGN_OR_RETURN(VerifiedToken verified, VerifyUncached(token));
  cache_->Insert(token, verified);
  return std::move(verified.principal);
}

absl::Status TokenVerifier::CheckTimes(absl::Time exp,
                                       std::optional<absl::Time> nbf,
                                       std::optional<absl::Time> iat) const {
  const absl::Time now = clock_->Now();
  const absl::Duration leeway = options_.leeway;
  if (now >= exp + leeway) return Reject(kExpired, "expired");
  if (nbf.has_value() && *nbf > now + leeway) {
    return Reject(kNotYetValid, "not valid yet (nbf is in the future)");
  }
  if (iat.has_value() && *iat > now + leeway) {
    return Reject(kNotYetValid, "issued in the future (iat)");
  }
  return absl::OkStatus();
}

absl::StatusOr<TokenVerifier::VerifiedToken> TokenVerifier::VerifyUncached(
    absl::string_view token) const {
  if (token.empty()) return Reject(kMalformed, "empty token");
  if (token.size() > kMaxTokenBytes) return Reject(kMalformed, "too long");

  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) {
    return Reject(kMalformed, "not three dot-separated parts");
  }

  // 1. The header pins the algorithm before anything else is trusted.
  ASSIGN_OR_RETURN(Struct header, DecodeJsonPart(parts[0], "header"));
  RETURN_IF_ERROR(CheckHeader(header));

  // 2. The signature covers "header.payload" exactly as received.
  absl::StatusOr<std::string> signature = Base64UrlDecode(parts[2]);
  if (!signature.ok()) {
    return Reject(kMalformed, "signature is not base64url");
  }
  absl::string_view signing_input =
      token.substr(0, parts[0].size() + 1 + parts[1].size());
  ASSIGN_OR_RETURN(std::string expected,
                   HmacSha256(options_.key, signing_input));
  if (signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return Reject(kBadSignature, "signature does not match");
  }

  // 3. Claims, from a payload now known to come from the key holder.
  ASSIGN_OR_RETURN(Struct payload, DecodeJsonPart(parts[1], "payload"));
  ASSIGN_OR_RETURN(std::optional<absl::Time> exp, TimeClaim(payload, "exp"));
  if (!exp.has_value()) return Reject(kBadClaim, "no exp claim");
  ASSIGN_OR_RETURN(std::optional<absl::Time> nbf, TimeClaim(payload, "nbf"));
  ASSIGN_OR_RETURN(std::optional<absl::Time> iat, TimeClaim(payload, "iat"));
  RETURN_IF_ERROR(CheckTimes(*exp, nbf, iat));

  ASSIGN_OR_RETURN(std::optional<std::string> iss, StringClaim(payload, "iss"));
  if (!iss.has_value()) return Reject(kWrongIssuer, "no issuer");
  if (*iss != options_.issuer) {
    return Reject(kWrongIssuer, "issued by another issuer");
  }
  RETURN_IF_ERROR(CheckAudience(payload, options_.audience));

  Principal principal;
  ASSIGN_OR_RETURN(std::optional<std::string> sub, StringClaim(payload, "sub"));
  if (!sub.has_value() || sub->empty()) {
    return Reject(kBadClaim, "no sub claim");
  }
  principal.subject = std::move(*sub);
  ASSIGN_OR_RETURN(principal.roles, RolesClaim(payload));
  ASSIGN_OR_RETURN(std::optional<std::string> department,
                   StringClaim(payload, "department"));
  principal.department = department.value_or("");
  ASSIGN_OR_RETURN(std::optional<std::string> name,
                   StringClaim(payload, "name"));
  principal.display_name = name.value_or("");
  ASSIGN_OR_RETURN(std::optional<std::string> jti, StringClaim(payload, "jti"));
  principal.token_id = jti.value_or("");
  return VerifiedToken{std::move(principal), *exp, nbf, iat};
}

std::optional<TokenVerifier::VerifiedToken> TokenVerifier::Cache::Find(
    absl::string_view token) const {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(token);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void TokenVerifier::Cache::Insert(absl::string_view token,
                                  const VerifiedToken& verified) {
  absl::MutexLock lock(&mu_);
  // Bounded without bookkeeping: a full cache starts over. Tokens are reused
  // by the same callers, so it refills with the live ones at once.
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_.emplace(std::string(token), verified);
}

}  // namespace cs::auth
