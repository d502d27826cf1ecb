#include "services/ticket/quality/inspection.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cs::ticket::quality {
namespace {

using ::testing::ElementsAre;

HandledTicket Ticket(const std::string& agent, int n) {
  HandledTicket t;
  t.ticket = absl::StrCat("tickets/", agent, "-", n);
  t.number = absl::StrCat("T20261105-0-", n);
  t.agent = agent;
  t.department = "客服部";
  t.csat = 5;
  return t;
}

// 张敏 handled 10 tickets, 李强 2, 王芳 6 (already reviewed 3 times), 赵磊 none
// but was reviewed once (moved to another team).
std::vector<HandledTicket> Fixture() {
  std::vector<HandledTicket> out;
  for (int i = 0; i < 10; ++i) out.push_back(Ticket("zhangmin", i));
  out[3].csat = 1;  // low CSAT
  out[5].complaint_linked = true;
  out[7].sla_breached = true;
  out[8].reopen_count = 1;
  out[9].csat = 2;
  out[9].sla_breached = true;  // low CSAT + breached: the riskiest
  for (int i = 0; i < 2; ++i) out.push_back(Ticket("liqiang", i));
  out.back().already_reviewed = true;
  for (int i = 0; i < 6; ++i) out.push_back(Ticket("wangfang", i));
  return out;
}

const v1::AgentCoverage* Row(const InspectionPlan& plan,
                             const std::string& agent) {
  for (const auto& row : plan.coverage) {
    if (row.agent() == agent) return &row;
  }
  return nullptr;
}

TEST(InspectionTest, EveryAgentReachesTheTargetRiskiestFirst) {
  InspectionPlan plan =
      PlanInspections(Fixture(),
                      {{"liqiang", {1, "客服部"}},
                       {"wangfang", {3, "客服部"}},
                       {"zhaolei", {1, "技术支持部"}}},
                      {.reviews_per_agent = 3, .low_csat_threshold = 2});
  std::map<std::string, std::vector<std::string>> by_agent;
  for (const auto& c : plan.candidates) {
    by_agent[c.agent()].push_back(c.ticket());
  }
  // 张敏: 3 proposed, in priority order.
  EXPECT_THAT(by_agent["zhangmin"],
              ElementsAre("tickets/zhangmin-9", "tickets/zhangmin-3",
                          "tickets/zhangmin-5"));
  const v1::InspectionCandidate* riskiest = nullptr;
  for (const auto& c : plan.candidates) {
    if (c.ticket() == "tickets/zhangmin-9") riskiest = &c;
  }
  ASSERT_NE(riskiest, nullptr);
  EXPECT_EQ(riskiest->priority(), 6);
  EXPECT_THAT(riskiest->reasons(), ElementsAre("LOW_CSAT", "SLA_BREACHED"));
  // 李强: one review already, one unreviewed ticket left: shortfall 1.
  EXPECT_THAT(by_agent["liqiang"], ElementsAre("tickets/liqiang-0"));
  EXPECT_EQ(Row(plan, "liqiang")->shortfall(), 1);
  EXPECT_EQ(Row(plan, "liqiang")->reviews(), 1);
  // 王芳 is covered.
  EXPECT_TRUE(by_agent["wangfang"].empty());
  EXPECT_EQ(Row(plan, "wangfang")->proposed(), 0);
  EXPECT_EQ(Row(plan, "wangfang")->handled_tickets(), 6);
  // 赵磊 has a row although he handled nothing this month, in the
  // department of his review.
  ASSERT_NE(Row(plan, "zhaolei"), nullptr);
  EXPECT_EQ(Row(plan, "zhaolei")->shortfall(), 2);
  EXPECT_EQ(Row(plan, "zhaolei")->department(), "技术支持部");

  // Coverage: reviews + proposed + shortfall = required for everyone.
  for (const auto& row : plan.coverage) {
    EXPECT_EQ(std::max(row.required(), row.reviews()),
              row.reviews() + row.proposed() + row.shortfall())
        << row.agent();
  }
}

TEST(InspectionTest, SampleIsDeterministicAndNeverRepeatsReviewedTickets) {
  const InspectionOptions options{.reviews_per_agent = 5,
                                  .low_csat_threshold = 2};
  InspectionPlan a = PlanInspections(Fixture(), {}, options);
  InspectionPlan b = PlanInspections(Fixture(), {}, options);
  ASSERT_EQ(a.candidates.size(), b.candidates.size());
  std::set<std::string> seen;
  for (size_t i = 0; i < a.candidates.size(); ++i) {
    EXPECT_EQ(a.candidates[i].ticket(), b.candidates[i].ticket());
    EXPECT_TRUE(seen.insert(a.candidates[i].ticket()).second);
    EXPECT_NE(a.candidates[i].ticket(), "tickets/liqiang-1");  // reviewed
  }
  EXPECT_EQ(a.candidates.size(), 5u + 1u + 5u);
}

TEST(InspectionTest, HandledTicketOfReadsTheTicket) {
  v1::Ticket t;
  t.set_name("tickets/01KAQDWRF80000000000000099");
  t.set_assignee("agent-007");
  t.set_department("售后部");
  t.set_satisfaction(2);
  t.set_reopen_count(1);
  HandledTicket h = HandledTicketOf(t, true, {});
  EXPECT_EQ(h.agent, "agent-007");
  EXPECT_EQ(h.csat, 2);
  EXPECT_EQ(h.reopen_count, 1);
  EXPECT_TRUE(h.already_reviewed);
  EXPECT_FALSE(h.complaint_linked);
  EXPECT_FALSE(h.sla_breached);
}

TEST(InspectionTest, RecordedSignalsRaiseThePriority) {
  v1::Ticket t;
  t.set_name("tickets/01KAQDWRF80000000000000042");
  t.set_assignee("zhangmin");
  t.set_satisfaction(5);
  InspectionSignals signals;
  signals.breached_clocks = {"RESOLUTION", "FIRST_RESPONSE"};
  signals.complaints = {"complaints/c-2", "complaints/c-1"};
  HandledTicket h = HandledTicketOf(t, false, signals);
  EXPECT_TRUE(h.complaint_linked);
  EXPECT_TRUE(h.sla_breached);

  // A low-CSAT ticket (+4) ranks below one that is complaint-linked and
  // breached (+3 +2); an ordinary one last.
  HandledTicket low = Ticket("zhangmin", 1);
  low.csat = 1;
  HandledTicket plain = Ticket("zhangmin", 2);
  InspectionPlan plan =
      PlanInspections({plain, low, h}, {}, {.reviews_per_agent = 3});
  ASSERT_EQ(plan.candidates.size(), 3u);
  const v1::InspectionCandidate& first = plan.candidates[0];
  EXPECT_EQ(first.ticket(), t.name());
  EXPECT_EQ(first.priority(), 5);
  EXPECT_THAT(first.reasons(), ElementsAre("COMPLAINT_LINKED", "SLA_BREACHED"));
  EXPECT_THAT(first.breached_clocks(),
              ElementsAre("FIRST_RESPONSE", "RESOLUTION"));
  EXPECT_THAT(first.complaints(),
              ElementsAre("complaints/c-1", "complaints/c-2"));
  EXPECT_EQ(plan.candidates[1].ticket(), low.ticket);
  EXPECT_EQ(plan.candidates[2].priority(), 0);
}

TEST(InspectionTest, AFollowUpBreachAloneIsNotSlaBreached) {
  v1::Ticket t;
  t.set_name("tickets/01KAQDWRF80000000000000043");
  t.set_assignee("lisi");
  InspectionSignals signals;
  signals.breached_clocks = {"FOLLOW_UP"};
  HandledTicket h = HandledTicketOf(t, false, signals);
  EXPECT_FALSE(h.sla_breached);
  EXPECT_THAT(h.breached_clocks, ElementsAre("FOLLOW_UP"));  // still shown

  signals.breached_clocks.insert("RECORD_COMPLETENESS");
  EXPECT_TRUE(HandledTicketOf(t, false, signals).sla_breached);
}

}  // namespace
}  // namespace cs::ticket::quality
