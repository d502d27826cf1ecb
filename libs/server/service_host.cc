#include "libs/server/service_host.h"

#include <signal.h>

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "libs/common/log.h"
#include "libs/common/page_token.h"
#include "libs/common/status_macros.h"
#include "libs/common/thread_name.h"
#include "libs/events/consumer.h"
#include "libs/metrics/grpc_server_metrics.h"
#include "libs/metrics/process_collector.h"
#include "libs/server/health_service.h"
#include "libs/server/host_rate_limiter.h"
#include "libs/server/request_guard.h"
#include "libs/server/test_clock_service.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"

namespace cs {
namespace {

using auth::Role;
using auth::RoleSet;

// Who may read a service's event log: other services and operators.
constexpr RoleSet kEventReaders{Role::kService, Role::kAdmin,
                                Role::kSupervisor, Role::kDirector};
constexpr absl::Duration kServiceTokenLifetime = absl::Hours(1);
constexpr absl::Duration kRetentionInterval = absl::Hours(1);

std::chrono::system_clock::time_point Deadline(absl::Duration from_now) {
  return absl::ToChronoTime(absl::Now() + from_now);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceHost>> ServiceHost::Create(
    ServerConfig config, std::vector<std::string> column_families,
    Clock* clock) {
  RETURN_IF_ERROR(ValidateServerConfig(config));
  std::unique_ptr<ServiceHost> host(new ServiceHost());
  host->config_ = std::move(config);
  const ServerConfig& c = host->config_;
  ClientTlsConfig client_tls = c.client_tls;
  client_tls.reload_interval = c.tls.reload_interval;
  host->channels_ = ChannelFactory(client_tls);

  if (clock != nullptr) {
    host->clock_ = clock;
    host->manual_clock_ = dynamic_cast<ManualClock*>(clock);
  } else if (c.clock == "manual") {
    auto manual = std::make_unique<ManualClock>(absl::Now());
    host->manual_clock_ = manual.get();
    host->owned_clock_ = std::move(manual);
    host->clock_ = host->owned_clock_.get();
  } else {
    host->clock_ = &SystemClock::Get();
  }

  ASSIGN_OR_RETURN(host->auth_key_, auth::LoadKeyFile(c.auth_key_file));
  if (!c.departments_file.empty()) {
    absl::StatusOr<DepartmentDirectory> departments =
        LoadDepartmentsFile(c.departments_file);
    if (!departments.ok()) {
      return absl::Status(
          departments.status().code(),
          absl::StrCat("--departments-file: ", departments.status().message()));
    }
    host->departments_ = *std::move(departments);
  }
  // Page tokens from one replica must be accepted by the others and after a
  // restart: every instance of the suite shares the auth key.
  SetPageTokenSecret(host->auth_key_);
  ASSIGN_OR_RETURN(auth::TokenVerifier verifier,
                   auth::TokenVerifier::Create({.key = host->auth_key_,
                                                .issuer = c.auth_issuer,
                                                .audience = c.auth_audience},
                                               // Token lifetimes are real
                                               // time even when the business
                                               // clock is manual: moving a
                                               // test clock must not expire
                                               // (or revive) credentials.
                                               SystemClock::Get()));
  host->verifier_ = std::make_unique<auth::TokenVerifier>(std::move(verifier));
  host->authenticator_ =
      std::make_unique<auth::Authenticator>(*host->verifier_);

  std::string metrics_address =
      c.metrics_port < 0 ? "" : absl::StrCat(c.host, ":", c.metrics_port);
  ASSIGN_OR_RETURN(host->metrics_, metrics::Metrics::Create(metrics_address));
  metrics::RegisterProcessCollector(*host->metrics_);
  ASSIGN_OR_RETURN(
      host->rate_limiter_,
      MakeHostRateLimiter(c.rate_limit, *host->clock_, *host->metrics_));

  ASSIGN_OR_RETURN(
      host->store_,
      Store::Open({.path = absl::StrCat(c.data_dir, "/", c.service_name),
                   .column_families = std::move(column_families),
                   .sync = c.sync,
                   .compress = c.store_compression}));
  Store* store = host->store_.get();
  host->metrics_->AddGaugeCallback(
      "cs_store_", "Storage engine property of this service's store",
      [store] { return store->Properties(); });

  ASSIGN_OR_RETURN(host->outbox_,
                   Outbox::Open(*host->store_,
                                {.producer = c.service_name,
                                 .partition = static_cast<uint32_t>(c.partition)},
                                *host->clock_));
  Outbox* outbox = host->outbox_.get();
  host->metrics_->AddGaugeCallback(
      "cs_events_", "Event log bounds of this service", [outbox] {
        return std::vector<std::pair<std::string, double>>{
            {"last_sequence", static_cast<double>(outbox->VisibleSequence())},
            {"first_sequence", static_cast<double>(outbox->FirstSequence())}};
      });

  host->executor_ = std::make_unique<BoundedExecutor>(BoundedExecutor::Options{
      .threads = c.worker_threads,
      .queue_capacity = static_cast<size_t>(c.worker_queue)});
  host->commits_ = std::make_unique<CommitPipeline>(
      *host->store_,
      CommitPipeline::Options{.max_pending =
                                  4 * static_cast<size_t>(c.worker_queue)});
  CommitPipeline* commits = host->commits_.get();
  host->metrics_->AddGaugeCallback(
      "cs_commit_pipeline_", "Writes waiting for the asynchronous committer",
      [commits] {
        return std::vector<std::pair<std::string, double>>{
            {"pending", static_cast<double>(commits->pending())}};
      });

  ServiceHost* self = host.get();
  auto authorize_readers = [self](grpc::CallbackServerContext* context) {
    return self->Authorize(*context, kEventReaders).status();
  };
  host->event_stream_ =
      std::make_unique<EventStreamService>(*host->outbox_, authorize_readers);
  host->services_.push_back(host->event_stream_.get());
  // Waits are operational pacing: real time even under --clock=manual.
  host->consumer_progress_ =
      std::make_unique<ConsumerProgress>(SystemClock::Get());
  host->consumer_progress_service_ = std::make_unique<ConsumerProgressService>(
      *host->consumer_progress_, authorize_readers,
      [self](std::function<void()> task) {
        return self->executor_->TrySubmit(std::move(task));
      });
  host->services_.push_back(host->consumer_progress_service_.get());
  if (host->manual_clock_ != nullptr) {
    host->test_clock_ = std::make_unique<TestClockService>(
        *host->manual_clock_, [self](grpc::CallbackServerContext* context) {
          return self->Authorize(*context, {Role::kAdmin}).status();
        });
    host->services_.push_back(host->test_clock_.get());
  }
  return host;
}

ServiceHost::~ServiceHost() { Shutdown(); }

void ServiceHost::RegisterService(grpc::Service* service) {
  services_.push_back(service);
}

void ServiceHost::AddShutdownHook(std::function<void()> hook) {
  shutdown_hooks_.push_back(std::move(hook));
}

absl::Status ServiceHost::Start() {
  absl::MutexLock lock(&mu_);
  if (started_) return absl::FailedPreconditionError("host already started");
  // Our own health service (see health_service.h) instead of gRPC's.
  grpc::EnableDefaultHealthCheckService(false);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  std::string address = absl::StrCat(config_.host, ":", config_.port);
  builder.AddListeningPort(address, MakeServerCredentials(config_.tls), &port_);
  // gRPC enables SO_REUSEPORT by default, which would let a second server
  // silently share the port; a taken port must be an error instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(config_.max_message_bytes);
  builder.SetMaxSendMessageSize(config_.max_message_bytes);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(
      metrics::MakeGrpcServerMetricsInterceptorFactory(metrics_->registry()));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::vector<std::string> served;
  for (grpc::Service* service : services_) {
    GuardRequestParsing(*service);
    builder.RegisterService(service);
    served.push_back(ServiceFullName(*service));
  }
  health_ = std::make_unique<HealthService>(std::move(served));
  builder.RegisterService(health_.get());

  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return absl::UnavailableError(
        absl::StrCat("cannot serve gRPC on ", address, " (port in use?)"));
  }
  health_->SetServing(true);
  started_ = true;
  if (config_.event_retention > absl::ZeroDuration()) {
    retention_thread_ = std::thread([this] {
      NameThisThread("cs-retention");
      RunRetention();
    });
  }
  Log(LogLevel::kInfo, config_.service_name,
      absl::StrCat("serving gRPC on ", config_.host, ":", port_,
                   config_.tls.cert_file.empty()        ? " (plaintext)"
                   : config_.tls.client_ca_file.empty() ? " (TLS)"
                                                        : " (mutual TLS)",
                   metrics_->port() > 0
                       ? absl::StrCat(", metrics on port ", metrics_->port())
                       : ", metrics endpoint off",
                   ", clock ", config_.clock));
  return absl::OkStatus();
}

void ServiceHost::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return;
    shut_down_ = true;
    stop_retention_ = true;
  }
  if (server_) {
    // Load balancers and probes see NOT_SERVING before anything stops.
    health_->Stop();
    event_stream_->Stop();
    consumer_progress_->Stop();
    server_->Shutdown(Deadline(config_.shutdown_grace));
  }
  if (retention_thread_.joinable()) retention_thread_.join();
  for (auto it = shutdown_hooks_.rbegin(); it != shutdown_hooks_.rend(); ++it) {
    (*it)();
  }
  // Create may have failed part-way: release only what exists.
  if (executor_) executor_->Shutdown();
  // After the executor: its last tasks may still hand writes over. Before
  // Wait: the calls those writes answer must finish first.
  if (commits_) commits_->Shutdown();
  if (server_) server_->Wait();
  if (store_) {
    if (absl::Status closed = store_->Close(); !closed.ok()) {
      Log(LogLevel::kError, config_.service_name,
          absl::StrCat("closing the store failed: ", closed.ToString()));
    }
  }
  if (server_) Log(LogLevel::kInfo, config_.service_name, "stopped");
}

