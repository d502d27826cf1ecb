#include "libs/timers/timer_engine.h"

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/clock.h"
#include "libs/store/store.h"
#include "libs/testing/temp_dir.h"

namespace cs {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

// Only a guard against hangs; nothing waits for it to pass.
constexpr absl::Duration kHangGuard = absl::Seconds(60);
const absl::Time kStart = absl::FromUnixSeconds(1700000000);

struct Fired {
  std::string id;
  absl::Time due;
  std::string payload;
  absl::Time at;  // clock time when the handler ran
};

// Records every firing; thread-safe.
class Recorder {
 public:
  void Add(const Timer& t, absl::Time at) {
    absl::MutexLock lock(&mu_);
    fired_.push_back({t.id, t.due, t.payload, at});
  }
  std::vector<Fired> fired() const {
    absl::MutexLock lock(&mu_);
    return fired_;
  }
  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const Fired& f : fired()) out.push_back(f.id);
    return out;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<Fired> fired_ ABSL_GUARDED_BY(mu_);
};

class TimerEngineTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenStore(); }

  void OpenStore() {
    Store::Options options;
    options.path = dir_.Sub("db");
    options.column_families = {"timers"};
    options.sync = false;  // durability is the store's business, not ours
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    family_ = *store_->Family("timers");
  }

  static TimerEngine::Options FastRetry() {
    TimerEngine::Options options;
    options.initial_backoff = absl::Milliseconds(1);
    options.max_backoff = absl::Milliseconds(5);
    return options;
  }

  // An engine whose handler records into `recorder_`.
  std::unique_ptr<TimerEngine> RecordingEngine() {
    return std::make_unique<TimerEngine>(
        *store_, family_, clock_,
        [this](const Timer& t, WriteSet&) {
          recorder_.Add(t, clock_.Now());
          return absl::OkStatus();
        },
        FastRetry());
  }

  absl::Status Arm(TimerEngine& engine, absl::string_view id, absl::Time due,
                   absl::string_view payload = "") {
    WriteSet writes;
    absl::Status armed = engine.Arm(writes, id, due, payload);
    if (!armed.ok()) return armed;
    return store_->Commit(writes);
  }

  absl::Status Cancel(TimerEngine& engine, absl::string_view id) {
    WriteSet writes;
    engine.Cancel(writes, id);
    return store_->Commit(writes);
  }

  // Every key in the timers family.
  std::vector<std::string> Keys() const {
    std::vector<std::string> keys;
    absl::Status scanned =
        store_->Scan(family_, "", "", 0, [&](absl::string_view k, auto) {
          keys.emplace_back(k);
          return true;
        });
    EXPECT_TRUE(scanned.ok()) << scanned;
    return keys;
  }

  cs::testing::TempDir dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<Store> store_;
  ColumnFamily family_;
  Recorder recorder_;
};

TEST_F(TimerEngineTest, FiresAtTheInstantNotBefore) {
  auto engine = RecordingEngine();
  ASSERT_TRUE(engine->Start().ok());
  const absl::Time due = kStart + absl::Minutes(10);
  ASSERT_TRUE(Arm(*engine, "ticket-1/breach", due, "p").ok());
  EXPECT_EQ(engine->size(), 1u);
  EXPECT_EQ(engine->NextDue(), due);
  EXPECT_EQ(engine->DueOf("ticket-1/breach"), due);

  clock_.Advance(absl::Minutes(9) + absl::Seconds(59));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  EXPECT_THAT(recorder_.fired(), IsEmpty());

  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  std::vector<Fired> fired = recorder_.fired();
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].id, "ticket-1/breach");
  EXPECT_EQ(fired[0].due, due);
  EXPECT_EQ(fired[0].payload, "p");
  EXPECT_EQ(fired[0].at, due);  // not a moment late
  EXPECT_EQ(engine->fired(), 1u);
  EXPECT_EQ(engine->size(), 0u);
  EXPECT_EQ(engine->NextDue(), std::nullopt);
  EXPECT_THAT(Keys(), IsEmpty());

  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  EXPECT_EQ(recorder_.fired().size(), 1u);
}

