// SLA clocks (服务时限计时): one clock per (subject, kind), counting business
// time of its policy's calendar against a target, with an append-only ledger
// of every transition.
//
//   SlaClock clock("clocks/c1", "tickets/t1", policy, GRADE_A);
//   RETURN_IF_ERROR(clock.Start(created, "TicketCreated").status());
//   absl::Time breach = *clock.BreachAt(calendar);  // for the timer
//   ...
//   ASSIGN_OR_RETURN(auto entries, clock.Fulfil(reply_time,
//                                               "first public agent reply",
//                                               calendar));
//   // `entries` holds the WARN/BREACH that fell due before the reply (publish
//   // SlaWarning/SlaBreached for them), then the FULFIL entry.
//
// ============================================================================
// Clock semantics
// ============================================================================
//
// Counting. A clock counts business time of its calendar (7×24 for the
// "always" calendar) while RUNNING, and nothing while PAUSED. Elapsed time is
// the exact sum over the running segments (START/RESUME/RECOMPUTE → next
// PAUSE/FULFIL/STOP/RECOMPUTE) of BusinessCalendar::BusinessDurationBetween,
// to the nanosecond, so it accumulates exactly across any number of pauses.
// remaining = target − elapsed (negative once past the target).
//
// Due instants. While RUNNING, the warning falls due at the first instant at
// which elapsed reaches warning_fraction × target, and the breach (due_time)
// at the first instant at which elapsed reaches target; both are wall-clock
// instants computed with the calendar from the elapsed time at the last
// (re)start: AddBusinessDuration(segment_start, threshold − elapsed_then).
// Reaching an instant counts: an event at or after due_time is late. A
// 15-minute first response on a Friday-17:55 ticket is due 18:10 on the 7×24
// calendar, Monday 09:10 on the 09:00–18:00 calendar.
//
// Warning and breach. Each is recorded once per clock, as a WARN / BREACH
// ledger entry whose time is the TRUE due instant, not the time it was
// noticed: the timer calls RecordDue(now) (or MarkWarned/MarkBreached with
// the instant from WarnAt/BreachAt), and every transition first records the
// ones that fell due at or before its own time, so a late event or a restart
// never hides or misdates a breach. `breached` on a FULFILLED clock means the
// goal was met late. Warned/breached are never cleared (not by a pause, not
// by a longer target after a re-grade).
//
// States and transitions (anything else → FAILED_PRECONDITION naming the
// state; FULFILLED and STOPPED are final):
//
//   (new)   --Start-->  RUNNING
//   RUNNING --Pause-->  PAUSED  --Resume--> RUNNING
//   RUNNING or PAUSED --Fulfil--> FULFILLED   (goal reached, on time or late)
//   RUNNING or PAUSED --Stop-->   STOPPED     (cancelled, goal not reached)
//   RUNNING or PAUSED --Retarget--> same state, new policy (RECOMPUTE)
//   RUNNING --RecordDue/MarkWarned/MarkBreached--> RUNNING (+ WARN/BREACH)
//
// Times never go backwards: a transition dated before the clock's last
// ledger entry (an event processed after a later entry was written) takes
// effect at that entry's time, and its reason notes the original time.
//
// What drives ticket clocks (routing consumes cs.ticket.v1 events):
//
// * FIRST_RESPONSE — starts on TicketCreated (policy by stage × channel ×
//   grade). Fulfilled by the first PUBLIC reply of an AGENT (TicketReplied
//   with first_response = true; internal notes, customer messages and
//   SYSTEM auto-replies do not count). Pauses when the ticket enters
//   PENDING_CUSTOMER, resumes when it leaves it for an open status. Stopped
//   when the ticket is resolved or closed (merged included) without a public
//   agent reply.
// * NEXT_REPLY — starts on a public CUSTOMER message while the ticket is open
//   (not RESOLVED/CLOSED), the first response has been given, and no
//   NEXT_REPLY clock is running or paused: the customer waits from their
//   first unanswered message, so further messages do not restart it.
//   Fulfilled by the next public agent reply. Pauses/resumes with
//   PENDING_CUSTOMER; stopped on resolve/close.
// * PERIODIC_UPDATE — starts at each public agent reply while the ticket stays
//   open; the next public agent reply fulfils it and starts a new one, so it
//   measures the time between agent updates. Pauses/resumes with
//   PENDING_CUSTOMER; stopped on resolve/close.
// * RESOLUTION — starts on TicketCreated. Pauses/resumes with
//   PENDING_CUSTOMER. Fulfilled by TicketResolved; stopped by TicketClosed
//   without resolution (including merges). TicketReopened starts a NEW
//   resolution clock (the fulfilled one stays as history).
// * A re-grade (grading inputs changed, or a person set another grade)
//   retargets running/paused ticket clocks to the policy of the new grade
//   (RECOMPUTE entry with the new policy version); elapsed time is kept.
//
// Complaint clocks (COMPLAINT_ACKNOWLEDGE 10 min, _SOLUTION 24 h,
// _INVESTIGATION_REPORT 3 d, _CLOSE 6 d from acceptance; _REVISIT 48 h from
// closing) are started, fulfilled and stopped by the complaint service
// through SlaService.StartClock/UpdateClock; ticket status does not pause
// them. They count natural time (the "always" calendar).
//
// Policy versions. A clock copies its policy (name, version, target,
// calendar, warning fraction) when it starts; a new configuration never
// changes running clocks, except by an explicit Retarget, which is itself a
// ledger entry. Ledger entries are never modified or removed.
// ============================================================================
//
// Not thread-safe for mutation (the service serialises updates per subject);
// const methods may run concurrently.
#ifndef CS_SERVICES_ROUTING_DOMAIN_SLA_CLOCK_H_
#define CS_SERVICES_ROUTING_DOMAIN_SLA_CLOCK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cs/common/v1/types.pb.h"
#include "cs/routing/v1/routing.pb.h"
#include "services/routing/domain/calendar.h"

