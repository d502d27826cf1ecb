#include "services/routing/domain/sla_policy.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "libs/common/time_proto.h"
#include "services/routing/domain/conditions.h"

namespace cs::routing {
namespace {

using cs::common::v1::Channel;
using cs::common::v1::Grade;
using cs::common::v1::Stage;

bool IsComplaintKind(v1::ClockKind kind) {
  return kind >= v1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE &&
         kind <= v1::CLOCK_KIND_COMPLAINT_CLOSE;
}

template <typename Enum>
std::vector<Enum> AllValues(const google::protobuf::EnumDescriptor* d) {
  std::vector<Enum> out;
  for (int i = 0; i < d->value_count(); ++i) {
    out.push_back(static_cast<Enum>(d->value(i)->number()));
  }
  return out;
}

}  // namespace

int Specificity(const SlaPolicySpec& policy) {
  return 4 * !policy.stages.empty() + 2 * !policy.channels.empty() +
         1 * !policy.grades.empty();
}

bool PolicyMatches(const SlaPolicySpec& policy, Stage stage, Channel channel,
                   Grade grade) {
  return AnyOf(policy.stages, stage) && AnyOf(policy.channels, channel) &&
         AnyOf(policy.grades, grade);
}

std::string CalendarFor(const SlaPolicies& config, const SlaPolicySpec& policy,
                        Channel channel, Grade grade) {
  if (!policy.calendar.empty()) return policy.calendar;
  for (const CalendarRule& rule : config.calendar_rules) {
    if (AnyOf(rule.channels, channel) && AnyOf(rule.grades, grade) &&
        AnyOf(rule.kinds, policy.kind)) {
      return rule.calendar;
    }
  }
  return config.default_calendar;
}

absl::StatusOr<ClockPolicy> MatchPolicy(const SlaPolicies& config,
                                        v1::ClockKind kind, Stage stage,
                                        Channel channel, Grade grade) {
  const SlaPolicySpec* best = nullptr;
  for (const SlaPolicySpec& p : config.policies) {
    if (p.kind != kind || !PolicyMatches(p, stage, channel, grade)) continue;
    if (best == nullptr || Specificity(p) > Specificity(*best)) best = &p;
  }
  if (best == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no SLA policy for ", ClockKindName(kind), " (stage ",
                     StageName(stage), ", channel ", ChannelName(channel),
                     ", grade ", GradeLetter(grade), ")"));
  }
  ClockPolicy out;
  out.name = best->name;
  out.version = config.version;
  out.kind = kind;
  out.target = best->target;
  out.calendar = CalendarFor(config, *best, channel, grade);
  out.warning_fraction =
      best->warning_fraction.value_or(config.default_warning_fraction);
  return out;
}

absl::StatusOr<std::vector<ClockToStart>> ClocksToStart(
    const cs::ticket::v1::TicketFacts& facts, const SlaPolicies& config) {
  const Grade grade = facts.grade();
  if (grade != cs::common::v1::GRADE_A && grade != cs::common::v1::GRADE_B &&
      grade != cs::common::v1::GRADE_C) {
    return absl::InvalidArgumentError(
        "grade: the ticket must be graded before its clocks start");
  }
  std::vector<ClockToStart> out;
  for (v1::ClockKind kind : config.ticket_clocks.start_on_create) {
    absl::StatusOr<ClockPolicy> policy =
        MatchPolicy(config, kind, facts.stage(), facts.channel(), grade);
    if (!policy.ok()) return policy.status();
    out.push_back({kind, *std::move(policy)});
  }
  return out;
}

bool TicketClockEnabled(const SlaPolicies& config, v1::ClockKind kind) {
  if (kind == v1::CLOCK_KIND_NEXT_REPLY) return config.ticket_clocks.next_reply;
  if (kind == v1::CLOCK_KIND_PERIODIC_UPDATE)
    return config.ticket_clocks.periodic_update;
  if (kind == v1::CLOCK_KIND_FOLLOW_UP) return config.ticket_clocks.follow_up;
  if (kind == v1::CLOCK_KIND_RECORD_COMPLETENESS)
    return config.ticket_clocks.record_completeness;
  return Contains(config.ticket_clocks.start_on_create, kind);
}

std::string DisplayCalendar(const SlaPolicies& config,
                            const SlaPolicySpec& policy) {
  if (!policy.calendar.empty()) return policy.calendar;
  std::vector<Channel> channels = policy.channels;
  if (channels.empty()) {
    channels = AllValues<Channel>(cs::common::v1::Channel_descriptor());
  }
  std::vector<Grade> grades = policy.grades;
  if (grades.empty()) {
    grades = {cs::common::v1::GRADE_A, cs::common::v1::GRADE_B,
              cs::common::v1::GRADE_C};
  }
  std::set<std::string> names;
  for (Channel c : channels) {
    for (Grade g : grades) names.insert(CalendarFor(config, policy, c, g));
  }
  return absl::StrJoin(names, ",");
}

