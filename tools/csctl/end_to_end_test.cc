// Runs csctl commands in-process against a real ServiceHost (port 0, temp
// data dir, manual clock), capturing what they print.
#include <sys/stat.h>

#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cs/ticket/v1/events.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "libs/auth/jwt.h"
#include "libs/common/files.h"
#include "libs/server/service_host.h"
#include "libs/server/test_certs.h"
#include "libs/server/test_host.h"
#include "libs/testing/temp_dir.h"
#include "tools/csctl/cli.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/test_util.h"

namespace cs::csctl {
namespace {

using auth::Role;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// 2030-01-02T03:04:05Z, 11:04:05 in Shanghai.
const absl::Time kStart = absl::FromCivil(
    absl::CivilSecond(2030, 1, 2, 3, 4, 5), absl::UTCTimeZone());

using Result = CliResult;

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

class CsctlTest : public ::testing::Test {
 protected:
  CsctlTest() { RegisterAllCommands(registry_); }

  Result RunLocal(const std::vector<std::string>& args,
                  const Clock& clock = SystemClock::Get()) {
    std::ostringstream out, err;
    int code = RunCli(registry_, args, {}, out, err, clock);
    return {code, out.str(), err.str()};
  }

  CommandRegistry registry_;
  cs::testing::TempDir dir_;
};

// Every test gets its own server on a free port.
class CsctlServerTest : public CsctlTest {
 protected:
  void SetUp() override {
    auto host =
        ServiceHost::Create(cs::testing::TestServerConfig(dir_, "ticket"), {});
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    ASSERT_TRUE(host_->Start().ok());
    addr_ = absl::StrCat("127.0.0.1:", host_->port());
    // A fixed business time (the manual clock only moves forward).
    ASSERT_NE(host_->manual_clock(), nullptr);
    host_->manual_clock()->SetTime(kStart);
    ASSERT_EQ(host_->clock().Now(), kStart);
    admin_token_ = Token({Role::kAdmin});
  }
  void TearDown() override {
    if (host_) host_->Shutdown();
  }

  // A token signed with the host's key, valid for a day of real time (the
  // host checks lifetimes against real time, whatever its business clock).
  static std::string Token(auth::RoleSet roles) {
    auth::TokenClaims claims;
    claims.subject = "tester";
    claims.roles = roles;
    claims.issuer = "cs-suite";
    claims.audience = "cs-suite";
    claims.expires_at = absl::Now() + absl::Hours(24);
    absl::StatusOr<std::string> token =
        auth::MintToken(claims, cs::testing::kTestKey);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.value_or("");
  }

  // Runs csctl against the host with `token` in CSCTL_TOKEN.
  Result Run(const std::vector<std::string>& args, const std::string& token) {
    return RunCsctl(registry_, addr_, args, token);
  }
  Result Run(const std::vector<std::string>& args) {
    return Run(args, admin_token_);
  }

  void Publish(absl::string_view subject,
               const google::protobuf::Message& payload) {
    WriteSet writes;
    host_->outbox().Append(writes, subject, payload);
    ASSERT_TRUE(host_->store().Commit(writes).ok());
  }

  // Three events: a Chinese StringValue, a ticket event csctl links in, and
  // a type csctl has never heard of.
  void PublishSamples() {
    google::protobuf::StringValue created;
    created.set_value("工单已创建");
    Publish("tickets/1", created);

    ticket::v1::TicketCreated ticket;
    ticket.mutable_facts()->set_ticket("tickets/2");
    ticket.mutable_facts()->set_department("客服部");
    ticket.set_created_by("张三");
    Publish("tickets/2", ticket);

    google::protobuf::FileDescriptorProto file;
    file.set_name("mystery.proto");
    file.set_package("cs.mystery.v1");
    file.set_syntax("proto3");
    auto* message = file.add_message_type();
    message->set_name("Mystery");
    auto* field = message->add_field();
    field->set_name("note");
    field->set_number(1);
    field->set_type(google::protobuf::FieldDescriptorProto::TYPE_STRING);
    field->set_label(google::protobuf::FieldDescriptorProto::LABEL_OPTIONAL);
    const google::protobuf::FileDescriptor* built =
        mystery_pool_.BuildFile(file);
    ASSERT_NE(built, nullptr);
    std::unique_ptr<google::protobuf::Message> mystery(
        mystery_factory_.GetPrototype(built->message_type(0))->New());
    Publish("mystery/3", *mystery);
  }

  std::unique_ptr<ServiceHost> host_;
  std::string addr_;
  std::string admin_token_;
  google::protobuf::DescriptorPool mystery_pool_;
  google::protobuf::DynamicMessageFactory mystery_factory_;
};

TEST_F(CsctlServerTest, HealthReportsServing) {
  Result r = Run({"health"}, "");
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "SERVING\n");

