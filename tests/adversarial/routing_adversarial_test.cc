// Adversarial requests against a running routing-sla service (real gRPC
// server on loopback, real RocksDB): each bad request gets a clear status
// naming the field, and the server stays healthy and idle afterwards.
#include <cstdint>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/adversarial/suite_fixture.h"

namespace cs::adversarial {
namespace {

namespace rv1 = cs::routing::v1;

class RoutingAdversarialTest : public SuiteAdversarialTest {
 protected:
  static rv1::RegisterAgentRequest Agent(const std::string& id) {
    rv1::RegisterAgentRequest request;
    rv1::Agent* agent = request.mutable_agent();
    agent->set_name("agents/" + id);
    agent->set_display_name("王小明");
    agent->set_department("客服部");
    agent->add_skills("手机类");
    agent->set_capacity(5);
    return request;
  }

  absl::StatusOr<rv1::Agent> Register(const rv1::RegisterAgentRequest& r) {
    return Call(routing_.get(), &RS::RegisterAgent, supervisor_, r);
  }

  // A normal call still works and nothing is left queued.
  void ExpectHealthyAndIdle() {
    auto agent = Register(Agent("recovery"));
    EXPECT_TRUE(agent.ok()) << agent.status();
    ExpectIdle();
  }
};

TEST_F(RoutingAdversarialTest, OversizedMessageIsResourceExhausted) {
  rv1::RegisterAgentRequest request = Agent("big");
  request.mutable_agent()->set_display_name(std::string(kOversizedBytes, 'x'));
  EXPECT_EQ(Register(request).status().code(),
            absl::StatusCode::kResourceExhausted);
  ExpectHealthyAndIdle();
}

TEST_F(RoutingAdversarialTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  rv1::RegisterAgentRequest request = Agent("utf8");
  request.mutable_agent()->set_display_name(InvalidUtf8("王", "明"));
  auto registered = Register(request);
  EXPECT_EQ(registered.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(registered.status()), "agent.display_name");
  rv1::ListAgentsRequest list;
  list.set_department(InvalidUtf8("客服"));
  EXPECT_EQ(
      FieldOf(
          Call(routing_.get(), &RS::ListAgents, supervisor_, list).status()),
      "department");
  rv1::StartClockRequest start;
  start.set_subject("complaints/c1");
  start.set_kind(rv1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE);
  start.set_reason(InvalidUtf8());
  EXPECT_EQ(FieldOf(Call(sla_.get(), &SS::StartClock, admin_, start).status()),
            "reason");
  ExpectHealthyAndIdle();
}

TEST_F(RoutingAdversarialTest, NegativeAndHugePageSizes) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Register(Agent(absl::StrCat("a", i))).ok());
  }
  for (int32_t size : {-1, INT32_MIN}) {
    rv1::ListAgentsRequest agents;
    agents.set_page_size(size);
    auto listed = Call(routing_.get(), &RS::ListAgents, supervisor_, agents);
    EXPECT_EQ(FieldOf(listed.status()), "page_size") << listed.status();
    rv1::ListQueueRequest queue;
    queue.set_page_size(size);
    EXPECT_EQ(
        FieldOf(
            Call(routing_.get(), &RS::ListQueue, supervisor_, queue).status()),
        "page_size");
  }
  rv1::ListAgentsRequest huge;
  huge.set_page_size(INT32_MAX);  // clamped, not allocated
  auto listed = Call(routing_.get(), &RS::ListAgents, supervisor_, huge);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->agents_size(), 3);
  rv1::ListQueueRequest queue;
  queue.set_page_size(INT32_MAX);
  EXPECT_TRUE(Call(routing_.get(), &RS::ListQueue, supervisor_, queue).ok());
}

