#include "libs/common/channel_name.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace cs {

std::string ChannelShortName(int channel) {
  if (channel == common::v1::CHANNEL_UNSPECIFIED ||
      !common::v1::Channel_IsValid(channel)) {
    return "";
  }
  return std::string(absl::StripPrefix(
      common::v1::Channel_Name(static_cast<common::v1::Channel>(channel)),
      "CHANNEL_"));
}

std::optional<common::v1::Channel> ParseChannelShortName(
    absl::string_view name) {
  common::v1::Channel channel;
  if (!common::v1::Channel_Parse(absl::StrCat("CHANNEL_", name), &channel) ||
      channel == common::v1::CHANNEL_UNSPECIFIED) {
    return std::nullopt;
  }
  return channel;
}

std::string ChannelShortNames() {
  const google::protobuf::EnumDescriptor* type =
      common::v1::Channel_descriptor();
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) {
    std::string name = ChannelShortName(type->value(i)->number());
    if (!name.empty()) names.push_back(std::move(name));
  }
  return absl::StrJoin(names, ", ");
}

}  // namespace cs
