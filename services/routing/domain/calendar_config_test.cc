#include "services/routing/domain/calendar_config.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"

#ifndef CS_SOURCE_DIR
#error "CS_SOURCE_DIR must point at the source tree (set in CMakeLists.txt)"
#endif

namespace cs::routing {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

absl::Time Sh(int y, int mo, int d, int h, int mi) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &tz));
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), tz);
}

std::vector<std::string> Names(
    const std::map<std::string, BusinessCalendar>& calendars) {
  std::vector<std::string> names;
  for (const auto& [name, calendar] : calendars) names.push_back(name);
  return names;
}

constexpr absl::string_view kExample = R"(# comment
calendar default
  timezone Asia/Shanghai
  hours mon-fri 09:00-18:00
  hours sat 10:00-12:00
  holiday 2026-01-01
  holiday 2026-10-01..2026-10-07
  workday 2026-09-27
  workday 2026-10-10 09:00-18:00
calendar always
  always_open
)";

TEST(ParseCalendarsTest, ParsesTheDocumentedExample) {
  auto calendars = ParseCalendars(kExample);
  ASSERT_TRUE(calendars.ok()) << calendars.status();
  EXPECT_THAT(Names(*calendars), UnorderedElementsAre("default", "always"));
  const BusinessCalendar& office = calendars->at("default");
  EXPECT_EQ(office.time_zone_name(), "Asia/Shanghai");
  EXPECT_EQ(office.HoursOn(absl::CivilDay(2026, 11, 21)),
            (std::vector<WorkInterval>{{600, 720}}));  // Saturday
  EXPECT_TRUE(office.IsHoliday(absl::CivilDay(2026, 1, 1)));
  for (absl::CivilDay d(2026, 10, 1); d <= absl::CivilDay(2026, 10, 7); ++d) {
    EXPECT_TRUE(office.IsHoliday(d)) << d;
  }
  EXPECT_FALSE(office.IsHoliday(absl::CivilDay(2026, 10, 8)));
  // Sunday 2026-09-27 is worked with Monday's hours.
  EXPECT_TRUE(office.IsMakeUpDay(absl::CivilDay(2026, 9, 27)));
  EXPECT_EQ(office.HoursOn(absl::CivilDay(2026, 9, 27)),
            (std::vector<WorkInterval>{{540, 1080}}));
  EXPECT_EQ(office.HoursOn(absl::CivilDay(2026, 10, 10)),
            (std::vector<WorkInterval>{{540, 1080}}));

  const BusinessCalendar& always = calendars->at("always");
  const absl::Time t = Sh(2026, 10, 3, 3, 33);
  EXPECT_EQ(always.AddBusinessDuration(t, absl::Hours(72)),
            t + absl::Hours(72));
}