TEST_F(TimerEngineTest, FiresInDueOrderTiesBrokenById) {
  auto engine = RecordingEngine();
  ASSERT_TRUE(engine->Start().ok());
  ASSERT_TRUE(Arm(*engine, "late", kStart + absl::Minutes(30)).ok());
  ASSERT_TRUE(Arm(*engine, "b", kStart + absl::Minutes(10)).ok());
  ASSERT_TRUE(Arm(*engine, "c", kStart + absl::Minutes(10)).ok());
  ASSERT_TRUE(Arm(*engine, "a", kStart + absl::Minutes(10)).ok());
  ASSERT_TRUE(Arm(*engine, "first", kStart + absl::Minutes(5)).ok());
  ASSERT_TRUE(Arm(*engine, "middle", kStart + absl::Minutes(20)).ok());
  EXPECT_EQ(engine->NextDue(), kStart + absl::Minutes(5));

  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  EXPECT_THAT(recorder_.ids(),
              ElementsAre("first", "a", "b", "c", "middle", "late"));
}

TEST_F(TimerEngineTest, CancelledTimerNeverFires) {
  auto engine = RecordingEngine();
  ASSERT_TRUE(engine->Start().ok());
  ASSERT_TRUE(Arm(*engine, "x", kStart + absl::Minutes(10)).ok());
  ASSERT_TRUE(Arm(*engine, "y", kStart + absl::Minutes(10)).ok());
  ASSERT_TRUE(Cancel(*engine, "x").ok());
  ASSERT_TRUE(Cancel(*engine, "never-armed").ok());
  EXPECT_EQ(engine->size(), 1u);
  EXPECT_EQ(engine->DueOf("x"), std::nullopt);

  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  EXPECT_THAT(recorder_.ids(), ElementsAre("y"));
  EXPECT_THAT(Keys(), IsEmpty());
}

TEST_F(TimerEngineTest, RearmMovesTimerEarlierOrLater) {
  auto engine = RecordingEngine();
  ASSERT_TRUE(engine->Start().ok());
  ASSERT_TRUE(Arm(*engine, "earlier", kStart + absl::Minutes(10), "v1").ok());
  ASSERT_TRUE(Arm(*engine, "later", kStart + absl::Minutes(5)).ok());
  ASSERT_TRUE(Arm(*engine, "earlier", kStart + absl::Minutes(3), "v2").ok());
  ASSERT_TRUE(Arm(*engine, "later", kStart + absl::Minutes(20)).ok());
  EXPECT_EQ(engine->size(), 2u);
  EXPECT_EQ(engine->NextDue(), kStart + absl::Minutes(3));

  clock_.Advance(absl::Minutes(3));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  EXPECT_THAT(recorder_.ids(), ElementsAre("earlier"));
  EXPECT_EQ(recorder_.fired()[0].due, kStart + absl::Minutes(3));
  EXPECT_EQ(recorder_.fired()[0].payload, "v2");

  clock_.Advance(absl::Minutes(7));  // +10m: the old times of both
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  EXPECT_EQ(recorder_.fired().size(), 1u);

  clock_.Advance(absl::Minutes(10));  // +20m
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  EXPECT_THAT(recorder_.ids(), ElementsAre("earlier", "later"));
  EXPECT_EQ(recorder_.fired()[1].due, kStart + absl::Minutes(20));
}

TEST_F(TimerEngineTest, OnlyCommittedWriteSetsArm) {
  auto engine = RecordingEngine();
  ASSERT_TRUE(engine->Start().ok());
  {
    WriteSet abandoned;
    ASSERT_TRUE(engine->Arm(abandoned, "abandoned", kStart).ok());
  }  // destroyed uncommitted
  EXPECT_EQ(engine->size(), 0u);
  {
    WriteSet writes;
    ASSERT_TRUE(engine->Arm(writes, "committed", kStart + absl::Minutes(1)).ok());
    EXPECT_EQ(engine->size(), 0u);  // not before the commit
    ASSERT_TRUE(store_->Commit(writes).ok());
    EXPECT_EQ(engine->size(), 1u);
  }
  {
    WriteSet abandoned;
    engine->Cancel(abandoned, "committed");
  }
  EXPECT_EQ(engine->size(), 1u);
  EXPECT_THAT(Keys(), ElementsAre("t/committed"));

  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  EXPECT_THAT(recorder_.ids(), ElementsAre("committed"));
}