void ServiceHost::PrepareProcess() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  RouteProtobufLogs(LogLevel::kWarning);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

int ServiceHost::WaitForTerminationSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int signal = 0;
  sigwait(&signals, &signal);
  return signal;
}

absl::StatusOr<auth::Principal> ServiceHost::Authorize(
    const grpc::ServerContextBase& context, auth::RoleSet allowed) const {
  ASSIGN_OR_RETURN(auth::Principal who, authenticator_->Authenticate(context));
  if (rate_limiter_ != nullptr) RETURN_IF_ERROR(rate_limiter_->Admit(who));
  RETURN_IF_ERROR(auth::RequireAnyRole(who, allowed));
  return who;
}

std::string ServiceHost::ServiceToken() {
  absl::MutexLock lock(&mu_);
  // Verifiers check lifetimes against real time (see Create).
  const absl::Time base = absl::Now();
  if (base + absl::Minutes(10) < service_token_expiry_) return service_token_;
  auth::TokenClaims claims;
  claims.subject = absl::StrCat("service:", config_.service_name);
  claims.roles = {Role::kService};
  claims.issuer = config_.auth_issuer;
  claims.audience = config_.auth_audience;
  claims.issued_at = base;
  claims.expires_at = base + kServiceTokenLifetime;
  absl::StatusOr<std::string> token = auth::MintToken(claims, auth_key_);
  if (!token.ok()) {
    Log(LogLevel::kError, config_.service_name,
        absl::StrCat("cannot mint service token: ", token.status().ToString()));
    return "";
  }
  service_token_ = *token;
  service_token_expiry_ = claims.expires_at;
  return service_token_;
}

