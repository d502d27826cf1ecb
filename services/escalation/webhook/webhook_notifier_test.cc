// WebhookNotifier against a real HTTP server on loopback (TestHttpServer),
// libcurl, a real Store in a temp dir and a ManualClock: backoff waits end
// only when the test advances the clock (no sleeps).
#include "services/escalation/webhook/webhook_notifier.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "libs/testing/temp_dir.h"
#include "services/escalation/domain/webhook_signature.h"
#include "services/escalation/webhook/test_http_server.h"

namespace cs::escalation {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr absl::Duration kGuard = absl::Seconds(30);  // only against hangs
constexpr char kSecret[] = "测试-webhook-secret-0123456789abcdef";

class WebhookNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenStore(); }
  void TearDown() override { CloseStore(); }

  void OpenStore() {
    auto store = Store::Open({.path = dir_.Sub("escalation")});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto outbox = Outbox::Open(*store_, {.producer = "escalation"}, clock_);
    ASSERT_TRUE(outbox.ok()) << outbox.status();
    outbox_ = *std::move(outbox);
  }

  // As at a process exit (after kill -9 only what was committed survives,
  // and the notifier commits its cursor synchronously).
  void CloseStore() {
    notifier_.reset();
    outbox_.reset();
    if (store_ != nullptr) {
      ASSERT_TRUE(store_->Close().ok());
    }
    store_.reset();
  }

  void StartNotifier(const std::string& url, WebhookFilter filter = {},
                     int max_attempts = 0) {
    WebhookNotifier::Options options;
    options.url = url;
    options.secret = kSecret;
    options.filter = std::move(filter);
    options.retry = {.initial_backoff = absl::Seconds(1),
                     .max_backoff = absl::Seconds(8),
                     .max_attempts = max_attempts};
    options.on_outcome = [this](absl::string_view outcome) {
      absl::MutexLock lock(&hooks_mu_);
      outcomes_.emplace_back(outcome);
    };
    options.on_retry = [this] {
      absl::MutexLock lock(&hooks_mu_);
      ++retries_;
    };
    notifier_ = std::make_unique<WebhookNotifier>(*store_, *outbox_, clock_,
                                                  *poster_, options);
    ASSERT_TRUE(notifier_->Start().ok());
  }

  // Records one notification as EscalationApp does; returns its sequence.
  uint64_t Record(const std::string& recipient, const std::string& role,
                  const std::string& text) {
    v1::EscalationNotified event;
    v1::Notification* n = event.mutable_notification();
    n->set_recipient(recipient);
    n->set_role(role);
    n->set_kind(v1::NOTIFICATION_KIND_ESCALATION);
    n->set_case_name("cases/01JCASE");
    n->set_subject("tickets/T-张三-1");
    n->set_department("客服部");
    n->set_level(2);
    n->set_level_title("技术总监");
    n->set_text(text);
    WriteSet writes;
    const uint64_t sequence = outbox_->Append(writes, "cases/01JCASE", event);
    EXPECT_TRUE(store_->Commit(writes).ok());
    return sequence;
  }

  static v1::WebhookPayload Parse(const RecordedRequest& request) {
    v1::WebhookPayload payload;
    EXPECT_TRUE(
        google::protobuf::util::JsonStringToMessage(request.body, &payload)
            .ok())
        << request.body;
    return payload;
  }

  static std::vector<std::string> DeliveryIds(
      const std::vector<RecordedRequest>& requests) {
    std::vector<std::string> ids;
    for (const RecordedRequest& r : requests) {
      ids.push_back(r.headers.at("x-cs-delivery"));
    }
    return ids;
  }

  std::vector<std::string> Outcomes() {
    absl::MutexLock lock(&hooks_mu_);
    return outcomes_;
  }

  cs::testing::TempDir dir_;
  ManualClock clock_{absl::FromUnixSeconds(1800000000)};
  std::unique_ptr<HttpPoster> poster_ = NewCurlHttpPoster(absl::Seconds(10));
  std::unique_ptr<Store> store_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<WebhookNotifier> notifier_;
  absl::Mutex hooks_mu_;
  std::vector<std::string> outcomes_ ABSL_GUARDED_BY(hooks_mu_);
  int retries_ ABSL_GUARDED_BY(hooks_mu_) = 0;
};

