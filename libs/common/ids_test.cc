#include "libs/common/ids.h"

#include <set>
#include <string>
#include <thread>
#include <vector>

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

TEST(UlidTest, IdsOfOneMillisecondSortInIssueOrderAcrossThreads) {
  // A clock that stands still, as a manual test clock does.
  const absl::Time t = absl::FromUnixMillis(1'900'000'000'000);
  std::vector<std::vector<std::string>> issued(4);
  std::vector<std::thread> threads;
  for (auto& ids : issued) {
    threads.emplace_back([&ids, t] {
      for (int i = 0; i < 2000; ++i) ids.push_back(NewUlid(t));
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<std::string> all;
  for (const auto& ids : issued) {
    for (size_t i = 0; i < ids.size(); ++i) {
      ASSERT_TRUE(IsUlid(ids[i])) << ids[i];
      ASSERT_EQ(UlidTime(ids[i]), t);
      if (i > 0) {
        ASSERT_GT(ids[i], ids[i - 1]);
      }
    }
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(all.size(), 4u * 2000u);
  const std::string latest = *all.rbegin();
  // An earlier millisecond gets an id of its own time and leaves the order
  // of the latest one alone.
  const std::string earlier = NewUlid(t - absl::Milliseconds(5));
  EXPECT_EQ(UlidTime(earlier), t - absl::Milliseconds(5));
  EXPECT_GT(NewUlid(t), latest);
}

TEST(UlidTest, RejectsMalformed) {
  EXPECT_FALSE(IsUlid(""));
  EXPECT_FALSE(IsUlid("01HV3K9Q2F8D6W"));
  EXPECT_FALSE(IsUlid("01HV3K9Q2F8D6WXYZ0123456IL"));  // I and L are not Crockford
  EXPECT_FALSE(IsUlid("81HV3K9Q2F8D6WXYZ012345678"));  // overflows 128 bits
  EXPECT_FALSE(IsUlid("01hv3k9q2f8d6wxyz012345678"));  // lower case
  EXPECT_EQ(UlidTime("bad"), absl::InfinitePast());
}

TEST(UlidTest, CanonicalFormIsUpperCase) {
  EXPECT_EQ(CanonicalUlid("01hv3k9q2f8d6wxyz012345678"),
            "01HV3K9Q2F8D6WXYZ012345678");
  EXPECT_EQ(CanonicalUlid("01HV3K9Q2F8D6WXYZ012345678"),
            "01HV3K9Q2F8D6WXYZ012345678");
  EXPECT_EQ(CanonicalUlid("01Hv3k9Q2f8D6wXyZ012345678"),
            "01HV3K9Q2F8D6WXYZ012345678");
  EXPECT_EQ(CanonicalUlid("01hv3k9q2f8d6wxyz0123456il"), std::nullopt);
  EXPECT_EQ(CanonicalUlid("01hv3k9q2f8d6w"), std::nullopt);
  EXPECT_EQ(CanonicalUlid("工单01HV3K9Q2F8D6WXYZ0123"), std::nullopt);
  EXPECT_EQ(UlidOfName("tickets/01hv3k9q2f8d6wxyz012345678", "tickets/"),
            "01HV3K9Q2F8D6WXYZ012345678");
  EXPECT_EQ(UlidOfName("cases/01HV3K9Q2F8D6WXYZ012345678", "tickets/"),
            std::nullopt);
  EXPECT_EQ(UlidOfName("tickets/", "tickets/"), std::nullopt);
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
