#include "services/routing/domain/calendar.h"

#include <cstdint>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"

namespace cs::routing {
namespace {

using ::testing::HasSubstr;

constexpr int kHour = 60;

absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone(name, &tz)) << name;
  return tz;
}

const absl::TimeZone& Shanghai() {
  static const absl::TimeZone* tz = new absl::TimeZone(Zone("Asia/Shanghai"));
  return *tz;
}

const absl::TimeZone& NewYork() {
  static const absl::TimeZone* tz =
      new absl::TimeZone(Zone("America/New_York"));
  return *tz;
}

// Local Asia/Shanghai time.
absl::Time Sh(int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), Shanghai());
}

// An unambiguous UTC instant.
absl::Time Utc(int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

std::string ShStr(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E*S %a", t, Shanghai());
}

BusinessCalendar MustCreate(const CalendarSpec& spec) {
  absl::StatusOr<BusinessCalendar> calendar = BusinessCalendar::Create(spec);
  EXPECT_TRUE(calendar.ok()) << calendar.status();
  if (!calendar.ok()) return BusinessCalendar::AlwaysOpen();
  return *std::move(calendar);
}

// The 2026 PRC schedule, built in code so that these tests do not depend on
// the shipped configuration file (calendar_config_test checks that one).
CalendarSpec Office2026Spec() {
  CalendarSpec spec = OfficeHoursSpec();
  spec.AddHolidays(absl::CivilDay(2026, 1, 1), absl::CivilDay(2026, 1, 3));
  spec.AddHolidays(absl::CivilDay(2026, 2, 15), absl::CivilDay(2026, 2, 23));
  spec.AddHolidays(absl::CivilDay(2026, 4, 4), absl::CivilDay(2026, 4, 6));
  spec.AddHolidays(absl::CivilDay(2026, 5, 1), absl::CivilDay(2026, 5, 5));
  spec.AddHolidays(absl::CivilDay(2026, 6, 19), absl::CivilDay(2026, 6, 21));
  spec.AddHolidays(absl::CivilDay(2026, 9, 25), absl::CivilDay(2026, 9, 27));
  spec.AddHolidays(absl::CivilDay(2026, 10, 1), absl::CivilDay(2026, 10, 7));
  for (absl::CivilDay d :
       {absl::CivilDay(2026, 1, 4), absl::CivilDay(2026, 2, 14),
        absl::CivilDay(2026, 2, 28), absl::CivilDay(2026, 5, 9),
        absl::CivilDay(2026, 9, 20), absl::CivilDay(2026, 10, 10)}) {
    spec.AddMakeUpDay(d);
  }
  return spec;
}

const BusinessCalendar& Office2026() {
  static const BusinessCalendar* calendar =
      new BusinessCalendar(MustCreate(Office2026Spec()));
  return *calendar;
}

// ---------------------------------------------------------------------------
// Plain arithmetic in Asia/Shanghai.

TEST(BusinessCalendarTest, WithinOneDay) {
  const BusinessCalendar& cal = Office2026();
  const absl::Time start = Sh(2026, 11, 16, 10, 0);  // Monday
  EXPECT_EQ(cal.AddBusinessDuration(start, absl::Hours(2)),
            Sh(2026, 11, 16, 12, 0));
  EXPECT_EQ(cal.AddBusinessDuration(start, absl::Seconds(1)),
            Sh(2026, 11, 16, 10, 0, 1));
  EXPECT_EQ(cal.BusinessDurationBetween(start, Sh(2026, 11, 16, 12, 0)),
            absl::Hours(2));
  // Sub-second precision is kept.
  EXPECT_EQ(cal.AddBusinessDuration(start, absl::Milliseconds(1500)),
            start + absl::Milliseconds(1500));
}

TEST(BusinessCalendarTest, AcrossTheNight) {
  const BusinessCalendar& cal = Office2026();
  // Tuesday 17:00 + 2h: one hour on Tuesday, one on Wednesday morning.
  EXPECT_EQ(cal.AddBusinessDuration(Sh(2026, 11, 17, 17, 0), absl::Hours(2)),
            Sh(2026, 11, 18, 10, 0));
  EXPECT_EQ(cal.BusinessDurationBetween(Sh(2026, 11, 17, 17, 0),
                                        Sh(2026, 11, 18, 10, 0)),
            absl::Hours(2));
  // The night itself counts for nothing.
  EXPECT_EQ(cal.BusinessDurationBetween(Sh(2026, 11, 17, 18, 0),
                                        Sh(2026, 11, 18, 9, 0)),
            absl::ZeroDuration());
}

TEST(BusinessCalendarTest, FridayEveningTicketIsDueMondayMorning) {
  // The example from the design: created Friday 2026-11-20 17:30, first
  // response target 2 business hours -> Monday 2026-11-23 10:30.
  const BusinessCalendar& cal = Office2026();
  const absl::Time created = Sh(2026, 11, 20, 17, 30);
  ASSERT_EQ(absl::GetWeekday(absl::CivilDay(2026, 11, 20)),
            absl::Weekday::friday);
  const absl::Time due = cal.AddBusinessDuration(created, absl::Hours(2));
  EXPECT_EQ(due, Sh(2026, 11, 23, 10, 30)) << ShStr(due);
  EXPECT_EQ(cal.BusinessDurationBetween(created, due), absl::Hours(2));
  // The whole weekend: Friday 18:00 to Monday 09:00 is closed.
  EXPECT_FALSE(cal.IsWorkingTime(Sh(2026, 11, 21, 12, 0)));
  EXPECT_EQ(cal.NextOpening(Sh(2026, 11, 21, 12, 0)), Sh(2026, 11, 23, 9, 0));
}

TEST(BusinessCalendarTest, SplitShiftSkipsLunch) {
  CalendarSpec spec = OfficeHoursSpec();
  spec.SetHours(
      {absl::Weekday::monday, absl::Weekday::tuesday, absl::Weekday::wednesday,
       absl::Weekday::thursday, absl::Weekday::friday},
      {{13 * kHour + 30, 18 * kHour}, {9 * kHour, 12 * kHour}});
  const BusinessCalendar cal = MustCreate(spec);
  const absl::Time start = Sh(2026, 11, 16, 11, 0);
  EXPECT_EQ(cal.AddBusinessDuration(start, absl::Hours(2)),
            Sh(2026, 11, 16, 14, 30));
  EXPECT_EQ(cal.AddBusinessDuration(start, absl::Hours(1)),
            Sh(2026, 11, 16, 12, 0));  // lands on the closing edge
  EXPECT_EQ(cal.BusinessDurationBetween(start, Sh(2026, 11, 16, 14, 30)),
            absl::Hours(2));
  EXPECT_FALSE(cal.IsWorkingTime(Sh(2026, 11, 16, 12, 30)));
  EXPECT_TRUE(cal.IsWorkingTime(Sh(2026, 11, 16, 13, 30)));
  EXPECT_EQ(cal.NextOpening(Sh(2026, 11, 16, 12, 30)),
            Sh(2026, 11, 16, 13, 30));
  EXPECT_EQ(cal.NextClosing(Sh(2026, 11, 16, 10, 0)), Sh(2026, 11, 16, 12, 0));
  EXPECT_EQ(cal.NextClosing(Sh(2026, 11, 16, 12, 0)), Sh(2026, 11, 16, 18, 0));
  // Full day = 3h + 4.5h.
  EXPECT_EQ(cal.BusinessDurationBetween(Sh(2026, 11, 16, 0, 0),
                                        Sh(2026, 11, 17, 0, 0)),
            absl::Minutes(450));
  // Stored sorted.
  EXPECT_EQ(cal.WeeklyHours(absl::Weekday::monday).front().start_minute,
            9 * kHour);
}

TEST(BusinessCalendarTest, SeventyTwoHoursAcrossNationalDay) {
  // C-grade after-sale resolution target, 72 business hours, opened on
  // Wednesday 2026-09-30 16:00: 2h that day, nothing 10-01..10-07, then
  // 9h a day on 10-08, 10-09, the make-up Saturday 10-10 and 10-12..10-15
  // (65h), and the last 7h on Friday 10-16.
  const BusinessCalendar& cal = Office2026();
  const absl::Time start = Sh(2026, 9, 30, 16, 0);
  const absl::Time due = cal.AddBusinessDuration(start, absl::Hours(72));
  EXPECT_EQ(due, Sh(2026, 10, 16, 16, 0)) << ShStr(due);
  EXPECT_EQ(cal.BusinessDurationBetween(start, due), absl::Hours(72));
  // Nothing is counted inside the holiday.
  EXPECT_EQ(cal.BusinessDurationBetween(Sh(2026, 9, 30, 18, 0),
                                        Sh(2026, 10, 8, 9, 0)),
            absl::ZeroDuration());
  // Without the make-up Saturday the target moves a whole working day on.
  CalendarSpec spec = Office2026Spec();
  spec.make_up_days.pop_back();  // 2026-10-10
  const BusinessCalendar no_make_up = MustCreate(spec);
  EXPECT_EQ(no_make_up.AddBusinessDuration(start, absl::Hours(72)),
            Sh(2026, 10, 19, 16, 0));
  // First response (2h) asked for at 17:00 on the eve of the holiday.
  EXPECT_EQ(cal.AddBusinessDuration(Sh(2026, 9, 30, 17, 0), absl::Hours(2)),
            Sh(2026, 10, 8, 10, 0));
}

TEST(BusinessCalendarTest, LandsOnMakeUpSaturday) {
  const BusinessCalendar& cal = Office2026();
  ASSERT_EQ(absl::GetWeekday(absl::CivilDay(2026, 10, 10)),
            absl::Weekday::saturday);
  EXPECT_EQ(cal.AddBusinessDuration(Sh(2026, 10, 9, 17, 0), absl::Hours(2)),
            Sh(2026, 10, 10, 10, 0));
  EXPECT_TRUE(cal.IsWorkingTime(Sh(2026, 10, 10, 10, 0)));
  EXPECT_FALSE(cal.IsWorkingTime(Sh(2026, 10, 17, 10, 0)));  // plain Saturday
  // The Spring Festival make-up Saturday before the holiday.
  EXPECT_EQ(cal.AddBusinessDuration(Sh(2026, 2, 13, 17, 0), absl::Hours(2)),
            Sh(2026, 2, 14, 10, 0));
  // …and a make-up Sunday.
  EXPECT_EQ(cal.NextOpening(Sh(2026, 9, 19, 20, 0)), Sh(2026, 9, 20, 9, 0));
  EXPECT_TRUE(cal.IsMakeUpDay(absl::CivilDay(2026, 9, 20)));
  EXPECT_FALSE(cal.IsHoliday(absl::CivilDay(2026, 9, 20)));
  EXPECT_TRUE(cal.IsHoliday(absl::CivilDay(2026, 10, 1)));
  EXPECT_TRUE(cal.HoursOn(absl::CivilDay(2026, 10, 1)).empty());
  EXPECT_EQ(cal.HoursOn(absl::CivilDay(2026, 10, 10)),
            (std::vector<WorkInterval>{{9 * kHour, 18 * kHour}}));
  EXPECT_TRUE(cal.HoursOn(absl::CivilDay(2026, 10, 17)).empty());
}

TEST(BusinessCalendarTest, MakeUpDayWithOwnOrCopiedHours) {
  CalendarSpec spec = OfficeHoursSpec();
  spec.HoursOf(absl::Weekday::friday) = {{9 * kHour, 15 * kHour}};
  spec.AddMakeUpDay(absl::CivilDay(2026, 10, 10), {{600, 960}})
      .AddMakeUpDay(absl::CivilDay(2026, 10, 11), absl::Weekday::friday);
  const BusinessCalendar cal = MustCreate(spec);
  EXPECT_EQ(cal.NextOpening(Sh(2026, 10, 10, 0, 0)), Sh(2026, 10, 10, 10, 0));
  EXPECT_EQ(cal.NextClosing(Sh(2026, 10, 10, 0, 0)), Sh(2026, 10, 10, 16, 0));
  EXPECT_EQ(cal.NextClosing(Sh(2026, 10, 11, 0, 0)), Sh(2026, 10, 11, 15, 0));
  EXPECT_EQ(cal.BusinessDurationBetween(Sh(2026, 10, 10, 0, 0),
                                        Sh(2026, 10, 12, 0, 0)),
            absl::Hours(12));
}

TEST(BusinessCalendarTest, StartingOutsideHours) {
  const BusinessCalendar& cal = Office2026();
  // Early morning: counting begins at 09:00.
  EXPECT_EQ(cal.AddBusinessDuration(Sh(2026, 11, 16, 7, 0), absl::Hours(1)),
            Sh(2026, 11, 16, 10, 0));
  // Saturday.
  EXPECT_EQ(cal.AddBusinessDuration(Sh(2026, 11, 21, 12, 0), absl::Hours(1)),
            Sh(2026, 11, 23, 10, 0));
  // Inside a holiday.
  EXPECT_EQ(cal.AddBusinessDuration(Sh(2026, 10, 3, 12, 0), absl::Hours(1)),
            Sh(2026, 10, 8, 10, 0));
  // Evening.
  EXPECT_EQ(
      cal.AddBusinessDuration(Sh(2026, 11, 16, 23, 59, 59), absl::Minutes(30)),
      Sh(2026, 11, 17, 9, 30));
}

TEST(BusinessCalendarTest, StartingExactlyAtOpeningOrClosing) {
  const BusinessCalendar& cal = Office2026();
  const absl::Time open = Sh(2026, 11, 16, 9, 0);
  const absl::Time close = Sh(2026, 11, 16, 18, 0);
  EXPECT_TRUE(cal.IsWorkingTime(open));
  EXPECT_TRUE(cal.IsWorkingTime(close - absl::Nanoseconds(1)));
  EXPECT_FALSE(cal.IsWorkingTime(close));
  EXPECT_FALSE(cal.IsWorkingTime(open - absl::Nanoseconds(1)));
  // A full day from the opening ends at the closing, not the next morning.
  EXPECT_EQ(cal.AddBusinessDuration(open, absl::Hours(9)), close);
  EXPECT_EQ(cal.AddBusinessDuration(open, absl::Hours(9) + absl::Seconds(1)),
            Sh(2026, 11, 17, 9, 0, 1));
  EXPECT_EQ(cal.AddBusinessDuration(close, absl::Seconds(1)),
            Sh(2026, 11, 17, 9, 0, 1));
  EXPECT_EQ(cal.NextOpening(open), open);
  EXPECT_EQ(cal.NextOpening(close), Sh(2026, 11, 17, 9, 0));
  EXPECT_EQ(cal.NextClosing(open), close);
  EXPECT_EQ(cal.NextClosing(close), Sh(2026, 11, 17, 18, 0));
  EXPECT_EQ(cal.NextClosing(Sh(2026, 11, 20, 18, 0)), Sh(2026, 11, 23, 18, 0));
}

TEST(BusinessCalendarTest, ZeroAndNegativeDurations) {
  const BusinessCalendar& cal = Office2026();
  const absl::Time saturday = Sh(2026, 11, 21, 12, 0);
  // d <= 0 returns start unchanged, even outside working hours.
  EXPECT_EQ(cal.AddBusinessDuration(saturday, absl::ZeroDuration()), saturday);
  EXPECT_EQ(cal.AddBusinessDuration(saturday, -absl::Hours(3)), saturday);
  EXPECT_EQ(cal.BusinessDurationBetween(saturday, saturday),
            absl::ZeroDuration());
  EXPECT_EQ(cal.BusinessDurationBetween(Sh(2026, 11, 17, 12, 0),
                                        Sh(2026, 11, 16, 12, 0)),
            absl::ZeroDuration());
}

TEST(BusinessCalendarTest, InfiniteInputs) {
  const BusinessCalendar& cal = Office2026();
  const absl::Time t = Sh(2026, 11, 16, 10, 0);
  EXPECT_EQ(cal.AddBusinessDuration(t, absl::InfiniteDuration()),
            absl::InfiniteFuture());
  EXPECT_EQ(cal.AddBusinessDuration(absl::InfiniteFuture(), absl::Hours(1)),
            absl::InfiniteFuture());
  EXPECT_EQ(cal.AddBusinessDuration(absl::InfinitePast(), absl::Hours(1)),
            absl::InfinitePast());
  EXPECT_EQ(cal.BusinessDurationBetween(t, absl::InfiniteFuture()),
            absl::InfiniteDuration());
  EXPECT_EQ(cal.BusinessDurationBetween(absl::InfinitePast(), t),
            absl::InfiniteDuration());
  EXPECT_FALSE(cal.IsWorkingTime(absl::InfiniteFuture()));
  EXPECT_EQ(cal.NextOpening(absl::InfiniteFuture()), absl::InfiniteFuture());
  EXPECT_EQ(cal.NextClosing(absl::InfinitePast()), absl::InfinitePast());
}

TEST(BusinessCalendarTest, HorizonIsTheYear9999) {
  const BusinessCalendar cal = MustCreate(OfficeHoursSpec());
  const absl::Time late = Sh(9999, 12, 31, 17, 0);  // a Friday
  EXPECT_EQ(cal.AddBusinessDuration(late, absl::Minutes(30)),
            Sh(9999, 12, 31, 17, 30));
  EXPECT_EQ(cal.AddBusinessDuration(late, absl::Hours(2)),
            absl::InfiniteFuture());
  EXPECT_EQ(cal.NextOpening(Sh(9999, 12, 31, 19, 0)), absl::InfiniteFuture());
  EXPECT_FALSE(cal.IsWorkingTime(Sh(10000, 1, 3, 10, 0)));
  EXPECT_EQ(cal.BusinessDurationBetween(late, Sh(10000, 1, 10, 0, 0)),
            absl::Hours(1));
  // A duration far beyond the horizon gives up quickly instead of looping.
  EXPECT_EQ(cal.AddBusinessDuration(Sh(2026, 1, 5, 9, 0), absl::Hours(1e9)),
            absl::InfiniteFuture());
}

// ---------------------------------------------------------------------------
// 7×24.

TEST(BusinessCalendarTest, AlwaysOpenEqualsWallTime) {
  const BusinessCalendar cal = BusinessCalendar::AlwaysOpen();
  std::mt19937_64 rng(20261001);
  for (int i = 0; i < 500; ++i) {
    const absl::Time t =
        Utc(2025, 1, 1, 0, 0) + absl::Seconds(rng() % (3 * 365 * 86400));
    const absl::Duration d = absl::Seconds(rng() % (40 * 86400)) +
                             absl::Nanoseconds(rng() % 1000000000);
    EXPECT_EQ(cal.AddBusinessDuration(t, d), t + d);
    EXPECT_EQ(cal.BusinessDurationBetween(t, t + d), d);
    EXPECT_TRUE(cal.IsWorkingTime(t));
    EXPECT_EQ(cal.NextOpening(t), t);
    EXPECT_EQ(cal.NextClosing(t), absl::InfiniteFuture());
  }
  // Long spans too (week skipping).
  EXPECT_EQ(
      cal.BusinessDurationBetween(Utc(2026, 1, 1, 0, 0), Utc(2126, 1, 1, 0, 0)),
      Utc(2126, 1, 1, 0, 0) - Utc(2026, 1, 1, 0, 0));
  // 36525 days from 2026-01-01: 2100 is not a leap year, so one day past
  // 2126-01-01.
  EXPECT_EQ(
      cal.AddBusinessDuration(Utc(2026, 1, 1, 0, 0), absl::Hours(24 * 36525)),
      Utc(2126, 1, 2, 0, 0));
}

TEST(BusinessCalendarTest, AlwaysOpenInADstZoneCountsRealElapsedTime) {
  const BusinessCalendar cal = MustCreate(AlwaysOpenSpec("America/New_York"));
  auto ny_midnight = [](int y, int m, int d) {
    return absl::FromCivil(absl::CivilDay(y, m, d), NewYork());
  };
  // 2026-03-08: clocks jump 02:00 -> 03:00; 2026-11-01: 02:00 -> 01:00.
  EXPECT_EQ(cal.BusinessDurationBetween(ny_midnight(2026, 3, 8),
                                        ny_midnight(2026, 3, 9)),
            absl::Hours(23));
  EXPECT_EQ(cal.BusinessDurationBetween(ny_midnight(2026, 11, 1),
                                        ny_midnight(2026, 11, 2)),
            absl::Hours(25));
  const absl::Time t = ny_midnight(2026, 3, 7) + absl::Hours(12);
  EXPECT_EQ(cal.AddBusinessDuration(t, absl::Hours(24)), t + absl::Hours(24));
  EXPECT_EQ(cal.NextClosing(t), absl::InfiniteFuture());
  EXPECT_EQ(cal.BusinessDurationBetween(ny_midnight(2026, 1, 1),
                                        ny_midnight(2027, 1, 1)),
            absl::Hours(365 * 24));
}

TEST(BusinessCalendarTest, NextClosingFollowsUninterruptedPeriods) {
  // Overnight shift Friday 22:00 -> Saturday 06:00, as two intervals.
  CalendarSpec spec = OfficeHoursSpec();
  spec.HoursOf(absl::Weekday::friday) = {{9 * kHour, 18 * kHour},
                                         {22 * kHour, 24 * kHour}};
  spec.HoursOf(absl::Weekday::saturday) = {{0, 6 * kHour}};
  const BusinessCalendar night = MustCreate(spec);
  EXPECT_EQ(night.NextClosing(Sh(2026, 11, 20, 23, 0)), Sh(2026, 11, 21, 6, 0));
  EXPECT_EQ(night.NextClosing(Sh(2026, 11, 20, 19, 0)), Sh(2026, 11, 21, 6, 0));
  EXPECT_TRUE(night.IsWorkingTime(Sh(2026, 11, 21, 5, 59, 59)));
  EXPECT_EQ(night.AddBusinessDuration(Sh(2026, 11, 20, 23, 0), absl::Hours(3)),
            Sh(2026, 11, 21, 2, 0));

  // 24h every day except a holiday.
  CalendarSpec around = AlwaysOpenSpec();
  around.holidays.push_back(absl::CivilDay(2026, 10, 1));
  const BusinessCalendar cal = MustCreate(around);
  EXPECT_EQ(cal.NextClosing(Sh(2026, 9, 1, 8, 0)), Sh(2026, 10, 1, 0, 0));
  EXPECT_EQ(cal.NextClosing(Sh(2026, 10, 1, 12, 0)), absl::InfiniteFuture());
  EXPECT_EQ(cal.NextOpening(Sh(2026, 10, 1, 12, 0)), Sh(2026, 10, 2, 0, 0));
  EXPECT_EQ(cal.BusinessDurationBetween(Sh(2026, 9, 30, 12, 0),
                                        Sh(2026, 10, 2, 12, 0)),
            absl::Hours(24));
}

// ---------------------------------------------------------------------------
// Daylight saving time (America/New_York).

absl::Time Ny(int y, int mo, int d, int h, int mi) {
  const absl::TimeZone::TimeInfo info =
      NewYork().At(absl::CivilSecond(y, mo, d, h, mi, 0));
  EXPECT_EQ(info.kind, absl::TimeZone::TimeInfo::UNIQUE)
      << "use Utc() for ambiguous local times";
  return info.pre;
}

TEST(BusinessCalendarDstTest, WeekdayHoursAcrossTheSpringWeekend) {
  CalendarSpec spec = OfficeHoursSpec();
  spec.time_zone = "America/New_York";
  const BusinessCalendar cal = MustCreate(spec);
  // Friday 2026-03-06 17:00 EST + 2h -> Monday 2026-03-09 10:00 EDT.
  const absl::Time due =
      cal.AddBusinessDuration(Ny(2026, 3, 6, 17, 0), absl::Hours(2));
  EXPECT_EQ(due, Ny(2026, 3, 9, 10, 0));
  EXPECT_EQ(due, Utc(2026, 3, 9, 14, 0));  // EDT is UTC-4
  EXPECT_EQ(cal.AddBusinessDuration(Ny(2026, 10, 30, 17, 0), absl::Hours(2)),
            Utc(2026, 11, 2, 15, 0));  // EST is UTC-5
  // A working day is 9 real hours on both sides of the change.
  EXPECT_EQ(
      cal.BusinessDurationBetween(Ny(2026, 3, 6, 0, 0), Ny(2026, 3, 10, 0, 0)),
      absl::Hours(18));
}

TEST(BusinessCalendarDstTest, IntervalsTouchingTheSkippedAndRepeatedHours) {
  CalendarSpec spec;
  spec.time_zone = "America/New_York";
  spec.HoursOf(absl::Weekday::sunday) = {{1 * kHour, 4 * kHour}};
  const BusinessCalendar cal = MustCreate(spec);

  // Spring: 01:00 EST (06:00Z) .. 04:00 EDT (08:00Z) is only 2 real hours.
  EXPECT_EQ(cal.NextOpening(Utc(2026, 3, 8, 0, 0)), Utc(2026, 3, 8, 6, 0));
  EXPECT_EQ(cal.NextClosing(Utc(2026, 3, 8, 0, 0)), Utc(2026, 3, 8, 8, 0));
  EXPECT_EQ(
      cal.BusinessDurationBetween(Utc(2026, 3, 7, 0, 0), Utc(2026, 3, 9, 0, 0)),
      absl::Hours(2));
  EXPECT_TRUE(cal.IsWorkingTime(Utc(2026, 3, 8, 6, 59, 59)));  // 01:59:59 EST
  EXPECT_TRUE(cal.IsWorkingTime(Utc(2026, 3, 8, 7, 0)));       // 03:00 EDT
  EXPECT_EQ(cal.AddBusinessDuration(Utc(2026, 3, 8, 6, 0), absl::Minutes(90)),
            Utc(2026, 3, 8, 7, 30));  // 03:30 EDT

  // Autumn: 01:00 EDT (05:00Z) .. 04:00 EST (09:00Z) is 4 real hours, the
  // repeated 01:00-02:00 counting twice.
  EXPECT_EQ(cal.NextOpening(Utc(2026, 11, 1, 0, 0)), Utc(2026, 11, 1, 5, 0));
  EXPECT_EQ(cal.NextClosing(Utc(2026, 11, 1, 0, 0)), Utc(2026, 11, 1, 9, 0));
  EXPECT_EQ(cal.BusinessDurationBetween(Utc(2026, 10, 31, 0, 0),
                                        Utc(2026, 11, 2, 0, 0)),
            absl::Hours(4));
  EXPECT_TRUE(cal.IsWorkingTime(Utc(2026, 11, 1, 6, 30)));  // 01:30 EST

  // An ordinary Sunday: 3 hours.
  EXPECT_EQ(cal.BusinessDurationBetween(Utc(2026, 3, 14, 0, 0),
                                        Utc(2026, 3, 16, 0, 0)),
            absl::Hours(3));
}

TEST(BusinessCalendarDstTest, OpeningInsideTheSkippedHourOpensAtTheJump) {
  CalendarSpec spec;
  spec.time_zone = "America/New_York";
  spec.HoursOf(absl::Weekday::sunday) = {{2 * kHour + 30, 5 * kHour}};
  const BusinessCalendar cal = MustCreate(spec);
  // 02:30 does not exist on 2026-03-08; the clock jumps from 02:00 EST to
  // 03:00 EDT (07:00Z), which is when work starts.
  EXPECT_EQ(NewYork().At(absl::CivilSecond(2026, 3, 8, 2, 30, 0)).kind,
            absl::TimeZone::TimeInfo::SKIPPED);
  EXPECT_EQ(cal.NextOpening(Utc(2026, 3, 8, 0, 0)), Utc(2026, 3, 8, 7, 0));
  EXPECT_FALSE(cal.IsWorkingTime(Utc(2026, 3, 8, 6, 59)));
  EXPECT_EQ(
      cal.BusinessDurationBetween(Utc(2026, 3, 8, 0, 0), Utc(2026, 3, 9, 0, 0)),
      absl::Hours(2));
  EXPECT_EQ(cal.BusinessDurationBetween(Utc(2026, 3, 15, 0, 0),
                                        Utc(2026, 3, 16, 0, 0)),
            absl::Minutes(150));
  // An interval lying wholly in the skipped hour has no working time.
  CalendarSpec gone;
  gone.time_zone = "America/New_York";
  gone.HoursOf(absl::Weekday::sunday) = {{2 * kHour, 3 * kHour}};
  const BusinessCalendar gone_cal = MustCreate(gone);
  EXPECT_EQ(gone_cal.BusinessDurationBetween(Utc(2026, 3, 8, 0, 0),
                                             Utc(2026, 3, 9, 0, 0)),
            absl::ZeroDuration());
  EXPECT_EQ(gone_cal.NextOpening(Utc(2026, 3, 8, 0, 0)),
            Utc(2026, 3, 15, 6, 0));  // next Sunday 02:00 EDT
}

// ---------------------------------------------------------------------------
// Properties over many generated cases (fixed seed, so reproducible).

// Round trip and minimality: for d > 0, end = Add(start, d) satisfies
// Between(start, end) == d, the instant just before end is working time, and
// one nanosecond less is not enough.
void CheckRoundTrips(const BusinessCalendar& cal, absl::Time from,
                     int64_t span_seconds, int64_t max_duration_seconds,
                     uint64_t seed, int cases) {
  std::mt19937_64 rng(seed);
  for (int i = 0; i < cases; ++i) {
    const absl::Time start =
        from + absl::Seconds(rng() % span_seconds) +
        absl::Nanoseconds(rng() % 3 == 0 ? 0 : rng() % 1000000000);
    const absl::Duration d =
        absl::Seconds(1 + rng() % max_duration_seconds) +
        absl::Nanoseconds(rng() % 2 == 0 ? 0 : rng() % 1000000000);
    const absl::Time end = cal.AddBusinessDuration(start, d);
    SCOPED_TRACE(testing::Message() << "case " << i << " start=" << start
                                    << " d=" << d << " end=" << end);
    ASSERT_NE(end, absl::InfiniteFuture());
    EXPECT_GT(end, start);
    EXPECT_EQ(cal.BusinessDurationBetween(start, end), d);
    EXPECT_TRUE(cal.IsWorkingTime(end - absl::Nanoseconds(1)));
    EXPECT_EQ(cal.BusinessDurationBetween(start, end - absl::Nanoseconds(1)),
              d - absl::Nanoseconds(1));
    // Splitting the duration gives the same answer.
    const absl::Duration part = d / 3;
    if (part > absl::ZeroDuration()) {
      EXPECT_EQ(cal.AddBusinessDuration(cal.AddBusinessDuration(start, part),
                                        d - part),
                end);
    }
    // Opening/closing agree with IsWorkingTime.
    const absl::Time open = cal.NextOpening(start);
    EXPECT_TRUE(cal.IsWorkingTime(open));
    EXPECT_EQ(cal.IsWorkingTime(start), open == start);
    const absl::Time close = cal.NextClosing(start);
    EXPECT_GT(close, open);
    EXPECT_FALSE(cal.IsWorkingTime(close));
    EXPECT_TRUE(cal.IsWorkingTime(close - absl::Nanoseconds(1)));
    EXPECT_EQ(cal.BusinessDurationBetween(start, close), close - open);
  }
}

TEST(BusinessCalendarPropertyTest, RoundTripShanghaiWithHolidays) {
  CheckRoundTrips(Office2026(), Sh(2025, 12, 1, 0, 0), 420 * 86400, 400 * 3600,
                  /*seed=*/42, /*cases=*/2000);
}

TEST(BusinessCalendarPropertyTest, RoundTripSplitShiftWithSaturdayMornings) {
  CalendarSpec spec = Office2026Spec();
  spec.SetHours(
      {absl::Weekday::monday, absl::Weekday::tuesday, absl::Weekday::wednesday,
       absl::Weekday::thursday, absl::Weekday::friday},
      {{9 * kHour, 12 * kHour}, {13 * kHour + 30, 18 * kHour}});
  spec.HoursOf(absl::Weekday::saturday) = {{10 * kHour, 12 * kHour}};
  CheckRoundTrips(MustCreate(spec), Sh(2025, 12, 1, 0, 0), 420 * 86400,
                  200 * 3600, /*seed=*/7, /*cases=*/1500);
}

TEST(BusinessCalendarPropertyTest, RoundTripNewYorkAcrossDstChanges) {
  CalendarSpec spec = OfficeHoursSpec();
  spec.time_zone = "America/New_York";
  spec.HoursOf(absl::Weekday::saturday) = {{0, 24 * kHour}};
  spec.HoursOf(absl::Weekday::sunday) = {{0, 2 * kHour + 30},
                                         {3 * kHour, 24 * kHour}};
  spec.holidays.push_back(absl::CivilDay(2026, 7, 3));
  CheckRoundTrips(MustCreate(spec), Utc(2026, 1, 1, 0, 0), 700 * 86400,
                  300 * 3600, /*seed=*/1234, /*cases=*/1500);
}

// An independent reference for Asia/Shanghai (UTC+8 since 1991): business
// time minute by minute from a plain predicate on the local wall clock.
struct Reference {
  std::set<absl::CivilDay> holidays;
  std::set<absl::CivilDay> make_up;  // with Monday's hours
  std::vector<WorkInterval> weekday_hours;
  std::vector<WorkInterval> saturday_hours;

  bool Open(absl::CivilMinute local) const {
    const absl::CivilDay day(local);
    if (holidays.count(day)) return false;
    const absl::Weekday wd = absl::GetWeekday(day);
    const std::vector<WorkInterval>* hours = nullptr;
    if (make_up.count(day) ||
        (wd != absl::Weekday::saturday && wd != absl::Weekday::sunday)) {
      hours = &weekday_hours;
    } else if (wd == absl::Weekday::saturday) {
      hours = &saturday_hours;
    } else {
      return false;
    }
    const int minute = local.hour() * 60 + local.minute();
    for (const WorkInterval& iv : *hours) {
      if (minute >= iv.start_minute && minute < iv.end_minute) return true;
    }
    return false;
  }

  static absl::CivilMinute Local(absl::Time t) {
    return absl::CivilMinute(
        absl::ToCivilSecond(t + absl::Hours(8), absl::UTCTimeZone()));
  }

  absl::Duration Between(absl::Time from, absl::Time to) const {
    absl::Duration total;
    absl::Time t = from;
    while (t < to) {
      // End of the local minute containing t.
      const absl::Time minute_end =
          absl::FromCivil(Local(t) + 1, absl::UTCTimeZone()) - absl::Hours(8);
      const absl::Time chunk_end = std::min(minute_end, to);
      if (Open(Local(t))) total += chunk_end - t;
      t = chunk_end;
    }
    return total;
  }

  absl::Time Add(absl::Time start, absl::Duration d) const {
    absl::Time t = start;
    while (d > absl::ZeroDuration()) {
      const absl::Time minute_end =
          absl::FromCivil(Local(t) + 1, absl::UTCTimeZone()) - absl::Hours(8);
      if (Open(Local(t))) {
        if (d <= minute_end - t) return t + d;
        d -= minute_end - t;
      }
      t = minute_end;
    }
    return t;
  }
};

TEST(BusinessCalendarPropertyTest, MatchesMinuteByMinuteReference) {
  Reference ref;
  const CalendarSpec spec = [] {
    CalendarSpec s = Office2026Spec();
    s.SetHours({absl::Weekday::monday, absl::Weekday::tuesday,
                absl::Weekday::wednesday, absl::Weekday::thursday,
                absl::Weekday::friday},
               {{9 * kHour, 12 * kHour}, {13 * kHour + 30, 18 * kHour}});
    s.HoursOf(absl::Weekday::saturday) = {{10 * kHour, 12 * kHour}};
    return s;
  }();
  ref.holidays.insert(spec.holidays.begin(), spec.holidays.end());
  for (const MakeUpDay& m : spec.make_up_days) ref.make_up.insert(m.day);
  ref.weekday_hours = spec.HoursOf(absl::Weekday::monday);
  ref.saturday_hours = spec.HoursOf(absl::Weekday::saturday);
  const BusinessCalendar cal = MustCreate(spec);

  std::mt19937_64 rng(99);
  const absl::Time base = Sh(2026, 1, 1, 0, 0);
  for (int i = 0; i < 300; ++i) {
    // Starts spread over 2026 (every holiday block), spans up to 12 days.
    const absl::Time from = base + absl::Seconds(rng() % (365 * 86400));
    const absl::Time to = from + absl::Seconds(rng() % (12 * 86400));
    SCOPED_TRACE(testing::Message()
                 << "from=" << ShStr(from) << " to=" << ShStr(to));
    EXPECT_EQ(cal.BusinessDurationBetween(from, to), ref.Between(from, to));
    const absl::Duration d = absl::Seconds(1 + rng() % (40 * 3600));
    EXPECT_EQ(cal.AddBusinessDuration(from, d), ref.Add(from, d));
  }
}

// ---------------------------------------------------------------------------
// Long durations.

TEST(BusinessCalendarLongTest, ThousandBusinessDaysWithoutHolidays) {
  const BusinessCalendar cal = MustCreate(OfficeHoursSpec());
  const absl::Time start = Sh(2030, 1, 7, 9, 0);  // a Monday
  ASSERT_EQ(absl::GetWeekday(absl::CivilDay(2030, 1, 7)),
            absl::Weekday::monday);
  // 1000 days of 9h = 200 full weeks: ends on the Friday closing of week 200.
  const absl::CivilDay last_friday = absl::CivilDay(2030, 1, 7) + 7 * 199 + 4;
  const absl::Time end = cal.AddBusinessDuration(start, absl::Hours(9 * 1000));
  EXPECT_EQ(end, absl::FromCivil(absl::CivilSecond(last_friday) + 18 * 3600,
                                 Shanghai()))
      << ShStr(end);
  EXPECT_EQ(cal.BusinessDurationBetween(start, end), absl::Hours(9000));
  // Same target counted from the Sunday before: whole weeks from Monday
  // 00:00, and the answer is still that Friday's closing, not the Monday
  // opening after it.
  EXPECT_EQ(cal.AddBusinessDuration(Sh(2030, 1, 6, 12, 0), absl::Hours(9000)),
            end);
  EXPECT_EQ(cal.BusinessDurationBetween(Sh(2030, 1, 6, 12, 0), end),
            absl::Hours(9000));
}

// The long path (whole weeks skipped at once) must agree with walking the
// same duration in short steps, which never skips.
void CheckLongAgreesWithSteps(const BusinessCalendar& cal, absl::Time start,
                              absl::Duration step, int steps) {
  absl::Time walked = start;
  absl::Duration summed;
  for (int i = 0; i < steps; ++i) {
    const absl::Time next = cal.AddBusinessDuration(walked, step);
    summed += cal.BusinessDurationBetween(walked, next);
    walked = next;
  }
  EXPECT_EQ(summed, step * steps);
  EXPECT_EQ(cal.AddBusinessDuration(start, step * steps), walked);
  EXPECT_EQ(cal.BusinessDurationBetween(start, walked), step * steps);
}

TEST(BusinessCalendarLongTest, ThousandBusinessDaysAcrossHolidays) {
  // 2026 holidays included: 1000 business days from 2026-01-05.
  CheckLongAgreesWithSteps(Office2026(), Sh(2026, 1, 5, 11, 17, 3),
                           absl::Hours(9), 1000);
}

TEST(BusinessCalendarLongTest, LongDurationsInNewYork) {
  CalendarSpec spec = OfficeHoursSpec();
  spec.time_zone = "America/New_York";
  spec.HoursOf(absl::Weekday::sunday) = {{0, 24 * kHour}};  // DST days inside
  spec.holidays.push_back(absl::CivilDay(2027, 7, 5));
  const BusinessCalendar cal = MustCreate(spec);
  // Across many DST changes…
  CheckLongAgreesWithSteps(cal, Utc(2026, 2, 2, 15, 30),
                           absl::Hours(7) + absl::Minutes(13), 1500);
  // …and across the spring change only, where the lost hour of the 24h
  // Sunday is not made up by an autumn one.
  CheckLongAgreesWithSteps(cal, Utc(2026, 2, 2, 15, 30),
                           absl::Hours(7) + absl::Minutes(13), 150);
  // Far beyond the zone's table of transitions (cctz stops listing them
  // around 2437) the DST rule still applies and must not be skipped over.
  ASSERT_NE(NewYork().At(Utc(2450, 7, 1, 0, 0)).offset,
            NewYork().At(Utc(2450, 1, 1, 0, 0)).offset);
  CheckLongAgreesWithSteps(cal, Utc(2450, 2, 2, 15, 30),
                           absl::Hours(7) + absl::Minutes(13), 150);
}

TEST(BusinessCalendarLongTest, VeryLongDurationsFinish) {
  // No timing assertion: these must simply complete.
  const BusinessCalendar& cal = Office2026();
  const absl::Time start = Sh(2026, 9, 30, 16, 0);
  const absl::Duration d = absl::Hours(9) * 1000 * 300;  // 300k business days
  const absl::Time end = cal.AddBusinessDuration(start, d);
  ASSERT_NE(end, absl::InfiniteFuture());
  EXPECT_EQ(cal.BusinessDurationBetween(start, end), d);

  CalendarSpec spec = OfficeHoursSpec();
  spec.time_zone = "America/New_York";
  const BusinessCalendar ny = MustCreate(spec);
  const absl::Time ny_end = ny.AddBusinessDuration(start, d);
  ASSERT_NE(ny_end, absl::InfiniteFuture());
  EXPECT_EQ(ny.BusinessDurationBetween(start, ny_end), d);
}

// ---------------------------------------------------------------------------
// Thread safety: one calendar shared by several threads.

TEST(BusinessCalendarTest, ConcurrentUseGivesTheSameAnswers) {
  const BusinessCalendar& cal = Office2026();
  const absl::Time start = Sh(2026, 9, 30, 16, 0);
  std::vector<absl::Time> results(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      absl::Time r;
      for (int k = 0; k < 200; ++k)
        r = cal.AddBusinessDuration(start, absl::Hours(72));
      results[i] = r;
    });
  }
  for (std::thread& t : threads) t.join();
  for (absl::Time r : results) EXPECT_EQ(r, Sh(2026, 10, 16, 16, 0));
}

