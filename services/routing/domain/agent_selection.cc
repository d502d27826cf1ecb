#include "services/routing/domain/agent_selection.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "libs/common/time_proto.h"
#include "services/routing/domain/conditions.h"

namespace cs::routing {
namespace {

bool HasSkills(const AgentState& agent,
               const std::vector<std::string>& required_skills) {
  for (const std::string& skill : required_skills) {
    if (std::find(agent.skills.begin(), agent.skills.end(), skill) ==
        agent.skills.end()) {
      return false;
    }
  }
  return true;
}

// True when a should be chosen before b (both eligible, capacity > 0).
bool Before(const AgentState& a, const AgentState& b) {
  // a.active / a.capacity < b.active / b.capacity, exactly.
  const int64_t lhs = static_cast<int64_t>(a.active) * b.capacity;
  const int64_t rhs = static_cast<int64_t>(b.active) * a.capacity;
  if (lhs != rhs) return lhs < rhs;
  if (a.last_assigned != b.last_assigned)
    return a.last_assigned < b.last_assigned;
  return a.id < b.id;
}

std::string SkillsText(const std::vector<std::string>& skills) {
  return skills.empty() ? "(none)" : absl::StrJoin(skills, ", ");
}

}  // namespace

AgentState AgentStateFromProto(const v1::Agent& agent) {
  AgentState s;
  absl::string_view name = agent.name();
  absl::ConsumePrefix(&name, "agents/");
  s.id = std::string(name);
  s.department = agent.department();
  s.skills.assign(agent.skills().begin(), agent.skills().end());
  s.capacity = agent.capacity();
  s.online = agent.availability() == v1::AVAILABILITY_ONLINE;
  s.active = agent.active_tickets();
  s.last_assigned = agent.has_last_assigned_time()
                        ? cs::FromProtoTime(agent.last_assigned_time())
                        : absl::InfinitePast();
  return s;
}

bool IsQualified(const AgentState& agent, absl::string_view department,
                 const std::vector<std::string>& required_skills) {
  return agent.department == department && HasSkills(agent, required_skills);
}

bool IsEligible(const AgentState& agent, absl::string_view department,
                const std::vector<std::string>& required_skills) {
  return agent.online && agent.capacity > 0 && agent.active < agent.capacity &&
         IsQualified(agent, department, required_skills);
}

std::optional<std::string> SelectAgent(
    const std::vector<AgentState>& agents, absl::string_view department,
    const std::vector<std::string>& required_skills) {
  const AgentState* best = nullptr;
  for (const AgentState& agent : agents) {
    if (!IsEligible(agent, department, required_skills)) continue;
    if (best == nullptr || Before(agent, *best)) best = &agent;
  }
  if (best == nullptr) return std::nullopt;
  return best->id;
}

std::vector<std::string> RequiredSkills(
    const std::vector<std::string>& category, const SkillPolicy& policy) {
  const SkillRule* best = nullptr;
  for (const SkillRule& rule : policy.rules) {
    if (!CategoryHasPrefix(category, rule.category_prefix)) continue;
    if (best == nullptr ||
        rule.category_prefix.size() > best->category_prefix.size()) {
      best = &rule;
    }
  }
  if (best != nullptr) return best->skills;
  const size_t levels =
      std::min(category.size(),
               static_cast<size_t>(std::max(0, policy.category_levels)));
  return std::vector<std::string>(category.begin(), category.begin() + levels);
}

AgentChoice ChooseAgent(const std::vector<AgentState>& agents,
                        absl::string_view department,
                        const std::vector<std::string>& required_skills,
                        const SkillPolicy& policy) {
  AgentChoice choice;
  std::vector<std::string> skills = required_skills;
  const bool anyone_qualified =
      std::any_of(agents.begin(), agents.end(), [&](const AgentState& a) {
        return IsQualified(a, department, required_skills);
      });
  if (!anyone_qualified && !required_skills.empty() &&
      policy.relax_when_unstaffed) {
    skills.clear();
    choice.skills_relaxed = true;
  }
  int eligible = 0;
  for (const AgentState& a : agents)
    eligible += IsEligible(a, department, skills);
  choice.agent = SelectAgent(agents, department, skills);
  const std::string relaxed =
      choice.skills_relaxed
          ? absl::StrCat(" (no agent of ", department, " has skills ",
                         SkillsText(required_skills), "; skills ignored)")
          : "";
  if (choice.agent) {
    const AgentState& a = *std::find_if(
        agents.begin(), agents.end(),
        [&](const AgentState& s) { return s.id == *choice.agent; });
    choice.reason =
        absl::StrCat("agent ", a.id, " (active ", a.active, "/", a.capacity,
                     ") is the least loaded of ", eligible, " eligible agent",
                     eligible == 1 ? "" : "s", " in ", department, relaxed);
  } else if (!anyone_qualified && !choice.skills_relaxed) {
    choice.reason = absl::StrCat("queued: no agent of ", department,
                                 " has skills ", SkillsText(required_skills));
  } else {
    choice.reason =
        absl::StrCat("queued: no online agent of ", department, " with skills ",
                     SkillsText(skills), " has free capacity", relaxed);
  }
  return choice;
}

absl::StatusOr<DepartmentDecision> RouteDepartment(
    cs::common::v1::Grade grade, const std::vector<std::string>& category,
    const std::vector<DepartmentRule>& rules) {
  if (grade != cs::common::v1::GRADE_A && grade != cs::common::v1::GRADE_B &&
      grade != cs::common::v1::GRADE_C) {
    return absl::InvalidArgumentError(
        "grade: the ticket must be graded A, B or C before routing");
  }
  const DepartmentRule* best = nullptr;
  for (const DepartmentRule& rule : rules) {
    if (!Contains(rule.grades, grade)) continue;
    if (!CategoryHasPrefix(category, rule.category_prefix)) continue;
    if (best == nullptr ||
        rule.category_prefix.size() > best->category_prefix.size()) {
      best = &rule;
    }
  }
  if (best == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no department rule for grade ", GradeLetter(grade),
                     " and category ", CategoryText(category)));
  }
  DepartmentDecision d;
  d.department = best->department;
  d.collaborating_departments = best->collaborating_departments;
  d.reason = absl::StrCat("grade ", GradeLetter(grade));
  if (!best->category_prefix.empty()) {
    absl::StrAppend(&d.reason, ", category ",
                    CategoryText(best->category_prefix));
  }
  absl::StrAppend(&d.reason, " → ", d.department);
  for (const std::string& c : d.collaborating_departments) {
    absl::StrAppend(&d.reason, " + ", c);
  }
  return d;
}

}  // namespace cs::routing
