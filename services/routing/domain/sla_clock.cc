#include "services/routing/domain/sla_clock.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/common/errors.h"
#include "libs/common/time_proto.h"
#include "services/routing/domain/conditions.h"

namespace cs::routing {
namespace {

bool Finite(absl::Time t) {
  return t != absl::InfinitePast() && t != absl::InfiniteFuture();
}

absl::Status CheckFinite(absl::Time t) {
  if (!Finite(t)) return InvalidField("time", "must be a finite instant");
  return absl::OkStatus();
}

// Changes the state (FULFIL, STOP, ...) rather than only recording a mark.
bool IsStateEntry(v1::ClockTransition t) {
  return t == v1::CLOCK_TRANSITION_START || t == v1::CLOCK_TRANSITION_PAUSE ||
         t == v1::CLOCK_TRANSITION_RESUME || t == v1::CLOCK_TRANSITION_FULFIL ||
         t == v1::CLOCK_TRANSITION_STOP || t == v1::CLOCK_TRANSITION_RECOMPUTE;
}

}  // namespace

std::string ClockStateName(v1::ClockState state) {
  if (state == v1::CLOCK_STATE_UNSPECIFIED) return "NOT_STARTED";
  const auto* v = v1::ClockState_descriptor()->FindValueByNumber(state);
  if (v == nullptr)
    return absl::StrCat("unknown(", static_cast<int>(state), ")");
  absl::string_view name = v->name();
  absl::ConsumePrefix(&name, "CLOCK_STATE_");
  return std::string(name);
}

absl::Status ValidateClockPolicy(const ClockPolicy& policy) {
  if (policy.kind == v1::CLOCK_KIND_UNSPECIFIED ||
      !v1::ClockKind_IsValid(policy.kind)) {
    return InvalidField("kind", "must be a clock kind");
  }
  if (policy.target <= absl::ZeroDuration() ||
      policy.target == absl::InfiniteDuration()) {
    return InvalidField("target", "must be a positive, finite duration");
  }
  if (!(policy.warning_fraction > 0.0 && policy.warning_fraction < 1.0)) {
    return InvalidField(
        "warning_fraction",
        absl::StrCat("must be in (0, 1), got ", policy.warning_fraction));
  }
  if (policy.calendar.empty())
    return InvalidField("calendar", "must not be empty");
  return absl::OkStatus();
}

SlaClock::SlaClock(std::string name, std::string subject, ClockPolicy policy,
                   cs::common::v1::Grade grade)
    : name_(std::move(name)),
      subject_(std::move(subject)),
      policy_(std::move(policy)),
      grade_(grade) {}

absl::Status SlaClock::Illegal(absl::string_view verb) const {
  return WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(
          "cannot ", verb, " clock ", name_, " (", ClockKindName(kind()),
          "): it is ", ClockStateName(state_))),
      "ILLEGAL_CLOCK_TRANSITION",
      {{"clock", name_},
       {"state", ClockStateName(state_)},
       {"transition", std::string(verb)}});
}

absl::Time SlaClock::Effective(absl::Time now, std::string* reason) const {
  if (ledger_.empty() || now >= ledger_.back().time) return now;
  absl::StrAppend(
      reason, " (event time ",
      absl::FormatTime(absl::RFC3339_full, now, absl::UTCTimeZone()),
      " precedes the clock's last entry)");
  return ledger_.back().time;
}

absl::Duration SlaClock::WarnThreshold() const {
  return policy_.target * policy_.warning_fraction;
}

LedgerEntry SlaClock::Append(absl::Time time, v1::ClockTransition transition,
                             std::string reason, absl::Duration elapsed) {
  LedgerEntry e;
  e.time = time;
  e.transition = transition;
  e.reason = std::move(reason);
  e.policy_version = policy_.version;
  e.elapsed = elapsed;
  ledger_.push_back(e);
  return e;
}

