#include "libs/events/consumer.h"

#include <atomic>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_macros.h"
#include "libs/events/test_producer.h"

namespace cs {
namespace {

constexpr absl::Duration kWait = absl::Seconds(30);

class ConsumerTest : public ::testing::Test {
 protected:
  ConsumerTest() {
    store_ = *Store::Open({.path = dir_.Sub("consumer"),
                           .column_families = {"effects"}});
    effects_ = *store_->Family("effects");
  }

  std::unique_ptr<EventConsumer> MakeConsumer(
      std::function<absl::Status(const common::v1::Event&)> check =
          [](const common::v1::Event&) { return absl::OkStatus(); }) {
    return std::make_unique<EventConsumer>(
        *store_,
        EventConsumer::Options{
            .name = "test<-producer",
            .target = producer_.target(),
            .types = {},
            .token = nullptr,
            .initial_backoff = absl::Milliseconds(1),
            .max_backoff = absl::Milliseconds(20),
            .max_attempts = 3,
            .on_cursor = [this](uint64_t c) { last_cursor_ = c; },
            .on_dead_letter = [this] { ++dead_letters_seen_; }},
        [this, check](const common::v1::Event& event, WriteSet& writes) {
          ++handled_;
          RETURN_IF_ERROR(check(event));
          google::protobuf::StringValue v;
          event.payload().UnpackTo(&v);
          writes.Put(effects_, EncodeBigEndian64(event.sequence()), v.value());
          return absl::OkStatus();
        });
  }

  std::vector<uint64_t> Effects() {
    std::vector<uint64_t> out;
    EXPECT_TRUE(store_
                    ->Scan(effects_, "", "", 0,
                           [&](absl::string_view k, absl::string_view) {
                             uint64_t s = 0;
                             DecodeBigEndian64(k, &s);
                             out.push_back(s);
                             return true;
                           })
                    .ok());
    return out;
  }

