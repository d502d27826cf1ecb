// csbench's storage floor: raw writes through cs::Store (the same seam and
// durability setting the services use), `concurrency` threads each
// committing one WriteSet after another for a duration or a count.
//
//   cs::csbench::StoreOptions options;
//   options.dir = "/tmp/bench-store";   // a fresh directory
//   options.sync = true;                // as ticket-server --sync
//   options.concurrency = 32;           // as ticket-server --worker-threads
//   absl::StatusOr<cs::csbench::RunReport> report =
//       cs::csbench::RunStore(options);
//
// Each commit puts `puts_per_commit` values under fresh keys into one column
// family; a value is a serialized, fully populated Ticket (the size of a
// stored ticket record) unless `value_bytes` > 0. The latency recorded is
// that of Store::Commit.
#ifndef CS_TOOLS_CSBENCH_STORE_BENCH_H_
#define CS_TOOLS_CSBENCH_STORE_BENCH_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "tools/csbench/measure.h"
#include "tools/csbench/payloads.h"
#include "tools/csbench/report.h"

namespace cs::csbench {

struct StoreOptions {
  std::string dir;
  bool sync = true;
  int concurrency = 32;
  int puts_per_commit = 1;
  int value_bytes = 0;  // 0: a realistic ticket record
  Window::Options window;
  uint64_t seed = 1;
  bool progress = true;
  std::string label;
  PayloadGenerator::Options payload;
};

// Opens the store (errors of cs::Store::Open, e.g. UNAVAILABLE when another
// process holds it) and runs the writers; write errors are counted in the
// report by code, not returned. The store is closed before returning.
absl::StatusOr<RunReport> RunStore(const StoreOptions& options);

}  // namespace cs::csbench

#endif  // CS_TOOLS_CSBENCH_STORE_BENCH_H_
