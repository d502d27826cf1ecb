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

}  // namespace
}  // namespace cs
