#include "libs/auth/base64url.h"

#include <string>

#include "gtest/gtest.h"

namespace cs::auth {
namespace {

TEST(Base64UrlTest, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
}

TEST(Base64UrlTest, UsesUrlSafeAlphabet) {
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlEncode("\xff\xff\xff"), "____");
  EXPECT_EQ(*Base64UrlDecode("-_8"), "\xfb\xff");
}

TEST(Base64UrlTest, RoundTripsEveryByteAndLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (size_t len = 0; len <= bytes.size(); ++len) {
    std::string input = bytes.substr(bytes.size() - len);
    absl::StatusOr<std::string> decoded =
        Base64UrlDecode(Base64UrlEncode(input));
    ASSERT_TRUE(decoded.ok()) << len << " " << decoded.status();
    EXPECT_EQ(*decoded, input) << len;
  }
}

TEST(Base64UrlTest, RejectsInvalidText) {
  for (const char* bad :
       {"Zg==", "Zm9v+A", "Zm/v", "Z", "Zm9vY", "Zh", "Zm9", "Zm 9v", "Zm9v\n",
        "Zm9vYm\xc3\xa9", ".", "Zm9v.YmFy"}) {
    EXPECT_EQ(Base64UrlDecode(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  // Embedded NUL (the literal above stops at it).
  EXPECT_FALSE(Base64UrlDecode(absl::string_view("Zm\0v", 4)).ok());
}

TEST(Base64UrlTest, RejectsNonCanonicalTrailingBits) {
  EXPECT_TRUE(Base64UrlDecode("Zg").ok());
  EXPECT_FALSE(Base64UrlDecode("Zh").ok());
  EXPECT_TRUE(Base64UrlDecode("Zm8").ok());
  EXPECT_FALSE(Base64UrlDecode("Zm9").ok());
}

}  // namespace
}  // namespace cs::auth
