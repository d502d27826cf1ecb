// The one source of time for the whole suite.
//
// Production code takes a `Clock&` and never calls absl::Now() directly, so
// tests (and `--clock=manual` system runs) move time explicitly instead of
// sleeping:
//
//   cs::ManualClock clock(absl::FromUnixSeconds(1700000000));
//   Service service(clock);
//   clock.Advance(absl::Minutes(16));   // a 15-minute SLA is now breached
#ifndef CS_LIBS_COMMON_CLOCK_H_
#define CS_LIBS_COMMON_CLOCK_H_

#include <functional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace cs {

// Thread-safe in every implementation.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;

  // Blocks until Now() >= deadline or `wake` becomes true (checked under
  // `mu`, which the caller holds). Returns true when `wake` became true.
  // The system clock waits on the real time; the manual clock waits until
  // someone advances it, so timer loops work under both without sleeping.
  virtual bool AwaitWithDeadline(absl::Mutex* mu, const absl::Condition& wake,
                                 absl::Time deadline) = 0;
};

// Wall-clock time. One shared instance: SystemClock::Get().
class SystemClock final : public Clock {
 public:
  static SystemClock& Get();
  absl::Time Now() const override { return absl::Now(); }
  bool AwaitWithDeadline(absl::Mutex* mu, const absl::Condition& wake,
                         absl::Time deadline) override;
};

// Time that only moves when told to. Starts at `start`; never goes backwards
// (Advance with a negative duration and SetTime to an earlier time are
// ignored). Waiters in AwaitWithDeadline notice a move within milliseconds.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(absl::Time start = absl::FromUnixSeconds(1700000000));
  absl::Time Now() const override;
  bool AwaitWithDeadline(absl::Mutex* mu, const absl::Condition& wake,
                         absl::Time deadline) override;

  void Advance(absl::Duration d);
  void SetTime(absl::Time t);

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cs

#endif  // CS_LIBS_COMMON_CLOCK_H_
