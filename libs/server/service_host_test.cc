#include "libs/server/service_host.h"

#include <thread>

#include "absl/synchronization/notification.h"
#include "cs/admin/v1/test_clock.grpc.pb.h"
#include "cs/testing/v1/echo.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/files.h"
#include "libs/common/status_macros.h"
#include "libs/server/test_host.h"
#include "libs/server/unary.h"

namespace cs {
namespace {

using auth::Role;
using ::testing::HasSubstr;
using HealthStatus = grpc::health::v1::HealthCheckResponse;

// Echo for agents. "hold" waits until released; "write" commits a record.
class EchoService final : public cs::testing::v1::Echo::CallbackService {
 public:
  explicit EchoService(ServiceHost& host) : host_(host) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const cs::testing::v1::EchoRequest* request,
                                 cs::testing::v1::EchoResponse* response) override {
    return ServeUnary(context, host_.executor(), [=]() -> absl::Status {
      ASSIGN_OR_RETURN(auth::Principal who,
                       host_.Authorize(*context, {Role::kAgent}));
      if (request->text() == "hold") {
        held_.Notify();
        release_.WaitForNotification();
      }
      if (request->text() == "write") {
        WriteSet writes;
        writes.Put(*host_.store().Family("records"), "r1", "已保存");
        RETURN_IF_ERROR(host_.store().Commit(writes));
      }
      response->set_text(absl::StrCat(who.subject, ": ", request->text()));
      return absl::OkStatus();
    });
  }

  absl::Notification held_;
  absl::Notification release_;

 private:
  ServiceHost& host_;
};

class ServiceHostTest : public ::testing::Test {
 protected:
  void StartHost(ServerConfig config) {
    auto host = ServiceHost::Create(config, {"records"});
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    echo_ = std::make_unique<EchoService>(*host_);
    host_->RegisterService(echo_.get());
    ASSERT_TRUE(host_->Start().ok());
    channel_ = cs::testing::LoopbackChannel(host_->port());
  }
  void SetUp() override { StartHost(cs::testing::TestServerConfig(dir_, "echo")); }
  void TearDown() override {
    if (echo_ && !echo_->release_.HasBeenNotified()) echo_->release_.Notify();
    if (host_) host_->Shutdown();
  }

  grpc::Status CallEcho(const std::string& text, const std::string& token,
                        std::string* reply = nullptr) {
    auto stub = cs::testing::v1::Echo::NewStub(channel_);
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    cs::testing::v1::EchoRequest request;
    request.set_text(text);
    cs::testing::v1::EchoResponse response;
    grpc::Status status = stub->Echo(&context, request, &response);
    if (reply != nullptr) *reply = response.text();
    return status;
  }

  HealthStatus::ServingStatus Health() {
    auto stub = grpc::health::v1::Health::NewStub(channel_);
    grpc::ClientContext context;
    HealthStatus response;
    grpc::Status status = stub->Check(&context, {}, &response);
    return status.ok() ? response.status() : HealthStatus::UNKNOWN;
  }