v1::SlaPolicyView ToView(const SlaPolicies& config,
                         const SlaPolicySpec& policy) {
  v1::SlaPolicyView view;
  view.set_name(policy.name);
  view.set_version(config.version);
  for (Stage s : policy.stages) view.add_stages(s);
  for (Channel c : policy.channels) view.add_channels(c);
  for (Grade g : policy.grades) view.add_grades(g);
  view.set_kind(policy.kind);
  *view.mutable_target() = ToProtoDuration(policy.target);
  view.set_calendar(DisplayCalendar(config, policy));
  view.set_warning_fraction(
      policy.warning_fraction.value_or(config.default_warning_fraction));
  return view;
}

std::vector<std::pair<size_t, size_t>> FindAmbiguousPolicies(
    const std::vector<SlaPolicySpec>& policies) {
  std::vector<std::pair<size_t, size_t>> out;
  for (size_t i = 0; i < policies.size(); ++i) {
    for (size_t j = i + 1; j < policies.size(); ++j) {
      const SlaPolicySpec& a = policies[i];
      const SlaPolicySpec& b = policies[j];
      if (a.kind != b.kind || Specificity(a) != Specificity(b)) continue;
      if (Intersect(a.stages, b.stages) && Intersect(a.channels, b.channels) &&
          Intersect(a.grades, b.grades)) {
        out.emplace_back(i, j);
      }
    }
  }
  return out;
}

std::vector<std::string> FindUncoveredCases(const SlaPolicies& config) {
  std::vector<std::string> out;
  auto covered = [&](v1::ClockKind kind, Stage s, Channel c, Grade g) {
    return std::any_of(config.policies.begin(), config.policies.end(),
                       [&](const SlaPolicySpec& p) {
                         return p.kind == kind && PolicyMatches(p, s, c, g);
                       });
  };
  auto describe = [](v1::ClockKind kind, Stage s, Channel c, Grade g) {
    return absl::StrCat(ClockKindName(kind), " for stage ", StageName(s),
                        ", channel ", ChannelName(c), ", grade ",
                        GradeLetter(g));
  };
  const std::vector<Stage> stages =
      AllValues<Stage>(cs::common::v1::Stage_descriptor());
  const std::vector<Channel> channels =
      AllValues<Channel>(cs::common::v1::Channel_descriptor());
  const std::vector<Grade> graded = {cs::common::v1::GRADE_A,
                                     cs::common::v1::GRADE_B,
                                     cs::common::v1::GRADE_C};
  for (v1::ClockKind kind :
       AllValues<v1::ClockKind>(v1::ClockKind_descriptor())) {
    if (IsComplaintKind(kind)) {
      for (Grade g : AllValues<Grade>(cs::common::v1::Grade_descriptor())) {
        const Stage s = cs::common::v1::STAGE_UNSPECIFIED;
        const Channel c = cs::common::v1::CHANNEL_UNSPECIFIED;
        if (!covered(kind, s, c, g)) out.push_back(describe(kind, s, c, g));
      }
      continue;
    }
    if (kind == v1::CLOCK_KIND_UNSPECIFIED ||
        !TicketClockEnabled(config, kind)) {
      continue;
    }
    for (Stage s : stages) {
      for (Channel c : channels) {
        for (Grade g : graded) {
          if (!covered(kind, s, c, g)) out.push_back(describe(kind, s, c, g));
        }
      }
    }
  }
  return out;
}

absl::StatusOr<absl::Duration> ParseConfigDuration(absl::string_view text) {
  const absl::string_view original = text;
  text = absl::StripAsciiWhitespace(text);
  absl::Duration total = absl::ZeroDuration();
  // Leading "<digits>d".
  size_t digits = 0;
  while (digits < text.size() && absl::ascii_isdigit(text[digits])) ++digits;
  if (digits > 0 && digits < text.size() && text[digits] == 'd') {
    int64_t days = 0;
    if (!absl::SimpleAtoi(text.substr(0, digits), &days) || days > 100000) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", original, "\" is not a duration"));
    }
    total += absl::Hours(24 * days);
    text.remove_prefix(digits + 1);
  } else if (text.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", original, "\" is not a duration"));
  }
  if (!text.empty()) {
    absl::Duration rest;
    if (!absl::ParseDuration(text, &rest) || rest == absl::InfiniteDuration() ||
        rest < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", original,
                       "\" is not a duration (use e.g. \"15m\", \"2h\", "
                       "\"1h30m\", \"3d\")"));
    }
    total += rest;
  }
  if (total <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", original, "\" must be positive"));
  }
  return total;
}

std::string FormatConfigDuration(absl::Duration d) {
  if (d <= absl::ZeroDuration() || d == absl::InfiniteDuration()) {
    return absl::FormatDuration(d);
  }
  std::string out;
  const int64_t days = absl::IDivDuration(d, absl::Hours(24), &d);
  if (days > 0) absl::StrAppend(&out, days, "d");
  if (d > absl::ZeroDuration()) absl::StrAppend(&out, absl::FormatDuration(d));
  return out;
}

}  // namespace cs::routing