  testing::TestProducer producer_;
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  ColumnFamily effects_;
  std::atomic<int> handled_{0};
  std::atomic<uint64_t> last_cursor_{0};
  std::atomic<int> dead_letters_seen_{0};
};

std::vector<uint64_t> Range(uint64_t from, uint64_t to) {
  std::vector<uint64_t> out;
  for (uint64_t i = from; i <= to; ++i) out.push_back(i);
  return out;
}

TEST_F(ConsumerTest, AppliesEachEventOnceAndResumesExactlyAfterRestart) {
  for (int i = 0; i < 10; ++i) producer_.Append(absl::StrCat("工单", i));
  auto consumer = MakeConsumer();
  ASSERT_TRUE(consumer->Start().ok());
  ASSERT_TRUE(consumer->WaitForCursor(10, kWait));
  consumer->Stop();
  EXPECT_EQ(handled_.load(), 10);
  EXPECT_EQ(*EventConsumer::StoredCursor(*store_, "test<-producer"), 10u);
  EXPECT_EQ(last_cursor_.load(), 10u);

  for (int i = 10; i < 15; ++i) producer_.Append(absl::StrCat("工单", i));
  handled_ = 0;
  auto restarted = MakeConsumer();
  ASSERT_TRUE(restarted->Start().ok());
  ASSERT_TRUE(restarted->WaitForCursor(15, kWait));
  restarted->Stop();
  EXPECT_EQ(handled_.load(), 5);  // only 11..15: nothing applied twice
  EXPECT_EQ(Effects(), Range(1, 15));
  EXPECT_EQ(*store_->Get(effects_, EncodeBigEndian64(12)), "工单11");
}

TEST_F(ConsumerTest, FilteredConsumerReachesTheLogEndWithoutApplyingOrStoring) {
  auto consumer = std::make_unique<EventConsumer>(
      *store_,
      EventConsumer::Options{.name = "test<-producer",
                             .target = producer_.target(),
                             .types = {"TicketClosed"},
                             .on_cursor =
                                 [this](uint64_t c) { last_cursor_ = c; }},
      [this](const common::v1::Event&, WriteSet&) {
        ++handled_;
        return absl::OkStatus();
      });
  ASSERT_TRUE(consumer->Start().ok());
  for (int i = 0; i < 3; ++i) producer_.Append(absl::StrCat("工单", i));
  ASSERT_TRUE(consumer->WaitForCursor(3, kWait));
  consumer->Stop();
  EXPECT_EQ(handled_.load(), 0);
  EXPECT_EQ(last_cursor_.load(), 3u);
  // Nothing applied, so nothing stored: a restart skips them again.
  EXPECT_EQ(*EventConsumer::StoredCursor(*store_, "test<-producer"), 0u);
}

TEST_F(ConsumerTest, EventsOfOneGroupSeeEarlierEffectsAndAnnounceInOrder) {
  // Produced before the consumer starts, so they arrive together and are
  // applied in groups with one fsync each.
  for (int i = 1; i <= 300; ++i) producer_.Append(absl::StrCat("事件", i));
  absl::Mutex mu;
  std::vector<uint64_t> announced;
  int stale_reads = 0;
  EventConsumer consumer(
      *store_, {.name = "group<-producer", .target = producer_.target()},
      [&](const common::v1::Event& event, WriteSet& writes) {
        ++handled_;
        const uint64_t seq = event.sequence();
        if (seq > 1 &&
            !store_->Get(effects_, EncodeBigEndian64(seq - 1)).ok()) {
          ++stale_reads;  // the previous event's batch must be readable
        }
        writes.Put(effects_, EncodeBigEndian64(seq), "效果");
        writes.OnCommit([&, seq](bool ok) {
          absl::MutexLock lock(&mu);
          if (ok) announced.push_back(seq);
        });
        return absl::OkStatus();
      });
  ASSERT_TRUE(consumer.Start().ok());
  ASSERT_TRUE(consumer.WaitForCursor(300, kWait));
  consumer.Stop();
  EXPECT_EQ(stale_reads, 0);
  EXPECT_EQ(handled_.load(), 300);
  absl::MutexLock lock(&mu);
  EXPECT_EQ(announced, Range(1, 300));  // every batch announced, in order
}

TEST_F(ConsumerTest, ReconnectsAfterProducerRestart) {
  auto consumer = MakeConsumer();
  ASSERT_TRUE(consumer->Start().ok());
  producer_.Append("before");
  ASSERT_TRUE(consumer->WaitForCursor(1, kWait));
  producer_.StopServer();
  producer_.Append("while down");
  producer_.RestartServer();
  producer_.Append("after");
  ASSERT_TRUE(consumer->WaitForCursor(3, kWait));
  EXPECT_EQ(Effects(), Range(1, 3));
}

TEST_F(ConsumerTest, RetriesFailingEventThenDeadLettersIt) {
  std::atomic<int> attempts_on_2{0};
  auto consumer = MakeConsumer([&](const common::v1::Event& e) {
    if (e.sequence() == 2) {
      ++attempts_on_2;
      return absl::UnavailableError("downstream busy");
    }
    return absl::OkStatus();
  });
  for (int i = 0; i < 3; ++i) producer_.Append("x");
  ASSERT_TRUE(consumer->Start().ok());
  ASSERT_TRUE(consumer->WaitForCursor(3, kWait));
  EXPECT_EQ(attempts_on_2.load(), 3);  // max_attempts
  EXPECT_EQ(consumer->dead_lettered(), 1u);
  EXPECT_EQ(dead_letters_seen_.load(), 1);  // the hook behind the metric
  EXPECT_EQ(Effects(), (std::vector<uint64_t>{1, 3}));
}

TEST_F(ConsumerTest, TransientFailureIsRetriedNotSkipped) {
  std::atomic<int> failures_left{2};
  auto consumer = MakeConsumer([&](const common::v1::Event& e) {
    if (e.sequence() == 1 && failures_left.fetch_sub(1) > 0) {
      return absl::UnavailableError("try again");
    }
    return absl::OkStatus();
  });
  producer_.Append("once");
  ASSERT_TRUE(consumer->Start().ok());
  ASSERT_TRUE(consumer->WaitForCursor(1, kWait));
  EXPECT_EQ(consumer->dead_lettered(), 0u);
  EXPECT_EQ(dead_letters_seen_.load(), 0);
  EXPECT_EQ(Effects(), Range(1, 1));
}

}  // namespace
}  // namespace cs
