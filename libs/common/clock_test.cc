#include "libs/common/clock.h"

#include <thread>

#include "gtest/gtest.h"

namespace cs {
namespace {

TEST(ManualClockTest, MovesOnlyWhenTold) {
  ManualClock clock(absl::FromUnixSeconds(1000));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1000));
  clock.Advance(absl::Minutes(15));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1000 + 900));
  clock.Advance(-absl::Hours(1));  // ignored: time never goes back
  clock.SetTime(absl::FromUnixSeconds(10));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1900));
  clock.SetTime(absl::FromUnixSeconds(5000));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(5000));
}

TEST(ManualClockTest, AwaitReturnsWhenConditionBecomesTrue) {
  ManualClock clock;
  absl::Mutex mu;
  bool flag = false;
  std::thread setter([&] {
    absl::MutexLock lock(&mu);
    flag = true;
  });
  absl::MutexLock lock(&mu);
  EXPECT_TRUE(clock.AwaitWithDeadline(&mu, absl::Condition(&flag),
                                      clock.Now() + absl::Hours(1)));
  setter.join();
}

TEST(ManualClockTest, AwaitTimesOutOnlyWhenManualTimePassesDeadline) {
  ManualClock clock;
  absl::Time deadline = clock.Now() + absl::Minutes(10);
  absl::Mutex mu;
  bool never = false;
  bool timed_out = false;
  bool done = false;
  std::thread waiter([&] {
    absl::MutexLock lock(&mu);
    timed_out = !clock.AwaitWithDeadline(&mu, absl::Condition(&never), deadline);
    done = true;
  });
  clock.Advance(absl::Minutes(9));
  {
    // Not yet: 9 of 10 minutes passed. The waiter cannot have finished.
    absl::MutexLock lock(&mu);
    EXPECT_FALSE(done);
  }
  clock.Advance(absl::Minutes(1));
  waiter.join();
  EXPECT_TRUE(done);
  EXPECT_TRUE(timed_out);
}

TEST(SystemClockTest, ExpiredDeadlineReturnsAtOnce) {
  absl::Mutex mu;
  bool never = false;
  absl::MutexLock lock(&mu);
  EXPECT_FALSE(SystemClock::Get().AwaitWithDeadline(
      &mu, absl::Condition(&never), absl::Now() - absl::Seconds(1)));
}

}  // namespace
}  // namespace cs