TEST_F(WebhookNotifierTest, PostsSignedUtf8JsonWithADeliveryId) {
  TestHttpServer server({200});
  StartNotifier(server.url());
  const uint64_t seq = Record("ceo-zhang", "", "升级：工单 张三 超时未响应");
  ASSERT_TRUE(notifier_->WaitForCursor(seq, kGuard));
  ASSERT_TRUE(server.WaitForRequests(1, kGuard));
  const RecordedRequest request = server.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/hooks/escalation");
  EXPECT_EQ(request.headers.at("content-type"),
            "application/json; charset=utf-8");
  EXPECT_EQ(request.headers.at("x-cs-delivery-attempt"), "1");
  // Chinese travels as UTF-8 bytes, not \u escapes.
  EXPECT_NE(request.body.find("升级：工单 张三 超时未响应"), std::string::npos)
      << request.body;
  const v1::WebhookPayload payload = Parse(request);
  EXPECT_EQ(payload.delivery_id(), request.headers.at("x-cs-delivery"));
  EXPECT_FALSE(payload.delivery_id().empty());
  EXPECT_EQ(payload.notification().sequence(), seq);
  EXPECT_EQ(payload.notification().recipient(), "ceo-zhang");
  EXPECT_EQ(payload.notification().department(), "客服部");
  // What a receiver does with the raw body and the header.
  const std::string& signature = request.headers.at("x-cs-signature");
  EXPECT_TRUE(VerifyWebhookSignature(kSecret, signature, request.body,
                                     clock_.Now(), absl::Minutes(5))
                  .ok())
      << signature;
  EXPECT_FALSE(VerifyWebhookSignature("wrong-secret", signature, request.body,
                                      clock_.Now(), absl::Minutes(5))
                   .ok());
  EXPECT_THAT(Outcomes(), ElementsAre("delivered"));
}

TEST_F(WebhookNotifierTest, RetriesOn5xxAnd429OnlyWhenTheClockMoves) {
  TestHttpServer server({500, 429, 200});
  StartNotifier(server.url());
  const uint64_t seq = Record("", "director", "升级 level 2");
  ASSERT_TRUE(notifier_->WaitForBackoffs(1, kGuard));
  // The server records a request after answering it, so the sender may
  // have its answer first.
  ASSERT_TRUE(server.WaitForRequests(1, kGuard));
  EXPECT_THAT(server.requests(), SizeIs(1));
  EXPECT_EQ(notifier_->cursor(), 0u);  // not delivered yet

  clock_.Advance(absl::Seconds(8));  // ≥ any backoff of this policy
  ASSERT_TRUE(notifier_->WaitForBackoffs(2, kGuard));
  ASSERT_TRUE(server.WaitForRequests(2, kGuard));
  EXPECT_THAT(server.requests(), SizeIs(2));
  EXPECT_EQ(notifier_->cursor(), 0u);

  clock_.Advance(absl::Seconds(8));
  ASSERT_TRUE(notifier_->WaitForCursor(seq, kGuard));
  ASSERT_TRUE(server.WaitForRequests(3, kGuard));
  const std::vector<RecordedRequest> requests = server.requests();
  ASSERT_THAT(requests, SizeIs(3));
  // One delivery id for every attempt: the receiver sees one notification.
  const std::string id = requests[0].headers.at("x-cs-delivery");
  EXPECT_THAT(DeliveryIds(requests), ElementsAre(id, id, id));
  EXPECT_EQ(requests[2].headers.at("x-cs-delivery-attempt"), "3");
  // Each attempt is signed at its own time.
  EXPECT_TRUE(VerifyWebhookSignature(kSecret,
                                     requests[2].headers.at("x-cs-signature"),
                                     requests[2].body, clock_.Now(),
                                     absl::Seconds(1))
                  .ok());
  EXPECT_THAT(Outcomes(), ElementsAre("delivered"));
  absl::MutexLock lock(&hooks_mu_);
  EXPECT_EQ(retries_, 2);
}

TEST_F(WebhookNotifierTest, ConnectionErrorsAreRetried) {
  std::string closed_url;
  {
    TestHttpServer gone({200});
    closed_url = gone.url();
  }  // nothing listens there any more
  StartNotifier(closed_url);
  Record("ceo-zhang", "", "升级");
  ASSERT_TRUE(notifier_->WaitForBackoffs(1, kGuard));
  clock_.Advance(absl::Seconds(8));
  ASSERT_TRUE(notifier_->WaitForBackoffs(2, kGuard));
  EXPECT_EQ(notifier_->cursor(), 0u);
  auto dead = notifier_->DeadLetters();
  ASSERT_TRUE(dead.ok());
  EXPECT_THAT(*dead, IsEmpty());
}