void SlaClock::CloseSegment(absl::Time now, const BusinessCalendar& calendar) {
  accumulated_ = Elapsed(now, calendar);
  segment_start_ = now;
}

absl::StatusOr<std::vector<LedgerEntry>> SlaClock::Start(
    absl::Time start, absl::string_view reason) {
  if (state_ != v1::CLOCK_STATE_UNSPECIFIED) return Illegal("start");
  if (absl::Status s = CheckFinite(start); !s.ok()) return s;
  if (absl::Status s = ValidateClockPolicy(policy_); !s.ok()) return s;
  state_ = v1::CLOCK_STATE_RUNNING;
  accumulated_ = absl::ZeroDuration();
  segment_start_ = start;
  start_time_ = start;
  return std::vector<LedgerEntry>{Append(start, v1::CLOCK_TRANSITION_START,
                                         std::string(reason), accumulated_)};
}

absl::StatusOr<std::vector<LedgerEntry>> SlaClock::Pause(
    absl::Time now, absl::string_view reason,
    const BusinessCalendar& calendar) {
  if (state_ != v1::CLOCK_STATE_RUNNING) return Illegal("pause");
  if (absl::Status s = CheckFinite(now); !s.ok()) return s;
  std::string why(reason);
  now = Effective(now, &why);
  std::vector<LedgerEntry> out = RecordDue(now, calendar);
  CloseSegment(now, calendar);
  state_ = v1::CLOCK_STATE_PAUSED;
  out.push_back(
      Append(now, v1::CLOCK_TRANSITION_PAUSE, std::move(why), accumulated_));
  return out;
}

absl::StatusOr<std::vector<LedgerEntry>> SlaClock::Resume(
    absl::Time now, absl::string_view reason,
    const BusinessCalendar& calendar) {
  if (state_ != v1::CLOCK_STATE_PAUSED) return Illegal("resume");
  if (absl::Status s = CheckFinite(now); !s.ok()) return s;
  std::string why(reason);
  now = Effective(now, &why);
  state_ = v1::CLOCK_STATE_RUNNING;
  segment_start_ = now;
  std::vector<LedgerEntry> out;
  out.push_back(
      Append(now, v1::CLOCK_TRANSITION_RESUME, std::move(why), accumulated_));
  // Only non-empty when a threshold was already behind the paused clock.
  for (LedgerEntry& e : RecordDue(now, calendar)) out.push_back(std::move(e));
  return out;
}

absl::StatusOr<std::vector<LedgerEntry>> SlaClock::Fulfil(
    absl::Time now, absl::string_view reason,
    const BusinessCalendar& calendar) {
  if (state_ != v1::CLOCK_STATE_RUNNING && state_ != v1::CLOCK_STATE_PAUSED) {
    return Illegal("fulfil");
  }
  if (absl::Status s = CheckFinite(now); !s.ok()) return s;
  std::string why(reason);
  now = Effective(now, &why);
  std::vector<LedgerEntry> out = RecordDue(now, calendar);
  if (state_ == v1::CLOCK_STATE_RUNNING) CloseSegment(now, calendar);
  state_ = v1::CLOCK_STATE_FULFILLED;
  end_time_ = now;
  out.push_back(
      Append(now, v1::CLOCK_TRANSITION_FULFIL, std::move(why), accumulated_));
  return out;
}

absl::StatusOr<std::vector<LedgerEntry>> SlaClock::Stop(
    absl::Time now, absl::string_view reason,
    const BusinessCalendar& calendar) {
  if (state_ != v1::CLOCK_STATE_RUNNING && state_ != v1::CLOCK_STATE_PAUSED) {
    return Illegal("stop");
  }
  if (absl::Status s = CheckFinite(now); !s.ok()) return s;
  std::string why(reason);
  now = Effective(now, &why);
  std::vector<LedgerEntry> out = RecordDue(now, calendar);
  if (state_ == v1::CLOCK_STATE_RUNNING) CloseSegment(now, calendar);
  state_ = v1::CLOCK_STATE_STOPPED;
  end_time_ = now;
  out.push_back(
      Append(now, v1::CLOCK_TRANSITION_STOP, std::move(why), accumulated_));
  return out;
}

