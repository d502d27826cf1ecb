// Validation of escalation-server's --webhook-* flags.
#include "services/escalation/webhook/webhook_config.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/files.h"
#include "libs/testing/temp_dir.h"

namespace cs::escalation {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class WebhookConfigTest : public ::testing::Test {
 protected:
  WebhookFlags Flags(absl::string_view secret = "升级通知密钥-0123456789\n") {
    EXPECT_TRUE(WriteFileAtomically(dir_.Sub("secret"), secret).ok());
    WebhookFlags flags;
    flags.url = "https://hooks.example.com/cs";
    flags.secret_file = dir_.Sub("secret");
    return flags;
  }
  static std::string Error(const WebhookFlags& flags) {
    auto options = WebhookOptionsFromFlags(flags);
    EXPECT_TRUE(absl::IsInvalidArgument(options.status())) << options.status();
    return std::string(options.status().message());
  }
  cs::testing::TempDir dir_;
};

TEST_F(WebhookConfigTest, NoUrlNoWebhook) {
  auto options = WebhookOptionsFromFlags(WebhookFlags{});
  ASSERT_TRUE(options.ok());
  EXPECT_FALSE(options->has_value());
}

TEST_F(WebhookConfigTest, ValidFlagsGiveOptions) {
  WebhookFlags flags = Flags();
  flags.roles = "director, admin";
  flags.recipients = "ceo-zhang";
  flags.max_attempts = 7;
  auto options = WebhookOptionsFromFlags(flags);
  ASSERT_TRUE(options.ok()) << options.status();
  ASSERT_TRUE(options->has_value());
  EXPECT_EQ((*options)->secret, "升级通知密钥-0123456789");  // newline dropped
  EXPECT_THAT((*options)->filter.roles, ElementsAre("director", "admin"));
  EXPECT_THAT((*options)->filter.recipients, ElementsAre("ceo-zhang"));
  EXPECT_EQ((*options)->retry.max_attempts, 7);
}

TEST_F(WebhookConfigTest, BadFlagsAreNamed) {
  WebhookFlags flags = Flags();
  flags.url = "ftp://example.com";
  EXPECT_THAT(Error(flags), HasSubstr("--webhook-url"));
  flags = Flags();
  flags.secret_file = dir_.Sub("missing");
  EXPECT_THAT(Error(flags), HasSubstr("--webhook-secret-file"));
  flags = Flags();
  flags.secret_file.clear();
  EXPECT_THAT(Error(flags), HasSubstr("--webhook-secret-file"));
  EXPECT_THAT(Error(Flags("short\n")), HasSubstr("at least 16 bytes"));
  flags = Flags();
  flags.roles = "总监";
  EXPECT_THAT(Error(flags), HasSubstr("--webhook-roles"));
  flags = Flags();
  flags.initial_backoff = absl::Hours(1);
  flags.max_backoff = absl::Minutes(1);
  EXPECT_THAT(Error(flags), HasSubstr("--webhook-initial-backoff"));
}

}  // namespace
}  // namespace cs::escalation
