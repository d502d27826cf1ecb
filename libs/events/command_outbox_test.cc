#include "libs/events/command_outbox.h"

#include <algorithm>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/temp_dir.h"

namespace cs {
namespace {

using ::testing::ElementsAre;

constexpr absl::Duration kGuard = absl::Seconds(30);  // hang guard only

class CommandOutboxTest : public ::testing::Test {
 protected:
  CommandOutboxTest() {
    store_ = *Store::Open({.path = dir_.path(), .column_families = {"cmds"}});
    family_ = *store_->Family("cmds");
  }

  void Put(const std::string& key, const std::string& value) {
    WriteSet writes;
    writes.Put(family_, key, value);
    ASSERT_TRUE(store_->Commit(writes).ok());
  }

  std::vector<std::string> Pending() {
    std::vector<std::string> keys;
    EXPECT_TRUE(store_
                    ->Scan(family_, "", "", 0,
                           [&](absl::string_view k, absl::string_view) {
                             keys.emplace_back(k);
                             return true;
                           })
                    .ok());
    return keys;
  }

  // Records every delivery; `fail` decides the status per (key, attempt).
  CommandOutbox::Deliver Recorder(
      std::function<absl::Status(const std::string&, int)> fail) {
    return [this, fail](absl::string_view key, absl::string_view value) {
      absl::MutexLock lock(&mu_);
      std::string k(key);
      int attempt = ++attempts_[k];
      calls_.push_back(absl::StrCat(k, "=", value, "#", attempt));
      return fail(k, attempt);
    };
  }

