#include "tests/system/suite.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cs/admin/v1/test_clock.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "libs/auth/jwt.h"
#include "libs/common/files.h"
#include "libs/common/time_proto.h"
#include "libs/server/test_host.h"

extern char** environ;

namespace cs::system_test {
namespace {

// A port nobody listens on right now (the kernel's choice for port 0).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

struct Row {
  std::string name, dir, binary;
};

// deploy/services.tsv: the one list of services and binaries.
std::vector<Row> ServiceRows() {
  std::vector<Row> rows;
  std::ifstream in(std::string(CS_SOURCE_ROOT) + "/deploy/services.tsv");
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cols =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (cols.size() < 3 || cols[0][0] == '#') continue;
    rows.push_back({cols[0], cols[1], cols[2]});
  }
  return rows;
}

}  // namespace

const std::vector<std::string>& Suite::Names() {
  static const auto* const kNames = new std::vector<std::string>{
      "analytics", "escalation", "complaint", "knowledge-base", "ticket",
      "routing"};
  return *kNames;
}

Suite::Suite() {
  data_dir_ = dir_.Sub("data");
  key_file_ = dir_.Sub("auth.key");
  pii_key_file_ = dir_.Sub("pii.key");
  EXPECT_TRUE(WriteFileAtomically(key_file_, cs::testing::kTestKey).ok());
  EXPECT_TRUE(WriteFileAtomically(pii_key_file_, std::string(64, 'a')).ok());
  mkdir(data_dir_.c_str(), 0700);
  mkdir((data_dir_ + "/logs").c_str(), 0700);
  for (const Row& row : ServiceRows()) {
    Service& s = services_[row.name];
    s.binary = absl::StrCat(CS_BUILD_ROOT, "/services/", row.dir, "/",
                            row.binary);
    s.port = FreePort();
  }
  auto addr = [&](const std::string& name) {
    return absl::StrCat("127.0.0.1:", services_[name].port);
  };
  const std::string config = std::string(CS_SOURCE_ROOT) + "/deploy/config/";
  // The settings scripts/run exports, nothing inherited from the caller.
  env_ = {
      absl::StrCat("PATH=/usr/bin:/bin"),
      absl::StrCat("CS_PII_KEY_FILE=", pii_key_file_),
      absl::StrCat("CS_DEPARTMENTS_FILE=", config, "departments.conf"),
      absl::StrCat("CS_SYNONYMS_FILE=", config, "kb_synonyms.conf"),
      absl::StrCat("CS_ROUTING_CONFIG=", config, "routing.textproto"),
      absl::StrCat("CS_CALENDARS_CONFIG=", config, "calendars.conf"),
      absl::StrCat("CS_ESCALATION_CONFIG=", config, "escalation.textproto"),
      absl::StrCat("CS_COMPLAINT_CONFIG=", config, "complaint.conf"),
      absl::StrCat("CS_ANALYTICS_CONFIG=", config, "analytics.textproto"),
      absl::StrCat("CS_TICKET_ADDR=", addr("ticket")),
      absl::StrCat("CS_ROUTING_ADDR=", addr("routing")),
      absl::StrCat("CS_KB_ADDR=", addr("knowledge-base")),
      absl::StrCat("CS_COMPLAINT_ADDR=", addr("complaint")),
      absl::StrCat("CS_ESCALATION_ADDR=", addr("escalation")),
  };
}

Suite::~Suite() {
  for (auto& [name, s] : services_) {
    if (s.pid > 0) kill(s.pid, SIGTERM);
  }
  for (auto& [name, s] : services_) {
    if (s.pid > 0) waitpid(s.pid, nullptr, 0);
    s.pid = -1;
  }
}

absl::Status Suite::StartAll() {
  for (const std::string& name : Names()) {
    if (services_.count(name) == 0) {
      return absl::NotFoundError(
          absl::StrCat(name, " is not in deploy/services.tsv"));
    }
    absl::Status started = Start(name);
    if (!started.ok()) return started;
  }
  for (const std::string& name : Names()) {
    absl::Status serving = WaitServing(name);
    if (!serving.ok()) return serving;
  }
  return absl::OkStatus();
}

