#include "services/routing/domain/sla_policy.h"

#include <algorithm>
#include <map>
#include <string>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/files.h"
#include "services/routing/domain/calendar_config.h"
#include "services/routing/domain/conditions.h"
#include "services/routing/domain/routing_config.h"

namespace cs::routing {
namespace {

using cs::common::v1::CHANNEL_APP;
using cs::common::v1::CHANNEL_EMAIL;
using cs::common::v1::CHANNEL_ONLINE_CHAT;
using cs::common::v1::CHANNEL_PHONE;
using cs::common::v1::CHANNEL_UNSPECIFIED;
using cs::common::v1::CHANNEL_WALK_IN;
using cs::common::v1::GRADE_A;
using cs::common::v1::GRADE_B;
using cs::common::v1::GRADE_C;
using cs::common::v1::GRADE_UNSPECIFIED;
using cs::common::v1::STAGE_AFTER_SALE;
using cs::common::v1::STAGE_IN_SALE;
using cs::common::v1::STAGE_PRE_SALE;
using cs::common::v1::STAGE_UNSPECIFIED;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::TimeZone& Shanghai() {
  static const absl::TimeZone* tz = [] {
    auto* z = new absl::TimeZone;
    EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", z));
    return z;
  }();
  return *tz;
}

absl::Time Sh(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), Shanghai());
}

// The shipped deploy/config files.
struct Shipped {
  std::map<std::string, BusinessCalendar> calendars;
  LoadedConfig config;
};

const Shipped& LoadShipped() {
  static const Shipped* shipped = [] {
    auto* s = new Shipped;
    absl::StatusOr<std::map<std::string, BusinessCalendar>> calendars =
        LoadCalendarsFile(CS_SOURCE_DIR "/deploy/config/calendars.conf");
    EXPECT_TRUE(calendars.ok()) << calendars.status();
    if (calendars.ok()) s->calendars = *calendars;
    absl::StatusOr<LoadedConfig> config =
        LoadRoutingConfigFile(CS_SOURCE_DIR "/deploy/config/routing.textproto",
                              CalendarNames(s->calendars));
    EXPECT_TRUE(config.ok()) << config.status();
    if (config.ok()) s->config = *config;
    return s;
  }();
  return *shipped;
}

ClockPolicy MustMatch(v1::ClockKind kind, cs::common::v1::Stage stage,
                      cs::common::v1::Channel channel,
                      cs::common::v1::Grade grade) {
  absl::StatusOr<ClockPolicy> p =
      MatchPolicy(LoadShipped().config.sla, kind, stage, channel, grade);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : ClockPolicy{};
}

TEST(SlaPolicyTest, FridayEveningUrgentPhoneTicket) {
  const Shipped& s = LoadShipped();
  cs::ticket::v1::TicketFacts facts;
  facts.set_ticket("tickets/t1");
  facts.set_channel(CHANNEL_PHONE);
  facts.set_stage(STAGE_IN_SALE);
  facts.set_grade(GRADE_A);
  absl::StatusOr<std::vector<ClockToStart>> clocks =
      ClocksToStart(facts, s.config.sla);
  ASSERT_TRUE(clocks.ok()) << clocks.status();
  ASSERT_EQ(clocks->size(), 2u);

  const ClockToStart& first = (*clocks)[0];
  EXPECT_EQ(first.kind, v1::CLOCK_KIND_FIRST_RESPONSE);
  EXPECT_EQ(first.policy.name, "in_sale_urgent_first_response");
  EXPECT_EQ(first.policy.target, absl::Minutes(15));
  EXPECT_EQ(first.policy.calendar, "always");
  EXPECT_EQ(first.policy.version, 1);
  EXPECT_DOUBLE_EQ(first.policy.warning_fraction, 0.8);

  // Created Friday 17:55 (Beijing time): due 18:10 on its 7×24 calendar.
  const absl::Time created = Sh(2026, 3, 13, 17, 55);
  SlaClock clock("clocks/c1", "tickets/t1", first.policy, GRADE_A);
  ASSERT_TRUE(clock.Start(created, "TicketCreated").ok());
  const BusinessCalendar& calendar = s.calendars.at(first.policy.calendar);
  EXPECT_EQ(clock.DueTime(calendar), Sh(2026, 3, 13, 18, 10));

  const ClockToStart& resolution = (*clocks)[1];
  EXPECT_EQ(resolution.policy.name, "in_sale_urgent_resolution");
  EXPECT_EQ(resolution.policy.target, absl::Hours(4));
  EXPECT_EQ(resolution.policy.calendar, "always");  // A tickets: 7×24
  EXPECT_EQ(s.calendars.at("always").AddBusinessDuration(
                created, resolution.policy.target),
            Sh(2026, 3, 13, 21, 55));
}

