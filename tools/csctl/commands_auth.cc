// keygen and token: local commands for the suite's HS256 bearer tokens.
//
//   csctl keygen --out /run/keys/jwt            # 64 hex chars, mode 0600
//   csctl token --key-file /run/keys/jwt --sub alice --roles agent,team_lead
//         --dept 客服部 --name 张三 --ttl 8h
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "libs/auth/jwt.h"
#include "libs/auth/roles.h"
#include "libs/common/files.h"
#include "libs/common/ids.h"
#include "libs/common/status_macros.h"
#include "openssl/crypto.h"
#include "openssl/rand.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/output.h"

namespace cs::csctl {
namespace {

constexpr size_t kKeyBytes = 32;

// Prints {"key":"value",...} for --json, keys in the given order.
absl::Status PrintJsonFields(
    std::ostream& out,
    const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string json = "{";
  for (const auto& [key, value] : fields) {
    // A google.protobuf.Value prints as a correctly escaped JSON string.
    google::protobuf::Value key_json, value_json;
    key_json.set_string_value(key);
    value_json.set_string_value(value);
    ASSIGN_OR_RETURN(std::string k, ToJson(key_json));
    ASSIGN_OR_RETURN(std::string v, ToJson(value_json));
    absl::StrAppend(&json, json.size() > 1 ? "," : "", k, ":", v);
  }
  out << json << "}\n";
  return absl::OkStatus();
}

class KeygenCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("out", &out_, "file to write the key to",
                    ConfigParser::kRequired);
    flags.AddBool("force", &force_, "replace the file when it exists");
  }

  absl::Status Run(CommandContext& context) override {
    std::error_code error;
    bool exists =
        std::filesystem::exists(std::filesystem::symlink_status(out_, error));
    if (exists && !force_) {
      return absl::AlreadyExistsError(
          absl::StrCat(out_, " already exists; pass --force to replace it"));
    }
    unsigned char bytes[kKeyBytes];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
      return absl::InternalError("no randomness available (RAND_bytes failed)");
    }
    std::string hex = absl::BytesToHexString(absl::string_view(
                          reinterpret_cast<const char*>(bytes), sizeof bytes)) +
                      "\n";
    OPENSSL_cleanse(bytes, sizeof bytes);
    absl::Status written = WriteFileAtomically(out_, hex, 0600);
    OPENSSL_cleanse(hex.data(), hex.size());
    RETURN_IF_ERROR(written);
    if (context.options().json)
      return PrintJsonFields(context.out(), {{"file", out_}});
    context.out() << "wrote a new " << kKeyBytes * 8 << "-bit key to " << out_
                  << " (mode 0600)\n";
    return absl::OkStatus();
  }

 private:
  std::string out_;
  bool force_ = false;
};

class TokenCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("key-file", &key_file_, "HS256 signing key (see keygen)",
                    ConfigParser::kRequired);
    flags.AddString("sub", &claims_.subject, "subject (user id)");
    flags.AddString("roles", &roles_,
                    "comma-separated roles: agent, team_lead, supervisor, qa, "
                    "kb_editor, complaint_officer, director, admin, service");
    flags.AddString("dept", &claims_.department, "department, e.g. 客服部");
    flags.AddString("name", &claims_.name, "display name, e.g. 张三");
    flags.AddDuration("ttl", &ttl_, "lifetime of the token", absl::Seconds(1),
                      absl::Hours(24 * 366));
    flags.AddString("issuer", &claims_.issuer, "iss claim");
    flags.AddString("audience", &claims_.audience, "aud claim");
  }

  absl::Status Run(CommandContext& context) override {
    std::vector<std::string> names;
    for (absl::string_view name :
         absl::StrSplit(roles_, ',', absl::SkipWhitespace())) {
      names.emplace_back(absl::StripAsciiWhitespace(name));
    }
    absl::StatusOr<auth::RoleSet> roles = auth::RoleSet::FromNames(names);
    if (!roles.ok()) {
      return UsageError(
          absl::StrCat("csctl token: --roles: ", roles.status().message()));
    }
    if (claims_.subject.empty()) {
      return UsageError("csctl token: --sub must not be empty");
    }
    ASSIGN_OR_RETURN(std::string key, auth::LoadKeyFile(key_file_));
    absl::Time now = context.clock().Now();
    claims_.roles = *roles;
    claims_.issued_at = now;
    claims_.expires_at = now + ttl_;
    claims_.token_id = NewUlid(now);
    absl::StatusOr<std::string> token = auth::MintToken(claims_, key);
    OPENSSL_cleanse(key.data(), key.size());
    if (!token.ok()) return token.status();
    if (context.options().json) {
      return PrintJsonFields(
          context.out(),
          {{"token", *token},
           {"expireTime", FormatDisplayTime(absl::FromUnixSeconds(
                              absl::ToUnixSeconds(claims_.expires_at)))}});
    }
    context.out() << *token << "\n";
    return absl::OkStatus();
  }

 private:
  std::string key_file_;
  std::string roles_ = "agent";
  absl::Duration ttl_ = absl::Hours(8);
  auth::TokenClaims claims_ = [] {
    auth::TokenClaims claims;
    claims.subject = "dev";
    claims.issuer = "cs-suite";
    claims.audience = "cs-suite";
    return claims;
  }();
};

}  // namespace

void RegisterAuthCommands(CommandRegistry& registry) {
  registry.Add<KeygenCommand>(
      {"keygen"}, "write a new random HS256 signing key (64 hex chars, 0600)");
  registry.Add<TokenCommand>({"token"},
                             "mint a bearer token signed with --key-file");
}

}  // namespace cs::csctl