TEST_F(TimerEngineTest, OperationsInOneWriteSetComposeLastWins) {
  auto engine = RecordingEngine();
  ASSERT_TRUE(engine->Start().ok());
  {
    WriteSet writes;
    ASSERT_TRUE(engine->Arm(writes, "armed-then-cancelled", kStart).ok());
    engine->Cancel(writes, "armed-then-cancelled");
    engine->Cancel(writes, "cancelled-then-armed");
    ASSERT_TRUE(
        engine->Arm(writes, "cancelled-then-armed", kStart + absl::Minutes(2))
            .ok());
    ASSERT_TRUE(engine->Arm(writes, "armed-twice", kStart + absl::Minutes(9))
                    .ok());
    ASSERT_TRUE(engine->Arm(writes, "armed-twice", kStart + absl::Minutes(1))
                    .ok());
    ASSERT_TRUE(store_->Commit(writes).ok());
  }
  EXPECT_EQ(engine->size(), 2u);
  EXPECT_EQ(engine->DueOf("armed-twice"), kStart + absl::Minutes(1));
  EXPECT_THAT(Keys(), ElementsAre("t/armed-twice", "t/cancelled-then-armed"));

  clock_.Advance(absl::Minutes(10));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  EXPECT_THAT(recorder_.ids(),
              ElementsAre("armed-twice", "cancelled-then-armed"));
}

TEST_F(TimerEngineTest, RejectsBadArgumentsWithoutWriting) {
  auto engine = RecordingEngine();
  WriteSet writes;
  EXPECT_EQ(engine->Arm(writes, "", kStart).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine->Arm(writes, std::string(129, 'x'), kStart).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(engine->Arm(writes, std::string(128, 'x'), kStart).ok());
  EXPECT_EQ(engine->Arm(writes, "id", absl::InfiniteFuture()).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine->Arm(writes, "id", kStart, std::string(4097, 'p')).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(writes.operations().size(), 1u);  // only the valid one
}

TEST_F(TimerEngineTest, FailingHandlerIsRetriedAndEffectLandsWithRemoval) {
  absl::Mutex mu;
  int attempts = 0;
  bool succeed = false;
  TimerEngine engine(
      *store_, family_, clock_,
      [&](const Timer& t, WriteSet& writes) {
        absl::MutexLock lock(&mu);
        ++attempts;
        // Every attempt writes its effect; only the committed one may land.
        writes.Put(family_, absl::StrCat("effect/", t.id, "/", attempts), "");
        if (!succeed) return absl::UnavailableError("downstream busy");
        recorder_.Add(t, clock_.Now());
        return absl::OkStatus();
      },
      FastRetry());
  ASSERT_TRUE(engine.Start().ok());
  ASSERT_TRUE(Arm(engine, "x", kStart + absl::Minutes(1)).ok());
  clock_.Advance(absl::Minutes(1));
  {
    absl::MutexLock lock(&mu);
    auto retried = [&] { return attempts >= 3; };
    ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(&retried), kHangGuard));
  }
  EXPECT_THAT(Keys(), ElementsAre("t/x"));  // no effect, timer kept
  EXPECT_EQ(engine.size(), 1u);
  EXPECT_FALSE(engine.WaitIdle(absl::Milliseconds(1)));  // still due

  int winning_attempt;
  {
    absl::MutexLock lock(&mu);
    succeed = true;
  }
  ASSERT_TRUE(engine.WaitIdle(kHangGuard));
  {
    absl::MutexLock lock(&mu);
    winning_attempt = attempts;
  }
  EXPECT_THAT(recorder_.ids(), ElementsAre("x"));
  EXPECT_EQ(recorder_.fired()[0].due, kStart + absl::Minutes(1));
  EXPECT_EQ(engine.fired(), 1u);
  EXPECT_GE(engine.failures(), 3u);
  EXPECT_EQ(engine.size(), 0u);
  // The effect of the successful attempt and the timer's removal landed
  // together; the failed attempts left nothing.
  EXPECT_THAT(Keys(), ElementsAre(absl::StrCat("effect/x/", winning_attempt)));
}

