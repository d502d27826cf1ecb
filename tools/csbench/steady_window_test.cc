#include "tools/csbench/steady_window.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace cs::csbench {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

// Offers `rate` per second for 4 s; each unit comes out `lag_ns` after it
// entered, or, when the pipeline's `capacity` is below the rate, when the
// backlog ahead of it has drained.
SteadyRates Simulate(int rate, int capacity, int64_t lag_ns) {
  SteadyWindow window(0, 4 * kSecond);
  const int64_t interval = kSecond / rate;
  const int64_t service = kSecond / capacity;
  int64_t free_at = 0;
  for (int64_t sent = 0; sent < 4 * kSecond; sent += interval) {
    window.CountCreate(sent);
    free_at = (sent > free_at ? sent : free_at) + service;
    window.CountClock(free_at + lag_ns);
  }
  return window.Rates();
}

TEST(SteadyWindowTest, LeavesOutTheFirstQuarter) {
  SteadyWindow window(0, 4 * kSecond);
  window.CountCreate(kSecond - 1);  // filling: not counted
  window.CountCreate(kSecond);
  window.CountClock(4 * kSecond - 1);
  window.CountClock(4 * kSecond);  // after the window: the drain
  const SteadyRates rates = window.Rates();
  EXPECT_DOUBLE_EQ(rates.seconds, 3.0);
  EXPECT_DOUBLE_EQ(rates.creates_per_second, 1 / 3.0);
  EXPECT_DOUBLE_EQ(rates.clocks_per_second, 1 / 3.0);
}

TEST(SteadyWindowTest, APipelineThatKeepsUpLetsOutWhatEnters) {
  const SteadyRates rates = Simulate(1000, 2000, 20'000'000);
  EXPECT_NEAR(rates.creates_per_second, 1000, 1);
  EXPECT_NEAR(rates.clocks_per_second, 1000, 1);
}

TEST(SteadyWindowTest, AnOverloadedPipelineLetsOutOnlyItsCapacity) {
  const SteadyRates rates = Simulate(2000, 1200, 20'000'000);
  EXPECT_NEAR(rates.creates_per_second, 2000, 1);
  EXPECT_NEAR(rates.clocks_per_second, 1200, 5);
}

}  // namespace
}  // namespace cs::csbench
