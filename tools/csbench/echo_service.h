// The echo service behind csbench-echo-server, the raw-gRPC baseline of the
// benchmarks: cs.testing.v1.Echo answering with the request's payload and
// text, in one of three ways.
//
//   EchoService inline(nullptr, nullptr);           // on the reactor thread
//   EchoService offloaded(&executor, nullptr);      // from the executor
//   auto log = EchoDurableLog::Open("/tmp/echo");   // once durable
//   EchoService durable(nullptr, log->get());
//
// The durable form commits each payload under a fresh key to its own
// cs::Store (sync on) through a cs::CommitPipeline, the path ticket-server
// commits by, and answers once the commit is durable, or with the store's
// error: the floor of any durable write RPC on this machine.
#ifndef CS_TOOLS_CSBENCH_ECHO_SERVICE_H_
#define CS_TOOLS_CSBENCH_ECHO_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "cs/testing/v1/echo.grpc.pb.h"
#include "libs/server/executor.h"
#include "libs/store/commit_pipeline.h"
#include "libs/store/store.h"

namespace cs::csbench {

// A durable echo's store and commit pipeline.
class EchoDurableLog {
 public:
  // The family the payloads are written to, keyed by EncodeBigEndian64 of
  // 0, 1, 2, … in the order calls arrive.
  static constexpr char kFamily[] = "echo";

  // Opens (creating) the store under `dir` with sync on. Errors are those
  // of cs::Store::Open.
  static absl::StatusOr<std::unique_ptr<EchoDurableLog>> Open(
      const std::string& dir);
  // Commits what is queued, then closes the store.
  ~EchoDurableLog();

  // Queues `payload` under the next key; `done` runs once it is durable
  // (OK) or failed, on the committer thread.
  void Append(const std::string& payload, CommitPipeline::Done done);

  Store& store() { return *store_; }

 private:
  EchoDurableLog(std::unique_ptr<Store> store, ColumnFamily family);

  std::unique_ptr<Store> store_;
  ColumnFamily family_;
  CommitPipeline commits_;
  std::atomic<uint64_t> next_key_{0};
};

class EchoService final : public cs::testing::v1::Echo::CallbackService {
 public:
  // Both null: answer on the reactor thread. `executor` not null: answer
  // from it, as service handlers do (cs::ServeUnary). `durable` not null:
  // answer once the payload is durable in it (then `executor` is unused).
  // Neither is owned; both must outlive the server.
  EchoService(BoundedExecutor* executor, EchoDurableLog* durable)
      : executor_(executor), durable_(durable) {}

  grpc::ServerUnaryReactor* Echo(
      grpc::CallbackServerContext* context,
      const cs::testing::v1::EchoRequest* request,
      cs::testing::v1::EchoResponse* response) override;

 private:
  BoundedExecutor* const executor_;
  EchoDurableLog* const durable_;
};

}  // namespace cs::csbench

#endif  // CS_TOOLS_CSBENCH_ECHO_SERVICE_H_