  std::vector<std::string> Calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  ColumnFamily family_;
  absl::Mutex mu_;
  std::map<std::string, int> attempts_;
  std::vector<std::string> calls_;
};

TEST_F(CommandOutboxTest, DeliversInKeyOrderAndDeletesDelivered) {
  Put("b", "二");
  Put("a", "一");
  CommandOutbox outbox(*store_, family_,
                       Recorder([](const std::string&, int) {
                         return absl::OkStatus();
                       }),
                       {});
  outbox.Start();
  ASSERT_TRUE(outbox.WaitIdle(kGuard));
  EXPECT_THAT(Calls(), ElementsAre("a=一#1", "b=二#1"));
  EXPECT_TRUE(Pending().empty());
  EXPECT_EQ(outbox.delivered(), 2u);

  Put("c", "三");  // written while running: delivered after Wake
  outbox.Wake();
  ASSERT_TRUE(outbox.WaitIdle(kGuard));
  EXPECT_THAT(Calls(), ElementsAre("a=一#1", "b=二#1", "c=三#1"));
}

TEST_F(CommandOutboxTest, APassStartsAtTheKeyAWriterAnnounced) {
  Put("m", "工单");
  CommandOutbox outbox(
      *store_, family_,
      Recorder([](const std::string&, int) { return absl::OkStatus(); }), {});
  outbox.Start();
  ASSERT_TRUE(outbox.WaitIdle(kGuard));
  // Written without a wake, before the key announced next: the pass that
  // WakeFor("z") starts does not read back over "m"'s tombstone to "a".
  Put("a", "未通知");
  Put("z", "已通知");
  outbox.WakeFor("z");
  ASSERT_TRUE(outbox.WaitIdle(kGuard));
  EXPECT_THAT(Calls(), ElementsAre("m=工单#1", "z=已通知#1"));
  EXPECT_THAT(Pending(), ElementsAre("a"));

  outbox.WakeFor("a");
  ASSERT_TRUE(outbox.WaitIdle(kGuard));
  EXPECT_THAT(Calls(), ElementsAre("m=工单#1", "z=已通知#1", "a=未通知#1"));
  EXPECT_TRUE(Pending().empty());

  Put("0", "全量");  // Wake() reads the whole family again
  outbox.Wake();
  ASSERT_TRUE(outbox.WaitIdle(kGuard));
  EXPECT_THAT(Calls(),
              ElementsAre("m=工单#1", "z=已通知#1", "a=未通知#1", "0=全量#1"));
}

TEST_F(CommandOutboxTest, RetriesTransientErrorsAndDropsFinalOnes) {
  Put("final", "x");
  Put("flaky", "y");
  CommandOutbox outbox(
      *store_, family_,
      Recorder([](const std::string& key, int attempt) {
        if (key == "final") return absl::FailedPreconditionError("closed");
        return attempt < 3 ? absl::UnavailableError("down")
                           : absl::OkStatus();
      }),
      {.initial_backoff = absl::Milliseconds(1),
       .max_backoff = absl::Milliseconds(4)});
  outbox.Start();
  ASSERT_TRUE(outbox.WaitIdle(kGuard));
  EXPECT_THAT(Calls(),
              ElementsAre("final=x#1", "flaky=y#1", "flaky=y#2", "flaky=y#3"));
  EXPECT_EQ(outbox.rejected(), 1u);
  EXPECT_EQ(outbox.delivered(), 1u);
  EXPECT_TRUE(Pending().empty());
}

TEST_F(CommandOutboxTest, OrderedGroupHoldsBackLaterRecordsOfTheGroupOnly) {
  Put("c1/1", "start");
  Put("c1/2", "fulfil");
  Put("c2/1", "other");
  absl::Mutex gate_mu;
  bool open = false;
  CommandOutbox outbox(
      *store_, family_,
      Recorder([&](const std::string& key, int) {
        absl::MutexLock lock(&gate_mu);
        if (key == "c1/1" && !open) return absl::UnavailableError("down");
        return absl::OkStatus();
      }),
      {.initial_backoff = absl::Milliseconds(1),
       .max_backoff = absl::Milliseconds(2),
       .ordered_groups = true});
  outbox.Start();
  // c2 is independent and goes out; c1/2 must wait behind the failing c1/1.
  absl::Time give_up = absl::Now() + kGuard;
  while (Pending() != std::vector<std::string>{"c1/1", "c1/2"} &&
         absl::Now() < give_up) {
    outbox.WaitIdle(absl::Milliseconds(5));
  }
  for (const std::string& call : Calls()) {
    EXPECT_NE(call.rfind("c1/2", 0), 0u) << "c1/2 sent before c1/1: " << call;
  }
  {
    absl::MutexLock lock(&gate_mu);
    open = true;
  }
  outbox.Wake();
  give_up = absl::Now() + kGuard;
  while (!Pending().empty() && absl::Now() < give_up) {
    outbox.WaitIdle(absl::Milliseconds(5));
  }
  std::vector<std::string> calls = Calls();
  auto first_fulfil = std::find_if(calls.begin(), calls.end(), [](auto& c) {
    return c.rfind("c1/2", 0) == 0;
  });
  auto last_start = std::find_if(calls.rbegin(), calls.rend(), [](auto& c) {
    return c.rfind("c1/1", 0) == 0;
  });
  ASSERT_NE(first_fulfil, calls.end());
  EXPECT_LT(std::distance(calls.begin(), last_start.base()) - 1,
            std::distance(calls.begin(), first_fulfil));
  EXPECT_TRUE(Pending().empty());
}

TEST_F(CommandOutboxTest, ReplacedRecordIsKeptAndSentAgain) {
  Put("t1", "dept A");
  absl::Mutex writers_mu;
  CommandOutbox* self = nullptr;
  bool replaced = false;
  CommandOutbox outbox(
      *store_, family_,
      Recorder([&](const std::string& key, int attempt) {
        if (!replaced) {
          // A newer decision for the same key lands while the old one is
          // being delivered: the old delivery must not delete it.
          replaced = true;
          absl::MutexLock lock(&writers_mu);
          WriteSet writes;
          writes.Put(family_, "t1", "dept B");
          EXPECT_TRUE(store_->Commit(writes).ok());
          self->WakeFor("t1");
        }
        return absl::OkStatus();
      }),
      {.writers_mu = &writers_mu});
  self = &outbox;
  outbox.Start();
  absl::Time give_up = absl::Now() + kGuard;
  while (Calls().size() < 2 && absl::Now() < give_up) {
    outbox.WaitIdle(absl::Milliseconds(5));
  }
  ASSERT_TRUE(outbox.WaitIdle(kGuard));
  EXPECT_THAT(Calls(), ElementsAre("t1=dept A#1", "t1=dept B#2"));
  EXPECT_TRUE(Pending().empty());
}

TEST_F(CommandOutboxTest, ChunkedPassesReachEveryRecordPastARetry) {
  for (int i = 0; i < 7; ++i) Put(absl::StrCat("k", i), "派单");
  CommandOutbox outbox(
      *store_, family_, Recorder([](const std::string& key, int attempt) {
        return key == "k0" && attempt == 1 ? absl::UnavailableError("down")
                                           : absl::OkStatus();
      }),
      {.initial_backoff = absl::Milliseconds(1),
       .max_backoff = absl::Milliseconds(1),
       .scan_chunk = 2});
  outbox.Start();
  ASSERT_TRUE(outbox.WaitIdle(kGuard));
  // k0 waits for its retry while the later chunks go out.
  EXPECT_THAT(Calls(),
              ElementsAre("k0=派单#1", "k1=派单#1", "k2=派单#1", "k3=派单#1",
                          "k4=派单#1", "k5=派单#1", "k6=派单#1", "k0=派单#2"));
  EXPECT_TRUE(Pending().empty());
  EXPECT_EQ(outbox.delivered(), 7u);
}

class ParallelCommandOutboxTest : public CommandOutboxTest {
 protected:
  static constexpr int kGroups = 5, kPerGroup = 4, kInFlight = 4;

