// The storage seam of every service: the only code in the suite that
// includes RocksDB.
//
// A Store is one RocksDB database with named column families. Reads are typed
// (bytes or protobuf messages); every write goes through a WriteSet that is
// committed atomically, so a state change, its outbox event and its
// idempotency record land together or not at all.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<cs::Store> store,
//                    cs::Store::Open({.path = dir, .column_families = {"tickets"}}));
//   cs::ColumnFamily tickets = *store->Family("tickets");
//   cs::WriteSet writes;
//   writes.PutProto(tickets, id, ticket);
//   outbox.Append(writes, event);            // libs/events
//   RETURN_IF_ERROR(store->Commit(writes));  // one atomic, durable batch
//
// Durability: with `sync` (the default) Commit returns only after the batch
// is fsync'ed to the WAL; concurrent committers share one fsync (RocksDB group
// commit). Without it, a process crash loses nothing but a machine crash may
// lose the last writes.
//
// Errors never mention the engine: NOT_FOUND for a missing key, UNAVAILABLE
// for write stalls, busy or I/O trouble (retryable), RESOURCE_EXHAUSTED when
// the disk is full, DATA_LOSS for corruption, INTERNAL otherwise.
#ifndef CS_LIBS_STORE_STORE_H_
#define CS_LIBS_STORE_STORE_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message_lite.h"
#include "libs/store/write_set.h"

namespace rocksdb {
class Env;
class WriteBatch;
}  // namespace rocksdb

namespace cs {

class Store {
 public:
  struct Options {
    // Directory of the database; created when missing. Never share one
    // directory between processes.
    std::string path;
    // Column families the caller uses, besides the built-in ones
    // (kOutboxFamily, kCursorFamily, kIdempotencyFamily). Missing ones are
    // created; existing ones not listed are still opened.
    std::vector<std::string> column_families;
    // fsync the WAL before Commit returns.
    bool sync = true;
    int max_open_files = 512;
    // Block cache shared by all column families.
    size_t block_cache_bytes = 64 << 20;
    // Test hook: the RocksDB environment (file system) to run on instead of
    // the operating system's, e.g. libs/store/power_loss_file_system.h. Not
    // owned; must outlive the store. Production code leaves it null.
    rocksdb::Env* env = nullptr;
    // Test hook: false writes table files uncompressed (LZ4/ZSTD otherwise),
    // so that a byte scan of the files sees every stored value, as the
    // at-rest PII scan needs. Production code leaves it true.
    bool compress = true;
  };

  // Column families every store has, used by libs/events and idempotency.
  static constexpr absl::string_view kOutboxFamily = "outbox";
  static constexpr absl::string_view kCursorFamily = "cursors";
  static constexpr absl::string_view kIdempotencyFamily = "idempotency";

  // Opens (creating if needed) the database. Fails with UNAVAILABLE when the
  // directory is locked by another process, DATA_LOSS when corrupt.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const Options& options);

  // Closes the database (see Close) if still open.
  ~Store();

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The handle of a column family opened by this store; NOT_FOUND otherwise.
  absl::StatusOr<ColumnFamily> Family(absl::string_view name) const;

  // Value stored under `key`; NOT_FOUND (naming nothing secret) when absent.
  // Thread-safe.
  absl::StatusOr<std::string> Get(ColumnFamily cf, absl::string_view key) const;

  // Parses the value under `key` into `message`. NOT_FOUND when absent,
  // DATA_LOSS when the bytes do not parse.
  absl::Status GetProto(ColumnFamily cf, absl::string_view key,
                        google::protobuf::MessageLite* message) const;

  // Calls `visit(key, value)` for keys in [start, end) in key order (an empty
  // `end` means "to the end of the family"), stopping after `limit` visits
  // (0 = no limit) or when `visit` returns false. Sees a consistent snapshot.
  // Thread-safe.
  absl::Status Scan(
      ColumnFamily cf, absl::string_view start, absl::string_view end,
      size_t limit,
      const std::function<bool(absl::string_view key, absl::string_view value)>&
          visit) const;

  // Like Scan, for a family whose values are serialized messages: each
  // value is parsed into `*message` before `visit(key)` runs, which reads it
  // and may move from it. DATA_LOSS "stored <what> <key> does not parse" at
  // the first value that does not; the scan stops there. Thread-safe when
  // each caller has its own `message`.
  absl::Status ScanProtos(
      ColumnFamily cf, absl::string_view start, absl::string_view end,
      size_t limit, absl::string_view what,
      google::protobuf::MessageLite* message,
      const std::function<bool(absl::string_view key)>& visit) const;

  // Every value whose key starts with `prefix`, parsed as a `Message`, in
  // key order; DATA_LOSS as for ScanProtos. For small, bounded lists (a
  // ticket's follow-ups, an article's versions); page anything larger.
  template <typename Message>
  absl::StatusOr<std::vector<Message>> ListProtos(ColumnFamily cf,
                                                  absl::string_view prefix,
                                                  absl::string_view what) const;