  r = Run({"health", "--wait", "30s"}, "");
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "SERVING\n");

  r = Run({"--json", "health"}, "");
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "{\"status\":\"SERVING\"}\n");

  r = Run({"health", "--service", "no.such.Service"}, "");
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: NOT_FOUND"));
}

TEST_F(CsctlServerTest, HealthFailsWhenTheServerIsGone) {
  host_->Shutdown();
  Result r = Run({"health", "--timeout", "2s"}, "");
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_EQ(r.out.find("SERVING\n"), std::string::npos);
  EXPECT_THAT(r.err, StartsWith("error: "));
}

TEST_F(CsctlServerTest, UnreadableCaFileIsNamed) {
  Result r = Run({"--tls-ca-file", dir_.Sub("no-ca.pem"), "health"}, "");
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: NOT_FOUND: "));
  EXPECT_THAT(r.err, HasSubstr("no-ca.pem"));
}

TEST_F(CsctlTest, TlsWithACaFile) {
  cs::testing::PemPair pair = cs::testing::SelfSignedCertificate();
  ServerConfig config = cs::testing::TestServerConfig(dir_, "ticket");
  config.tls.key_file = dir_.Sub("server.key");
  config.tls.cert_file = dir_.Sub("server.pem");
  ASSERT_TRUE(WriteFileAtomically(config.tls.key_file, pair.key_pem).ok());
  ASSERT_TRUE(WriteFileAtomically(config.tls.cert_file, pair.cert_pem).ok());
  auto host = ServiceHost::Create(config, {});
  ASSERT_TRUE(host.ok()) << host.status();
  ASSERT_TRUE((*host)->Start().ok());
  std::string addr = absl::StrCat("127.0.0.1:", (*host)->port());

  Result r = RunLocal(
      {"--addr", addr, "--tls-ca-file", config.tls.cert_file, "health"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "SERVING\n");

  // Without the CA flag csctl speaks plaintext, which a TLS port refuses.
  r = RunLocal({"--addr", addr, "--timeout", "2s", "health"});
  EXPECT_EQ(r.code, kExitFailure);
  (*host)->Shutdown();
}

TEST_F(CsctlServerTest, EventsInfo) {
  PublishSamples();
  Result r = Run({"events", "info"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out,
            "producer   ticket\n"
            "partition  0\n"
            "first      1\n"
            "last       3\n");

  r = Run({"events", "info", "--json"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out,
            "{\"firstSequence\":\"1\",\"lastSequence\":\"3\","
            "\"producer\":\"ticket\",\"partition\":0}\n");
}

TEST_F(CsctlServerTest, EventsConsumersListsCursorsAndOutboxes) {
  std::function<void(uint64_t)> advanced =
      host_->ConsumerCursorGauge("质检<-routing", "routing");
  advanced(7);
  host_->consumer_progress().AddCommandOutbox(
      "routing->ticket", [](absl::Duration) { return true; });
  Result r = Run({"events", "consumers"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out,
            "CONSUMER       PRODUCER  CURSOR\n"
            "质检<-routing  routing        7\n"
            "\n"
            "COMMAND OUTBOX\n"
            "routing->ticket\n");

  r = Run({"events", "consumers"}, Token({Role::kAgent}));
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: PERMISSION_DENIED: "));
}

TEST_F(CsctlServerTest, EventsWaitBlocksOnRealProgress) {
  std::function<void(uint64_t)> advanced =
      host_->ConsumerCursorGauge("质检<-routing", "routing");
  advanced(7);
  Result r =
      Run({"events", "wait", "--consumer", "质检<-routing", "--sequence", "7"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "质检<-routing 7\n");

  // Not reached within the wait: the server says so, naming the consumer.
  r = Run({"--timeout", "100ms", "events", "wait", "--consumer",
           "质检<-routing", "--sequence", "8"});
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: DEADLINE_EXCEEDED: "));
  EXPECT_THAT(r.err, HasSubstr("质检<-routing"));

  host_->consumer_progress().AddCommandOutbox(
      "routing->ticket", [](absl::Duration) { return true; });
  r = Run({"events", "wait", "--outbox", "routing->ticket"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "routing->ticket idle\n");

  r = Run({"events", "wait", "--consumer", "a", "--outbox", "b"});
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, HasSubstr("exactly one of --consumer and --outbox"));
}

TEST_F(CsctlServerTest, EventsNeedAnAdminOrServiceToken) {
  Result r = Run({"events", "info"}, Token({Role::kAgent}));
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: PERMISSION_DENIED: "));
  EXPECT_EQ(r.out, "");

  r = Run({"events", "tail"}, "");
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: UNAUTHENTICATED: "));
}

TEST_F(CsctlServerTest, TailPrintsEveryEventAndStopsWhenCaughtUp) {
  // An empty log ends at once.
  Result r = Run({"events", "tail"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "");

  PublishSamples();
  r = Run({"events", "tail"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(
      Lines(r.out),
      ElementsAre(
          "1  2030-01-02T11:04:05+08:00  StringValue  tickets/1  "
          "\"工单已创建\"",
          "2  2030-01-02T11:04:05+08:00  TicketCreated  tickets/2  "
          "{\"facts\":{\"ticket\":\"tickets/2\",\"department\":\"客服部\"},"
          "\"createdBy\":\"张三\"}",
          "3  2030-01-02T11:04:05+08:00  Mystery  mystery/3  "
          "type.googleapis.com/cs.mystery.v1.Mystery"));
}

TEST_F(CsctlServerTest, TailFromTypesAndLimit) {
  PublishSamples();
  Result r = Run({"events", "tail", "--from", "2"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  ASSERT_EQ(Lines(r.out).size(), 2u);
  EXPECT_THAT(Lines(r.out)[0], StartsWith("2  "));

  r = Run({"events", "tail", "--types", "StringValue,Mystery"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  ASSERT_EQ(Lines(r.out).size(), 2u);
  EXPECT_THAT(Lines(r.out)[0], StartsWith("1  "));
  EXPECT_THAT(Lines(r.out)[1], StartsWith("3  "));

  // A type that never occurs still ends at the end of the log.
  r = Run({"events", "tail", "--types", "TicketClosed"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "");

  r = Run({"events", "tail", "--limit", "1"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  ASSERT_EQ(Lines(r.out).size(), 1u);

  r = Run({"events", "tail", "--from", "9"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(CsctlServerTest, TailJsonKeepsChineseReadable) {
  PublishSamples();
  Result r = Run({"--json", "events", "tail"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(r.out, HasSubstr("工单已创建"));
  EXPECT_THAT(r.out, HasSubstr("\"createdBy\":\"张三\""));
  EXPECT_THAT(r.out, Not(HasSubstr("\\u")));
  EXPECT_THAT(lines[2],
              HasSubstr("\"payload\":{\"@type\":"
                        "\"type.googleapis.com/cs.mystery.v1.Mystery\"}"));

  // The first two lines are complete events that parse back.
  for (int i = 0; i < 2; ++i) {
    common::v1::Event event;
    ASSERT_TRUE(
        google::protobuf::util::JsonStringToMessage(lines[i], &event).ok())
        << lines[i];
    EXPECT_EQ(event.sequence(), static_cast<uint64_t>(i + 1));
  }
  common::v1::Event first;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(lines[0], &first).ok());
  google::protobuf::StringValue value;
  ASSERT_TRUE(first.payload().UnpackTo(&value));
  EXPECT_EQ(value.value(), "工单已创建");
}

TEST_F(CsctlServerTest, FollowWaitsForLiveEvents) {
  PublishSamples();
  Result followed;
  std::thread tail([&] {
    followed = Run({"events", "tail", "--follow", "--types", "StringValue",
                    "--limit", "2"});
  });
  // Whether this lands before or after the subscription starts, the stream
  // delivers it (backlog replay or live tail), and the command then stops.
  google::protobuf::StringValue update;
  update.set_value("客户已回复");
  Publish("tickets/1", update);
  tail.join();
  EXPECT_EQ(followed.code, kExitOk) << followed.err;
  std::vector<std::string> lines = Lines(followed.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("工单已创建"));
  EXPECT_THAT(lines[1], StartsWith("4  "));
  EXPECT_THAT(lines[1], HasSubstr("客户已回复"));
}

TEST_F(CsctlServerTest, ClockAdvanceMovesTheServerClockExactly) {
  absl::Time before = host_->clock().Now();
  Result r = Run({"clock", "get"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "2030-01-02T11:04:05+08:00\n");

  r = Run({"clock", "advance", "30m"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "2030-01-02T11:34:05+08:00\n");
  EXPECT_EQ(host_->clock().Now(), before + absl::Minutes(30));

  r = Run({"--json", "clock", "advance", "1h30m0.5s"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "{\"now\":\"2030-01-02T05:04:05.500Z\"}\n");
  EXPECT_EQ(host_->clock().Now(),
            before + absl::Hours(2) + absl::Milliseconds(500));
}

TEST_F(CsctlServerTest, ClockErrorsCarryFieldViolationsAndReasons) {
  absl::Time before = host_->clock().Now();
  Result r = Run({"clock", "advance", "-5m"});
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_EQ(r.err, "error: INVALID_ARGUMENT: duration: must not be negative\n");

  r = Run({"clock", "advance", "30m"}, Token({Role::kAgent}));
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: PERMISSION_DENIED: "));
  EXPECT_THAT(r.err, HasSubstr("  reason: ROLE_REQUIRED\n"));
  EXPECT_EQ(host_->clock().Now(), before);
}

TEST_F(CsctlServerTest, MintedTokenIsAcceptedByTheServer) {
  // Same key file as the host (TestServerConfig wrote it under dir_); csctl
  // mints on real time, which the host checks lifetimes against.
  ManualClock clock(absl::Now());
  Result minted = RunLocal({"token", "--key-file", dir_.Sub("auth.key"),
                            "--sub", "ops", "--roles", "admin"},
                           clock);
  ASSERT_EQ(minted.code, kExitOk) << minted.err;
  std::string token = Lines(minted.out).at(0);
  Result r = Run({"events", "info"}, token);
  EXPECT_EQ(r.code, kExitOk) << r.err;
}

TEST_F(CsctlTest, TokenRoundTrip) {
  std::string key_file = dir_.Sub("jwt.key");
  ASSERT_EQ(RunLocal({"keygen", "--out", key_file}).code, kExitOk);
  ManualClock clock(absl::FromUnixSeconds(1700000000));
  Result r = RunLocal(
      {"token", "--key-file", key_file, "--sub", "alice", "--roles",
       "agent,team_lead", "--dept", "客服部", "--name", "张三", "--ttl", "8h"},
      clock);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  ASSERT_EQ(Lines(r.out).size(), 1u);
  std::string token = Lines(r.out)[0];

  absl::StatusOr<std::string> key = auth::LoadKeyFile(key_file);
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<auth::TokenVerifier> verifier =
      auth::TokenVerifier::Create({*key, "cs-suite", "cs-suite"}, clock);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  absl::StatusOr<auth::Principal> who = verifier->Verify(token);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->subject, "alice");
  EXPECT_EQ(who->roles, (auth::RoleSet{Role::kAgent, Role::kTeamLead}));
  EXPECT_EQ(who->department, "客服部");
  EXPECT_EQ(who->display_name, "张三");
  EXPECT_FALSE(who->token_id.empty());

  // Valid for exactly --ttl (plus the verifier's leeway).
  clock.Advance(absl::Hours(8) + absl::Minutes(1));
  EXPECT_EQ(verifier->Verify(token).status().code(),
            absl::StatusCode::kUnauthenticated);

  // Another key does not verify it.
  absl::StatusOr<auth::TokenVerifier> other = auth::TokenVerifier::Create(
      {std::string(64, 'x'), "cs-suite", "cs-suite"}, clock);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->Verify(token).ok());
}

TEST_F(CsctlTest, TokenJsonAndErrors) {
  std::string key_file = dir_.Sub("jwt.key");
  ASSERT_TRUE(WriteFileAtomically(key_file, cs::testing::kTestKey).ok());
  ManualClock clock(absl::FromUnixSeconds(1700000000));
  Result r = RunLocal({"--json", "token", "--key-file", key_file}, clock);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, StartsWith("{\"token\":\"ey"));
  EXPECT_THAT(r.out,
              HasSubstr("\",\"expireTime\":\"2023-11-15T14:13:20+08:00\"}\n"));

  r = RunLocal({"token", "--key-file", dir_.Sub("missing.key")});
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: NOT_FOUND: "));
  EXPECT_THAT(r.err, HasSubstr("missing.key"));
}

TEST_F(CsctlTest, KeygenWritesAPrivateKeyAndRefusesToOverwrite) {
  std::string key_file = dir_.Sub("jwt.key");
  Result r = RunLocal({"keygen", "--out", key_file});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  absl::StatusOr<std::string> first = ReadFileToString(key_file);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 65u);
  EXPECT_EQ(first->back(), '\n');
  EXPECT_EQ(first->find_first_not_of("0123456789abcdef"), 64u);
  struct stat info;
  ASSERT_EQ(stat(key_file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  r = RunLocal({"keygen", "--out", key_file});
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: ALREADY_EXISTS: "));
  EXPECT_THAT(r.err, HasSubstr("--force"));
  EXPECT_EQ(ReadFileToString(key_file).value_or(""), *first);

  r = RunLocal({"keygen", "--out", key_file, "--force"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  absl::StatusOr<std::string> second = ReadFileToString(key_file);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->size(), 65u);
  EXPECT_NE(*second, *first);
}

}  // namespace
}  // namespace cs::csctl