absl::StatusOr<std::vector<LedgerEntry>> SlaClock::Retarget(
    absl::Time now, const ClockPolicy& policy, absl::string_view reason,
    const BusinessCalendar& old_calendar,
    const BusinessCalendar& new_calendar) {
  if (state_ != v1::CLOCK_STATE_RUNNING && state_ != v1::CLOCK_STATE_PAUSED) {
    return Illegal("retarget");
  }
  if (absl::Status s = CheckFinite(now); !s.ok()) return s;
  if (absl::Status s = ValidateClockPolicy(policy); !s.ok()) return s;
  if (policy.kind != policy_.kind) {
    return InvalidField(
        "policy.kind",
        absl::StrCat("is ", ClockKindName(policy.kind), ", the clock is ",
                     ClockKindName(policy_.kind)));
  }
  std::string why(reason);
  now = Effective(now, &why);
  std::vector<LedgerEntry> out = RecordDue(now, old_calendar);
  if (state_ == v1::CLOCK_STATE_RUNNING) CloseSegment(now, old_calendar);
  policy_ = policy;
  out.push_back(
      Append(now, v1::CLOCK_TRANSITION_RECOMPUTE,
             absl::StrCat(why, " → policy ", policy.name, " v", policy.version,
                          ", target ", absl::FormatDuration(policy.target)),
             accumulated_));
  if (state_ == v1::CLOCK_STATE_RUNNING) {
    for (LedgerEntry& e : RecordDue(now, new_calendar))
      out.push_back(std::move(e));
  } else {
    // Paused: a threshold the new target puts behind the clock falls due now.
    if (!warned_ && accumulated_ >= WarnThreshold()) {
      warned_ = true;
      out.push_back(Append(now, v1::CLOCK_TRANSITION_WARN,
                           "warning threshold passed by the new target",
                           accumulated_));
    }
    if (!breached_ && accumulated_ >= policy_.target) {
      breached_ = true;
      out.push_back(Append(now, v1::CLOCK_TRANSITION_BREACH,
                           "target passed by the new target", accumulated_));
    }
  }
  return out;
}

std::vector<LedgerEntry> SlaClock::RecordDue(absl::Time now,
                                             const BusinessCalendar& calendar) {
  std::vector<LedgerEntry> out;
  if (state_ != v1::CLOCK_STATE_RUNNING) return out;
  if (std::optional<absl::Time> warn = WarnAt(calendar); warn && *warn <= now) {
    warned_ = true;
    out.push_back(Append(
        *warn, v1::CLOCK_TRANSITION_WARN,
        absl::StrCat("warning: ", policy_.warning_fraction * 100, "% of ",
                     absl::FormatDuration(policy_.target), " used"),
        Elapsed(*warn, calendar)));
  }
  if (std::optional<absl::Time> breach = BreachAt(calendar);
      breach && *breach <= now) {
    breached_ = true;
    out.push_back(
        Append(*breach, v1::CLOCK_TRANSITION_BREACH,
               absl::StrCat("breach: target ",
                            absl::FormatDuration(policy_.target), " reached"),
               Elapsed(*breach, calendar)));
  }
  return out;
}

absl::Status SlaClock::MarkWarned(absl::Time due,
                                  const BusinessCalendar& calendar) {
  if (state_ != v1::CLOCK_STATE_RUNNING) return Illegal("warn");
  if (warned_) {
    return absl::FailedPreconditionError(
        absl::StrCat("clock ", name_, " has already been warned"));
  }
  const std::optional<absl::Time> at = WarnAt(calendar);
  if (!at || *at != due) {
    return InvalidField(
        "due", absl::StrCat("is not the warning instant of clock ", name_));
  }
  RecordDue(due, calendar);  // due precedes BreachAt, so only the warning
  return absl::OkStatus();
}

