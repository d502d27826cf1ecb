// csbench's event-propagation benchmark: how long the suite's event path
// takes end to end, measured by one client that sees both ends.
//
//   cs::csbench::PropagationOptions options;
//   options.ticket_target = "127.0.0.1:50051";
//   options.routing_target = "127.0.0.1:50052";
//   options.escalation_target = "127.0.0.1:50056";
//   options.token = token;  // roles agent, supervisor, service, admin
//   options.rate = 500;     // creates per second (open loop)
//   absl::StatusOr<cs::csbench::RunReport> report =
//       cs::csbench::RunPropagation(options);
//
// Two measurements, reported as operations of one RunReport:
//
//   create_to_clock   CreateTicket sent → routing-sla's SlaClockStarted for
//                     that ticket seen on routing-sla's event stream. Creates
//                     are issued at a fixed `rate` (open loop, so queueing
//                     shows in the latency) for `duration`.
//   breach_to_case    SlaBreached seen on routing-sla's stream → the
//                     EscalationOpened of that clock seen on escalation's
//                     stream (committed in the same batch as the level-1
//                     notification). Needs all three servers started with
//                     --clock=manual: `breaches` tickets are created one
//                     business second apart (ticket clock), then routing-sla's
//                     clock is moved to each response clock's due time in
//                     turn, `breach_rate` times per real second.
//
// The report's conditions also carry steady_creates_per_second and
// steady_clocks_per_second: creates sent and clocks started per second over
// the create phase's last three quarters (steady_window.h), which agree only
// while the suite keeps up with `rate`.
//
// The breach phase runs first (it moves the manual clocks to a Monday
// morning in 2030 so the calendars are in business hours), then the create
// phase. Events that never arrive within `settle` count as
// DEADLINE_EXCEEDED. This is a benchmark: it paces with real-time sleeps.
#ifndef CS_TOOLS_CSBENCH_PROPAGATION_H_
#define CS_TOOLS_CSBENCH_PROPAGATION_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/common/tls.h"
#include "tools/csbench/payloads.h"
#include "tools/csbench/report.h"

namespace cs::csbench {

struct PropagationOptions {
  std::string ticket_target;
  std::string routing_target;
  // Empty skips the breach phase.
  std::string escalation_target;
  ClientTlsConfig tls;  // TLS/mTLS when tls.ca_file is set (validated)
  std::string token;
  int rate = 200;  // creates per second in the create phase
  absl::Duration duration = absl::Seconds(10);
  int breaches = 0;  // 0 skips the breach phase
  int breach_rate = 50;  // per second
  absl::Duration settle = absl::Seconds(30);
  absl::Duration call_deadline = absl::Seconds(30);
  uint64_t seed = 1;
  bool progress = true;
  std::string label;
  PayloadGenerator::Options payload;
};

// Fails (without measuring) when a server cannot be reached within 10 s or
// a set-up call fails (UpsertCustomer, GetLogInfo, TestClock when breaches
// are asked for: UNIMPLEMENTED without --clock=manual).
absl::StatusOr<RunReport> RunPropagation(const PropagationOptions& options);

}  // namespace cs::csbench

#endif  // CS_TOOLS_CSBENCH_PROPAGATION_H_
