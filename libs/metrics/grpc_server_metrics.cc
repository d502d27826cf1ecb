#include "libs/metrics/grpc_server_metrics.h"

#include <array>
#include <chrono>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/server_context.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"

namespace cs::metrics {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::InterceptorBatchMethods;
using grpc::experimental::ServerRpcInfo;

constexpr int kNumCodes = 17;
constexpr char kUnknownLabel[] = "unknown";  // grpc::StatusCode 0 (OK) .. 16

constexpr std::array<absl::string_view, kNumCodes> kCodeNames = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

int CodeIndex(grpc::StatusCode code) {
  const int i = static_cast<int>(code);
  return i >= 0 && i < kNumCodes ? i
                                 : static_cast<int>(grpc::StatusCode::UNKNOWN);
}

absl::string_view TypeName(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY:
      return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unknown";
}

// Metric objects for one (method, code).
struct CodeMetrics {
  prometheus::Counter* handled = nullptr;
  prometheus::Histogram* handling = nullptr;
};

class Factory;

// Metric objects for one method; code-specific ones are created on first use.
struct MethodMetrics {
  prometheus::Labels labels;  // grpc_service, grpc_method, grpc_type
  prometheus::Counter* started = nullptr;
  prometheus::Counter* msg_received = nullptr;
  prometheus::Counter* msg_sent = nullptr;
  std::array<CodeMetrics, kNumCodes> by_code;  // guarded by Factory::mu_
};

class Factory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit Factory(prometheus::Registry& registry);

  grpc::experimental::Interceptor* CreateServerInterceptor(
      ServerRpcInfo* info) override;

  // The cached metrics for `full_method`, created on first use. Never null.
  MethodMetrics* ForMethod(absl::string_view full_method,
                           ServerRpcInfo::Type type);
  CodeMetrics ForCode(MethodMetrics* method, grpc::StatusCode code);

 private:
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& handling_;
  prometheus::Family<prometheus::Counter>& msg_received_;
  prometheus::Family<prometheus::Counter>& msg_sent_;

  absl::Mutex mu_;
  // Pointers into the map's values stay valid: the values are heap-allocated
  // and never erased.
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>> methods_
      ABSL_GUARDED_BY(mu_);
};