TEST(SlaPolicyTest, FridayEveningNormalEmailTicketWaitsForMonday) {
  const Shipped& s = LoadShipped();
  const ClockPolicy first = MustMatch(v1::CLOCK_KIND_FIRST_RESPONSE,
                                      STAGE_IN_SALE, CHANNEL_EMAIL, GRADE_C);
  EXPECT_EQ(first.name, "in_sale_normal_first_response");
  EXPECT_EQ(first.target, absl::Minutes(30));
  EXPECT_EQ(first.calendar, "default");
  const BusinessCalendar& office = s.calendars.at("default");
  const absl::Time created = Sh(2026, 3, 13, 17, 55);
  EXPECT_EQ(office.AddBusinessDuration(created, first.target),
            Sh(2026, 3, 16, 9, 25));
  const ClockPolicy resolution = MustMatch(
      v1::CLOCK_KIND_RESOLUTION, STAGE_IN_SALE, CHANNEL_EMAIL, GRADE_C);
  EXPECT_EQ(resolution.target, absl::Hours(24));
  // 5 min on Friday, 9 h Monday, 9 h Tuesday, 5 h 55 min Wednesday.
  EXPECT_EQ(office.AddBusinessDuration(created, resolution.target),
            Sh(2026, 3, 18, 14, 55));
  // Over the National Day holiday (10-01..10-07, make-up day Saturday 10-10).
  EXPECT_EQ(office.AddBusinessDuration(Sh(2026, 9, 30, 17, 55), first.target),
            Sh(2026, 10, 8, 9, 25));
}

