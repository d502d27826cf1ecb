// A tiny HTTP/1.1 server on 127.0.0.1 for webhook tests: one thread accepts
// connections, reads one request each (headers + Content-Length body),
// records it and answers with the next scripted status ("Connection:
// close"). Header-only; tests only.
//
//   TestHttpServer server({500, 200});      // then 200 for ever (last repeats)
//   ... POST to server.url() ...
//   ASSERT_TRUE(server.WaitForRequests(2, absl::Seconds(30)));
//   server.requests()[0].headers.at("x-cs-delivery");
#ifndef CS_SERVICES_ESCALATION_WEBHOOK_TEST_HTTP_SERVER_H_
#define CS_SERVICES_ESCALATION_WEBHOOK_TEST_HTTP_SERVER_H_

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <deque>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace cs::escalation {

struct RecordedRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

class TestHttpServer {
 public:
  // Answers the i-th request with statuses[i]; the last status repeats.
  explicit TestHttpServer(std::vector<int> statuses)
      : statuses_(statuses.begin(), statuses.end()) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (listen_fd_ < 0 ||
        bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) !=
            0 ||
        listen(listen_fd_, 16) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) !=
            0) {
      std::abort();
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~TestHttpServer() {
    // Wakes the blocked accept().
    shutdown(listen_fd_, SHUT_RDWR);
    thread_.join();
    close(listen_fd_);
  }

  int port() const { return port_; }
  std::string url() const {
    return absl::StrCat("http://127.0.0.1:", port_, "/hooks/escalation");
  }

  // Replaces the script of answers for the following requests.
  void SetStatuses(std::vector<int> statuses) {
    absl::MutexLock lock(&mu_);
    statuses_.assign(statuses.begin(), statuses.end());
  }

  // Blocks (real time, at most `timeout`) until `n` requests were answered.
  bool WaitForRequests(size_t n, absl::Duration timeout) const {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return requests_.size() >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

  std::vector<RecordedRequest> requests() const {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

 private:
  void Serve() {
    while (true) {
      const int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;  // shut down
      RecordedRequest request;
      const bool parsed = ReadRequest(fd, &request);
      int status = 400;
      if (parsed) {
        absl::MutexLock lock(&mu_);
        status = statuses_.empty() ? 200 : statuses_.front();
        if (statuses_.size() > 1) statuses_.pop_front();
      }
      const std::string answer = absl::StrCat(
          "HTTP/1.1 ", status, " X\r\nContent-Length: 2\r\n"
          "Connection: close\r\n\r\nok");
      (void)!send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
      close(fd);
      // Recorded after the answer went out: a test that saw n requests
      // knows the sender has (or will have) its n answers.
      if (parsed) {
        absl::MutexLock lock(&mu_);
        requests_.push_back(std::move(request));
      }
    }
  }

  static bool ReadRequest(int fd, RecordedRequest* out) {
    std::string data;
    char buffer[4096];
    size_t header_end = std::string::npos;
    size_t body_size = 0;
    while (true) {
      if (header_end == std::string::npos) {
        header_end = data.find("\r\n\r\n");
        if (header_end != std::string::npos) {
          std::vector<std::string> lines =
              absl::StrSplit(data.substr(0, header_end), "\r\n");
          std::vector<std::string> first = absl::StrSplit(lines[0], ' ');
          if (first.size() < 2) return false;
          out->method = first[0];
          out->path = first[1];
          for (size_t i = 1; i < lines.size(); ++i) {
            std::pair<std::string, std::string> kv =
                absl::StrSplit(lines[i], absl::MaxSplits(':', 1));
            out->headers[absl::AsciiStrToLower(kv.first)] =
                std::string(absl::StripAsciiWhitespace(kv.second));
          }
          auto length = out->headers.find("content-length");
          if (length != out->headers.end() &&
              !absl::SimpleAtoi(length->second, &body_size)) {
            return false;
          }
        }
      }
      if (header_end != std::string::npos &&
          data.size() >= header_end + 4 + body_size) {
        out->body = data.substr(header_end + 4, body_size);
        return true;
      }
      const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) return false;
      data.append(buffer, static_cast<size_t>(n));
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  mutable absl::Mutex mu_;
  std::deque<int> statuses_ ABSL_GUARDED_BY(mu_);
  std::vector<RecordedRequest> requests_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cs::escalation

#endif  // CS_SERVICES_ESCALATION_WEBHOOK_TEST_HTTP_SERVER_H_
