#include "libs/store/store.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "libs/common/ids.h"
#include "libs/store/commit_group.h"
#include "libs/store/idempotency.h"
#include "libs/store/ulid_sequence.h"
#include "libs/testing/temp_dir.h"

extern char** environ;

namespace cs {
namespace {

using ::testing::ElementsAre;

// Child mode for the kill -9 test: commits numbered records with sync on and
// prints each acknowledged number, until killed.
const bool kIsCrashChild = [] {
  const char* dir = std::getenv("CS_STORE_CRASH_CHILD_DIR");
  if (dir == nullptr) return false;
  auto store = Store::Open({.path = dir, .column_families = {"records"}});
  if (!store.ok()) _exit(3);
  ColumnFamily records = *(*store)->Family("records");
  for (uint64_t i = 1;; ++i) {
    WriteSet writes;
    writes.Put(records, EncodeBigEndian64(i), absl::StrCat("工单-", i));
    if (!(*store)->Commit(writes).ok()) _exit(4);
    std::printf("%llu\n", static_cast<unsigned long long>(i));
    std::fflush(stdout);
  }
}();

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    auto opened = Store::Open({.path = dir_.path(),
                               .column_families = {"tickets", "index"}});
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = *std::move(opened);
    tickets_ = *store_->Family("tickets");
    index_ = *store_->Family("index");
  }

  std::vector<std::string> Keys(ColumnFamily cf, absl::string_view start,
                                absl::string_view end, size_t limit = 0,
                                bool reverse = false) {
    std::vector<std::string> keys;
    auto visit = [&](absl::string_view k, absl::string_view) {
      keys.emplace_back(k);
      return true;
    };
    absl::Status s = reverse ? store_->ScanReverse(cf, start, end, limit, visit)
                             : store_->Scan(cf, start, end, limit, visit);
    EXPECT_TRUE(s.ok()) << s;
    return keys;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  ColumnFamily tickets_, index_;
};

TEST_F(StoreTest, PutGetKeepsChineseBytesIntact) {
  WriteSet writes;
  writes.Put(tickets_, "t1", "手机信号弱，用户张三来电");
  ASSERT_TRUE(store_->Commit(writes).ok());
  EXPECT_EQ(*store_->Get(tickets_, "t1"), "手机信号弱，用户张三来电");
}

TEST_F(StoreTest, FlushWritesTableFilesUncompressedWhenAsked) {
  store_.reset();
  auto opened = Store::Open(
      {.path = dir_.path(), .column_families = {"tickets"}, .compress = false});
  ASSERT_TRUE(opened.ok()) << opened.status();
  ColumnFamily tickets = *(*opened)->Family("tickets");
  // Repetitive text that LZ4 would shorten.
  std::string text;
  for (int i = 0; i < 50; ++i) absl::StrAppend(&text, "手机信号弱-", i, ";");
  WriteSet writes;
  writes.Put(tickets, "t1", text);
  ASSERT_TRUE((*opened)->Commit(writes).ok());
  auto table_files = [&] {
    std::string bytes;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
      if (entry.path().extension() != ".sst") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      bytes += std::string(std::istreambuf_iterator<char>(in), {});
    }
    return bytes;
  };
  EXPECT_FALSE(absl::StrContains(table_files(), text));  // memtable only
  ASSERT_TRUE((*opened)->Flush().ok());
  EXPECT_TRUE(absl::StrContains(table_files(), text));
  EXPECT_EQ(*(*opened)->Get(tickets, "t1"), text);
  ASSERT_TRUE((*opened)->Close().ok());
  EXPECT_EQ((*opened)->Flush().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(StoreTest, UlidSequenceSortsAfterStoredKeysAndEarlierIds) {
  const absl::Time now = absl::FromUnixSeconds(1795000000);
  // A key written by an earlier process, in the future of `now`.
  const std::string stored = NewUlid(now + absl::Hours(1));
  WriteSet writes;
  writes.Put(index_, stored, "审计记录");
  ASSERT_TRUE(store_->Commit(writes).ok());

  UlidSequence ids(*store_, index_);
  std::string previous = stored;
  for (absl::Time t :
       {now, now, now - absl::Seconds(5), now + absl::Hours(2)}) {
    absl::StatusOr<std::string> id = ids.Next(t);
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_TRUE(IsUlid(*id)) << *id;
    EXPECT_GT(*id, previous);
    previous = *id;
  }
}

TEST_F(StoreTest, MissingKeyIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(store_->Get(tickets_, "absent").status()));
}

TEST_F(StoreTest, UnknownFamilyIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(store_->Family("nope").status()));
}

