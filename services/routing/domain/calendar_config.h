// The business-calendar configuration file (deploy/config/calendars.conf):
// a small line format that operators edit by hand each year when the State
// Council publishes the holiday schedule.
//
//   # comment: from '#' to the end of the line, anywhere; UTF-8 is fine
//   calendar default                  # starts a calendar block
//     timezone Asia/Shanghai          # optional IANA name (default shown)
//     hours mon-fri 09:00-12:00 13:30-18:00
//     hours sat 10:00-12:00           # lines for one day accumulate
//     holiday 2026-01-01              # one date, or several on a line
//     holiday 2026-10-01..2026-10-07  # inclusive range, <= 366 days
//     workday 2026-09-20              # 调休: worked with Monday's hours
//     workday 2026-10-10 as fri       # … with Friday's hours
//     workday 2026-10-11 09:00-17:00  # … with explicit hours
//   calendar always
//     always_open                     # 7×24; no "hours" lines allowed
//
// Days: mon tue wed thu fri sat sun (any case), ranges "mon-fri" (no
// wrap-around), comma lists "mon,wed,fri-sun", or "daily". Intervals:
// "HH:MM-HH:MM" with 00:00 <= start < end <= 24:00 (an overnight shift is two
// intervals: "hours fri 22:00-24:00" and "hours sat 00:00-06:00"); several
// intervals may also be joined by commas. Dates: YYYY-MM-DD, years
// 1900..9999. Indentation is free; CRLF line ends and a UTF-8 BOM are
// accepted.
//
// Every calendar needs working hours (or always_open). A date may not be both
// a holiday and a workday; a workday may not be given twice; intervals of one
// day may touch but not overlap.
//
//   ASSIGN_OR_RETURN(auto calendars, LoadCalendarsFile(flags.calendars_path));
//   const BusinessCalendar& office = calendars.at("default");
//
// Pure and thread-safe.
#ifndef CS_SERVICES_ROUTING_DOMAIN_CALENDAR_CONFIG_H_
#define CS_SERVICES_ROUTING_DOMAIN_CALENDAR_CONFIG_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/routing/domain/calendar.h"

namespace cs::routing {

// Parses a whole file. The result maps calendar name → calendar (empty when
// the text defines none; callers check for the names they need).
// Every error is INVALID_ARGUMENT built with cs::InvalidField, whose field is
// "<source_name>:<line>" and whose message reads e.g.
//   calendars.conf:12: bad time "25:00"
// Errors that concern a whole calendar (no working hours) name the line of
// its "calendar" directive.
[[nodiscard]] absl::StatusOr<std::map<std::string, BusinessCalendar>>
ParseCalendars(absl::string_view text,
               absl::string_view source_name = "calendars.conf");

// Reads `path` (NOT_FOUND / PERMISSION_DENIED from cs::ReadFileToString) and
// parses it with the path as source name.
[[nodiscard]] absl::StatusOr<std::map<std::string, BusinessCalendar>>
LoadCalendarsFile(absl::string_view path);

// "09:00-18:00" → {540, 1080}. INVALID_ARGUMENT such as `bad time "25:00"`
// or `bad interval "18:00-09:00": start must be before end`.
[[nodiscard]] absl::StatusOr<WorkInterval> ParseWorkInterval(
    absl::string_view text);

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_DOMAIN_CALENDAR_CONFIG_H_
