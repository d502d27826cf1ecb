#include "libs/common/status_macros.h"

#include <memory>

#include "gtest/gtest.h"

namespace cs {
namespace {

absl::Status FailIf(bool fail) {
  return fail ? absl::NotFoundError("tickets/1") : absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<int>> MakeInt(bool fail, int v) {
  if (fail) return absl::InvalidArgumentError("v");
  return std::make_unique<int>(v);
}

absl::Status UsesReturnIfError(bool fail, int* steps) {
  RETURN_IF_ERROR(FailIf(fail));
  ++*steps;
  return absl::OkStatus();
}

absl::StatusOr<int> UsesAssignOrReturn(bool fail) {
  ASSIGN_OR_RETURN(std::unique_ptr<int> a, MakeInt(fail, 20));
  ASSIGN_OR_RETURN(auto b, MakeInt(false, 22));  // two on one scope
  return *a + *b;
}

TEST(StatusMacrosTest, ReturnIfErrorStopsOnError) {
  int steps = 0;
  EXPECT_TRUE(UsesReturnIfError(false, &steps).ok());
  EXPECT_EQ(steps, 1);
  absl::Status s = UsesReturnIfError(true, &steps);
  EXPECT_TRUE(absl::IsNotFound(s));
  EXPECT_EQ(s.message(), "tickets/1");
  EXPECT_EQ(steps, 1);
}

TEST(StatusMacrosTest, AssignOrReturnMovesValueOrPropagates) {
  EXPECT_EQ(*UsesAssignOrReturn(false), 42);
  EXPECT_TRUE(absl::IsInvalidArgument(UsesAssignOrReturn(true).status()));
}

}  // namespace
}  // namespace cs
