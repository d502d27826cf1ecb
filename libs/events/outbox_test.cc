#include "libs/events/outbox.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "libs/testing/temp_dir.h"

namespace cs {
namespace {

using ::testing::ElementsAre;

google::protobuf::StringValue Text(const std::string& s) {
  google::protobuf::StringValue v;
  v.set_value(s);
  return v;
}

// Child mode for the crash test: commits (state, event) pairs forever.
const bool kIsCrashChild = [] {
  const char* dir = std::getenv("CS_OUTBOX_CRASH_CHILD_DIR");
  if (dir == nullptr) return false;
  auto store = Store::Open({.path = dir, .column_families = {"state"},
                            .sync = false});
  if (!store.ok()) _exit(3);
  ColumnFamily state = *(*store)->Family("state");
  auto outbox = Outbox::Open(**store, {.producer = "crash"}, SystemClock::Get());
  if (!outbox.ok()) _exit(4);
  for (int i = 1;; ++i) {
    WriteSet writes;
    std::string key = absl::StrCat("ticket-", i);
    writes.Put(state, key, "状态");
    (*outbox)->Append(writes, key, Text(key));
    if (!(*store)->Commit(writes).ok()) _exit(5);
    if (i == 50) {
      std::printf("ready\n");
      std::fflush(stdout);
    }
  }
}();

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    outbox_.reset();
    store_.reset();
    store_ = *Store::Open({.path = dir_.path(), .column_families = {"state"}});
    state_ = *store_->Family("state");
    outbox_ = *Outbox::Open(*store_, {.producer = "ticket", .partition = 3},
                            clock_);
  }
  std::vector<uint64_t> ReadAll(uint64_t from = 1) {
    std::vector<uint64_t> seen;
    auto next = outbox_->Read(from, 0, [&](const common::v1::Event& e) {
      seen.push_back(e.sequence());
    });
    EXPECT_TRUE(next.ok());
    return seen;
  }

  testing::TempDir dir_;
  ManualClock clock_{absl::FromUnixSeconds(1763856000)};
  std::unique_ptr<Store> store_;
  ColumnFamily state_;
  std::unique_ptr<Outbox> outbox_;
};

TEST_F(OutboxTest, EventBecomesVisibleWithItsStateChange) {
  WriteSet writes;
  writes.Put(state_, "tickets/1", "新建");
  uint64_t seq = outbox_->Append(writes, "tickets/1", Text("工单已创建"));
  EXPECT_EQ(seq, 1u);
  EXPECT_EQ(outbox_->VisibleSequence(), 0u);
  EXPECT_TRUE(ReadAll().empty());
  ASSERT_TRUE(store_->Commit(writes).ok());
  EXPECT_EQ(outbox_->VisibleSequence(), 1u);
  std::vector<common::v1::Event> events;
  ASSERT_TRUE(outbox_->Read(1, 10, [&](const auto& e) { events.push_back(e); })
                  .ok());
  ASSERT_EQ(events.size(), 1u);
  const auto& e = events[0];
  EXPECT_EQ(e.type(), "StringValue");
  EXPECT_EQ(e.subject(), "tickets/1");
  EXPECT_EQ(e.producer(), "ticket");
  EXPECT_EQ(e.partition(), 3u);
  EXPECT_EQ(e.occurred_time().seconds(), 1763856000);
  EXPECT_EQ(e.event_id().size(), 26u);
  google::protobuf::StringValue payload;
  ASSERT_TRUE(e.payload().UnpackTo(&payload));
  EXPECT_EQ(payload.value(), "工单已创建");
}

TEST_F(OutboxTest, AbandonedBatchLeavesAGapThatDoesNotBlockReaders) {
  {
    WriteSet abandoned;
    outbox_->Append(abandoned, "s", Text("lost"));
  }
  WriteSet writes;
  EXPECT_EQ(outbox_->Append(writes, "s", Text("kept")), 2u);
  ASSERT_TRUE(store_->Commit(writes).ok());
  EXPECT_EQ(outbox_->VisibleSequence(), 2u);
  EXPECT_THAT(ReadAll(), ElementsAre(2));
  auto next = outbox_->Read(1, 10, [](const auto&) {});
  EXPECT_EQ(*next, 3u);
}

TEST_F(OutboxTest, LaterCommitIsHeldBackUntilEarlierSequenceSettles) {
  WriteSet first, second;
  outbox_->Append(first, "a", Text("1"));
  outbox_->Append(second, "b", Text("2"));
  ASSERT_TRUE(store_->Commit(second).ok());
  EXPECT_EQ(outbox_->VisibleSequence(), 0u);
  EXPECT_TRUE(ReadAll().empty());
  ASSERT_TRUE(store_->Commit(first).ok());
  EXPECT_EQ(outbox_->VisibleSequence(), 2u);
  EXPECT_THAT(ReadAll(), ElementsAre(1, 2));
}

