#include "libs/common/channel_name.h"

#include "gtest/gtest.h"

namespace cs {
namespace {

TEST(ChannelNameTest, ShortNamesRoundTrip) {
  EXPECT_EQ(ChannelShortName(common::v1::CHANNEL_ONLINE_CHAT), "ONLINE_CHAT");
  EXPECT_EQ(ParseChannelShortName("ONLINE_CHAT"),
            common::v1::CHANNEL_ONLINE_CHAT);
  EXPECT_EQ(ParseChannelShortName("WALK_IN"), common::v1::CHANNEL_WALK_IN);
}

TEST(ChannelNameTest, UnspecifiedAndUnknownHaveNoName) {
  EXPECT_EQ(ChannelShortName(common::v1::CHANNEL_UNSPECIFIED), "");
  EXPECT_EQ(ChannelShortName(999), "");
  EXPECT_EQ(ParseChannelShortName("UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(ParseChannelShortName("FAX"), std::nullopt);
  EXPECT_EQ(ParseChannelShortName("phone"), std::nullopt);  // exact names
  EXPECT_EQ(ParseChannelShortName(""), std::nullopt);
}

TEST(ChannelNameTest, ListsEveryChannelOnce) {
  EXPECT_EQ(ChannelShortNames(),
            "PHONE, ONLINE_CHAT, APP, MINI_PROGRAM, EMAIL, SOCIAL, WALK_IN");
}

}  // namespace
}  // namespace cs
