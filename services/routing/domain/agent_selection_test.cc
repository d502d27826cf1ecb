#include "services/routing/domain/agent_selection.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/time_proto.h"

namespace cs::routing {
namespace {

using cs::common::v1::GRADE_A;
using cs::common::v1::GRADE_B;
using cs::common::v1::GRADE_C;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

const absl::Time kT0 = absl::FromUnixSeconds(1773390000);

AgentState Agent(std::string id, std::string department,
                 std::vector<std::string> skills, int capacity, int active = 0,
                 bool online = true) {
  AgentState a;
  a.id = std::move(id);
  a.department = std::move(department);
  a.skills = std::move(skills);
  a.capacity = capacity;
  a.active = active;
  a.online = online;
  return a;
}

TEST(AgentSelectionTest, RequiresDepartmentSkillsOnlineAndCapacity) {
  std::vector<AgentState> agents = {
      Agent("wang", "客服部", {"手机类"}, 5, 0, /*online=*/false),
      Agent("li", "客服部", {"手机类"}, 5, 5),     // full
      Agent("zhao", "技术支持部", {"手机类"}, 5),  // other department
      Agent("sun", "客服部", {"电脑类"}, 5),       // lacks the skill
  };
  EXPECT_EQ(SelectAgent(agents, "客服部", {"手机类"}), std::nullopt);
  EXPECT_THAT(SelectAgent(agents, "客服部", {"电脑类"}),
              Optional(std::string("sun")));
  EXPECT_THAT(SelectAgent(agents, "技术支持部", {}),
              Optional(std::string("zhao")));

  agents[1].active = 4;  // li frees a slot
  EXPECT_THAT(SelectAgent(agents, "客服部", {"手机类"}),
              Optional(std::string("li")));
  agents[0].online = true;  // wang comes online with no load
  EXPECT_THAT(SelectAgent(agents, "客服部", {"手机类"}),
              Optional(std::string("wang")));
}

TEST(AgentSelectionTest, NeedsEveryRequiredSkill) {
  std::vector<AgentState> agents = {
      Agent("zhou", "客服部", {"手机类"}, 5),
      Agent("wu", "客服部", {"手机类", "退款", "英语"}, 5, 3),
  };
  EXPECT_THAT(SelectAgent(agents, "客服部", {"手机类", "退款"}),
              Optional(std::string("wu")));
  EXPECT_EQ(SelectAgent(agents, "客服部", {"手机类", "发票"}), std::nullopt);
}

TEST(AgentSelectionTest, LeastLoadedByRatio) {
  std::vector<AgentState> agents = {
      Agent("senior", "客服部", {}, 10, 4),  // 40%
      Agent("junior", "客服部", {}, 5, 3),   // 60%
      Agent("temp", "客服部", {}, 2, 1),     // 50%
  };
  EXPECT_THAT(SelectAgent(agents, "客服部", {}),
              Optional(std::string("senior")));
  agents[0].active = 6;  // 60%
  EXPECT_THAT(SelectAgent(agents, "客服部", {}), Optional(std::string("temp")));
}

TEST(AgentSelectionTest, TiesGoToLeastRecentlyAssignedThenId) {
  std::vector<AgentState> agents = {Agent("c", "客服部", {}, 5, 1),
                                    Agent("a", "客服部", {}, 5, 1),
                                    Agent("b", "客服部", {}, 5, 1)};
  // Never assigned: id order.
  EXPECT_THAT(SelectAgent(agents, "客服部", {}), Optional(std::string("a")));
  agents[1].last_assigned = kT0 + absl::Minutes(2);  // a
  agents[2].last_assigned = kT0 + absl::Minutes(1);  // b
  agents[0].last_assigned = kT0 + absl::Minutes(3);  // c
  EXPECT_THAT(SelectAgent(agents, "客服部", {}), Optional(std::string("b")));
}

// 300 tickets among 3 equal agents: 100 each, in strict rotation.
TEST(AgentSelectionTest, RoundRobinFairnessWhenTicketsFinishImmediately) {
  std::vector<AgentState> agents = {Agent("王小明", "客服部", {"手机类"}, 10),
                                    Agent("李小红", "客服部", {"手机类"}, 10),
                                    Agent("张伟", "客服部", {"手机类"}, 10)};
  std::map<std::string, int> count;
  std::vector<std::string> order;
  for (int i = 0; i < 300; ++i) {
    std::optional<std::string> id = SelectAgent(agents, "客服部", {"手机类"});
    ASSERT_TRUE(id.has_value());
    ++count[*id];
    order.push_back(*id);
    for (AgentState& a : agents) {
      if (a.id == *id)
        a.last_assigned = kT0 + absl::Seconds(i);  // active stays 0
    }
  }
  EXPECT_EQ(count["王小明"], 100);
  EXPECT_EQ(count["李小红"], 100);
  EXPECT_EQ(count["张伟"], 100);
  for (int i = 3; i < 300; ++i) EXPECT_EQ(order[i], order[i - 3]) << i;
}

TEST(AgentSelectionTest, RoundRobinFairnessWhileLoadGrows) {
  std::vector<AgentState> agents = {Agent("a1", "客服部", {}, 200),
                                    Agent("a2", "客服部", {}, 200),
                                    Agent("a3", "客服部", {}, 200)};
  std::map<std::string, int> count;
  for (int i = 0; i < 300; ++i) {
    std::optional<std::string> id = SelectAgent(agents, "客服部", {});
    ASSERT_TRUE(id.has_value());
    ++count[*id];
    for (AgentState& a : agents) {
      if (a.id == *id) {
        ++a.active;
        a.last_assigned = kT0 + absl::Seconds(i);
      }
    }
  }
  EXPECT_EQ(count["a1"], 100);
  EXPECT_EQ(count["a2"], 100);
  EXPECT_EQ(count["a3"], 100);
}

TEST(AgentSelectionTest, FromProto) {
  v1::Agent p;
  p.set_name("agents/wang.xm");
  p.set_department("客服部");
  p.add_skills("手机类");
  p.set_capacity(8);
  p.set_availability(v1::AVAILABILITY_ONLINE);
  p.set_active_tickets(2);
  AgentState s = AgentStateFromProto(p);
  EXPECT_EQ(s.id, "wang.xm");
  EXPECT_EQ(s.department, "客服部");
  EXPECT_THAT(s.skills, ElementsAre("手机类"));
  EXPECT_EQ(s.capacity, 8);
  EXPECT_TRUE(s.online);
  EXPECT_EQ(s.active, 2);
  EXPECT_EQ(s.last_assigned, absl::InfinitePast());
  *p.mutable_last_assigned_time() = ToProtoTime(kT0);
  p.set_availability(v1::AVAILABILITY_OFFLINE);
  s = AgentStateFromProto(p);
  EXPECT_EQ(s.last_assigned, kT0);
  EXPECT_FALSE(s.online);
}

TEST(SkillsTest, RequiredSkillsFromCategoryOrRules) {
  SkillPolicy policy;  // first category element
  EXPECT_THAT(RequiredSkills({"手机类", "信号问题", "企业客户"}, policy),
              ElementsAre("手机类"));
  EXPECT_TRUE(RequiredSkills({}, policy).empty());
  policy.category_levels = 2;
  EXPECT_THAT(RequiredSkills({"手机类", "信号问题", "企业客户"}, policy),
              ElementsAre("手机类", "信号问题"));
  EXPECT_THAT(RequiredSkills({"手机类"}, policy), ElementsAre("手机类"));
  policy.category_levels = 0;
  EXPECT_TRUE(RequiredSkills({"手机类"}, policy).empty());

  policy.rules = {{{"支付"}, {"支付"}},
                  {{"支付", "退款"}, {"支付", "退款审核"}},
                  {{"咨询"}, {}}};
  EXPECT_THAT(RequiredSkills({"支付", "退款", "银行卡"}, policy),
              ElementsAre("支付", "退款审核"));  // longest prefix
  EXPECT_THAT(RequiredSkills({"支付", "扣款"}, policy), ElementsAre("支付"));
  EXPECT_TRUE(RequiredSkills({"咨询", "价格"}, policy).empty());
}

TEST(SkillsTest, ChooseAgentQueuesOrRelaxes) {
  std::vector<AgentState> agents = {
      Agent("wang", "客服部", {"手机类"}, 2, 2),  // qualified but full
      Agent("li", "客服部", {"电脑类"}, 5),
  };
  SkillPolicy policy;
  policy.relax_when_unstaffed = true;

  // Someone has the skill: wait for them.
  AgentChoice c = ChooseAgent(agents, "客服部", {"手机类"}, policy);
  EXPECT_EQ(c.agent, std::nullopt);
  EXPECT_FALSE(c.skills_relaxed);
  EXPECT_THAT(c.reason, HasSubstr("queued: no online agent of 客服部 with "
                                  "skills 手机类 has free capacity"));

  // Nobody has the skill at all: route by load.
  c = ChooseAgent(agents, "客服部", {"平板类"}, policy);
  EXPECT_THAT(c.agent, Optional(std::string("li")));
  EXPECT_TRUE(c.skills_relaxed);
  EXPECT_THAT(c.reason, HasSubstr("skills ignored"));

  policy.relax_when_unstaffed = false;
  c = ChooseAgent(agents, "客服部", {"平板类"}, policy);
  EXPECT_EQ(c.agent, std::nullopt);
  EXPECT_THAT(c.reason,
              HasSubstr("queued: no agent of 客服部 has skills 平板类"));

  agents[0].active = 1;
  c = ChooseAgent(agents, "客服部", {"手机类"}, policy);
  EXPECT_THAT(c.agent, Optional(std::string("wang")));
  EXPECT_THAT(c.reason, HasSubstr("agent wang (active 1/2)"));
}

std::vector<DepartmentRule> SeedDepartments() {
  return {{{GRADE_A}, {}, "技术支持部", {"客服部"}},
          {{GRADE_B}, {}, "产品部", {"客服部"}},
          {{GRADE_C}, {}, "客服部", {}},
          {{GRADE_B, GRADE_C}, {"支付"}, "支付运营部", {"客服部"}}};
}

TEST(DepartmentRoutingTest, ByGradeAndCategory) {
  const std::vector<DepartmentRule> rules = SeedDepartments();
  absl::StatusOr<DepartmentDecision> d =
      RouteDepartment(GRADE_A, {"手机类"}, rules);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->department, "技术支持部");
  EXPECT_THAT(d->collaborating_departments, ElementsAre("客服部"));
  EXPECT_EQ(d->reason, "grade A → 技术支持部 + 客服部");

  d = RouteDepartment(GRADE_B, {"手机类"}, rules);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->department, "产品部");
  d = RouteDepartment(GRADE_C, {}, rules);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->department, "客服部");
  EXPECT_TRUE(d->collaborating_departments.empty());

  // A category rule beats the grade's fallback, for the grades it names.
  d = RouteDepartment(GRADE_C, {"支付", "退款"}, rules);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->department, "支付运营部");
  EXPECT_EQ(d->reason, "grade C, category 支付 → 支付运营部 + 客服部");
  d = RouteDepartment(GRADE_A, {"支付", "退款"}, rules);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->department, "技术支持部");

  EXPECT_EQ(RouteDepartment(cs::common::v1::GRADE_UNSPECIFIED, {}, rules)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RouteDepartment(GRADE_A, {}, {}).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cs::routing
