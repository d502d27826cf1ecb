// SLA policies: which target (and calendar, warning fraction, version) a
// clock of a given kind gets for a ticket's stage × channel × grade.
//
//   ASSIGN_OR_RETURN(ClockPolicy p,
//                    MatchPolicy(config.sla, v1::CLOCK_KIND_FIRST_RESPONSE,
//                                STAGE_IN_SALE, CHANNEL_PHONE, GRADE_A));
//   // p.name == "in_sale_urgent_first_response", p.target == 15 min,
//   // p.calendar == "always"
//   ASSIGN_OR_RETURN(std::vector<ClockToStart> clocks,
//                    ClocksToStart(facts, config.sla));  // on TicketCreated
//
// Precedence. Among the policies of the kind whose conditions hold (an empty
// list means any value, UNSPECIFIED included; a non-empty list never matches
// UNSPECIFIED), the one with the highest Specificity wins: naming stages
// counts 4, channels 2, grades 1. Policies of one kind with equal
// specificity that can match the same ticket are rejected by
// ParseRoutingConfig (FindAmbiguousPolicies), so the winner is unique.
//
// Calendar of the matched clock: the policy's own calendar if it names one,
// else the first CalendarRule whose conditions hold for (channel, grade,
// kind), else the default calendar.
//
// Pure and thread-safe.
#ifndef CS_SERVICES_ROUTING_DOMAIN_SLA_POLICY_H_
#define CS_SERVICES_ROUTING_DOMAIN_SLA_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cs/common/v1/types.pb.h"
#include "cs/routing/v1/routing.pb.h"
#include "cs/ticket/v1/events.pb.h"
#include "services/routing/domain/sla_clock.h"

namespace cs::routing {

// One SLA policy as configured (validated by ParseRoutingConfig).
struct SlaPolicySpec {
  std::string name;
  v1::ClockKind kind = v1::CLOCK_KIND_UNSPECIFIED;
  std::vector<cs::common::v1::Stage> stages;      // empty: any
  std::vector<cs::common::v1::Channel> channels;  // empty: any
  std::vector<cs::common::v1::Grade> grades;      // empty: any
  absl::Duration target;
  std::string calendar;                    // "": calendar rules / default
  std::optional<double> warning_fraction;  // nullopt: the default
  std::string description;
};

// 4·[stages set] + 2·[channels set] + 1·[grades set].
int Specificity(const SlaPolicySpec& policy);

// True when the policy's conditions hold.
bool PolicyMatches(const SlaPolicySpec& policy, cs::common::v1::Stage stage,
                   cs::common::v1::Channel channel,
                   cs::common::v1::Grade grade);

// Picks the calendar of ticket clocks whose policy names none; the first
// matching rule wins.
struct CalendarRule {
  std::vector<cs::common::v1::Channel> channels;  // empty: any
  std::vector<cs::common::v1::Grade> grades;      // empty: any
  std::vector<v1::ClockKind> kinds;               // empty: any
  std::string calendar;
  std::string description;
};

// Which ticket clocks routing runs (semantics in sla_clock.h).
struct TicketClockSettings {
  std::vector<v1::ClockKind> start_on_create = {v1::CLOCK_KIND_FIRST_RESPONSE,
                                                v1::CLOCK_KIND_RESOLUTION};
  bool next_reply = true;
  bool periodic_update = true;
  // Started on TicketResolved; off unless configured.
  bool follow_up = false;
  bool record_completeness = false;
};

struct SlaPolicies {
  int64_t version = 0;  // the configuration version = every policy's version
  std::string default_calendar;
  double default_warning_fraction = kDefaultWarningFraction;
  std::vector<SlaPolicySpec> policies;
  std::vector<CalendarRule> calendar_rules;
  TicketClockSettings ticket_clocks;
};

// The most specific matching policy (see the file comment), resolved into
// the snapshot a clock keeps. NOT_FOUND naming the kind, stage, channel and
// grade when no policy matches.
[[nodiscard]] absl::StatusOr<ClockPolicy> MatchPolicy(
    const SlaPolicies& config, v1::ClockKind kind, cs::common::v1::Stage stage,
    cs::common::v1::Channel channel, cs::common::v1::Grade grade);

// The calendar for a clock of `policy` (see the file comment).
std::string CalendarFor(const SlaPolicies& config, const SlaPolicySpec& policy,
                        cs::common::v1::Channel channel,
                        cs::common::v1::Grade grade);

struct ClockToStart {
  v1::ClockKind kind = v1::CLOCK_KIND_UNSPECIFIED;
  ClockPolicy policy;
};

// The clocks to start when routing receives TicketCreated for `facts`, whose
// grade must already be decided (facts.grade A/B/C): one per kind of
// ticket_clocks.start_on_create, in that order. INVALID_ARGUMENT when the
// ticket is not graded; NOT_FOUND as MatchPolicy.
[[nodiscard]] absl::StatusOr<std::vector<ClockToStart>> ClocksToStart(
    const cs::ticket::v1::TicketFacts& facts, const SlaPolicies& config);

// True when routing runs clocks of `kind` for tickets (start_on_create,
// next_reply, periodic_update, follow_up, record_completeness).
bool TicketClockEnabled(const SlaPolicies& config, v1::ClockKind kind);

// The calendar(s) the policy's clocks use, for display: its own calendar, or
// the names CalendarFor gives over its channels and grades, sorted and
// comma-separated ("always,default" when calendar rules split it).
std::string DisplayCalendar(const SlaPolicies& config,
                            const SlaPolicySpec& policy);

// The API view of a policy (calendar as DisplayCalendar).
v1::SlaPolicyView ToView(const SlaPolicies& config,
                         const SlaPolicySpec& policy);

// --- Consistency checks used by ParseRoutingConfig -------------------------

// Index pairs (i < j) of policies of the same kind and specificity that can
// match one ticket.
std::vector<std::pair<size_t, size_t>> FindAmbiguousPolicies(
    const std::vector<SlaPolicySpec>& policies);

// Every (kind, stage, channel, grade) routing may need and no policy
// matches, as text: "FIRST_RESPONSE for stage PRE_SALE, channel EMAIL,
// grade C". Checked: the enabled ticket kinds for every stage and channel
// (UNSPECIFIED included) and grade A/B/C; the complaint kinds for stage and
// channel UNSPECIFIED and every grade (UNSPECIFIED included).
std::vector<std::string> FindUncoveredCases(const SlaPolicies& config);

// "10m", "2h", "1h30m", "3d", "1d12h": absl::ParseDuration plus a leading
// whole number of days ("d" = 24 h). INVALID_ARGUMENT `"2x" is not a
// duration` / `must be positive` (the caller adds the field).
[[nodiscard]] absl::StatusOr<absl::Duration> ParseConfigDuration(
    absl::string_view text);

// "15m", "2h", "3d", "1d12h30m": the inverse of ParseConfigDuration for
// display.
std::string FormatConfigDuration(absl::Duration d);

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_DOMAIN_SLA_POLICY_H_