TEST_F(OutboxTest, ReadRespectsLimitAndResumes) {
  for (int i = 0; i < 5; ++i) {
    WriteSet w;
    outbox_->Append(w, "s", Text("x"));
    ASSERT_TRUE(store_->Commit(w).ok());
  }
  std::vector<uint64_t> seen;
  auto next = outbox_->Read(2, 2, [&](const auto& e) { seen.push_back(e.sequence()); });
  EXPECT_THAT(seen, ElementsAre(2, 3));
  EXPECT_EQ(*next, 4u);
}

TEST_F(OutboxTest, ReopenContinuesTheSequence) {
  for (int i = 0; i < 3; ++i) {
    WriteSet w;
    outbox_->Append(w, "s", Text("x"));
    ASSERT_TRUE(store_->Commit(w).ok());
  }
  Open();
  EXPECT_EQ(outbox_->VisibleSequence(), 3u);
  WriteSet w;
  EXPECT_EQ(outbox_->Append(w, "s", Text("y")), 4u);
}

TEST_F(OutboxTest, ListenersHearAdvancesUntilRemoved) {
  int calls = 0;
  int id = outbox_->AddListener([&] { ++calls; });
  WriteSet w1;
  outbox_->Append(w1, "s", Text("x"));
  ASSERT_TRUE(store_->Commit(w1).ok());
  EXPECT_EQ(calls, 1);
  outbox_->RemoveListener(id);
  WriteSet w2;
  outbox_->Append(w2, "s", Text("x"));
  ASSERT_TRUE(store_->Commit(w2).ok());
  EXPECT_EQ(calls, 1);
}

TEST_F(OutboxTest, RetentionTrimsOldEventsOnly) {
  for (int i = 0; i < 4; ++i) {
    WriteSet w;
    outbox_->Append(w, "s", Text("x"));
    ASSERT_TRUE(store_->Commit(w).ok());
    clock_.Advance(absl::Hours(1));
  }
  // Events at t, t+1h, t+2h, t+3h; keep what occurred at or after t+90m.
  auto removed = outbox_->TrimBefore(absl::FromUnixSeconds(1763856000) +
                                     absl::Minutes(90));
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 2u);
  EXPECT_EQ(outbox_->FirstSequence(), 3u);
  EXPECT_THAT(ReadAll(), ElementsAre(3, 4));
  Open();  // the trimmed start survives a restart
  EXPECT_EQ(outbox_->FirstSequence(), 3u);
}

// The newest events are read from memory: a stored record overwritten behind
// the outbox's back does not matter for them, and does for older ones.
TEST_F(OutboxTest, NewestEventsAreReadFromMemoryOlderOnesFromTheStore) {
  outbox_ = *Outbox::Open(*store_, {.producer = "ticket", .cached_events = 2},
                          clock_);
  for (int i = 1; i <= 4; ++i) {
    WriteSet w;
    outbox_->Append(w, absl::StrCat("工单/", i), Text("投诉已受理"));
    ASSERT_TRUE(store_->Commit(w).ok());
  }
  ColumnFamily log = *store_->Family(Store::kOutboxFamily);
  WriteSet corrupt;
  corrupt.Put(log, EncodeBigEndian64(1), "not an event");
  corrupt.Put(log, EncodeBigEndian64(3), "not an event");
  ASSERT_TRUE(store_->Commit(corrupt).ok());

  std::vector<std::string> subjects;
  auto next = outbox_->Read(3, 0, [&](const common::v1::Event& e) {
    subjects.push_back(e.subject());
    google::protobuf::StringValue payload;
    EXPECT_TRUE(e.payload().UnpackTo(&payload));
    EXPECT_EQ(payload.value(), "投诉已受理");
  });
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(*next, 5u);
  EXPECT_THAT(subjects, ElementsAre("工单/3", "工单/4"));
  EXPECT_EQ(outbox_->Read(1, 0, [](const auto&) {}).status().code(),
            absl::StatusCode::kDataLoss);
}

// Pages that start before the cached events come from the store, the rest
// from memory, with gaps and limits as before.
TEST_F(OutboxTest, ReadPagesAcrossTheStoreAndTheCache) {
  outbox_ = *Outbox::Open(*store_, {.producer = "ticket", .cached_events = 2},
                          clock_);
  for (int i = 1; i <= 5; ++i) {
    WriteSet w;
    outbox_->Append(w, "s", Text(absl::StrCat("事件", i)));
    if (i == 2) continue;  // abandoned
    ASSERT_TRUE(store_->Commit(w).ok());
  }
  std::vector<std::string> texts;
  auto visit = [&](const common::v1::Event& e) {
    google::protobuf::StringValue payload;
    EXPECT_TRUE(e.payload().UnpackTo(&payload));
    texts.push_back(absl::StrCat(e.sequence(), ":", payload.value()));
  };
  auto next = outbox_->Read(1, 2, visit);  // 1 and 3, from the store
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, 4u);
  next = outbox_->Read(*next, 2, visit);  // 4 and 5, from memory
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, 6u);
  EXPECT_EQ(*outbox_->Read(*next, 2, visit), 6u);
  EXPECT_THAT(texts, ElementsAre("1:事件1", "3:事件3", "4:事件4", "5:事件5"));
}

