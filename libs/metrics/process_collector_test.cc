#include "libs/metrics/process_collector.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/files.h"
#include "libs/metrics/test_scrape.h"

namespace cs::metrics {
namespace {

using ::cs::metrics::testing::Find;
using ::cs::metrics::testing::Sample;
using ::cs::metrics::testing::ToSamples;
using ::testing::DoubleEq;
using ::testing::Optional;

// A fake procfs tree in a fresh temp directory.
class FakeProcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = ::testing::TempDir() + "/fake_proc_XXXXXX";
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    root_ = templ;
    ASSERT_EQ(mkdir((root_ + "/self").c_str(), 0700), 0);
    ASSERT_EQ(mkdir((root_ + "/self/fd").c_str(), 0700), 0);
  }

  void Write(const std::string& relative, const std::string& contents) {
    ASSERT_TRUE(WriteFileAtomically(root_ + "/" + relative, contents).ok());
  }

  std::vector<Sample> Collect() {
    ProcessCollectorOptions options;
    options.proc_self = root_ + "/self";
    options.proc_stat = root_ + "/stat";
    options.clock_ticks_per_second = 100;
    options.page_size_bytes = 4096;
    return ToSamples(ProcessCollector(options).Collect());
  }

  std::string root_;
};

// Fields 3.. of a real /proc/self/stat line with utime=250, stime=50,
// starttime=12345, vsize=104857600, rss=2560.
constexpr char kStatTail[] =
    " S 1 100 100 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 4 0 12345 "
    "104857600 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 "
    "0 0 0 0 0 0 0 0 0 0\n";

TEST_F(FakeProcTest, ParsesEveryMetric) {
  // A command name with spaces and parentheses must not shift the fields.
  Write("self/stat", std::string("4242 (my (odd) srv)") + kStatTail);
  Write("self/limits",
        "Limit                     Soft Limit           Hard Limit           "
        "Units     \n"
        "Max cpu time              unlimited            unlimited            "
        "seconds   \n"
        "Max open files            1024                 524288               "
        "files     \n");
  Write("stat", "cpu  1 2 3 4\nbtime 1700000000\nprocesses 99\n");
  Write("self/fd/0", "");
  Write("self/fd/1", "");
  Write("self/fd/2", "");

  const std::vector<Sample> samples = Collect();
  EXPECT_THAT(Find(samples, "process_cpu_seconds_total"),
              Optional(DoubleEq(3.0)));
  EXPECT_THAT(Find(samples, "process_resident_memory_bytes"),
              Optional(DoubleEq(2560.0 * 4096)));
  EXPECT_THAT(Find(samples, "process_virtual_memory_bytes"),
              Optional(DoubleEq(104857600.0)));
  EXPECT_THAT(Find(samples, "process_open_fds"), Optional(DoubleEq(3.0)));
  EXPECT_THAT(Find(samples, "process_max_fds"), Optional(DoubleEq(1024.0)));
  EXPECT_THAT(Find(samples, "process_start_time_seconds"),
              Optional(DoubleEq(1700000000.0 + 123.45)));
}

TEST_F(FakeProcTest, UnlimitedFdsIsInfinity) {
  Write("self/limits",
        "Max open files            unlimited            unlimited            "
        "files     \n");
  std::optional<double> max = Find(Collect(), "process_max_fds");
  ASSERT_TRUE(max.has_value());
  EXPECT_TRUE(std::isinf(*max));
}

TEST_F(FakeProcTest, MissingOrGarbledFilesOmitMetricsWithoutFailing) {
  Write("self/stat", "garbage without the command name");
  Write("stat", "btime 1700000000\n");
  const std::vector<Sample> samples = Collect();
  EXPECT_FALSE(Find(samples, "process_cpu_seconds_total").has_value());
  EXPECT_FALSE(Find(samples, "process_resident_memory_bytes").has_value());
  EXPECT_FALSE(Find(samples, "process_start_time_seconds").has_value());
  EXPECT_FALSE(Find(samples, "process_max_fds").has_value());
  EXPECT_THAT(Find(samples, "process_open_fds"), Optional(DoubleEq(0.0)));

  Write("self/stat", "1 (x) S 1 2 3");  // too few fields
  EXPECT_FALSE(Find(Collect(), "process_cpu_seconds_total").has_value());
}

TEST(ProcessCollectorTest, ReadsThisProcess) {
  const std::vector<Sample> samples = ToSamples(ProcessCollector().Collect());
  EXPECT_GT(Find(samples, "process_resident_memory_bytes").value_or(0), 0);
  EXPECT_GT(Find(samples, "process_virtual_memory_bytes").value_or(0), 0);
  EXPECT_GT(Find(samples, "process_open_fds").value_or(0), 0);
  EXPECT_GT(Find(samples, "process_max_fds").value_or(0), 0);
  EXPECT_GE(Find(samples, "process_cpu_seconds_total").value_or(-1), 0);
  EXPECT_GT(Find(samples, "process_start_time_seconds").value_or(0),
            1.5e9);  // after 2017
}

}  // namespace
}  // namespace cs::metrics
