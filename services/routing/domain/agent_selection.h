// Routing a graded ticket: to a department by grade and category, then to an
// agent of that department by skills and load.
//
//   ASSIGN_OR_RETURN(DepartmentDecision dept,
//                    RouteDepartment(GRADE_A, {"支付", "退款"}, rules));
//   // dept.department == "技术支持部",
//   // dept.collaborating_departments == {"客服部"}
//   std::vector<std::string> skills = RequiredSkills(category, skill_policy);
//   AgentChoice choice =
//       ChooseAgent(agents, dept.department, skills, skill_policy);
//   if (!choice.agent) { /* queue; select again when an agent frees up */ }
//
// Agent selection. An agent is eligible when online, in the department, has
// every required skill (exact string match) and has active < capacity. Among
// eligible agents the least loaded wins, load being active / capacity (so an
// agent with capacity 10 takes twice the tickets of one with capacity 5);
// ties go to the agent assigned least recently (never assigned first), which
// makes equally loaded agents take turns (round-robin); the last tie-break is
// the agent id, so the result is deterministic.
//
// No eligible agent → no agent: the ticket waits in the queue, and the
// service layer calls the selection again when an agent comes online or
// finishes a ticket.
//
// Pure and thread-safe.
#ifndef CS_SERVICES_ROUTING_DOMAIN_AGENT_SELECTION_H_
#define CS_SERVICES_ROUTING_DOMAIN_AGENT_SELECTION_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cs/common/v1/types.pb.h"
#include "cs/routing/v1/routing.pb.h"

namespace cs::routing {

// What selection needs to know about one agent.
struct AgentState {
  std::string id;  // agent_id, as in "agents/{agent_id}"
  std::string department;
  std::vector<std::string> skills;
  int capacity = 0;  // maximum simultaneously active tickets
  bool online = false;
  int active = 0;  // tickets assigned and not yet resolved/closed
  absl::Time last_assigned = absl::InfinitePast();  // never assigned
};

// From a registry entry: id from `name` ("agents/{id}"), online when
// AVAILABILITY_ONLINE, unset last_assigned_time → InfinitePast().
AgentState AgentStateFromProto(const v1::Agent& agent);

// True when `agent` may receive a ticket of `department` needing
// `required_skills` right now.
bool IsEligible(const AgentState& agent, absl::string_view department,
                const std::vector<std::string>& required_skills);

// True when `agent` is in `department` and has every required skill,
// whatever its availability and load.
bool IsQualified(const AgentState& agent, absl::string_view department,
                 const std::vector<std::string>& required_skills);

// The id of the agent to assign (see the file comment), or nullopt when no
// agent is eligible.
std::optional<std::string> SelectAgent(
    const std::vector<AgentState>& agents, absl::string_view department,
    const std::vector<std::string>& required_skills);

// ---------------------------------------------------------------------------
// Skills

// Tickets whose category starts with `category_prefix` need `skills`.
struct SkillRule {
  std::vector<std::string> category_prefix;
  std::vector<std::string> skills;
};

struct SkillPolicy {
  // Without a matching rule: the first `category_levels` category elements.
  int category_levels = 1;
  std::vector<SkillRule> rules;
  // When no agent of the department is qualified at all, ignore skills.
  bool relax_when_unstaffed = false;
};

// Skills a ticket with `category` needs: the skills of the rule with the
// longest matching prefix (first such rule on a tie), else the first
// policy.category_levels elements of the category.
std::vector<std::string> RequiredSkills(
    const std::vector<std::string>& category, const SkillPolicy& policy);

struct AgentChoice {
  std::optional<std::string> agent;  // nullopt: queue the ticket
  // True when skills were ignored because nobody in the department has them.
  bool skills_relaxed = false;
  // In words, e.g. "agent wang (active 1/5) is the least loaded of 3 eligible
  // agents in 客服部" or "queued: no online agent of 客服部 with skills 手机类
  // has free capacity".
  std::string reason;
};

// SelectAgent with the policy's fallback: when policy.relax_when_unstaffed and
// no agent of the department (online or not) is qualified, selects ignoring
// skills. Qualified agents that are offline or full make the ticket wait.
AgentChoice ChooseAgent(const std::vector<AgentState>& agents,
                        absl::string_view department,
                        const std::vector<std::string>& required_skills,
                        const SkillPolicy& policy);

// ---------------------------------------------------------------------------
// Departments

// Tickets of one of `grades` whose category starts with `category_prefix`
// go to `department`, helped by `collaborating_departments`.
struct DepartmentRule {
  std::vector<cs::common::v1::Grade> grades;  // non-empty
  std::vector<std::string> category_prefix;   // empty: the grade's fallback
  std::string department;
  std::vector<std::string> collaborating_departments;
};

struct DepartmentDecision {
  std::string department;
  std::vector<std::string> collaborating_departments;
  std::string reason;  // e.g. "grade A → 技术支持部 + 客服部"
};

// The rule containing `grade` whose category_prefix is the longest prefix of
// `category` (the first such rule on a tie; ParseRoutingConfig rejects ties).
// INVALID_ARGUMENT for GRADE_UNSPECIFIED; NOT_FOUND when no rule matches
// (impossible with a validated configuration).
[[nodiscard]] absl::StatusOr<DepartmentDecision> RouteDepartment(
    cs::common::v1::Grade grade, const std::vector<std::string>& category,
    const std::vector<DepartmentRule>& rules);

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_DOMAIN_AGENT_SELECTION_H_