TEST_F(StoreTest, BatchIsAllOrNothingAcrossFamilies) {
  WriteSet writes;
  writes.Put(tickets_, "t1", "a");
  writes.Put(index_, "i1", "b");
  writes.Put(ColumnFamily(), "bad", "c");  // invalid handle fails the batch
  absl::Status s = store_->Commit(writes);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Get(tickets_, "t1").status()));
  EXPECT_TRUE(absl::IsNotFound(store_->Get(index_, "i1").status()));
}

TEST_F(StoreTest, CommitCallbacksReportOutcomeOnce) {
  std::vector<bool> outcomes;
  {
    WriteSet writes;
    writes.Put(tickets_, "t1", "a");
    writes.OnCommit([&](bool ok) { outcomes.push_back(ok); });
    ASSERT_TRUE(store_->Commit(writes).ok());
    EXPECT_TRUE(absl::IsFailedPrecondition(store_->Commit(writes)));
    writes.OnCommit([&](bool ok) { outcomes.push_back(ok); });  // late: at once
  }
  {
    WriteSet abandoned;
    abandoned.OnCommit([&](bool ok) { outcomes.push_back(ok); });
  }
  EXPECT_THAT(outcomes, ElementsAre(true, true, false));
}

TEST_F(StoreTest, CommitGroupWritesAtOnceAndAnnouncesAfterSync) {
  std::vector<std::string> announced;
  CommitGroup group(*store_);
  for (const char* key : {"g1", "g2", "g3"}) {
    WriteSet writes;
    writes.Put(tickets_, key, "分组提交");
    writes.OnCommit([&announced, key](bool ok) {
      announced.push_back(absl::StrCat(key, ok ? ":ok" : ":failed"));
    });
    ASSERT_TRUE(group.Commit(std::move(writes)).ok());
    EXPECT_EQ(*store_->Get(tickets_, key), "分组提交");  // readable at once
  }
  EXPECT_TRUE(announced.empty());  // nothing leaves before the fsync
  EXPECT_EQ(group.pending(), 3u);
  ASSERT_TRUE(group.Sync().ok());
  EXPECT_THAT(announced, ElementsAre("g1:ok", "g2:ok", "g3:ok"));
  EXPECT_EQ(group.pending(), 0u);

  // Locks released from OnWritten free up as soon as the batch is applied,
  // before the group's fsync.
  bool released = false;
  bool announced_late = false;
  WriteSet locked;
  locked.Put(tickets_, "g4", "b");
  locked.OnWritten([&] { released = true; });
  locked.OnCommit([&](bool ok) { announced_late = ok; });
  ASSERT_TRUE(group.Commit(std::move(locked)).ok());
  EXPECT_TRUE(released);
  EXPECT_FALSE(announced_late);
  ASSERT_TRUE(group.Sync().ok());
  EXPECT_TRUE(announced_late);

  WriteSet bad;
  bad.Put(ColumnFamily(), "x", "y");
  bad.OnCommit([&](bool ok) { announced.push_back(ok ? "bad:ok" : "bad:no"); });
  EXPECT_FALSE(group.Commit(std::move(bad)).ok());
  EXPECT_EQ(announced.back(), "bad:no");  // failed: told at once
  EXPECT_EQ(group.pending(), 0u);
}

