#include "services/ticket/domain/customer_crypto.h"

#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace cs::ticket {
namespace {

constexpr char kHex1[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kHex2[] =
    "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff101112131415161718191a1b1c1d1e1f";

Keyring Ring(absl::string_view text) { return *Keyring::Parse(text); }

v1::StoredCustomer Customer() {
  v1::StoredCustomer s;
  s.mutable_profile()->set_name("customers/c-1001");
  s.mutable_profile()->set_id("c-1001");
  s.mutable_profile()->set_title(v1::TITLE_MS);
  return s;
}

TEST(CustomerCryptoTest, SealKeepsOnlyMaskedFormsInClear) {
  const Keyring ring = Ring(absl::StrCat("k1 1 ", kHex1));
  v1::StoredCustomer s = Customer();
  ASSERT_TRUE(SealContact({"李四", "13912345678"}, ring, &s).ok());
  EXPECT_EQ(s.profile().full_name(), "李女士");
  EXPECT_EQ(s.profile().phone(), "139****5678");
  const std::string bytes = s.SerializeAsString();
  EXPECT_FALSE(absl::StrContains(bytes, "13912345678"));
  EXPECT_FALSE(absl::StrContains(bytes, "李四"));
  auto clear = OpenContact(s, ring);
  ASSERT_TRUE(clear.ok()) << clear.status();
  EXPECT_EQ(clear->full_name, "李四");
  EXPECT_EQ(clear->phone, "13912345678");
  // Bound to the record: moved to another customer it does not open.
  v1::StoredCustomer moved = s;
  moved.mutable_profile()->set_name("customers/c-2002");
  EXPECT_EQ(OpenContact(moved, ring).status().code(),
            absl::StatusCode::kDataLoss);
  // Empty values clear both forms.
  ASSERT_TRUE(SealContact({"李四", ""}, ring, &s).ok());
  EXPECT_TRUE(s.phone_ciphertext().empty());
  EXPECT_EQ(s.profile().phone(), "");
}

TEST(CustomerCryptoTest, RotationMovesEveryValueToTheCurrentKey) {
  const Keyring old_ring = Ring(absl::StrCat("k1 1 ", kHex1));
  v1::StoredCustomer s = Customer();
  ASSERT_TRUE(SealContact({"李四", "13912345678"}, old_ring, &s).ok());
  *s.mutable_id_card_ciphertext() = *old_ring.Encrypt(
      "11010519491231002X",
      PiiAad("customers/c-1001", common::v1::PII_FIELD_ID_CARD));
  std::map<std::string, int64_t> usage;
  CountKeyUsage(s, &usage);
  EXPECT_EQ(usage, (std::map<std::string, int64_t>{{"k1/1", 3}}));

  const Keyring both =
      Ring(absl::StrCat("k1 1 ", kHex1, "\nk2 1 ", kHex2, " current\n"));
  EXPECT_TRUE(NeedsReencryption(s, both.current()));
  const std::string etag = s.profile().etag();
  ASSERT_TRUE(ReencryptCustomer(both, &s).ok());
  EXPECT_FALSE(NeedsReencryption(s, both.current()));
  EXPECT_EQ(s.profile().etag(), etag);
  usage.clear();
  CountKeyUsage(s, &usage);
  EXPECT_EQ(usage, (std::map<std::string, int64_t>{{"k2/1", 3}}));
  // Readable without the old key.
  const Keyring only_new = Ring(absl::StrCat("k2 1 ", kHex2));
  EXPECT_EQ(OpenContact(s, only_new)->phone, "13912345678");
  EXPECT_EQ(*only_new.Decrypt(
                s.id_card_ciphertext(),
                PiiAad("customers/c-1001", common::v1::PII_FIELD_ID_CARD)),
            "11010519491231002X");
  EXPECT_TRUE(s.bank_card_ciphertext().empty());
}

TEST(CustomerCryptoTest, LegacyClearContactIsReadAndSealedByRotation) {
  const Keyring ring = Ring(absl::StrCat("k1 1 ", kHex1));
  v1::StoredCustomer s = Customer();
  s.mutable_profile()->set_full_name("王五");
  s.mutable_profile()->set_phone("010-12345678");
  std::map<std::string, int64_t> usage;
  CountKeyUsage(s, &usage);
  EXPECT_EQ(usage["plaintext"], 2);
  EXPECT_EQ(OpenContact(s, ring)->phone, "010-12345678");
  EXPECT_TRUE(NeedsReencryption(s, ring.current()));
  ASSERT_TRUE(ReencryptCustomer(ring, &s).ok());
  EXPECT_EQ(s.profile().phone(), "010-****5678");
  EXPECT_EQ(s.profile().full_name(), "王女士");
  EXPECT_FALSE(absl::StrContains(s.SerializeAsString(), "12345678"));
  EXPECT_TRUE(s.id_card_ciphertext().empty());
  EXPECT_EQ(OpenContact(s, ring)->full_name, "王五");
  EXPECT_FALSE(NeedsReencryption(s, ring.current()));
}

TEST(CustomerCryptoTest, MissingOldKeyFailsWithoutChangingTheRecord) {
  const Keyring old_ring = Ring(absl::StrCat("k1 1 ", kHex1));
  v1::StoredCustomer s = Customer();
  ASSERT_TRUE(SealContact({"李四", "13912345678"}, old_ring, &s).ok());
  const v1::StoredCustomer before = s;
  const Keyring only_new = Ring(absl::StrCat("k2 1 ", kHex2));
  EXPECT_EQ(ReencryptCustomer(only_new, &s).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.SerializeAsString(), before.SerializeAsString());
}

}  // namespace
}  // namespace cs::ticket
