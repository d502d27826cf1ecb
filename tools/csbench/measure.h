// The timing skeleton shared by csbench's load and store modes: a warm-up,
// then a measured window ended by a duration or a call count, and a progress
// line on stderr once per second.
//
//   cs::csbench::Window window(now_ns, {.warmup = absl::Seconds(1),
//                                       .duration = absl::Seconds(10)});
//   switch (window.Claim(NowNanos())) { case Window::kStop: ...; }
//   ... record only kMeasured calls; window.Done(NowNanos()) after each ...
//
// Every method is thread-safe.
#ifndef CS_TOOLS_CSBENCH_MEASURE_H_
#define CS_TOOLS_CSBENCH_MEASURE_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace cs::csbench {

// Monotonic nanoseconds (steady clock).
int64_t NowNanos();

class Window {
 public:
  struct Options {
    absl::Duration warmup = absl::Seconds(1);
    // Length of the measured window; ignored when count > 0.
    absl::Duration duration = absl::Seconds(10);
    // Number of measured calls; 0 = use duration.
    uint64_t count = 0;
  };
  enum Phase { kWarmup, kMeasured, kStop };

  Window(int64_t start_ns, Options options);

  // Whether a call starting at `now_ns` may start and whether it counts.
  Phase Claim(int64_t now_ns);
  // Notes the completion time of a measured call.
  void Done(int64_t now_ns);

  int64_t measure_start_ns() const { return measure_start_ns_; }
  // From the start of the measured window to the last measured completion.
  double ElapsedSeconds() const;
  bool measuring(int64_t now_ns) const { return now_ns >= measure_start_ns_; }

 private:
  const int64_t measure_start_ns_;
  const int64_t end_ns_;
  const bool by_count_;
  std::atomic<int64_t> remaining_;
  std::atomic<int64_t> last_done_ns_{0};
};

// Counters the workers bump and a thread that prints, once per second,
//   csbench create [  4s] 2345 ok/s  total 9012 ok  0 err  64 in flight
// to stderr (nothing when disabled). The line says "warm-up" before the
// measured window starts.
class Progress {
 public:
  Progress(std::string label, const Window& window, bool enabled);
  // Stops the printer.
  ~Progress();

  void AddOk() { ok_.fetch_add(1, std::memory_order_relaxed); }
  void AddError() { errors_.fetch_add(1, std::memory_order_relaxed); }
  std::atomic<int>& in_flight() { return in_flight_; }

  // Stops and joins the printer thread. Idempotent.
  void Stop();

 private:
  void Print();

  const std::string label_;
  const Window& window_;
  std::atomic<uint64_t> ok_{0};
  std::atomic<uint64_t> errors_{0};
  std::atomic<int> in_flight_{0};
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace cs::csbench

#endif  // CS_TOOLS_CSBENCH_MEASURE_H_
