#include "services/routing/domain/calendar.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/errors.h"
#include "libs/common/status_macros.h"

namespace cs::routing {
namespace {

// The calendar ends with this day (see "Horizon" in the header).
constexpr absl::CivilDay kLastDay(9999, 12, 31);
constexpr int64_t kMinYear = 1900;
constexpr int64_t kMaxYear = 9999;
constexpr absl::Duration kWeek = absl::Hours(24 * 7);

int WeekdayIndex(absl::Weekday weekday) { return static_cast<int>(weekday); }

absl::Weekday WeekdayAt(int index) { return static_cast<absl::Weekday>(index); }

std::string FormatMinute(int minute) {
  if (minute < 0) return absl::StrCat("-", FormatMinute(-minute));
  return absl::StrFormat("%02d:%02d", minute / 60, minute % 60);
}

std::string FormatDay(absl::CivilDay day) { return absl::FormatCivilTime(day); }

bool IsFinite(absl::Time t) {
  return t != absl::InfiniteFuture() && t != absl::InfinitePast();
}

// Checks `hours` (field path `field`) and returns them sorted with touching
// intervals merged.
absl::StatusOr<std::vector<WorkInterval>> NormalizeHours(
    const std::vector<WorkInterval>& hours, const std::string& field) {
  for (size_t i = 0; i < hours.size(); ++i) {
    const WorkInterval& iv = hours[i];
    if (iv.start_minute < 0 || iv.end_minute > kMinutesPerDay ||
        iv.start_minute >= iv.end_minute) {
      return cs::InvalidField(
          absl::StrCat(field, "[", i, "]"),
          absl::StrCat("bad interval ", FormatWorkInterval(iv),
                       ": need 00:00 <= start < end <= 24:00"));
    }
  }
  std::vector<WorkInterval> sorted = hours;
  std::sort(sorted.begin(), sorted.end(),
            [](const WorkInterval& a, const WorkInterval& b) {
              return a.start_minute < b.start_minute;
            });
  std::vector<WorkInterval> merged;
  for (const WorkInterval& iv : sorted) {
    if (!merged.empty() && merged.back().end_minute > iv.start_minute) {
      return cs::InvalidField(
          field, absl::StrCat(FormatWorkInterval(merged.back()), " overlaps ",
                              FormatWorkInterval(iv)));
    }
    if (!merged.empty() && merged.back().end_minute == iv.start_minute) {
      merged.back().end_minute = iv.end_minute;
    } else {
      merged.push_back(iv);
    }
  }
  return merged;
}

bool YearInRange(absl::CivilDay day) {
  return day.year() >= kMinYear && day.year() <= kMaxYear;
}

}  // namespace

std::string FormatWorkInterval(const WorkInterval& interval) {
  return absl::StrCat(FormatMinute(interval.start_minute), "-",
                      FormatMinute(interval.end_minute));
}

absl::string_view WeekdayShortName(absl::Weekday weekday) {
  static constexpr absl::string_view kNames[7] = {"mon", "tue", "wed", "thu",
                                                  "fri", "sat", "sun"};
  return kNames[WeekdayIndex(weekday)];
}

CalendarSpec& CalendarSpec::SetHours(
    std::initializer_list<absl::Weekday> weekdays,
    const std::vector<WorkInterval>& hours) {
  for (absl::Weekday weekday : weekdays) HoursOf(weekday) = hours;
  return *this;
}

CalendarSpec& CalendarSpec::AddHolidays(absl::CivilDay first,
                                        absl::CivilDay last) {
  for (absl::CivilDay day = first; day <= last; ++day) holidays.push_back(day);
  return *this;
}

CalendarSpec& CalendarSpec::AddMakeUpDay(absl::CivilDay day,
                                         absl::Weekday hours_like) {
  make_up_days.push_back(MakeUpDay{day, std::nullopt, hours_like});
  return *this;
}

CalendarSpec& CalendarSpec::AddMakeUpDay(absl::CivilDay day,
                                         std::vector<WorkInterval> hours) {
  make_up_days.push_back(
      MakeUpDay{day, std::move(hours), absl::Weekday::monday});
  return *this;
}

CalendarSpec OfficeHoursSpec() {
  CalendarSpec spec;
  spec.SetHours(
      {absl::Weekday::monday, absl::Weekday::tuesday, absl::Weekday::wednesday,
       absl::Weekday::thursday, absl::Weekday::friday},
      {{9 * 60, 18 * 60}});
  return spec;
}

CalendarSpec AlwaysOpenSpec(std::string time_zone) {
  CalendarSpec spec;
  spec.time_zone = std::move(time_zone);
  for (auto& day : spec.weekly_hours) day = {{0, kMinutesPerDay}};
  return spec;
}

absl::StatusOr<BusinessCalendar> BusinessCalendar::Create(
    const CalendarSpec& spec) {
  BusinessCalendar calendar;
  if (spec.time_zone.empty()) {
    return cs::InvalidField("time_zone", "must not be empty");
  }
  if (!absl::LoadTimeZone(spec.time_zone, &calendar.tz_)) {
    return cs::InvalidField("time_zone", absl::StrCat("unknown time zone \"",
                                                      spec.time_zone, "\""));
  }
  calendar.tz_name_ = spec.time_zone;

  int64_t weekly_minutes = 0;
  bool full_week = true;
  for (int i = 0; i < 7; ++i) {
    const std::string field =
        absl::StrCat("weekly_hours.", WeekdayShortName(WeekdayAt(i)));
    ASSIGN_OR_RETURN(calendar.weekly_[i],
                     NormalizeHours(spec.weekly_hours[i], field));
    for (const WorkInterval& iv : calendar.weekly_[i]) {
      weekly_minutes += iv.end_minute - iv.start_minute;
    }
    full_week = full_week && calendar.weekly_[i] ==
                                 std::vector<WorkInterval>{{0, kMinutesPerDay}};
  }
  if (weekly_minutes == 0) {
    return cs::InvalidField("weekly_hours", "no working hours on any weekday");
  }
  calendar.weekly_total_ = absl::Minutes(weekly_minutes);
  calendar.full_week_ = full_week;

  for (size_t i = 0; i < spec.holidays.size(); ++i) {
    const absl::CivilDay day = spec.holidays[i];
    if (!YearInRange(day)) {
      return cs::InvalidField(absl::StrCat("holidays[", i, "]"),
                              absl::StrCat(FormatDay(day), " is outside years ",
                                           kMinYear, "..", kMaxYear));
    }
    calendar.overrides_[day] = DayOverride{Override::kHoliday, {}};
  }

  for (size_t i = 0; i < spec.make_up_days.size(); ++i) {
    const MakeUpDay& make_up = spec.make_up_days[i];
    const std::string field = absl::StrCat("make_up_days[", i, "]");
    if (!YearInRange(make_up.day)) {
      return cs::InvalidField(
          absl::StrCat(field, ".day"),
          absl::StrCat(FormatDay(make_up.day), " is outside years ", kMinYear,
                       "..", kMaxYear));
    }
    auto it = calendar.overrides_.find(make_up.day);
    if (it != calendar.overrides_.end()) {
      return cs::InvalidField(
          absl::StrCat(field, ".day"),
          absl::StrCat(FormatDay(make_up.day),
                       it->second.kind == Override::kHoliday
                           ? " is also a holiday"
                           : " is listed twice as a make-up day"));
    }
    std::vector<WorkInterval> hours;
    if (make_up.hours.has_value()) {
      if (make_up.hours->empty()) {
        return cs::InvalidField(
            absl::StrCat(field, ".hours"),
            "must not be empty (a closed day is a holiday)");
      }
      ASSIGN_OR_RETURN(
          hours, NormalizeHours(*make_up.hours, absl::StrCat(field, ".hours")));
    } else {
      hours = calendar.WeeklyHours(make_up.hours_like);
      if (hours.empty()) {
        return cs::InvalidField(
            absl::StrCat(field, ".hours_like"),
            absl::StrCat(WeekdayShortName(make_up.hours_like),
                         " has no working hours to copy"));
      }
    }
    calendar.overrides_[make_up.day] =
        DayOverride{Override::kMakeUp, std::move(hours)};
  }
  return calendar;
}

BusinessCalendar BusinessCalendar::AlwaysOpen() {
  auto calendar = Create(AlwaysOpenSpec(std::string(kDefaultTimeZone)));
  if (calendar.ok()) return *std::move(calendar);
  // Only without tzdata; local dates are then UTC dates, business time is
  // unaffected because every instant counts.
  auto utc = Create(AlwaysOpenSpec("UTC"));
  return *std::move(utc);
}

const std::vector<WorkInterval>& BusinessCalendar::HoursOn(
    absl::CivilDay day) const {
  auto it = overrides_.find(day);
  if (it != overrides_.end()) return it->second.hours;
  return weekly_[WeekdayIndex(absl::GetWeekday(day))];
}

bool BusinessCalendar::IsHoliday(absl::CivilDay day) const {
  auto it = overrides_.find(day);
  return it != overrides_.end() && it->second.kind == Override::kHoliday;
}

bool BusinessCalendar::IsMakeUpDay(absl::CivilDay day) const {
  auto it = overrides_.find(day);
  return it != overrides_.end() && it->second.kind == Override::kMakeUp;
}

absl::Time BusinessCalendar::LocalBoundary(absl::CivilDay day,
                                           int minute) const {
  const absl::TimeZone::TimeInfo info =
      tz_.At(absl::CivilSecond(day) + int64_t{minute} * 60);
  // Skipped (clocks jump forward): the jump itself. Repeated (clocks go
  // back): the first occurrence, which `pre` is. Unique: pre == the instant.
  return info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
}

absl::CivilDay BusinessCalendar::LocalDay(absl::Time t) const {
  return absl::CivilDay(tz_.At(t).cs);
}

void BusinessCalendar::SegmentsOf(absl::CivilDay day,
                                  std::vector<Segment>* out) const {
  if (day > kLastDay) return;
  for (const WorkInterval& iv : HoursOn(day)) {
    const absl::Time start = LocalBoundary(day, iv.start_minute);
    const absl::Time end = LocalBoundary(day, iv.end_minute);
    if (start < end) out->push_back({start, end});
  }
}

std::optional<absl::CivilDay> BusinessCalendar::NextOverrideDay(
    absl::CivilDay day) const {
  auto it = overrides_.lower_bound(day);
  if (it == overrides_.end()) return std::nullopt;
  return it->first;
}

bool BusinessCalendar::HasStableOffsetAfter(absl::Time t) const {
  // Called only when the zone reports no further transition. Zones whose
  // future follows a DST rule may still report none for distant times, so
  // confirm the offset stays put for a year (every POSIX DST rule changes the
  // offset at least twice a year).
  const int offset = tz_.At(t).offset;
  for (int month = 1; month <= 13; ++month) {
    if (tz_.At(t + absl::Hours(24 * 30) * month).offset != offset) {
      return false;
    }
  }
  return true;
}

int64_t BusinessCalendar::SkippableWeeks(absl::CivilDay day,
                                         absl::Time day_start) const {
  int64_t weeks = (kLastDay - day + 1) / 7;
  if (auto next = NextOverrideDay(day)) {
    weeks = std::min<int64_t>(weeks, (*next - day) / 7);
  }
  if (weeks <= 0) return 0;
  absl::TimeZone::CivilTransition transition;
  if (tz_.NextTransition(day_start, &transition)) {
    const absl::Time at = tz_.At(transition.to).trans;
    if (at <= day_start) return 0;
    weeks = std::min<int64_t>(weeks, (at - day_start) / kWeek);
  } else if (!HasStableOffsetAfter(day_start)) {
    return 0;
  }
  return std::max<int64_t>(weeks, 0);
}

bool BusinessCalendar::IsWorkingTime(absl::Time t) const {
  if (!IsFinite(t)) return false;
  std::vector<Segment> segments;
  for (absl::CivilDay day = LocalDay(t) - 1; day <= kLastDay; ++day) {
    // Periods of this and later days start at or after this midnight.
    if (LocalBoundary(day, 0) > t) return false;
    segments.clear();
    SegmentsOf(day, &segments);
    for (const Segment& s : segments) {
      if (s.end > t) return s.start <= t;
    }
  }
  return false;
}

absl::Time BusinessCalendar::NextOpening(absl::Time t) const {
  if (!IsFinite(t)) return t;
  std::vector<Segment> segments;
  // Terminates: the week has working time, and overrides are finite.
  for (absl::CivilDay day = LocalDay(t) - 1; day <= kLastDay; ++day) {
    segments.clear();
    SegmentsOf(day, &segments);
    for (const Segment& s : segments) {
      if (s.end > t) return std::max(s.start, t);
    }
  }
  return absl::InfiniteFuture();
}

absl::Time BusinessCalendar::NextClosing(absl::Time t) const {
  if (!IsFinite(t)) return t;
  std::optional<absl::Time> end;  // end of the run found so far
  std::vector<Segment> segments;
  absl::CivilDay day = LocalDay(t) - 1;
  while (day <= kLastDay) {
    if (end.has_value() && full_week_ && overrides_.count(day) == 0 &&
        *end == LocalBoundary(day, 0)) {
      // Every regular day is open around the clock: the run goes on until
      // the next holiday or make-up day, or forever.
      std::optional<absl::CivilDay> next = NextOverrideDay(day);
      if (!next.has_value()) return absl::InfiniteFuture();
      day = *next;
      end = LocalBoundary(day, 0);
    }
    segments.clear();
    SegmentsOf(day, &segments);
    for (const Segment& s : segments) {
      if (!end.has_value()) {
        if (s.end > t) end = s.end;
      } else if (s.start == *end) {
        end = s.end;
      } else {
        return *end;
      }
    }
    ++day;
  }
  return end.has_value() ? *end : absl::InfiniteFuture();
}

absl::Time BusinessCalendar::AddBusinessDuration(absl::Time start,
                                                 absl::Duration d) const {
  if (d <= absl::ZeroDuration() || !IsFinite(start)) return start;
  if (d == absl::InfiniteDuration()) return absl::InfiniteFuture();
  absl::Duration remaining = d;
  std::vector<Segment> segments;
  absl::CivilDay day = LocalDay(start) - 1;
  while (day <= kLastDay) {
    if (remaining > weekly_total_) {
      const absl::Time day_start = LocalBoundary(day, 0);
      if (day_start >= start) {
        // Skip whole regular weeks, leaving a remainder in (0, one week] so
        // that the answer is found by walking the last days.
        const int64_t wanted =
            (remaining - absl::Nanoseconds(1)) / weekly_total_;
        const int64_t weeks = std::min(wanted, SkippableWeeks(day, day_start));
        if (weeks > 0) {
          remaining -= weekly_total_ * weeks;
          day += 7 * weeks;
          continue;
        }
      }
    }
    segments.clear();
    SegmentsOf(day, &segments);
    for (const Segment& s : segments) {
      if (s.end <= start) continue;
      const absl::Time from = std::max(s.start, start);
      const absl::Duration available = s.end - from;
      if (remaining <= available) return from + remaining;
      remaining -= available;
    }
    ++day;
  }
  return absl::InfiniteFuture();
}

absl::Duration BusinessCalendar::BusinessDurationBetween(absl::Time from,
                                                         absl::Time to) const {
  if (to <= from) return absl::ZeroDuration();
  if (from == absl::InfinitePast() || to == absl::InfiniteFuture()) {
    return absl::InfiniteDuration();
  }
  absl::Duration total;
  std::vector<Segment> segments;
  absl::CivilDay day = LocalDay(from) - 1;
  while (day <= kLastDay) {
    const absl::Time day_start = LocalBoundary(day, 0);
    if (day_start >= to) break;
    if (day_start >= from && to - day_start >= kWeek) {
      const int64_t weeks = std::min<int64_t>((to - day_start) / kWeek,
                                              SkippableWeeks(day, day_start));
      if (weeks > 0) {
        total += weekly_total_ * weeks;
        day += 7 * weeks;
        continue;
      }
    }
    segments.clear();
    SegmentsOf(day, &segments);
    for (const Segment& s : segments) {
      const absl::Time a = std::max(s.start, from);
      const absl::Time b = std::min(s.end, to);
      if (a < b) total += b - a;
    }
    ++day;
  }
  return total;
}

}  // namespace cs::routing