absl::Status SlaClock::MarkBreached(absl::Time due,
                                    const BusinessCalendar& calendar) {
  if (state_ != v1::CLOCK_STATE_RUNNING) return Illegal("breach");
  if (breached_) {
    return absl::FailedPreconditionError(
        absl::StrCat("clock ", name_, " has already been breached"));
  }
  const std::optional<absl::Time> at = BreachAt(calendar);
  if (!at || *at != due) {
    return InvalidField(
        "due", absl::StrCat("is not the breach instant of clock ", name_));
  }
  RecordDue(due, calendar);  // records a still-missing warning first
  return absl::OkStatus();
}

absl::Duration SlaClock::Elapsed(absl::Time at,
                                 const BusinessCalendar& calendar) const {
  if (state_ != v1::CLOCK_STATE_RUNNING) return accumulated_;
  if (at <= segment_start_) return accumulated_;
  return accumulated_ + calendar.BusinessDurationBetween(segment_start_, at);
}

absl::Duration SlaClock::Remaining(absl::Time at,
                                   const BusinessCalendar& calendar) const {
  return policy_.target - Elapsed(at, calendar);
}

std::optional<absl::Time> SlaClock::DueTime(
    const BusinessCalendar& calendar) const {
  if (state_ != v1::CLOCK_STATE_RUNNING) return std::nullopt;
  return calendar.AddBusinessDuration(segment_start_,
                                      policy_.target - accumulated_);
}

std::optional<absl::Time> SlaClock::WarnAt(
    const BusinessCalendar& calendar) const {
  if (state_ != v1::CLOCK_STATE_RUNNING || warned_) return std::nullopt;
  return calendar.AddBusinessDuration(segment_start_,
                                      WarnThreshold() - accumulated_);
}

std::optional<absl::Time> SlaClock::BreachAt(
    const BusinessCalendar& calendar) const {
  if (state_ != v1::CLOCK_STATE_RUNNING || breached_) return std::nullopt;
  return DueTime(calendar);
}

std::optional<absl::Time> SlaClock::NextDeadline(
    const BusinessCalendar& calendar) const {
  std::optional<absl::Time> warn = WarnAt(calendar);
  std::optional<absl::Time> breach = BreachAt(calendar);
  if (warn && breach) return std::min(*warn, *breach);
  return warn ? warn : breach;
}

v1::SlaClock SlaClock::ToProto(absl::Time at,
                               const BusinessCalendar& calendar) const {
  v1::SlaClock p;
  p.set_name(name_);
  p.set_subject(subject_);
  p.set_kind(policy_.kind);
  p.set_policy(policy_.name);
  p.set_policy_version(policy_.version);
  p.set_calendar(policy_.calendar);
  p.set_grade(grade_);
  p.set_state(state_);
  *p.mutable_target() = ToProtoDuration(policy_.target);
  const absl::Duration elapsed = Elapsed(at, calendar);
  *p.mutable_elapsed() = ToProtoDuration(elapsed);
  *p.mutable_remaining() = ToProtoDuration(policy_.target - elapsed);
  if (std::optional<absl::Time> due = DueTime(calendar)) {
    *p.mutable_due_time() = ToProtoTime(*due);
  }
  p.set_warned(warned_);
  p.set_breached(breached_);
  if (state_ != v1::CLOCK_STATE_UNSPECIFIED)
    *p.mutable_start_time() = ToProtoTime(start_time_);
  if (state_ == v1::CLOCK_STATE_FULFILLED ||
      state_ == v1::CLOCK_STATE_STOPPED) {
    *p.mutable_end_time() = ToProtoTime(end_time_);
  }
  p.set_department(department_);
  p.set_assignee(assignee_);
  p.set_channel(channel_);
  p.set_region(region_);
  for (const LedgerEntry& e : ledger_) {
    v1::ClockLedgerEntry* out = p.add_ledger();
    *out->mutable_time() = ToProtoTime(e.time);
    out->set_transition(e.transition);
    out->set_reason(e.reason);
    out->set_policy_version(e.policy_version);
    *out->mutable_elapsed() = ToProtoDuration(e.elapsed);
  }
  return p;
}

