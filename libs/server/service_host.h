// The bootstrap every service main uses: one object that owns the process's
// shared machinery and runs the lifecycle in the right order.
//
//   int main(int argc, char** argv) {
//     cs::ServiceHost::PrepareProcess();  // before any thread
//     cs::ServerConfig config{.service_name = "ticket", .port = 50051,
//                             .metrics_port = 9101};
//     ... parse flags into config ...
//     auto host = cs::ServiceHost::Create(config, {"tickets"});
//     TicketGrpcService service(**host);
//     (*host)->RegisterService(&service);
//     if (auto s = (*host)->Start(); !s.ok()) ...       // SERVING from here
//     (*host)->WaitForTerminationSignal();
//     (*host)->Shutdown();
//   }
//
// Create opens the store and its outbox, the metrics endpoint and the token
// verifier; health stays NOT_SERVING until Start has built the server.
// Shutdown: health NOT_SERVING (Watch streams told, then ended) → event
// streams end → gRPC Shutdown with the grace deadline (in-flight calls
// finish) → shutdown hooks (consumers, timer loops) → worker pool drained →
// WAL flushed and store closed.
#ifndef CS_LIBS_SERVER_SERVICE_HOST_H_
#define CS_LIBS_SERVER_SERVICE_HOST_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server.h"
#include "grpcpp/server_context.h"
#include "libs/auth/grpc_auth.h"
#include "libs/auth/jwt.h"
#include "libs/auth/rate_limiter.h"
#include "libs/common/clock.h"
#include "libs/common/departments.h"
#include "libs/common/tls.h"
#include "libs/events/consumer_progress.h"
#include "libs/events/consumer_progress_service.h"
#include "libs/events/event_stream_service.h"
#include "libs/events/outbox.h"
#include "libs/metrics/metrics.h"
#include "libs/server/executor.h"
#include "libs/server/server_config.h"
#include "libs/store/commit_pipeline.h"
#include "libs/store/store.h"

namespace cs {

class HealthService;
class TestClockService;

class ServiceHost {
 public:
  // Opens everything the service needs except the gRPC server. Fails fast
  // with a message naming the setting or resource at fault (unreadable key
  // file, store locked by another process, metrics port taken...).
  // `clock`, when given, replaces the one chosen by config.clock (tests run
  // several hosts in one process on one shared ManualClock); it must outlive
  // the host, and TestClock is served when it is a ManualClock. Page tokens
  // of the process are signed with a key derived from the auth key from
  // then on (cs::SetPageTokenSecret).
  static absl::StatusOr<std::unique_ptr<ServiceHost>> Create(
      ServerConfig config, std::vector<std::string> column_families,
      Clock* clock = nullptr);

  // Shuts down if still running.
  ~ServiceHost();

  // Adds a gRPC service; only before Start. `service` must outlive the host.
  void RegisterService(grpc::Service* service);

  // Runs `hook` during Shutdown after the gRPC server stopped and before the
  // store closes (stop consumers and timer loops here). Hooks run in reverse
  // order of registration. Only before Start.
  void AddShutdownHook(std::function<void()> hook);

  // Builds and starts the server and marks every service SERVING.
  // UNAVAILABLE when the port cannot be bound.
  absl::Status Start();

  // Graceful stop (see the file comment). Idempotent; thread-safe.
  void Shutdown();

  // Call first in a server's main, before any thread starts:
  //  - blocks SIGTERM and SIGINT, so every later thread inherits the mask and
  //    WaitForTerminationSignal receives them;
  //  - switches off Abseil's mutex deadlock detection. Debian builds Abseil
  //    without NDEBUG, which leaves it on: every Mutex lock then records
  //    lock-order edges in one process-wide graph behind a global lock, a
  //    serialisation point between all request threads (bench/README.md has
  //    the profile). Tests, which never call this, keep the detection;
  //  - sends protobuf's own log messages through cs::Log
  //    (RouteProtobufLogs), so the log has no raw, untimed lines.
  static void PrepareProcess();
  // Waits (sigwait) for SIGTERM or SIGINT; returns the signal number.
  static int WaitForTerminationSignal();

