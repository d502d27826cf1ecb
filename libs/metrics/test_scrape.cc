#include "libs/metrics/test_scrape.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "prometheus/text_serializer.h"

namespace cs::metrics::testing {
namespace {

absl::Status Errno(absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", strerror(errno)));
}

bool ParseValue(absl::string_view text, double* value) {
  if (text == "+Inf") {
    *value = std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "-Inf") {
    *value = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "NaN") {
    *value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  return absl::SimpleAtod(text, value);
}

// Parses `a="x",b="y"` (values without escaped quotes, enough for tests).
bool ParseLabels(absl::string_view text,
                 std::map<std::string, std::string>* labels) {
  while (!text.empty()) {
    const size_t eq = text.find("=\"");
    if (eq == absl::string_view::npos) return false;
    const size_t end = text.find('"', eq + 2);
    if (end == absl::string_view::npos) return false;
    (*labels)[std::string(text.substr(0, eq))] =
        std::string(text.substr(eq + 2, end - eq - 2));
    text.remove_prefix(end + 1);
    absl::ConsumePrefix(&text, ",");
  }
  return true;
}

bool Matches(const Sample& sample, absl::string_view name,
             const std::map<std::string, std::string>& labels) {
  if (sample.name != name) return false;
  for (const auto& [key, value] : labels) {
    auto it = sample.labels.find(key);
    if (it == sample.labels.end() || it->second != value) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::string> HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket");
  absl::Cleanup close_fd = [fd] { close(fd); };
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return Errno(absl::StrCat("connect to port ", port));
  const std::string request =
      absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n =
        send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("send");
    sent += static_cast<size_t>(n);
  }
  std::string response;
  char buffer[8192];
  while (true) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("recv");
    if (n == 0) break;
    response.append(buffer, static_cast<size_t>(n));
  }
  const size_t header_end = response.find("\r\n\r\n");
  if (header_end == std::string::npos)
    return absl::UnavailableError("no HTTP header in response");
  const absl::string_view status_line =
      absl::string_view(response).substr(0, response.find("\r\n"));
  std::vector<absl::string_view> parts =
      absl::StrSplit(status_line, absl::MaxSplits(' ', 2));
  if (parts.size() < 2 || parts[1] != "200")
    return absl::FailedPreconditionError(std::string(status_line));
  return response.substr(header_end + 4);
}

absl::StatusOr<std::vector<Sample>> ParseExposition(absl::string_view text) {
  std::vector<Sample> samples;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    Sample sample;
    absl::string_view rest;
    const size_t brace = line.find('{');
    if (brace != absl::string_view::npos) {
      const size_t close = line.rfind('}');
      if (close == absl::string_view::npos || close < brace ||
          !ParseLabels(line.substr(brace + 1, close - brace - 1),
                       &sample.labels)) {
        return absl::InvalidArgumentError(absl::StrCat("bad line: ", line));
      }
      sample.name = std::string(line.substr(0, brace));
      rest = line.substr(close + 1);
    } else {
      const size_t space = line.find(' ');
      if (space == absl::string_view::npos)
        return absl::InvalidArgumentError(absl::StrCat("bad line: ", line));
      sample.name = std::string(line.substr(0, space));
      rest = line.substr(space);
    }
    // Value, then an optional timestamp.
    std::vector<absl::string_view> fields =
        absl::StrSplit(rest, ' ', absl::SkipWhitespace());
    if (fields.empty() || fields.size() > 2 ||
        !ParseValue(fields[0], &sample.value)) {
      return absl::InvalidArgumentError(absl::StrCat("bad line: ", line));
    }
    samples.push_back(std::move(sample));
  }
  return samples;
}

std::vector<Sample> ToSamples(
    const std::vector<prometheus::MetricFamily>& families) {
  absl::StatusOr<std::vector<Sample>> samples =
      ParseExposition(prometheus::TextSerializer().Serialize(families));
  return samples.ok() ? *std::move(samples) : std::vector<Sample>{};
}

std::optional<double> Find(const std::vector<Sample>& samples,
                           absl::string_view name,
                           const std::map<std::string, std::string>& labels) {
  for (const Sample& sample : samples) {
    if (Matches(sample, name, labels)) return sample.value;
  }
  return std::nullopt;
}

int Count(const std::vector<Sample>& samples, absl::string_view name,
          const std::map<std::string, std::string>& labels) {
  int count = 0;
  for (const Sample& sample : samples) count += Matches(sample, name, labels);
  return count;
}

}  // namespace cs::metrics::testing