TEST_F(StoreTest, CommitTogetherKeepsEachKeysOrderAcrossSets) {
  // The sets' operations are applied in key order; each key's own
  // operations must still land in submission order.
  WriteSet first, second, third;
  first.Put(tickets_, "工单/9", "新建");
  first.Put(tickets_, "工单/1", "旧值");
  second.Delete(tickets_, "工单/1");
  second.Put(tickets_, "工单/5", "处理中");
  third.Put(tickets_, "工单/1", "已解决");
  third.Put(tickets_, "工单/9", "已关闭");
  std::vector<absl::Status> outcomes =
      store_->CommitTogether({&first, &second, &third});
  for (const absl::Status& outcome : outcomes) ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(*store_->Get(tickets_, "工单/1"), "已解决");
  EXPECT_EQ(*store_->Get(tickets_, "工单/5"), "处理中");
  EXPECT_EQ(*store_->Get(tickets_, "工单/9"), "已关闭");

  // A range deletion covers only what was written before it.
  WriteSet before, range, after;
  before.Put(tickets_, "r/2", "删");
  range.DeleteRange(tickets_, "r/", "r/~");
  after.Put(tickets_, "r/1", "留");
  outcomes = store_->CommitTogether({&before, &range, &after});
  for (const absl::Status& outcome : outcomes) ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Get(tickets_, "r/2").status()));
  EXPECT_EQ(*store_->Get(tickets_, "r/1"), "留");
}

TEST_F(StoreTest, CommitGroupSyncsWhenDestroyed) {
  bool announced = false;
  {
    CommitGroup group(*store_);
    WriteSet writes;
    writes.Put(tickets_, "g1", "a");
    writes.OnCommit([&](bool ok) { announced = ok; });
    ASSERT_TRUE(group.Commit(std::move(writes)).ok());
  }
  EXPECT_TRUE(announced);
  Reopen();
  EXPECT_EQ(*store_->Get(tickets_, "g1"), "a");
}

TEST_F(StoreTest, DataSurvivesCloseAndReopen) {
  WriteSet writes;
  google::protobuf::Timestamp ts;
  ts.set_seconds(1700000000);
  writes.PutProto(tickets_, "t1", ts);
  ASSERT_TRUE(store_->Commit(writes).ok());
  ASSERT_TRUE(store_->Close().ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(store_->Close()));
  Reopen();
  google::protobuf::Timestamp read;
  ASSERT_TRUE(store_->GetProto(tickets_, "t1", &read).ok());
  EXPECT_EQ(read.seconds(), 1700000000);
}

TEST_F(StoreTest, GarbageRecordIsDataLoss) {
  WriteSet writes;
  writes.Put(tickets_, "t1", "\xff\xff\xff");
  ASSERT_TRUE(store_->Commit(writes).ok());
  google::protobuf::Timestamp read;
  EXPECT_TRUE(absl::IsDataLoss(store_->GetProto(tickets_, "t1", &read)));
}

TEST_F(StoreTest, ScanProtosParsesEachValueAndStopsAtOneThatDoesNot) {
  WriteSet writes;
  for (int64_t seconds : {3, 1, 2}) {
    google::protobuf::Timestamp ts;
    ts.set_seconds(seconds);
    writes.PutProto(tickets_, absl::StrCat("工单/", seconds), ts);
  }
  writes.Put(tickets_, "工单/9", "\xff\xff\xff");
  ASSERT_TRUE(store_->Commit(writes).ok());
  google::protobuf::Timestamp ts;
  std::vector<int64_t> seen;
  auto visit = [&](absl::string_view key) {
    EXPECT_EQ(key, absl::StrCat("工单/", ts.seconds()));
    seen.push_back(ts.seconds());
    return true;
  };
  EXPECT_TRUE(
      store_->ScanProtos(tickets_, "工单/", "工单/4", 0, "stamp", &ts, visit)
          .ok());
  EXPECT_THAT(seen, ElementsAre(1, 2, 3));
  seen.clear();
  const absl::Status garbage =
      store_->ScanProtos(tickets_, "工单/", "", 0, "stamp", &ts, visit);
  EXPECT_TRUE(absl::IsDataLoss(garbage)) << garbage;
  EXPECT_EQ(garbage.message(), "stored stamp 工单/9 does not parse");
  EXPECT_THAT(seen, ElementsAre(1, 2, 3));
}

