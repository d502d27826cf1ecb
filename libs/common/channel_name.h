// Channels by their short names, as the suite's text APIs spell them:
// cs.common.v1.Channel without the CHANNEL_ prefix ("PHONE", "ONLINE_CHAT").
// Pure functions, thread-safe.
#ifndef CS_LIBS_COMMON_CHANNEL_NAME_H_
#define CS_LIBS_COMMON_CHANNEL_NAME_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "cs/common/v1/types.pb.h"

namespace cs {

// "PHONE" for CHANNEL_PHONE; "" for UNSPECIFIED and values not in the enum.
std::string ChannelShortName(int channel);

// The channel named exactly `name` ("PHONE"); nullopt for "UNSPECIFIED" and
// names not in the enum.
std::optional<common::v1::Channel> ParseChannelShortName(
    absl::string_view name);

// Every channel's short name in enum order, comma-separated ("PHONE,
// ONLINE_CHAT, …"), for error messages.
std::string ChannelShortNames();

}  // namespace cs

#endif  // CS_LIBS_COMMON_CHANNEL_NAME_H_
