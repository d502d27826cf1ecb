#include "tools/csbench/payloads.h"

#include <random>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "libs/common/utf8.h"

namespace cs::csbench {
namespace {

TEST(PayloadsTest, CreateTicketIsRealisticAndWithinLimits) {
  PayloadGenerator payloads({.description_chars = 300});
  std::mt19937_64 random(1);
  std::set<std::string> subjects;
  for (int i = 0; i < 200; ++i) {
    ticket::v1::CreateTicketRequest request =
        payloads.CreateTicket(random, "bench-c-0001", "rid-1");
    const ticket::v1::Ticket& t = request.ticket();
    EXPECT_EQ(request.request_id(), "rid-1");
    EXPECT_EQ(t.customer_id(), "bench-c-0001");
    EXPECT_EQ(t.department(), "客服部");
    EXPECT_NE(t.channel(), 0);
    EXPECT_NE(t.stage(), 0);
    EXPECT_EQ(t.category_size(), 3);
    for (const std::string& level : t.category()) {
      EXPECT_LE(CharLength(level), 32u);
    }
    const size_t chars = CharLength(t.description());
    EXPECT_GE(chars, 300u);
    EXPECT_LE(chars, 400u);
    EXPECT_TRUE(IsValidUtf8(t.description()));
    EXPECT_TRUE(IsValidUtf8(t.subject()));
    EXPECT_LE(CharLength(t.subject()), 200u);
    subjects.insert(t.subject());
  }
  EXPECT_GT(subjects.size(), 10u);
  EXPECT_EQ(subjects.count("手机信号弱"), 1u);
}

TEST(PayloadsTest, LongDescriptionsStillTerminate) {
  PayloadGenerator payloads({.description_chars = 2000});
  std::mt19937_64 random(2);
  const std::string text = payloads.Description(random, 1);
  EXPECT_GE(CharLength(text), 2000u);
  EXPECT_LE(CharLength(text), 2100u);
}

TEST(PayloadsTest, DeterministicForASeed) {
  PayloadGenerator payloads({});
  std::mt19937_64 a(9), b(9);
  EXPECT_EQ(payloads.CreateTicket(a, "c", "r").SerializeAsString(),
            payloads.CreateTicket(b, "c", "r").SerializeAsString());
}

TEST(PayloadsTest, CustomerAndReply) {
  PayloadGenerator payloads({});
  std::mt19937_64 random(3);
  ticket::v1::Customer customer = payloads.Customer(random, "bench-c-0002");
  EXPECT_EQ(customer.name(), "customers/bench-c-0002");
  EXPECT_FALSE(customer.full_name().empty());
  ASSERT_EQ(customer.phone().size(), 11u);
  EXPECT_EQ(customer.phone()[0], '1');
  ticket::v1::AddReplyRequest reply = payloads.Reply(random, "tickets/X");
  EXPECT_EQ(reply.name(), "tickets/X");
  EXPECT_EQ(reply.reply().author_kind(), ticket::v1::AUTHOR_KIND_AGENT);
  EXPECT_GT(CharLength(reply.reply().body()), 30u);
}

}  // namespace
}  // namespace cs::csbench
