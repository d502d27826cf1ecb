#include "services/escalation/webhook/webhook_notifier.h"

#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "libs/common/log.h"
#include "libs/common/status_macros.h"
#include "libs/common/thread_name.h"
#include "libs/common/time_proto.h"
#include "services/escalation/domain/webhook_signature.h"

namespace cs::escalation {
namespace {

constexpr size_t kReadBatch = 64;
constexpr absl::string_view kLog = "escalation-webhook";

std::string CursorKey(absl::string_view name) {
  return absl::StrCat("webhook/", name, "/cursor");
}

std::string DeadPrefix(absl::string_view name) {
  return absl::StrCat("webhook/", name, "/dead/");
}

std::optional<v1::Notification> NotificationOf(const common::v1::Event& event) {
  if (event.type() != v1::EscalationNotified::descriptor()->name()) {
    return std::nullopt;
  }
  v1::EscalationNotified notified;
  if (!event.payload().UnpackTo(&notified)) return std::nullopt;
  v1::Notification n = notified.notification();
  n.set_sequence(event.sequence());
  return n;
}

}  // namespace

WebhookNotifier::WebhookNotifier(Store& store, Outbox& outbox, Clock& clock,
                                 HttpPoster& poster, Options options)
    : store_(store),
      outbox_(outbox),
      clock_(clock),
      poster_(poster),
      options_(std::move(options)),
      family_(*store.Family(Store::kCursorFamily)) {}

WebhookNotifier::~WebhookNotifier() { Stop(); }

absl::Status WebhookNotifier::Start() {
  if (thread_.joinable()) {
    return absl::FailedPreconditionError("webhook notifier already started");
  }
  uint64_t cursor = 0;
  absl::StatusOr<std::string> stored =
      store_.Get(family_, CursorKey(options_.name));
  if (stored.ok()) {
    if (!DecodeBigEndian64(*stored, &cursor)) {
      return absl::DataLossError("webhook cursor is corrupt");
    }
  } else if (!absl::IsNotFound(stored.status())) {
    return stored.status();
  }
  {
    absl::MutexLock lock(&mu_);
    cursor_ = cursor;
    stopping_ = false;
    woken_ = true;
    backoffs_ = 0;
  }
  listener_ = outbox_.AddListener([this] {
    absl::MutexLock lock(&mu_);
    woken_ = true;
  });
  thread_ = std::thread([this] {
    NameThisThread("cs-webhook");
    Run();
  });
  return absl::OkStatus();
}

void WebhookNotifier::Stop() {
  if (!thread_.joinable()) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
  outbox_.RemoveListener(listener_);
  listener_ = -1;
}

bool WebhookNotifier::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

uint64_t WebhookNotifier::cursor() const {
  absl::MutexLock lock(&mu_);
  return cursor_;
}

bool WebhookNotifier::WaitForCursor(uint64_t sequence,
                                    absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto reached = [this, sequence]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return cursor_ >= sequence;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
}

bool WebhookNotifier::WaitForBackoffs(int n, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto reached = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return backoffs_ >= n;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
}

absl::StatusOr<std::vector<v1::WebhookDeadLetter>>
WebhookNotifier::DeadLetters() const {
  return store_.ListProtos<v1::WebhookDeadLetter>(
      family_, DeadPrefix(options_.name), "dead letter");
}

void WebhookNotifier::Commit(
    uint64_t cursor, const std::optional<v1::WebhookDeadLetter>& dead) {
  WriteSet writes;
  writes.Put(family_, CursorKey(options_.name), EncodeBigEndian64(cursor));
  if (dead) {
    writes.PutProto(family_,
                    absl::StrCat(DeadPrefix(options_.name),
                                 EncodeBigEndian64(dead->sequence())),
                    *dead);
  }
  // A failed write only means the notifier may POST again after a restart.
  if (absl::Status committed = store_.Commit(writes); !committed.ok()) {
    Log(LogLevel::kError, kLog,
        absl::StrCat("storing the cursor failed: ", committed.ToString()));
  }
  absl::MutexLock lock(&mu_);
  cursor_ = cursor;
}

void WebhookNotifier::Run() {
  while (!stopping()) {
    uint64_t cursor;
    {
      absl::MutexLock lock(&mu_);
      woken_ = false;
      cursor = cursor_;
    }
    std::vector<common::v1::Event> batch;
    absl::StatusOr<uint64_t> next = outbox_.Read(
        cursor + 1, kReadBatch,
        [&batch](const common::v1::Event& event) { batch.push_back(event); });
    if (!next.ok()) {
      Log(LogLevel::kError, kLog,
          absl::StrCat("reading notifications failed: ",
                       next.status().ToString()));
      absl::MutexLock lock(&mu_);
      // Real-time pacing of a storage problem, not business time.
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Seconds(1));
      continue;
    }
    for (const common::v1::Event& event : batch) {
      std::optional<v1::Notification> n = NotificationOf(event);
      if (!n || !options_.filter.Matches(*n)) continue;
      if (!Deliver(event, *n)) return;  // stopping
    }
    // Also moves past filtered entries and gaps (one write per batch).
    if (*next > 0 && *next - 1 > this->cursor()) Commit(*next - 1, {});
    if (batch.empty()) {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return woken_ || stopping_;
      };
      mu_.Await(absl::Condition(&ready));
    }
  }
}