namespace cs::routing {

inline constexpr double kDefaultWarningFraction = 0.8;

// The policy a clock runs under, copied when it starts.
struct ClockPolicy {
  std::string name;  // policy name ("" when the caller gave an explicit target)
  int64_t version = 0;
  v1::ClockKind kind = v1::CLOCK_KIND_UNSPECIFIED;
  absl::Duration target;                              // > 0, business time
  std::string calendar;                               // calendar name
  double warning_fraction = kDefaultWarningFraction;  // in (0, 1)
};

// INVALID_ARGUMENT naming the field when `policy` cannot drive a clock
// (kind unspecified, target ≤ 0 or infinite, fraction outside (0, 1), no
// calendar).
[[nodiscard]] absl::Status ValidateClockPolicy(const ClockPolicy& policy);

// One immutable ledger entry.
struct LedgerEntry {
  absl::Time time;
  v1::ClockTransition transition = v1::CLOCK_TRANSITION_UNSPECIFIED;
  std::string reason;
  int64_t policy_version = 0;
  absl::Duration elapsed;  // business time consumed at `time`

  friend bool operator==(const LedgerEntry& a, const LedgerEntry& b) {
    return a.time == b.time && a.transition == b.transition &&
           a.reason == b.reason && a.policy_version == b.policy_version &&
           a.elapsed == b.elapsed;
  }
};

class SlaClock {
 public:
  // A clock that has not started yet: state CLOCK_STATE_UNSPECIFIED, empty
  // ledger. `policy` should pass ValidateClockPolicy (Start checks it).
  SlaClock(std::string name, std::string subject, ClockPolicy policy,
           cs::common::v1::Grade grade = cs::common::v1::GRADE_UNSPECIFIED);

