// Power-loss simulation: the Store runs on PowerLossFileSystem, writers
// commit until the power is cut at a random moment, and the store is
// reopened on what a machine crash would have left on disk.
#include <atomic>
#include <condition_variable>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "libs/store/commit_pipeline.h"
#include "libs/store/power_loss_file_system.h"
#include "libs/store/store.h"
#include "libs/testing/temp_dir.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace cs {
namespace {

constexpr int kWriters = 4;

struct Outcome {
  int acknowledged = 0;
  int lost = 0;
  PowerLossFileSystem::Losses losses;
};

std::string Key(int writer, int n) {
  return absl::StrFormat("工单-%d-%06d", writer, n);
}

// How the writers commit: Store::Commit, or through a CommitPipeline (each
// writer waiting for its `done`, as a gRPC handler's answer would).
enum class CommitPath { kStore, kPipeline };

// Writers commit numbered records (one per commit, `padding` extra bytes)
// until the power is cut after a random number of acknowledgements; then the
// store is closed, the crash applied, the store reopened on the plain file
// system, and every acknowledged record looked up.
Outcome CutPowerUnderLoad(bool sync, uint64_t seed, size_t padding = 0,
                          CommitPath path = CommitPath::kStore) {
  testing::TempDir dir;
  auto fs =
      std::make_shared<PowerLossFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  Store::Options options{.path = dir.Sub("db"),
                         .column_families = {"tickets"},
                         .env = env.get()};
  options.sync = sync;
  auto store = Store::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return {};
  ColumnFamily tickets = *(*store)->Family("tickets");
  std::unique_ptr<CommitPipeline> pipeline;
  if (path == CommitPath::kPipeline) {
    pipeline =
        std::make_unique<CommitPipeline>(**store, CommitPipeline::Options{});
  }
  auto commit = [&](WriteSet writes) {
    if (pipeline == nullptr) return (*store)->Commit(writes);
    absl::Notification answered;
    absl::Status outcome;
    pipeline->Submit(std::move(writes), [&](absl::Status committed) {
      outcome = committed;
      answered.Notify();
    });
    answered.WaitForNotification();
    return outcome;
  };

  std::mt19937_64 rng(seed);
  const int cut_after = std::uniform_int_distribution<int>(500, 2000)(rng);
  std::mutex mu;
  std::condition_variable progressed;
  int acknowledged = 0;
  std::vector<std::vector<int>> acked(kWriters);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int n = 0; fs->powered(); ++n) {
        WriteSet writes;
        writes.Put(tickets, Key(w, n),
                   absl::StrCat("客户反映手机信号弱，第", n, "次来电",
                                std::string(padding, '.')));
        if (!commit(std::move(writes)).ok()) continue;
        // Acknowledged before the cut only if still powered after Commit
        // returned: its sync, if any, happened before PowerOff.
        if (!fs->powered()) break;
        acked[w].push_back(n);
        std::lock_guard<std::mutex> lock(mu);
        ++acknowledged;
        progressed.notify_all();
      }
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    progressed.wait(lock, [&] { return acknowledged >= cut_after; });
  }
  fs->PowerOff();
  for (std::thread& t : writers) t.join();
  if (pipeline != nullptr) pipeline->Shutdown();
  (*store)->Close().IgnoreError();  // its WAL sync comes after the cut
  store->reset();

  Outcome outcome;
  auto losses = fs->ApplyPowerLoss();
  EXPECT_TRUE(losses.ok()) << losses.status();
  outcome.losses = losses.value_or(PowerLossFileSystem::Losses{});
  auto reopened = Store::Open({.path = dir.Sub("db")});
  EXPECT_TRUE(reopened.ok()) << reopened.status();
  if (!reopened.ok()) return outcome;
  ColumnFamily family = *(*reopened)->Family("tickets");
  for (int w = 0; w < kWriters; ++w) {
    for (int n : acked[w]) {
      ++outcome.acknowledged;
      if (!(*reopened)->Get(family, Key(w, n)).ok()) ++outcome.lost;
    }
  }
  return outcome;
}