TEST_F(StoreTest, ListProtosReturnsThePrefixsValuesInKeyOrder) {
  WriteSet writes;
  for (const auto& [key, seconds] :
       std::vector<std::pair<std::string, int64_t>>{
           {"投诉/2", 2}, {"投诉/1", 1}, {"投诉0", 9}, {"工单/1", 7}}) {
    google::protobuf::Timestamp ts;
    ts.set_seconds(seconds);
    writes.PutProto(tickets_, key, ts);
  }
  ASSERT_TRUE(store_->Commit(writes).ok());
  auto listed = store_->ListProtos<google::protobuf::Timestamp>(
      tickets_, "投诉/", "stamp");
  ASSERT_TRUE(listed.ok()) << listed.status();
  std::vector<int64_t> seconds;
  for (const auto& ts : *listed) seconds.push_back(ts.seconds());
  EXPECT_THAT(seconds, ElementsAre(1, 2));

  WriteSet garbage;
  garbage.Put(tickets_, "投诉/3", "\xff\xff\xff");
  ASSERT_TRUE(store_->Commit(garbage).ok());
  listed = store_->ListProtos<google::protobuf::Timestamp>(tickets_, "投诉/",
                                                           "stamp");
  EXPECT_TRUE(absl::IsDataLoss(listed.status())) << listed.status();
}

TEST_F(StoreTest, SecondOpenOfSameDirectoryIsUnavailable) {
  auto second = Store::Open({.path = dir_.path()});
  EXPECT_TRUE(absl::IsUnavailable(second.status())) << second.status();
  EXPECT_THAT(std::string(second.status().message()),
              ::testing::Not(::testing::HasSubstr("RocksDB")));
}

TEST_F(StoreTest, ScanRangesForwardAndBackward) {
  WriteSet writes;
  for (uint64_t i : {3, 1, 300, 2, 256}) {
    writes.Put(index_, absl::StrCat("p/", EncodeBigEndian64(i)), "");
  }
  writes.Put(index_, "q/other", "");
  ASSERT_TRUE(store_->Commit(writes).ok());
  std::string p = "p/";
  auto decode = [&](const std::vector<std::string>& keys) {
    std::vector<uint64_t> out;
    for (const auto& k : keys) {
      uint64_t v = 0;
      EXPECT_TRUE(DecodeBigEndian64(absl::string_view(k).substr(2), &v));
      out.push_back(v);
    }
    return out;
  };
  EXPECT_THAT(decode(Keys(index_, p, PrefixEnd(p))),
              ElementsAre(1, 2, 3, 256, 300));
  EXPECT_THAT(decode(Keys(index_, p, PrefixEnd(p), 2)), ElementsAre(1, 2));
  EXPECT_THAT(decode(Keys(index_, p, PrefixEnd(p), 0, /*reverse=*/true)),
              ElementsAre(300, 256, 3, 2, 1));
  // Reverse from an exclusive end key that exists.
  EXPECT_THAT(decode(Keys(index_, p, absl::StrCat(p, EncodeBigEndian64(256)),
                          0, true)),
              ElementsAre(3, 2, 1));
}

TEST_F(StoreTest, DeleteAndDeleteRange) {
  WriteSet writes;
  for (int i = 0; i < 5; ++i) writes.Put(index_, absl::StrCat("k", i), "v");
  ASSERT_TRUE(store_->Commit(writes).ok());
  WriteSet deletes;
  deletes.Delete(index_, "k0");
  deletes.DeleteRange(index_, "k1", "k3");
  ASSERT_TRUE(store_->Commit(deletes).ok());
  EXPECT_THAT(Keys(index_, "", ""), ElementsAre("k3", "k4"));
}

TEST_F(StoreTest, IdempotencyRecordLandsWithTheBatch) {
  auto before = FindIdempotentResult(*store_, "create", "req-请求-1");
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before->has_value());
  WriteSet writes;
  writes.Put(tickets_, "t1", "x");
  RecordIdempotentResult(*store_, writes, "create", "req-请求-1", "t1");
  ASSERT_TRUE(store_->Commit(writes).ok());
  auto after = FindIdempotentResult(*store_, "create", "req-请求-1");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->value_or(""), "t1");
  // Scopes are separate namespaces.
  EXPECT_FALSE(FindIdempotentResult(*store_, "other", "req-请求-1")->has_value());
}

