#include "services/ticket/domain/pii_cipher.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/files.h"

namespace cs::ticket {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr absl::string_view kHexKey1 =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr absl::string_view kHexKey2 =
    "f0e1d2c3b4a5968778695a4b3c2d1e0fffeeddccbbaa99887766554433221100";

Keyring RingOf(absl::string_view text) {
  absl::StatusOr<Keyring> ring = Keyring::Parse(text);
  EXPECT_TRUE(ring.ok()) << ring.status();
  return *std::move(ring);
}

const std::string kAad =
    PiiAad("customers/c-1001", common::v1::PII_FIELD_ID_CARD);

TEST(PiiCipherTest, AadNamesRecordAndField) {
  EXPECT_EQ(kAad, "customers/c-1001#id_card");
  EXPECT_EQ(PiiAad("customers/c-1001", common::v1::PII_FIELD_BANK_CARD),
            "customers/c-1001#bank_card");
}

TEST(PiiCipherTest, RoundTripWithChineseText) {
  Keyring ring = RingOf(kHexKey1);
  const std::string secret = "张三 居民身份证 11010519491231002X";
  auto sealed = ring.Encrypt(secret, kAad);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  auto opened = ring.Decrypt(*sealed, kAad);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, secret);
}

TEST(PiiCipherTest, EmptyPlaintextRoundTrips) {
  Keyring ring = RingOf(kHexKey1);
  auto sealed = ring.Encrypt("", kAad);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(*ring.Decrypt(*sealed, kAad), "");
}

TEST(PiiCipherTest, CiphertextHidesPlaintextAndUsesFreshNonces) {
  Keyring ring = RingOf(kHexKey1);
  const std::string card = "6222021234567890128";
  std::string a = *ring.Encrypt(card, kAad);
  std::string b = *ring.Encrypt(card, kAad);
  EXPECT_NE(a, b);
  EXPECT_THAT(a, Not(HasSubstr(card)));
  EXPECT_THAT(a, Not(HasSubstr("7890128")));
  EXPECT_EQ(a.substr(0, 4), "CSP1");
  // header 4+1+7+4, nonce 12, body, tag 16
  EXPECT_EQ(a.size(), 16 + 12 + card.size() + 16);
}

TEST(PiiCipherTest, WrongAadFails) {
  Keyring ring = RingOf(kHexKey1);
  std::string sealed = *ring.Encrypt("11010519491231002X", kAad);
  for (const std::string& other :
       {PiiAad("customers/c-1002", common::v1::PII_FIELD_ID_CARD),
        PiiAad("customers/c-1001", common::v1::PII_FIELD_BANK_CARD),
        std::string()}) {
    auto opened = ring.Decrypt(sealed, other);
    ASSERT_FALSE(opened.ok()) << other;
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
  }
}