TEST(SlaPolicyTest, SeedTableAndPrecedence) {
  struct Case {
    v1::ClockKind kind;
    cs::common::v1::Stage stage;
    cs::common::v1::Channel channel;
    cs::common::v1::Grade grade;
    const char* name;
    absl::Duration target;
    const char* calendar;
  } cases[] = {
      // Grade column where no stage row applies.
      {v1::CLOCK_KIND_FIRST_RESPONSE, STAGE_UNSPECIFIED, CHANNEL_EMAIL, GRADE_A,
       "first_response_grade_a", absl::Minutes(15), "always"},
      {v1::CLOCK_KIND_FIRST_RESPONSE, STAGE_PRE_SALE, CHANNEL_EMAIL, GRADE_B,
       "first_response_grade_b", absl::Minutes(30), "default"},
      {v1::CLOCK_KIND_FIRST_RESPONSE, STAGE_AFTER_SALE, CHANNEL_WALK_IN,
       GRADE_C, "first_response_grade_c", absl::Hours(2), "default"},
      // Stage rows beat the grade column.
      {v1::CLOCK_KIND_FIRST_RESPONSE, STAGE_PRE_SALE, CHANNEL_PHONE, GRADE_A,
       "pre_sale_phone_first_response", absl::Minutes(10), "always"},
      {v1::CLOCK_KIND_FIRST_RESPONSE, STAGE_PRE_SALE, CHANNEL_APP, GRADE_C,
       "pre_sale_online_first_response", absl::Minutes(5), "always"},
      {v1::CLOCK_KIND_FIRST_RESPONSE, STAGE_PRE_SALE, CHANNEL_ONLINE_CHAT,
       GRADE_B, "pre_sale_online_first_response", absl::Minutes(5), "always"},
      {v1::CLOCK_KIND_FIRST_RESPONSE, STAGE_IN_SALE, CHANNEL_WALK_IN, GRADE_B,
       "in_sale_normal_first_response", absl::Minutes(30), "default"},
      {v1::CLOCK_KIND_FIRST_RESPONSE, STAGE_AFTER_SALE, CHANNEL_PHONE, GRADE_C,
       "after_sale_phone_first_response", absl::Minutes(10), "always"},
      {v1::CLOCK_KIND_FIRST_RESPONSE, STAGE_AFTER_SALE, CHANNEL_EMAIL, GRADE_B,
       "after_sale_email_first_response", absl::Hours(2), "default"},
      // An urgent email keeps the grade's 15 minutes.
      {v1::CLOCK_KIND_FIRST_RESPONSE, STAGE_AFTER_SALE, CHANNEL_EMAIL, GRADE_A,
       "first_response_grade_a", absl::Minutes(15), "always"},
      // Resolution.
      {v1::CLOCK_KIND_RESOLUTION, STAGE_PRE_SALE, CHANNEL_PHONE, GRADE_C,
       "pre_sale_resolution", absl::Hours(24), "default"},
      {v1::CLOCK_KIND_RESOLUTION, STAGE_IN_SALE, CHANNEL_APP, GRADE_A,
       "in_sale_urgent_resolution", absl::Hours(4), "always"},
      {v1::CLOCK_KIND_RESOLUTION, STAGE_AFTER_SALE, CHANNEL_EMAIL, GRADE_B,
       "after_sale_resolution_b", absl::Hours(48), "default"},
      {v1::CLOCK_KIND_RESOLUTION, STAGE_AFTER_SALE, CHANNEL_PHONE, GRADE_C,
       "after_sale_resolution_c", absl::Hours(72), "default"},
      {v1::CLOCK_KIND_RESOLUTION, STAGE_UNSPECIFIED, CHANNEL_PHONE, GRADE_B,
       "resolution_grade_b", absl::Hours(48), "default"},
      // Next reply and periodic update.
      {v1::CLOCK_KIND_NEXT_REPLY, STAGE_PRE_SALE, CHANNEL_ONLINE_CHAT, GRADE_C,
       "next_reply_grade_c", absl::Hours(2), "always"},
      {v1::CLOCK_KIND_NEXT_REPLY, STAGE_PRE_SALE, CHANNEL_EMAIL, GRADE_C,
       "next_reply_grade_c", absl::Hours(2), "default"},
      {v1::CLOCK_KIND_PERIODIC_UPDATE, STAGE_IN_SALE, CHANNEL_PHONE, GRADE_A,
       "periodic_update_grade_a", absl::Hours(1), "always"},
      {v1::CLOCK_KIND_PERIODIC_UPDATE, STAGE_IN_SALE, CHANNEL_PHONE, GRADE_C,
       "periodic_update_grade_c", absl::Hours(9), "default"},
      // Complaint clocks: natural time.
      {v1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE, STAGE_UNSPECIFIED,
       CHANNEL_UNSPECIFIED, GRADE_UNSPECIFIED, "complaint_acknowledge",
       absl::Minutes(10), "always"},
      {v1::CLOCK_KIND_COMPLAINT_SOLUTION, STAGE_UNSPECIFIED,
       CHANNEL_UNSPECIFIED, GRADE_B, "complaint_solution", absl::Hours(24),
       "always"},
      {v1::CLOCK_KIND_COMPLAINT_INVESTIGATION_REPORT, STAGE_UNSPECIFIED,
       CHANNEL_UNSPECIFIED, GRADE_C, "complaint_investigation_report",
       absl::Hours(72), "always"},
      {v1::CLOCK_KIND_COMPLAINT_REVISIT, STAGE_UNSPECIFIED, CHANNEL_UNSPECIFIED,
       GRADE_A, "complaint_revisit", absl::Hours(48), "always"},
      {v1::CLOCK_KIND_COMPLAINT_CLOSE, STAGE_UNSPECIFIED, CHANNEL_UNSPECIFIED,
       GRADE_UNSPECIFIED, "complaint_close", absl::Hours(144), "always"},
  };
  for (const Case& c : cases) {
    const ClockPolicy p = MustMatch(c.kind, c.stage, c.channel, c.grade);
    EXPECT_EQ(p.name, c.name)
        << ClockKindName(c.kind) << " " << StageName(c.stage) << " "
        << ChannelName(c.channel) << " " << GradeLetter(c.grade);
    EXPECT_EQ(p.target, c.target) << c.name;
    EXPECT_EQ(p.calendar, c.calendar) << c.name;
  }
  // Follow-up (3 business days) and record completeness (30 min) after
  // resolution, for every ticket.
  const ClockPolicy follow_up = MustMatch(v1::CLOCK_KIND_FOLLOW_UP,
                                          STAGE_IN_SALE, CHANNEL_PHONE, GRADE_A);
  EXPECT_EQ(follow_up.name, "follow_up");
  EXPECT_EQ(follow_up.target, absl::Hours(27));
  EXPECT_EQ(follow_up.calendar, "default");
  const ClockPolicy record =
      MustMatch(v1::CLOCK_KIND_RECORD_COMPLETENESS, STAGE_PRE_SALE,
                CHANNEL_EMAIL, GRADE_C);
  EXPECT_EQ(record.target, absl::Minutes(30));
  EXPECT_EQ(record.calendar, "always");

  SlaPolicies without_follow_up = LoadShipped().config.sla;
  auto& policies = without_follow_up.policies;
  policies.erase(std::remove_if(policies.begin(), policies.end(),
                                [](const SlaPolicySpec& p) {
                                  return p.kind == v1::CLOCK_KIND_FOLLOW_UP;
                                }),
                 policies.end());
  absl::StatusOr<ClockPolicy> none =
      MatchPolicy(without_follow_up, v1::CLOCK_KIND_FOLLOW_UP, STAGE_IN_SALE,
                  CHANNEL_PHONE, GRADE_A);
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(none.status().message(),
              HasSubstr("no SLA policy for FOLLOW_UP (stage IN_SALE, channel "
                        "PHONE, grade A)"));
}

