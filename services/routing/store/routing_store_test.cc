// RoutingStore's clock layout on a real RocksDB: a subject's clocks are
// found by their ids' common prefix, in the order they were started.
#include "services/routing/store/routing_store.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/store/write_set.h"
#include "libs/testing/temp_dir.h"

namespace cs::routing {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> IdsOf(const RoutingStore& routing,
                               const std::string& subject) {
  auto clocks = routing.ClocksOf(subject);
  EXPECT_TRUE(clocks.ok()) << clocks.status();
  std::vector<std::string> ids;
  if (clocks.ok()) {
    for (const auto& [id, stored] : *clocks) {
      EXPECT_EQ(stored.clock().subject(), subject);
      ids.push_back(id);
    }
  }
  return ids;
}

TEST(RoutingStoreTest, ASubjectsClocksAreFoundByIdInTheOrderStarted) {
  cs::testing::TempDir dir;
  auto store = Store::Open(
      {.path = dir.Sub("routing"), .column_families = RoutingColumnFamilies()});
  ASSERT_TRUE(store.ok()) << store.status();
  auto routing = RoutingStore::Open(**store);
  ASSERT_TRUE(routing.ok()) << routing.status();
  WriteSet writes;
  auto put = [&](const std::string& subject, v1::ClockKind kind, int n) {
    v1::StoredClock stored;
    stored.mutable_clock()->set_subject(subject);
    stored.mutable_clock()->set_kind(kind);
    (*routing)->PutClock(writes, ClockId(subject, kind, n), stored);
  };
  // Out of order, and the 10th NEXT_REPLY clock sorts before the 2nd as text.
  put("tickets/T1", v1::CLOCK_KIND_RESOLUTION, 1);
  put("tickets/T1", v1::CLOCK_KIND_NEXT_REPLY, 10);
  put("tickets/T1", v1::CLOCK_KIND_NEXT_REPLY, 2);
  put("tickets/T1", v1::CLOCK_KIND_FIRST_RESPONSE, 1);
  put("tickets/T1", v1::CLOCK_KIND_NEXT_REPLY, 1);
  put("tickets/T10", v1::CLOCK_KIND_FIRST_RESPONSE, 1);
  // "x.工单/甲." begins "x.工单/甲.乙.…": another subject under the prefix.
  put("工单/甲", v1::CLOCK_KIND_FIRST_RESPONSE, 1);
  put("工单/甲.乙", v1::CLOCK_KIND_FIRST_RESPONSE, 1);
  ASSERT_TRUE((*store)->Commit(writes).ok());

  EXPECT_THAT(IdsOf(**routing, "tickets/T1"),
              ElementsAre("t.T1.first_response.1", "t.T1.next_reply.1",
                          "t.T1.next_reply.2", "t.T1.next_reply.10",
                          "t.T1.resolution.1"));
  EXPECT_THAT(IdsOf(**routing, "工单/甲"),
              ElementsAre("x.工单/甲.first_response.1"));
  EXPECT_THAT(IdsOf(**routing, "complaints/C1"), ElementsAre());
  EXPECT_EQ(ClockId("complaints/C1", v1::CLOCK_KIND_RESOLUTION, 3),
            "c.C1.resolution.3");
}

TEST(RoutingStoreTest, AStoreWithTheRetiredClockIndexStillOpens) {
  cs::testing::TempDir dir;
  std::vector<std::string> before = RoutingColumnFamilies();
  before.push_back("clock_index");
  {
    auto store =
        Store::Open({.path = dir.Sub("routing"), .column_families = before});
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Close().ok());
  }
  auto store = Store::Open(
      {.path = dir.Sub("routing"), .column_families = RoutingColumnFamilies()});
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE(RoutingStore::Open(**store).ok());
}

}  // namespace
}  // namespace cs::routing
