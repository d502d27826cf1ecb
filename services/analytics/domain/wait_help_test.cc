// Customer wait time and teamwork helps, event by event.
#include <random>

#include "cs/ticket/v1/events.pb.h"
#include "gtest/gtest.h"
#include "libs/common/time_proto.h"
#include "services/analytics/domain/aggregates.h"

namespace cs::analytics {
namespace {

// 2026-03-10 10:00 Asia/Shanghai.
const absl::Time kT0 = absl::FromUnixSeconds(1773108000);

common::v1::Event Event(uint64_t seq, absl::Time at,
                        const google::protobuf::Message& payload) {
  common::v1::Event e;
  e.set_sequence(seq);
  e.set_type(payload.GetDescriptor()->name());
  *e.mutable_occurred_time() = ToProtoTime(at);
  e.mutable_payload()->PackFrom(payload);
  return e;
}

ticket::v1::TicketFacts Facts() {
  ticket::v1::TicketFacts f;
  f.set_ticket("tickets/张三的宽带");
  f.set_channel(common::v1::CHANNEL_PHONE);
  f.set_department("客服部");
  f.set_assignee("alice");
  f.add_category("宽带类");
  f.add_category("断网");
  f.add_category("个人客户");
  *f.mutable_create_time() = ToProtoTime(kT0);
  return f;
}

common::v1::Event StatusAt(uint64_t seq, int minutes,
                           ticket::v1::TicketStatus status, bool responded) {
  ticket::v1::TicketFacts f = Facts();
  f.set_status(status);
  if (responded) {
    *f.mutable_first_response_time() = ToProtoTime(kT0 + absl::Minutes(20));
  }
  ticket::v1::TicketStatusChanged e;
  *e.mutable_facts() = f;
  e.set_status(status);
  return Event(seq, kT0 + absl::Minutes(minutes), e);
}

v1::MetricsRow Total(const MemoryState& state) {
  auto rows = GroupCells(state.buckets, {}, v1::Dimensions());
  EXPECT_TRUE(rows.ok());
  return rows->empty() ? v1::MetricsRow() : rows->front();
}

TEST(WaitTimeTest, SumsQueuedPeriodsInAnyOrder) {
  using S = ticket::v1::TicketStatus;
  // NEW 0' → ASSIGNED 5' → IN_PROGRESS 20' (first reply) → PENDING 30' →
  // IN_PROGRESS 60' → RESOLVED 120' → REOPENED 180' → IN_PROGRESS 190'.
  // Queued: 0–20' and 180–190' = 30 minutes; waiting on the customer and
  // being worked on do not count.
  std::vector<common::v1::Event> events = {
      StatusAt(1, 0, S::TICKET_STATUS_NEW, false),
      StatusAt(2, 5, S::TICKET_STATUS_ASSIGNED, false),
      StatusAt(3, 20, S::TICKET_STATUS_IN_PROGRESS, true),
      StatusAt(4, 30, S::TICKET_STATUS_PENDING_CUSTOMER, true),
      StatusAt(5, 60, S::TICKET_STATUS_IN_PROGRESS, true),
      StatusAt(6, 120, S::TICKET_STATUS_RESOLVED, true),
      StatusAt(7, 180, S::TICKET_STATUS_REOPENED, true),
      StatusAt(8, 190, S::TICKET_STATUS_IN_PROGRESS, true),
  };
  std::mt19937 rng(8);
  for (int round = 0; round < 5; ++round) {
    MemoryState state;
    for (const auto& e : events) ASSERT_TRUE(ApplyEvent({}, e, state).ok());
    ApplyEvent({}, events[rng() % events.size()], state).IgnoreError();
    const v1::MetricsRow total = Total(state);
    EXPECT_EQ(total.waited(), 1);
    EXPECT_DOUBLE_EQ(total.customer_wait_seconds(), 30 * 60);
    EXPECT_EQ(total.tickets_by_category().at("宽带类 › 断网"), 1);
    std::shuffle(events.begin(), events.end(), rng);
  }
}

TEST(WaitTimeTest, UnansweredTicketHasNoWaitYet) {
  MemoryState state;
  ASSERT_TRUE(
      ApplyEvent({}, StatusAt(1, 0, ticket::v1::TICKET_STATUS_NEW, false), state)
          .ok());
  EXPECT_EQ(Total(state).waited(), 0);
  EXPECT_DOUBLE_EQ(Total(state).customer_wait_seconds(), -1);
}

common::v1::Event ReplyBy(uint64_t seq, const std::string& agent,
                          ticket::v1::AuthorKind kind, int hours) {
  ticket::v1::TicketReplied r;
  *r.mutable_facts() = Facts();
  r.set_author_kind(kind);
  r.set_agent(agent);
  r.set_is_public(false);
  *r.mutable_reply_time() = ToProtoTime(kT0 + absl::Hours(hours));
  return Event(seq, kT0 + absl::Hours(hours), r);
}

TEST(TeamworkTest, HelpsCountOncePerTicketHelperAndDay) {
  MemoryState state;
  const auto agent = ticket::v1::AUTHOR_KIND_AGENT;
  for (const auto& e : {
           ReplyBy(1, "carol", agent, 0),   // helps alice
           ReplyBy(2, "carol", agent, 1),   // same day: no more
           ReplyBy(3, "carol", agent, 24),  // next day: one more
           ReplyBy(4, "alice", agent, 2),   // her own ticket
           ReplyBy(5, "", ticket::v1::AUTHOR_KIND_CUSTOMER, 3),
           ReplyBy(1, "carol", agent, 0),   // redelivered
       }) {
    ASSERT_TRUE(ApplyEvent({}, e, state).ok());
  }
  v1::Dimensions carol;
  carol.set_agent("carol");
  auto rows = GroupCells(state.buckets, {"day"}, carol);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].dimensions().day(), "2026-03-10");
  EXPECT_EQ((*rows)[0].helped_tickets(), 1);
  EXPECT_EQ((*rows)[1].helped_tickets(), 1);
  EXPECT_EQ((*rows)[0].tickets(), 0);  // the ticket stays alice's
  v1::Dimensions alice;
  alice.set_agent("alice");
  rows = GroupCells(state.buckets, {}, alice);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].helped_tickets(), 0);
  EXPECT_EQ((*rows)[0].tickets(), 1);
}

}  // namespace
}  // namespace cs::analytics