TEST(ParseCalendarsTest, ShippedConfigParsesAndKnowsThe2026Holidays) {
  const std::string path =
      absl::StrCat(CS_SOURCE_DIR, "/deploy/config/calendars.conf");
  auto calendars = LoadCalendarsFile(path);
  ASSERT_TRUE(calendars.ok()) << calendars.status();
  ASSERT_EQ(calendars->count(std::string(kDefaultCalendarName)), 1u);
  ASSERT_EQ(calendars->count(std::string(kAlwaysOpenCalendarName)), 1u);
  const BusinessCalendar& office =
      calendars->at(std::string(kDefaultCalendarName));
  EXPECT_EQ(office.time_zone_name(), "Asia/Shanghai");
  for (int wd = 0; wd < 5; ++wd) {
    EXPECT_EQ(office.WeeklyHours(static_cast<absl::Weekday>(wd)),
              (std::vector<WorkInterval>{{540, 1080}}));
  }
  EXPECT_TRUE(office.WeeklyHours(absl::Weekday::saturday).empty());
  EXPECT_TRUE(office.WeeklyHours(absl::Weekday::sunday).empty());

  // Each public holiday block of 2026, and its make-up days.
  const std::vector<std::pair<absl::CivilDay, absl::CivilDay>> blocks = {
      {absl::CivilDay(2026, 1, 1), absl::CivilDay(2026, 1, 3)},
      {absl::CivilDay(2026, 2, 15), absl::CivilDay(2026, 2, 23)},
      {absl::CivilDay(2026, 4, 4), absl::CivilDay(2026, 4, 6)},
      {absl::CivilDay(2026, 5, 1), absl::CivilDay(2026, 5, 5)},
      {absl::CivilDay(2026, 6, 19), absl::CivilDay(2026, 6, 21)},
      {absl::CivilDay(2026, 9, 25), absl::CivilDay(2026, 9, 27)},
      {absl::CivilDay(2026, 10, 1), absl::CivilDay(2026, 10, 7)}};
  for (const auto& [first, last] : blocks) {
    EXPECT_FALSE(office.IsHoliday(first - 1)) << first - 1;
    for (absl::CivilDay d = first; d <= last; ++d) {
      EXPECT_TRUE(office.IsHoliday(d)) << d;
    }
    EXPECT_FALSE(office.IsHoliday(last + 1)) << last + 1;
  }
  for (absl::CivilDay d :
       {absl::CivilDay(2026, 1, 4), absl::CivilDay(2026, 2, 14),
        absl::CivilDay(2026, 2, 28), absl::CivilDay(2026, 5, 9),
        absl::CivilDay(2026, 9, 20), absl::CivilDay(2026, 10, 10)}) {
    EXPECT_TRUE(office.IsMakeUpDay(d)) << d;
    const absl::Weekday wd = absl::GetWeekday(d);
    EXPECT_TRUE(wd == absl::Weekday::saturday || wd == absl::Weekday::sunday)
        << d;
  }

  // The design's examples, on the shipped calendar.
  EXPECT_EQ(
      office.AddBusinessDuration(Sh(2026, 11, 20, 17, 30), absl::Hours(2)),
      Sh(2026, 11, 23, 10, 30));
  EXPECT_EQ(office.AddBusinessDuration(Sh(2026, 9, 30, 16, 0), absl::Hours(72)),
            Sh(2026, 10, 16, 16, 0));

  const BusinessCalendar& always =
      calendars->at(std::string(kAlwaysOpenCalendarName));
  EXPECT_TRUE(always.IsWorkingTime(Sh(2026, 10, 1, 3, 0)));
  EXPECT_EQ(always.NextClosing(Sh(2026, 10, 1, 3, 0)), absl::InfiniteFuture());
}

TEST(ParseCalendarsTest, ChineseCommentsCrlfAndBomSurvive) {
  const std::string text =
      absl::StrCat("\xEF\xBB\xBF# 业务日历：北京时间\r\n",
                   "calendar 默认 # not a valid name, see below\r\n");
  // Non-ASCII calendar names are rejected, comments are not.
  auto bad = ParseCalendars(text);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "calendars.conf:2: bad calendar name \"默认\" (letters, digits, "
            "'_', '-', '.'; at most 64)");

  const std::string good = absl::StrCat(
      "\xEF\xBB\xBF# 业务日历：北京时间，周一至周五\r\n",
      "calendar default   # 默认日历\r\n", "\ttimezone Asia/Shanghai#时区\r\n",
      "  hours mon-fri 09:00-12:00,13:30-18:00   # 午休 12:00–13:30\r\n",
      "  # 国庆节：10月1日至7日放假调休，共7天。\r\n",
      "  holiday 2026-10-01..2026-10-07 # 国庆\r\n",
      "  workday 2026-10-10             # 周六上班\r\n", "#结尾注释");
  auto calendars = ParseCalendars(good);
  ASSERT_TRUE(calendars.ok()) << calendars.status();
  const BusinessCalendar& cal = calendars->at("default");
  EXPECT_EQ(cal.HoursOn(absl::CivilDay(2026, 10, 10)),
            (std::vector<WorkInterval>{{540, 720}, {810, 1080}}));
  EXPECT_TRUE(cal.IsHoliday(absl::CivilDay(2026, 10, 7)));
}

