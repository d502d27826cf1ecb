#include "libs/store/wal_syncer.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/store/commit_group.h"
#include "libs/store/store.h"
#include "libs/testing/temp_dir.h"

namespace cs {
namespace {

using ::testing::ElementsAre;

// A sync step the test opens by hand, wrapping the real store's WAL sync, so
// the test can observe what has (not) happened while an fsync is under way.
class GatedSync {
 public:
  explicit GatedSync(Store& store) : store_(store) {}

  absl::Status operator()() {
    absl::MutexLock lock(&mu_);
    ++started_;
    mu_.Await(absl::Condition(
        +[](GatedSync* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
          return self->opened_ > 0;
        },
        this));
    --opened_;
    return failure_.ok() ? store_.SyncWal() : failure_;
  }
  // Lets one waiting (or the next) sync proceed.
  void OpenOnce() {
    absl::MutexLock lock(&mu_);
    ++opened_;
  }
  void WaitUntilStarted(int n) {
    absl::MutexLock lock(&mu_);
    auto started = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return started_ >= n;
    };
    mu_.Await(absl::Condition(&started));
  }
  int started() {
    absl::MutexLock lock(&mu_);
    return started_;
  }
  void FailWith(absl::Status failure) {
    absl::MutexLock lock(&mu_);
    failure_ = std::move(failure);
  }

 private:
  Store& store_;
  absl::Mutex mu_;
  int started_ ABSL_GUARDED_BY(mu_) = 0;
  int opened_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
};

class WalSyncerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened =
        Store::Open({.path = dir_.path(), .column_families = {"tickets"}});
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = std::move(*opened);
    tickets_ = *store_->Family("tickets");
    gate_ = std::make_unique<GatedSync>(*store_);
  }

  // Writes one batch into `group`, logging its commit callback to `log_`.
  void CommitInto(CommitGroup& group, const std::string& key) {
    WriteSet writes;
    writes.Put(tickets_, key, "已受理");
    writes.OnCommit([this, key](bool ok) {
      absl::MutexLock lock(&log_mu_);
      log_.push_back(absl::StrCat(key, ok ? ":ok" : ":failed"));
    });
    ASSERT_TRUE(group.Commit(std::move(writes)).ok());
  }
  WalSyncer::Then Note(const std::string& what) {
    return [this, what](absl::Status synced) {
      absl::MutexLock lock(&log_mu_);
      log_.push_back(absl::StrCat(what, synced.ok() ? ":durable" : ":error"));
    };
  }
  std::vector<std::string> Log() {
    absl::MutexLock lock(&log_mu_);
    return log_;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  ColumnFamily tickets_;
  std::unique_ptr<GatedSync> gate_;
  absl::Mutex log_mu_;
  std::vector<std::string> log_ ABSL_GUARDED_BY(log_mu_);
};

TEST_F(WalSyncerTest, WriterGoesOnWhileTheSyncRunsAndCallbacksWaitForIt) {
  WalSyncer syncer([this] { return (*gate_)(); });
  CommitGroup group(*store_);
  CommitInto(group, "工单-1");
  group.SyncLater(syncer, Note("第一组"));
  gate_->WaitUntilStarted(1);

  // While the first fsync hangs, the writer applies the next group: it is
  // readable at once, and nothing of either group has been announced.
  CommitInto(group, "工单-2");
  EXPECT_EQ(*store_->Get(tickets_, "工单-2"), "已受理");
  group.SyncLater(syncer, Note("第二组"));
  EXPECT_TRUE(Log().empty());

  gate_->OpenOnce();  // the first fsync: first group only
  gate_->WaitUntilStarted(2);
  EXPECT_THAT(Log(), ElementsAre("工单-1:ok", "第一组:durable"));

  gate_->OpenOnce();
  ASSERT_TRUE(syncer.Drain().ok());
  EXPECT_THAT(Log(), ElementsAre("工单-1:ok", "第一组:durable", "工单-2:ok",
                                 "第二组:durable"));
}

TEST_F(WalSyncerTest, GroupsQueuedDuringOneSyncShareTheNextInOrder) {
  WalSyncer syncer([this] { return (*gate_)(); });
  CommitGroup group(*store_);
  CommitInto(group, "a");
  group.SyncLater(syncer, Note("g1"));
  gate_->WaitUntilStarted(1);
  for (const char* key : {"b", "c", "d"}) {
    CommitInto(group, key);
    group.SyncLater(syncer, Note(absl::StrCat("g-", key)));
  }
  gate_->OpenOnce();
  gate_->OpenOnce();
  ASSERT_TRUE(syncer.Drain().ok());
  EXPECT_THAT(Log(), ElementsAre("a:ok", "g1:durable", "b:ok", "g-b:durable",
                                 "c:ok", "g-c:durable", "d:ok", "g-d:durable"));
  EXPECT_EQ(gate_->started(), 2);  // b, c and d shared the second fsync
}

TEST_F(WalSyncerTest, FailedSyncStillAnnouncesTheWrittenBatchesAndReportsIt) {
  WalSyncer syncer([this] { return (*gate_)(); });
  gate_->FailWith(absl::DataLossError("disk gone"));
  gate_->OpenOnce();
  CommitGroup group(*store_);
  CommitInto(group, "工单-9");
  group.SyncLater(syncer, Note("组"));
  absl::Status drained = syncer.Drain();
  EXPECT_TRUE(absl::IsDataLoss(drained)) << drained;
  // The batch is in the store, so its callbacks say so; the group learns.
  EXPECT_THAT(Log(), ElementsAre("工单-9:ok", "组:error"));
  EXPECT_TRUE(syncer.Drain().ok());  // reported once
}

TEST_F(WalSyncerTest, DestructionSyncsWhatWasHandedOver) {
  {
    WalSyncer syncer([this] { return store_->SyncWal(); });
    CommitGroup group(*store_);
    CommitInto(group, "交接");
    group.SyncLater(syncer, Note("末组"));
  }
  EXPECT_THAT(Log(), ElementsAre("交接:ok", "末组:durable"));
}

}  // namespace
}  // namespace cs