// ---------------------------------------------------------------------------
// Validation.

std::string FieldOf(const absl::Status& status) {
  const auto violations = cs::FieldViolationsOf(status);
  return violations.empty() ? "" : violations[0].field;
}

TEST(BusinessCalendarValidationTest, AcceptsTouchingIntervalsAndMergesThem) {
  CalendarSpec spec;
  spec.HoursOf(absl::Weekday::monday) = {{12 * kHour, 18 * kHour},
                                         {9 * kHour, 12 * kHour}};
  const BusinessCalendar cal = MustCreate(spec);
  EXPECT_EQ(cal.WeeklyHours(absl::Weekday::monday),
            (std::vector<WorkInterval>{{9 * kHour, 18 * kHour}}));
  EXPECT_EQ(cal.time_zone_name(), "Asia/Shanghai");
}

TEST(BusinessCalendarValidationTest, RejectsBadSpecsNamingTheField) {
  struct Case {
    std::string name;
    CalendarSpec spec;
    std::string field;
    std::string message;
  };
  std::vector<Case> cases;
  {
    CalendarSpec s = OfficeHoursSpec();
    s.time_zone = "Mars/Olympus_Mons";
    cases.push_back({"zone", s, "time_zone", "unknown time zone"});
  }
  {
    CalendarSpec s = OfficeHoursSpec();
    s.time_zone = "";
    cases.push_back({"empty zone", s, "time_zone", "must not be empty"});
  }
  {
    CalendarSpec s;
    cases.push_back({"no hours", s, "weekly_hours", "no working hours"});
  }
  {
    CalendarSpec s = OfficeHoursSpec();
    s.HoursOf(absl::Weekday::tuesday) = {{9 * kHour, 18 * kHour},
                                         {18 * kHour, 25 * kHour}};
    cases.push_back({"beyond 24:00", s, "weekly_hours.tue[1]", "bad interval"});
  }
  {
    CalendarSpec s = OfficeHoursSpec();
    s.HoursOf(absl::Weekday::wednesday) = {{18 * kHour, 9 * kHour}};
    cases.push_back({"reversed", s, "weekly_hours.wed[0]", "18:00-09:00"});
  }
  {
    CalendarSpec s = OfficeHoursSpec();
    s.HoursOf(absl::Weekday::thursday) = {{9 * kHour, 9 * kHour}};
    cases.push_back(
        {"empty interval", s, "weekly_hours.thu[0]", "bad interval"});
  }
  {
    CalendarSpec s = OfficeHoursSpec();
    s.HoursOf(absl::Weekday::monday) = {{-30, 9 * kHour}};
    cases.push_back({"negative", s, "weekly_hours.mon[0]", "bad interval"});
  }
  {
    CalendarSpec s = OfficeHoursSpec();
    s.HoursOf(absl::Weekday::friday) = {{9 * kHour, 12 * kHour},
                                        {11 * kHour, 13 * kHour}};
    cases.push_back(
        {"overlap", s, "weekly_hours.fri", "09:00-12:00 overlaps 11:00-13:00"});
  }
  {
    CalendarSpec s = OfficeHoursSpec();
    s.holidays.push_back(absl::CivilDay(2026, 10, 1));
    s.make_up_days.push_back(
        {absl::CivilDay(2026, 10, 1), std::nullopt, absl::Weekday::monday});
    cases.push_back({"holiday and make-up", s, "make_up_days[0].day",
                     "2026-10-01 is also a holiday"});
  }
  {
    CalendarSpec s = OfficeHoursSpec();
    s.make_up_days.push_back(
        {absl::CivilDay(2026, 10, 10), std::nullopt, absl::Weekday::monday});
    s.make_up_days.push_back(
        {absl::CivilDay(2026, 10, 10), std::nullopt, absl::Weekday::monday});
    cases.push_back(
        {"make-up twice", s, "make_up_days[1].day", "listed twice"});
  }
  {
    CalendarSpec s = OfficeHoursSpec();
    s.make_up_days.push_back(
        {absl::CivilDay(2026, 10, 10), std::nullopt, absl::Weekday::sunday});
    cases.push_back({"copies closed day", s, "make_up_days[0].hours_like",
                     "sun has no working hours"});
  }
  {
    CalendarSpec s = OfficeHoursSpec();
    s.make_up_days.push_back({absl::CivilDay(2026, 10, 10),
                              std::vector<WorkInterval>{},
                              absl::Weekday::monday});
    cases.push_back(
        {"explicitly empty", s, "make_up_days[0].hours", "must not be empty"});
  }
  {
    CalendarSpec s = OfficeHoursSpec();
    s.make_up_days.push_back({absl::CivilDay(2026, 10, 10),
                              std::vector<WorkInterval>{{600, 700}, {650, 800}},
                              absl::Weekday::monday});
    cases.push_back(
        {"make-up overlap", s, "make_up_days[0].hours", "overlaps"});
  }
  {
    CalendarSpec s = OfficeHoursSpec();
    s.holidays.push_back(absl::CivilDay(1800, 1, 1));
    cases.push_back({"old holiday", s, "holidays[0]", "outside years"});
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::Create(c.spec);
    ASSERT_FALSE(cal.ok());
    EXPECT_EQ(cal.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(FieldOf(cal.status()), c.field) << cal.status();
    EXPECT_THAT(std::string(cal.status().message()), HasSubstr(c.message));
  }
}

TEST(BusinessCalendarTest, FormatsIntervals) {
  EXPECT_EQ(FormatWorkInterval({9 * kHour, 18 * kHour}), "09:00-18:00");
  EXPECT_EQ(FormatWorkInterval({0, 24 * kHour}), "00:00-24:00");
  EXPECT_EQ(WeekdayShortName(absl::Weekday::sunday), "sun");
}

}  // namespace
}  // namespace cs::routing