TEST(PiiCipherTest, EveryTamperedByteFails) {
  Keyring ring = RingOf(kHexKey1);
  const std::string sealed = *ring.Encrypt("李四 6222021234567890128", kAad);
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string tampered = sealed;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    auto opened = ring.Decrypt(tampered, kAad);
    ASSERT_FALSE(opened.ok()) << "byte " << i;
    // Flipping the version can name a key that is not in the ring.
    EXPECT_THAT(opened.status().code(),
                testing::AnyOf(absl::StatusCode::kDataLoss,
                               absl::StatusCode::kFailedPrecondition))
        << "byte " << i;
  }
  EXPECT_EQ(
      ring.Decrypt(sealed.substr(0, sealed.size() - 1), kAad).status().code(),
      absl::StatusCode::kDataLoss);
  EXPECT_EQ(ring.Decrypt("", kAad).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(ring.Decrypt("not a ciphertext at all, 张三", kAad).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(PiiCipherTest, WrongKeyBytesFail) {
  Keyring ring1 = RingOf(absl::StrCat("pii 1 ", kHexKey1));
  Keyring other = RingOf(absl::StrCat("pii 1 ", kHexKey2));
  std::string sealed = *ring1.Encrypt("11010519491231002X", kAad);
  EXPECT_EQ(other.Decrypt(sealed, kAad).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(PiiCipherTest, UnknownKeyVersionFails) {
  Keyring v2 = RingOf(absl::StrCat("pii 2 ", kHexKey2));
  std::string sealed = *v2.Encrypt("11010519491231002X", kAad);
  Keyring v1_only = RingOf(absl::StrCat("pii 1 ", kHexKey1));
  auto opened = v1_only.Decrypt(sealed, kAad);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(cs::ErrorReasonOf(opened.status()), "UNKNOWN_KEY");
  EXPECT_THAT(opened.status().message(), HasSubstr("pii version 2"));
}

TEST(PiiCipherTest, RotationEncryptsWithCurrentDecryptsWithAny) {
  Keyring old_ring = RingOf(absl::StrCat("pii 1 ", kHexKey1, "\n"));
  std::string old_sealed = *old_ring.Encrypt("11010519491231002X", kAad);
  EXPECT_EQ(*Keyring::KeyOf(old_sealed), (KeyRef{"pii", 1}));

  Keyring rotated =
      RingOf(absl::StrCat("# rotated 2026-11\n", "pii 1 ", kHexKey1, "\n",
                          "pii 2 ", kHexKey2, " current\n"));
  EXPECT_EQ(rotated.current(), (KeyRef{"pii", 2}));
  EXPECT_EQ(*rotated.Decrypt(old_sealed, kAad), "11010519491231002X");
  std::string new_sealed = *rotated.Encrypt("11010519491231002X", kAad);
  EXPECT_EQ(*Keyring::KeyOf(new_sealed), (KeyRef{"pii", 2}));
  EXPECT_EQ(*rotated.Decrypt(new_sealed, kAad), "11010519491231002X");
}

TEST(PiiCipherTest, CurrentDefaultsToLastLine) {
  Keyring ring = RingOf(absl::StrCat("a 1 ", kHexKey1, "\nb 7 ", kHexKey2));
  EXPECT_EQ(ring.current(), (KeyRef{"b", 7}));
  EXPECT_THAT(ring.keys(), ElementsAre(KeyRef{"a", 1}, KeyRef{"b", 7}));
}

TEST(PiiCipherTest, SingleKeyFileFormats) {
  Keyring hex = RingOf(absl::StrCat("  ", kHexKey1, "\n"));
  EXPECT_EQ(hex.current(), (KeyRef{"default", 1}));
  std::string raw(32, '\0');
  for (int i = 0; i < 32; ++i) raw[i] = static_cast<char>(i);
  Keyring raw_ring = RingOf(raw);
  EXPECT_EQ(raw_ring.current(), (KeyRef{"default", 1}));
  // The raw bytes 00..1f and the hex text of the same bytes are one key.
  std::string sealed = *raw_ring.Encrypt("王五", kAad);
  EXPECT_EQ(*hex.Decrypt(sealed, kAad), "王五");
}

TEST(PiiCipherTest, FromKey) {
  auto ring = Keyring::FromKey("test", 3, std::string(32, 'k'));
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring->current(), (KeyRef{"test", 3}));
  EXPECT_FALSE(Keyring::FromKey("test", 3, "short").ok());
  EXPECT_FALSE(Keyring::FromKey("bad id", 3, std::string(32, 'k')).ok());
  EXPECT_FALSE(Keyring::FromKey("test", 0, std::string(32, 'k')).ok());
}

TEST(PiiCipherTest, ParseErrorsNameTheLineAndNeverTheKey) {
  struct Case {
    std::string text;
    const char* message;
  };
  const Case cases[] = {
      {"", "no key"},
      {"# only a comment\n", "no key"},
      {absl::StrCat("pii 1 ", kHexKey1.substr(1)),
       "line 1: key must be 64 hex"},
      {absl::StrCat("pii 1 ", kHexKey1, "\npii x ", kHexKey2),
       "line 2: version"},
      {absl::StrCat("pii 0 ", kHexKey1), "line 1: version"},
      {absl::StrCat("p:i 1 ", kHexKey1), "line 1: key id"},
      {absl::StrCat("pii 1 ", kHexKey1, "\n\npii 1 ", kHexKey2),
       "line 3: duplicate key pii version 1"},
      {absl::StrCat("a 1 ", kHexKey1, " current\nb 1 ", kHexKey2, " current"),
       "line 2: more than one key marked 'current'"},
      {absl::StrCat("a 1 ", kHexKey1, " newest"), "line 1: fourth field"},
      {"pii 1", "line 1: expected"},
  };
  for (const Case& c : cases) {
    auto ring = Keyring::Parse(c.text);
    ASSERT_FALSE(ring.ok()) << c.text;
    EXPECT_EQ(ring.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(ring.status().message(), HasSubstr(c.message)) << c.text;
    EXPECT_THAT(ring.status().message(), Not(HasSubstr("0a0b0c")));
    EXPECT_THAT(ring.status().message(), Not(HasSubstr("ffeedd")));
  }
}

TEST(PiiCipherTest, LoadFromFile) {
  const std::string path = testing::TempDir() + "/pii_keys_test.txt";
  ASSERT_TRUE(cs::WriteFileAtomically(
                  path, absl::StrCat("pii 1 ", kHexKey1, " current\n"))
                  .ok());
  auto ring = Keyring::LoadFromFile(path);
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->current(), (KeyRef{"pii", 1}));
  auto missing = Keyring::LoadFromFile(testing::TempDir() + "/no_such_key");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(cs::WriteFileAtomically(path, "garbage").ok());
  auto bad = Keyring::LoadFromFile(path);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr(path));
}

TEST(PiiCipherTest, RejectsHugePlaintext) {
  Keyring ring = RingOf(kHexKey1);
  EXPECT_EQ(ring.Encrypt(std::string(kMaxPiiPlaintextBytes + 1, 'x'), kAad)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cs::ticket
