#include "services/escalation/domain/webhook_signature.h"

#include <openssl/crypto.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/common/fingerprint.h"
#include "libs/common/status_macros.h"

namespace cs::escalation {

absl::StatusOr<std::string> SignWebhook(absl::string_view secret,
                                        int64_t unix_seconds,
                                        absl::string_view body) {
  const std::string timestamp = absl::StrCat(unix_seconds);
  ASSIGN_OR_RETURN(std::string mac,
                   HmacSha256(secret, absl::StrCat(timestamp, ".", body)));
  return absl::StrCat("t=", timestamp, ",v1=", absl::BytesToHexString(mac));
}

absl::Status VerifyWebhookSignature(absl::string_view secret,
                                    absl::string_view header,
                                    absl::string_view body, absl::Time now,
                                    absl::Duration tolerance) {
  int64_t timestamp = 0;
  bool has_timestamp = false;
  std::string given;
  for (absl::string_view part : absl::StrSplit(header, ',')) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    if (kv.first == "t") {
      has_timestamp = absl::SimpleAtoi(kv.second, &timestamp);
    } else if (kv.first == "v1") {
      given = std::string(kv.second);
    }
  }
  if (!has_timestamp || given.empty()) {
    return absl::UnauthenticatedError("signature header is malformed");
  }
  if (absl::AbsDuration(now - absl::FromUnixSeconds(timestamp)) > tolerance) {
    return absl::UnauthenticatedError("signature timestamp is too old or new");
  }
  ASSIGN_OR_RETURN(std::string expected, SignWebhook(secret, timestamp, body));
  const std::string expected_hex = expected.substr(expected.find("v1=") + 3);
  if (given.size() != expected_hex.size() ||
      CRYPTO_memcmp(given.data(), expected_hex.data(), given.size()) != 0) {
    return absl::UnauthenticatedError("signature does not match");
  }
  return absl::OkStatus();
}

}  // namespace cs::escalation