  void SetUp() override {
    for (int g = 0; g < kGroups; ++g) {
      for (int i = 0; i < kPerGroup; ++i) {
        Put(absl::StrCat("工单", g, "/", i), absl::StrCat("第", i, "步"));
      }
    }
  }

  // Every group's records were sent once each, in key order.
  void ExpectEachGroupInKeyOrder() {
    std::map<std::string, std::vector<std::string>> by_group;
    for (const std::string& call : Calls()) {
      by_group[call.substr(0, call.find('/'))].push_back(call);
    }
    ASSERT_EQ(by_group.size(), static_cast<size_t>(kGroups));
    for (const auto& [group, sent] : by_group) {
      ASSERT_EQ(sent.size(), static_cast<size_t>(kPerGroup)) << group;
      for (int i = 0; i < kPerGroup; ++i) {
        EXPECT_EQ(sent[i], absl::StrCat(group, "/", i, "=第", i, "步#1"));
      }
    }
  }

  // The same, when each group's record "/1" failed its first attempt: the
  // failed attempts are dropped, and the rest is one delivery per record.
  void ExpectEachGroupInKeyOrderAfterRetries() {
    std::vector<std::string> calls = Calls();
    {
      absl::MutexLock lock(&mu_);
      calls_.clear();
      for (const std::string& call : calls) {
        if (call.find("/1=") != std::string::npos && call.back() == '1') {
          continue;
        }
        calls_.push_back(absl::StrReplaceAll(call, {{"#2", "#1"}}));
      }
    }
    ExpectEachGroupInKeyOrder();
  }
};

TEST_F(ParallelCommandOutboxTest, CallsOfDifferentGroupsRunTogether) {
  // The first kInFlight calls each wait until all of them have started:
  // with one call at a time the first would wait in vain (until kGuard).
  absl::Mutex flight_mu;
  int started = 0, met_the_others = 0;
  auto record =
      Recorder([](const std::string&, int) { return absl::OkStatus(); });
  CommandOutbox outbox(*store_, family_,
                       [&](absl::string_view key, absl::string_view value) {
                         {
                           absl::MutexLock lock(&flight_mu);
                           if (++started <= kInFlight) {
                             auto all_started = [&] {
                               return started >= kInFlight;
                             };
                             if (flight_mu.AwaitWithTimeout(
                                     absl::Condition(&all_started), kGuard)) {
                               ++met_the_others;
                             }
                           }
                         }
                         return record(key, value);
                       },
                       {.ordered_groups = true, .max_in_flight = kInFlight});
  outbox.Start();
  ASSERT_TRUE(outbox.WaitIdle(kGuard));
  EXPECT_EQ(met_the_others, kInFlight);
  EXPECT_TRUE(Pending().empty());
  ExpectEachGroupInKeyOrder();
}

TEST_F(ParallelCommandOutboxTest, AsynchronousCallsOfAWaveStartTogether) {
  struct Started {
    std::string key, value;
    CommandOutbox::Done done;
  };
  absl::Mutex mu;
  std::vector<Started> started;  // calls whose outcome is not known yet
  bool stop = false;
  CommandOutbox outbox(
      *store_, family_,
      [&](absl::string_view key, absl::string_view value,
          CommandOutbox::Done done) {
        absl::MutexLock lock(&mu);
        started.push_back(
            {std::string(key), std::string(value), std::move(done)});
      },
      {.initial_backoff = absl::Milliseconds(1),
       .max_backoff = absl::Milliseconds(1),
       .ordered_groups = true,
       .max_in_flight = kInFlight});
  // Outcomes come from another thread, as gRPC's would. Each group's record
  // "/1" fails its first attempt, so retries take this path too.
  auto record = Recorder([](const std::string& key, int attempt) {
    return key.substr(key.find('/')) == "/1" && attempt == 1
               ? absl::UnavailableError("down")
               : absl::OkStatus();
  });
  bool whole_first_wave = false;
  std::thread completer([&] {
    bool first = true;
    for (;;) {
      std::vector<Started> batch;
      {
        absl::MutexLock lock(&mu);
        // The first wave: all of its calls start before any completes.
        // Started one by one, the second would never come.
        auto ready = [&] {
          return stop || started.size() >= (first ? kInFlight : 1u);
        };
        bool met = mu.AwaitWithTimeout(absl::Condition(&ready), kGuard);
        if (first) whole_first_wave = met && !stop;
        first = false;
        if (stop && started.empty()) return;
        batch.swap(started);
      }
      for (Started& call : batch) call.done(record(call.key, call.value));
    }
  });
  outbox.Start();
  EXPECT_TRUE(outbox.WaitIdle(kGuard));
  {
    absl::MutexLock lock(&mu);
    stop = true;
  }
  completer.join();
  outbox.Stop();
  EXPECT_TRUE(whole_first_wave);
  EXPECT_TRUE(Pending().empty());
  ExpectEachGroupInKeyOrderAfterRetries();
}

TEST_F(ParallelCommandOutboxTest, GroupsSpanningChunksStayInKeyOrder) {
  CommandOutbox outbox(
      *store_, family_, Recorder([](const std::string& key, int attempt) {
        // A retry in the middle of every group.
        return key.substr(key.find('/')) == "/1" && attempt == 1
                   ? absl::UnavailableError("down")
                   : absl::OkStatus();
      }),
      {.initial_backoff = absl::Milliseconds(1),
       .max_backoff = absl::Milliseconds(1),
       .ordered_groups = true,
       .max_in_flight = kInFlight,
       .scan_chunk = 3});
  outbox.Start();
  ASSERT_TRUE(outbox.WaitIdle(kGuard));
  EXPECT_TRUE(Pending().empty());
  ExpectEachGroupInKeyOrderAfterRetries();
}

}  // namespace
}  // namespace cs
