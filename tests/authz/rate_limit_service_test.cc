// The per-principal rate limit (--rate-limit) on a real ticket service on
// loopback, on a manual clock: after its burst a principal gets
// RESOURCE_EXHAUSTED with RetryInfo naming it, other principals and
// unlimited roles are unaffected, refusals are counted by role, and the
// bucket refills as the clock moves.
#include <memory>
#include <string>

#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/auth/rate_limiter.h"
#include "libs/common/errors.h"
#include "services/ticket/quality/scorecard.h"
#include "services/ticket/testing/ticket_test_server.h"

namespace cs::ticket {
namespace {

using auth::Role;
using ::testing::HasSubstr;
using Stub = v1::TicketService::Stub;

class RateLimitServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Start(dir_, clock_, {}, quality::DefaultScorecard(),
                  [](ServerConfig& config) {
                    config.rate_limit = "agent=2/s:burst=3,service=0";
                  });
    stub_ = server_.NewStub();
  }
  void TearDown() override { server_.Shutdown(); }

  absl::Status List(const std::string& token) {
    return cs::testing::CallAs(stub_.get(), &Stub::ListTickets, token,
                               v1::ListTicketsRequest())
        .status();
  }

  double Refusals(const std::string& role) {
    for (const auto& family : server_.host().metrics().Collect()) {
      if (family.name != "cs_rate_limited_total") continue;
      for (const auto& metric : family.metric) {
        for (const auto& label : metric.label) {
          if (label.name == "role" && label.value == role) {
            return metric.counter.value;
          }
        }
      }
    }
    return 0;
  }

  ManualClock clock_;
  cs::testing::TempDir dir_;
  testing::TicketTestServer server_;
  std::unique_ptr<Stub> stub_;
};

TEST_F(RateLimitServiceTest, BurstThenRetryInfoOthersUnaffectedThenRecovery) {
  const std::string zhang = cs::testing::TestToken({Role::kAgent}, "agent-zs");
  const std::string li = cs::testing::TestToken({Role::kAgent}, "agent-ls");
  const std::string crm =
      cs::testing::TestToken({Role::kService}, "service:crm", "");
  const std::string supervisor =
      cs::testing::TestToken({Role::kSupervisor}, "sup-1");

  for (int i = 0; i < 3; ++i) ASSERT_TRUE(List(zhang).ok()) << i;
  const absl::Status refused = List(zhang);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("agent-zs"));
  EXPECT_EQ(ErrorReasonOf(refused), "RATE_LIMITED");
  EXPECT_EQ(auth::RetryDelayOf(refused), absl::Milliseconds(500));
  EXPECT_EQ(Refusals("agent"), 1);

  // Another agent has its own bucket; services and roles without a limit
  // are never refused.
  EXPECT_TRUE(List(li).ok());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(List(crm).ok()) << i;
    ASSERT_TRUE(List(supervisor).ok()) << i;
  }

  // Refused calls take no token: at exactly the advertised delay one call
  // passes again.
  clock_.Advance(absl::Milliseconds(499));
  EXPECT_EQ(List(zhang).code(), absl::StatusCode::kResourceExhausted);
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(List(zhang).ok());
  EXPECT_EQ(List(zhang).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Refusals("agent"), 3);

  // Unauthenticated calls never reach the limiter.
  EXPECT_EQ(List("").code(), absl::StatusCode::kUnauthenticated);
}

TEST(RateLimitConfigTest, BadSpecStopsTheServerNamingTheFlag) {
  cs::testing::TempDir dir;
  ServerConfig config = cs::testing::TestServerConfig(dir, "ticket");
  config.rate_limit = "agent=fast";
  absl::Status status = ValidateServerConfig(config);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("--rate-limit"));
  EXPECT_FALSE(ServiceHost::Create(config, {"tickets"}).ok());
}

}  // namespace
}  // namespace cs::ticket