  cs::testing::TempDir dir_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<EchoService> echo_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(ServiceHostTest, ServesHealthAndAuthenticatedCalls) {
  EXPECT_EQ(Health(), HealthStatus::SERVING);
  std::string reply;
  ASSERT_TRUE(CallEcho("你好", cs::testing::TestToken({Role::kAgent}, "张三"), &reply)
                  .ok());
  EXPECT_EQ(reply, "张三: 你好");
  EXPECT_EQ(CallEcho("x", "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(CallEcho("x", "not-a-token").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(CallEcho("x", cs::testing::TestToken({Role::kQa})).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ServiceHostTest, RefusedRequestIsInvalidArgumentNamingTheField) {
  // The client serializes invalid UTF-8 as it is (it only logs); gRPC's
  // parser refuses it and the request guard says which field is wrong.
  const grpc::Status refused = CallEcho(std::string("手机\xff信号"),
                                        cs::testing::TestToken({Role::kAgent}));
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto violations = FieldViolationsOf(FromGrpcStatus(refused));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "text");
  // The next call on the same connection is unaffected.
  std::string reply;
  ASSERT_TRUE(
      CallEcho("你好", cs::testing::TestToken({Role::kAgent}, "李四"), &reply)
          .ok());
  EXPECT_EQ(reply, "李四: 你好");
}

TEST_F(ServiceHostTest, RecordsRedMetricsPerMethod) {
  ASSERT_TRUE(CallEcho("a", cs::testing::TestToken({Role::kAgent})).ok());
  EXPECT_FALSE(CallEcho("b", "").ok());
  double ok = 0, unauthenticated = 0;
  for (const auto& family : host_->metrics().Collect()) {
    if (family.name != "grpc_server_handled_total") continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& l : metric.label) labels[l.name] = l.value;
      if (labels["grpc_method"] != "Echo") continue;
      if (labels["grpc_code"] == "OK") ok = metric.counter.value;
      if (labels["grpc_code"] == "UNAUTHENTICATED") {
        unauthenticated = metric.counter.value;
      }
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(unauthenticated, 1);
}

// The value of `name`{consumer, producer} in the host's registry, -1 when
// absent.
double ConsumerMetric(metrics::Metrics& metrics, const std::string& name,
                      const std::string& consumer,
                      const std::string& producer) {
  for (const auto& family : metrics.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& l : metric.label) labels[l.name] = l.value;
      if (labels["consumer"] == consumer && labels["producer"] == producer) {
        return family.type == prometheus::MetricType::Counter
                   ? metric.counter.value
                   : metric.gauge.value;
      }
    }
  }
  return -1;
}

TEST_F(ServiceHostTest, ConsumerCursorGaugeIsExported) {
  auto set = host_->ConsumerCursorGauge("routing<-ticket", "ticket");
  set(42);
  EXPECT_EQ(ConsumerMetric(host_->metrics(), "cs_consumer_cursor",
                           "routing<-ticket", "ticket"),
            42);
}

TEST_F(ServiceHostTest, ConsumerDeadLettersAreCounted) {
  auto count = host_->ConsumerDeadLetterCounter("routing<-ticket", "ticket");
  EXPECT_EQ(ConsumerMetric(host_->metrics(), "cs_consumer_dead_letters_total",
                           "routing<-ticket", "ticket"),
            0);  // exported from the start, so increase() sees the first
  count();
  count();
  EXPECT_EQ(ConsumerMetric(host_->metrics(), "cs_consumer_dead_letters_total",
                           "routing<-ticket", "ticket"),
            2);
}

TEST_F(ServiceHostTest, EventStreamNeedsAServicePrincipal) {
  auto stub = events::v1::EventStream::NewStub(channel_);
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization",
                        "Bearer " + cs::testing::TestToken({Role::kAgent}));
    events::v1::LogInfo info;
    EXPECT_EQ(stub->GetLogInfo(&context, {}, &info).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + host_->ServiceToken());
  events::v1::LogInfo info;
  ASSERT_TRUE(stub->GetLogInfo(&context, {}, &info).ok());
  EXPECT_EQ(info.producer(), "echo");
}

TEST_F(ServiceHostTest, ManualClockIsMovedByAdminsOnly) {
  auto stub = admin::v1::TestClock::NewStub(channel_);
  absl::Time before = host_->clock().Now();
  admin::v1::AdvanceRequest request;
  request.mutable_duration()->set_seconds(3600);
  admin::v1::ClockTime response;
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization",
                        "Bearer " + cs::testing::TestToken({Role::kAgent}));
    EXPECT_EQ(stub->Advance(&context, request, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  grpc::ClientContext context;
  context.AddMetadata("authorization",
                      "Bearer " + cs::testing::TestToken({Role::kAdmin}));
  ASSERT_TRUE(stub->Advance(&context, request, &response).ok());
  EXPECT_EQ(host_->clock().Now() - before, absl::Hours(1));
  request.mutable_duration()->set_seconds(-1);
  grpc::ClientContext negative;
  negative.AddMetadata("authorization",
                       "Bearer " + cs::testing::TestToken({Role::kAdmin}));
  grpc::Status status = stub->Advance(&negative, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("duration"));
}

TEST_F(ServiceHostTest, ManualClockCanBeSetForwardButNotBack) {
  auto stub = admin::v1::TestClock::NewStub(channel_);
  std::string admin = cs::testing::TestToken({Role::kAdmin});
  absl::Time friday = absl::FromCivil(absl::CivilSecond(2027, 1, 15, 17, 55, 0),
                                      absl::FixedTimeZone(8 * 3600));
  admin::v1::SetTimeRequest request;
  request.mutable_time()->set_seconds(absl::ToUnixSeconds(friday));
  admin::v1::ClockTime response;
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + admin);
    ASSERT_TRUE(stub->SetTime(&context, request, &response).ok());
  }
  EXPECT_EQ(host_->clock().Now(), friday);
  request.mutable_time()->set_seconds(absl::ToUnixSeconds(friday) - 60);
  grpc::ClientContext back;
  back.AddMetadata("authorization", "Bearer " + admin);
  EXPECT_EQ(stub->SetTime(&back, request, &response).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(host_->clock().Now(), friday);
}

