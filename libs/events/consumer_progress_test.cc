// cs.events.v1.ConsumerProgress on loopback: a real producer (Store, Outbox,
// EventStream), a real EventConsumer on its own Store, the registry fed by
// the consumer's on_cursor, and a manual clock for the waits' timeouts.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "libs/common/time_proto.h"
#include "libs/events/command_outbox.h"
#include "libs/events/consumer.h"
#include "libs/events/consumer_progress_service.h"
#include "libs/events/test_producer.h"
#include "libs/testing/loopback_server.h"

namespace cs {
namespace {

using events::v1::CommandOutboxState;
using events::v1::ConsumerPosition;
using events::v1::ConsumerPositions;
using events::v1::WaitForCommandsRequest;
using events::v1::WaitForConsumerRequest;
using Stub = events::v1::ConsumerProgress::Stub;

constexpr char kConsumer[] = "质检<-test";

// A ManualClock that tells the test when a wait has begun, so the test moves
// time only once the wait's deadline is fixed.
class WatchedClock final : public Clock {
 public:
  absl::Time Now() const override { return clock_.Now(); }
  bool AwaitWithDeadline(absl::Mutex* mu, const absl::Condition& wake,
                         absl::Time deadline) override {
    {
      absl::MutexLock lock(&waits_mu_);
      ++waits_;
    }
    return clock_.AwaitWithDeadline(mu, wake, deadline);
  }
  // Blocks until `n` waits have begun.
  void AwaitWaits(int n) {
    absl::MutexLock lock(&waits_mu_);
    auto reached = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(waits_mu_) {
      return waits_ >= n;
    };
    waits_mu_.Await(absl::Condition(&reached));
  }
  ManualClock& manual() { return clock_; }

 private:
  ManualClock clock_;
  absl::Mutex waits_mu_;
  int waits_ ABSL_GUARDED_BY(waits_mu_) = 0;
};

class ConsumerProgressTest : public ::testing::Test {
 protected:
  ConsumerProgressTest() {
    store_ = *Store::Open(
        {.path = dir_.Sub("consumer"), .column_families = {"commands"}});
    commands_ = *store_->Family("commands");
    consumer_ = std::make_unique<EventConsumer>(
        *store_,
        EventConsumer::Options{
            .name = kConsumer,
            .target = producer_.target(),
            .initial_backoff = absl::Milliseconds(1),
            .max_backoff = absl::Milliseconds(20),
            .on_cursor = progress_.AddConsumer(kConsumer, "test", 0)},
        [](const common::v1::Event&, WriteSet&) { return absl::OkStatus(); });
    service_ = std::make_unique<ConsumerProgressService>(
        progress_,
        [](grpc::CallbackServerContext* context) {
          auto it = context->client_metadata().find("authorization");
          if (it == context->client_metadata().end() ||
              it->second != "Bearer ops-token") {
            return absl::UnauthenticatedError("no token");
          }
          return absl::OkStatus();
        },
        [this](std::function<void()> task) {
          absl::MutexLock lock(&threads_mu_);
          threads_.emplace_back(std::move(task));
          return absl::OkStatus();
        });
    int port = 0;
    server_ = cs::testing::ServeOnLoopback(*service_, &port);
    stub_ = events::v1::ConsumerProgress::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }

  ~ConsumerProgressTest() override {
    progress_.Stop();
    consumer_->Stop();
    server_->Shutdown();
    absl::MutexLock lock(&threads_mu_);
    for (std::thread& t : threads_) t.join();
  }

  grpc::Status Wait(const WaitForConsumerRequest& request,
                    ConsumerPosition* response,
                    const std::string& token = "ops-token") {
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(60));
    return stub_->WaitForConsumer(&context, request, response);
  }

  grpc::Status Positions(ConsumerPositions* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer ops-token");
    return stub_->GetConsumerPositions(&context, {}, response);
  }

  static WaitForConsumerRequest Request(uint64_t sequence,
                                        absl::Duration timeout) {
    WaitForConsumerRequest request;
    request.set_consumer(kConsumer);
    request.set_min_sequence(sequence);
    *request.mutable_timeout() = ToProtoDuration(timeout);
    return request;
  }

