// Business-time arithmetic for SLA clocks (业务时间 / 工作日历).
//
// A BusinessCalendar says when a team is at work: weekly opening hours per
// weekday in a time zone, public holidays (closed even on a weekday) and
// Chinese make-up working days (调休: a Saturday or Sunday that is worked).
// SLA targets such as "first response ≤ 2 h" count business time only.
//
//   CalendarSpec spec;                                   // Asia/Shanghai
//   spec.SetHours({absl::Weekday::monday, absl::Weekday::tuesday, ...},
//                 {{9 * 60, 18 * 60}});                  // 09:00–18:00
//   spec.AddHolidays(absl::CivilDay(2026, 10, 1), absl::CivilDay(2026, 10, 7));
//   spec.AddMakeUpDay(absl::CivilDay(2026, 10, 10));     // Monday's hours
//   ASSIGN_OR_RETURN(auto calendar, BusinessCalendar::Create(spec));
//   // Ticket created Friday 17:30, 2 business hours to answer:
//   absl::Time due = calendar.AddBusinessDuration(created, absl::Hours(2));
//   // -> Monday 10:30 local time.
//
// Semantics (exact to the nanosecond; no rounding to minutes):
//
// * Working periods. Each interval [start, end) of a civil day D runs from
//   M(D, start) to M(D, end), where M(D, m) is the first instant at which the
//   local wall clock reads D + m or later. So a boundary that does not exist
//   because clocks jump forward (America/New_York 2026-03-08 02:30) falls on
//   the jump (03:00 EDT); a boundary that occurs twice because clocks go back
//   falls on its first occurrence. A 00:00–24:00 day lasts 23 h or 25 h on
//   DST change days, so the 7×24 calendar counts exactly elapsed wall time.
//   Adjacent periods (12:00–24:00 then next day 00:00–06:00) form one
//   uninterrupted working period.
// * Business time in [from, to) is the total length of its intersection with
//   the working periods; it is zero when to <= from.
// * AddBusinessDuration(start, d) for d > 0 is the EARLIEST instant `end` with
//   BusinessDurationBetween(start, end) == d. Counting starts at `start` if it
//   is working time, else at the next opening. The result is always inside or
//   at the closing edge of a working period: two business hours from Friday
//   16:00 in a 09:00–18:00 calendar is Friday 18:00, not Monday 09:00.
//   d <= 0 returns `start` unchanged, even outside working hours.
// * Hence BusinessDurationBetween(t, AddBusinessDuration(t, d)) == d for every
//   finite t and d > 0 (whenever the result is finite), and
//   AddBusinessDuration(from, BusinessDurationBetween(from, to)) <= to for
//   from <= to (it is the earliest instant with the same business time).
// * Horizon: the calendar ends with the civil year 9999. Instants after it
//   are never working time; AddBusinessDuration returns absl::InfiniteFuture()
//   when the target would lie beyond it, and BusinessDurationBetween counts
//   nothing past it. Non-finite inputs: AddBusinessDuration(±infinite, d) and
//   NextOpening/NextClosing(±infinite) return their argument;
//   IsWorkingTime(±infinite) is false; d == InfiniteDuration() gives
//   InfiniteFuture(); BusinessDurationBetween with from == InfinitePast() or
//   to == InfiniteFuture() (and from < to) is InfiniteDuration().
//
// Cost: work is proportional to the number of civil days walked (a handful
// of time-zone lookups per day), except that runs of whole weeks with no
// holiday, make-up day or UTC-offset change are skipped in one step: a
// 1000-business-day target costs microseconds. The worst case is a zone with
// DST and an instant centuries ahead (tzdata lists no transitions past about
// 2437, so every day is walked): about a second to reach the horizon.
//
// BusinessCalendar is immutable after Create and copyable; all methods are
// const and thread-safe.
#ifndef CS_SERVICES_ROUTING_DOMAIN_CALENDAR_H_
#define CS_SERVICES_ROUTING_DOMAIN_CALENDAR_H_

#include <array>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace cs::routing {

// Names of the standard calendars in the shipped configuration.
inline constexpr absl::string_view kDefaultCalendarName = "default";
inline constexpr absl::string_view kAlwaysOpenCalendarName = "always";
inline constexpr absl::string_view kDefaultTimeZone = "Asia/Shanghai";

inline constexpr int kMinutesPerDay = 24 * 60;

// Opening hours within one local day, in minutes after local midnight:
// [start_minute, end_minute) with 0 <= start_minute < end_minute <= 1440.
// 1440 ("24:00") closes at the following midnight.
struct WorkInterval {
  int start_minute = 0;
  int end_minute = 0;

  friend bool operator==(const WorkInterval& a, const WorkInterval& b) {
    return a.start_minute == b.start_minute && a.end_minute == b.end_minute;
  }
  friend bool operator!=(const WorkInterval& a, const WorkInterval& b) {
    return !(a == b);
  }
};

// "09:00-18:00" (end 1440 prints as "24:00"). Out-of-range values print as
// they are, e.g. "25:00".
std::string FormatWorkInterval(const WorkInterval& interval);

// "mon" … "sun".
absl::string_view WeekdayShortName(absl::Weekday weekday);

// A make-up working day (调休). Its hours replace whatever the date would
// otherwise have: `hours` when given, else the regular hours of `hours_like`.
struct MakeUpDay {
  absl::CivilDay day;
  std::optional<std::vector<WorkInterval>> hours;
  absl::Weekday hours_like = absl::Weekday::monday;
};

