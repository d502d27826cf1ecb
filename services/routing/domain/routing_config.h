// The routing configuration file (deploy/config/routing.textproto, a
// cs.routing.v1.RoutingConfig in protobuf text format): parsed and validated
// once at start; the service refuses to start on any error.
//
//   ASSIGN_OR_RETURN(auto calendars, LoadCalendarsFile(flags.calendars));
//   ASSIGN_OR_RETURN(LoadedConfig config,
//                    LoadRoutingConfigFile(flags.routing_config,
//                                          CalendarNames(calendars)));
//   GradeDecision g = GradeTicket(facts, config.grading);
//
// Errors are INVALID_ARGUMENT; the message has one line per problem, each
// naming the place in the file, for example
//   routing.textproto:3:35: Expected integer, got: lots
//   routing.textproto:134:3: sla_policies[8] (name
//       "after_sale_email_first_response"): target: "2x" is not a duration
//       (use e.g. "15m", "2h", "1h30m", "3d")
//   routing.textproto:21:3: grading.grade_a_min_affected_customers: must be
//       greater than grade_b_min_affected_customers (10), got 10
// (each problem is one line; wrapped here).
// Syntax errors (protobuf's own messages, with line:column) stop at the
// first; semantic errors are all reported. The status also carries a
// google.rpc.BadRequest detail with one violation per problem (field = path
// such as "sla_policies[3].target").
//
// What is checked beyond syntax (field by field in config.proto):
//   * version ≥ 1; default_calendar and every named calendar is known;
//     warning fractions in (0, 1);
//   * grading: 1 ≤ grade_b_min < grade_a_min; one major-loss threshold per
//     currency (ISO 4217 code, > 0); known customer types; rules named
//     uniquely, with at least one condition and a min_grade;
//   * departments: every rule has grades and a department; two rules with the
//     same category prefix may not share a grade; each of A, B, C has a rule
//     without category prefix; every department and collaborating department
//     is in `departments` (the suite's --departments-file);
//   * skills: category_levels 0–8; rule prefixes non-empty and unique;
//   * ticket_clocks.start_on_create: FIRST_RESPONSE / RESOLUTION only;
//   * sla_policies: unique names, a kind, a positive target ("15m", "3d");
//     complaint policies name no stage or channel; no two policies of a kind
//     with the same specificity may overlap (sla_policy.h); and every case
//     routing may need has a policy (FindUncoveredCases).
//
// Pure and thread-safe.
#ifndef CS_SERVICES_ROUTING_DOMAIN_ROUTING_CONFIG_H_
#define CS_SERVICES_ROUTING_DOMAIN_ROUTING_CONFIG_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cs/routing/v1/config.pb.h"
#include "libs/common/departments.h"
#include "services/routing/domain/agent_selection.h"
#include "services/routing/domain/calendar.h"
#include "services/routing/domain/grading.h"
#include "services/routing/domain/sla_policy.h"

namespace cs::routing {

// A validated configuration, compiled into the domain's types.
struct LoadedConfig {
  int64_t version = 0;
  std::string source;  // source_name it was parsed from
  GradingPolicy grading;
  std::vector<DepartmentRule> departments;
  SkillPolicy skills;
  SlaPolicies sla;          // sla.version == version
  v1::RoutingConfig proto;  // as parsed
};

// Parses and validates `text` (see the file comment). `source_name` prefixes
// every error ("routing.textproto:12:5: ..."); `known_calendars` are the
// calendar names the configuration may refer to, `departments` the
// departments its rules may name (open: any).
[[nodiscard]] absl::StatusOr<LoadedConfig> ParseRoutingConfig(
    absl::string_view text, absl::string_view source_name,
    const std::set<std::string>& known_calendars,
    const DepartmentDirectory& departments = DepartmentDirectory());

// Reads `path` (NOT_FOUND / PERMISSION_DENIED from cs::ReadFileToString) and
// parses it with the path as source name.
[[nodiscard]] absl::StatusOr<LoadedConfig> LoadRoutingConfigFile(
    absl::string_view path, const std::set<std::string>& known_calendars,
    const DepartmentDirectory& departments = DepartmentDirectory());

// The names of `calendars` (as loaded by LoadCalendarsFile).
std::set<std::string> CalendarNames(
    const std::map<std::string, BusinessCalendar>& calendars);

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_DOMAIN_ROUTING_CONFIG_H_
