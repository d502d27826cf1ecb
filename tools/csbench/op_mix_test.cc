#include "tools/csbench/op_mix.h"

#include <array>
#include <cstdint>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cs::csbench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(OpMixTest, ParsesWeights) {
  absl::StatusOr<OpMix> mix = OpMix::Parse("create=20,get=50,list=10,reply=20");
  ASSERT_TRUE(mix.ok()) << mix.status();
  EXPECT_EQ(mix->weight(Op::kCreate), 20u);
  EXPECT_EQ(mix->weight(Op::kGet), 50u);
  EXPECT_EQ(mix->weight(Op::kList), 10u);
  EXPECT_EQ(mix->weight(Op::kReply), 20u);
  EXPECT_EQ(mix->total_weight(), 100u);
  EXPECT_THAT(mix->ops(),
              ElementsAre(Op::kCreate, Op::kGet, Op::kList, Op::kReply));
  EXPECT_EQ(mix->ToString(), "create=20,get=50,list=10,reply=20");
}

TEST(OpMixTest, BareNamesWeighOneAndWhitespaceIsIgnored) {
  absl::StatusOr<OpMix> mix = OpMix::Parse(" get , create = 3 ");
  ASSERT_TRUE(mix.ok()) << mix.status();
  EXPECT_EQ(mix->ToString(), "create=3,get=1");
  EXPECT_FALSE(mix->uses(Op::kList));
}

TEST(OpMixTest, ZeroWeightKeepsAnOpOut) {
  absl::StatusOr<OpMix> mix = OpMix::Parse("create=1,get=0");
  ASSERT_TRUE(mix.ok()) << mix.status();
  EXPECT_FALSE(mix->uses(Op::kGet));
  EXPECT_EQ(mix->ToString(), "create=1");
}

TEST(OpMixTest, EchoAlone) {
  absl::StatusOr<OpMix> mix = OpMix::Parse("echo");
  ASSERT_TRUE(mix.ok()) << mix.status();
  EXPECT_EQ(mix->Pick(0), Op::kEcho);
  EXPECT_EQ(mix->Pick(UINT64_MAX), Op::kEcho);
}

TEST(OpMixTest, RejectsBadMixesNamingTheItem) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {
           Case{"", "empty item"},
           Case{"create,,get", "empty item"},
           Case{"creat=1", "unknown operation \"creat\""},
           Case{"create=1,create=2", "\"create\" given twice"},
           Case{"create=-1", "weight of \"create\""},
           Case{"create=+1", "weight of \"create\""},
           Case{"create=x", "weight of \"create\""},
           Case{"create=", "weight of \"create\""},
           Case{"create=1.5", "weight of \"create\""},
           Case{"create=1000001", "weight of \"create\""},
           Case{"create=99999999999999999999", "weight of \"create\""},
           Case{"create=0,get=0", "no operation has a weight"},
           Case{"echo,create", "cannot be mixed"},
       }) {
    absl::StatusOr<OpMix> mix = OpMix::Parse(c.text);
    ASSERT_FALSE(mix.ok()) << c.text;
    EXPECT_EQ(mix.status().code(), absl::StatusCode::kInvalidArgument)
        << c.text;
    EXPECT_THAT(mix.status().message(), HasSubstr(c.message)) << c.text;
  }
}

TEST(OpMixTest, MixesTicketKnowledgeBaseAndComplaintOperations) {
  absl::StatusOr<OpMix> mix =
      OpMix::Parse("create=20,get=50,kb_search=20,complaint_file=10");
  ASSERT_TRUE(mix.ok()) << mix.status();
  EXPECT_EQ(mix->weight(Op::kKbSearch), 20u);
  EXPECT_EQ(mix->weight(Op::kComplaintFile), 10u);
  EXPECT_EQ(mix->ToString(), "create=20,get=50,kb_search=20,complaint_file=10");
  EXPECT_FALSE(OpMix::Parse("echo,kb_search").ok());
  // Weight 0 names an operation without using it.
  EXPECT_FALSE(OpMix::Parse("create,kb_search=0")->uses(Op::kKbSearch));
}

TEST(OpMixTest, PickSplitsTheRandomRangeByWeight) {
  absl::StatusOr<OpMix> mix = OpMix::Parse("create=1,get=3");
  ASSERT_TRUE(mix.ok());
  // The random range is cut into [0, 1/4) → create, [1/4, 1) → get.
  EXPECT_EQ(mix->Pick(0), Op::kCreate);
  EXPECT_EQ(mix->Pick((UINT64_MAX / 4) - 1), Op::kCreate);
  EXPECT_EQ(mix->Pick(UINT64_MAX / 4 + 2), Op::kGet);
  EXPECT_EQ(mix->Pick(UINT64_MAX), Op::kGet);
}

TEST(OpMixTest, PickFrequenciesFollowWeights) {
  absl::StatusOr<OpMix> mix = OpMix::Parse("create=20,get=50,list=10,reply=20");
  ASSERT_TRUE(mix.ok());
  std::mt19937_64 random(1);
  std::array<int, kOpCount> seen{};
  constexpr int kDraws = 100000;
  for (int i = 0; i < kDraws; ++i)
    ++seen[static_cast<int>(mix->Pick(random()))];
  // Deterministic for the seed; the bounds are about six standard deviations.
  EXPECT_NEAR(seen[static_cast<int>(Op::kCreate)], 20000, 800);
  EXPECT_NEAR(seen[static_cast<int>(Op::kGet)], 50000, 1000);
  EXPECT_NEAR(seen[static_cast<int>(Op::kList)], 10000, 600);
  EXPECT_NEAR(seen[static_cast<int>(Op::kReply)], 20000, 800);
  EXPECT_EQ(seen[static_cast<int>(Op::kEcho)], 0);
}

TEST(OpMixTest, Names) {
  EXPECT_EQ(OpName(Op::kCreate), "create");
  EXPECT_EQ(OpName(Op::kReply), "reply");
  EXPECT_EQ(OpName(Op::kComplaintFile), "complaint_file");
}

}  // namespace
}  // namespace cs::csbench
