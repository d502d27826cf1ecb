#include "libs/common/log.h"

#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"

namespace cs {
namespace {

// Serialising a string field that is not UTF-8 makes protobuf complain
// through its log handler.
std::string ProtobufComplaint() {
  google::protobuf::StringValue invalid;
  invalid.set_value("\xff\xfe坏");
  ::testing::internal::CaptureStderr();
  invalid.SerializeAsString();
  return ::testing::internal::GetCapturedStderr();
}

TEST(LogTest, ProtobufMessagesAreLoggedAsOurOwnLines) {
  RouteProtobufLogs(LogLevel::kWarning);
  const std::string line = ProtobufComplaint();
  // "2026-11-24T10:00:00.000Z WARN [protobuf] String field ... (file:line)"
  EXPECT_THAT(line, ::testing::MatchesRegex(
                        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z WARN "
                        "\\[protobuf\\] .*UTF-8.*\\(.*:[0-9]+\\)\n"));
  EXPECT_FALSE(absl::StrContains(line, "[libprotobuf"));
}

TEST(LogTest, ProtobufMessagesCanBeLoweredBelowTheLogLevel) {
  RouteProtobufLogs(LogLevel::kDebug);  // the default minimum is kInfo
  EXPECT_EQ(ProtobufComplaint(), "");
  RouteProtobufLogs(LogLevel::kWarning);
}

}  // namespace
}  // namespace cs
