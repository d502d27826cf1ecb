// grpc.health.v1.Health for a ServiceHost: Check and Watch for the server as
// a whole ("") and for each hosted gRPC service by its full name
// (e.g. "cs.ticket.v1.TicketService").
//
// It replaces gRPC's default health service because that one never ends a
// Watch stream on its own: every open Watch (gRPC client-side health
// checking, Envoy, `csctl health --watch`) held a graceful shutdown for the
// whole grace period and was then cancelled. Here Stop() tells every watcher
// NOT_SERVING and then ends its stream UNAVAILABLE, like the event streams.
//
//   HealthService health({"cs.ticket.v1.TicketService"});
//   builder.RegisterService(&health);
//   health.SetServing(true);   // once the server is up
//   ...
//   health.Stop();             // first step of a graceful shutdown
#ifndef CS_LIBS_SERVER_HEALTH_SERVICE_H_
#define CS_LIBS_SERVER_HEALTH_SERVICE_H_

#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace cs {

class HealthWatchReactor;

class HealthService final : public grpc::health::v1::Health::CallbackService {
 public:
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;

  // `service_names` are the names answered besides "" (the whole server).
  // Everything starts NOT_SERVING. Thread-safe.
  explicit HealthService(std::vector<std::string> service_names);
  // Waits (bounded) for streams the gRPC server has not finished yet.
  ~HealthService() override;

  // Sets every name SERVING or NOT_SERVING and tells the watchers. Ignored
  // after Stop.
  void SetServing(bool serving);

  // NOT_SERVING for every name, told to every watcher, whose streams then
  // end UNAVAILABLE (after that write); later Watch calls end at once and
  // Check answers NOT_SERVING. Idempotent.
  void Stop();

  // UNARY: the name's status; NOT_FOUND for a name the server does not host.
  grpc::ServerUnaryReactor* Check(
      grpc::CallbackServerContext* context,
      const grpc::health::v1::HealthCheckRequest* request,
      grpc::health::v1::HealthCheckResponse* response) override;

  // STREAM: the name's status now and after every change; SERVICE_UNKNOWN
  // for a name the server does not host.
  grpc::ServerWriteReactor<grpc::health::v1::HealthCheckResponse>* Watch(
      grpc::CallbackServerContext* context,
      const grpc::health::v1::HealthCheckRequest* request) override;

  // Number of open Watch streams (tests).
  size_t ActiveWatches() const;

 private:
  friend class HealthWatchReactor;
  ServingStatus StatusOfLocked(const std::string& name) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void Forget(HealthWatchReactor* reactor);

  const std::set<std::string> names_;
  mutable absl::Mutex mu_;
  bool serving_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  std::set<HealthWatchReactor*> watchers_ ABSL_GUARDED_BY(mu_);
  absl::CondVar all_done_;
};

}  // namespace cs

#endif  // CS_LIBS_SERVER_HEALTH_SERVICE_H_
