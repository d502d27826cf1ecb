#include "libs/metrics/grpc_server_metrics.h"

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/impl/client_unary_call.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "grpcpp/impl/rpc_method.h"
#include "grpcpp/impl/rpc_service_method.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/method_handler.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/sync_stream.h"
#include "gtest/gtest.h"
#include "libs/metrics/metrics.h"
#include "libs/metrics/test_scrape.h"

namespace cs::metrics {
namespace {

using ::cs::metrics::testing::Count;
using ::cs::metrics::testing::Find;
using ::cs::metrics::testing::Sample;
using ::cs::metrics::testing::ToSamples;
using ::testing::Optional;

constexpr char kHealthCheck[] = "/grpc.health.v1.Health/Check";
constexpr char kUnary[] = "/cs.test.Echo/Unary";
constexpr char kStream[] = "/cs.test.Echo/Stream";

grpc::ByteBuffer ToBuffer(const std::string& text) {
  grpc::Slice slice(text);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

// Writes as many messages as the request's decimal number, then OK.
class CountingWriter final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit CountingWriter(int count) : remaining_(count) { Next(); }
  void OnWriteDone(bool ok) override {
    if (!ok) return Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "x"));
    Next();
  }
  void OnDone() override { delete this; }

 private:
  void Next() {
    if (remaining_-- <= 0) return Finish(grpc::Status::OK);
    message_ = ToBuffer("item");
    StartWrite(&message_);
  }
  int remaining_;
  grpc::ByteBuffer message_;
};

// A callback-API service written the way protoc's CallbackService is, on raw
// bytes so the test needs no .proto: Unary echoes, answering
// INVALID_ARGUMENT to "fail"; Stream sends N messages for the request "N".
class EchoService final : public grpc::Service {
 public:
  EchoService() {
    AddMethod(new grpc::internal::RpcServiceMethod(
        kUnary, grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
    MarkMethodCallback(
        0, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer,
                                                    grpc::ByteBuffer>(
               [](grpc::CallbackServerContext* context,
                  const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
                 grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
                 if (FromBuffer(*request) == "fail") {
                   reactor->Finish(grpc::Status(
                       grpc::StatusCode::INVALID_ARGUMENT, "request: fail"));
                 } else {
                   *response = *request;
                   reactor->Finish(grpc::Status::OK);
                 }
                 return reactor;
               }));
    AddMethod(new grpc::internal::RpcServiceMethod(
        kStream, grpc::internal::RpcMethod::SERVER_STREAMING, nullptr));
    MarkMethodCallback(
        1,
        new grpc::internal::CallbackServerStreamingHandler<grpc::ByteBuffer,
                                                           grpc::ByteBuffer>(
            [](grpc::CallbackServerContext*, const grpc::ByteBuffer* request) {
              int count = 0;
              if (!absl::SimpleAtoi(FromBuffer(*request), &count)) count = 0;
              return new CountingWriter(count);
            }));
  }
};

class GrpcServerMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Metrics>> metrics = Metrics::Create("");
    ASSERT_TRUE(metrics.ok()) << metrics.status();
    metrics_ = *std::move(metrics);

    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(&service_);
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        creators;
    creators.push_back(
        MakeGrpcServerMetricsInterceptorFactory(metrics_->registry()));
    builder.experimental().SetInterceptorCreators(std::move(creators));
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials());
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  grpc::Status Unary(const char* method, const std::string& request,
                     std::string* response = nullptr) {
    grpc::ClientContext context;
    grpc::ByteBuffer reply;
    grpc::internal::RpcMethod rpc(method, grpc::internal::RpcMethod::NORMAL_RPC,
                                  channel_);
    grpc::Status status = grpc::internal::BlockingUnaryCall(
        channel_.get(), rpc, &context, ToBuffer(request), &reply);
    if (response != nullptr) *response = FromBuffer(reply);
    return status;
  }

  std::vector<Sample> Samples() { return ToSamples(metrics_->Collect()); }