  // Rebuilds a clock from its stored view (ToProto) by replaying the ledger.
  // The proto does not carry the warning fraction, so the caller supplies the
  // one the clock started with. INVALID_ARGUMENT when the proto is not a
  // consistent clock (unknown state, ledger out of order, …).
  [[nodiscard]] static absl::StatusOr<SlaClock> FromProto(
      const v1::SlaClock& proto, double warning_fraction);

  // --- Transitions --------------------------------------------------------
  // Each returns the ledger entries it appended, oldest first: WARN/BREACH
  // entries that fell due at or before `now` (caller publishes SlaWarning /
  // SlaBreached for them), then the transition's own entry. On error nothing
  // changes. Errors: FAILED_PRECONDITION "cannot <verb> clock <name>: it is
  // <STATE>" for an illegal transition; INVALID_ARGUMENT for a non-finite time
  // or (Start) an invalid policy.

  // (new) → RUNNING from `start` (may be in the past: call RecordDue(now)
  // afterwards to record what already fell due).
  [[nodiscard]] absl::StatusOr<std::vector<LedgerEntry>> Start(
      absl::Time start, absl::string_view reason);
  // RUNNING → PAUSED.
  [[nodiscard]] absl::StatusOr<std::vector<LedgerEntry>> Pause(
      absl::Time now, absl::string_view reason,
      const BusinessCalendar& calendar);
  // PAUSED → RUNNING.
  [[nodiscard]] absl::StatusOr<std::vector<LedgerEntry>> Resume(
      absl::Time now, absl::string_view reason,
      const BusinessCalendar& calendar);
  // RUNNING/PAUSED → FULFILLED.
  [[nodiscard]] absl::StatusOr<std::vector<LedgerEntry>> Fulfil(
      absl::Time now, absl::string_view reason,
      const BusinessCalendar& calendar);
  // RUNNING/PAUSED → STOPPED.
  [[nodiscard]] absl::StatusOr<std::vector<LedgerEntry>> Stop(
      absl::Time now, absl::string_view reason,
      const BusinessCalendar& calendar);
  // RUNNING/PAUSED: from `now` on, count against `policy` (same kind; target,
  // calendar, fraction and version may change). Elapsed time so far is kept;
  // thresholds the new target puts behind the clock fall due at `now`.
  // `old_calendar` is the calendar of the current policy, `new_calendar` that
  // of `policy`. INVALID_ARGUMENT for an invalid policy or another kind.
  [[nodiscard]] absl::StatusOr<std::vector<LedgerEntry>> Retarget(
      absl::Time now, const ClockPolicy& policy, absl::string_view reason,
      const BusinessCalendar& old_calendar,
      const BusinessCalendar& new_calendar);

  // --- Timer --------------------------------------------------------------
  // Records the WARN and BREACH that fell due at or before `now` (at their
  // true instants) and returns them; empty unless RUNNING.
  std::vector<LedgerEntry> RecordDue(absl::Time now,
                                     const BusinessCalendar& calendar);
  // Record the warning / breach due at `due`, which must equal WarnAt() /
  // BreachAt(). FAILED_PRECONDITION when not RUNNING or already recorded;
  // INVALID_ARGUMENT when `due` is not the due instant.
  [[nodiscard]] absl::Status MarkWarned(absl::Time due,
                                        const BusinessCalendar& calendar);
  [[nodiscard]] absl::Status MarkBreached(absl::Time due,
                                          const BusinessCalendar& calendar);