int ServiceHost::metrics_port() const { return metrics_->port(); }

std::function<void(uint64_t)> ServiceHost::ConsumerCursorGauge(
    const std::string& consumer, const std::string& producer) {
  auto& family = prometheus::BuildGauge()
                     .Name("cs_consumer_cursor")
                     .Help("Last event sequence applied by a consumer")
                     .Register(metrics_->registry());
  prometheus::Gauge* gauge =
      &family.Add({{"consumer", consumer}, {"producer", producer}});
  // The consumer starts from its stored cursor; an unreadable one is
  // reported by the consumer's own Start, and progress starts at 0.
  absl::StatusOr<uint64_t> stored =
      EventConsumer::StoredCursor(*store_, consumer);
  std::function<void(uint64_t)> progress = consumer_progress_->AddConsumer(
      consumer, producer, stored.value_or(0));
  if (stored.ok()) gauge->Set(static_cast<double>(*stored));
  return [gauge, progress](uint64_t cursor) {
    gauge->Set(static_cast<double>(cursor));
    progress(cursor);
  };
}

std::function<void()> ServiceHost::ConsumerDeadLetterCounter(
    const std::string& consumer, const std::string& producer) {
  auto& family =
      prometheus::BuildCounter()
          .Name("cs_consumer_dead_letters_total")
          .Help("Events a consumer parked as dead letters after its retries")
          .Register(metrics_->registry());
  prometheus::Counter* counter =
      &family.Add({{"consumer", consumer}, {"producer", producer}});
  return [counter] { counter->Increment(); };
}

void ServiceHost::RunRetention() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (clock_->AwaitWithDeadline(&mu_, absl::Condition(&stop_retention_),
                                    clock_->Now() + kRetentionInterval)) {
        return;
      }
    }
    absl::StatusOr<uint64_t> removed =
        outbox_->TrimBefore(clock_->Now() - config_.event_retention);
    if (!removed.ok()) {
      Log(LogLevel::kWarning, config_.service_name,
          absl::StrCat("event retention failed: ", removed.status().ToString()));
    }
  }
}

}  // namespace cs
