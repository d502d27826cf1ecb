#include "libs/server/executor.h"

#include <atomic>

#include "gtest/gtest.h"

namespace cs {
namespace {

TEST(BoundedExecutorTest, RunsTasksAndDrainsOnShutdown) {
  BoundedExecutor executor({.threads = 2, .queue_capacity = 100});
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(executor.TrySubmit([&] { ++ran; }).ok());
  }
  executor.Shutdown();
  EXPECT_EQ(ran.load(), 50);
  EXPECT_TRUE(absl::IsUnavailable(executor.TrySubmit([] {})));
}

TEST(BoundedExecutorTest, FullQueueIsResourceExhausted) {
  BoundedExecutor executor({.threads = 1, .queue_capacity = 2});
  absl::Mutex mu;
  bool release = false;
  bool started = false;
  // Occupy the only worker until released.
  ASSERT_TRUE(executor
                  .TrySubmit([&] {
                    absl::MutexLock lock(&mu);
                    started = true;
                    mu.Await(absl::Condition(&release));
                  })
                  .ok());
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(&started));
  }
  ASSERT_TRUE(executor.TrySubmit([] {}).ok());
  ASSERT_TRUE(executor.TrySubmit([] {}).ok());
  absl::Status refused = executor.TrySubmit([] {});
  EXPECT_TRUE(absl::IsResourceExhausted(refused)) << refused;
  // Two tasks wait behind the busy worker: not drained (no wait at all).
  EXPECT_FALSE(executor.WaitUntilDrained(absl::ZeroDuration()));
  {
    absl::MutexLock lock(&mu);
    release = true;
  }
  EXPECT_TRUE(executor.WaitUntilDrained(absl::Seconds(30)));
  executor.Shutdown();
  EXPECT_EQ(executor.queued(), 0u);
}

}  // namespace
}  // namespace cs