  // --- Queries (calendar: the one named by policy().calendar) -------------
  // Business time consumed at `at`. While RUNNING: up to `at` (an `at`
  // before the last (re)start counts as that instant); otherwise frozen at
  // the last pause / the end. Zero before Start.
  absl::Duration Elapsed(absl::Time at, const BusinessCalendar& calendar) const;
  // target − Elapsed(at).
  absl::Duration Remaining(absl::Time at,
                           const BusinessCalendar& calendar) const;
  // While RUNNING: the instant elapsed reaches the target (even if already
  // breached). nullopt otherwise.
  std::optional<absl::Time> DueTime(const BusinessCalendar& calendar) const;
  // While RUNNING and not yet warned / breached: when the warning / breach
  // falls due. nullopt otherwise.
  std::optional<absl::Time> WarnAt(const BusinessCalendar& calendar) const;
  std::optional<absl::Time> BreachAt(const BusinessCalendar& calendar) const;
  // The earlier of WarnAt and BreachAt: when the timer must look next.
  std::optional<absl::Time> NextDeadline(
      const BusinessCalendar& calendar) const;

  // The API view at `at`: elapsed/remaining/due_time computed at `at`.
  v1::SlaClock ToProto(absl::Time at, const BusinessCalendar& calendar) const;

  const std::string& name() const { return name_; }
  const std::string& subject() const { return subject_; }
  v1::ClockKind kind() const { return policy_.kind; }
  const ClockPolicy& policy() const { return policy_; }
  cs::common::v1::Grade grade() const { return grade_; }
  v1::ClockState state() const { return state_; }
  bool warned() const { return warned_; }
  bool breached() const { return breached_; }
  // InfinitePast() before Start.
  absl::Time start_time() const { return start_time_; }
  // When it was fulfilled or stopped; InfiniteFuture() while open.
  absl::Time end_time() const { return end_time_; }
  // Append-only: entries are never changed or removed.
  const std::vector<LedgerEntry>& ledger() const { return ledger_; }

  // Context for escalation routing (not part of the state machine).
  const std::string& department() const { return department_; }
  const std::string& assignee() const { return assignee_; }
  void set_department(std::string department) {
    department_ = std::move(department);
  }
  void set_assignee(std::string assignee) { assignee_ = std::move(assignee); }
  void set_grade(cs::common::v1::Grade grade) { grade_ = grade; }
  // Context for reports (ticket clocks): the ticket's channel and region.
  cs::common::v1::Channel channel() const { return channel_; }
  const std::string& region() const { return region_; }
  void set_channel(cs::common::v1::Channel channel) { channel_ = channel; }
  void set_region(std::string region) { region_ = std::move(region); }

 private:
  absl::Status Illegal(absl::string_view verb) const;
  // `now` clamped so that it does not precede the last entry; appends the
  // original time to `reason` when it was clamped.
  absl::Time Effective(absl::Time now, std::string* reason) const;
  absl::Duration WarnThreshold() const;
  LedgerEntry Append(absl::Time time, v1::ClockTransition transition,
                     std::string reason, absl::Duration elapsed);
  // Ends the running segment at `now` (accumulates elapsed time).
  void CloseSegment(absl::Time now, const BusinessCalendar& calendar);

  std::string name_;
  std::string subject_;
  ClockPolicy policy_;
  cs::common::v1::Grade grade_;
  std::string department_;
  std::string assignee_;
  cs::common::v1::Channel channel_ = cs::common::v1::CHANNEL_UNSPECIFIED;
  std::string region_;

  v1::ClockState state_ = v1::CLOCK_STATE_UNSPECIFIED;
  // Business time consumed up to segment_start_ (while RUNNING) or in total
  // (otherwise).
  absl::Duration accumulated_ = absl::ZeroDuration();
  // Start of the running segment (last START/RESUME/RECOMPUTE).
  absl::Time segment_start_ = absl::InfinitePast();
  absl::Time start_time_ = absl::InfinitePast();
  absl::Time end_time_ = absl::InfiniteFuture();
  bool warned_ = false;
  bool breached_ = false;
  std::vector<LedgerEntry> ledger_;
};

// "RUNNING", "PAUSED", ... (enum name without prefix).
std::string ClockStateName(v1::ClockState state);

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_DOMAIN_SLA_CLOCK_H_
