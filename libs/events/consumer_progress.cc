#include "libs/events/consumer_progress.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace cs {

std::function<void(uint64_t)> ConsumerProgress::AddConsumer(
    const std::string& consumer, const std::string& producer, uint64_t cursor) {
  Consumer* entry = nullptr;
  {
    absl::MutexLock lock(&mu_);
    entry = &consumers_[consumer];
    entry->producer = producer;
    entry->cursor = std::max(entry->cursor, cursor);
  }
  return [this, entry](uint64_t cursor) {
    absl::MutexLock lock(&mu_);
    // A redelivery after a restart may report an older cursor first.
    if (cursor > entry->cursor) entry->cursor = cursor;
  };
}

void ConsumerProgress::AddCommandOutbox(const std::string& name,
                                        IdleWait wait_idle) {
  absl::MutexLock lock(&mu_);
  outboxes_[name] = std::move(wait_idle);
}

std::vector<ConsumerProgress::Position> ConsumerProgress::Consumers() const {
  absl::MutexLock lock(&mu_);
  std::vector<Position> positions;
  for (const auto& [name, entry] : consumers_) {
    positions.push_back({name, entry.producer, entry.cursor});
  }
  return positions;
}

std::vector<std::string> ConsumerProgress::CommandOutboxes() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> names;
  for (const auto& [name, wait] : outboxes_) names.push_back(name);
  return names;
}

absl::StatusOr<std::string> ConsumerProgress::ConsumerOf(
    absl::string_view producer) const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> found;
  for (const auto& [name, entry] : consumers_) {
    if (entry.producer == producer) found.push_back(name);
  }
  if (found.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no consumer of producer \"", producer, "\" here"));
  }
  if (found.size() > 1) {
    return absl::FailedPreconditionError(
        absl::StrCat(found.size(), " consumers follow producer \"", producer,
                     "\"; name the consumer"));
  }
  return found.front();
}

absl::StatusOr<ConsumerProgress::Position> ConsumerProgress::WaitForConsumer(
    absl::string_view consumer, uint64_t sequence,
    absl::Duration timeout) const {
  const absl::Time deadline = clock_.Now() + timeout;
  absl::MutexLock lock(&mu_);
  auto it = consumers_.find(consumer);
  if (it == consumers_.end()) {
    return absl::NotFoundError(
        absl::StrCat("no consumer \"", consumer, "\" here"));
  }
  const Consumer& entry = it->second;
  auto done = [this, &entry, sequence]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopped_ || entry.cursor >= sequence;
  };
  // The clock's wait takes the caller's lock; mu_ is mutable for waits.
  clock_.AwaitWithDeadline(&mu_, absl::Condition(&done), deadline);
  if (entry.cursor >= sequence) {
    return Position{it->first, entry.producer, entry.cursor};
  }
  if (stopped_) return absl::UnavailableError("server is shutting down");
  return absl::DeadlineExceededError(
      absl::StrCat("consumer \"", consumer, "\" (of ", entry.producer,
                   ") is at ", entry.cursor, ", not yet at ", sequence,
                   " after ", absl::FormatDuration(timeout)));
}

absl::Status ConsumerProgress::WaitForCommands(absl::string_view name,
                                               absl::Duration timeout) const {
  IdleWait wait;
  {
    absl::MutexLock lock(&mu_);
    auto it = outboxes_.find(name);
    if (it == outboxes_.end()) {
      return absl::NotFoundError(
          absl::StrCat("no command outbox \"", name, "\" here"));
    }
    wait = it->second;
  }
  if (wait(timeout)) return absl::OkStatus();
  return absl::DeadlineExceededError(absl::StrCat(
      "command outbox \"", name, "\" still has records to deliver after ",
      absl::FormatDuration(timeout)));
}

void ConsumerProgress::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
}

}  // namespace cs