  testing::TestProducer producer_;
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  ColumnFamily commands_;
  WatchedClock clock_;
  ConsumerProgress progress_{clock_};
  std::unique_ptr<EventConsumer> consumer_;
  std::unique_ptr<ConsumerProgressService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Stub> stub_;
  absl::Mutex threads_mu_;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(threads_mu_);
};

TEST_F(ConsumerProgressTest, WaitReturnsOnceTheCursorPassesTheSequence) {
  ASSERT_TRUE(consumer_->Start().ok());
  ConsumerPosition position;
  grpc::Status status;
  // The wait begins before the events exist; the manual clock never moves,
  // so only the consumer's progress can end it.
  std::thread waiter(
      [&] { status = Wait(Request(2, absl::Seconds(30)), &position); });
  clock_.AwaitWaits(1);
  producer_.Append("工单已创建");
  producer_.Append("工单已分派");
  waiter.join();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(position.consumer(), kConsumer);
  EXPECT_EQ(position.producer(), "test");
  EXPECT_GE(position.cursor(), 2u);
}

TEST_F(ConsumerProgressTest, WaitByProducerAndPositionsShowTheCursor) {
  ASSERT_TRUE(consumer_->Start().ok());
  for (int i = 0; i < 3; ++i) producer_.Append(absl::StrCat("投诉", i));
  WaitForConsumerRequest request = Request(3, absl::Seconds(30));
  request.clear_consumer();
  request.set_producer("test");
  ConsumerPosition position;
  grpc::Status status = Wait(request, &position);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(position.cursor(), 3u);
  ConsumerPositions positions;
  ASSERT_TRUE(Positions(&positions).ok());
  ASSERT_EQ(positions.consumers_size(), 1);
  EXPECT_EQ(positions.consumers(0).consumer(), kConsumer);
  EXPECT_EQ(positions.consumers(0).producer(), "test");
  EXPECT_EQ(positions.consumers(0).cursor(), 3u);
}

TEST_F(ConsumerProgressTest, TimesOutNamingTheConsumerAndItsCursor) {
  ASSERT_TRUE(consumer_->Start().ok());
  producer_.Append("工单已创建");
  ASSERT_TRUE(consumer_->WaitForCursor(1, absl::Seconds(30)));
  ConsumerPosition position;
  grpc::Status status;
  std::thread waiter(
      [&] { status = Wait(Request(5, absl::Seconds(10)), &position); });
  clock_.AwaitWaits(1);
  clock_.manual().Advance(absl::Seconds(10));
  waiter.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_NE(status.error_message().find(kConsumer), std::string::npos)
      << status.error_message();
  EXPECT_NE(status.error_message().find("is at 1"), std::string::npos)
      << status.error_message();
}

TEST_F(ConsumerProgressTest, StopEndsWaitsUnavailable) {
  ConsumerPosition position;
  grpc::Status status;
  std::thread waiter(
      [&] { status = Wait(Request(1, absl::Seconds(30)), &position); });
  clock_.AwaitWaits(1);
  progress_.Stop();
  waiter.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ConsumerProgressTest, BadInputIsRejectedNamingTheField) {
  struct Case {
    WaitForConsumerRequest request;
    grpc::StatusCode code;
    std::string mentions;
  };
  std::vector<Case> cases;
  cases.push_back(
      {Request(1, absl::Seconds(1)), grpc::INVALID_ARGUMENT, "timeout"});
  cases.back().request.clear_timeout();
  cases.push_back(
      {Request(1, absl::Seconds(31)), grpc::INVALID_ARGUMENT, "timeout"});
  cases.push_back(
      {Request(1, absl::ZeroDuration()), grpc::INVALID_ARGUMENT, "timeout"});
  cases.push_back(
      {Request(0, absl::Seconds(1)), grpc::INVALID_ARGUMENT, "min_sequence"});
  cases.push_back(
      {Request(1, absl::Seconds(1)), grpc::INVALID_ARGUMENT, "consumer"});
  cases.back().request.set_producer("test");
  cases.push_back(
      {Request(1, absl::Seconds(1)), grpc::INVALID_ARGUMENT, "consumer"});
  cases.back().request.clear_consumer();
  cases.push_back(
      {Request(1, absl::Seconds(1)), grpc::NOT_FOUND, "无此消费者"});
  cases.back().request.set_consumer("无此消费者");
  cases.push_back({Request(1, absl::Seconds(1)), grpc::NOT_FOUND, "ticket"});
  cases.back().request.clear_consumer();
  cases.back().request.set_producer("ticket");
  for (const Case& c : cases) {
    ConsumerPosition position;
    grpc::Status status = Wait(c.request, &position);
    EXPECT_EQ(status.error_code(), c.code) << c.request.DebugString();
    EXPECT_NE(status.error_message().find(c.mentions), std::string::npos)
        << status.error_message();
  }
  ConsumerPosition position;
  EXPECT_EQ(Wait(Request(1, absl::Seconds(1)), &position, "").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Nothing waited and nothing changed.
  ConsumerPositions positions;
  ASSERT_TRUE(Positions(&positions).ok());
  ASSERT_EQ(positions.consumers_size(), 1);
  EXPECT_EQ(positions.consumers(0).cursor(), 0u);
  absl::MutexLock lock(&threads_mu_);
  EXPECT_TRUE(threads_.empty());
}

TEST_F(ConsumerProgressTest, WaitForCommandsReturnsOnceDeliveredOrTimesOut) {
  std::vector<std::string> delivered;
  std::atomic<bool> reachable{true};
  CommandOutbox outbox(
      *store_, commands_,
      [&](absl::string_view key, absl::string_view) {
        if (!reachable) return absl::UnavailableError("工单服务不可达");
        delivered.emplace_back(key);
        return absl::OkStatus();
      },
      {.initial_backoff = absl::Hours(1), .name = "test->ticket"});
  progress_.AddCommandOutbox(
      "test->ticket", [&](absl::Duration t) { return outbox.WaitIdle(t); });
  auto call = [&](const std::string& name) {
    WaitForCommandsRequest request;
    request.set_outbox(name);
    *request.mutable_timeout() = ToProtoDuration(absl::Milliseconds(500));
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer ops-token");
    CommandOutboxState state;
    grpc::Status status = stub_->WaitForCommands(&context, request, &state);
    return std::make_pair(status, state);
  };
  WriteSet writes;
  writes.Put(commands_, "tickets/1", "分派给李工");
  ASSERT_TRUE(store_->Commit(writes).ok());
  outbox.Start();
  auto [ok, state] = call("test->ticket");
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_TRUE(state.idle());
  EXPECT_EQ(delivered, std::vector<std::string>{"tickets/1"});

  // Undeliverable (retried an hour later): the wait ends at its timeout.
  reachable = false;
  WriteSet more;
  more.Put(commands_, "tickets/2", "分派给王工");
  ASSERT_TRUE(store_->Commit(more).ok());
  outbox.Wake();
  auto [late, late_state] = call("test->ticket");
  EXPECT_EQ(late.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_NE(late.error_message().find("test->ticket"), std::string::npos);
  EXPECT_EQ(call("无此发件箱").first.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(call("").first.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  outbox.Stop();
}

}  // namespace
}  // namespace cs