TEST(ParseCalendarsTest, HoursLinesAccumulateAndDaysCanBeListed) {
  auto calendars = ParseCalendars(R"(
calendar shifts
  timezone America/New_York
  hours mon,wed,fri-sun 09:00-12:00
  hours MON-FRI 13:00-17:00
  hours fri 22:00-24:00
  hours sat 00:00-06:00
  workday 2026-11-26 as sat
calendar night
  hours daily 00:00-06:00 18:00-24:00
)");
  ASSERT_TRUE(calendars.ok()) << calendars.status();
  const BusinessCalendar& shifts = calendars->at("shifts");
  EXPECT_EQ(shifts.time_zone_name(), "America/New_York");
  EXPECT_EQ(shifts.WeeklyHours(absl::Weekday::monday),
            (std::vector<WorkInterval>{{540, 720}, {780, 1020}}));
  EXPECT_EQ(shifts.WeeklyHours(absl::Weekday::tuesday),
            (std::vector<WorkInterval>{{780, 1020}}));
  EXPECT_EQ(shifts.WeeklyHours(absl::Weekday::saturday),
            (std::vector<WorkInterval>{{0, 360}, {540, 720}}));
  EXPECT_EQ(shifts.HoursOn(absl::CivilDay(2026, 11, 26)),
            (std::vector<WorkInterval>{{0, 360}, {540, 720}}));
  const BusinessCalendar& night = calendars->at("night");
  EXPECT_EQ(night.time_zone_name(), "Asia/Shanghai");  // the default
  EXPECT_EQ(night.NextClosing(Sh(2026, 11, 20, 19, 0)), Sh(2026, 11, 21, 6, 0));
}

TEST(ParseCalendarsTest, EmptyTextHasNoCalendars) {
  auto calendars = ParseCalendars("# nothing yet\n\n");
  ASSERT_TRUE(calendars.ok()) << calendars.status();
  EXPECT_TRUE(calendars->empty());
}

