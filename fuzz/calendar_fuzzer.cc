// Business calendars: the configuration parser takes any text, and the
// arithmetic keeps its documented identities for any valid calendar:
//   BusinessDurationBetween(t, AddBusinessDuration(t, d)) == d   (d > 0)
//   AddBusinessDuration(a, BusinessDurationBetween(a, b)) <= b   (a <= b)
// Instants stay within 2020–2060 so that DST zones need no century walks.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "fuzz/fuzz_input.h"
#include "services/routing/domain/calendar.h"
#include "services/routing/domain/calendar_config.h"

namespace {

using cs::routing::BusinessCalendar;
using cs::routing::CalendarSpec;
using cs::routing::WorkInterval;

constexpr const char* kZones[] = {"Asia/Shanghai", "America/New_York",
                                  "Europe/London", "UTC"};

absl::Time Instant(cs::fuzz::FuzzInput& in) {
  constexpr int64_t kSpan = int64_t{40} * 366 * 86400;
  return absl::FromUnixSeconds(1577836800 + in.U32() % kSpan) +
         absl::Milliseconds(in.Byte());
}

WorkInterval Interval(cs::fuzz::FuzzInput& in) {
  int start = (in.Byte() * 256 + in.Byte()) % 1441;
  int end = (in.Byte() * 256 + in.Byte()) % 1441;
  return {start, end};
}

absl::CivilDay Day(cs::fuzz::FuzzInput& in) {
  return absl::CivilDay(2020, 1, 1) + (in.Byte() * 256 + in.Byte()) % 3000;
}

void CheckArithmetic(const BusinessCalendar& calendar,
                     cs::fuzz::FuzzInput& in) {
  for (int i = 0; i < 4 && !in.empty(); ++i) {
    const absl::Time t = Instant(in);
    const absl::Duration d =
        absl::Seconds(1 + in.U32() % (2000 * 3600)) + absl::Nanoseconds(in.Byte());
    const absl::Time end = calendar.AddBusinessDuration(t, d);
    FUZZ_CHECK(end >= t);
    if (end != absl::InfiniteFuture()) {
      FUZZ_CHECK(calendar.BusinessDurationBetween(t, end) == d);
    }
    const absl::Time later = t + absl::Seconds(in.U32() % (400 * 86400));
    const absl::Duration between = calendar.BusinessDurationBetween(t, later);
    FUZZ_CHECK(between >= absl::ZeroDuration() && between <= later - t);
    FUZZ_CHECK(calendar.AddBusinessDuration(t, between) <= later);
    const absl::Time opening = calendar.NextOpening(t);
    FUZZ_CHECK(opening >= t);
    if (opening != absl::InfiniteFuture()) {
      FUZZ_CHECK(calendar.IsWorkingTime(opening));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cs::fuzz::FuzzInput in(data, size);
  if (in.Byte() % 2 == 0) {
    auto calendars = cs::routing::ParseCalendars(in.Rest());
    return 0;
  }
  CalendarSpec spec;
  spec.time_zone = kZones[in.Byte() % 4];
  for (auto& hours : spec.weekly_hours) {
    const int count = in.Byte() % 3;
    for (int i = 0; i < count; ++i) hours.push_back(Interval(in));
  }
  for (int i = in.Byte() % 4; i > 0; --i) spec.holidays.push_back(Day(in));
  for (int i = in.Byte() % 3; i > 0; --i) {
    cs::routing::MakeUpDay day{.day = Day(in)};
    if (in.Byte() % 2 == 0) day.hours = std::vector<WorkInterval>{Interval(in)};
    spec.make_up_days.push_back(day);
  }
  auto calendar = BusinessCalendar::Create(spec);
  if (calendar.ok()) CheckArithmetic(*calendar, in);
  return 0;
}
