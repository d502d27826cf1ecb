// The echo baseline on a real loopback gRPC server: every form answers with
// the request's payload and text, and the durable form has the payload in
// its store (a real RocksDB) by the time the answer arrives.
#include "tools/csbench/echo_service.h"

#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/server/test_host.h"
#include "libs/testing/loopback_server.h"
#include "libs/testing/temp_dir.h"

namespace cs::csbench {
namespace {

using ::cs::testing::v1::Echo;
using ::cs::testing::v1::EchoRequest;
using ::cs::testing::v1::EchoResponse;

class EchoServiceTest : public ::testing::Test {
 protected:
  void Serve(BoundedExecutor* executor, EchoDurableLog* durable) {
    service_ = std::make_unique<EchoService>(executor, durable);
    int port = 0;
    server_ = cs::testing::ServeOnLoopback(*service_, &port);
    ASSERT_NE(port, 0);
    stub_ = Echo::NewStub(cs::testing::LoopbackChannel(port));
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  EchoResponse Call(const std::string& payload, const std::string& text) {
    EchoRequest request;
    request.set_payload(payload);
    request.set_text(text);
    EchoResponse response;
    grpc::ClientContext context;
    const grpc::Status status = stub_->Echo(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::unique_ptr<EchoService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Echo::Stub> stub_;
};

TEST_F(EchoServiceTest, AnswersOnTheReactorThreadAndFromTheExecutor) {
  BoundedExecutor executor({.threads = 2, .queue_capacity = 8});
  for (BoundedExecutor* where :
       {static_cast<BoundedExecutor*>(nullptr), &executor}) {
    Serve(where, nullptr);
    const EchoResponse response = Call("工单\x01\x02", "手机信号弱");
    EXPECT_EQ(response.payload(), "工单\x01\x02");
    EXPECT_EQ(response.text(), "手机信号弱");
    server_->Shutdown();
    server_.reset();
  }
  executor.Shutdown();
}

TEST_F(EchoServiceTest, TheDurableEchoAnswersOnceThePayloadIsStored) {
  cs::testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<EchoDurableLog>> log =
      EchoDurableLog::Open(dir.Sub("echo"));
  ASSERT_TRUE(log.ok()) << log.status();
  Serve(nullptr, log->get());
  absl::StatusOr<ColumnFamily> family =
      (*log)->store().Family(EchoDurableLog::kFamily);
  ASSERT_TRUE(family.ok()) << family.status();

  EXPECT_EQ(Call("投诉：退款未到账", "一").payload(), "投诉：退款未到账");
  // Read while the server still runs: the answer came after the commit.
  EXPECT_EQ((*log)->store().Get(*family, EncodeBigEndian64(0)).value_or(""),
            "投诉：退款未到账");
  EXPECT_EQ(Call("第二个", "二").text(), "二");
  EXPECT_EQ((*log)->store().Get(*family, EncodeBigEndian64(1)).value_or(""),
            "第二个");
}

}  // namespace
}  // namespace cs::csbench
