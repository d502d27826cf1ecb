// Test helpers: fetch /metrics over plain HTTP and read samples out of the
// Prometheus text exposition format. Test-only; not part of cs_metrics.
#ifndef CS_LIBS_METRICS_TEST_SCRAPE_H_
#define CS_LIBS_METRICS_TEST_SCRAPE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "prometheus/metric_family.h"

namespace cs::metrics::testing {

// One line of the exposition format: name{labels} value.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// HTTP/1.0 GET of http://127.0.0.1:<port><path> over a plain POSIX socket.
// Returns the body of a 200 response; UNAVAILABLE on socket errors (10 s
// timeouts), FAILED_PRECONDITION with the status line on any other status.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

// Parses every sample line (comments and blank lines are skipped). Returns
// INVALID_ARGUMENT naming the first malformed line.
absl::StatusOr<std::vector<Sample>> ParseExposition(absl::string_view text);

// The families rendered with prometheus::TextSerializer and parsed back, so
// in-process Collect() results are checked exactly like HTTP scrapes.
std::vector<Sample> ToSamples(
    const std::vector<prometheus::MetricFamily>& families);

// Value of the first sample named `name` whose labels include all of
// `labels`; nullopt when there is none.
std::optional<double> Find(
    const std::vector<Sample>& samples, absl::string_view name,
    const std::map<std::string, std::string>& labels = {});

// Number of samples named `name` whose labels include all of `labels`.
int Count(const std::vector<Sample>& samples, absl::string_view name,
          const std::map<std::string, std::string>& labels = {});

}  // namespace cs::metrics::testing

#endif  // CS_LIBS_METRICS_TEST_SCRAPE_H_