// Each error names the source and the line, in the field of the BadRequest
// detail as well as in the message.
TEST(ParseCalendarsTest, ErrorsNameTheLine) {
  struct Case {
    std::string text;
    std::string message;  // full expected message
  };
  const std::vector<Case> cases = {
      {"calendar a\n  hours mon 09:00-25:00\n",
       "calendars.conf:2: bad time \"25:00\""},
      {"calendar a\n\n  hours mon 9:0-18:00\n",
       "calendars.conf:3: bad time \"9:0\""},
      {"calendar a\n  hours mon 24:30-24:45\n",
       "calendars.conf:2: bad time \"24:30\""},
      {"calendar a\n  hours mon 18:00-09:00\n",
       "calendars.conf:2: bad interval \"18:00-09:00\": start must be before "
       "end (split an overnight shift at 24:00)"},
      {"calendar a\n  hours mon 0900-1800\n",
       "calendars.conf:2: bad time \"0900\""},
      {"calendar a\n  hours mon 09:00\n",
       "calendars.conf:2: bad interval \"09:00\" (want HH:MM-HH:MM)"},
      {"calendar a\n  hours mon\n",
       "calendars.conf:2: hours needs days and at least one interval, e.g. "
       "hours mon-fri 09:00-18:00"},
      {"calendar a\n  hours monday 09:00-18:00\n",
       "calendars.conf:2: bad weekday \"monday\" (use mon tue wed thu fri sat "
       "sun)"},
      {"calendar a\n  hours sat-mon 09:00-18:00\n",
       "calendars.conf:2: bad weekday range \"sat-mon\" (ranges run from mon "
       "to sun; use a comma list such as sat-sun,mon)"},
      {"calendar a\n  hours mon-fri 09:00-12:00\n  hours tue 11:00-13:00\n",
       "calendars.conf:3: hours overlap on tue: 11:00-13:00 and 09:00-12:00 "
       "(line 2)"},
      {"calendar a\n  hours mon 09:00-12:00 11:00-13:00\n",
       "calendars.conf:2: hours overlap on mon: 11:00-13:00 and 09:00-12:00"},
      {"calendar a\n  hours mon-fri 09:00-18:00\n  holiday 2026-02-30\n",
       "calendars.conf:3: bad date \"2026-02-30\""},
      {"calendar a\n  hours mon-fri 09:00-18:00\n  holiday "
       "2026-10-07..2026-10-01\n",
       "calendars.conf:3: date range \"2026-10-07..2026-10-01\" ends before it "
       "starts"},
      {"calendar a\n  hours mon-fri 09:00-18:00\n  holiday "
       "2026-01-01..2027-06-01\n",
       "calendars.conf:3: date range \"2026-01-01..2027-06-01\" is longer than "
       "366 days"},
      {"calendar a\n  hours mon-fri 09:00-18:00\n  holiday 1899-12-31\n",
       "calendars.conf:3: date \"1899-12-31\" is outside years 1900..9999"},
      {"calendar a\n  hours mon-fri 09:00-18:00\n  workday 2026-10-10\n"
       "  # 国庆\n  holiday 2026-10-01..2026-10-10\n",
       "calendars.conf:5: 2026-10-10 is already a workday (line 3)"},
      {"calendar a\n  hours mon-fri 09:00-18:00\n  holiday "
       "2026-10-01..2026-10-07\n"
       "  workday 2026-10-07\n",
       "calendars.conf:4: 2026-10-07 is already a holiday (line 3)"},
      {"calendar a\n  hours mon-fri 09:00-18:00\n  workday 2026-10-10\n"
       "  workday 2026-10-10 10:00-12:00\n",
       "calendars.conf:4: workday 2026-10-10 is already given on line 3"},
      {"calendar a\n  hours mon-fri 09:00-18:00\n  workday 2026-10-10 as\n",
       "calendars.conf:3: workday DATE as DAY takes exactly one weekday"},
      {"calendar a\n  hours tue-fri 09:00-18:00\n  workday 2026-10-10\n",
       "calendars.conf:3: workday 2026-10-10 copies the hours of mon, which "
       "has none (give hours or \"as DAY\")"},
      {"calendar a\n  hours mon-fri 09:00-18:00\ncalendar b\n  timezone "
       "Asia/Shanghai\n",
       "calendars.conf:3: calendar \"b\" has no working hours (add \"hours\" "
       "lines or \"always_open\")"},
      {"calendar a\n  always_open\ncalendar a\n  always_open\n",
       "calendars.conf:3: calendar \"a\" is already defined on line 1"},
      {"calendar a b\n",
       "calendars.conf:1: calendar needs exactly one name: "
       "calendar NAME"},
      {"calendar a\n  timezone Mars/Base\n",
       "calendars.conf:2: unknown time zone \"Mars/Base\""},
      {"calendar a\n  timezone UTC\n  timezone Asia/Shanghai\n",
       "calendars.conf:3: timezone already set on line 2"},
      {"calendar a\n  always_open\n  hours mon 09:00-10:00\n",
       "calendars.conf:3: hours conflicts with always_open on line 2"},
      {"calendar a\n  hours mon 09:00-10:00\n  always_open\n",
       "calendars.conf:3: always_open conflicts with hours on line 2"},
      {"calendar a\n  always_open now\n",
       "calendars.conf:2: always_open takes no arguments"},
      {"  hours mon-fri 09:00-18:00\n",
       "calendars.conf:1: \"hours\" outside a calendar block (start one with: "
       "calendar NAME)"},
      {"calendar a\n  always_open\n  opening 09:00\n",
       "calendars.conf:3: unknown directive \"opening\""},
      {"calendar a\n  always_open\n  节假日 2026-10-01\n",
       "calendars.conf:3: unknown directive \"节假日\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto result = ParseCalendars(c.text);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(result.status().message(), c.message);
    const auto violations = cs::FieldViolationsOf(result.status());
    ASSERT_EQ(violations.size(), 1u);
    EXPECT_EQ(
        violations[0].field,
        c.message.substr(0, c.message.find(':', c.message.find(':') + 1)));
  }
}

TEST(ParseCalendarsTest, SourceNameAppearsInErrors) {
  auto result = ParseCalendars("calendar x\n  hours mon 25:00-26:00\n",
                               "/etc/cs/calendars.conf");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "/etc/cs/calendars.conf:2: bad time \"25:00\"");
}

TEST(ParseCalendarsTest, MissingFileIsNotFound) {
  auto result = LoadCalendarsFile("does/not/exist/calendars.conf");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
}

TEST(ParseWorkIntervalTest, ParsesAndRejects) {
  auto iv = ParseWorkInterval("09:00-18:00");
  ASSERT_TRUE(iv.ok()) << iv.status();
  EXPECT_EQ(*iv, (WorkInterval{540, 1080}));
  iv = ParseWorkInterval("0:00-24:00");
  ASSERT_TRUE(iv.ok()) << iv.status();
  EXPECT_EQ(*iv, (WorkInterval{0, 1440}));
  for (const char* bad :
       {"", "-", "09:00-", "09:60-10:00", "9-10", "09:00-10:00-11:00",
        "a9:00-10:00", "24:00-24:00", "+9:00-10:00", "09:00 -10:00"}) {
    EXPECT_FALSE(ParseWorkInterval(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace cs::routing