  std::unique_ptr<Metrics> metrics_;
  EchoService service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

using Labels = std::map<std::string, std::string>;

const Labels kHealthLabels = {{"grpc_service", "grpc.health.v1.Health"},
                              {"grpc_method", "Check"},
                              {"grpc_type", "unary"}};

Labels With(Labels labels, const std::string& key, const std::string& value) {
  labels[key] = value;
  return labels;
}

TEST_F(GrpcServerMetricsTest, CountsHealthChecksExactly) {
  // HealthCheckRequest{service: ""} serialises to zero bytes.
  constexpr int kCalls = 3;
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_TRUE(Unary(kHealthCheck, "").ok());
  }
  std::vector<Sample> samples = Samples();
  EXPECT_THAT(Find(samples, "grpc_server_started_total", kHealthLabels),
              Optional(3.0));
  const Labels ok = With(kHealthLabels, "grpc_code", "OK");
  EXPECT_THAT(Find(samples, "grpc_server_handled_total", ok), Optional(3.0));
  EXPECT_THAT(Find(samples, "grpc_server_handling_seconds_count", ok),
              Optional(3.0));
  EXPECT_THAT(Find(samples, "grpc_server_handling_seconds_bucket",
                   With(ok, "le", "+Inf")),
              Optional(3.0));
  EXPECT_THAT(Find(samples, "grpc_server_msg_received_total", kHealthLabels),
              Optional(3.0));
  EXPECT_THAT(Find(samples, "grpc_server_msg_sent_total", kHealthLabels),
              Optional(3.0));
  // Only codes that occurred have series.
  EXPECT_EQ(Count(samples, "grpc_server_handled_total", kHealthLabels), 1);

  // HealthCheckRequest{service: "nope"}: field 1, length 4.
  EXPECT_EQ(Unary(kHealthCheck, std::string("\x0a\x04nope", 6)).error_code(),
            grpc::StatusCode::NOT_FOUND);
  samples = Samples();
  EXPECT_THAT(Find(samples, "grpc_server_started_total", kHealthLabels),
              Optional(4.0));
  EXPECT_THAT(Find(samples, "grpc_server_handled_total", ok), Optional(3.0));
  const Labels not_found = With(kHealthLabels, "grpc_code", "NOT_FOUND");
  EXPECT_THAT(Find(samples, "grpc_server_handled_total", not_found),
              Optional(1.0));
  EXPECT_THAT(Find(samples, "grpc_server_handling_seconds_count", not_found),
              Optional(1.0));
}

