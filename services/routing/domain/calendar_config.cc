#include "services/routing/domain/calendar_config.h"

#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "libs/common/config_lines.h"
#include "libs/common/errors.h"
#include "libs/common/files.h"
#include "libs/common/status_macros.h"

namespace cs::routing {
namespace {

constexpr int64_t kMaxRangeDays = 366;
constexpr int kMinYear = 1900;
constexpr int kMaxYear = 9999;
constexpr size_t kMaxNameLength = 64;

absl::Status Problem(absl::string_view message) {
  return absl::InvalidArgumentError(message);
}

std::string Quoted(absl::string_view text) {
  return absl::StrCat("\"", text, "\"");
}

bool AllDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// "9:00", "09:00", "24:00" → minutes after midnight.
absl::StatusOr<int> ParseTimeOfDay(absl::string_view text) {
  const size_t colon = text.find(':');
  const absl::Status bad = Problem(absl::StrCat("bad time ", Quoted(text)));
  if (colon == absl::string_view::npos) return bad;
  const absl::string_view hh = text.substr(0, colon);
  const absl::string_view mm = text.substr(colon + 1);
  if (hh.size() < 1 || hh.size() > 2 || mm.size() != 2 || !AllDigits(hh) ||
      !AllDigits(mm)) {
    return bad;
  }
  int hour = 0;
  int minute = 0;
  if (!absl::SimpleAtoi(hh, &hour) || !absl::SimpleAtoi(mm, &minute)) {
    return bad;
  }
  if (hour > 24 || minute > 59 || (hour == 24 && minute != 0)) return bad;
  return hour * 60 + minute;
}

absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text) {
  const absl::Status bad = Problem(absl::StrCat("bad date ", Quoted(text)));
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad;
  const absl::string_view ys = text.substr(0, 4);
  const absl::string_view ms = text.substr(5, 2);
  const absl::string_view ds = text.substr(8, 2);
  int year = 0;
  int month = 0;
  int day = 0;
  if (!AllDigits(ys) || !AllDigits(ms) || !AllDigits(ds) ||
      !absl::SimpleAtoi(ys, &year) || !absl::SimpleAtoi(ms, &month) ||
      !absl::SimpleAtoi(ds, &day)) {
    return bad;
  }
  const absl::CivilDay civil(year, month, day);
  // CivilDay normalizes out-of-range fields (2026-02-30 → 2026-03-02).
  if (civil.year() != year || civil.month() != month || civil.day() != day) {
    return bad;
  }
  if (year < kMinYear || year > kMaxYear) {
    return Problem(absl::StrCat("date ", Quoted(text), " is outside years ",
                                kMinYear, "..", kMaxYear));
  }
  return civil;
}

// "2026-10-01" or "2026-10-01..2026-10-07" → the days, in order.
absl::StatusOr<std::vector<absl::CivilDay>> ParseDates(absl::string_view text) {
  const size_t dots = text.find("..");
  if (dots == absl::string_view::npos) {
    ASSIGN_OR_RETURN(absl::CivilDay day, ParseDate(text));
    return std::vector<absl::CivilDay>{day};
  }
  ASSIGN_OR_RETURN(absl::CivilDay first, ParseDate(text.substr(0, dots)));
  ASSIGN_OR_RETURN(absl::CivilDay last, ParseDate(text.substr(dots + 2)));
  if (last < first) {
    return Problem(
        absl::StrCat("date range ", Quoted(text), " ends before it starts"));
  }
  if (last - first + 1 > kMaxRangeDays) {
    return Problem(absl::StrCat("date range ", Quoted(text), " is longer than ",
                                kMaxRangeDays, " days"));
  }
  std::vector<absl::CivilDay> days;
  for (absl::CivilDay day = first; day <= last; ++day) days.push_back(day);
  return days;
}

absl::StatusOr<absl::Weekday> ParseWeekday(absl::string_view text) {
  static constexpr std::array<absl::string_view, 7> kNames = {
      "mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  const std::string lower = absl::AsciiStrToLower(text);
  for (int i = 0; i < 7; ++i) {
    if (lower == kNames[i]) return static_cast<absl::Weekday>(i);
  }
  return Problem(absl::StrCat("bad weekday ", Quoted(text),
                              " (use mon tue wed thu fri sat sun)"));
}

// "mon-fri", "sat,sun", "mon,wed-fri", "daily" → the set of weekdays.
absl::StatusOr<std::array<bool, 7>> ParseWeekdays(absl::string_view text) {
  std::array<bool, 7> days{};
  if (absl::AsciiStrToLower(text) == "daily") {
    days.fill(true);
    return days;
  }
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    const size_t dash = part.find('-');
    if (dash == absl::string_view::npos) {
      ASSIGN_OR_RETURN(absl::Weekday day, ParseWeekday(part));
      days[static_cast<int>(day)] = true;
      continue;
    }
    ASSIGN_OR_RETURN(absl::Weekday first, ParseWeekday(part.substr(0, dash)));
    ASSIGN_OR_RETURN(absl::Weekday last, ParseWeekday(part.substr(dash + 1)));
    if (static_cast<int>(last) < static_cast<int>(first)) {
      return Problem(absl::StrCat("bad weekday range ", Quoted(part),
                                  " (ranges run from mon to sun; use a "
                                  "comma list such as sat-sun,mon)"));
    }
    for (int i = static_cast<int>(first); i <= static_cast<int>(last); ++i) {
      days[i] = true;
    }
  }
  return days;
}

// Interval tokens, each possibly holding comma-separated intervals.
absl::StatusOr<std::vector<WorkInterval>> ParseIntervals(
    const std::vector<absl::string_view>& tokens) {
  std::vector<WorkInterval> out;
  for (absl::string_view token : tokens) {
    for (absl::string_view part : absl::StrSplit(token, ',')) {
      ASSIGN_OR_RETURN(WorkInterval interval, ParseWorkInterval(part));
      out.push_back(interval);
    }
  }
  return out;
}

bool Overlap(const WorkInterval& a, const WorkInterval& b) {
  return a.start_minute < b.end_minute && b.start_minute < a.end_minute;
}

bool ValidName(absl::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' &&
        c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

// One "calendar" block being read.
struct Block {
  std::string name;
  int line = 0;
  CalendarSpec spec;
  int timezone_line = 0;
  int always_open_line = 0;
  int first_hours_line = 0;
  // Intervals added to each weekday, with the line that added them.
  std::array<std::vector<std::pair<WorkInterval, int>>, 7> hours;
  std::map<absl::CivilDay, int> holiday_lines;
  std::map<absl::CivilDay, int> workday_lines;
  std::vector<int> make_up_lines;  // parallel to spec.make_up_days
};

class Parser {
 public:
  explicit Parser(absl::string_view source) : source_(source) {}

  absl::StatusOr<std::map<std::string, BusinessCalendar>> Run(
      absl::string_view text) {
    for (const ConfigLine& line : ConfigLines(text)) {
      const int line_number = line.number;
      std::vector<absl::string_view> tokens = absl::StrSplit(
          line.text, absl::ByAnyChar(" \t\r\v\f"), absl::SkipEmpty());
      const std::vector<absl::string_view> args(tokens.begin() + 1,
                                                tokens.end());
      if (tokens[0] == "calendar") {
        absl::Status status = CheckCalendarLine(args);
        if (!status.ok()) return LineError(line_number, status.message());
        // The previous block's errors name their own lines.
        RETURN_IF_ERROR(Finish());
        status = StartCalendar(line_number, args[0]);
        if (!status.ok()) return LineError(line_number, status.message());
        continue;
      }
      absl::Status status = Directive(line_number, tokens[0], args);
      if (!status.ok()) return LineError(line_number, status.message());
    }
    RETURN_IF_ERROR(Finish());
    return std::move(calendars_);
  }

 private:
  absl::Status LineError(int line, absl::string_view message) const {
    return cs::InvalidField(absl::StrCat(source_, ":", line), message);
  }

  // Problems of the current line come back as plain messages; Run adds the
  // line number.
  absl::Status Directive(int line, absl::string_view word,
                         const std::vector<absl::string_view>& args) {
    if (word != "timezone" && word != "hours" && word != "holiday" &&
        word != "workday" && word != "always_open") {
      return Problem(absl::StrCat("unknown directive ", Quoted(word)));
    }
    if (!block_.has_value()) {
      return Problem(absl::StrCat(Quoted(word),
                                  " outside a calendar block (start one "
                                  "with: calendar NAME)"));
    }
    if (word == "timezone") return TimeZone(line, args);
    if (word == "hours") return Hours(line, args);
    if (word == "holiday") return Holiday(line, args);
    if (word == "workday") return Workday(line, args);
    return AlwaysOpen(line, args);
  }

  static absl::Status CheckCalendarLine(
      const std::vector<absl::string_view>& args) {
    if (args.size() != 1) {
      return Problem("calendar needs exactly one name: calendar NAME");
    }
    if (!ValidName(args[0])) {
      return Problem(absl::StrCat("bad calendar name ", Quoted(args[0]),
                                  " (letters, digits, '_', '-', '.'; at most ",
                                  kMaxNameLength, ")"));
    }
    return absl::OkStatus();
  }

  absl::Status StartCalendar(int line, absl::string_view name) {
    auto seen = lines_.find(std::string(name));
    if (seen != lines_.end()) {
      return Problem(absl::StrCat("calendar ", Quoted(name),
                                  " is already defined on line ",
                                  seen->second));
    }
    lines_[std::string(name)] = line;
    block_.emplace();
    block_->name = std::string(name);
    block_->line = line;
    return absl::OkStatus();
  }

  absl::Status TimeZone(int line, const std::vector<absl::string_view>& args) {
    if (args.size() != 1) {
      return Problem(
          "timezone needs exactly one IANA name, e.g. Asia/Shanghai");
    }
    if (block_->timezone_line != 0) {
      return Problem(
          absl::StrCat("timezone already set on line ", block_->timezone_line));
    }
    absl::TimeZone tz;
    if (!absl::LoadTimeZone(args[0], &tz)) {
      return Problem(absl::StrCat("unknown time zone ", Quoted(args[0])));
    }
    block_->timezone_line = line;
    block_->spec.time_zone = std::string(args[0]);
    return absl::OkStatus();
  }

  absl::Status Hours(int line, const std::vector<absl::string_view>& args) {
    if (args.size() < 2) {
      return Problem(
          "hours needs days and at least one interval, e.g. "
          "hours mon-fri 09:00-18:00");
    }
    if (block_->always_open_line != 0) {
      return Problem(absl::StrCat("hours conflicts with always_open on line ",
                                  block_->always_open_line));
    }
    ASSIGN_OR_RETURN(auto days, ParseWeekdays(args[0]));
    ASSIGN_OR_RETURN(std::vector<WorkInterval> intervals,
                     ParseIntervals({args.begin() + 1, args.end()}));
    for (int d = 0; d < 7; ++d) {
      if (!days[d]) continue;
      auto& existing = block_->hours[d];
      for (const WorkInterval& iv : intervals) {
        for (const auto& [other, other_line] : existing) {
          if (Overlap(iv, other)) {
            return Problem(absl::StrCat(
                "hours overlap on ",
                WeekdayShortName(static_cast<absl::Weekday>(d)), ": ",
                FormatWorkInterval(iv), " and ", FormatWorkInterval(other),
                other_line == line ? ""
                                   : absl::StrCat(" (line ", other_line, ")")));
          }
        }
        existing.push_back({iv, line});
      }
    }
    if (block_->first_hours_line == 0) block_->first_hours_line = line;
    return absl::OkStatus();
  }

  absl::Status Holiday(int line, const std::vector<absl::string_view>& args) {
    if (args.empty()) {
      return Problem(
          "holiday needs a date or range, e.g. "
          "holiday 2026-10-01..2026-10-07");
    }
    for (absl::string_view arg : args) {
      ASSIGN_OR_RETURN(std::vector<absl::CivilDay> days, ParseDates(arg));
      for (absl::CivilDay day : days) {
        auto workday = block_->workday_lines.find(day);
        if (workday != block_->workday_lines.end()) {
          return Problem(absl::StrCat(absl::FormatCivilTime(day),
                                      " is already a workday (line ",
                                      workday->second, ")"));
        }
        // Repeating a holiday (overlapping ranges) is harmless.
        if (block_->holiday_lines.emplace(day, line).second) {
          block_->spec.holidays.push_back(day);
        }
      }
    }
    return absl::OkStatus();
  }

  absl::Status Workday(int line, const std::vector<absl::string_view>& args) {
    if (args.empty()) {
      return Problem(
          "workday needs a date or range, optionally followed by "
          "intervals or \"as DAY\"");
    }
    ASSIGN_OR_RETURN(std::vector<absl::CivilDay> days, ParseDates(args[0]));
    MakeUpDay make_up;
    if (args.size() >= 2 && absl::AsciiStrToLower(args[1]) == "as") {
      if (args.size() != 3) {
        return Problem("workday DATE as DAY takes exactly one weekday");
      }
      ASSIGN_OR_RETURN(make_up.hours_like, ParseWeekday(args[2]));
    } else if (args.size() >= 2) {
      ASSIGN_OR_RETURN(std::vector<WorkInterval> hours,
                       ParseIntervals({args.begin() + 1, args.end()}));
      for (size_t i = 0; i < hours.size(); ++i) {
        for (size_t j = 0; j < i; ++j) {
          if (Overlap(hours[i], hours[j])) {
            return Problem(
                absl::StrCat("hours overlap: ", FormatWorkInterval(hours[i]),
                             " and ", FormatWorkInterval(hours[j])));
          }
        }
      }
      make_up.hours = std::move(hours);
    }
    for (absl::CivilDay day : days) {
      auto holiday = block_->holiday_lines.find(day);
      if (holiday != block_->holiday_lines.end()) {
        return Problem(absl::StrCat(absl::FormatCivilTime(day),
                                    " is already a holiday (line ",
                                    holiday->second, ")"));
      }
      auto [it, inserted] = block_->workday_lines.emplace(day, line);
      if (!inserted) {
        return Problem(absl::StrCat("workday ", absl::FormatCivilTime(day),
                                    " is already given on line ", it->second));
      }
      make_up.day = day;
      block_->spec.make_up_days.push_back(make_up);
      block_->make_up_lines.push_back(line);
    }
    return absl::OkStatus();
  }

  absl::Status AlwaysOpen(int line,
                          const std::vector<absl::string_view>& args) {
    if (!args.empty()) return Problem("always_open takes no arguments");
    if (block_->always_open_line != 0) {
      return Problem(absl::StrCat("always_open already given on line ",
                                  block_->always_open_line));
    }
    if (block_->first_hours_line != 0) {
      return Problem(absl::StrCat("always_open conflicts with hours on line ",
                                  block_->first_hours_line));
    }
    block_->always_open_line = line;
    return absl::OkStatus();
  }

  // Validates and stores the current block. Errors carry their own line.
  absl::Status Finish() {
    if (!block_.has_value()) return absl::OkStatus();
    Block block = std::move(*block_);
    block_.reset();
    CalendarSpec& spec = block.spec;
    if (block.always_open_line != 0) {
      for (auto& day : spec.weekly_hours) day = {{0, kMinutesPerDay}};
    } else {
      bool any = false;
      for (int d = 0; d < 7; ++d) {
        for (const auto& [iv, line] : block.hours[d]) {
          spec.weekly_hours[d].push_back(iv);
          any = true;
        }
      }
      if (!any) {
        return LineError(block.line,
                         absl::StrCat("calendar ", Quoted(block.name),
                                      " has no working hours (add \"hours\" "
                                      "lines or \"always_open\")"));
      }
    }
    for (size_t i = 0; i < spec.make_up_days.size(); ++i) {
      const MakeUpDay& make_up = spec.make_up_days[i];
      if (!make_up.hours.has_value() &&
          spec.HoursOf(make_up.hours_like).empty()) {
        return LineError(
            block.make_up_lines[i],
            absl::StrCat("workday ", absl::FormatCivilTime(make_up.day),
                         " copies the hours of ",
                         WeekdayShortName(make_up.hours_like),
                         ", which has none (give hours or \"as DAY\")"));
      }
    }
    absl::StatusOr<BusinessCalendar> calendar = BusinessCalendar::Create(spec);
    if (!calendar.ok()) {
      // Not expected after the checks above; point at the block.
      return LineError(block.line,
                       absl::StrCat("calendar ", Quoted(block.name), ": ",
                                    calendar.status().message()));
    }
    calendars_.emplace(block.name, *std::move(calendar));
    return absl::OkStatus();
  }

  std::string source_;
  std::optional<Block> block_;
  std::map<std::string, int> lines_;  // calendar name → its line
  std::map<std::string, BusinessCalendar> calendars_;
};

}  // namespace

absl::StatusOr<WorkInterval> ParseWorkInterval(absl::string_view text) {
  const size_t dash = text.find('-');
  if (dash == absl::string_view::npos ||
      text.find('-', dash + 1) != absl::string_view::npos) {
    return Problem(
        absl::StrCat("bad interval ", Quoted(text), " (want HH:MM-HH:MM)"));
  }
  ASSIGN_OR_RETURN(int start, ParseTimeOfDay(text.substr(0, dash)));
  ASSIGN_OR_RETURN(int end, ParseTimeOfDay(text.substr(dash + 1)));
  if (start >= end) {
    return Problem(absl::StrCat(
        "bad interval ", Quoted(text),
        ": start must be before end (split an overnight shift at 24:00)"));
  }
  return WorkInterval{start, end};
}

absl::StatusOr<std::map<std::string, BusinessCalendar>> ParseCalendars(
    absl::string_view text, absl::string_view source_name) {
  return Parser(source_name).Run(text);
}

absl::StatusOr<std::map<std::string, BusinessCalendar>> LoadCalendarsFile(
    absl::string_view path) {
  ASSIGN_OR_RETURN(std::string text, cs::ReadFileToString(path));
  return ParseCalendars(text, path);
}

}  // namespace cs::routing