TEST(SlaPolicyTest, ClocksToStartNeedsAGrade) {
  cs::ticket::v1::TicketFacts facts;
  facts.set_channel(CHANNEL_PHONE);
  EXPECT_EQ(ClocksToStart(facts, LoadShipped().config.sla).status().code(),
            absl::StatusCode::kInvalidArgument);
  SlaPolicies only_resolution = LoadShipped().config.sla;
  only_resolution.ticket_clocks.start_on_create = {v1::CLOCK_KIND_RESOLUTION};
  facts.set_grade(GRADE_B);
  absl::StatusOr<std::vector<ClockToStart>> clocks =
      ClocksToStart(facts, only_resolution);
  ASSERT_TRUE(clocks.ok());
  ASSERT_EQ(clocks->size(), 1u);
  EXPECT_EQ((*clocks)[0].kind, v1::CLOCK_KIND_RESOLUTION);
  EXPECT_TRUE(TicketClockEnabled(only_resolution, v1::CLOCK_KIND_NEXT_REPLY));
  EXPECT_FALSE(
      TicketClockEnabled(only_resolution, v1::CLOCK_KIND_FIRST_RESPONSE));
}

SlaPolicySpec Spec(std::string name, std::vector<cs::common::v1::Stage> stages,
                   std::vector<cs::common::v1::Channel> channels,
                   std::vector<cs::common::v1::Grade> grades) {
  SlaPolicySpec p;
  p.name = std::move(name);
  p.kind = v1::CLOCK_KIND_FIRST_RESPONSE;
  p.stages = std::move(stages);
  p.channels = std::move(channels);
  p.grades = std::move(grades);
  p.target = absl::Minutes(10);
  return p;
}