void Print(const char* what, const Outcome& o) {
  std::cout << absl::StrFormat(
                   "power loss, %s: %d acknowledged writes, %d lost "
                   "(discarded %d unsynced bytes, %d files, %d renames)",
                   what, o.acknowledged, o.lost, o.losses.bytes_cut,
                   o.losses.files_deleted, o.losses.renames_undone)
            << std::endl;
}

uint64_t Seed() {
  uint64_t seed = std::random_device()();
  std::cout << "power loss seed: " << seed << std::endl;
  return seed;
}

TEST(PowerLossTest, DefaultDurabilityLosesNoAcknowledgedWrite) {
  Outcome o = CutPowerUnderLoad(Store::Options().sync, Seed());
  Print("default sync", o);
  EXPECT_GE(o.acknowledged, 500);
  EXPECT_EQ(o.lost, 0);
}

// Large records fill memtables (32 MB), so the cut comes after flushes, WAL
// switches and MANIFEST updates, and may hit one in progress.
TEST(PowerLossTest, DefaultDurabilityAcrossMemtableFlushes) {
  Outcome o = CutPowerUnderLoad(Store::Options().sync, Seed(),
                                /*padding=*/64 << 10);
  Print("default sync, 64 KiB records", o);
  EXPECT_GE(o.acknowledged, 500);
  EXPECT_EQ(o.lost, 0);
}

// The asynchronous path answers only after the group's fsync.
TEST(PowerLossTest, CommitPipelineLosesNoAcknowledgedWrite) {
  Outcome o = CutPowerUnderLoad(Store::Options().sync, Seed(), /*padding=*/0,
                                CommitPath::kPipeline);
  Print("commit pipeline", o);
  EXPECT_GE(o.acknowledged, 500);
  EXPECT_EQ(o.lost, 0);
}

// Control: the simulation does drop what was never synced, so the test
// above could fail.
TEST(PowerLossTest, WithoutSyncAcknowledgedWritesAreLost) {
  Outcome o = CutPowerUnderLoad(/*sync=*/false, Seed());
  Print("sync off", o);
  EXPECT_GE(o.acknowledged, 500);
  EXPECT_GT(o.lost, 0);
  EXPECT_GT(o.losses.bytes_cut, 0u);
}

// CommitUnsynced: visible at once, durable only with the next sync of the
// store; a power loss before that drops it (and nothing synced).
TEST(PowerLossTest, AnUnsyncedCommitLastsOnlyUntilTheNextSync) {
  testing::TempDir dir;
  auto fs =
      std::make_shared<PowerLossFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  auto store = Store::Open({.path = dir.Sub("db"),
                            .column_families = {"commands"},
                            .env = env.get()});
  ASSERT_TRUE(store.ok()) << store.status();
  ColumnFamily commands = *(*store)->Family("commands");
  auto commit = [&](absl::string_view key, bool synced) {
    WriteSet writes;
    bool announced = false;
    writes.Put(commands, key, "指派给坐席");
    writes.OnCommit([&announced](bool committed) { announced = committed; });
    absl::Status status =
        synced ? (*store)->Commit(writes) : (*store)->CommitUnsynced(writes);
    EXPECT_TRUE(status.ok()) << status;
    EXPECT_TRUE(announced);
    EXPECT_TRUE(writes.consumed());
  };
  commit("unsynced-then-synced", /*synced=*/false);
  EXPECT_TRUE((*store)->Get(commands, "unsynced-then-synced").ok());
  commit("synced", /*synced=*/true);
  commit("unsynced-last", /*synced=*/false);
  fs->PowerOff();
  (*store)->Close().IgnoreError();  // its WAL sync comes after the cut
  store->reset();
  auto losses = fs->ApplyPowerLoss();
  ASSERT_TRUE(losses.ok()) << losses.status();
  EXPECT_GT(losses->bytes_cut, 0u);

  auto reopened = Store::Open({.path = dir.Sub("db")});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  ColumnFamily family = *(*reopened)->Family("commands");
  EXPECT_TRUE((*reopened)->Get(family, "unsynced-then-synced").ok());
  EXPECT_TRUE((*reopened)->Get(family, "synced").ok());
  EXPECT_TRUE(
      absl::IsNotFound((*reopened)->Get(family, "unsynced-last").status()));
}

