#include "services/routing/service/queue_floors.h"

#include "gtest/gtest.h"

namespace cs::routing {
namespace {

TEST(QueueFloorsTest, AnUnknownDepartmentIsScannedFromItsHead) {
  QueueFloors floors;
  EXPECT_EQ(floors.Read("客服部").floor, "");
  floors.Lower("客服部", "k5");  // still the head: nothing is known above it
  EXPECT_EQ(floors.Read("客服部").floor, "");
}

TEST(QueueFloorsTest, ARaiseMovesTheFloorUpButNeverDown) {
  QueueFloors floors;
  EXPECT_TRUE(floors.Raise("客服部", "k5", floors.Read("客服部")));
  EXPECT_EQ(floors.Read("客服部").floor, "k5");
  EXPECT_FALSE(floors.Raise("客服部", "k3", floors.Read("客服部")));
  EXPECT_EQ(floors.Read("客服部").floor, "k5");
  EXPECT_TRUE(floors.Raise("客服部", "k7", floors.Read("客服部")));
  EXPECT_EQ(floors.Read("客服部").floor, "k7");
  EXPECT_EQ(floors.Read("投诉部").floor, "");  // departments are separate
}

TEST(QueueFloorsTest, ALowerKeyTakesTheFloorDown) {
  QueueFloors floors;
  ASSERT_TRUE(floors.Raise("客服部", "k5", floors.Read("客服部")));
  floors.Lower("客服部", "k9");  // above the floor: no change
  EXPECT_EQ(floors.Read("客服部").floor, "k5");
  floors.Lower("客服部", "k2");
  EXPECT_EQ(floors.Read("客服部").floor, "k2");
}

TEST(QueueFloorsTest, ARaiseReadBeforeALoweringIsRefused) {
  QueueFloors floors;
  const QueueFloors::Mark seen = floors.Read("客服部");
  // A key was queued after the scan read its mark: the scan may not have
  // seen it, so moving past it could hide it.
  floors.Lower("客服部", "k3");
  EXPECT_FALSE(floors.Raise("客服部", "k5", seen));
  EXPECT_EQ(floors.Read("客服部").floor, "");
  // A scan that starts after the lowering may raise.
  EXPECT_TRUE(floors.Raise("客服部", "k3", floors.Read("客服部")));
  EXPECT_EQ(floors.Read("客服部").floor, "k3");
}

}  // namespace
}  // namespace cs::routing
