#include "libs/common/page_token.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "cs/common/v1/types.pb.h"
#include "libs/common/errors.h"
#include "libs/common/fingerprint.h"

namespace cs {

int32_t EffectivePageSize(int32_t requested) {
  if (requested <= 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

uint64_t QueryFingerprint(absl::string_view query) {
  return Fingerprint64(query);
}

uint64_t QueryFingerprint(absl::string_view list,
                          const google::protobuf::Message& query) {
  return Fingerprint64(absl::StrCat(list, "|", DeterministicBytes(query)));
}

std::string EncodePageToken(absl::string_view after_key, uint64_t fingerprint) {
  common::v1::PageToken token;
  token.set_after_key(std::string(after_key));
  token.set_query_fingerprint(fingerprint);
  return absl::WebSafeBase64Escape(token.SerializeAsString());
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            uint64_t expected_fingerprint) {
  if (token.empty()) return std::string();
  std::string bytes;
  common::v1::PageToken parsed;
  if (!absl::WebSafeBase64Unescape(token, &bytes) ||
      !parsed.ParseFromString(bytes) || parsed.after_key().empty()) {
    return InvalidField("page_token", "is not a token returned by this service");
  }
  if (parsed.query_fingerprint() != expected_fingerprint) {
    return InvalidField("page_token",
                        "was issued for a different filter or order");
  }
  return parsed.after_key();
}

}  // namespace cs