TEST_F(GrpcServerMetricsTest, CountsCallbackUnaryByCode) {
  const Labels labels = {{"grpc_service", "cs.test.Echo"},
                         {"grpc_method", "Unary"},
                         {"grpc_type", "unary"}};
  std::string response;
  ASSERT_TRUE(Unary(kUnary, "hello", &response).ok());
  EXPECT_EQ(response, "hello");
  ASSERT_TRUE(Unary(kUnary, "again").ok());
  EXPECT_EQ(Unary(kUnary, "fail").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  const std::vector<Sample> samples = Samples();
  EXPECT_THAT(Find(samples, "grpc_server_started_total", labels),
              Optional(3.0));
  EXPECT_THAT(Find(samples, "grpc_server_handled_total",
                   With(labels, "grpc_code", "OK")),
              Optional(2.0));
  EXPECT_THAT(Find(samples, "grpc_server_handled_total",
                   With(labels, "grpc_code", "INVALID_ARGUMENT")),
              Optional(1.0));
  EXPECT_THAT(Find(samples, "grpc_server_handling_seconds_count",
                   With(labels, "grpc_code", "INVALID_ARGUMENT")),
              Optional(1.0));
  // The failed call sent no message.
  EXPECT_THAT(Find(samples, "grpc_server_msg_sent_total", labels),
              Optional(2.0));
  EXPECT_THAT(Find(samples, "grpc_server_msg_received_total", labels),
              Optional(3.0));
  // Latency lands in the configured buckets; a local echo is under 10 s.
  EXPECT_THAT(Find(samples, "grpc_server_handling_seconds_bucket",
                   With(With(labels, "grpc_code", "OK"), "le", "10")),
              Optional(2.0));
  EXPECT_EQ(Count(samples, "grpc_server_handling_seconds_bucket",
                  With(labels, "grpc_code", "OK")),
            15);  // 14 bounds + Inf
}

TEST_F(GrpcServerMetricsTest, CountsServerStreamMessages) {
  grpc::ClientContext context;
  grpc::internal::RpcMethod rpc(
      kStream, grpc::internal::RpcMethod::SERVER_STREAMING, channel_);
  std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
      grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(
          channel_.get(), rpc, &context, ToBuffer("5")));
  grpc::ByteBuffer message;
  int received = 0;
  while (reader->Read(&message)) ++received;
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(received, 5);

  const Labels labels = {{"grpc_service", "cs.test.Echo"},
                         {"grpc_method", "Stream"},
                         {"grpc_type", "server_stream"}};
  const std::vector<Sample> samples = Samples();
  EXPECT_THAT(Find(samples, "grpc_server_started_total", labels),
              Optional(1.0));
  EXPECT_THAT(Find(samples, "grpc_server_msg_sent_total", labels),
              Optional(5.0));
  EXPECT_THAT(Find(samples, "grpc_server_msg_received_total", labels),
              Optional(1.0));
  EXPECT_THAT(Find(samples, "grpc_server_handled_total",
                   With(labels, "grpc_code", "OK")),
              Optional(1.0));
}

