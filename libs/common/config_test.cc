#include "libs/common/config.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cs {
namespace {

using ::testing::HasSubstr;

struct TestConfig {
  int port = 50051;
  std::string data_dir;
  bool sync = true;
  absl::Duration grace = absl::Seconds(10);
  std::string clock = "system";
};

class ConfigTest : public ::testing::Test {
 protected:
  ConfigTest() : parser_("ticket-server") {
    parser_.AddInt("port", &config_.port, "gRPC port", 0, 65535);
    parser_.AddString("data-dir", &config_.data_dir, "data directory",
                      ConfigParser::kRequired);
    parser_.AddBool("sync", &config_.sync, "fsync each commit");
    parser_.AddDuration("grace", &config_.grace, "shutdown grace",
                        absl::ZeroDuration(), absl::Minutes(5));
    parser_.AddChoice("clock", &config_.clock, "time source",
                      {"system", "manual"});
  }

  absl::Status Parse(std::vector<const char*> args, Environment env = {}) {
    args.insert(args.begin(), "ticket-server");
    return parser_.Parse(static_cast<int>(args.size()), args.data(), env);
  }

  TestConfig config_;
  ConfigParser parser_;
};

TEST_F(ConfigTest, FlagsBeatEnvironmentBeatDefaults) {
  ASSERT_TRUE(Parse({"--data-dir=/data/工单", "--grace", "30s"},
                    {{"CS_PORT", "6000"}, {"CS_DATA_DIR", "/ignored"}})
                  .ok());
  EXPECT_EQ(config_.port, 6000);
  EXPECT_EQ(config_.data_dir, "/data/工单");
  EXPECT_EQ(config_.grace, absl::Seconds(30));
  EXPECT_TRUE(config_.sync);
  EXPECT_EQ(config_.clock, "system");
}

TEST_F(ConfigTest, GivenNamesSettingsWithAValueEvenAnEmptyOne) {
  ASSERT_TRUE(
      Parse({"--data-dir=", "--sync=false"}, {{"CS_PORT", "6000"}}).ok());
  EXPECT_THAT(parser_.given(),
              ::testing::ElementsAre("data-dir", "port", "sync"));
  EXPECT_EQ(config_.data_dir, "");
}

TEST_F(ConfigTest, BoolFlagWithoutValueIsTrue) {
  config_.sync = false;
  ASSERT_TRUE(Parse({"--data-dir=d", "--sync"}).ok());
  EXPECT_TRUE(config_.sync);
  ASSERT_TRUE(Parse({"--data-dir=d", "--sync=false"}).ok());
  EXPECT_FALSE(config_.sync);
}

TEST_F(ConfigTest, MissingRequiredNamesFlagAndEnv) {
  absl::Status s = Parse({});
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_THAT(std::string(s.message()), HasSubstr("--data-dir"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("CS_DATA_DIR"));
}

TEST_F(ConfigTest, BadValuesNameTheirSource) {
  absl::Status s = Parse({"--data-dir=d"}, {{"CS_PORT", "abc"}});
  EXPECT_THAT(std::string(s.message()), HasSubstr("CS_PORT (environment)"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("not an integer"));
  s = Parse({"--data-dir=d", "--port=70000"});
  EXPECT_THAT(std::string(s.message()), HasSubstr("--port"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("outside [0, 65535]"));
  s = Parse({"--data-dir=d", "--grace=forever"});
  EXPECT_THAT(std::string(s.message()), HasSubstr("not a duration"));
  s = Parse({"--data-dir=d", "--clock=sundial"});
  EXPECT_THAT(std::string(s.message()), HasSubstr("not one of: system, manual"));
  s = Parse({"--data-dir=d", "--sync=maybe"});
  EXPECT_THAT(std::string(s.message()), HasSubstr("not a boolean"));
}

TEST_F(ConfigTest, UnknownFlagAndMissingValueFail) {
  EXPECT_THAT(std::string(Parse({"--data-dir=d", "--prot=1"}).message()),
              HasSubstr("unknown flag --prot"));
  EXPECT_THAT(std::string(Parse({"--data-dir=d", "--port"}).message()),
              HasSubstr("--port needs a value"));
}

TEST_F(ConfigTest, HelpAndPositionalAndUsage) {
  ASSERT_TRUE(Parse({"--help", "serve"}).ok());  // required not enforced
  EXPECT_TRUE(parser_.help_requested());
  EXPECT_THAT(parser_.positional(), ::testing::ElementsAre("serve"));
  EXPECT_THAT(parser_.Usage(), HasSubstr("--port  (env CS_PORT)"));
  EXPECT_THAT(parser_.Usage(), HasSubstr("[default: 50051]"));
}

}  // namespace
}  // namespace cs
