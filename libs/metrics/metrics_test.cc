#include "libs/metrics/metrics.h"

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/metrics/process_collector.h"
#include "libs/metrics/test_scrape.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"

namespace cs::metrics {
namespace {

using ::cs::metrics::testing::Count;
using ::cs::metrics::testing::Find;
using ::cs::metrics::testing::HttpGet;
using ::cs::metrics::testing::ParseExposition;
using ::cs::metrics::testing::Sample;
using ::testing::HasSubstr;
using ::testing::Optional;

// One HTTP-serving Metrics per test process: destroying an Exposer takes
// about 2 s. Tests use distinct metric names, so sharing it is safe. Leaked
// on purpose (never destroyed).
Metrics& SharedHttpMetrics() {
  static Metrics* const metrics = [] {
    absl::StatusOr<std::unique_ptr<Metrics>> created =
        Metrics::Create("127.0.0.1:0");
    if (!created.ok()) {
      std::cerr << "cannot start /metrics: " << created.status() << "\n";
      std::abort();
    }
    RegisterProcessCollector(**created);
    return created->release();
  }();
  return *metrics;
}

// A fresh value per call: tests on the shared Metrics use it in names and
// labels so that --gtest_repeat runs do not see each other's series.
std::string Unique() {
  static std::atomic<int> next{0};
  return absl::StrCat(next++);
}

std::vector<Sample> Scrape(const Metrics& metrics) {
  absl::StatusOr<std::string> body = HttpGet(metrics.port(), "/metrics");
  EXPECT_TRUE(body.ok()) << body.status();
  if (!body.ok()) return {};
  absl::StatusOr<std::vector<Sample>> samples = ParseExposition(*body);
  EXPECT_TRUE(samples.ok()) << samples.status();
  return samples.ok() ? *samples : std::vector<Sample>{};
}

TEST(MetricsTest, BindsAnEphemeralPortForPortZero) {
  Metrics& metrics = SharedHttpMetrics();
  EXPECT_GT(metrics.port(), 0);
  EXPECT_LT(metrics.port(), 65536);
}

TEST(MetricsTest, ServesRegistryOverHttp) {
  Metrics& metrics = SharedHttpMetrics();
  auto& family = prometheus::BuildCounter()
                     .Name("cs_test_http_requests_total")
                     .Help("test counter")
                     .Register(metrics.registry());
  const std::string run = Unique();
  family.Add({{"route", "a"}, {"run", run}}).Increment(3);
  family.Add({{"route", "b"}, {"run", run}}).Increment();

  std::vector<Sample> samples = Scrape(metrics);
  EXPECT_THAT(Find(samples, "cs_test_http_requests_total",
                   {{"route", "a"}, {"run", run}}),
              Optional(3.0));
  EXPECT_THAT(Find(samples, "cs_test_http_requests_total",
                   {{"route", "b"}, {"run", run}}),
              Optional(1.0));

  family.Add({{"route", "a"}, {"run", run}}).Increment();
  samples = Scrape(metrics);
  EXPECT_THAT(Find(samples, "cs_test_http_requests_total",
                   {{"route", "a"}, {"run", run}}),
              Optional(4.0));
}

TEST(MetricsTest, UnknownPathIsNotFound) {
  absl::StatusOr<std::string> body =
      HttpGet(SharedHttpMetrics().port(), "/nothing-here");
  EXPECT_EQ(body.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(body.status().message(), HasSubstr("404"));
}

TEST(MetricsTest, ServesPlausibleProcessMetrics) {
  const std::vector<Sample> samples = Scrape(SharedHttpMetrics());
  const double now = absl::ToUnixMillis(absl::Now()) / 1000.0;

  std::optional<double> rss = Find(samples, "process_resident_memory_bytes");
  ASSERT_TRUE(rss.has_value());
  EXPECT_GT(*rss, 1024 * 1024);  // a gtest binary with gRPC is > 1 MiB
  std::optional<double> vsize = Find(samples, "process_virtual_memory_bytes");
  ASSERT_TRUE(vsize.has_value());
  EXPECT_GE(*vsize, *rss);
  std::optional<double> open_fds = Find(samples, "process_open_fds");
  ASSERT_TRUE(open_fds.has_value());
  EXPECT_GE(*open_fds, 3);  // stdin/out/err at least, plus the listen socket
  std::optional<double> max_fds = Find(samples, "process_max_fds");
  ASSERT_TRUE(max_fds.has_value());
  EXPECT_GE(*max_fds, *open_fds);
  std::optional<double> cpu = Find(samples, "process_cpu_seconds_total");
  ASSERT_TRUE(cpu.has_value());
  EXPECT_GE(*cpu, 0);
  std::optional<double> start = Find(samples, "process_start_time_seconds");
  ASSERT_TRUE(start.has_value());
  // Started within the last day, and not in the future (2 s slack for the
  // tick-granular start time and boot-time rounding).
  EXPECT_LE(*start, now + 2);
  EXPECT_GT(*start, now - 86400);
  // Each family exactly once, even though the collector is scraped with the
  // registry.
  EXPECT_EQ(Count(samples, "process_open_fds"), 1);
}

TEST(MetricsTest, GaugeCallbackRunsAtEveryScrape) {
  Metrics& metrics = SharedHttpMetrics();
  auto calls = std::make_shared<std::atomic<int>>(0);
  const std::string prefix = absl::StrCat("cs_test", Unique(), "_rocksdb_");
  metrics.AddGaugeCallback(prefix, "RocksDB property", [calls] {
    const int n = ++*calls;
    return GaugeValues{{"estimate-num-keys", 1000.0 + n},
                       {"is.write.stopped", 0},
                       {"estimate-num-keys", -1}};  // repeat: dropped
  });

  std::vector<Sample> samples = Scrape(metrics);
  const int first = calls->load();
  ASSERT_GE(first, 1);
  EXPECT_THAT(Find(samples, prefix + "estimate_num_keys"),
              Optional(1000.0 + first));
  EXPECT_THAT(Find(samples, prefix + "is_write_stopped"), Optional(0.0));
  EXPECT_EQ(Count(samples, prefix + "estimate_num_keys"), 1);

  samples = Scrape(metrics);
  EXPECT_THAT(Find(samples, prefix + "estimate_num_keys"),
              Optional(1000.0 + calls->load()));
  EXPECT_GT(calls->load(), first);
}

TEST(MetricsTest, SecondServerOnTakenPortFailsCleanly) {
  const std::string address =
      absl::StrCat("127.0.0.1:", SharedHttpMetrics().port());
  absl::StatusOr<std::unique_ptr<Metrics>> second = Metrics::Create(address);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr(address));
  // The first one still serves.
  EXPECT_TRUE(HttpGet(SharedHttpMetrics().port(), "/metrics").ok());
}

TEST(MetricsTest, MalformedAddressFailsCleanly) {
  absl::StatusOr<std::unique_ptr<Metrics>> metrics =
      Metrics::Create("not an address");
  ASSERT_FALSE(metrics.ok());
  EXPECT_EQ(metrics.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(metrics.status().message(), HasSubstr("not an address"));
}

TEST(MetricsTest, EmptyAddressMeansNoHttpButCollectWorks) {
  absl::StatusOr<std::unique_ptr<Metrics>> metrics = Metrics::Create("");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_EQ((*metrics)->port(), 0);
  prometheus::BuildGauge()
      .Name("cs_test_queue_depth")
      .Help("test gauge")
      .Register((*metrics)->registry())
      .Add({})
      .Set(7);
  (*metrics)->AddGaugeCallback("cs_test_", "h", [] {
    return GaugeValues{{"answer", 42}};
  });
  const std::vector<Sample> samples = testing::ToSamples((*metrics)->Collect());
  EXPECT_THAT(Find(samples, "cs_test_queue_depth"), Optional(7.0));
  EXPECT_THAT(Find(samples, "cs_test_answer"), Optional(42.0));
}

TEST(MetricsTest, FirstFamilyWinsOnNameClash) {
  absl::StatusOr<std::unique_ptr<Metrics>> metrics = Metrics::Create("");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  prometheus::BuildGauge()
      .Name("cs_test_clash")
      .Help("registry")
      .Register((*metrics)->registry())
      .Add({})
      .Set(1);
  (*metrics)->AddGaugeCallback("cs_test_", "callback a", [] {
    return GaugeValues{{"clash", 2}, {"only_a", 3}};
  });
  (*metrics)->AddGaugeCallback("cs_test_", "callback b", [] {
    return GaugeValues{{"only_a", 4}};
  });
  (*metrics)->AddCollectable(nullptr);  // ignored
  const std::vector<Sample> samples = testing::ToSamples((*metrics)->Collect());
  EXPECT_EQ(Count(samples, "cs_test_clash"), 1);
  EXPECT_THAT(Find(samples, "cs_test_clash"), Optional(1.0));
  EXPECT_EQ(Count(samples, "cs_test_only_a"), 1);
  EXPECT_THAT(Find(samples, "cs_test_only_a"), Optional(3.0));
}

}  // namespace
}  // namespace cs::metrics
