// Opaque page tokens for List RPCs (AIP-158), in the cs.common.v1.PageToken
// convention: the last key of the previous page plus a fingerprint of the
// query, so a token is refused when replayed with another filter or order.
// Tokens are signed (HMAC-SHA256, 128 bits) so that a client cannot forge
// one that starts a scan at a key of its choosing.
//
//   uint64_t query = cs::QueryFingerprint("agents|" + department);
//   ASSIGN_OR_RETURN(std::string after, cs::DecodePageToken(token, query));
//   ... scan from after ...
//   response.set_next_page_token(cs::EncodePageToken(last_key, query));
#ifndef CS_LIBS_COMMON_PAGE_TOKEN_H_
#define CS_LIBS_COMMON_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace cs {

// Default and maximum page sizes shared by every List RPC.
inline constexpr int32_t kDefaultPageSize = 50;
inline constexpr int32_t kMaxPageSize = 200;

// 0 (or negative) → kDefaultPageSize; above kMaxPageSize → kMaxPageSize.
int32_t EffectivePageSize(int32_t requested);

// EffectivePageSize of a List request's page_size, refusing a negative one
// (AIP-158) with INVALID_ARGUMENT on "page_size".
absl::StatusOr<int32_t> CheckedPageSize(int32_t requested);

// Stable 64-bit fingerprint of a query described as text.
uint64_t QueryFingerprint(absl::string_view query);

// Stable fingerprint of a query message (deterministic serialization) with a
// prefix naming the list, e.g. ("tickets", filter).
uint64_t QueryFingerprint(absl::string_view list,
                          const google::protobuf::Message& query);

// Signs tokens from now on with a key derived from `secret` (e.g. the
// suite's auth key; ServiceHost::Create does this), so tokens stay valid
// across restarts and between replicas sharing it. Until called, a random
// per-process key is used. Thread-safe; tokens signed with the previous key
// are refused afterwards.
void SetPageTokenSecret(absl::string_view secret);

// Opaque, URL-safe, signed token for the page after `after_key`.
std::string EncodePageToken(absl::string_view after_key, uint64_t fingerprint);

// The after_key of `token`, or "" for an empty token (first page).
// INVALID_ARGUMENT on "page_token" when malformed, not signed with the
// current key (tampered, or from another deployment) or issued for another
// query.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            uint64_t expected_fingerprint);

}  // namespace cs

#endif  // CS_LIBS_COMMON_PAGE_TOKEN_H_
