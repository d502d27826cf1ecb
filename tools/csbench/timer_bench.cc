// cs-timer-bench: measures the persistent timer engine (libs/timers) that
// drives SLA warnings/breaches and escalation levels, at the scale of a large
// centre's open clocks (issue: "1M open clocks — memory per clock,
// arm/cancel throughput, breach lateness distribution, restart rebuild
// time"). A benchmark, not a test: it reads the real clock on purpose.
//
//   cs-timer-bench --count=1000000 --dir=/tmp/timers [--sync] [--json]
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "libs/common/clock.h"
#include "libs/common/config.h"
#include "libs/store/store.h"
#include "libs/timers/timer_engine.h"
#include "tools/csbench/histogram.h"

namespace {

struct Flags {
  int64_t count = 1000000;
  int64_t batch = 1000;
  int64_t lateness_count = 2000;
  std::string dir = "/tmp/cs-timer-bench";
  bool sync = true;
  bool json = false;
};

int64_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

std::string TimerId(int64_t i) { return absl::StrCat("t.ticket-", i, ".breach"); }

double Seconds(absl::Duration d) { return absl::ToDoubleSeconds(d); }

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  cs::ConfigParser parser("cs-timer-bench", "CS_TIMER_BENCH_");
  parser.AddInt64("count", &flags.count, "open timers to arm", 1, 100000000);
  parser.AddInt64("batch", &flags.batch, "timers per commit", 1, 1000000);
  parser.AddInt64("lateness-count", &flags.lateness_count,
                  "timers fired for the lateness distribution", 1, 1000000);
  parser.AddString("dir", &flags.dir, "scratch store directory (wiped)");
  parser.AddBool("sync", &flags.sync, "fsync each commit, as the services do");
  parser.AddBool("json", &flags.json, "print JSON");
  if (absl::Status s = parser.Parse(argc, argv, cs::ProcessEnvironment());
      !s.ok() || parser.help_requested()) {
    std::cerr << s.message() << "\n" << parser.Usage();
    return s.ok() ? 0 : 2;
  }
  std::filesystem::remove_all(flags.dir);
  auto store = cs::Store::Open(
      {.path = flags.dir, .column_families = {"timers"}, .sync = flags.sync});
  if (!store.ok()) {
    std::cerr << store.status() << "\n";
    return 1;
  }
  cs::ColumnFamily family = *(*store)->Family("timers");
  cs::Clock& clock = cs::SystemClock::Get();

  absl::Mutex mu;
  cs::csbench::LogHistogram lateness_us;
  std::atomic<int64_t> fired{0};
  auto handler = [&](const cs::Timer& timer, cs::WriteSet&) {
    absl::Duration late = clock.Now() - timer.due;
    absl::MutexLock lock(&mu);
    lateness_us.Record(static_cast<uint64_t>(
        std::max<int64_t>(0, absl::ToInt64Microseconds(late))));
    ++fired;
    return absl::OkStatus();
  };
  auto engine = std::make_unique<cs::TimerEngine>(**store, family, clock,
                                                  handler);
  if (absl::Status s = engine->Start(); !s.ok()) {
    std::cerr << s << "\n";
    return 1;
  }

  // 1. Arm `count` timers due tomorrow (they stay open).
  const int64_t rss_before = RssBytes();
  const absl::Time far = clock.Now() + absl::Hours(24);
  absl::Time start = absl::Now();
  for (int64_t i = 0; i < flags.count; i += flags.batch) {
    cs::WriteSet writes;
    for (int64_t j = i; j < std::min(flags.count, i + flags.batch); ++j) {
      if (!engine->Arm(writes, TimerId(j), far + absl::Microseconds(j), "")
               .ok()) {
        return 1;
      }
    }
    if (!(*store)->Commit(writes).ok()) return 1;
  }
  const absl::Duration arm_time = absl::Now() - start;
  const int64_t rss_after = RssBytes();

