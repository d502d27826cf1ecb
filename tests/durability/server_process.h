// Test-only: a server binary run as a child process, so that a test can
// SIGKILL it at any moment and start it again on the same data and port.
#ifndef CS_TESTS_DURABILITY_SERVER_PROCESS_H_
#define CS_TESTS_DURABILITY_SERVER_PROCESS_H_

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace cs::testing {

// A loopback TCP port that was free a moment ago (bound to 0, then closed).
inline int PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 ||
      bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return 0;
  }
  close(fd);
  return ntohs(address.sin_port);
}

class ServerProcess {
 public:
  // `binary` runs with `args`; its stdout and stderr are appended to
  // `log_file` (each incarnation's lines follow the previous ones).
  ServerProcess(std::string binary, std::vector<std::string> args,
                std::string log_file)
      : binary_(std::move(binary)),
        args_(std::move(args)),
        log_file_(std::move(log_file)) {}
  ~ServerProcess() { Kill(); }

  // Forks and execs the binary; false if fork fails.
  bool Start() {
    // Everything the child needs is prepared before fork: only
    // async-signal-safe calls may follow it in a multi-threaded process.
    std::vector<char*> argv;
    argv.push_back(binary_.data());
    for (std::string& arg : args_) argv.push_back(arg.data());
    argv.push_back(nullptr);
    sigset_t none;
    sigemptyset(&none);
    pid_ = fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      int log = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (log >= 0) {
        dup2(log, STDOUT_FILENO);
        dup2(log, STDERR_FILENO);
      }
      // The server blocks termination signals itself; start from a clean mask.
      sigprocmask(SIG_SETMASK, &none, nullptr);
      execv(binary_.c_str(), argv.data());
      _exit(127);
    }
    return true;
  }

  // True once the gRPC health check on `port` answers SERVING, false when
  // the process died or `timeout` passed first.
  bool WaitServing(int port, absl::Duration timeout) {
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                       grpc::InsecureChannelCredentials());
    auto health = grpc::health::v1::Health::NewStub(channel);
    const absl::Time give_up = absl::Now() + timeout;
    while (absl::Now() < give_up) {
      if (!Running()) return false;
      grpc::ClientContext context;
      context.set_wait_for_ready(true);
      context.set_deadline(absl::ToChronoTime(
          std::min(give_up, absl::Now() + absl::Milliseconds(500))));
      grpc::health::v1::HealthCheckRequest request;
      grpc::health::v1::HealthCheckResponse response;
      if (health->Check(&context, request, &response).ok() &&
          response.status() ==
              grpc::health::v1::HealthCheckResponse::SERVING) {
        return true;
      }
    }
    return false;
  }

  // SIGKILLs the process (if running) and reaps it.
  void Kill() { Signal(SIGKILL); }

  // Sends `signal` and waits for the exit; returns the wait status.
  int Signal(int signal) {
    if (pid_ <= 0) return 0;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  bool Running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }

 private:
  std::string binary_;
  std::vector<std::string> args_;
  std::string log_file_;
  pid_t pid_ = -1;
};

}  // namespace cs::testing

#endif  // CS_TESTS_DURABILITY_SERVER_PROCESS_H_
