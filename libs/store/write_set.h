// A batch of writes to one Store, committed atomically by Store::Commit.
//
// A WriteSet carries no RocksDB types, so domain code and libs/events can
// fill it without including the engine. Commit callbacks let libraries that
// reserve resources while building a batch (the outbox reserves sequence
// numbers) learn whether the batch landed; a WriteSet destroyed without being
// committed runs its callbacks with `committed == false`. Written callbacks
// run earlier, as soon as the batch is applied (or abandoned): release locks
// there, since in a CommitGroup the commit callbacks wait for the group's
// fsync while later batches of the same writer need the lock.
#ifndef CS_LIBS_STORE_WRITE_SET_H_
#define CS_LIBS_STORE_WRITE_SET_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/message_lite.h"

namespace cs {

// Handle of an opened column family; cheap to copy; valid while its Store is.
class ColumnFamily {
 public:
  ColumnFamily() = default;
  int index() const { return index_; }
  bool valid() const { return index_ >= 0; }

 private:
  friend class Store;
  explicit ColumnFamily(int index) : index_(index) {}
  int index_ = -1;
};

// Not thread-safe: one WriteSet belongs to one request at a time.
class WriteSet {
 public:
  enum class Op { kPut, kDelete, kDeleteRange };
  struct Operation {
    Op op;
    int family;
    std::string key;
    std::string value;  // the value for kPut, the end key for kDeleteRange
  };

  WriteSet() = default;
  ~WriteSet();
  WriteSet(WriteSet&&) = default;
  WriteSet& operator=(WriteSet&&) = delete;
  WriteSet(const WriteSet&) = delete;
  WriteSet& operator=(const WriteSet&) = delete;

  void Put(ColumnFamily cf, absl::string_view key, absl::string_view value);
  void PutProto(ColumnFamily cf, absl::string_view key,
                const google::protobuf::MessageLite& message);
  void Delete(ColumnFamily cf, absl::string_view key);
  // Deletes keys in [start, end).
  void DeleteRange(ColumnFamily cf, absl::string_view start,
                   absl::string_view end);

  // Runs `callback(committed)` exactly once: after a Commit attempt, or at
  // destruction when never committed; registered after the set was consumed,
  // it runs at once with the outcome. Callbacks run in registration order, on
  // the committing thread; callbacks of concurrent committers are not ordered
  // relative to each other's writes (serialise per key where that matters).
  void OnCommit(std::function<void(bool committed)> callback);

  // Runs `callback` exactly once, as soon as the batch was applied to the
  // store (visible to reads, maybe not yet durable) or failed or was
  // abandoned — before any OnCommit callback. For releasing locks that
  // serialise a decision with its write.
  void OnWritten(std::function<void()> callback);

  const std::vector<Operation>& operations() const { return operations_; }
  bool empty() const { return operations_.empty(); }
  bool consumed() const { return consumed_; }

  // Used by Store::Commit: marks the set consumed and runs the callbacks
  // (written ones first).
  void FinishCommit(bool committed);
  // Used by CommitGroup: runs the written callbacks (once).
  void FinishWrite();

 private:
  std::vector<Operation> operations_;
  std::vector<std::function<void(bool)>> callbacks_;
  std::vector<std::function<void()>> written_callbacks_;
  bool written_ = false;
  bool consumed_ = false;
  bool committed_ = false;
};

}  // namespace cs

#endif  // CS_LIBS_STORE_WRITE_SET_H_