// Plain description of a calendar; BusinessCalendar::Create validates it.
struct CalendarSpec {
  std::string time_zone = std::string(kDefaultTimeZone);  // IANA name
  // Regular hours, indexed by static_cast<int>(absl::Weekday) (Monday = 0).
  // A weekday without intervals is closed.
  std::array<std::vector<WorkInterval>, 7> weekly_hours;
  // Closed dates. Duplicates are harmless.
  std::vector<absl::CivilDay> holidays;
  std::vector<MakeUpDay> make_up_days;

  std::vector<WorkInterval>& HoursOf(absl::Weekday weekday) {
    return weekly_hours[static_cast<int>(weekday)];
  }
  const std::vector<WorkInterval>& HoursOf(absl::Weekday weekday) const {
    return weekly_hours[static_cast<int>(weekday)];
  }
  // Sets (replaces) the hours of each listed weekday.
  CalendarSpec& SetHours(std::initializer_list<absl::Weekday> weekdays,
                         const std::vector<WorkInterval>& hours);
  // Adds every date of [first, last] (nothing when last < first).
  CalendarSpec& AddHolidays(absl::CivilDay first, absl::CivilDay last);
  // Adds a make-up day with the hours of `hours_like`.
  CalendarSpec& AddMakeUpDay(absl::CivilDay day,
                             absl::Weekday hours_like = absl::Weekday::monday);
  // Adds a make-up day with its own hours.
  CalendarSpec& AddMakeUpDay(absl::CivilDay day,
                             std::vector<WorkInterval> hours);
};

// Asia/Shanghai, Monday–Friday 09:00–18:00, no holidays (the shipped
// "default" calendar adds the public holidays from configuration).
CalendarSpec OfficeHoursSpec();

// Every minute of every day (7×24) in `time_zone` (only matters for HoursOn).
CalendarSpec AlwaysOpenSpec(
    std::string time_zone = std::string(kDefaultTimeZone));

class BusinessCalendar {
 public:
  // Validates `spec`. INVALID_ARGUMENT (cs::InvalidField) naming the field:
  //   time_zone                       unknown IANA time zone
  //   weekly_hours.<mon..sun>[i]      start/end out of [0, 1440] or start >=
  //   end weekly_hours.<mon..sun>         intervals overlap (touching is fine)
  //   weekly_hours                    no working time in the whole week
  //   holidays[i]                     year outside 1900..9999
  //   make_up_days[i].day             year out of range, listed twice, or
  //                                   also a holiday
  //   make_up_days[i].hours[j] / .hours / .hours_like
  //                                   bad interval, overlap, explicitly empty,
  //                                   or the weekday copied has no hours
  [[nodiscard]] static absl::StatusOr<BusinessCalendar> Create(
      const CalendarSpec& spec);

  // The standard 7×24 calendar, in Asia/Shanghai (the zone only affects
  // which local date HoursOn refers to; every instant is working time).
  static BusinessCalendar AlwaysOpen();

  // True when t lies in a working period.
  bool IsWorkingTime(absl::Time t) const;

  // t itself when working; else the start of the next working period
  // (InfiniteFuture() beyond the horizon).
  absl::Time NextOpening(absl::Time t) const;

  // The end of the uninterrupted working period containing t, or, when t is
  // outside working time, of the next one. Always > t for finite t.
  // InfiniteFuture() when that period never ends (7×24 with no holiday ahead).
  absl::Time NextClosing(absl::Time t) const;

  // See the file comment for the exact semantics.
  absl::Time AddBusinessDuration(absl::Time start, absl::Duration d) const;
  absl::Duration BusinessDurationBetween(absl::Time from, absl::Time to) const;

  // Hours that apply on a local date: none on holidays, the make-up hours on
  // make-up days, else the weekday's regular hours. Sorted, touching
  // intervals merged.
  const std::vector<WorkInterval>& HoursOn(absl::CivilDay day) const;
  bool IsHoliday(absl::CivilDay day) const;
  bool IsMakeUpDay(absl::CivilDay day) const;

  const absl::TimeZone& time_zone() const { return tz_; }
  const std::string& time_zone_name() const { return tz_name_; }
  // Regular hours of a weekday (sorted, touching intervals merged).
  const std::vector<WorkInterval>& WeeklyHours(absl::Weekday weekday) const {
    return weekly_[static_cast<int>(weekday)];
  }

 private:
  struct Segment {
    absl::Time start;
    absl::Time end;
  };
  enum class Override { kHoliday, kMakeUp };
  struct DayOverride {
    Override kind;
    std::vector<WorkInterval> hours;  // empty for holidays
  };

  BusinessCalendar() = default;

  absl::Time LocalBoundary(absl::CivilDay day, int minute) const;
  absl::CivilDay LocalDay(absl::Time t) const;
  // Appends the non-empty working periods of `day`, in order.
  void SegmentsOf(absl::CivilDay day, std::vector<Segment>* out) const;
  // How many whole weeks starting at `day` (whose midnight is `day_start`)
  // contain no override day and no UTC-offset change, so that each of them
  // holds exactly weekly_total_ of business time. 0 when none.
  int64_t SkippableWeeks(absl::CivilDay day, absl::Time day_start) const;
  // First override day >= day, if any.
  std::optional<absl::CivilDay> NextOverrideDay(absl::CivilDay day) const;
  bool HasStableOffsetAfter(absl::Time t) const;

  absl::TimeZone tz_;
  std::string tz_name_;
  std::array<std::vector<WorkInterval>, 7> weekly_;
  std::map<absl::CivilDay, DayOverride> overrides_;
  absl::Duration weekly_total_;  // nominal business time of a regular week
  bool full_week_ = false;       // every weekday is 00:00–24:00
};

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_DOMAIN_CALENDAR_H_