// The file system's own rules, on single files.
class PowerLossFileSystemTest : public ::testing::Test {
 protected:
  std::unique_ptr<rocksdb::FSWritableFile> Write(const std::string& name,
                                                 const std::string& data,
                                                 bool sync) {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    EXPECT_TRUE(fs_->NewWritableFile(dir_.Sub(name), {}, &file, nullptr).ok());
    EXPECT_TRUE(file->Append(data, {}, nullptr).ok());
    if (sync) {
      EXPECT_TRUE(file->Sync({}, nullptr).ok());
    }
    return file;
  }
  void SyncDirectory() {
    std::unique_ptr<rocksdb::FSDirectory> directory;
    ASSERT_TRUE(fs_->NewDirectory(dir_.path(), {}, &directory, nullptr).ok());
    ASSERT_TRUE(directory->Fsync({}, nullptr).ok());
  }
  std::string Contents(const std::string& name) {
    std::string out;
    if (!rocksdb::ReadFileToString(rocksdb::Env::Default(), dir_.Sub(name),
                                   &out)
             .ok()) {
      return "<missing>";
    }
    return out;
  }

  testing::TempDir dir_;
  std::shared_ptr<PowerLossFileSystem> fs_ =
      std::make_shared<PowerLossFileSystem>(rocksdb::FileSystem::Default());
};

TEST_F(PowerLossFileSystemTest, KeepsSyncedPrefixOfDurableFiles) {
  auto file = Write("wal", "已同步", /*sync=*/true);
  SyncDirectory();
  ASSERT_TRUE(file->Append("未同步", {}, nullptr).ok());
  ASSERT_TRUE(file->Close({}, nullptr).ok());
  auto losses = fs_->ApplyPowerLoss();
  ASSERT_TRUE(losses.ok());
  EXPECT_EQ(Contents("wal"), "已同步");
  EXPECT_EQ(losses->bytes_cut, std::string("未同步").size());
}

TEST_F(PowerLossFileSystemTest, DeletesFilesWhoseDirectoryWasNeverSynced) {
  Write("sst", "数据", /*sync=*/true)->Close({}, nullptr).PermitUncheckedError();
  auto losses = fs_->ApplyPowerLoss();
  ASSERT_TRUE(losses.ok());
  EXPECT_EQ(Contents("sst"), "<missing>");
  EXPECT_EQ(losses->files_deleted, 1);
}

TEST_F(PowerLossFileSystemTest, UndoesUnsyncedRenameAndRestoresTarget) {
  Write("CURRENT", "MANIFEST-1", true)->Close({}, nullptr).PermitUncheckedError();
  SyncDirectory();
  Write("tmp", "MANIFEST-2", true)->Close({}, nullptr).PermitUncheckedError();
  ASSERT_TRUE(
      fs_->RenameFile(dir_.Sub("tmp"), dir_.Sub("CURRENT"), {}, nullptr).ok());
  EXPECT_EQ(Contents("CURRENT"), "MANIFEST-2");
  auto losses = fs_->ApplyPowerLoss();
  ASSERT_TRUE(losses.ok());
  EXPECT_EQ(Contents("CURRENT"), "MANIFEST-1");
  EXPECT_EQ(Contents("tmp"), "<missing>");
  EXPECT_EQ(losses->renames_undone, 1);
}

TEST_F(PowerLossFileSystemTest, SyncedRenameSurvives) {
  Write("tmp", "MANIFEST-2", true)->Close({}, nullptr).PermitUncheckedError();
  ASSERT_TRUE(
      fs_->RenameFile(dir_.Sub("tmp"), dir_.Sub("CURRENT"), {}, nullptr).ok());
  SyncDirectory();
  fs_->PowerOff();
  auto losses = fs_->ApplyPowerLoss();
  ASSERT_TRUE(losses.ok());
  EXPECT_EQ(Contents("CURRENT"), "MANIFEST-2");
}

}  // namespace
}  // namespace cs
