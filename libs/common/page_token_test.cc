#include "libs/common/page_token.h"

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