// With a fingerprint, a retry of the same request finds the result and a
// request_id reused for a different request is refused; a record written
// without one (before fingerprints were kept) is still found.
TEST_F(StoreTest, IdempotencyRecordRefusesARequestIdReusedForAnotherRequest) {
  google::protobuf::StringValue first, second;
  first.set_value("投诉：快递延误");
  second.set_value("投诉：商品破损");
  WriteSet writes;
  RecordIdempotentResult(*store_, writes, "file", "req-投诉-1", "c1",
                         RequestFingerprint(first));
  RecordIdempotentResult(*store_, writes, "file", "req-legacy", "c0");
  ASSERT_TRUE(store_->Commit(writes).ok());

  auto retry = FindIdempotentResult(*store_, "file", "req-投诉-1",
                                    RequestFingerprint(first));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->value_or(""), "c1");
  auto reused = FindIdempotentResult(*store_, "file", "req-投诉-1",
                                     RequestFingerprint(second));
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(reused.status().message()),
              ::testing::HasSubstr("request_id"));
  auto legacy = FindIdempotentResult(*store_, "file", "req-legacy",
                                     RequestFingerprint(second));
  ASSERT_TRUE(legacy.ok());
  EXPECT_EQ(legacy->value_or(""), "c0");
  auto none = FindIdempotentResult(*store_, "file", "req-new",
                                   RequestFingerprint(first));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(StoreTest, PropertiesIncludeWriteStall) {
  auto props = store_->Properties();
  bool found = false;
  for (const auto& [name, value] : props) {
    if (name == "is_write_stopped") {
      found = true;
      EXPECT_EQ(value, 0);
    }
  }
  EXPECT_TRUE(found);
}

TEST(KeyEncodingTest, BigEndianPreservesOrder) {
  EXPECT_LT(EncodeBigEndian64(255), EncodeBigEndian64(256));
  EXPECT_LT(EncodeBigEndian64(1), EncodeBigEndian64(uint64_t{1} << 40));
  uint64_t v = 0;
  EXPECT_TRUE(DecodeBigEndian64(EncodeBigEndian64(0x0102030405060708), &v));
  EXPECT_EQ(v, 0x0102030405060708u);
  EXPECT_FALSE(DecodeBigEndian64("short", &v));
  EXPECT_EQ(ResumeAfter(""), "");
  EXPECT_EQ(ResumeAfter("ab"), std::string("ab\0", 3));
  EXPECT_LT(std::string("ab"), ResumeAfter("ab"));
  EXPECT_LT(ResumeAfter("ab"), std::string("ab\x01", 3));
  EXPECT_EQ(PrefixEnd("ab"), "ac");
  EXPECT_EQ(PrefixEnd(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixEnd(std::string("\xff\xff", 2)), "");
}

// An acknowledged (synced) write survives kill -9 of the writing process.
TEST(StoreCrashTest, AcknowledgedWritesSurviveSigkill) {
  testing::TempDir dir;
  int out_pipe[2];
  ASSERT_EQ(pipe(out_pipe), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  std::vector<std::string> env_strings = {
      absl::StrCat("CS_STORE_CRASH_CHILD_DIR=", dir.path())};
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  char* argv[] = {const_cast<char*>("/proc/self/exe"), nullptr};
  pid_t child;
  ASSERT_EQ(posix_spawn(&child, "/proc/self/exe", &actions, nullptr, argv,
                        envp.data()),
            0);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  // Read acknowledgements until at least 200 writes are acked, then kill.
  FILE* acks = fdopen(out_pipe[0], "r");
  ASSERT_NE(acks, nullptr);
  uint64_t last_acked = 0;
  char line[64];
  while (last_acked < 200 && std::fgets(line, sizeof line, acks) != nullptr) {
    ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &last_acked));
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  std::fclose(acks);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child ended on its own: " << status;
  ASSERT_GE(last_acked, 200u);

  auto store = Store::Open({.path = dir.path(), .column_families = {"records"}});
  ASSERT_TRUE(store.ok()) << store.status();
  ColumnFamily records = *(*store)->Family("records");
  for (uint64_t i = 1; i <= last_acked; ++i) {
    auto value = (*store)->Get(records, EncodeBigEndian64(i));
    ASSERT_TRUE(value.ok()) << "acknowledged write " << i << " lost";
    EXPECT_EQ(*value, absl::StrCat("工单-", i));
  }
}

}  // namespace
}  // namespace cs
