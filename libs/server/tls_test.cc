// TLS and mutual TLS end to end: real ServiceHosts on loopback with
// certificates made at runtime (libs/server/test_certs.h), clients built by
// ChannelFactory, and certificate rotation without a restart.
#include "libs/common/tls.h"

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/wrappers.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/common/files.h"
#include "libs/events/consumer.h"
#include "libs/server/service_host.h"
#include "libs/server/test_certs.h"
#include "libs/server/test_host.h"
#include "libs/testing/temp_dir.h"

namespace cs {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
using testing::PemPair;
using testing::TestCa;

class TlsTest : public ::testing::Test {
 protected:
  // Writes `pair` as <name>.pem / <name>.key under the temp dir.
  void WritePair(const std::string& name, const PemPair& pair) {
    ASSERT_TRUE(WriteFileAtomically(Path(name + ".key"), pair.key_pem).ok());
    ASSERT_TRUE(WriteFileAtomically(Path(name + ".pem"), pair.cert_pem).ok());
  }
  void WriteCa(const std::string& name, const TestCa& ca) {
    ASSERT_TRUE(WriteFileAtomically(Path(name + ".pem"), ca.cert_pem()).ok());
  }
  std::string Path(const std::string& file) const { return dir_.Sub(file); }

  // Starts a server presenting server.pem/server.key; mutual when
  // `client_ca` names a CA file.
  void StartServer(const std::string& client_ca = "") {
    ServerConfig config = testing::TestServerConfig(dir_, "ticket");
    config.tls.cert_file = Path("server.pem");
    config.tls.key_file = Path("server.key");
    if (!client_ca.empty()) config.tls.client_ca_file = Path(client_ca);
    config.tls.reload_interval = absl::Seconds(1);
    auto host = ServiceHost::Create(config, {});
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    ASSERT_TRUE(host_->Start().ok());
    target_ = absl::StrCat("127.0.0.1:", host_->port());
  }

  // A client trusting <ca>.pem, presenting <client>.pem when given.
  ClientTlsConfig Client(const std::string& ca,
                         const std::string& client = "") {
    ClientTlsConfig tls;
    tls.ca_file = Path(ca + ".pem");
    if (!client.empty()) {
      tls.cert_file = Path(client + ".pem");
      tls.key_file = Path(client + ".key");
    }
    tls.reload_interval = absl::Seconds(1);
    EXPECT_TRUE(ValidateClientTlsConfig(tls).ok());
    return tls;
  }

  // One health check on a fresh connection. A failed handshake fails the
  // call at once (no wait_for_ready), so the deadline only bounds a hang.
  grpc::Status Check(const ChannelFactory& channels,
                     grpc::ChannelArguments args = grpc::ChannelArguments()) {
    // Never reuse another test step's connection (gRPC shares subchannels).
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto stub = Health::NewStub(channels.Connect(target_, args));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    HealthCheckResponse response;
    return stub->Check(&context, HealthCheckRequest(), &response);
  }

