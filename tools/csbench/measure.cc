#include "tools/csbench/measure.h"

#include <chrono>
#include <cstdio>
#include <limits>
#include <utility>

#include "absl/strings/str_format.h"

namespace cs::csbench {

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Window::Window(int64_t start_ns, Options options)
    : measure_start_ns_(start_ns + absl::ToInt64Nanoseconds(options.warmup)),
      end_ns_(options.count > 0 ? std::numeric_limits<int64_t>::max()
                                : measure_start_ns_ + absl::ToInt64Nanoseconds(
                                                          options.duration)),
      by_count_(options.count > 0),
      remaining_(static_cast<int64_t>(options.count)) {}

Window::Phase Window::Claim(int64_t now_ns) {
  if (now_ns < measure_start_ns_) return kWarmup;
  if (by_count_) {
    return remaining_.fetch_sub(1, std::memory_order_relaxed) > 0 ? kMeasured
                                                                  : kStop;
  }
  return now_ns < end_ns_ ? kMeasured : kStop;
}

void Window::Done(int64_t now_ns) {
  int64_t seen = last_done_ns_.load(std::memory_order_relaxed);
  while (now_ns > seen && !last_done_ns_.compare_exchange_weak(
                              seen, now_ns, std::memory_order_relaxed)) {
  }
}

double Window::ElapsedSeconds() const {
  const int64_t last = last_done_ns_.load(std::memory_order_relaxed);
  if (last <= measure_start_ns_) return 0;
  return static_cast<double>(last - measure_start_ns_) / 1e9;
}

Progress::Progress(std::string label, const Window& window, bool enabled)
    : label_(std::move(label)), window_(window) {
  if (enabled) thread_ = std::thread([this] { Print(); });
}

Progress::~Progress() { Stop(); }

void Progress::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void Progress::Print() {
  const int64_t start = NowNanos();
  uint64_t last_ok = 0;
  for (int second = 1;; ++second) {
    {
      absl::MutexLock lock(&mu_);
      const int64_t wake = start + int64_t{second} * 1000000000;
      const absl::Duration wait = absl::Nanoseconds(wake - NowNanos());
      if (mu_.AwaitWithTimeout(absl::Condition(&stop_), wait)) return;
    }
    const uint64_t ok = ok_.load(std::memory_order_relaxed);
    const std::string line = absl::StrFormat(
        "csbench %s [%3ds%s] %8d ok/s  total %d ok  %d err  %d in flight\n",
        label_, second, window_.measuring(NowNanos()) ? "" : " warm-up",
        ok - last_ok, ok, errors_.load(std::memory_order_relaxed),
        in_flight_.load(std::memory_order_relaxed));
    last_ok = ok;
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
}

}  // namespace cs::csbench