TEST_F(WebhookNotifierTest, A400IsDeadLetteredAndTheNextOneFollows) {
  TestHttpServer server({400, 200});
  StartNotifier(server.url());
  const uint64_t first = Record("ceo-zhang", "", "第一条");
  const uint64_t second = Record("ceo-zhang", "", "第二条");
  ASSERT_TRUE(notifier_->WaitForCursor(second, kGuard));
  ASSERT_TRUE(server.WaitForRequests(2, kGuard));
  const std::vector<RecordedRequest> requests = server.requests();
  ASSERT_THAT(requests, SizeIs(2));  // the 400 was not retried
  EXPECT_EQ(Parse(requests[0]).notification().sequence(), first);
  EXPECT_EQ(Parse(requests[1]).notification().sequence(), second);
  auto dead = notifier_->DeadLetters();
  ASSERT_TRUE(dead.ok()) << dead.status();
  ASSERT_THAT(*dead, SizeIs(1));
  EXPECT_EQ((*dead)[0].sequence(), first);
  EXPECT_EQ((*dead)[0].http_status(), 400);
  EXPECT_EQ((*dead)[0].attempts(), 1);
  EXPECT_EQ((*dead)[0].delivery_id(), requests[0].headers.at("x-cs-delivery"));
  EXPECT_THAT(Outcomes(), ElementsAre("dead_lettered", "delivered"));
}

TEST_F(WebhookNotifierTest, GivesUpAfterMaxAttempts) {
  TestHttpServer server({503});
  StartNotifier(server.url(), {}, /*max_attempts=*/2);
  const uint64_t seq = Record("ceo-zhang", "", "升级");
  ASSERT_TRUE(notifier_->WaitForBackoffs(1, kGuard));
  clock_.Advance(absl::Seconds(8));
  ASSERT_TRUE(notifier_->WaitForCursor(seq, kGuard));
  auto dead = notifier_->DeadLetters();
  ASSERT_TRUE(dead.ok());
  ASSERT_THAT(*dead, SizeIs(1));
  EXPECT_EQ((*dead)[0].http_status(), 503);
  EXPECT_EQ((*dead)[0].attempts(), 2);
}

TEST_F(WebhookNotifierTest, FilterSendsOnlyTheConfiguredRoles) {
  TestHttpServer server({200});
  StartNotifier(server.url(), WebhookFilter{.roles = {"director"}});
  Record("", "team_lead", "组长");
  Record("wang", "", "客服");
  const uint64_t director = Record("", "director", "技术总监");
  const uint64_t last = Record("", "team_lead", "组长");
  ASSERT_TRUE(notifier_->WaitForCursor(last, kGuard));
  ASSERT_TRUE(server.WaitForRequests(1, kGuard));
  const std::vector<RecordedRequest> requests = server.requests();
  ASSERT_THAT(requests, SizeIs(1));
  EXPECT_EQ(Parse(requests[0]).notification().sequence(), director);
  EXPECT_EQ(Parse(requests[0]).notification().role(), "director");
}

TEST_F(WebhookNotifierTest, RestartResumesWithoutLossOrRedelivery) {
  TestHttpServer server({200, 200, 500});
  StartNotifier(server.url());
  Record("ceo-zhang", "", "一");
  const uint64_t second = Record("ceo-zhang", "", "二");
  const uint64_t third = Record("ceo-zhang", "", "三");
  ASSERT_TRUE(notifier_->WaitForBackoffs(1, kGuard));  // the third failed
  EXPECT_EQ(notifier_->cursor(), second);

  CloseStore();  // the process dies while waiting to retry
  server.SetStatuses({200});
  OpenStore();
  const uint64_t fourth = Record("ceo-zhang", "", "四");
  StartNotifier(server.url());
  ASSERT_TRUE(notifier_->WaitForCursor(fourth, kGuard));
  ASSERT_TRUE(server.WaitForRequests(5, kGuard));
  const std::vector<RecordedRequest> requests = server.requests();
  ASSERT_THAT(requests, SizeIs(5));
  const std::vector<std::string> ids = DeliveryIds(requests);
  // 一, 二 once; 三 again with the SAME delivery id (at-least-once); 四.
  EXPECT_EQ(ids[2], ids[3]);
  EXPECT_EQ(Parse(requests[3]).notification().sequence(), third);
  EXPECT_EQ(Parse(requests[4]).notification().sequence(), fourth);
  EXPECT_NE(ids[0], ids[1]);
  EXPECT_NE(ids[3], ids[4]);
}

}  // namespace
}  // namespace cs::escalation