TEST_F(RoutingAdversarialTest, TamperedPageTokensAreInvalidArgument) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Register(Agent(absl::StrCat("a", i))).ok());
  }
  rv1::ListAgentsRequest request;
  request.set_page_size(1);
  auto first = Call(routing_.get(), &RS::ListAgents, supervisor_, request);
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string token = first->next_page_token();
  ASSERT_FALSE(token.empty());
  const int refused =
      ExpectTamperedTokensRefused(token, [&](const std::string& bad) {
        request.set_page_token(bad);
        return Call(routing_.get(), &RS::ListAgents, supervisor_, request)
            .status();
      });
  // A genuine token replayed with another filter, or on another list.
  request.set_page_token(token);
  request.set_department("技术支持部");
  EXPECT_EQ(
      FieldOf(
          Call(routing_.get(), &RS::ListAgents, supervisor_, request).status()),
      "page_token");
  rv1::ListQueueRequest queue;
  queue.set_page_token(token);
  EXPECT_EQ(
      FieldOf(
          Call(routing_.get(), &RS::ListQueue, supervisor_, queue).status()),
      "page_token");
  std::cout << "routing: tampered page tokens refused: " << refused
            << std::endl;
}

TEST_F(RoutingAdversarialTest, UnknownEnumValuesAreInvalidArgument) {
  ASSERT_TRUE(Register(Agent("enum")).ok());
  rv1::SetAgentAvailabilityRequest availability;
  availability.set_name("agents/enum");
  availability.set_availability(static_cast<rv1::Availability>(99));
  EXPECT_EQ(FieldOf(Call(routing_.get(), &RS::SetAgentAvailability, supervisor_,
                         availability)
                        .status()),
            "availability");
  rv1::StartClockRequest start;
  start.set_subject("complaints/c1");
  start.set_kind(static_cast<rv1::ClockKind>(77));
  EXPECT_EQ(FieldOf(Call(sla_.get(), &SS::StartClock, admin_, start).status()),
            "kind");
  start.set_kind(rv1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE);
  start.set_grade(static_cast<cs::common::v1::Grade>(-3));
  EXPECT_EQ(FieldOf(Call(sla_.get(), &SS::StartClock, admin_, start).status()),
            "grade");
  rv1::UpdateClockRequest update;
  update.set_subject("complaints/c1");
  update.set_kind(rv1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE);
  update.set_transition(static_cast<rv1::ClockTransition>(42));
  EXPECT_EQ(
      FieldOf(Call(sla_.get(), &SS::UpdateClock, admin_, update).status()),
      "transition");
}

// 200 listings with a 1 ms deadline each: every one ends OK or
// DEADLINE_EXCEEDED, and nothing is left running.
TEST_F(RoutingAdversarialTest, OneMillisecondDeadlinesLeaveNoStuckWork) {
  ASSERT_TRUE(Register(Agent("deadline")).ok());
  const rv1::ListAgentsRequest request;
  auto codes = AllAtOnce<rv1::ListAgentsResponse>(
      200, absl::Milliseconds(1), supervisor_,
      [&](int, grpc::ClientContext* context, rv1::ListAgentsResponse* response,
          std::function<void(grpc::Status)> done) {
        routing_->async()->ListAgents(context, &request, response,
                                      std::move(done));
      });
  ExpectOnlyOkOrDeadline(codes);
  ExpectHealthyAndIdle();
  std::cout << "routing: 1 ms deadlines: 200 calls, "
            << codes[grpc::StatusCode::OK] << " OK, "
            << codes[grpc::StatusCode::DEADLINE_EXCEEDED]
            << " DEADLINE_EXCEEDED" << std::endl;
}

TEST_F(RoutingAdversarialTest, ChineseTextRoundTrips) {
  rv1::RegisterAgentRequest request = Agent("zh");
  request.mutable_agent()->set_display_name("欧阳娜娜");
  request.mutable_agent()->set_department("技术支持部");
  request.mutable_agent()->add_skills("宽带故障");
  ASSERT_TRUE(Register(request).ok());
  rv1::GetAgentRequest get;
  get.set_name("agents/zh");
  auto agent = Call(routing_.get(), &RS::GetAgent, agent_, get);
  ASSERT_TRUE(agent.ok()) << agent.status();
  EXPECT_EQ(agent->display_name(), "欧阳娜娜");
  EXPECT_EQ(agent->department(), "技术支持部");
  ASSERT_EQ(agent->skills_size(), 2);
  EXPECT_EQ(agent->skills(1), "宽带故障");
}

}  // namespace
}  // namespace cs::adversarial
