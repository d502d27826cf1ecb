#include "libs/common/ids.h"

#include <set>

#include "gtest/gtest.h"

namespace cs {
namespace {

TEST(UlidTest, WellFormedUniqueAndTimeOrdered) {
  absl::Time t = absl::FromUnixMillis(1763856000123);
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = NewUlid(t);
    ASSERT_TRUE(IsUlid(id)) << id;
    ASSERT_TRUE(seen.insert(id).second) << "duplicate " << id;
  }
  EXPECT_EQ(UlidTime(NewUlid(t)), t);
  EXPECT_LT(NewUlid(t), NewUlid(t + absl::Milliseconds(1)));
}

TEST(UlidTest, RejectsMalformed) {
  EXPECT_FALSE(IsUlid(""));
  EXPECT_FALSE(IsUlid("01HV3K9Q2F8D6W"));
  EXPECT_FALSE(IsUlid("01HV3K9Q2F8D6WXYZ0123456IL"));  // I and L are not Crockford
  EXPECT_FALSE(IsUlid("81HV3K9Q2F8D6WXYZ012345678"));  // overflows 128 bits
  EXPECT_FALSE(IsUlid("01hv3k9q2f8d6wxyz012345678"));  // lower case
  EXPECT_EQ(UlidTime("bad"), absl::InfinitePast());
}

TEST(UlidTest, NewUlidAfterKeepsWriteOrderInOneMillisecond) {
  const absl::Time t = absl::FromUnixMillis(1'800'000'000'000);
  std::string last;
  for (int i = 0; i < 50; ++i) {
    const std::string id = NewUlidAfter(t, last);
    EXPECT_TRUE(IsUlid(id)) << id;
    EXPECT_GT(id, last);
    EXPECT_EQ(UlidTime(id), t);
    last = id;
  }
  // A clock step back still sorts after the last id.
  EXPECT_GT(NewUlidAfter(t - absl::Seconds(1), last), last);
  // Carry: ...Z becomes the next digit up with a trailing 0.
  EXPECT_EQ(NewUlidAfter(absl::UnixEpoch(), "01HV3K9Q2F8D6W0000000000ZZ"),
            "01HV3K9Q2F8D6W000000000100");
}

}  // namespace
}  // namespace cs
