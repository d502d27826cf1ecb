// Test helper: a real producer — Store + Outbox + EventStreamService served by
// an in-process gRPC server on a loopback port. Test-only (not in cs_events).
#ifndef CS_LIBS_EVENTS_TEST_PRODUCER_H_
#define CS_LIBS_EVENTS_TEST_PRODUCER_H_

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/wrappers.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/common/clock.h"
#include "libs/events/event_stream_service.h"
#include "libs/events/outbox.h"
#include "libs/store/store.h"
#include "libs/testing/temp_dir.h"

namespace cs::testing {

class TestProducer {
 public:
  explicit TestProducer(
      EventStreamService::Authorizer authorize =
          [](grpc::CallbackServerContext*) { return absl::OkStatus(); })
      : authorize_(std::move(authorize)) {
    auto store = Store::Open({.path = dir_.Sub("producer"),
                              .column_families = {"state"}});
    EXPECT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    state_ = *store_->Family("state");
    auto outbox = Outbox::Open(*store_, {.producer = "test"}, clock_);
    EXPECT_TRUE(outbox.ok()) << outbox.status();
    outbox_ = *std::move(outbox);
    StartServer(0);
  }
  ~TestProducer() { StopServer(); }

  // Commits a state record and a StringValue event in one batch.
  uint64_t Append(const std::string& text, const std::string& subject = "s/1") {
    WriteSet writes;
    google::protobuf::StringValue payload;
    payload.set_value(text);
    writes.Put(state_, subject, text);
    uint64_t sequence = outbox_->Append(writes, subject, payload);
    EXPECT_TRUE(store_->Commit(writes).ok());
    return sequence;
  }

  void StopServer() {
    if (!server_) return;
    service_->Stop();
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(5));
    server_.reset();
    service_.reset();
  }

  // Restarts the server on the same port (consumers must reconnect).
  void RestartServer() {
    int port = port_;
    StopServer();
    StartServer(port);
  }

  std::string target() const { return absl::StrCat("127.0.0.1:", port_); }
  Outbox& outbox() { return *outbox_; }
  Store& store() { return *store_; }
  ManualClock& clock() { return clock_; }
  EventStreamService& service() { return *service_; }

 private:
  void StartServer(int port) {
    service_ = std::make_unique<EventStreamService>(*outbox_, authorize_);
    grpc::ServerBuilder builder;
    builder.AddListeningPort(absl::StrCat("127.0.0.1:", port),
                             grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr) << "cannot listen on port " << port;
  }

  TempDir dir_;
  ManualClock clock_;
  EventStreamService::Authorizer authorize_;
  std::unique_ptr<Store> store_;
  ColumnFamily state_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<EventStreamService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace cs::testing

#endif  // CS_LIBS_EVENTS_TEST_PRODUCER_H_