// One per RPC, owned by gRPC. Intercept may run on several threads, even
// concurrently for a read and a write of one stream; the counters are atomic,
// and finished_ is touched only by the one PRE_SEND_STATUS batch and the
// destructor, which gRPC orders.
class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(Factory* factory, MethodMetrics* method)
      : factory_(factory),
        method_(method),
        start_(std::chrono::steady_clock::now()) {
    method_->started->Increment();
  }

  ~MetricsInterceptor() override {
    if (!finished_) Finish(grpc::StatusCode::CANCELLED);
  }

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      method_->msg_received->Increment();
    }
    // Counted when the handler hands the message over, not after the send
    // completes: a unary response and its status go out in one batch whose
    // POST_SEND hooks may run after the client already has the answer.
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      method_->msg_sent->Increment();
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS) &&
        !finished_) {
      Finish(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Finish(grpc::StatusCode code) {
    finished_ = true;
    const std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - start_;
    const CodeMetrics metrics = factory_->ForCode(method_, code);
    metrics.handled->Increment();
    metrics.handling->Observe(elapsed.count());
  }

  Factory* const factory_;
  MethodMetrics* const method_;
  const std::chrono::steady_clock::time_point start_;
  bool finished_ = false;
};

const prometheus::Histogram::BucketBoundaries& HandlingBuckets() {
  static const auto* const kBuckets =
      new prometheus::Histogram::BucketBoundaries{
          .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
  return *kBuckets;
}

Factory::Factory(prometheus::Registry& registry)
    : started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("Total number of RPCs started on the server.")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("Total number of RPCs completed on the server, "
                         "regardless of success or failure.")
                   .Register(registry)),
      handling_(prometheus::BuildHistogram()
                    .Name("grpc_server_handling_seconds")
                    .Help("Histogram of response latency (seconds) of gRPC "
                          "that had been application-level handled by the "
                          "server.")
                    .Register(registry)),
      msg_received_(prometheus::BuildCounter()
                        .Name("grpc_server_msg_received_total")
                        .Help("Total number of RPC stream messages received "
                              "on the server.")
                        .Register(registry)),
      msg_sent_(prometheus::BuildCounter()
                    .Name("grpc_server_msg_sent_total")
                    .Help("Total number of gRPC stream messages sent by the "
                          "server.")
                    .Register(registry)) {}

grpc::experimental::Interceptor* Factory::CreateServerInterceptor(
    ServerRpcInfo* info) {
  // gRPC routes calls to unregistered methods through a generic handler
  // (answering UNIMPLEMENTED) and runs interceptors on them with the
  // client-chosen method name. Fold them into one series so a client cannot
  // create unbounded label values.
  grpc::ServerContextBase* context = info->server_context();
  const bool generic =
      dynamic_cast<grpc::GenericCallbackServerContext*>(context) != nullptr ||
      dynamic_cast<grpc::GenericServerContext*>(context) != nullptr;
  const char* method = info->method();
  if (generic || method == nullptr) method = "";
  return new MetricsInterceptor(this, ForMethod(method, info->type()));
}

MethodMetrics* Factory::ForMethod(absl::string_view full_method,
                                  ServerRpcInfo::Type type) {
  absl::MutexLock lock(&mu_);
  auto it = methods_.find(full_method);
  if (it != methods_.end()) return it->second.get();
  auto metrics = std::make_unique<MethodMetrics>();
  auto [service, method] =
      full_method.empty()
          ? std::pair<std::string, std::string>(kUnknownLabel, kUnknownLabel)
          : SplitGrpcMethodName(full_method);
  metrics->labels = {{"grpc_service", std::move(service)},
                     {"grpc_method", std::move(method)},
                     {"grpc_type", std::string(TypeName(type))}};
  metrics->started = &started_.Add(metrics->labels);
  metrics->msg_received = &msg_received_.Add(metrics->labels);
  metrics->msg_sent = &msg_sent_.Add(metrics->labels);
  MethodMetrics* result = metrics.get();
  methods_.emplace(std::string(full_method), std::move(metrics));
  return result;
}

CodeMetrics Factory::ForCode(MethodMetrics* method, grpc::StatusCode code) {
  const int index = CodeIndex(code);
  absl::MutexLock lock(&mu_);
  CodeMetrics& metrics = method->by_code[index];
  if (metrics.handled == nullptr) {
    prometheus::Labels labels = method->labels;
    labels.emplace("grpc_code", std::string(kCodeNames[index]));
    metrics.handled = &handled_.Add(labels);
    metrics.handling = &handling_.Add(labels, HandlingBuckets());
  }
  return metrics;
}

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeGrpcServerMetricsInterceptorFactory(prometheus::Registry& registry) {
  return std::make_unique<Factory>(registry);
}

absl::string_view GrpcCodeName(grpc::StatusCode code) {
  return kCodeNames[CodeIndex(code)];
}

std::pair<std::string, std::string> SplitGrpcMethodName(
    absl::string_view full_method) {
  if (full_method.size() > 1 && full_method[0] == '/') {
    const absl::string_view rest = full_method.substr(1);
    const size_t slash = rest.find('/');
    if (slash != absl::string_view::npos && slash > 0 &&
        slash + 1 < rest.size() &&
        rest.find('/', slash + 1) == absl::string_view::npos) {
      return {std::string(rest.substr(0, slash)),
              std::string(rest.substr(slash + 1))};
    }
  }
  return {kUnknownLabel, std::string(full_method)};
}

}  // namespace cs::metrics
