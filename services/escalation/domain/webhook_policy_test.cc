// The webhook's pure parts: signature, filter, body, outcomes, backoff.
#include "services/escalation/domain/webhook_policy.h"

#include "gtest/gtest.h"
#include "services/escalation/domain/webhook_signature.h"

namespace cs::escalation {
namespace {

constexpr absl::string_view kSecret = "webhook-secret-升级-0123456789";

TEST(WebhookSignatureTest, VerifiesAndRejects) {
  const std::string body = R"({"text":"升级：工单超时"})";
  auto header = SignWebhook(kSecret, 1800000000, body);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(header->substr(0, 16), "t=1800000000,v1=");
  EXPECT_EQ(header->size(), 16u + 64u);
  const absl::Time now = absl::FromUnixSeconds(1800000060);
  EXPECT_TRUE(
      VerifyWebhookSignature(kSecret, *header, body, now, absl::Minutes(5))
          .ok());
  EXPECT_TRUE(absl::IsUnauthenticated(VerifyWebhookSignature(
      "another-secret", *header, body, now, absl::Minutes(5))));
  EXPECT_TRUE(absl::IsUnauthenticated(VerifyWebhookSignature(
      kSecret, *header, body + " ", now, absl::Minutes(5))));
  EXPECT_TRUE(absl::IsUnauthenticated(
      VerifyWebhookSignature(kSecret, *header, body,
                             now + absl::Hours(1), absl::Minutes(5))));
  EXPECT_TRUE(absl::IsUnauthenticated(
      VerifyWebhookSignature(kSecret, "v1=abc", body, now, absl::Minutes(5))));
}

TEST(WebhookSignatureTest, KnownVector) {
  // HMAC-SHA256("key", "1.{}") from `printf 1.{} | openssl dgst -sha256 -hmac key`.
  auto header = SignWebhook("key", 1, "{}");
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(*header,
            "t=1,v1="
            "1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224");
}

TEST(WebhookFilterTest, EmptyMatchesAllElseRecipientOrRole) {
  v1::Notification to_ceo;
  to_ceo.set_recipient("ceo-zhang");
  v1::Notification to_leads;
  to_leads.set_role("team_lead");
  EXPECT_TRUE(WebhookFilter{}.Matches(to_ceo));
  WebhookFilter filter{.recipients = {"ceo-zhang"}, .roles = {"director"}};
  EXPECT_TRUE(filter.Matches(to_ceo));
  EXPECT_FALSE(filter.Matches(to_leads));
  filter.roles.push_back("team_lead");
  EXPECT_TRUE(filter.Matches(to_leads));
}

TEST(WebhookBodyTest, JsonKeepsChineseAndCarriesTheDeliveryId) {
  v1::Notification n;
  n.set_sequence(42);
  n.set_role("director");
  n.set_department("技术支持部");
  n.set_text("升级 escalation level 2 (技术总监)");
  auto body = WebhookBody(n, "01JDELIVERY");
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_NE(body->find(R"("delivery_id":"01JDELIVERY")"), std::string::npos);
  EXPECT_NE(body->find("技术支持部"), std::string::npos) << *body;
  EXPECT_NE(body->find("升级 escalation level 2 (技术总监)"), std::string::npos);
  EXPECT_NE(body->find(R"("sequence":"42")"), std::string::npos) << *body;
}

TEST(ClassifyResponseTest, RetriesTransientAndDeadLettersOther4xx) {
  EXPECT_EQ(ClassifyResponse(200), DeliveryOutcome::kDelivered);
  EXPECT_EQ(ClassifyResponse(204), DeliveryOutcome::kDelivered);
  EXPECT_EQ(ClassifyResponse(0), DeliveryOutcome::kRetry);
  EXPECT_EQ(ClassifyResponse(429), DeliveryOutcome::kRetry);
  EXPECT_EQ(ClassifyResponse(500), DeliveryOutcome::kRetry);
  EXPECT_EQ(ClassifyResponse(503), DeliveryOutcome::kRetry);
  EXPECT_EQ(ClassifyResponse(301), DeliveryOutcome::kRetry);
  EXPECT_EQ(ClassifyResponse(400), DeliveryOutcome::kDeadLetter);
  EXPECT_EQ(ClassifyResponse(401), DeliveryOutcome::kDeadLetter);
  EXPECT_EQ(ClassifyResponse(404), DeliveryOutcome::kDeadLetter);
}

TEST(BackoffDelayTest, DoublesUpToTheCapWithJitterInTheUpperHalf) {
  RetryPolicy policy{.initial_backoff = absl::Seconds(2),
                     .max_backoff = absl::Seconds(30)};
  EXPECT_EQ(BackoffDelay(policy, 1, 0.0), absl::Seconds(1));
  EXPECT_EQ(BackoffDelay(policy, 1, 1.0), absl::Seconds(2));
  EXPECT_EQ(BackoffDelay(policy, 2, 1.0), absl::Seconds(4));
  EXPECT_EQ(BackoffDelay(policy, 3, 0.5), absl::Seconds(6));
  EXPECT_EQ(BackoffDelay(policy, 5, 1.0), absl::Seconds(30));
  EXPECT_EQ(BackoffDelay(policy, 1000, 0.0), absl::Seconds(15));
}

}  // namespace
}  // namespace cs::escalation