TEST_F(TimerEngineTest, RestartFiresOverdueTimersWithTrueDueTimes) {
  const absl::Time a = kStart + absl::Minutes(10);
  const absl::Time b = kStart + absl::Minutes(20);
  const absl::Time c = kStart + absl::Minutes(30);
  {
    auto engine = RecordingEngine();
    ASSERT_TRUE(engine->Start().ok());
    ASSERT_TRUE(Arm(*engine, "c", c, "payload-c").ok());
    ASSERT_TRUE(Arm(*engine, "a", a, "payload-a").ok());
    ASSERT_TRUE(Arm(*engine, "b", b, "payload-b").ok());
    ASSERT_TRUE(engine->WaitIdle(kHangGuard));
    engine->Stop();
  }
  store_.reset();
  clock_.Advance(absl::Minutes(25));  // a and b fall due while down
  OpenStore();
  ASSERT_TRUE(store_);

  auto engine = RecordingEngine();
  ASSERT_TRUE(engine->Start().ok());
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  std::vector<Fired> fired = recorder_.fired();
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[0].id, "a");
  EXPECT_EQ(fired[0].due, a);
  EXPECT_EQ(fired[0].payload, "payload-a");
  EXPECT_EQ(fired[0].at - fired[0].due, absl::Minutes(15));  // lateness
  EXPECT_EQ(fired[1].id, "b");
  EXPECT_EQ(fired[1].due, b);
  EXPECT_EQ(engine->size(), 1u);
  EXPECT_EQ(engine->NextDue(), c);

  clock_.Advance(absl::Minutes(4) + absl::Seconds(59));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  EXPECT_EQ(recorder_.fired().size(), 2u);
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  fired = recorder_.fired();
  ASSERT_EQ(fired.size(), 3u);
  EXPECT_EQ(fired[2].id, "c");
  EXPECT_EQ(fired[2].due, c);
  EXPECT_EQ(fired[2].at, c);
  EXPECT_EQ(fired[2].payload, "payload-c");

  // A second restart finds nothing left to fire.
  engine->Stop();
  ASSERT_TRUE(engine->Start().ok());
  EXPECT_EQ(engine->size(), 0u);
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  EXPECT_EQ(recorder_.fired().size(), 3u);
  EXPECT_THAT(Keys(), IsEmpty());
}

TEST_F(TimerEngineTest, StartTwiceFails) {
  auto engine = RecordingEngine();
  ASSERT_TRUE(engine->Start().ok());
  EXPECT_EQ(engine->Start().code(), absl::StatusCode::kFailedPrecondition);
  engine->Stop();
  engine->Stop();
}

TEST_F(TimerEngineTest, CorruptRecordFailsStart) {
  WriteSet writes;
  writes.Put(family_, "t/broken", "short");
  ASSERT_TRUE(store_->Commit(writes).ok());
  auto engine = RecordingEngine();
  absl::Status started = engine->Start();
  EXPECT_EQ(started.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(started.message()), ::testing::HasSubstr("broken"));
}

