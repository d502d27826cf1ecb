#include "libs/store/write_set.h"

#include <utility>

namespace cs {

WriteSet::~WriteSet() {
  if (!consumed_) FinishCommit(false);
}

void WriteSet::Put(ColumnFamily cf, absl::string_view key,
                   absl::string_view value) {
  operations_.push_back(
      {Op::kPut, cf.index(), std::string(key), std::string(value)});
}

void WriteSet::PutProto(ColumnFamily cf, absl::string_view key,
                        const google::protobuf::MessageLite& message) {
  operations_.push_back(
      {Op::kPut, cf.index(), std::string(key), message.SerializeAsString()});
}

void WriteSet::Delete(ColumnFamily cf, absl::string_view key) {
  operations_.push_back({Op::kDelete, cf.index(), std::string(key), ""});
}

void WriteSet::DeleteRange(ColumnFamily cf, absl::string_view start,
                           absl::string_view end) {
  operations_.push_back(
      {Op::kDeleteRange, cf.index(), std::string(start), std::string(end)});
}

void WriteSet::OnCommit(std::function<void(bool committed)> callback) {
  if (consumed_) {
    callback(committed_);
    return;
  }
  callbacks_.push_back(std::move(callback));
}

void WriteSet::OnWritten(std::function<void()> callback) {
  if (written_) {
    callback();
    return;
  }
  written_callbacks_.push_back(std::move(callback));
}

void WriteSet::FinishWrite() {
  written_ = true;
  std::vector<std::function<void()>> callbacks;
  callbacks.swap(written_callbacks_);
  for (auto& callback : callbacks) callback();
}

void WriteSet::FinishCommit(bool committed) {
  FinishWrite();
  consumed_ = true;
  committed_ = committed;
  std::vector<std::function<void(bool)>> callbacks;
  callbacks.swap(callbacks_);
  for (auto& callback : callbacks) callback(committed);
}

}  // namespace cs
