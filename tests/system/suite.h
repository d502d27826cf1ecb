// Test-only: the whole suite as real processes — the six server binaries of
// the build, each on a free loopback port with --clock=manual and its store
// under one temp data directory, wired together with the same CS_*
// settings scripts/run passes. Used by the system test (label `system`).
//
//   Suite suite;                       // temp dir, ports, keys
//   ASSERT_TRUE(suite.StartAll().ok());
//   suite.SetClocks(friday_1755);      // every manual clock, one instant
//   suite.Kill("escalation");          // kill -9
//   ASSERT_TRUE(suite.Start("escalation").ok());
//
// Not thread-safe. The destructor stops every process still running.
#ifndef CS_TESTS_SYSTEM_SUITE_H_
#define CS_TESTS_SYSTEM_SUITE_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "libs/auth/roles.h"
#include "libs/testing/temp_dir.h"

namespace cs::system_test {

class Suite {
 public:
  // The services, in the order they are started and their clocks moved
  // (consumers before the producers of time-driven events, so a consumer's
  // clock is never behind an event it receives).
  static const std::vector<std::string>& Names();

  Suite();
  ~Suite();

  // Starts every service and waits (bounded, real time) until each reports
  // SERVING. The error names the service and its log file.
  absl::Status StartAll();
  absl::Status Start(const std::string& name);
  // SIGKILL, then reaps the process.
  void Kill(const std::string& name);

  // Sets the business time of every running service (cs.admin.v1.TestClock,
  // in Names() order); `only` limits it to one service.
  absl::Status SetClocks(absl::Time time, const std::string& only = "");

  // A channel to `name` (shared; it reconnects after a restart).
  std::shared_ptr<grpc::Channel> Channel(const std::string& name);

  // An HS256 token for the suite's signing key, valid for 30 days past
  // `not_after`.
  std::string Token(auth::RoleSet roles, const std::string& subject,
                    const std::string& department = "") const;
  void set_token_horizon(absl::Time t) { token_horizon_ = t; }

  const std::string& data_dir() const { return data_dir_; }

 private:
  struct Service {
    std::string binary;
    int port = 0;
    pid_t pid = -1;
    std::shared_ptr<grpc::Channel> channel;
  };
  absl::Status WaitServing(const std::string& name);

  cs::testing::TempDir dir_;
  std::string data_dir_, key_file_, pii_key_file_;
  std::map<std::string, Service> services_;
  std::vector<std::string> env_;
  absl::Time token_horizon_ = absl::Now();
};

}  // namespace cs::system_test

#endif  // CS_TESTS_SYSTEM_SUITE_H_
