#include "libs/common/fingerprint.h"

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace cs {
namespace {

TEST(FingerprintTest, Sha256MatchesFips180Vectors) {
  EXPECT_EQ(absl::BytesToHexString(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(absl::BytesToHexString(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(FingerprintTest, Fingerprint64IsTheDigestPrefix) {
  EXPECT_EQ(Fingerprint64Hex("abc"), "ba7816bf8f01cfea");
  EXPECT_EQ(Fingerprint64("abc"), 0xba7816bf8f01cfeaULL);
  EXPECT_NE(Fingerprint64Hex("手机信号弱"), Fingerprint64Hex("手机信号强"));
}

}  // namespace
}  // namespace cs
