#include "libs/common/fingerprint.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "absl/strings/str_format.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace cs {

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return out;
}

std::string Sha256(absl::string_view data) {
  // OpenSSL 3's one-shot SHA256() looks the implementation up on every call
  // (a visible share of a CreateTicket in the profile); fetch it once.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  if (sha256 == nullptr ||
      EVP_Digest(data.data(), data.size(), digest, nullptr, sha256,
                 nullptr) != 1) {
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
           digest);
  }
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

absl::StatusOr<std::string> HmacSha256(absl::string_view key,
                                       absl::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(),
           mac, &mac_len) == nullptr ||
      mac_len != SHA256_DIGEST_LENGTH) {
    return absl::InternalError("HMAC-SHA256 computation failed");
  }
  return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

uint64_t Fingerprint64(absl::string_view data) {
  const std::string digest = Sha256(data);
  uint64_t out = 0;
  for (int i = 0; i < 8; ++i) {
    out = (out << 8) | static_cast<unsigned char>(digest[i]);
  }
  return out;
}

std::string Fingerprint64Hex(absl::string_view data) {
  return absl::StrFormat("%016x", Fingerprint64(data));
}

}  // namespace cs
