// The day counters StoreState keeps beside the cells equal the cells summed,
// whatever the order of the events (real RocksDB in a temp dir).
#include "services/analytics/service/store_state.h"

#include <random>

#include "cs/ticket/v1/events.pb.h"
#include "gtest/gtest.h"
#include "libs/common/time_proto.h"
#include "libs/testing/temp_dir.h"
#include "services/analytics/service/analytics_app.h"

namespace cs::analytics {
namespace {

// 2026-03-10 10:00 Asia/Shanghai.
const absl::Time kT0 = absl::FromUnixSeconds(1773108000);

std::vector<common::v1::Event> Events() {
  std::vector<common::v1::Event> out;
  uint64_t seq = 0;
  for (int i = 0; i < 30; ++i) {
    ticket::v1::TicketFacts f;
    f.set_ticket(absl::StrCat("tickets/工单", i));
    const int kind = i / 3 % 3;  // every day gets every kind
    f.set_channel(kind == 0 ? common::v1::CHANNEL_PHONE
                            : (kind == 1 ? common::v1::CHANNEL_APP
                                         : common::v1::CHANNEL_EMAIL));
    f.set_department(i % 2 ? "客服部" : "技术支持部");
    f.set_assignee(i % 2 ? "wang" : "li");
    f.set_status(ticket::v1::TICKET_STATUS_NEW);
    const absl::Time created = kT0 + absl::Hours(i % 3 * 24) + absl::Minutes(i);
    *f.mutable_create_time() = ToProtoTime(created);
    auto add = [&](absl::Time at, const google::protobuf::Message& m) {
      common::v1::Event e;
      e.set_sequence(++seq);
      e.set_type(m.GetDescriptor()->name());
      *e.mutable_occurred_time() = ToProtoTime(at);
      e.mutable_payload()->PackFrom(m);
      out.push_back(e);
    };
    ticket::v1::TicketCreated c;
    *c.mutable_facts() = f;
    add(created, c);
    if (i % 4 != 0) {
      f.set_status(ticket::v1::TICKET_STATUS_IN_PROGRESS);
      *f.mutable_first_response_time() =
          ToProtoTime(created + absl::Minutes(i));
      f.set_solved_at_first_contact(i % 3 == 0);
      ticket::v1::TicketReplied r;
      *r.mutable_facts() = f;
      add(created + absl::Minutes(i), r);
    }
  }
  return out;
}

TEST(StoreStateTest, DayCountersEqualTheCellsSummed) {
  cs::testing::TempDir dir;
  auto store = Store::Open({.path = dir.Sub("an"),
                            .column_families = AnalyticsColumnFamilies(),
                            .sync = false});
  ASSERT_TRUE(store.ok()) << store.status();
  Store& s = **store;
  const ColumnFamily tickets = *s.Family(kTicketsFamily);
  const ColumnFamily buckets = *s.Family(kBucketsFamily);
  const ColumnFamily seen = *s.Family(kSeenFamily);
  const ColumnFamily days = *s.Family(kDaysFamily);
  std::vector<common::v1::Event> events = Events();
  std::mt19937 rng(4);
  std::shuffle(events.begin(), events.end(), rng);
  events.push_back(events[3]);  // a redelivery
  for (const common::v1::Event& e : events) {
    StoreState state(s, tickets, buckets, seen, days);
    ASSERT_TRUE(ApplyEvent({}, e, state).ok());
    WriteSet writes;
    ASSERT_TRUE(state.Flush(writes).ok());
    ASSERT_TRUE(s.Commit(writes).ok());
  }
  for (const std::string day : {"2026-03-10", "2026-03-11", "2026-03-12"}) {
    std::map<std::string, v1::Bucket> cells;
    ASSERT_TRUE(s.Scan(buckets, absl::StrCat(day, "|"), absl::StrCat(day, "}"),
                       0, [&](absl::string_view k, absl::string_view v) {
                         cells[std::string(k)].ParseFromArray(
                             v.data(), static_cast<int>(v.size()));
                         return true;
                       })
                    .ok());
    auto rows = GroupCells(cells, {}, v1::Dimensions());
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u) << day;
    v1::Bucket counters;
    ASSERT_TRUE(s.GetProto(days, day, &counters).ok()) << day;
    const v1::MetricsRow fast = SummarizeCounters(counters);
    const v1::MetricsRow& full = rows->front();
    EXPECT_EQ(fast.tickets(), 10) << day;
    EXPECT_EQ(fast.tickets(), full.tickets()) << day;
    EXPECT_EQ(fast.on_time_responses(), full.on_time_responses()) << day;
    EXPECT_EQ(fast.solved_first_contact(), full.solved_first_contact());
    EXPECT_DOUBLE_EQ(fast.customer_wait_seconds(),
                     full.customer_wait_seconds())
        << day;
    EXPECT_GT(fast.customer_wait_seconds(), 0) << day;
  }
}

}  // namespace
}  // namespace cs::analytics