  // 2. Cancel a tenth of them.
  const int64_t cancels = std::max<int64_t>(1, flags.count / 10);
  start = absl::Now();
  for (int64_t i = 0; i < cancels; i += flags.batch) {
    cs::WriteSet writes;
    for (int64_t j = i; j < std::min(cancels, i + flags.batch); ++j) {
      engine->Cancel(writes, TimerId(j));
    }
    if (!(*store)->Commit(writes).ok()) return 1;
  }
  const absl::Duration cancel_time = absl::Now() - start;

  // 3. Restart: a new engine rebuilds its index from the store.
  engine->Stop();
  engine.reset();
  start = absl::Now();
  engine = std::make_unique<cs::TimerEngine>(**store, family, clock, handler);
  if (absl::Status s = engine->Start(); !s.ok()) {
    std::cerr << s << "\n";
    return 1;
  }
  const absl::Duration rebuild_time = absl::Now() - start;
  const size_t open_after_restart = engine->size();

  // 4. Lateness: timers due over the next second, fired by the engine while
  //    the index holds every other open timer.
  const absl::Time soon = clock.Now() + absl::Milliseconds(200);
  {
    cs::WriteSet writes;
    for (int64_t i = 0; i < flags.lateness_count; ++i) {
      absl::Duration offset =
          absl::Microseconds(1000000 * i / flags.lateness_count);
      if (!engine->Arm(writes, absl::StrCat("soon-", i), soon + offset, "")
               .ok()) {
        return 1;
      }
    }
    if (!(*store)->Commit(writes).ok()) return 1;
  }
  const absl::Time give_up = absl::Now() + absl::Seconds(120);
  while (fired.load() < flags.lateness_count && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));  // a benchmark waits in real time
  }
  engine->Stop();

  const double bytes_per_timer =
      static_cast<double>(rss_after - rss_before) / flags.count;
  const double arm_rate = flags.count / Seconds(arm_time);
  const double cancel_rate = cancels / Seconds(cancel_time);
  absl::MutexLock lock(&mu);
  if (flags.json) {
    std::printf(
        "{\"count\":%lld,\"batch\":%lld,\"sync\":%s,\"rss_bytes_per_timer\":%.1f,"
        "\"arm_per_s\":%.0f,\"cancel_per_s\":%.0f,\"rebuild_s\":%.3f,"
        "\"open_after_restart\":%zu,\"fired\":%lld,\"lateness_us\":{\"p50\":%llu,"
        "\"p90\":%llu,\"p99\":%llu,\"max\":%llu}}\n",
        static_cast<long long>(flags.count), static_cast<long long>(flags.batch),
        flags.sync ? "true" : "false", bytes_per_timer, arm_rate, cancel_rate,
        Seconds(rebuild_time), open_after_restart,
        static_cast<long long>(fired.load()),
        static_cast<unsigned long long>(lateness_us.Percentile(0.5)),
        static_cast<unsigned long long>(lateness_us.Percentile(0.9)),
        static_cast<unsigned long long>(lateness_us.Percentile(0.99)),
        static_cast<unsigned long long>(lateness_us.max()));
  } else {
    std::printf("open timers            %lld (batch %lld per commit, sync %s)\n",
                static_cast<long long>(flags.count),
                static_cast<long long>(flags.batch), flags.sync ? "on" : "off");
    std::printf("memory per open timer  %.0f bytes (RSS delta)\n", bytes_per_timer);
    std::printf("arm                    %.0f timers/s\n", arm_rate);
    std::printf("cancel                 %.0f timers/s\n", cancel_rate);
    std::printf("restart rebuild        %.3f s for %zu open timers\n",
                Seconds(rebuild_time), open_after_restart);
    std::printf("breach lateness        p50 %llu us, p90 %llu us, p99 %llu us, "
                "max %llu us over %lld firings\n",
                static_cast<unsigned long long>(lateness_us.Percentile(0.5)),
                static_cast<unsigned long long>(lateness_us.Percentile(0.9)),
                static_cast<unsigned long long>(lateness_us.Percentile(0.99)),
                static_cast<unsigned long long>(lateness_us.max()),
                static_cast<long long>(fired.load()));
  }
  std::filesystem::remove_all(flags.dir);
  return fired.load() == flags.lateness_count ? 0 : 1;
}
