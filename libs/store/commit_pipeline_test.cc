#include "libs/store/commit_pipeline.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/temp_dir.h"

namespace cs {
namespace {

using ::testing::ElementsAre;

class CommitPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened =
        Store::Open({.path = dir_.path(), .column_families = {"tickets"}});
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = std::move(*opened);
    tickets_ = *store_->Family("tickets");
  }

  WriteSet Ticket(int n) {
    WriteSet writes;
    writes.Put(tickets_, absl::StrCat("工单-", n),
               absl::StrCat("退款未到账 ", n));
    return writes;
  }

  // Submits and waits for the answer, as a handler's client would.
  absl::Status SubmitAndWait(CommitPipeline& pipeline, WriteSet writes) {
    absl::Notification answered;
    absl::Status outcome;
    pipeline.Submit(std::move(writes), [&](absl::Status committed) {
      outcome = std::move(committed);
      answered.Notify();
    });
    answered.WaitForNotification();
    return outcome;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  ColumnFamily tickets_;
};

TEST_F(CommitPipelineTest, EverySubmittedSetFromManyThreadsIsCommitted) {
  CommitPipeline pipeline(*store_, {});
  constexpr int kThreads = 8, kPerThread = 200;
  absl::Mutex mu;
  int ok = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::Status s = SubmitAndWait(pipeline, Ticket(t * kPerThread + i));
        absl::MutexLock lock(&mu);
        if (s.ok()) ++ok;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok, kThreads * kPerThread);
  for (int n = 0; n < kThreads * kPerThread; ++n) {
    auto value = store_->Get(tickets_, absl::StrCat("工单-", n));
    ASSERT_TRUE(value.ok()) << n;
    EXPECT_EQ(*value, absl::StrCat("退款未到账 ", n));
  }
}

TEST_F(CommitPipelineTest, DoneRunsAfterTheSetsCallbacksAndSeesTheWrite) {
  CommitPipeline pipeline(*store_, {});
  std::vector<std::string> order;
  absl::Notification answered;
  WriteSet writes = Ticket(1);
  writes.OnWritten([&] { order.push_back("written"); });
  writes.OnCommit([&](bool committed) {
    order.push_back(committed ? "committed" : "dropped");
  });
  pipeline.Submit(std::move(writes), [&](absl::Status s) {
    order.push_back(s.ok() ? "done ok" : s.ToString());
    order.push_back(store_->Get(tickets_, "工单-1").ok() ? "visible"
                                                         : "absent");
    answered.Notify();
  });
  answered.WaitForNotification();
  EXPECT_THAT(order, ElementsAre("written", "committed", "done ok", "visible"));
}

TEST_F(CommitPipelineTest, ASetThatFailsDoesNotFailItsGroup) {
  CommitPipeline pipeline(*store_, {});
  // Hold the committer inside the first set so the next two share a group.
  absl::Notification in_first, release_first;
  WriteSet first = Ticket(1);
  first.OnWritten([&] {
    in_first.Notify();
    release_first.WaitForNotification();
  });
  absl::Notification first_done;
  pipeline.Submit(std::move(first), [&](absl::Status) { first_done.Notify(); });
  in_first.WaitForNotification();

  WriteSet bad;
  bad.Put(ColumnFamily(), "no-family", "x");  // an invalid handle
  absl::Status bad_outcome, good_outcome;
  absl::Notification bad_done, good_done;
  pipeline.Submit(std::move(bad), [&](absl::Status s) {
    bad_outcome = s;
    bad_done.Notify();
  });
  pipeline.Submit(Ticket(2), [&](absl::Status s) {
    good_outcome = s;
    good_done.Notify();
  });
  release_first.Notify();
  bad_done.WaitForNotification();
  good_done.WaitForNotification();
  first_done.WaitForNotification();
  EXPECT_EQ(bad_outcome.code(), absl::StatusCode::kInternal) << bad_outcome;
  EXPECT_TRUE(good_outcome.ok()) << good_outcome;
  EXPECT_TRUE(store_->Get(tickets_, "工单-2").ok());
}

TEST_F(CommitPipelineTest, RefusesWhenTooManySetsWait) {
  CommitPipeline pipeline(*store_, {.max_pending = 1});
  absl::Notification in_first, release_first, first_done;
  WriteSet first = Ticket(1);
  first.OnWritten([&] {
    in_first.Notify();
    release_first.WaitForNotification();
  });
  pipeline.Submit(std::move(first), [&](absl::Status) { first_done.Notify(); });
  in_first.WaitForNotification();  // the committer holds it; queue is empty

  absl::Notification second_done;
  pipeline.Submit(Ticket(2), [&](absl::Status) { second_done.Notify(); });
  EXPECT_EQ(pipeline.pending(), 1u);

  bool refused_callback_saw_commit = true;
  WriteSet third = Ticket(3);
  third.OnCommit(
      [&](bool committed) { refused_callback_saw_commit = committed; });
  absl::Status refused;
  pipeline.Submit(std::move(third), [&](absl::Status s) { refused = s; });
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  EXPECT_FALSE(refused_callback_saw_commit);

  release_first.Notify();
  first_done.WaitForNotification();
  second_done.WaitForNotification();
  EXPECT_TRUE(store_->Get(tickets_, "工单-2").ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Get(tickets_, "工单-3").status()));
}

TEST_F(CommitPipelineTest, ShutdownCommitsWhatIsQueuedThenRefuses) {
  CommitPipeline pipeline(*store_, {});
  int answered_ok = 0;
  absl::Mutex mu;
  for (int n = 0; n < 100; ++n) {
    pipeline.Submit(Ticket(n), [&](absl::Status s) {
      absl::MutexLock lock(&mu);
      if (s.ok()) ++answered_ok;
    });
  }
  pipeline.Shutdown();
  EXPECT_EQ(answered_ok, 100);
  EXPECT_TRUE(store_->Get(tickets_, "工单-99").ok());

  absl::Status late;
  pipeline.Submit(Ticket(100), [&](absl::Status s) { late = s; });
  EXPECT_EQ(late.code(), absl::StatusCode::kUnavailable) << late;
  EXPECT_TRUE(absl::IsNotFound(store_->Get(tickets_, "工单-100").status()));
  pipeline.Shutdown();  // idempotent
}

TEST_F(CommitPipelineTest, AConsumedSetIsRefused) {
  CommitPipeline pipeline(*store_, {});
  WriteSet writes = Ticket(1);
  ASSERT_TRUE(store_->Commit(writes).ok());
  absl::Status outcome;
  pipeline.Submit(std::move(writes), [&](absl::Status s) { outcome = s; });
  EXPECT_EQ(outcome.code(), absl::StatusCode::kFailedPrecondition) << outcome;
}

}  // namespace
}  // namespace cs
