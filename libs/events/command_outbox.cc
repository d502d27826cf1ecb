#include "libs/events/command_outbox.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/log.h"

namespace cs {

bool IsFinalDeliveryError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kAlreadyExists:
      return true;
    default:
      return false;
  }
}

CommandOutbox::CommandOutbox(Store& store, ColumnFamily family,
                             Deliver deliver, Options options)
    : store_(store),
      family_(family),
      deliver_(std::move(deliver)),
      options_(std::move(options)) {}

CommandOutbox::~CommandOutbox() { Stop(); }

void CommandOutbox::Start() {
  if (thread_.joinable()) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = false;
    woken_ = true;
  }
  thread_ = std::thread([this] { Run(); });
}

void CommandOutbox::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void CommandOutbox::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

bool CommandOutbox::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

bool CommandOutbox::WaitIdle(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !woken_ && !in_pass_ && idle_;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&idle), timeout);
}

uint64_t CommandOutbox::delivered() const {
  absl::MutexLock lock(&mu_);
  return delivered_;
}

uint64_t CommandOutbox::rejected() const {
  absl::MutexLock lock(&mu_);
  return rejected_;
}

void CommandOutbox::DeleteIfUnchanged(const std::string& key,
                                      const std::string& value) {
  std::optional<absl::MutexLock> lock;
  if (options_.writers_mu != nullptr) lock.emplace(options_.writers_mu);
  absl::StatusOr<std::string> current = store_.Get(family_, key);
  if (!current.ok() || *current != value) return;  // gone or replaced
  WriteSet writes;
  writes.Delete(family_, key);
  if (absl::Status committed = store_.Commit(writes); !committed.ok()) {
    // The record stays and is delivered again later: harmless (idempotent).
    Log(LogLevel::kWarning, options_.name,
        absl::StrCat("deleting delivered record ", key,
                     " failed: ", committed.ToString()));
  }
}

absl::Time CommandOutbox::Pass(bool* waiting) {
  std::vector<std::pair<std::string, std::string>> records;
  absl::Status scanned = store_.Scan(
      family_, "", "", 0, [&](absl::string_view key, absl::string_view value) {
        records.emplace_back(std::string(key), std::string(value));
        return true;
      });
  if (!scanned.ok()) {
    Log(LogLevel::kWarning, options_.name,
        absl::StrCat("reading pending records failed: ", scanned.ToString()));
    *waiting = true;
    return absl::Now() + options_.initial_backoff;
  }
  // Forget backoffs of records that are gone.
  for (auto it = backoff_.begin(); it != backoff_.end();) {
    bool present =
        std::any_of(records.begin(), records.end(),
                    [&](const auto& record) { return record.first == it->first; });
    it = present ? std::next(it) : backoff_.erase(it);
  }
  absl::Time next_look = absl::InfiniteFuture();
  uint64_t delivered = 0, rejected = 0;
  std::set<std::string> blocked;  // groups with a record still waiting
  for (const auto& [key, value] : records) {
    if (stopping()) break;
    const std::string group =
        options_.ordered_groups ? key.substr(0, key.find('/')) : key;
    if (blocked.count(group) > 0) {
      *waiting = true;
      continue;
    }
    auto backoff = backoff_.find(key);
    if (backoff != backoff_.end() && backoff->second.value == value &&
        backoff->second.next > absl::Now()) {
      next_look = std::min(next_look, backoff->second.next);
      *waiting = true;
      blocked.insert(group);
      continue;
    }
    absl::Status status = deliver_(key, value);
    if (status.ok() || IsFinalDeliveryError(status)) {
      if (status.ok()) {
        ++delivered;
      } else {
        ++rejected;
        Log(LogLevel::kWarning, options_.name,
            absl::StrCat("record ", key, " refused: ", status.ToString(),
                         "; dropped"));
      }
      backoff_.erase(key);
      DeleteIfUnchanged(key, value);
      continue;
    }
    Backoff& b = backoff_[key];
    if (b.value != value) b = Backoff{value, 0, absl::Time()};
    ++b.attempts;
    absl::Duration delay = options_.initial_backoff;
    for (int i = 1; i < b.attempts && delay < options_.max_backoff; ++i) {
      delay *= 2;
    }
    delay = std::min(delay, options_.max_backoff);
    b.next = absl::Now() + delay;
    next_look = std::min(next_look, b.next);
    *waiting = true;
    blocked.insert(group);
    Log(LogLevel::kWarning, options_.name,
        absl::StrCat("record ", key, " failed (attempt ", b.attempts, "): ",
                     status.ToString(), "; retrying in ",
                     absl::FormatDuration(delay)));
  }
  absl::MutexLock lock(&mu_);
  delivered_ += delivered;
  rejected_ += rejected;
  return next_look;
}

void CommandOutbox::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      woken_ = false;
      in_pass_ = true;
    }
    bool waiting = false;
    absl::Time next_look = Pass(&waiting);
    absl::MutexLock lock(&mu_);
    in_pass_ = false;
    idle_ = !waiting;
    auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return woken_ || stopping_;
    };
    if (next_look == absl::InfiniteFuture()) {
      mu_.Await(absl::Condition(&wake));
    } else {
      mu_.AwaitWithDeadline(absl::Condition(&wake), next_look);
    }
  }
}

}  // namespace cs
