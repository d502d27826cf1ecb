#include "libs/store/commit_group.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/log.h"

namespace cs {

CommitGroup::~CommitGroup() {
  absl::Status synced = Sync();
  if (!synced.ok()) {
    Log(LogLevel::kError, "store",
        absl::StrCat("commit group sync failed: ", synced.ToString()));
  }
}

absl::Status CommitGroup::Commit(WriteSet writes) {
  absl::Status written = store_.WriteWithoutSync(writes);
  if (!written.ok()) {
    writes.FinishCommit(false);
    return written;
  }
  writes.FinishWrite();
  pending_.push_back(std::move(writes));
  return absl::OkStatus();
}

absl::Status CommitGroup::Sync() {
  if (pending_.empty()) return absl::OkStatus();
  absl::Status synced = store_.SyncWal();
  std::vector<WriteSet> done;
  done.swap(pending_);
  for (WriteSet& writes : done) writes.FinishCommit(true);
  return synced;
}

}  // namespace cs
