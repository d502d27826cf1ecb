// The escalation service's outbound webhook (for systems that cannot hold a
// WatchNotifications stream): every recorded notification that passes the
// filter is POSTed as JSON (domain/webhook_policy.h) to one URL, signed
// (domain/webhook_signature.h), in log order.
//
// Durability: the notifier drives itself from the notification log (the
// service's outbox) with a cursor persisted in the store's cursor family
// (key "webhook/<name>/cursor"); it advances only after a 2xx, a dead letter
// or notifications that do not pass the filter. A kill -9 at any point loses
// nothing; at most the notification in flight is POSTed again with the same
// X-CS-Delivery id (at-least-once: receivers deduplicate on it).
//
// Failures: no response, 429 and 5xx are retried with exponential backoff and
// jitter, waited on the injected Clock (a ManualClock in tests: no sleeps),
// holding back later notifications (order is kept); other 4xx are
// dead-lettered (stored as v1::WebhookDeadLetter under
// "webhook/<name>/dead/<sequence>") and the next notification follows.
//
//   WebhookNotifier notifier(store, outbox, clock, *NewCurlHttpPoster(10s),
//                            {.url = url, .secret = secret});
//   RETURN_IF_ERROR(notifier.Start());
//   ...
//   notifier.Stop();
//
// Thread-safe.
#ifndef CS_SERVICES_ESCALATION_WEBHOOK_WEBHOOK_NOTIFIER_H_
#define CS_SERVICES_ESCALATION_WEBHOOK_WEBHOOK_NOTIFIER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cs/common/v1/event.pb.h"
#include "cs/escalation/v1/escalation.pb.h"
#include "libs/common/clock.h"
#include "libs/events/outbox.h"
#include "libs/store/store.h"
#include "services/escalation/domain/webhook_policy.h"
#include "services/escalation/webhook/http_poster.h"

namespace cs::escalation {

class WebhookNotifier {
 public:
  struct Options {
    std::string url;
    // HMAC key of X-CS-Signature (the contents of --webhook-secret-file).
    std::string secret;
    WebhookFilter filter;
    RetryPolicy retry;
    // Keys the cursor and dead letters; unique per notifier in one store.
    std::string name = "escalation";
    // Metric hooks, called on the notifier's thread (all optional):
    // each final outcome ("delivered" or "dead_lettered"),
    std::function<void(absl::string_view outcome)> on_outcome;
    // each retry scheduled,
    std::function<void()> on_retry;
    // each delivery's lag (delivery time − the notification's recording).
    std::function<void(absl::Duration lag)> on_lag;
  };

  // `store` (with the built-in cursor family), `outbox`, `clock` and
  // `poster` must outlive the notifier.
  WebhookNotifier(Store& store, Outbox& outbox, Clock& clock,
                  HttpPoster& poster, Options options);
  ~WebhookNotifier();

  WebhookNotifier(const WebhookNotifier&) = delete;
  WebhookNotifier& operator=(const WebhookNotifier&) = delete;

  // Reads the stored cursor and starts the worker. Storage errors are
  // returned (nothing runs then); FAILED_PRECONDITION when running.
  absl::Status Start();
  // Stops and joins the worker; a POST in flight finishes first (bounded by
  // the poster's timeout), a backoff wait ends at once. Idempotent.
  void Stop();

  // Sequence of the last notification log entry dealt with.
  uint64_t cursor() const;
  // The stored dead letters, oldest first.
  absl::StatusOr<std::vector<v1::WebhookDeadLetter>> DeadLetters() const;

  // ---- For tests (production code never waits): block up to `timeout`
  // (real time) until cursor() >= sequence / until `n` backoff waits have
  // started since Start(). True on success.
  bool WaitForCursor(uint64_t sequence, absl::Duration timeout) const;
  bool WaitForBackoffs(int n, absl::Duration timeout) const;

 private:
  void Run();
  // POSTs one notification until it is delivered or dead-lettered; false
  // when Stop() interrupted it (the cursor then stays before it).
  bool Deliver(const common::v1::Event& event,
               const v1::Notification& notification);
  // Commits `cursor` (and `dead`, when set) in one batch.
  void Commit(uint64_t cursor, const std::optional<v1::WebhookDeadLetter>& dead);
  bool stopping() const;

  Store& store_;
  Outbox& outbox_;
  Clock& clock_;
  HttpPoster& poster_;
  const Options options_;
  const ColumnFamily family_;
  int listener_ = -1;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t cursor_ ABSL_GUARDED_BY(mu_) = 0;
  int backoffs_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace cs::escalation

#endif  // CS_SERVICES_ESCALATION_WEBHOOK_WEBHOOK_NOTIFIER_H_