TEST_F(TimerEngineTest, ConcurrentArmAndCancel) {
  auto engine = RecordingEngine();
  ASSERT_TRUE(engine->Start().ok());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 1000;
  std::vector<std::vector<std::string>> expected(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string id = absl::StrCat("w", t, "-", i);
        // Spread over an hour, with plenty of equal due times.
        absl::Time due = kStart + absl::Seconds(60 + (i * 7 + t * 13) % 3600);
        EXPECT_TRUE(Arm(*engine, id, due).ok());
        if (i % 3 == 0) {
          EXPECT_TRUE(Cancel(*engine, id).ok());
        } else if (i % 3 == 1) {
          // Re-armed once more, later.
          EXPECT_TRUE(Arm(*engine, id, due + absl::Minutes(5)).ok());
          expected[t].push_back(id);
        } else {
          expected[t].push_back(id);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<std::string> all;
  for (const auto& ids : expected) all.insert(all.end(), ids.begin(), ids.end());
  EXPECT_EQ(engine->size(), all.size());

  clock_.Advance(absl::Hours(2));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  std::vector<Fired> fired = recorder_.fired();
  EXPECT_EQ(fired.size(), all.size());
  std::vector<std::string> ids = recorder_.ids();
  EXPECT_THAT(ids, UnorderedElementsAreArray(all));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  EXPECT_TRUE(std::is_sorted(fired.begin(), fired.end(),
                             [](const Fired& x, const Fired& y) {
                               return std::tie(x.due, x.id) <
                                      std::tie(y.due, y.id);
                             }));
  EXPECT_EQ(engine->fired(), all.size());
  EXPECT_THAT(Keys(), IsEmpty());
}

TEST_F(TimerEngineTest, EarlierTimerInterruptsTheWait) {
  auto engine = RecordingEngine();
  ASSERT_TRUE(engine->Start().ok());
  ASSERT_TRUE(Arm(*engine, "late", kStart + absl::Hours(1)).ok());
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));  // the thread now waits for +1h
  ASSERT_TRUE(Arm(*engine, "early", kStart + absl::Minutes(1)).ok());
  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  std::vector<Fired> fired = recorder_.fired();
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].id, "early");
  EXPECT_EQ(fired[0].at, kStart + absl::Minutes(1));
  EXPECT_EQ(engine->NextDue(), kStart + absl::Hours(1));
}

TEST_F(TimerEngineTest, HandlerMayRearmItsOwnId) {
  // The escalation pattern: level n fires and arms level n+1 under the same id.
  std::unique_ptr<TimerEngine> engine;
  engine = std::make_unique<TimerEngine>(
      *store_, family_, clock_,
      [&](const Timer& t, WriteSet& writes) -> absl::Status {
        recorder_.Add(t, clock_.Now());
        int level = std::stoi(t.payload);
        if (level >= 3) return absl::OkStatus();
        return engine->Arm(writes, t.id, t.due + absl::Minutes(10),
                           std::to_string(level + 1));
      },
      FastRetry());
  ASSERT_TRUE(engine->Start().ok());
  ASSERT_TRUE(Arm(*engine, "case-1", kStart + absl::Minutes(10), "1").ok());

  clock_.Advance(absl::Minutes(10));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  EXPECT_EQ(engine->DueOf("case-1"), kStart + absl::Minutes(20));
  EXPECT_THAT(Keys(), ElementsAre("t/case-1"));

  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  std::vector<Fired> fired = recorder_.fired();
  ASSERT_EQ(fired.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(fired[i].payload, std::to_string(i + 1));
    EXPECT_EQ(fired[i].due, kStart + absl::Minutes(10 * (i + 1)));
  }
  EXPECT_EQ(engine->size(), 0u);
  EXPECT_THAT(Keys(), IsEmpty());
}

TEST_F(TimerEngineTest, FiringRacingACommittedChangeIsDiscarded) {
  // While the handler runs, another commit (as from a concurrent request)
  // cancels one timer and re-arms another. Their effects must be dropped and
  // the winning change honoured.
  std::unique_ptr<TimerEngine> engine;
  int calls = 0;
  engine = std::make_unique<TimerEngine>(
      *store_, family_, clock_,
      [&](const Timer& t, WriteSet& writes) -> absl::Status {
        ++calls;  // only the firing thread touches it
        writes.Put(family_, absl::StrCat("effect/", t.id, "/", calls), "");
        if (calls == 1) {
          EXPECT_TRUE(Cancel(*engine, t.id).ok());
        } else if (calls == 2) {
          EXPECT_TRUE(Arm(*engine, t.id, t.due + absl::Hours(1)).ok());
        } else {
          recorder_.Add(t, clock_.Now());
        }
        return absl::OkStatus();
      },
      FastRetry());
  ASSERT_TRUE(engine->Start().ok());
  ASSERT_TRUE(Arm(*engine, "cancelled", kStart + absl::Minutes(1)).ok());
  ASSERT_TRUE(Arm(*engine, "rearmed", kStart + absl::Minutes(2)).ok());

  clock_.Advance(absl::Minutes(2));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  EXPECT_THAT(recorder_.fired(), IsEmpty());
  EXPECT_EQ(engine->fired(), 0u);
  EXPECT_EQ(engine->DueOf("cancelled"), std::nullopt);
  EXPECT_EQ(engine->DueOf("rearmed"), kStart + absl::Hours(1) + absl::Minutes(2));
  EXPECT_THAT(Keys(), ElementsAre("t/rearmed"));

  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(engine->WaitIdle(kHangGuard));
  EXPECT_THAT(recorder_.ids(), ElementsAre("rearmed"));
  EXPECT_THAT(Keys(), ElementsAre("effect/rearmed/3"));
}