absl::Status Suite::Start(const std::string& name) {
  Service& s = services_.at(name);
  const std::string log = absl::StrCat(data_dir_, "/logs/", name, ".log");
  std::vector<std::string> args = {
      s.binary,
      absl::StrCat("--port=", s.port),
      "--metrics-port=-1",
      absl::StrCat("--data-dir=", data_dir_),
      absl::StrCat("--auth-key-file=", key_file_),
      "--clock=manual",
      "--shutdown-grace=2s",
  };
  std::vector<char*> argv, envp;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (std::string& e : env_) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  const int rc = posix_spawn(&s.pid, s.binary.c_str(), &actions, nullptr,
                             argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    s.pid = -1;
    return absl::InternalError(
        absl::StrCat("cannot start ", s.binary, ": ", strerror(rc)));
  }
  return WaitServing(name);
}

void Suite::Kill(const std::string& name) {
  Service& s = services_.at(name);
  if (s.pid <= 0) return;
  kill(s.pid, SIGKILL);
  waitpid(s.pid, nullptr, 0);
  s.pid = -1;
}

std::shared_ptr<grpc::Channel> Suite::Channel(const std::string& name) {
  Service& s = services_.at(name);
  if (s.channel == nullptr) {
    s.channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", s.port),
                                    grpc::InsecureChannelCredentials());
  }
  return s.channel;
}

absl::Status Suite::WaitServing(const std::string& name) {
  // Real time, bounded: a process needs a moment to open its store and bind.
  auto stub = grpc::health::v1::Health::NewStub(Channel(name));
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    Service& s = services_.at(name);
    if (s.pid > 0 && waitpid(s.pid, nullptr, WNOHANG) == s.pid) {
      s.pid = -1;
      return absl::InternalError(absl::StrCat(
          name, " exited at start; see ", data_dir_, "/logs/", name, ".log"));
    }
    grpc::ClientContext call;
    call.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
    call.set_wait_for_ready(true);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status =
        stub->Check(&call, grpc::health::v1::HealthCheckRequest(), &response);
    if (status.ok() &&
        response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return absl::OkStatus();
    }
  }
  return absl::DeadlineExceededError(absl::StrCat(
      name, " did not report SERVING; see ", data_dir_, "/logs/", name,
      ".log"));
}

absl::Status Suite::SetClocks(absl::Time time, const std::string& only) {
  const std::string admin = Token({auth::Role::kAdmin}, "system-test");
  for (const std::string& name : Names()) {
    if (!only.empty() && name != only) continue;
    if (services_.at(name).pid <= 0) continue;
    auto stub = admin::v1::TestClock::NewStub(Channel(name));
    grpc::ClientContext call;
    call.AddMetadata("authorization", "Bearer " + admin);
    call.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    admin::v1::SetTimeRequest request;
    *request.mutable_time() = ToProtoTime(time);
    admin::v1::ClockTime response;
    grpc::Status status = stub->SetTime(&call, request, &response);
    if (!status.ok()) {
      return absl::InternalError(absl::StrCat(name, " SetTime: ",
                                              status.error_message()));
    }
  }
  return absl::OkStatus();
}

std::string Suite::Token(auth::RoleSet roles, const std::string& subject,
                         const std::string& department) const {
  auth::TokenClaims claims;
  claims.subject = subject;
  claims.roles = roles;
  claims.department = department;
  claims.issuer = "cs-suite";
  claims.audience = "cs-suite";
  claims.expires_at =
      std::max(absl::Now(), token_horizon_) + absl::Hours(24 * 30);
  auto token = auth::MintToken(claims, cs::testing::kTestKey);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.value_or("");
}

}  // namespace cs::system_test