  // Like Scan, from the last key < `end` backwards to `start` (inclusive).
  absl::Status ScanReverse(
      ColumnFamily cf, absl::string_view start, absl::string_view end,
      size_t limit,
      const std::function<bool(absl::string_view key, absl::string_view value)>&
          visit) const;

  // Atomically applies every operation of `writes` (durably when sync is on),
  // then runs its commit callbacks with the outcome. `writes` is consumed:
  // committing it again is FAILED_PRECONDITION. Thread-safe.
  absl::Status Commit(WriteSet& writes);

  // Like Commit but returns without waiting for the disk: the batch is
  // visible at once and survives kill -9 of the process (it reached the
  // operating system), but a power loss may drop it, together with every
  // later unsynced write and nothing written before the last sync. Only for
  // writes whose loss merely repeats work, such as deleting a command that
  // was delivered (it is delivered again, and delivery is at-least-once); a
  // sync-on-commit write of the same store waits on no fsync for it.
  absl::Status CommitUnsynced(WriteSet& writes);

  // Commits every set of `sets` with one write (and one fsync with sync):
  // what becomes visible is durable, as with Commit. A set that cannot be
  // applied (an unknown family, already consumed) fails alone; the others
  // land together or not at all. Returns each set's outcome in order; each
  // set is consumed and its callbacks run. For CommitPipeline
  // (commit_pipeline.h); use that instead. Thread-safe.
  std::vector<absl::Status> CommitTogether(const std::vector<WriteSet*>& sets);

  // The two halves of a CommitGroup (commit_group.h); use that instead.
  // WriteWithoutSync applies `writes` atomically without waiting for the
  // disk and without consuming it or running its callbacks; SyncWal makes
  // every write so far durable (a no-op unless sync is on). Thread-safe.
  absl::Status WriteWithoutSync(const WriteSet& writes);
  absl::Status SyncWal();

  // Writes every column family's memtable to table files (SSTs) and waits
  // for it, so that every committed value is in a file on disk. For tests
  // and tools that inspect the files (e.g. the at-rest PII scan) and before
  // backups; normal operation never needs it. FAILED_PRECONDITION when
  // closed. Thread-safe.
  absl::Status Flush();

  // Integer RocksDB properties worth exporting as gauges, as
  // (metric_suffix, value) pairs, e.g. ("estimate_num_keys", 42).
  std::vector<std::pair<std::string, double>> Properties() const;

  // Flushes the WAL to disk and closes the database. Further calls fail with
  // FAILED_PRECONDITION. Not safe to call concurrently with other methods.
  absl::Status Close();

  const Options& options() const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  absl::Status Write(const WriteSet& writes, bool sync);
  // Write, then consumes `writes` and runs its callbacks with the outcome.
  absl::Status WriteAndConsume(WriteSet& writes, bool sync);
  // Adds the operations of `writes` to `batch`; INTERNAL for an unknown
  // family (the batch may then hold part of them).
  absl::Status AppendTo(const WriteSet& writes,
                        rocksdb::WriteBatch& batch) const;
  absl::Status AppendOperation(const WriteSet::Operation& op,
                               rocksdb::WriteBatch& batch) const;
  absl::Status ScanImpl(
      ColumnFamily cf, absl::string_view start, absl::string_view end,
      size_t limit, bool reverse,
      const std::function<bool(absl::string_view, absl::string_view)>& visit)
      const;
  std::unique_ptr<Impl> impl_;
};

// Keys: helpers for order-preserving binary keys.

// 8-byte big-endian encoding, so that numeric order equals byte order.
std::string EncodeBigEndian64(uint64_t value);
// Inverse of EncodeBigEndian64; false when `bytes` is not 8 bytes long.
bool DecodeBigEndian64(absl::string_view bytes, uint64_t* value);
// The smallest key greater than every key starting with `prefix` ("" if none).
std::string PrefixEnd(absl::string_view prefix);
// Where a scan resumes after the key `after` (a page token's last key): the
// smallest key greater than it, or "" (from the first key) when `after` is
// empty, i.e. nothing was read yet.
std::string ResumeAfter(absl::string_view after);

template <typename Message>
absl::StatusOr<std::vector<Message>> Store::ListProtos(
    ColumnFamily cf, absl::string_view prefix, absl::string_view what) const {
  std::vector<Message> out;
  Message message;
  absl::Status scanned = ScanProtos(cf, prefix, PrefixEnd(prefix), 0, what,
                                    &message, [&](absl::string_view) {
                                      out.push_back(std::move(message));
                                      return true;
                                    });
  if (!scanned.ok()) return scanned;
  return out;
}

}  // namespace cs

#endif  // CS_LIBS_STORE_STORE_H_
