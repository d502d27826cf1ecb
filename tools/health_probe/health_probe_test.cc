#include "tools/health_probe/health_probe.h"

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "gtest/gtest.h"
#include "libs/common/files.h"
#include "libs/server/service_host.h"
#include "libs/server/test_certs.h"
#include "libs/server/test_host.h"

namespace cs::health_probe {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome RunProbe(std::vector<std::string> args, const Environment& env = {}) {
  std::ostringstream out, err;
  int code = RunHealthProbe(args, env, out, err);
  return {code, out.str(), err.str()};
}

std::string Addr(int port) { return absl::StrCat("--addr=127.0.0.1:", port); }

// A real suite server (ServiceHost) on a free loopback port.
class HealthProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto host = ServiceHost::Create(
        cs::testing::TestServerConfig(dir_, "probe"), {"records"});
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    ASSERT_TRUE(host_->Start().ok());
  }
  void TearDown() override { host_->Shutdown(); }

  cs::testing::TempDir dir_;
  std::unique_ptr<ServiceHost> host_;
};

TEST_F(HealthProbeTest, ExitsZeroWhenServing) {
  Outcome o = RunProbe({Addr(host_->port()), "--timeout=5s"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, "SERVING\n");
  EXPECT_THAT(o.err, IsEmpty());
}

TEST_F(HealthProbeTest, AddressMayComeFromItsOwnEnvironmentVariable) {
  Outcome o = RunProbe({}, {{"CS_HEALTH_PROBE_ADDR",
                             absl::StrCat("127.0.0.1:", host_->port())}});
  EXPECT_EQ(o.code, 0) << o.err;
}

TEST_F(HealthProbeTest, UnknownServiceFails) {
  Outcome o = RunProbe({Addr(host_->port()), "--service=cs.nope.v1.Nope"});
  EXPECT_EQ(o.code, 1);
  EXPECT_THAT(o.err, HasSubstr("NOT_FOUND"));
  EXPECT_THAT(o.err, HasSubstr("cs.nope.v1.Nope"));
  EXPECT_THAT(o.out, IsEmpty());
}

TEST_F(HealthProbeTest, StoppedServerFailsWithoutWaitingForTheDeadline) {
  const int port = host_->port();
  host_->Shutdown();
  absl::Time start = absl::Now();
  Outcome o = RunProbe({Addr(port), "--timeout=60s"});
  EXPECT_EQ(o.code, 1);
  EXPECT_THAT(o.err, HasSubstr(absl::StrCat("127.0.0.1:", port)));
  EXPECT_THAT(o.err, HasSubstr("UNAVAILABLE"));
  // A refused connection is reported at once, not after --timeout.
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
}

// NOT_SERVING needs a server that says so while running: a plain gRPC server
// with the default health service, as ServiceHost uses.
class NotServingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override { server_->Shutdown(); }

  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(NotServingTest, NotServingServiceFails) {
  auto* health = server_->GetHealthCheckService();
  health->SetServingStatus("cs.ticket.v1.TicketService", false);
  Outcome o = RunProbe({Addr(port_), "--service=cs.ticket.v1.TicketService"});
  EXPECT_EQ(o.code, 1);
  EXPECT_THAT(o.err,
              HasSubstr("service cs.ticket.v1.TicketService is NOT_SERVING"));

  health->SetServingStatus("cs.ticket.v1.TicketService", true);
  EXPECT_EQ(
      RunProbe({Addr(port_), "--service=cs.ticket.v1.TicketService"}).code, 0);
}

TEST_F(NotServingTest, DrainingServerFails) {
  server_->GetHealthCheckService()->SetServingStatus(false);
  Outcome o = RunProbe({Addr(port_)});
  EXPECT_EQ(o.code, 1);
  EXPECT_THAT(o.err, HasSubstr("server is NOT_SERVING"));
}

TEST(HealthProbeFlagsTest, BadFlagsExitTwo) {
  Outcome missing = RunProbe({});
  EXPECT_EQ(missing.code, 2);
  EXPECT_THAT(missing.err, HasSubstr("addr"));
  // The servers' own settings in a container's environment are not read.
  EXPECT_EQ(RunProbe({}, {{"CS_ADDR", "127.0.0.1:1"}, {"CS_PORT", "1"}}).code,
            2);
  EXPECT_EQ(RunProbe({"--addr=127.0.0.1:1", "--timeout=soon"}).code, 2);
  EXPECT_EQ(RunProbe({"--addr=127.0.0.1:1", "--colour=blue"}).code, 2);
  EXPECT_EQ(RunProbe({"--addr=127.0.0.1:1", "extra"}).code, 2);
}

TEST(HealthProbeFlagsTest, HelpListsTheFlags) {
  Outcome o = RunProbe({"--help"});
  EXPECT_EQ(o.code, 0);
  EXPECT_THAT(o.out, HasSubstr("--addr"));
  EXPECT_THAT(o.out, HasSubstr("--timeout"));
  EXPECT_THAT(o.out, HasSubstr("CS_HEALTH_PROBE_ADDR"));
}

TEST(HealthProbeTlsTest, ProbesAMutualTlsServerWithAClientCertificate) {
  cs::testing::TempDir dir;
  cs::testing::TestCa ca("探针 CA");
  auto write = [&dir](const std::string& name, const std::string& pem) {
    EXPECT_TRUE(WriteFileAtomically(dir.Sub(name), pem).ok());
    return dir.Sub(name);
  };
  cs::testing::PemPair server = ca.Issue("ticket"), probe = ca.Issue("probe");
  ServerConfig config = cs::testing::TestServerConfig(dir, "probe");
  config.tls.cert_file = write("server.pem", server.cert_pem);
  config.tls.key_file = write("server.key", server.key_pem);
  config.tls.client_ca_file = write("ca.pem", ca.cert_pem());
  auto host = ServiceHost::Create(config, {});
  ASSERT_TRUE(host.ok()) << host.status();
  ASSERT_TRUE((*host)->Start().ok());
  std::vector<std::string> args = {Addr((*host)->port()), "--timeout=10s",
                                   "--tls-ca-file=" + dir.Sub("ca.pem"),
                                   "--tls-server-name=ticket"};

  EXPECT_EQ(RunProbe(args).code, 1);  // no client certificate
  args.push_back("--tls-client-cert-file=" +
                 write("probe.pem", probe.cert_pem));
  args.push_back("--tls-client-key-file=" + write("probe.key", probe.key_pem));
  Outcome o = RunProbe(args);
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, "SERVING\n");
}

TEST(HealthProbeFlagsTest, UnreadableCaFileFails) {
  Outcome o =
      RunProbe({"--addr=127.0.0.1:1", "--tls-ca-file=/nonexistent/ca.pem"});
  EXPECT_EQ(o.code, 1);
  EXPECT_THAT(o.err, HasSubstr("/nonexistent/ca.pem"));
}

}  // namespace
}  // namespace cs::health_probe
