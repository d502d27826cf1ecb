#include "services/complaint/service/command_sender.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/log.h"

namespace cs::complaint {

bool IsFinalCommandError(const absl::Status& status) {
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

CommandSender::CommandSender(Store& store, ColumnFamily family,
                             Deliver deliver, Options options)
    : store_(store),
      family_(family),
      deliver_(std::move(deliver)),
      options_(options) {}

CommandSender::~CommandSender() { Stop(); }

void CommandSender::Start() {
  if (thread_.joinable()) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = false;
    woken_ = true;
  }
  thread_ = std::thread([this] { Run(); });
}

void CommandSender::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void CommandSender::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

bool CommandSender::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

bool CommandSender::WaitIdle(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !woken_ && !in_pass_ && idle_;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&idle), timeout);
}

uint64_t CommandSender::delivered() const {
  absl::MutexLock lock(&mu_);
  return delivered_;
}

uint64_t CommandSender::rejected() const {
  absl::MutexLock lock(&mu_);
  return rejected_;
}

void CommandSender::Run() {
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
    absl::Time next_look = absl::InfiniteFuture();  // real time: pacing
    size_t waiting = 0;
    uint64_t delivered = 0, rejected = 0;
    if (!scanned.ok()) {
      Log(LogLevel::kWarning, "commands",
          absl::StrCat("reading pending commands failed: ",
                       scanned.ToString()));
      next_look = absl::Now() + options_.initial_backoff;
      ++waiting;
      records.clear();
    }
    for (auto it = backoff_.begin(); it != backoff_.end();) {
      bool present = std::any_of(records.begin(), records.end(),
                                 [&](const auto& r) { return r.first == it->first; });
      it = present ? std::next(it) : backoff_.erase(it);
    }
    std::set<std::string> blocked;  // complaints with a command still waiting
    for (const auto& [key, value] : records) {
      if (stopping()) break;
      const std::string prefix = key.substr(0, key.find('/'));
      if (blocked.count(prefix) > 0) {
        ++waiting;
        continue;
      }
      auto backoff = backoff_.find(key);
      if (backoff != backoff_.end() && backoff->second.next > absl::Now()) {
        next_look = std::min(next_look, backoff->second.next);
        ++waiting;
        blocked.insert(prefix);
        continue;
      }
      v1::PendingCommand command;
      absl::Status status;
      if (!command.ParseFromString(value)) {
        status = absl::InvalidArgumentError("pending command does not parse");
      } else {
        status = deliver_(command);
      }
      if (status.ok() || IsFinalCommandError(status)) {
        if (status.ok()) {
          ++delivered;
        } else {
          ++rejected;
          Log(LogLevel::kWarning, "commands",
              absl::StrCat("command ", key, " refused: ", status.ToString(),
                           "; dropped"));
        }
        backoff_.erase(key);
        WriteSet writes;
        writes.Delete(family_, key);
        absl::Status committed = store_.Commit(writes);
        if (!committed.ok()) {
          Log(LogLevel::kWarning, "commands",
              absl::StrCat("deleting delivered command ", key,
                           " failed: ", committed.ToString()));
        }
        continue;
      }
      Backoff& b = backoff_[key];
      ++b.attempts;
      absl::Duration delay = options_.initial_backoff;
      for (int i = 1; i < b.attempts && delay < options_.max_backoff; ++i) {
        delay *= 2;
      }
      delay = std::min(delay, options_.max_backoff);
      b.next = absl::Now() + delay;
      next_look = std::min(next_look, b.next);
      ++waiting;
      blocked.insert(prefix);
      Log(LogLevel::kWarning, "commands",
          absl::StrCat("command ", key, " failed (attempt ", b.attempts,
                       "): ", status.ToString(), "; retrying in ",
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

}  // namespace cs::complaint