bool WebhookNotifier::Deliver(const common::v1::Event& event,
                              const v1::Notification& notification) {
  const std::string& delivery_id = event.event_id();
  absl::StatusOr<std::string> body = WebhookBody(notification, delivery_id);
  absl::BitGen random;
  for (int attempt = 1;; ++attempt) {
    HttpResponse response;
    const absl::Time now = clock_.Now();
    absl::StatusOr<std::string> signature =
        body.ok() ? SignWebhook(options_.secret, absl::ToUnixSeconds(now), *body)
                  : body.status();
    if (signature.ok()) {
      response = poster_.Post(
          options_.url,
          {{"Content-Type", "application/json; charset=utf-8"},
           {std::string(kSignatureHeader), *signature},
           {std::string(kDeliveryHeader), delivery_id},
           {std::string(kAttemptHeader), absl::StrCat(attempt)}},
          *body);
    } else {
      response.error = signature.status().ToString();
    }
    DeliveryOutcome outcome = ClassifyResponse(response.status);
    if (outcome == DeliveryOutcome::kRetry && options_.retry.max_attempts > 0 &&
        attempt >= options_.retry.max_attempts) {
      outcome = DeliveryOutcome::kDeadLetter;
    }
    if (outcome == DeliveryOutcome::kDelivered) {
      // Hooks first: once the cursor moves, the delivery is fully counted.
      if (options_.on_outcome) options_.on_outcome("delivered");
      if (options_.on_lag) {
        options_.on_lag(clock_.Now() - FromProtoTime(event.occurred_time()));
      }
      Commit(event.sequence(), {});
      return true;
    }
    if (outcome == DeliveryOutcome::kDeadLetter) {
      v1::WebhookDeadLetter dead;
      dead.set_sequence(event.sequence());
      dead.set_delivery_id(delivery_id);
      dead.set_http_status(response.status);
      dead.set_error(response.error);
      dead.set_attempts(attempt);
      *dead.mutable_time() = ToProtoTime(clock_.Now());
      Log(LogLevel::kWarning, kLog,
          absl::StrCat("notification ", event.sequence(), " dead-lettered (HTTP ",
                       response.status, " ", response.error, ") after ",
                       attempt, " attempt(s)"));
      if (options_.on_outcome) options_.on_outcome("dead_lettered");
      Commit(event.sequence(), dead);
      return true;
    }
    if (options_.on_retry) options_.on_retry();
    const absl::Duration wait = BackoffDelay(
        options_.retry, attempt, absl::Uniform<double>(random, 0.0, 1.0));
    if (attempt == 1) {
      Log(LogLevel::kWarning, kLog,
          absl::StrCat("notification ", event.sequence(), ": HTTP ",
                       response.status, " ", response.error, "; retrying"));
    }
    absl::MutexLock lock(&mu_);
    ++backoffs_;
    if (clock_.AwaitWithDeadline(&mu_, absl::Condition(&stopping_),
                                 clock_.Now() + wait)) {
      return false;
    }
  }
}

}  // namespace cs::escalation