TEST_F(ServiceHostTest, TokenLifetimesAreRealTimeWhateverTheManualClock) {
  // Ten years ahead of real time: a token minted now for an hour still
  // works, and the service's own token is accepted by its own verifier.
  host_->manual_clock()->SetTime(absl::Now() + absl::Hours(24 * 3650));
  auth::TokenClaims claims;
  claims.subject = "李四";
  claims.roles = {Role::kAgent};
  claims.issuer = "cs-suite";
  claims.audience = "cs-suite";
  claims.issued_at = absl::Now();
  claims.expires_at = absl::Now() + absl::Hours(1);
  absl::StatusOr<std::string> fresh =
      auth::MintToken(claims, cs::testing::kTestKey);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_TRUE(CallEcho("你好", *fresh).ok());
  // Authenticated (the service token verifies) but not an agent.
  EXPECT_EQ(CallEcho("x", host_->ServiceToken()).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Expired in real time: rejected although the business clock is far away.
  claims.issued_at = absl::Now() - absl::Hours(3);
  claims.expires_at = absl::Now() - absl::Hours(2);
  absl::StatusOr<std::string> stale =
      auth::MintToken(claims, cs::testing::kTestKey);
  ASSERT_TRUE(stale.ok()) << stale.status();
  EXPECT_EQ(CallEcho("x", *stale).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ServiceHostTest, GracefulShutdownDrainsInFlightCallsAndKeepsWrites) {
  std::string agent = cs::testing::TestToken({Role::kAgent});
  ASSERT_TRUE(CallEcho("write", agent).ok());

  // Watch health so the NOT_SERVING transition is observed as it happens.
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext watch_context;
  auto watch = health->Watch(&watch_context, {});
  HealthStatus update;
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthStatus::SERVING);

  grpc::Status held_status;
  std::thread held([&] { held_status = CallEcho("hold", agent); });
  echo_->held_.WaitForNotification();

  std::thread shutdown([&] { host_->Shutdown(); });
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthStatus::NOT_SERVING);
  // The watch ends by itself (gRPC's default health service kept it open
  // until the grace deadline cancelled it, holding the whole shutdown).
  EXPECT_FALSE(watch->Read(&update));
  grpc::Status watch_end = watch->Finish();
  EXPECT_EQ(watch_end.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(watch_end.error_message(), "server is shutting down");
  echo_->release_.Notify();  // the in-flight call may now finish
  held.join();
  shutdown.join();
  EXPECT_TRUE(held_status.ok()) << held_status.error_message();
  EXPECT_TRUE(absl::IsFailedPrecondition(
      host_->store().Get(*host_->store().Family("records"), "r1").status()));

  auto reopened = Store::Open({.path = dir_.Sub("data") + "/echo",
                               .column_families = {"records"}});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(*(*reopened)->Get(*(*reopened)->Family("records"), "r1"), "已保存");
}

TEST_F(ServiceHostTest, HealthAnswersPerHostedServiceByFullName) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  auto check = [&](const std::string& service) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    HealthStatus response;
    grpc::Status status = health->Check(&context, request, &response);
    return status.ok() ? HealthStatus::ServingStatus_Name(response.status())
                       : absl::StrCat("code ", status.error_code(), ": ",
                                      status.error_message());
  };
  EXPECT_EQ(check(""), "SERVING");
  EXPECT_EQ(check("cs.testing.v1.Echo"), "SERVING");
  EXPECT_EQ(check("cs.events.v1.EventStream"), "SERVING");
  EXPECT_EQ(check("cs.no.v1.Such"),
            "code 5: service: \"cs.no.v1.Such\" is not served here");

  grpc::ClientContext watch_context;
  grpc::health::v1::HealthCheckRequest unknown;
  unknown.set_service("工单服务");
  auto watch = health->Watch(&watch_context, unknown);
  HealthStatus update;
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthStatus::SERVICE_UNKNOWN);
  host_->Shutdown();
  EXPECT_FALSE(watch->Read(&update));  // told nothing new, then ended
  EXPECT_EQ(watch->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ServiceHostTest, FullWorkQueueAnswersResourceExhausted) {
  host_->Shutdown();
  host_.reset();
  cs::testing::TempDir other;
  ServerConfig config = cs::testing::TestServerConfig(other, "echo");
  config.worker_threads = 1;
  config.worker_queue = 1;
  StartHost(config);
  std::string agent = cs::testing::TestToken({Role::kAgent});
  grpc::Status first, second;
  std::thread hold([&] { first = CallEcho("hold", agent); });
  echo_->held_.WaitForNotification();  // the only worker is busy
  std::thread queued([&] { second = CallEcho("queued", agent); });
  // Wait until the second call occupies the single queue slot.
  while (host_->executor().queued() == 0) std::this_thread::yield();
  grpc::Status third = CallEcho("refused", agent);
  EXPECT_EQ(third.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  echo_->release_.Notify();
  hold.join();
  queued.join();
  EXPECT_TRUE(first.ok());
  EXPECT_TRUE(second.ok());
}

TEST(ServiceHostConfigTest, FailsFastOnBadSettings) {
  cs::testing::TempDir dir;
  ServerConfig config = cs::testing::TestServerConfig(dir, "echo");
  config.auth_key_file = dir.Sub("missing.key");
  auto host = ServiceHost::Create(config, {});
  EXPECT_FALSE(host.ok());
  EXPECT_THAT(std::string(host.status().message()), HasSubstr("missing.key"));

  config = cs::testing::TestServerConfig(dir, "echo");
  config.tls.cert_file = "cert.pem";
  EXPECT_THAT(std::string(ServiceHost::Create(config, {}).status().message()),
              HasSubstr("--tls-key-file"));

  config = cs::testing::TestServerConfig(dir, "echo");
  config.departments_file = dir.Sub("departments.conf");
  ASSERT_TRUE(
      WriteFileAtomically(config.departments_file, "客服部\n客服部\n").ok());
  EXPECT_THAT(
      std::string(ServiceHost::Create(config, {}).status().message()),
      HasSubstr("departments.conf: line 2: \"客服部\" is listed twice"));
  EXPECT_THAT(std::string(ServiceHost::Create(config, {}).status().message()),
              HasSubstr("--departments-file: "));
}

TEST(ServiceHostConfigTest, DepartmentsComeFromTheFile) {
  cs::testing::TempDir dir;
  ServerConfig config = cs::testing::TestServerConfig(dir, "echo");
  auto open = ServiceHost::Create(config, {});
  ASSERT_TRUE(open.ok()) << open.status();
  EXPECT_FALSE((*open)->departments().restricted());
  open->reset();

  config.departments_file = dir.Sub("departments.conf");
  ASSERT_TRUE(WriteFileAtomically(config.departments_file, "客服部\n").ok());
  auto host = ServiceHost::Create(config, {});
  ASSERT_TRUE(host.ok()) << host.status();
  EXPECT_TRUE((*host)->departments().Contains("客服部"));
  EXPECT_FALSE((*host)->departments().Contains("火星部"));
}

TEST(ServiceHostClockTest, HostsCanShareAnInjectedClock) {
  cs::testing::TempDir a, b;
  ManualClock shared(absl::FromUnixSeconds(1800000000));
  auto first = ServiceHost::Create(cs::testing::TestServerConfig(a, "one"), {},
                                   &shared);
  auto second = ServiceHost::Create(cs::testing::TestServerConfig(b, "two"), {},
                                    &shared);
  ASSERT_TRUE(first.ok() && second.ok());
  shared.Advance(absl::Minutes(15));
  EXPECT_EQ((*first)->clock().Now(), (*second)->clock().Now());
  EXPECT_EQ((*first)->clock().Now(), absl::FromUnixSeconds(1800000000 + 900));
  EXPECT_EQ((*first)->manual_clock(), &shared);
}

TEST(ServiceHostPortTest, TakenPortIsUnavailable) {
  cs::testing::TempDir a, b;
  ServerConfig first_config = cs::testing::TestServerConfig(a, "echo");
  first_config.metrics_port = 0;  // also check the HTTP endpoint comes up
  auto first = ServiceHost::Create(first_config, {});
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE((*first)->Start().ok());
  EXPECT_GT((*first)->metrics_port(), 0);
  ServerConfig config = cs::testing::TestServerConfig(b, "echo");
  config.port = (*first)->port();
  auto second = ServiceHost::Create(config, {});
  ASSERT_TRUE(second.ok());
  absl::Status started = (*second)->Start();
  EXPECT_TRUE(absl::IsUnavailable(started)) << started;
  EXPECT_THAT(std::string(started.message()),
              HasSubstr(absl::StrCat(config.port)));
}

}  // namespace
}  // namespace cs
