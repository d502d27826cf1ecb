// Stable content fingerprints (SHA-256 based) for etags, page-token query
// fingerprints and idempotency checks. Stable across processes and restarts
// (unlike absl::Hash, which is salted per process).
//
//   std::string etag = Fingerprint64Hex(DeterministicBytes(ticket));
//
// Pure and thread-safe.
#ifndef CS_LIBS_COMMON_FINGERPRINT_H_
#define CS_LIBS_COMMON_FINGERPRINT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace cs {

// The message serialized deterministically (map entries sorted).
std::string DeterministicBytes(const google::protobuf::Message& message);

// SHA-256 of `data` (32 raw bytes).
std::string Sha256(absl::string_view data);

// HMAC-SHA256 of `data` under `key` (32 raw bytes). INTERNAL only when the
// crypto library fails.
absl::StatusOr<std::string> HmacSha256(absl::string_view key,
                                       absl::string_view data);

// The first 8 bytes of SHA-256 as a big-endian integer.
uint64_t Fingerprint64(absl::string_view data);

// Fingerprint64 as 16 lower-case hex digits.
std::string Fingerprint64Hex(absl::string_view data);

}  // namespace cs

#endif  // CS_LIBS_COMMON_FINGERPRINT_H_