absl::StatusOr<SlaClock> SlaClock::FromProto(const v1::SlaClock& proto,
                                             double warning_fraction) {
  ClockPolicy policy;
  policy.name = proto.policy();
  policy.version = proto.policy_version();
  policy.kind = proto.kind();
  policy.target = FromProtoDuration(proto.target());
  policy.calendar = proto.calendar();
  policy.warning_fraction = warning_fraction;
  if (absl::Status s = ValidateClockPolicy(policy); !s.ok()) return s;
  SlaClock clock(proto.name(), proto.subject(), policy, proto.grade());
  clock.department_ = proto.department();
  clock.assignee_ = proto.assignee();
  clock.channel_ = proto.channel();
  clock.region_ = proto.region();

  // Replay the ledger.
  absl::Time last = absl::InfinitePast();
  for (int i = 0; i < proto.ledger_size(); ++i) {
    const v1::ClockLedgerEntry& in = proto.ledger(i);
    const std::string field = absl::StrCat("ledger[", i, "]");
    LedgerEntry e;
    e.time = FromProtoTime(in.time());
    e.transition = in.transition();
    e.reason = in.reason();
    e.policy_version = in.policy_version();
    e.elapsed = FromProtoDuration(in.elapsed());
    if (!Finite(e.time) || e.time < last) {
      return InvalidField(field + ".time", "is out of order");
    }
    last = e.time;
    const v1::ClockState s = clock.state_;
    const bool open =
        s == v1::CLOCK_STATE_RUNNING || s == v1::CLOCK_STATE_PAUSED;
    bool ok = true;
    switch (e.transition) {
      case v1::CLOCK_TRANSITION_START:
        ok = s == v1::CLOCK_STATE_UNSPECIFIED;
        clock.state_ = v1::CLOCK_STATE_RUNNING;
        clock.start_time_ = e.time;
        break;
      case v1::CLOCK_TRANSITION_PAUSE:
        ok = s == v1::CLOCK_STATE_RUNNING;
        clock.state_ = v1::CLOCK_STATE_PAUSED;
        break;
      case v1::CLOCK_TRANSITION_RESUME:
        ok = s == v1::CLOCK_STATE_PAUSED;
        clock.state_ = v1::CLOCK_STATE_RUNNING;
        break;
      case v1::CLOCK_TRANSITION_FULFIL:
        ok = open;
        clock.state_ = v1::CLOCK_STATE_FULFILLED;
        clock.end_time_ = e.time;
        break;
      case v1::CLOCK_TRANSITION_STOP:
        ok = open;
        clock.state_ = v1::CLOCK_STATE_STOPPED;
        clock.end_time_ = e.time;
        break;
      case v1::CLOCK_TRANSITION_RECOMPUTE:
        ok = open;
        break;
      case v1::CLOCK_TRANSITION_WARN:
        ok = open && !clock.warned_;
        clock.warned_ = true;
        break;
      case v1::CLOCK_TRANSITION_BREACH:
        ok = open && !clock.breached_;
        clock.breached_ = true;
        break;
      default:
        ok = false;
    }
    if (!ok) {
      return InvalidField(
          field + ".transition",
          absl::StrCat("is not allowed after state ", ClockStateName(s)));
    }
    if (IsStateEntry(e.transition)) {
      clock.accumulated_ = e.elapsed;
      clock.segment_start_ = e.time;
    }
    clock.ledger_.push_back(std::move(e));
  }
  if (clock.state_ != proto.state()) {
    return InvalidField(
        "state",
        absl::StrCat("is ", ClockStateName(proto.state()),
                     " but the ledger ends in ", ClockStateName(clock.state_)));
  }
  return clock;
}

}  // namespace cs::routing
