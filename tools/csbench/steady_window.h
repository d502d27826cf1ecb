// Whether an open-loop pipeline keeps up with the rate it is offered: the
// rate at which work enters and the rate at which it comes out, both counted
// over the steady part of the offering window (its first quarter, where the
// pipeline fills, is left out).
//
//   cs::csbench::SteadyWindow window(start_ns, end_ns);
//   for (const auto& call : calls) {
//     window.CountCreate(call.sent_ns);
//     if (seen) window.CountClock(*seen_ns);
//   }
//   cs::csbench::SteadyRates rates = window.Rates();
//   bool kept_up = rates.clocks_per_second >= 0.95 * rates.creates_per_second;
//
// A pipeline that keeps up lets out, over any stretch, what entered one
// latency earlier, so both rates agree; one that does not lets out only its
// capacity while its backlog grows. Counting to the end of the offering
// window (not until the backlog drains) keeps the drain, when the producer
// and the load generator are idle and the pipeline has the machine to
// itself, out of the figure.
#ifndef CS_TOOLS_CSBENCH_STEADY_WINDOW_H_
#define CS_TOOLS_CSBENCH_STEADY_WINDOW_H_

#include <cstdint>

namespace cs::csbench {

struct SteadyRates {
  double seconds = 0;  // length of the steady window
  double creates_per_second = 0;
  double clocks_per_second = 0;
};

class SteadyWindow {
 public:
  // The offering ran over [start_ns, end_ns); requires start_ns < end_ns.
  SteadyWindow(int64_t start_ns, int64_t end_ns)
      : from_ns_(start_ns + (end_ns - start_ns) / 4), to_ns_(end_ns) {}

  // Counts a unit of work that entered the pipeline at `sent_ns`.
  void CountCreate(int64_t sent_ns) { creates_ += Inside(sent_ns); }
  // Counts a unit of work that came out of the pipeline at `seen_ns`.
  void CountClock(int64_t seen_ns) { clocks_ += Inside(seen_ns); }

  // Both counts divided by the steady window's length.
  SteadyRates Rates() const {
    const double seconds = (to_ns_ - from_ns_) / 1e9;
    return {seconds, creates_ / seconds, clocks_ / seconds};
  }

 private:
  int Inside(int64_t ns) const { return ns >= from_ns_ && ns < to_ns_; }

  const int64_t from_ns_;
  const int64_t to_ns_;
  int64_t creates_ = 0;
  int64_t clocks_ = 0;
};

}  // namespace cs::csbench

#endif  // CS_TOOLS_CSBENCH_STEADY_WINDOW_H_