TEST_F(GrpcServerMetricsTest, FoldsUnknownMethodsIntoOneSeries) {
  EXPECT_EQ(Unary("/cs.test.Nope/Missing", "").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(Unary("/cs.test.Echo/Missing", "").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(Unary("/random-junk-12345", "").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);

  const Labels unknown = {{"grpc_service", "unknown"},
                          {"grpc_method", "unknown"}};
  const std::vector<Sample> samples = Samples();
  EXPECT_THAT(Find(samples, "grpc_server_started_total", unknown),
              Optional(3.0));
  EXPECT_THAT(Find(samples, "grpc_server_handled_total",
                   With(unknown, "grpc_code", "UNIMPLEMENTED")),
              Optional(3.0));
  EXPECT_EQ(Count(samples, "grpc_server_started_total"), 1);
  EXPECT_EQ(
      Count(samples, "grpc_server_started_total", {{"grpc_method", "Missing"}}),
      0);
}

TEST_F(GrpcServerMetricsTest, CountsExactlyUnderConcurrency) {
  constexpr int kThreads = 4;
  constexpr int kCallsPerThread = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        if (!Unary(kHealthCheck, "").ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(failures.load(), 0);
  const std::vector<Sample> samples = Samples();
  constexpr double kTotal = kThreads * kCallsPerThread;
  EXPECT_THAT(Find(samples, "grpc_server_started_total", kHealthLabels),
              Optional(kTotal));
  EXPECT_THAT(Find(samples, "grpc_server_handled_total",
                   With(kHealthLabels, "grpc_code", "OK")),
              Optional(kTotal));
  EXPECT_THAT(Find(samples, "grpc_server_handling_seconds_count",
                   With(kHealthLabels, "grpc_code", "OK")),
              Optional(kTotal));
}

// A sync-API service on raw bytes, as protoc's Service would be.
class SyncEchoService final : public grpc::Service {
 public:
  SyncEchoService() {
    AddMethod(new grpc::internal::RpcServiceMethod(
        "/cs.test.SyncEcho/Unary", grpc::internal::RpcMethod::NORMAL_RPC,
        new grpc::internal::RpcMethodHandler<SyncEchoService, grpc::ByteBuffer,
                                             grpc::ByteBuffer>(
            [](SyncEchoService*, grpc::ServerContext*,
               const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
              *response = *request;
              return grpc::Status::OK;
            },
            this)));
  }
};

TEST(GrpcServerMetricsSyncTest, WorksWithTheSyncApiToo) {
  absl::StatusOr<std::unique_ptr<Metrics>> metrics = Metrics::Create("");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  SyncEchoService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&service);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      creators;
  creators.push_back(
      MakeGrpcServerMetricsInterceptorFactory((*metrics)->registry()));
  // Two factories on one registry share the families.
  creators.push_back(
      MakeGrpcServerMetricsInterceptorFactory((*metrics)->registry()));
  builder.experimental().SetInterceptorCreators(std::move(creators));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  std::shared_ptr<grpc::Channel> channel = grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());

  grpc::ClientContext context;
  grpc::ByteBuffer reply;
  grpc::internal::RpcMethod rpc("/cs.test.SyncEcho/Unary",
                                grpc::internal::RpcMethod::NORMAL_RPC, channel);
  ASSERT_TRUE(grpc::internal::BlockingUnaryCall(channel.get(), rpc, &context,
                                                ToBuffer("x"), &reply)
                  .ok());
  grpc::ClientContext context2;
  grpc::internal::RpcMethod missing("/cs.test.SyncEcho/Missing",
                                    grpc::internal::RpcMethod::NORMAL_RPC,
                                    channel);
  EXPECT_EQ(grpc::internal::BlockingUnaryCall(channel.get(), missing, &context2,
                                              ToBuffer("x"), &reply)
                .error_code(),
            grpc::StatusCode::UNIMPLEMENTED);

  const std::vector<Sample> samples = ToSamples((*metrics)->Collect());
  // Each of the two interceptors counts once.
  EXPECT_THAT(Find(samples, "grpc_server_handled_total",
                   {{"grpc_service", "cs.test.SyncEcho"},
                    {"grpc_method", "Unary"},
                    {"grpc_code", "OK"}}),
              Optional(2.0));
  // The sync server's unknown-method path is folded as well.
  EXPECT_THAT(Find(samples, "grpc_server_handled_total",
                   {{"grpc_service", "unknown"},
                    {"grpc_method", "unknown"},
                    {"grpc_code", "UNIMPLEMENTED"}}),
              Optional(2.0));
  EXPECT_EQ(
      Count(samples, "grpc_server_started_total", {{"grpc_method", "Missing"}}),
      0);
  server->Shutdown();
}

TEST(GrpcCodeNameTest, CanonicalNames) {
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::INVALID_ARGUMENT),
            "INVALID_ARGUMENT");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::UNAUTHENTICATED), "UNAUTHENTICATED");
  EXPECT_EQ(GrpcCodeName(static_cast<grpc::StatusCode>(99)), "UNKNOWN");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::DO_NOT_USE), "UNKNOWN");
}

TEST(SplitGrpcMethodNameTest, SplitsServiceAndMethod) {
  using Pair = std::pair<std::string, std::string>;
  EXPECT_EQ(SplitGrpcMethodName("/cs.tickets.v1.TicketService/GetTicket"),
            Pair("cs.tickets.v1.TicketService", "GetTicket"));
  EXPECT_EQ(SplitGrpcMethodName("/Svc/M"), Pair("Svc", "M"));
  EXPECT_EQ(SplitGrpcMethodName("no-slash"), Pair("unknown", "no-slash"));
  EXPECT_EQ(SplitGrpcMethodName("/only"), Pair("unknown", "/only"));
  EXPECT_EQ(SplitGrpcMethodName("//M"), Pair("unknown", "//M"));
  EXPECT_EQ(SplitGrpcMethodName("/S/"), Pair("unknown", "/S/"));
  EXPECT_EQ(SplitGrpcMethodName("/a/b/c"), Pair("unknown", "/a/b/c"));
  EXPECT_EQ(SplitGrpcMethodName(""), Pair("unknown", ""));
}

}  // namespace
}  // namespace cs::metrics
