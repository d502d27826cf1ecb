#include "libs/common/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "cs/common/v1/types.pb.h"
#include "libs/common/errors.h"
#include "libs/common/fingerprint.h"

namespace cs {
namespace {

constexpr size_t kSignatureBytes = 16;

std::string Hmac(absl::string_view key, absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

struct SigningKey {
  absl::Mutex mu;
  std::string key ABSL_GUARDED_BY(mu);
};

SigningKey& Key() {
  static SigningKey* key = [] {
    auto* k = new SigningKey;
    unsigned char random[32];
    if (RAND_bytes(random, sizeof(random)) != 1) std::abort();
    absl::MutexLock lock(&k->mu);
    k->key.assign(reinterpret_cast<const char*>(random), sizeof(random));
    return k;
  }();
  return *key;
}

std::string Sign(absl::string_view payload) {
  SigningKey& k = Key();
  absl::ReaderMutexLock lock(&k.mu);
  return Hmac(k.key, payload).substr(0, kSignatureBytes);
}

}  // namespace

void SetPageTokenSecret(absl::string_view secret) {
  std::string derived = Hmac(secret, "cs.common.v1.PageToken signing key");
  SigningKey& k = Key();
  absl::MutexLock lock(&k.mu);
  k.key = std::move(derived);
}

int32_t EffectivePageSize(int32_t requested) {
  if (requested <= 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

absl::StatusOr<int32_t> CheckedPageSize(int32_t requested) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  return EffectivePageSize(requested);
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
  std::string payload = token.SerializeAsString();
  return absl::WebSafeBase64Escape(absl::StrCat(payload, Sign(payload)));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            uint64_t expected_fingerprint) {
  if (token.empty()) return std::string();
  std::string bytes;
  common::v1::PageToken parsed;
  if (!absl::WebSafeBase64Unescape(token, &bytes) ||
      bytes.size() <= kSignatureBytes) {
    return InvalidField("page_token", "is not a token returned by this service");
  }
  const absl::string_view payload =
      absl::string_view(bytes).substr(0, bytes.size() - kSignatureBytes);
  const std::string expected = Sign(payload);
  if (CRYPTO_memcmp(expected.data(), bytes.data() + payload.size(),
                    kSignatureBytes) != 0 ||
      !parsed.ParseFromArray(payload.data(), static_cast<int>(payload.size())) ||
      parsed.after_key().empty()) {
    return InvalidField("page_token", "is not a token returned by this service");
  }
  if (parsed.query_fingerprint() != expected_fingerprint) {
    return InvalidField("page_token",
                        "was issued for a different filter or order");
  }
  return parsed.after_key();
}

}  // namespace cs
