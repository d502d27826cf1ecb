#include "libs/auth/rate_limiter.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"

namespace cs::auth {
namespace {

using ::testing::HasSubstr;

Principal Who(const std::string& subject, RoleSet roles) {
  Principal p;
  p.subject = subject;
  p.roles = roles;
  return p;
}

RateLimiter Limiter(const std::string& spec, Clock& clock,
                    RateLimiter::Options options = {}) {
  absl::StatusOr<RateLimitPolicy> policy = ParseRateLimitSpec(spec);
  EXPECT_TRUE(policy.ok()) << policy.status();
  return RateLimiter(policy.value_or(RateLimitPolicy()), clock,
                     std::move(options));
}

TEST(RateLimitSpecTest, ParsesRolesDefaultsAndUnlimited) {
  auto policy =
      ParseRateLimitSpec(" default=200/s:burst=400, service=0,agent=30/m");
  ASSERT_TRUE(policy.ok()) << policy.status();
  ASSERT_TRUE(policy->fallback.has_value());
  EXPECT_DOUBLE_EQ(policy->fallback->per_second, 200);
  EXPECT_DOUBLE_EQ(policy->fallback->burst, 400);
  EXPECT_TRUE(policy->by_role[static_cast<int>(Role::kService)]->unlimited());
  EXPECT_DOUBLE_EQ(policy->by_role[static_cast<int>(Role::kAgent)]->per_second,
                   0.5);
  EXPECT_DOUBLE_EQ(policy->by_role[static_cast<int>(Role::kAgent)]->burst, 30);
  EXPECT_TRUE(policy->enabled());
  auto empty = ParseRateLimitSpec("");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->enabled());
  EXPECT_FALSE(ParseRateLimitSpec("default=0")->enabled());
}

TEST(RateLimitSpecTest, RejectsMalformedEntriesNamingTheFlag) {
  for (const char* bad :
       {"客服=10/s", "agent=10/s,agent=5/s", "agent=10", "agent=-1/s",
        "agent=10/d", "agent=10/s:burst=0", "agent=10/s:400", "agent",
        "default=1/s,,agent=2/s", "=5/s", "agent=1/s:burst=2:x"}) {
    absl::Status status = ParseRateLimitSpec(bad).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(status.message(), HasSubstr("--rate-limit")) << bad;
  }
}

TEST(RateLimitSpecTest, MostGenerousRoleWinsThenDefault) {
  auto policy =
      ParseRateLimitSpec("default=1/s,agent=5/s,supervisor=50/s,director=0");
  ASSERT_TRUE(policy.ok());
  auto agent_lead = policy->For({Role::kAgent, Role::kSupervisor});
  ASSERT_TRUE(agent_lead.has_value());
  EXPECT_EQ(agent_lead->second, "supervisor");
  EXPECT_FALSE(policy->For({Role::kAgent, Role::kDirector}).has_value());
  EXPECT_EQ(policy->For({Role::kQa})->second, "default");
}

TEST(RateLimiterTest, BurstThenRetryInfoThenRecoveryOnTheManualClock) {
  ManualClock clock;
  std::vector<std::string> rejected;
  RateLimiter limiter = Limiter("agent=2/s:burst=3", clock,
                                {.on_reject = [&](const std::string& label) {
                                  rejected.push_back(label);
                                }});
  const Principal zhang = Who("张三", {Role::kAgent});
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Admit(zhang).ok()) << i;
  absl::Status refused = limiter.Admit(zhang);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("张三"));
  EXPECT_EQ(ErrorReasonOf(refused), "RATE_LIMITED");
  EXPECT_EQ(RetryDelayOf(refused), absl::Milliseconds(500));
  EXPECT_EQ(rejected, std::vector<std::string>{"agent"});

  // Another principal has its own bucket.
  EXPECT_TRUE(limiter.Admit(Who("李四", {Role::kAgent})).ok());

  clock.Advance(absl::Milliseconds(499));
  EXPECT_EQ(limiter.Admit(zhang).code(), absl::StatusCode::kResourceExhausted);
  clock.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(limiter.Admit(zhang).ok());
  EXPECT_FALSE(limiter.Admit(zhang).ok());

  // A long pause refills only up to the burst.
  clock.Advance(absl::Hours(1));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Admit(zhang).ok()) << i;
  EXPECT_FALSE(limiter.Admit(zhang).ok());
}

TEST(RateLimiterTest, UnlimitedRolesAndEmptyPolicyNeverRefuse) {
  ManualClock clock;
  RateLimiter limiter = Limiter("default=1/h,service=0", clock);
  RateLimiter off = Limiter("", clock);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(limiter.Admit(Who("service:routing", {Role::kService})).ok());
    ASSERT_TRUE(off.Admit(Who("王五", {Role::kAgent})).ok());
  }
  EXPECT_TRUE(limiter.Admit(Who("王五", {Role::kAgent})).ok());
  absl::Status refused = limiter.Admit(Who("王五", {Role::kAgent}));
  EXPECT_EQ(RetryDelayOf(refused), absl::Hours(1));
  EXPECT_EQ(limiter.TrackedPrincipals(), 1u);
}

TEST(RateLimiterTest, MemoryIsBoundedAndIdleBucketsGoFirst) {
  ManualClock clock;
  RateLimiter limiter =
      Limiter("default=1/s:burst=2", clock, {.max_principals = 3});
  const Principal busy = Who("忙碌的坐席", {Role::kAgent});
  ASSERT_TRUE(limiter.Admit(busy).ok());
  ASSERT_TRUE(limiter.Admit(busy).ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(
        limiter.Admit(Who("坐席" + std::to_string(i), {Role::kAgent})).ok());
    clock.Advance(absl::Milliseconds(100));
    EXPECT_LE(limiter.TrackedPrincipals(), 3u);
  }
  EXPECT_EQ(limiter.TrackedPrincipals(), 3u);
}

TEST(RateLimiterTest, IdleBucketsAreEvictedBeforeBusyOnes) {
  ManualClock clock;
  RateLimiter limiter =
      Limiter("default=1/m:burst=2", clock, {.max_principals = 2});
  const Principal busy = Who("张三", {Role::kAgent});
  const Principal idle = Who("李四", {Role::kAgent});
  ASSERT_TRUE(limiter.Admit(idle).ok());
  clock.Advance(absl::Minutes(1));  // 李四 refilled: evictable for free
  ASSERT_TRUE(limiter.Admit(busy).ok());
  ASSERT_TRUE(limiter.Admit(busy).ok());
  ASSERT_TRUE(limiter.Admit(Who("王五", {Role::kAgent})).ok());
  EXPECT_EQ(limiter.TrackedPrincipals(), 2u);
  // 张三 kept its empty bucket.
  EXPECT_EQ(limiter.Admit(busy).code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace cs::auth