  testing::TempDir dir_;
  std::unique_ptr<ServiceHost> host_;
  std::string target_;
};

TEST_F(TlsTest, TlsClientTalksToTlsServerAndPlaintextIsRefused) {
  TestCa ca("客服测试 CA");
  WriteCa("ca", ca);
  WritePair("server", ca.Issue("ticket"));
  StartServer();

  EXPECT_TRUE(Check(ChannelFactory(Client("ca"))).ok());
  grpc::Status plain = Check(ChannelFactory());
  EXPECT_EQ(plain.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, ClientRejectsServerOfAnotherCaOrName) {
  TestCa ca("客服测试 CA"), other("其他 CA");
  WriteCa("other", other);
  WriteCa("ca", ca);
  WritePair("server", ca.Issue("ticket"));
  StartServer();

  EXPECT_EQ(Check(ChannelFactory(Client("other"))).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // The chain is fine but the certificate is not for "routing".
  ClientTlsConfig wrong_name = Client("ca");
  wrong_name.server_name = "routing";
  EXPECT_EQ(Check(ChannelFactory(wrong_name)).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  ClientTlsConfig right_name = Client("ca");
  right_name.server_name = "ticket";
  EXPECT_TRUE(Check(ChannelFactory(right_name)).ok());
}

TEST_F(TlsTest, MutualTlsAcceptsOnlyClientsSignedByTheClientCa) {
  TestCa ca("服务端 CA"), clients("客户端 CA"), stranger("陌生 CA");
  WriteCa("ca", ca);
  WriteCa("clients", clients);
  WritePair("server", ca.Issue("ticket"));
  WritePair("agent", clients.Issue("agent"));
  WritePair("intruder", stranger.Issue("agent"));
  StartServer("clients.pem");

  EXPECT_TRUE(Check(ChannelFactory(Client("ca", "agent"))).ok());
  EXPECT_EQ(Check(ChannelFactory(Client("ca"))).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Check(ChannelFactory(Client("ca", "intruder"))).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, ServerPicksUpReplacedCertificatesWithoutRestart) {
  TestCa old_ca("旧 CA"), new_ca("新 CA");
  WriteCa("old-ca", old_ca);
  WriteCa("new-ca", new_ca);
  WritePair("server", old_ca.Issue("ticket"));
  StartServer();
  ChannelFactory old_client(Client("old-ca"));
  ASSERT_TRUE(Check(old_client).ok());

  WritePair("server", new_ca.Issue("ticket"));
  // The server re-reads its files every second (reload_interval); wait for
  // the condition "a handshake with the new chain succeeds". The channel
  // itself retries the connection (100-200 ms backoff) until the deadline,
  // so no test code loops or sleeps.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  std::shared_ptr<grpc::Channel> channel =
      ChannelFactory(Client("new-ca")).Connect(target_, args);
  ASSERT_TRUE(channel->WaitForConnected(std::chrono::system_clock::now() +
                                        std::chrono::seconds(30)));

  EXPECT_TRUE(Check(ChannelFactory(Client("new-ca"))).ok());
  EXPECT_EQ(Check(old_client).error_code(), grpc::StatusCode::UNAVAILABLE);
}

// The service-to-service path: an EventConsumer (as routing follows ticket)
// presenting a client certificate to a producer that requires one.
TEST_F(TlsTest, EventConsumerFollowsAMutualTlsProducer) {
  TestCa ca("套件 CA");
  WriteCa("ca", ca);
  WritePair("server", ca.Issue("ticket"));
  WritePair("routing", ca.Issue("routing"));
  StartServer("ca.pem");
  WriteSet writes;
  google::protobuf::StringValue payload;
  payload.set_value("工单已创建：手机信号弱");
  const uint64_t sequence =
      host_->outbox().Append(writes, "tickets/t-1", payload);
  ASSERT_TRUE(host_->store().Commit(writes).ok());

  testing::TempDir consumer_dir;
  auto store = Store::Open({.path = consumer_dir.Sub("routing")});
  ASSERT_TRUE(store.ok()) << store.status();
  std::string seen;  // written by the consumer thread before its cursor moves
  EventConsumer::Options options;
  options.name = "routing<-ticket";
  options.target = target_;
  options.channels = ChannelFactory(Client("ca", "routing"));
  options.token = [] {
    return testing::TestToken({auth::Role::kService}, "service:routing");
  };
  EventConsumer consumer(**store, std::move(options),
                         [&seen](const common::v1::Event& event, WriteSet&) {
                           google::protobuf::StringValue value;
                           event.payload().UnpackTo(&value);
                           seen = value.value();
                           return absl::OkStatus();
                         });
  ASSERT_TRUE(consumer.Start().ok());
  EXPECT_TRUE(consumer.WaitForCursor(sequence, absl::Seconds(30)));
  consumer.Stop();
  EXPECT_EQ(seen, "工单已创建：手机信号弱");
}

TEST(TlsConfigTest, MisconfigurationsNameTheFlag) {
  testing::TempDir dir;
  ServerConfig config = testing::TestServerConfig(dir, "ticket");
  config.tls.client_ca_file = dir.Sub("clients.pem");
  absl::Status status = ServiceHost::Create(config, {}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("--tls-client-ca-file"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("--tls-cert-file"));

  ClientTlsConfig client;
  client.cert_file = dir.Sub("agent.pem");
  EXPECT_THAT(std::string(ValidateClientTlsConfig(client).message()),
              HasSubstr("--tls-client-key-file"));
  client.key_file = dir.Sub("agent.key");
  EXPECT_THAT(std::string(ValidateClientTlsConfig(client).message()),
              HasSubstr("--tls-ca-file"));

  // A CA file that is not PEM is caught at start-up, not at the handshake.
  ASSERT_TRUE(WriteFileAtomically(dir.Sub("ca.pem"), "不是证书").ok());
  ClientTlsConfig garbage;
  garbage.ca_file = dir.Sub("ca.pem");
  absl::Status bad = ValidateClientTlsConfig(garbage);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.message()), HasSubstr("--tls-ca-file"));
  garbage.ca_file = dir.Sub("missing.pem");
  EXPECT_EQ(ValidateClientTlsConfig(garbage).code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cs
