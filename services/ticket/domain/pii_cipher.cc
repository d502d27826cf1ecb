#include "services/ticket/domain/pii_cipher.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/common/config_lines.h"
#include "libs/common/errors.h"
#include "libs/common/files.h"

namespace cs::ticket {
namespace {

constexpr absl::string_view kMagic = "CSP1";
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kMaxKeyIdLength = 32;

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

bool IsValidKeyId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxKeyIdLength) return false;
  for (char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if (!absl::ascii_isalnum(u) && c != '_' && c != '.' && c != '-') {
      return false;
    }
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes 64 hex characters into `out`; false when `hex` is anything else.
bool DecodeHexKey(absl::string_view hex,
                  std::array<uint8_t, kPiiKeyBytes>* out) {
  if (hex.size() != 2 * kPiiKeyBytes) return false;
  for (size_t i = 0; i < kPiiKeyBytes; ++i) {
    const int hi = HexValue(hex[2 * i]);
    const int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return true;
}

std::string Header(const KeyRef& ref) {
  std::string header(kMagic);
  header.push_back(static_cast<char>(ref.key_id.size()));
  header.append(ref.key_id);
  for (int shift = 24; shift >= 0; shift -= 8) {
    header.push_back(static_cast<char>((ref.version >> shift) & 0xFF));
  }
  return header;
}

struct ParsedCiphertext {
  KeyRef ref;
  absl::string_view header;
  absl::string_view nonce;
  absl::string_view body;
  absl::string_view tag;
};

absl::Status Malformed() {
  return absl::DataLossError("encrypted value is malformed");
}

absl::StatusOr<ParsedCiphertext> ParseCiphertext(absl::string_view data) {
  if (data.size() < kMagic.size() + 1 ||
      data.substr(0, kMagic.size()) != kMagic) {
    return Malformed();
  }
  const size_t id_len = static_cast<uint8_t>(data[kMagic.size()]);
  const size_t header_len = kMagic.size() + 1 + id_len + 4;
  if (id_len == 0 || id_len > kMaxKeyIdLength ||
      data.size() < header_len + kNonceBytes + kTagBytes) {
    return Malformed();
  }
  ParsedCiphertext out;
  out.ref.key_id = std::string(data.substr(kMagic.size() + 1, id_len));
  uint32_t version = 0;
  for (size_t i = 0; i < 4; ++i) {
    version = (version << 8) |
              static_cast<uint8_t>(data[kMagic.size() + 1 + id_len + i]);
  }
  out.ref.version = version;
  if (!IsValidKeyId(out.ref.key_id) || version == 0) return Malformed();
  out.header = data.substr(0, header_len);
  out.nonce = data.substr(header_len, kNonceBytes);
  out.body = data.substr(header_len + kNonceBytes,
                         data.size() - header_len - kNonceBytes - kTagBytes);
  out.tag = data.substr(data.size() - kTagBytes);
  return out;
}

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

absl::Status OpenSslFailure() {
  return absl::InternalError("encryption library failure");
}

}  // namespace

Keyring::~Keyring() {
  for (Key& key : keys_) OPENSSL_cleanse(key.bytes.data(), key.bytes.size());
}

absl::StatusOr<Keyring> Keyring::Parse(absl::string_view contents) {
  Keyring ring;
  const absl::string_view stripped = absl::StripAsciiWhitespace(contents);
  Key single;
  single.ref = {"default", 1};
  if (DecodeHexKey(stripped, &single.bytes)) {
    ring.keys_.push_back(std::move(single));
    return ring;
  }
  if (contents.size() == kPiiKeyBytes) {
    std::copy(contents.begin(), contents.end(), single.bytes.begin());
    ring.keys_.push_back(std::move(single));
    OPENSSL_cleanse(single.bytes.data(), single.bytes.size());
    return ring;
  }
  OPENSSL_cleanse(single.bytes.data(), single.bytes.size());

  std::optional<size_t> current;
  for (const ConfigLine& line : ConfigLines(contents)) {
    const int line_no = line.number;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line.text, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    const auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(
          absl::StrCat("key file line ", line_no, ": ", what));
    };
    if (fields.size() != 3 && fields.size() != 4) {
      return error("expected '<key_id> <version> <64 hex chars> [current]'");
    }
    Key key;
    if (!IsValidKeyId(fields[0])) {
      return error("key id must be 1-32 of [A-Za-z0-9_.-]");
    }
    key.ref.key_id = std::string(fields[0]);
    if (!absl::SimpleAtoi(fields[1], &key.ref.version) ||
        key.ref.version == 0) {
      return error("version must be a number in 1..4294967295");
    }
    if (!DecodeHexKey(fields[2], &key.bytes)) {
      return error("key must be 64 hex characters (32 bytes)");
    }
    if (fields.size() == 4) {
      if (fields[3] != "current")
        return error("fourth field must be 'current'");
      if (current) return error("more than one key marked 'current'");
      current = ring.keys_.size();
    }
    if (ring.Find(key.ref) != nullptr) {
      return error(absl::StrCat("duplicate key ", key.ref.key_id, " version ",
                                key.ref.version));
    }
    ring.keys_.push_back(std::move(key));
    OPENSSL_cleanse(key.bytes.data(), key.bytes.size());
  }
  if (ring.keys_.empty()) {
    return absl::InvalidArgumentError(
        "key file holds no key (need 32 raw bytes, 64 hex characters or "
        "keyring lines)");
  }
  ring.current_ = current.value_or(ring.keys_.size() - 1);
  return ring;
}

absl::StatusOr<Keyring> Keyring::LoadFromFile(absl::string_view path) {
  absl::StatusOr<std::string> contents = cs::ReadFileToString(path);
  if (!contents.ok()) return contents.status();
  absl::StatusOr<Keyring> ring = Parse(*contents);
  OPENSSL_cleanse(contents->data(), contents->size());
  if (!ring.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", ring.status().message()));
  }
  return ring;
}

absl::StatusOr<Keyring> Keyring::FromKey(absl::string_view key_id,
                                         uint32_t version,
                                         absl::string_view key) {
  if (!IsValidKeyId(key_id) || version == 0) {
    return absl::InvalidArgumentError("invalid key id or version");
  }
  if (key.size() != kPiiKeyBytes) {
    return absl::InvalidArgumentError("key must be 32 bytes");
  }
  Keyring ring;
  Key k;
  k.ref = {std::string(key_id), version};
  std::copy(key.begin(), key.end(), k.bytes.begin());
  ring.keys_.push_back(std::move(k));
  OPENSSL_cleanse(k.bytes.data(), k.bytes.size());
  return ring;
}

std::vector<KeyRef> Keyring::keys() const {
  std::vector<KeyRef> out;
  for (const Key& key : keys_) out.push_back(key.ref);
  return out;
}

const Keyring::Key* Keyring::Find(const KeyRef& ref) const {
  for (const Key& key : keys_) {
    if (key.ref == ref) return &key;
  }
  return nullptr;
}

absl::StatusOr<std::string> Keyring::Encrypt(absl::string_view plaintext,
                                             absl::string_view aad) const {
  if (plaintext.size() > kMaxPiiPlaintextBytes) {
    return absl::InvalidArgumentError("value too large to encrypt");
  }
  const Key& key = keys_[current_];
  std::string out = Header(key.ref);
  const size_t header_len = out.size();
  out.resize(header_len + kNonceBytes + plaintext.size() + kTagBytes);
  auto* base = reinterpret_cast<unsigned char*>(out.data());
  unsigned char* nonce = base + header_len;
  unsigned char* body = nonce + kNonceBytes;
  unsigned char* tag = body + plaintext.size();
  if (RAND_bytes(nonce, kNonceBytes) != 1) return OpenSslFailure();

  CtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr,
                         nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes,
                          nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.bytes.data(),
                         nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, base, header_len) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), aad.size()) !=
          1 ||
      EVP_EncryptUpdate(ctx.get(), body, &len, Bytes(plaintext),
                        plaintext.size()) != 1 ||
      static_cast<size_t>(len) != plaintext.size() ||
      EVP_EncryptFinal_ex(ctx.get(), body + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag) !=
          1) {
    return OpenSslFailure();
  }
  return out;
}

