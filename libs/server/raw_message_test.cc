#include "libs/server/raw_message.h"

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "cs/testing/v1/echo.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/server/serve_app.h"
#include "libs/server/test_host.h"

namespace cs {
namespace {

using auth::Role;
using cs::testing::v1::EchoRequest;
using cs::testing::v1::EchoResponse;
using EchoStub = cs::testing::v1::Echo::Stub;

// Answers with the serialized response, as a store read would.
class RawEchoApp {
 public:
  ~RawEchoApp() {
    for (std::thread& answering : answering_) answering.join();
  }

  absl::StatusOr<std::string> Echo(const auth::Principal& who,
                                   const EchoRequest& request) {
    if (request.text() == "缺失") return absl::NotFoundError("texts/缺失");
    EchoResponse response;
    response.set_text(absl::StrCat(who.subject, "：", request.text()));
    return response.SerializeAsString();
  }

  // Echo answered from another thread after the call returned, as a write
  // answers once it is durable. Keeps the request's bytes as received
  // (last_received()).
  void EchoLater(const auth::Principal& who, const EchoRequest& request,
                 absl::string_view received, Reply<std::string> reply) {
    absl::StatusOr<std::string> answer = Echo(who, request);
    std::lock_guard<std::mutex> lock(mu_);
    last_received_ = std::string(received);
    answering_.emplace_back(
        [reply = std::move(reply), answer] { reply(answer); });
  }

  std::string last_received() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_received_;
  }

 private:
  std::mutex mu_;
  std::vector<std::thread> answering_;
  std::string last_received_;
};

// How the raw method is served: the three raw shapes of serve_app.h.
enum class Shape { kGrpcThread, kExecutor, kAsync };

class RawEchoService final
    : public cs::testing::v1::Echo::WithRawCallbackMethod_Echo<
          cs::testing::v1::Echo::CallbackService> {
 public:
  RawEchoService(ServiceHost& host, RawEchoApp& app, Shape shape)
      : host_(host), app_(app), shape_(shape) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx,
                                 const grpc::ByteBuffer* request,
                                 grpc::ByteBuffer* response) override {
    if (shape_ == Shape::kAsync) {
      return ServeAppRawAsync(host_, app_, ctx, request, response,
                              {Role::kAgent}, &RawEchoApp::EchoLater);
    }
    return ServeAppRaw(
        host_, app_, ctx, request, response, {Role::kAgent}, &RawEchoApp::Echo,
        shape_ == Shape::kGrpcThread ? RunOn::kGrpcThread : RunOn::kExecutor);
  }

 private:
  ServiceHost& host_;
  RawEchoApp& app_;
  const Shape shape_;
};

std::string FieldOf(const absl::Status& status) {
  auto violations = FieldViolationsOf(status);
  return violations.empty() ? "<none>" : violations[0].field;
}

class RawMessageTest : public ::testing::TestWithParam<Shape> {
 protected:
  void SetUp() override {
    auto host =
        ServiceHost::Create(cs::testing::TestServerConfig(dir_, "raw"), {});
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    service_ = std::make_unique<RawEchoService>(*host_, app_, GetParam());
    host_->RegisterService(service_.get());
    ASSERT_TRUE(host_->Start().ok());
    channel_ = cs::testing::LoopbackChannel(host_->port());
    stub_ = cs::testing::v1::Echo::NewStub(channel_);
  }
  void TearDown() override { host_->Shutdown(); }

  absl::StatusOr<EchoResponse> Echo(const std::string& text,
                                    const std::string& token) {
    EchoRequest request;
    request.set_text(text);
    return cs::testing::CallAs(stub_.get(), &EchoStub::Echo, token, request);
  }

  // Sends `bytes` as the request, bypassing the client's serializer.
  absl::Status SendBytes(const std::string& bytes) {
    grpc::GenericStub generic(channel_);
    grpc::ClientContext context;
    context.AddMetadata("authorization",
                        "Bearer " + cs::testing::TestToken({Role::kAgent}));
    grpc::ByteBuffer request = RawResponse(bytes);
    grpc::ByteBuffer response;
    grpc::Status status;
    absl::Notification done;
    generic.UnaryCall(&context, "/cs.testing.v1.Echo/Echo", {}, &request,
                      &response, [&](grpc::Status s) {
                        status = std::move(s);
                        done.Notify();
                      });
    done.WaitForNotification();
    return FromGrpcStatus(status);
  }

  cs::testing::TempDir dir_;
  RawEchoApp app_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<RawEchoService> service_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<EchoStub> stub_;
};

TEST_P(RawMessageTest, RawMethodAnswersTypedClients) {
  const std::string agent = cs::testing::TestToken({Role::kAgent}, "张三");
  absl::StatusOr<EchoResponse> reply = Echo("信号弱，请帮忙", agent);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->text(), "张三：信号弱，请帮忙");
  EXPECT_EQ(Echo("缺失", agent).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Echo("x", "").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Echo("x", cs::testing::TestToken({Role::kQa})).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_P(RawMessageTest, BadRequestsAreInvalidArgumentAsOnTypedMethods) {
  // The client serializes invalid UTF-8 as it is (it only logs).
  const absl::Status not_utf8 =
      Echo(std::string("手机\xff信号"), cs::testing::TestToken({Role::kAgent}))
          .status();
  EXPECT_EQ(not_utf8.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(not_utf8), "text");
  const absl::Status malformed =
      SendBytes(std::string("\x12\x05"
                            "ab",
                            4));
  EXPECT_EQ(malformed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(malformed), "<none>");
  EXPECT_TRUE(SendBytes("").ok());  // the empty request is a valid one
}

TEST_P(RawMessageTest, AnAsyncMethodGetsTheRequestBytesAsReceived) {
  if (GetParam() != Shape::kAsync) GTEST_SKIP() << "only ServeAppRawAsync";
  // Field 2 before field 1: not the order protobuf serializes in.
  const std::string bytes =
      std::string("\x12\x03") + "abc" + std::string("\x0a\x06") + "工单";
  EXPECT_TRUE(SendBytes(bytes).ok());
  EXPECT_EQ(app_.last_received(), bytes);
}

INSTANTIATE_TEST_SUITE_P(EveryRawShape, RawMessageTest,
                         ::testing::Values(Shape::kGrpcThread, Shape::kExecutor,
                                           Shape::kAsync));

TEST(RawMessageBytesTest, BufferBytesJoinsEverySlice) {
  grpc::Slice slices[] = {grpc::Slice(std::string("工单")),
                          grpc::Slice(std::string("")),
                          grpc::Slice(std::string("，投诉"))};
  grpc::ByteBuffer buffer(slices, 3);
  EXPECT_EQ(BufferBytes(buffer), "工单，投诉");
  EXPECT_EQ(BufferBytes(RawResponse("知识库")), "知识库");
  EXPECT_EQ(BufferBytes(grpc::ByteBuffer()), "");
}

}  // namespace
}  // namespace cs