TEST(SlaPolicyTest, SpecificityAndAmbiguity) {
  EXPECT_EQ(Specificity(Spec("x", {}, {}, {})), 0);
  EXPECT_EQ(Specificity(Spec("x", {}, {}, {GRADE_A})), 1);
  EXPECT_EQ(Specificity(Spec("x", {}, {CHANNEL_PHONE}, {})), 2);
  EXPECT_EQ(Specificity(Spec("x", {STAGE_PRE_SALE}, {}, {})), 4);
  // A stage beats channel + grade.
  EXPECT_GT(Specificity(Spec("x", {STAGE_PRE_SALE}, {}, {})),
            Specificity(Spec("y", {}, {CHANNEL_PHONE}, {GRADE_A})));

  const std::vector<SlaPolicySpec> policies = {
      Spec("phone", {}, {CHANNEL_PHONE}, {}),
      Spec("online", {}, {CHANNEL_APP, CHANNEL_ONLINE_CHAT}, {}),
      Spec("phone_again", {}, {CHANNEL_EMAIL, CHANNEL_PHONE},
           {}),                            // overlaps "phone"
      Spec("grade_a", {}, {}, {GRADE_A}),  // other specificity: fine
  };
  EXPECT_THAT(FindAmbiguousPolicies(policies),
              ElementsAre(std::pair<size_t, size_t>(0, 2)));
  SlaPolicySpec other_kind = policies[2];
  other_kind.kind = v1::CLOCK_KIND_RESOLUTION;
  EXPECT_TRUE(FindAmbiguousPolicies({policies[0], other_kind}).empty());
}

TEST(SlaPolicyTest, ConfigDurations) {
  struct Case {
    const char* text;
    absl::Duration want;
  } good[] = {{"15m", absl::Minutes(15)},   {"2h", absl::Hours(2)},
              {"1h30m", absl::Minutes(90)}, {"3d", absl::Hours(72)},
              {"1d12h", absl::Hours(36)},   {" 6d ", absl::Hours(144)},
              {"90s", absl::Seconds(90)}};
  for (const Case& c : good) {
    absl::StatusOr<absl::Duration> d = ParseConfigDuration(c.text);
    ASSERT_TRUE(d.ok()) << c.text << ": " << d.status();
    EXPECT_EQ(*d, c.want) << c.text;
  }
  for (const char* bad :
       {"2x", "", "d", "0m", "-5m", "15", "1.5d", "inf", "3d-1h"}) {
    EXPECT_EQ(ParseConfigDuration(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_THAT(ParseConfigDuration("2x").status().message(),
              HasSubstr("\"2x\" is not a duration"));
  EXPECT_EQ(FormatConfigDuration(absl::Hours(144)), "6d");
  EXPECT_EQ(FormatConfigDuration(absl::Hours(36)), "1d12h");
  EXPECT_EQ(FormatConfigDuration(absl::Minutes(15)), "15m");
}

TEST(SlaPolicyTest, Views) {
  const SlaPolicies& sla = LoadShipped().config.sla;
  std::map<std::string, v1::SlaPolicyView> views;
  for (const SlaPolicySpec& p : sla.policies) views[p.name] = ToView(sla, p);
  const v1::SlaPolicyView& v = views.at("pre_sale_phone_first_response");
  EXPECT_EQ(v.version(), 1);
  EXPECT_EQ(v.kind(), v1::CLOCK_KIND_FIRST_RESPONSE);
  EXPECT_THAT(v.stages(), ElementsAre(STAGE_PRE_SALE));
  EXPECT_THAT(v.channels(), ElementsAre(CHANNEL_PHONE));
  EXPECT_EQ(v.target().seconds(), 600);
  EXPECT_EQ(v.calendar(), "always");
  EXPECT_DOUBLE_EQ(v.warning_fraction(), 0.8);
  // Grade C on business hours, but phone/online first responses are 7×24.
  EXPECT_EQ(views.at("first_response_grade_c").calendar(), "always,default");
  EXPECT_EQ(views.at("complaint_close").calendar(), "always");
  EXPECT_EQ(views.at("resolution_grade_b").calendar(), "default");
}

}  // namespace
}  // namespace cs::routing
