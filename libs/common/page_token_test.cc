#include "libs/common/page_token.h"

#include "absl/strings/escaping.h"
#include "cs/common/v1/types.pb.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"

namespace cs {
namespace {

TEST(PageTokenTest, RoundTripsKeyForTheSameQuery) {
  uint64_t query = QueryFingerprint("agents|客服部");
  std::string token = EncodePageToken(std::string("k\0ey/工单", 10), query);
  auto key = DecodePageToken(token, query);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, std::string("k\0ey/工单", 10));
  EXPECT_EQ(*DecodePageToken("", query), "");
}

TEST(PageTokenTest, RefusesOtherQueriesAndGarbage) {
  std::string token = EncodePageToken("k", QueryFingerprint("a"));
  auto other = DecodePageToken(token, QueryFingerprint("b"));
  EXPECT_TRUE(absl::IsInvalidArgument(other.status()));
  EXPECT_EQ(FieldViolationsOf(other.status())[0].field, "page_token");
  EXPECT_TRUE(absl::IsInvalidArgument(
      DecodePageToken("%%%not-base64", QueryFingerprint("a")).status()));
}

TEST(PageTokenTest, RefusesTamperedTokens) {
  uint64_t query = QueryFingerprint("tickets|客服部");
  std::string token = EncodePageToken("tickets/01J0000000000000000000000A", query);
  std::string bytes;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &bytes));
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string tampered = bytes;
    tampered[i] ^= 0x01;
    auto key = DecodePageToken(absl::WebSafeBase64Escape(tampered), query);
    EXPECT_TRUE(absl::IsInvalidArgument(key.status())) << "byte " << i;
  }
  // A well-formed token re-encoded without the signature is refused too.
  common::v1::PageToken forged;
  forged.set_after_key("tickets/0");
  forged.set_query_fingerprint(query);
  EXPECT_TRUE(absl::IsInvalidArgument(
      DecodePageToken(absl::WebSafeBase64Escape(forged.SerializeAsString()),
                      query)
          .status()));
}

TEST(PageTokenTest, TokensFollowTheSecret) {
  uint64_t query = QueryFingerprint("a");
  SetPageTokenSecret("部署一的密钥-0123456789abcdef");
  std::string token = EncodePageToken("k", query);
  SetPageTokenSecret("部署二的密钥-0123456789abcdef");
  EXPECT_TRUE(absl::IsInvalidArgument(DecodePageToken(token, query).status()));
  SetPageTokenSecret("部署一的密钥-0123456789abcdef");
  EXPECT_EQ(*DecodePageToken(token, query), "k");
}

TEST(PageTokenTest, MessageFingerprintDependsOnContentAndList) {
  google::protobuf::StringValue a, b;
  a.set_value("客服部");
  b.set_value("技术支持部");
  EXPECT_EQ(QueryFingerprint("x", a), QueryFingerprint("x", a));
  EXPECT_NE(QueryFingerprint("x", a), QueryFingerprint("x", b));
  EXPECT_NE(QueryFingerprint("x", a), QueryFingerprint("y", a));
}

TEST(PageTokenTest, PageSizeDefaultsAndClamps) {
  EXPECT_EQ(EffectivePageSize(0), kDefaultPageSize);
  EXPECT_EQ(EffectivePageSize(-3), kDefaultPageSize);
  EXPECT_EQ(EffectivePageSize(7), 7);
  EXPECT_EQ(EffectivePageSize(100000), kMaxPageSize);
}

}  // namespace
}  // namespace cs
