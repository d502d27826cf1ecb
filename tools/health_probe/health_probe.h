// cs-health-probe: a tiny grpc.health.v1 client for container and Kubernetes
// health checks (Debian ships no grpc_health_probe).
//
//   cs-health-probe --addr=127.0.0.1:50051                 # exit 0: SERVING
//   cs-health-probe --addr=ticket:50051 --service=cs.ticket.v1.TicketService
//   cs-health-probe --addr=... --timeout=2s --tls-ca-file=/etc/cs/ca.pem
//
// Exit codes: 0 only when Check answers SERVING; 1 for any other answer
// (NOT_SERVING, SERVICE_UNKNOWN, unknown service, unreachable server,
// deadline); 2 for bad flags. One line on stdout ("SERVING") on success, one
// line on stderr naming the address and what went wrong otherwise, so that
// `docker inspect` and `kubectl describe` show why a probe failed.
#ifndef CS_TOOLS_HEALTH_PROBE_HEALTH_PROBE_H_
#define CS_TOOLS_HEALTH_PROBE_HEALTH_PROBE_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/common/config.h"
#include "libs/common/tls.h"

namespace cs::health_probe {

struct ProbeOptions {
  std::string addr;     // HOST:PORT, required
  std::string service;  // empty: the whole server
  absl::Duration timeout = absl::Seconds(2);
  // TLS is off unless a CA bundle is given (mutual with a client cert); the
  // server name defaults to the host part of `addr`.
  ClientTlsConfig tls;
};

// Calls grpc.health.v1.Health/Check once, fails after `timeout`.
// Returns OK only for SERVING. Otherwise: UNAVAILABLE "... is NOT_SERVING"
// (or SERVICE_UNKNOWN/UNKNOWN), NOT_FOUND for a service the server does not
// know, the call's own status (UNAVAILABLE, DEADLINE_EXCEEDED...) when there
// is no answer, INVALID_ARGUMENT/NOT_FOUND for an unreadable CA file.
// Thread-safe; blocks for at most `timeout` plus channel set-up.
[[nodiscard]] absl::Status Probe(const ProbeOptions& options);

// The whole command: parses `args` (without the program name) and the
// environment (CS_HEALTH_PROBE_<FLAG>, so a container's CS_* server settings
// never leak in), probes, prints, and returns the exit code above.
int RunHealthProbe(const std::vector<std::string>& args, const Environment& env,
                   std::ostream& out, std::ostream& err);

}  // namespace cs::health_probe

#endif  // CS_TOOLS_HEALTH_PROBE_HEALTH_PROBE_H_
