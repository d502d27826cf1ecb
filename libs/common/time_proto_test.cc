#include "libs/common/time_proto.h"

#include "gtest/gtest.h"

namespace cs {
namespace {

TEST(TimeProtoTest, RoundTripKeepsNanoseconds) {
  const absl::Time t =
      absl::FromUnixSeconds(1763870400) + absl::Nanoseconds(123456789);
  google::protobuf::Timestamp ts = ToProtoTime(t);
  EXPECT_EQ(ts.seconds(), 1763870400);
  EXPECT_EQ(ts.nanos(), 123456789);
  EXPECT_EQ(FromProtoTime(ts), t);
  EXPECT_TRUE(IsValidProtoTime(ts));
}

TEST(TimeProtoTest, TimesBeforeEpochHaveNonNegativeNanos) {
  const absl::Time t = absl::FromUnixSeconds(-1) + absl::Milliseconds(250);
  google::protobuf::Timestamp ts = ToProtoTime(t);
  EXPECT_EQ(ts.seconds(), -1);
  EXPECT_EQ(ts.nanos(), 250000000);
  EXPECT_EQ(FromProtoTime(ts), t);
}

TEST(TimeProtoTest, InfiniteTimesClampToProtobufRange) {
  EXPECT_TRUE(IsValidProtoTime(ToProtoTime(absl::InfiniteFuture())));
  EXPECT_TRUE(IsValidProtoTime(ToProtoTime(absl::InfinitePast())));
  google::protobuf::Timestamp bad;
  bad.set_nanos(-1);
  EXPECT_FALSE(IsValidProtoTime(bad));
  bad.set_nanos(0);
  bad.set_seconds(253402300800);
  EXPECT_FALSE(IsValidProtoTime(bad));
}

TEST(TimeProtoTest, Durations) {
  google::protobuf::Duration d =
      ToProtoDuration(absl::Minutes(90) + absl::Milliseconds(5));
  EXPECT_EQ(d.seconds(), 5400);
  EXPECT_EQ(d.nanos(), 5000000);
  EXPECT_EQ(FromProtoDuration(d), absl::Minutes(90) + absl::Milliseconds(5));
}

}  // namespace
}  // namespace cs
