#include "libs/common/clock.h"

namespace cs {

SystemClock& SystemClock::Get() {
  static SystemClock* clock = new SystemClock();
  return *clock;
}

bool SystemClock::AwaitWithDeadline(absl::Mutex* mu,
                                    const absl::Condition& wake,
                                    absl::Time deadline) {
  return mu->AwaitWithDeadline(wake, deadline);
}

ManualClock::ManualClock(absl::Time start) : now_(start) {}

absl::Time ManualClock::Now() const {
  absl::MutexLock lock(&mu_);
  return now_;
}

bool ManualClock::AwaitWithDeadline(absl::Mutex* mu,
                                    const absl::Condition& wake,
                                    absl::Time deadline) {
  // The caller's condition is re-evaluated whenever `mu` is released, but a
  // move of this clock does not touch `mu`. So wait on the caller's mutex with
  // a short real-time slice and re-check the manual time after each slice or
  // wake-up. The slice bounds the latency of noticing an Advance; it never
  // decides *whether* the deadline passed, only the manual time does.
  while (true) {
    if (wake.Eval()) return true;
    if (Now() >= deadline) return false;
    if (mu->AwaitWithTimeout(wake, absl::Milliseconds(2))) return true;
  }
}

void ManualClock::Advance(absl::Duration d) {
  if (d <= absl::ZeroDuration()) return;
  absl::MutexLock lock(&mu_);
  now_ += d;
}

void ManualClock::SetTime(absl::Time t) {
  absl::MutexLock lock(&mu_);
  if (t > now_) now_ = t;
}

}  // namespace cs