absl::StatusOr<std::string> Keyring::Decrypt(absl::string_view ciphertext,
                                             absl::string_view aad) const {
  absl::StatusOr<ParsedCiphertext> parsed = ParseCiphertext(ciphertext);
  if (!parsed.ok()) return parsed.status();
  const Key* key = Find(parsed->ref);
  if (key == nullptr) {
    return cs::WithErrorInfo(
        absl::FailedPreconditionError(
            absl::StrCat("encryption key ", parsed->ref.key_id, " version ",
                         parsed->ref.version, " is not in the keyring")),
        "UNKNOWN_KEY",
        {{"key_id", parsed->ref.key_id},
         {"version", absl::StrCat(parsed->ref.version)}});
  }
  std::string out(parsed->body.size(), '\0');
  auto* body = reinterpret_cast<unsigned char*>(out.data());
  std::array<unsigned char, kTagBytes> tag;
  std::copy(parsed->tag.begin(), parsed->tag.end(), tag.begin());

  CtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr,
                         nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes,
                          nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key->bytes.data(),
                         Bytes(parsed->nonce)) != 1) {
    return OpenSslFailure();
  }
  if (EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(parsed->header),
                        parsed->header.size()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), aad.size()) !=
          1 ||
      EVP_DecryptUpdate(ctx.get(), body, &len, Bytes(parsed->body),
                        parsed->body.size()) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                          tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), body + len, &len) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return absl::DataLossError(
        "encrypted value failed authentication (tampered, or stored under "
        "another record)");
  }
  return out;
}

absl::StatusOr<KeyRef> Keyring::KeyOf(absl::string_view ciphertext) {
  absl::StatusOr<ParsedCiphertext> parsed = ParseCiphertext(ciphertext);
  if (!parsed.ok()) return parsed.status();
  return parsed->ref;
}

std::string PiiAad(absl::string_view customer_name,
                   common::v1::PiiField field) {
  absl::string_view suffix = "#unknown";
  if (field == common::v1::PII_FIELD_ID_CARD) suffix = "#id_card";
  if (field == common::v1::PII_FIELD_BANK_CARD) suffix = "#bank_card";
  if (field == common::v1::PII_FIELD_FULL_NAME) suffix = "#full_name";
  if (field == common::v1::PII_FIELD_PHONE) suffix = "#phone";
  return absl::StrCat(customer_name, suffix);
}

}  // namespace cs::ticket
