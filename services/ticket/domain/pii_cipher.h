// Encryption at rest of sensitive customer fields (ID-card and bank-card
// numbers, names and phones) with AES-256-GCM (OpenSSL EVP), under a keyring
// that supports key rotation: encrypt with the current key, decrypt with any
// key still in the ring.
//
//   ASSIGN_OR_RETURN(Keyring ring, Keyring::LoadFromFile(config.pii_key_file));
//   const std::string aad = PiiAad("customers/c-1001",
//   common::v1::PII_FIELD_ID_CARD); ASSIGN_OR_RETURN(std::string sealed,
//   ring.Encrypt("11010519491231002X", aad)); ASSIGN_OR_RETURN(std::string
//   clear, ring.Decrypt(sealed, aad));
//
// Ciphertext layout (binary, stored as bytes):
//   "CSP1" | key_id length (1 byte) | key_id | key version (4 bytes, big
//   endian) | nonce (12 random bytes) | AES-GCM ciphertext | tag (16 bytes)
// The header (magic through version) and the caller's AAD are both
// authenticated, so a ciphertext moved to another record (different AAD), a
// changed key id/version, or any flipped bit fails to decrypt.
//
// Key file formats (Keyring::Parse):
//   * exactly 32 raw bytes, or 64 hex characters (surrounding whitespace
//     ignored): one key with id "default", version 1;
//   * otherwise a text keyring, one key per line, '#' comments:
//       <key_id> <version> <64 hex chars> [current]
//     key_id is 1–32 of [A-Za-z0-9_.-], version 1..4294967295. The line marked
//     `current` (at most one) encrypts; without a mark the last line does.
//
// Errors: Decrypt returns DATA_LOSS when the ciphertext is malformed or fails
// authentication (tampered, wrong AAD, wrong key bytes) — the stored value is
// unusable, and the message says no more than that; FAILED_PRECONDITION with
// ErrorInfo reason "UNKNOWN_KEY" when its key id/version is not in the ring
// (the operator must add the old key). No error message ever contains key
// material or plaintext.
//
// A Keyring is immutable after construction and thread-safe; it is move-only
// and wipes its key bytes on destruction.
#ifndef CS_SERVICES_TICKET_DOMAIN_PII_CIPHER_H_
#define CS_SERVICES_TICKET_DOMAIN_PII_CIPHER_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cs/ticket/v1/ticket.pb.h"

namespace cs::ticket {

inline constexpr size_t kPiiKeyBytes = 32;
inline constexpr size_t kMaxPiiPlaintextBytes = 64 * 1024;

// Identity of one key in a keyring.
struct KeyRef {
  std::string key_id;
  uint32_t version = 0;
  friend bool operator==(const KeyRef& a, const KeyRef& b) {
    return a.key_id == b.key_id && a.version == b.version;
  }
};

class Keyring {
 public:
  Keyring(Keyring&&) = default;
  Keyring& operator=(Keyring&&) = default;
  Keyring(const Keyring&) = delete;
  Keyring& operator=(const Keyring&) = delete;
  ~Keyring();

  // Parses key file contents (formats above). INVALID_ARGUMENT naming the
  // line for a malformed line, a bad id/version/hex, a duplicate id+version,
  // two `current` marks, or no key at all.
  static absl::StatusOr<Keyring> Parse(absl::string_view contents);

  // Reads and parses the file at `path`. NOT_FOUND / PERMISSION_DENIED from
  // reading (naming the path), otherwise as Parse.
  static absl::StatusOr<Keyring> LoadFromFile(absl::string_view path);

  // A keyring of one key (for tests and tools). INVALID_ARGUMENT when `key`
  // is not 32 bytes or the id/version is invalid.
  static absl::StatusOr<Keyring> FromKey(absl::string_view key_id,
                                         uint32_t version,
                                         absl::string_view key);

  // The key new ciphertexts are made with.
  const KeyRef& current() const { return keys_[current_].ref; }
  // Every key in the ring, in file order.
  std::vector<KeyRef> keys() const;

  // Seals `plaintext` (≤ kMaxPiiPlaintextBytes, else INVALID_ARGUMENT) bound
  // to `aad` with the current key and a fresh random nonce. INTERNAL only if
  // OpenSSL fails.
  absl::StatusOr<std::string> Encrypt(absl::string_view plaintext,
                                      absl::string_view aad) const;

  // Opens a ciphertext made by Encrypt with the same `aad` (errors above).
  absl::StatusOr<std::string> Decrypt(absl::string_view ciphertext,
                                      absl::string_view aad) const;

  // The key a ciphertext was made with (DATA_LOSS when the header is
  // malformed). Lets a rotation job find values to re-encrypt.
  static absl::StatusOr<KeyRef> KeyOf(absl::string_view ciphertext);

 private:
  struct Key {
    KeyRef ref;
    std::array<uint8_t, kPiiKeyBytes> bytes{};
  };
  Keyring() = default;
  const Key* Find(const KeyRef& ref) const;

  std::vector<Key> keys_;
  size_t current_ = 0;
};

// AAD binding a ciphertext to its record and field: "customers/{id}#id_card",
// "#bank_card", "#full_name" or "#phone" (customer_name is the resource
// name).
std::string PiiAad(absl::string_view customer_name, common::v1::PiiField field);

}  // namespace cs::ticket

#endif  // CS_SERVICES_TICKET_DOMAIN_PII_CIPHER_H_