// ReadShared hands a cached event over as the cached object itself, so a
// reader that keeps it (a stream's write buffer) copies nothing; an event read
// from the store is the reader's own.
TEST_F(OutboxTest, ReadSharedHandsOverCachedEventsWithoutCopying) {
  outbox_ = *Outbox::Open(*store_, {.producer = "ticket", .cached_events = 2},
                          clock_);
  for (int i = 1; i <= 3; ++i) {
    WriteSet w;
    outbox_->Append(w, "工单/1", Text(absl::StrCat("回复", i)));
    ASSERT_TRUE(store_->Commit(w).ok());
  }
  auto read_from = [&](uint64_t from) {
    std::vector<std::shared_ptr<const common::v1::Event>> events;
    EXPECT_TRUE(
        outbox_
            ->ReadShared(from, 0,
                         [&](std::shared_ptr<const common::v1::Event> e) {
                           events.push_back(std::move(e));
                         })
            .ok());
    return events;
  };
  auto cached = read_from(2);  // 2 and 3 are in memory
  auto again = read_from(2);
  ASSERT_EQ(cached.size(), 2u);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(cached[0].get(), again[0].get());
  EXPECT_EQ(cached[1].get(), again[1].get());
  google::protobuf::StringValue payload;
  ASSERT_TRUE(again[1]->payload().UnpackTo(&payload));
  EXPECT_EQ(payload.value(), "回复3");

  auto stored = read_from(1);  // a read from before the cache: the store
  auto stored_again = read_from(1);
  ASSERT_EQ(stored.size(), 3u);
  ASSERT_EQ(stored_again.size(), 3u);
  EXPECT_NE(stored[0].get(), stored_again[0].get());
  EXPECT_EQ(stored[0]->subject(), "工单/1");
  ASSERT_TRUE(stored[2]->payload().UnpackTo(&payload));
  EXPECT_EQ(payload.value(), "回复3");
}

TEST_F(OutboxTest, WithoutACacheEveryEventIsReadFromTheStore) {
  outbox_ = *Outbox::Open(*store_, {.producer = "ticket", .cached_events = 0},
                          clock_);
  for (int i = 0; i < 3; ++i) {
    WriteSet w;
    outbox_->Append(w, "工单/1", Text("已回复"));
    ASSERT_TRUE(store_->Commit(w).ok());
  }
  EXPECT_THAT(ReadAll(), ElementsAre(1, 2, 3));
}

// kill -9 in the middle of a stream of (state, event) commits: afterwards
// every state record has its event and every event its state record.
TEST(OutboxCrashTest, StateAndEventNeverSeparateAcrossSigkill) {
  testing::TempDir dir;
  int out_pipe[2];
  ASSERT_EQ(pipe(out_pipe), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  std::string env = absl::StrCat("CS_OUTBOX_CRASH_CHILD_DIR=", dir.path());
  char* envp[] = {env.data(), nullptr};
  char* argv[] = {const_cast<char*>("/proc/self/exe"), nullptr};
  pid_t child;
  ASSERT_EQ(posix_spawn(&child, "/proc/self/exe", &actions, nullptr, argv, envp),
            0);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  char line[16] = {0};
  ASSERT_GT(read(out_pipe[0], line, sizeof line - 1), 0);  // "ready"
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  close(out_pipe[0]);

  auto store = Store::Open({.path = dir.path(), .column_families = {"state"}});
  ASSERT_TRUE(store.ok()) << store.status();
  ColumnFamily state = *(*store)->Family("state");
  ManualClock clock;
  auto outbox = Outbox::Open(**store, {.producer = "crash"}, clock);
  ASSERT_TRUE(outbox.ok());
  std::set<std::string> subjects;
  ASSERT_TRUE((*outbox)
                  ->Read(1, 0, [&](const auto& e) { subjects.insert(e.subject()); })
                  .ok());
  std::set<std::string> states;
  ASSERT_TRUE((*store)
                  ->Scan(state, "", "", 0,
                         [&](absl::string_view k, absl::string_view) {
                           states.emplace(k);
                           return true;
                         })
                  .ok());
  EXPECT_GE(states.size(), 50u);
  EXPECT_EQ(states, subjects);
}

}  // namespace
}  // namespace cs
