#include "services/routing/service/assigner.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cs/ticket/v1/ticket.pb.h"
#include "libs/common/log.h"

namespace cs::routing {

bool IsFinalAssignError(const absl::Status& status) {
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

Assigner::Assigner(Store& store, ColumnFamily family, TicketClient& client,
                   absl::Mutex& state_mu, Options options)
    : store_(store),
      family_(family),
      client_(client),
      state_mu_(state_mu),
      options_(options) {}

Assigner::~Assigner() { Stop(); }

void Assigner::Start() {
  if (thread_.joinable()) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = false;
    woken_ = true;
  }
  thread_ = std::thread([this] { Run(); });
}

void Assigner::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void Assigner::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

bool Assigner::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

bool Assigner::WaitIdle(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !woken_ && !in_pass_ && idle_;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&idle), timeout);
}

uint64_t Assigner::delivered() const {
  absl::MutexLock lock(&mu_);
  return delivered_;
}

uint64_t Assigner::rejected() const {
  absl::MutexLock lock(&mu_);
  return rejected_;
}

void Assigner::DeleteIfUnchanged(const std::string& key,
                                 const std::string& value) {
  absl::MutexLock lock(&state_mu_);
  absl::StatusOr<std::string> current = store_.Get(family_, key);
  if (!current.ok() || *current != value) return;  // gone or replaced
  WriteSet writes;
  writes.Delete(family_, key);
  absl::Status committed = store_.Commit(writes);
  if (!committed.ok()) {
    // The record stays and is sent again later: harmless (a no-op there).
    Log(LogLevel::kWarning, "assigner",
        absl::StrCat("deleting delivered assignment of ticket ", key,
                     " failed: ", committed.ToString()));
  }
}

void Assigner::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      woken_ = false;
      in_pass_ = true;
    }
    std::vector<std::pair<std::string, std::string>> records;
    absl::Status scanned = store_.Scan(
        family_, "", "", 0,
        [&](absl::string_view key, absl::string_view value) {
          records.emplace_back(std::string(key), std::string(value));
          return true;
        });
    // Real time: retry pacing, not business time.
    absl::Time next_look = absl::InfiniteFuture();
    size_t waiting = 0;
    uint64_t delivered = 0, rejected = 0;
    if (!scanned.ok()) {
      Log(LogLevel::kWarning, "assigner",
          absl::StrCat("reading pending assignments failed: ",
                       scanned.ToString()));
      next_look = absl::Now() + options_.initial_backoff;
      ++waiting;
      records.clear();
    } else {
      // Forget backoffs of records that are gone.
      for (auto it = backoff_.begin(); it != backoff_.end();) {
        bool present = std::any_of(
            records.begin(), records.end(),
            [&](const auto& record) { return record.first == it->first; });
        it = present ? std::next(it) : backoff_.erase(it);
      }
    }
    for (const auto& [key, value] : records) {
      if (stopping()) break;
      auto backoff = backoff_.find(key);
      if (backoff != backoff_.end() && backoff->second.value == value &&
          backoff->second.next > absl::Now()) {
        next_look = std::min(next_look, backoff->second.next);
        ++waiting;
        continue;
      }
      ticket::v1::AssignTicketRequest request;
      if (!request.ParseFromString(value)) {
        Log(LogLevel::kError, "assigner",
            absl::StrCat("pending assignment of ticket ", key,
                         " does not parse; dropped"));
        DeleteIfUnchanged(key, value);
        continue;
      }
      absl::Status status = client_.Assign(request);
      if (status.ok() || IsFinalAssignError(status)) {
        if (status.ok()) {
          ++delivered;
        } else {
          ++rejected;
          Log(LogLevel::kWarning, "assigner",
              absl::StrCat("ticket service refused the assignment of ",
                           request.name(), " (", request.department(), " ",
                           request.assignee(), "): ", status.ToString(),
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
      ++waiting;
      Log(LogLevel::kWarning, "assigner",
          absl::StrCat("assigning ", request.name(), " failed (attempt ",
                       b.attempts, "): ", status.ToString(), "; retrying in ",
                       absl::FormatDuration(delay)));
    }
    absl::MutexLock lock(&mu_);
    in_pass_ = false;
    idle_ = waiting == 0;
    delivered_ += delivered;
    rejected_ += rejected;
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

}  // namespace cs::routing