TEST_F(TimerEngineTest, StopInterruptsARetryingHandler) {
  TimerEngine::Options options;
  options.initial_backoff = absl::Hours(1);  // only Stop can end the wait
  absl::Notification attempted;
  TimerEngine engine(
      *store_, family_, clock_,
      [&](const Timer&, WriteSet&) {
        if (!attempted.HasBeenNotified()) attempted.Notify();
        return absl::InternalError("broken");
      },
      options);
  ASSERT_TRUE(engine.Start().ok());
  ASSERT_TRUE(Arm(engine, "x", kStart).ok());
  ASSERT_TRUE(attempted.WaitForNotificationWithTimeout(kHangGuard));
  engine.Stop();
  EXPECT_EQ(engine.size(), 1u);
  EXPECT_THAT(Keys(), ElementsAre("t/x"));
}

TEST_F(TimerEngineTest, SeparatePrefixesShareAFamily) {
  TimerEngine::Options warn_options = FastRetry();
  warn_options.key_prefix = "warn/";
  TimerEngine::Options breach_options = FastRetry();
  breach_options.key_prefix = "breach/";
  Recorder warnings, breaches;
  TimerEngine warn(*store_, family_, clock_,
                   [&](const Timer& t, WriteSet&) {
                     warnings.Add(t, clock_.Now());
                     return absl::OkStatus();
                   },
                   warn_options);
  TimerEngine breach(*store_, family_, clock_,
                     [&](const Timer& t, WriteSet&) {
                       breaches.Add(t, clock_.Now());
                       return absl::OkStatus();
                     },
                     breach_options);
  ASSERT_TRUE(Arm(warn, "t1", kStart + absl::Minutes(8)).ok());
  ASSERT_TRUE(Arm(breach, "t1", kStart + absl::Minutes(10)).ok());
  // Armed before Start: Start reloads and keeps them apart.
  ASSERT_TRUE(warn.Start().ok());
  ASSERT_TRUE(breach.Start().ok());
  EXPECT_EQ(warn.size(), 1u);
  EXPECT_EQ(breach.size(), 1u);
  clock_.Advance(absl::Minutes(10));
  ASSERT_TRUE(warn.WaitIdle(kHangGuard));
  ASSERT_TRUE(breach.WaitIdle(kHangGuard));
  EXPECT_THAT(warnings.ids(), ElementsAre("t1"));
  EXPECT_EQ(warnings.fired()[0].due, kStart + absl::Minutes(8));
  EXPECT_THAT(breaches.ids(), ElementsAre("t1"));
  EXPECT_EQ(breaches.fired()[0].due, kStart + absl::Minutes(10));
}

TEST_F(TimerEngineTest, WorksWithTheSystemClock) {
  Recorder recorder;
  absl::Notification done;
  TimerEngine engine(*store_, family_, SystemClock::Get(),
                     [&](const Timer& t, WriteSet&) {
                       recorder.Add(t, absl::Now());
                       done.Notify();
                       return absl::OkStatus();
                     });
  ASSERT_TRUE(engine.Start().ok());
  ASSERT_TRUE(Arm(engine, "soon", absl::Now() + absl::Milliseconds(20)).ok());
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(kHangGuard));
  std::vector<Fired> fired = recorder.fired();
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_GE(fired[0].at, fired[0].due);
}

}  // namespace
}  // namespace cs
