#include "libs/events/event_stream_service.h"

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/events/test_producer.h"

namespace cs {
namespace {

using ::testing::ElementsAre;

class EventStreamServiceTest : public ::testing::Test {
 protected:
  std::unique_ptr<events::v1::EventStream::Stub> Stub() {
    return events::v1::EventStream::NewStub(grpc::CreateChannel(
        producer_.target(), grpc::InsecureChannelCredentials()));
  }
  static void SetDeadline(grpc::ClientContext& context) {
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
  }
  static std::string TextOf(const common::v1::Event& e) {
    google::protobuf::StringValue v;
    e.payload().UnpackTo(&v);
    return v.value();
  }

  testing::TestProducer producer_;
};

TEST_F(EventStreamServiceTest, ReplaysBacklogThenTailsLive) {
  producer_.Append("一");
  producer_.Append("二");
  producer_.Append("三");
  auto stub = Stub();
  grpc::ClientContext context;
  SetDeadline(context);
  events::v1::SubscribeRequest request;
  request.set_from_sequence(2);
  auto reader = stub->Subscribe(&context, request);
  common::v1::Event event;
  std::vector<std::string> seen;
  for (int i = 0; i < 2 && reader->Read(&event); ++i) seen.push_back(TextOf(event));
  EXPECT_THAT(seen, ElementsAre("二", "三"));
  // Caught up: new commits arrive on the open stream.
  producer_.Append("四");
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.sequence(), 4u);
  EXPECT_EQ(TextOf(event), "四");
  context.TryCancel();
  reader->Finish();
}

TEST_F(EventStreamServiceTest, FiltersByTypeServerSide) {
  producer_.Append("text");
  {
    WriteSet writes;
    google::protobuf::Int64Value number;
    number.set_value(7);
    producer_.outbox().Append(writes, "n/1", number);
    ASSERT_TRUE(producer_.store().Commit(writes).ok());
  }
  producer_.Append("more text");
  auto stub = Stub();
  grpc::ClientContext context;
  SetDeadline(context);
  events::v1::SubscribeRequest request;
  request.add_types("Int64Value");
  auto reader = stub->Subscribe(&context, request);
  common::v1::Event event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.sequence(), 2u);
  EXPECT_EQ(event.type(), "Int64Value");
  context.TryCancel();
  reader->Finish();
}

TEST_F(EventStreamServiceTest, ProgressMarkerFollowsSkippedEventsOnceCaughtUp) {
  producer_.Append("工单一");
  {
    WriteSet writes;
    google::protobuf::Int64Value number;
    number.set_value(7);
    producer_.outbox().Append(writes, "n/1", number);
    ASSERT_TRUE(producer_.store().Commit(writes).ok());
  }
  producer_.Append("工单三");
  auto stub = Stub();
  grpc::ClientContext context;
  SetDeadline(context);
  events::v1::SubscribeRequest request;
  request.add_types("Int64Value");
  request.set_progress_markers(true);
  auto reader = stub->Subscribe(&context, request);
  common::v1::Event event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.sequence(), 2u);
  EXPECT_EQ(event.type(), "Int64Value");
  // Event 3 is unwanted: a marker says the stream has seen up to it.
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.sequence(), 3u);
  EXPECT_EQ(event.type(), "");
  EXPECT_FALSE(event.has_payload());
  EXPECT_EQ(event.producer(), "test");
  // A later unwanted commit moves the marker on, live.
  producer_.Append("工单四");
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.sequence(), 4u);
  EXPECT_EQ(event.type(), "");
  context.TryCancel();
  reader->Finish();
}

TEST_F(EventStreamServiceTest, ConcurrentWritersAreDeliveredInOrderWithoutGaps) {
  auto stub = Stub();
  grpc::ClientContext context;
  SetDeadline(context);
  auto reader = stub->Subscribe(&context, events::v1::SubscribeRequest());
  constexpr int kThreads = 8, kPerThread = 50;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        producer_.Append(absl::StrCat("w", t, "-", i));
      }
    });
  }
  common::v1::Event event;
  for (uint64_t expected = 1; expected <= kThreads * kPerThread; ++expected) {
    ASSERT_TRUE(reader->Read(&event));
    ASSERT_EQ(event.sequence(), expected);
  }
  for (auto& w : writers) w.join();
  context.TryCancel();
  reader->Finish();
}

TEST_F(EventStreamServiceTest, TrimmedStartIsOutOfRange) {
  producer_.Append("old");
  producer_.clock().Advance(absl::Hours(48));
  producer_.Append("new");
  ASSERT_EQ(*producer_.outbox().TrimBefore(producer_.clock().Now() -
                                           absl::Hours(24)),
            1u);
  auto stub = Stub();
  grpc::ClientContext context;
  SetDeadline(context);
  events::v1::SubscribeRequest request;
  request.set_from_sequence(1);
  auto reader = stub->Subscribe(&context, request);
  common::v1::Event event;
  EXPECT_FALSE(reader->Read(&event));
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("starts at 2"));
}

TEST_F(EventStreamServiceTest, StopEndsLiveStreamsWithUnavailable) {
  auto stub = Stub();
  grpc::ClientContext context;
  SetDeadline(context);
  auto reader = stub->Subscribe(&context, events::v1::SubscribeRequest());
  producer_.Append("x");
  common::v1::Event event;
  ASSERT_TRUE(reader->Read(&event));
  producer_.service().Stop();
  EXPECT_FALSE(reader->Read(&event));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(EventStreamServiceTest, LogInfoReportsBounds) {
  producer_.Append("a");
  producer_.Append("b");
  auto stub = Stub();
  grpc::ClientContext context;
  events::v1::LogInfo info;
  ASSERT_TRUE(stub->GetLogInfo(&context, {}, &info).ok());
  EXPECT_EQ(info.first_sequence(), 1u);
  EXPECT_EQ(info.last_sequence(), 2u);
  EXPECT_EQ(info.producer(), "test");
}

TEST(EventStreamAuthTest, AuthorizerDecides) {
  testing::TestProducer producer([](grpc::CallbackServerContext*) {
    return absl::PermissionDeniedError("role service required");
  });
  auto stub = events::v1::EventStream::NewStub(grpc::CreateChannel(
      producer.target(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  auto reader = stub->Subscribe(&context, events::v1::SubscribeRequest());
  common::v1::Event event;
  EXPECT_FALSE(reader->Read(&event));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  grpc::ClientContext info_context;
  events::v1::LogInfo info;
  EXPECT_EQ(stub->GetLogInfo(&info_context, {}, &info).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace cs