  // Authenticates the caller, charges its rate limit (--rate-limit:
  // RESOURCE_EXHAUSTED with RetryInfo when exceeded) and checks that it
  // holds one of `allowed`.
  absl::StatusOr<auth::Principal> Authorize(
      const grpc::ServerContextBase& context, auth::RoleSet allowed) const;

  // A setter for the gauge cs_consumer_cursor{consumer, producer}, to pass as
  // EventConsumer::Options::on_cursor (consumer lag = the producer's
  // cs_events_last_sequence minus this). It also registers the consumer
  // (at its stored cursor) with consumer_progress(), which every host serves
  // as cs.events.v1.ConsumerProgress. Thread-safe.
  std::function<void(uint64_t)> ConsumerCursorGauge(const std::string& consumer,
                                                    const std::string& producer);
  // An incrementer of the counter cs_consumer_dead_letters_total{consumer,
  // producer}, to pass as EventConsumer::Options::on_dead_letter: events a
  // consumer gave up on after its retries (alert CsConsumerDeadLetters).
  // Thread-safe.
  std::function<void()> ConsumerDeadLetterCounter(const std::string& consumer,
                                                  const std::string& producer);

  // A short-lived token for this service's own calls to other services
  // (subject "service:<name>", role service), re-minted before it expires.
  std::string ServiceToken();
  // Channels for this service's calls to other services, secured by the
  // --tls-ca-file / --tls-client-* flags (plaintext without a CA).
  const ChannelFactory& channels() const { return channels_; }

  int port() const { return port_; }
  int metrics_port() const;
  const ServerConfig& config() const { return config_; }
  Clock& clock() { return *clock_; }
  // Non-null only with --clock=manual.
  ManualClock* manual_clock() { return manual_clock_; }
  Store& store() { return *store_; }
  Outbox& outbox() { return *outbox_; }
  // The consumers (see ConsumerCursorGauge) and command outboxes served by
  // cs.events.v1.ConsumerProgress; register outboxes before Start.
  ConsumerProgress& consumer_progress() { return *consumer_progress_; }
  BoundedExecutor& executor() { return *executor_; }
  // Asynchronous durable commits for handlers that answer through a Reply
  // (libs/server/serve_app.h ServeAppCallAsync): the executor thread hands
  // the write over and moves on. Drained at Shutdown before the store
  // closes, and refuses (RESOURCE_EXHAUSTED) beyond 4 × --worker-queue
  // waiting writes.
  CommitPipeline& commits() { return *commits_; }
  metrics::Metrics& metrics() { return *metrics_; }
  const auth::Authenticator& authenticator() const { return *authenticator_; }
  // From --departments-file; open (any name) without it.
  const DepartmentDirectory& departments() const { return departments_; }

 private:
  ServiceHost() = default;
  void RunRetention();

  ServerConfig config_;
  ChannelFactory channels_;
  std::unique_ptr<Clock> owned_clock_;
  Clock* clock_ = nullptr;
  ManualClock* manual_clock_ = nullptr;
  std::string auth_key_;
  DepartmentDirectory departments_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<auth::RateLimiter> rate_limiter_;  // null: no limits
  std::unique_ptr<metrics::Metrics> metrics_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<BoundedExecutor> executor_;
  std::unique_ptr<CommitPipeline> commits_;
  std::unique_ptr<EventStreamService> event_stream_;
  std::unique_ptr<ConsumerProgress> consumer_progress_;
  std::unique_ptr<ConsumerProgressService> consumer_progress_service_;
  std::unique_ptr<TestClockService> test_clock_;
  std::unique_ptr<HealthService> health_;  // from Start; outlives server_
  std::vector<grpc::Service*> services_;
  std::vector<std::function<void()>> shutdown_hooks_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;

  absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_retention_ ABSL_GUARDED_BY(mu_) = false;
  std::string service_token_ ABSL_GUARDED_BY(mu_);
  absl::Time service_token_expiry_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::thread retention_thread_;
};

}  // namespace cs

#endif  // CS_LIBS_SERVER_SERVICE_HOST_H_
