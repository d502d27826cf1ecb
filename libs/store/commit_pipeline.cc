#include "libs/store/commit_pipeline.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/thread_name.h"

namespace cs {

CommitPipeline::CommitPipeline(Store& store, Options options)
    : store_(store), options_(options) {
  committer_ = std::thread([this] {
    NameThisThread("cs-commit");
    Run();
  });
}

CommitPipeline::~CommitPipeline() { Shutdown(); }

void CommitPipeline::Submit(WriteSet writes, Done done) {
  absl::Status refused;
  if (writes.consumed()) {
    refused = absl::FailedPreconditionError("write set already committed");
  } else {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      refused = absl::UnavailableError("the store is shutting down");
    } else if (queue_.size() >= options_.max_pending) {
      refused = absl::ResourceExhaustedError(absl::StrCat(
          queue_.size(), " writes are waiting for the disk; retry shortly"));
    } else {
      queue_.push_back(Entry{std::move(writes), std::move(done)});
      return;
    }
  }
  if (!writes.consumed()) writes.FinishCommit(false);
  done(std::move(refused));
}

void CommitPipeline::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (committer_.joinable()) committer_.join();
}

size_t CommitPipeline::pending() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

void CommitPipeline::Run() {
  for (;;) {
    std::deque<Entry> group;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](CommitPipeline* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->stopping_ || !self->queue_.empty();
          },
          this));
      if (queue_.empty()) return;  // stopping, nothing left
      group.swap(queue_);
    }
    CommitGroupOf(group);
  }
}

void CommitPipeline::CommitGroupOf(std::deque<Entry>& group) {
  std::vector<WriteSet*> sets;
  sets.reserve(group.size());
  for (Entry& entry : group) sets.push_back(&entry.writes);
  std::vector<absl::Status> outcomes = store_.CommitTogether(sets);
  for (size_t i = 0; i < group.size(); ++i) {
    group[i].done(std::move(outcomes[i]));
  }
}

}  // namespace cs
