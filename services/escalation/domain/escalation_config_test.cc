#include "services/escalation/domain/escalation_config.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cs::escalation {
namespace {

using ::testing::HasSubstr;

TEST(EscalationConfigTest, ShippedConfigLoadsWithTheSeedChains) {
  auto settings = LoadEscalationConfigFile(
      absl::StrCat(CS_SOURCE_DIR, "/deploy/config/escalation.textproto"));
  ASSERT_TRUE(settings.ok()) << settings.status();
  const v1::EscalationPolicy* a = settings->ForBreach(
      common::v1::GRADE_A, routing::v1::CLOCK_KIND_FIRST_RESPONSE);
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->levels_size(), 3);
  EXPECT_EQ(a->levels(0).role(), "team_lead");
  EXPECT_EQ(a->levels(1).role(), "director");
  EXPECT_EQ(a->levels(2).people(0), "ceo");
  const v1::EscalationPolicy* b = settings->ForBreach(
      common::v1::GRADE_B, routing::v1::CLOCK_KIND_RESOLUTION);
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->levels_size(), 3);
  EXPECT_TRUE(b->levels(0).notify_assignee());
  EXPECT_EQ(b->levels(2).people(0), "cs-director");
  const v1::EscalationPolicy* c = settings->ForBreach(
      common::v1::GRADE_C, routing::v1::CLOCK_KIND_FIRST_RESPONSE);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->levels_size(), 1);
  const v1::EscalationPolicy* serious = settings->ForSeverity("serious");
  ASSERT_NE(serious, nullptr);
  EXPECT_EQ(serious->levels(0).people(0), "vice-president");
  EXPECT_EQ(settings->ForSeverity("mild"), nullptr);
  EXPECT_EQ(settings->Severities(), std::vector<std::string>{"serious"});
  EXPECT_EQ(settings->WarningRole(), "team_lead");
}

TEST(EscalationConfigTest, KindFilterAndOrderChooseThePolicy) {
  auto settings = ParseEscalationConfig(R"(
version: 1
policies {
  name: "a-first-response"
  grade: GRADE_A
  kinds: CLOCK_KIND_FIRST_RESPONSE
  levels { title: "lead" role: "team_lead" ack_within { seconds: 60 } }
}
policies {
  name: "a-other"
  grade: GRADE_A
  levels { title: "director" role: "director" ack_within { seconds: 60 } }
}
)",
                                        "test.textproto");
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings
                ->ForBreach(common::v1::GRADE_A,
                            routing::v1::CLOCK_KIND_FIRST_RESPONSE)
                ->name(),
            "a-first-response");
  EXPECT_EQ(
      settings
          ->ForBreach(common::v1::GRADE_A, routing::v1::CLOCK_KIND_RESOLUTION)
          ->name(),
      "a-other");
  EXPECT_EQ(settings->ForBreach(common::v1::GRADE_B,
                                routing::v1::CLOCK_KIND_RESOLUTION),
            nullptr);
}

TEST(EscalationConfigTest, ErrorsNameTheFileAndLine) {
  auto syntax = ParseEscalationConfig("version: 1\npolicies { nme: \"x\" }\n",
                                      "esc.textproto");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(syntax.status().message(), HasSubstr("esc.textproto:2:"));

  auto invalid = ParseEscalationConfig(R"(version: 1
policies {
  name: "a"
  grade: GRADE_A
  levels { title: "lead" role: "team_lead" ack_within { seconds: 60 } }
  levels { title: "boss" role: "boss" }
}
policies {
  name: "a"
  severity: "serious"
  grade: GRADE_B
}
)",
                                       "esc.textproto");
  ASSERT_FALSE(invalid.ok());
  const std::string message(invalid.status().message());
  EXPECT_THAT(message, HasSubstr("esc.textproto:6: policies[0].levels[1].role: "
                                 "unknown role \"boss\""));
  EXPECT_THAT(message,
              HasSubstr("esc.textproto:6: policies[0].levels[1].ack_within"));
  EXPECT_THAT(message, HasSubstr("esc.textproto:9: policies[1].name: "
                                 "duplicate policy name"));
  EXPECT_THAT(message, HasSubstr("policies[1]: set exactly one of grade and "
                                 "severity"));
  EXPECT_THAT(message, HasSubstr("policies[1].levels: at least one level"));

  auto version = ParseEscalationConfig(
      "policies { name: \"c\" grade: GRADE_C levels { title: \"t\" role: "
      "\"team_lead\" ack_within { seconds: 1 } } }",
      "v.textproto");
  ASSERT_FALSE(version.ok());
  EXPECT_THAT(version.status().message(), HasSubstr("version: must be >= 1"));
}

TEST(EscalationConfigTest, RoleRanks) {
  EXPECT_LT(RoleRank("agent"), RoleRank("team_lead"));
  EXPECT_LT(RoleRank("team_lead"), RoleRank("supervisor"));
  EXPECT_LT(RoleRank("supervisor"), RoleRank("director"));
  EXPECT_LT(RoleRank("director"), RoleRank("admin"));
  EXPECT_EQ(RoleRank("qa"), 0);
}

}  // namespace
}  // namespace cs::escalation
