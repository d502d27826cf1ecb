#include "libs/server/executor.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/thread_name.h"

namespace cs {

BoundedExecutor::BoundedExecutor(Options options) : options_(options) {
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this] {
      NameThisThread("cs-exec");
      Work();
    });
  }
}

BoundedExecutor::~BoundedExecutor() { Shutdown(); }

absl::Status BoundedExecutor::TrySubmit(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return absl::UnavailableError("server is shutting down");
  if (queue_.size() >= options_.queue_capacity) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "server overloaded: ", queue_.size(), " requests waiting; retry later"));
  }
  queue_.push_back(std::move(task));
  return absl::OkStatus();
}

void BoundedExecutor::Work() {
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !queue_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

void BoundedExecutor::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

size_t BoundedExecutor::queued() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

bool BoundedExecutor::WaitUntilDrained(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return queue_.empty();
  };
  return mu_.AwaitWithTimeout(absl::Condition(&drained), timeout);
}

}  // namespace cs
