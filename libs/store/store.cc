#include "libs/store/store.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

namespace cs {
namespace {

// Maps an engine status to the suite's canonical codes. Messages describe the
// trouble without naming the engine.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat("storage ", what, " failed: ", s.getState() ? s.getState() : "");
  switch (s.code()) {
    case rocksdb::Status::kNotFound:
      return absl::NotFoundError(absl::StrCat("storage ", what, ": not found"));
    case rocksdb::Status::kCorruption:
      return absl::DataLossError(message);
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTryAgain:
    case rocksdb::Status::kTimedOut:
    case rocksdb::Status::kIncomplete:  // write stall with no_slowdown
      return absl::UnavailableError(message);
    case rocksdb::Status::kIOError:
      if (s.IsNoSpace()) return absl::ResourceExhaustedError(message);
      // A held LOCK file means another process owns the directory.
      return absl::UnavailableError(message);
    case rocksdb::Status::kInvalidArgument:
    case rocksdb::Status::kNotSupported:
      return absl::FailedPreconditionError(message);
    case rocksdb::Status::kShutdownInProgress:
    case rocksdb::Status::kAborted:
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

rocksdb::ColumnFamilyOptions FamilyOptions(
    const std::shared_ptr<rocksdb::Cache>& cache, bool compress) {
  rocksdb::ColumnFamilyOptions options;
  options.compression =
      compress ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
  options.bottommost_compression =
      compress ? rocksdb::kZSTD : rocksdb::kNoCompression;
  options.write_buffer_size = 32 << 20;
  // A point read of an absent key (an idempotency record not yet written, a
  // dedup marker) otherwise walks the memtable's skip list: ≈4 % of a
  // CreateTicket's CPU. A whole-key bloom filter of 2 % of the write buffer
  // answers those misses without the walk.
  options.memtable_prefix_bloom_size_ratio = 0.02;
  options.memtable_whole_key_filtering = true;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = true;
  table.cache_index_and_filter_blocks = true;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

}  // namespace

struct Store::Impl {
  Options options;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<std::string> family_names;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::WriteOptions write_options;

  rocksdb::ColumnFamilyHandle* Handle(ColumnFamily cf) const {
    if (cf.index() < 0 || cf.index() >= static_cast<int>(handles.size())) {
      return nullptr;
    }
    return handles[cf.index()];
  }

  // Handles must be released before the database closes.
  rocksdb::Status CloseDb() {
    if (!db) return rocksdb::Status::OK();
    for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
    handles.clear();
    rocksdb::Status closed = db->Close();
    db.reset();
    return closed;
  }
};

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const Options& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("store path must not be empty");
  }
  std::error_code mkdir_error;
  std::filesystem::create_directories(options.path, mkdir_error);
  if (mkdir_error) {
    return absl::UnavailableError(absl::StrCat(
        "cannot create store directory ", options.path, ": ",
        mkdir_error.message()));
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->write_options.sync = options.sync;

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_open_files = options.max_open_files;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 5;
  db_options.bytes_per_sync = 1 << 20;
  db_options.avoid_flush_during_shutdown = false;
  if (options.env != nullptr) db_options.env = options.env;
  // One thread applies a whole write group to the memtables. With the
  // default (concurrent memtable writes) every follower of a group is woken
  // to insert its own batch and then waits again for the group's end: on 2
  // cores that cost ≈1.4 context switches and ≈10 % of a CreateTicket's CPU
  // (bench/README.md), for no parallelism.
  db_options.allow_concurrent_memtable_write = false;

  // Every family listed by the caller, the built-in ones, and any that
  // already exist on disk (RocksDB requires opening all of them).
  std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName,
                                    std::string(kOutboxFamily),
                                    std::string(kCursorFamily),
                                    std::string(kIdempotencyFamily)};
  for (const auto& name : options.column_families) names.push_back(name);
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, options.path, &existing)
          .ok()) {
    for (const auto& name : existing) names.push_back(name);
  }
  std::sort(names.begin() + 1, names.end());
  names.erase(std::unique(names.begin() + 1, names.end()), names.end());
  names.erase(std::remove(names.begin() + 1, names.end(),
                          rocksdb::kDefaultColumnFamilyName),
              names.end());

  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) {
    descriptors.emplace_back(name, FamilyOptions(cache, options.compress));
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, descriptors,
                                        &impl->handles, &raw);
  if (!s.ok()) return FromRocks(s, absl::StrCat("open of ", options.path));
  impl->db.reset(raw);
  impl->family_names = names;
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Store::~Store() {
  if (impl_->db) Close().IgnoreError();
}

const Store::Options& Store::options() const { return impl_->options; }

absl::StatusOr<ColumnFamily> Store::Family(absl::string_view name) const {
  const auto& names = impl_->family_names;
  auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) {
    return absl::NotFoundError(absl::StrCat("no column family ", name));
  }
  return ColumnFamily(static_cast<int>(it - names.begin()));
}

absl::StatusOr<std::string> Store::Get(ColumnFamily cf,
                                       absl::string_view key) const {
  auto* handle = impl_->Handle(cf);
  if (handle == nullptr || !impl_->db) {
    return absl::FailedPreconditionError("store closed or bad column family");
  }
  std::string value;
  rocksdb::Status s = impl_->db->Get(rocksdb::ReadOptions(), handle,
                                     rocksdb::Slice(key.data(), key.size()),
                                     &value);
  if (!s.ok()) return FromRocks(s, "read");
  return value;
}

absl::Status Store::GetProto(ColumnFamily cf, absl::string_view key,
                             google::protobuf::MessageLite* message) const {
  absl::StatusOr<std::string> value = Get(cf, key);
  if (!value.ok()) return value.status();
  if (!message->ParseFromString(*value)) {
    return absl::DataLossError("stored record does not parse");
  }
  return absl::OkStatus();
}

absl::Status Store::Scan(
    ColumnFamily cf, absl::string_view start, absl::string_view end,
    size_t limit,
    const std::function<bool(absl::string_view, absl::string_view)>& visit)
    const {
  return ScanImpl(cf, start, end, limit, /*reverse=*/false, visit);
}

absl::Status Store::ScanProtos(
    ColumnFamily cf, absl::string_view start, absl::string_view end,
    size_t limit, absl::string_view what,
    google::protobuf::MessageLite* message,
    const std::function<bool(absl::string_view key)>& visit) const {
  absl::Status parse_error;
  RETURN_IF_ERROR(
      Scan(cf, start, end, limit,
           [&](absl::string_view key, absl::string_view value) {
             if (!message->ParseFromArray(value.data(),
                                          static_cast<int>(value.size()))) {
               parse_error = absl::DataLossError(absl::StrCat(
                   "stored ", what, " ", absl::Utf8SafeCHexEscape(key),
                   " does not parse"));
               return false;
             }
             return visit(key);
           }));
  return parse_error;
}

absl::Status Store::ScanReverse(
    ColumnFamily cf, absl::string_view start, absl::string_view end,
    size_t limit,
    const std::function<bool(absl::string_view, absl::string_view)>& visit)
    const {
  return ScanImpl(cf, start, end, limit, /*reverse=*/true, visit);
}

absl::Status Store::ScanImpl(
    ColumnFamily cf, absl::string_view start, absl::string_view end,
    size_t limit, bool reverse,
    const std::function<bool(absl::string_view, absl::string_view)>& visit)
    const {
  auto* handle = impl_->Handle(cf);
  if (handle == nullptr || !impl_->db) {
    return absl::FailedPreconditionError("store closed or bad column family");
  }
  rocksdb::Slice lower(start.data(), start.size());
  rocksdb::Slice upper(end.data(), end.size());
  rocksdb::ReadOptions read_options;
  read_options.iterate_lower_bound = &lower;
  if (!end.empty()) read_options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(read_options, handle));
  if (!reverse) {
    it->Seek(lower);
  } else if (end.empty()) {
    it->SeekToLast();
  } else {
    it->SeekForPrev(upper);
    // SeekForPrev lands on `end` itself when present; the range excludes it.
    if (it->Valid() && it->key() == upper) it->Prev();
  }
  size_t visited = 0;
  for (; it->Valid(); reverse ? it->Prev() : it->Next()) {
    rocksdb::Slice k = it->key(), v = it->value();
    ++visited;
    if (!visit(absl::string_view(k.data(), k.size()),
               absl::string_view(v.data(), v.size()))) {
      break;
    }
    if (limit != 0 && visited >= limit) break;
  }
  return FromRocks(it->status(), "scan");
}

absl::Status Store::Commit(WriteSet& writes) {
  return WriteAndConsume(writes, impl_->write_options.sync);
}

absl::Status Store::CommitUnsynced(WriteSet& writes) {
  return WriteAndConsume(writes, /*sync=*/false);
}

absl::Status Store::WriteAndConsume(WriteSet& writes, bool sync) {
  if (writes.consumed()) {
    return absl::FailedPreconditionError("write set already committed");
  }
  absl::Status written = Write(writes, sync);
  writes.FinishCommit(written.ok());
  return written;
}

absl::Status Store::WriteWithoutSync(const WriteSet& writes) {
  if (writes.consumed()) {
    return absl::FailedPreconditionError("write set already committed");
  }
  return Write(writes, /*sync=*/false);
}

absl::Status Store::SyncWal() {
  if (!impl_->db) return absl::FailedPreconditionError("store is closed");
  if (!impl_->write_options.sync) return absl::OkStatus();
  return FromRocks(impl_->db->SyncWAL(), "wal sync");
}

absl::Status Store::Flush() {
  if (!impl_->db) return absl::FailedPreconditionError("store is closed");
  rocksdb::FlushOptions options;
  options.wait = true;
  return FromRocks(impl_->db->Flush(options, impl_->handles), "flush");
}

absl::Status Store::AppendTo(const WriteSet& writes,
                             rocksdb::WriteBatch& batch) const {
  for (const WriteSet::Operation& op : writes.operations()) {
    RETURN_IF_ERROR(AppendOperation(op, batch));
  }
  return absl::OkStatus();
}

absl::Status Store::AppendOperation(const WriteSet::Operation& op,
                                    rocksdb::WriteBatch& batch) const {
  auto* handle = impl_->Handle(ColumnFamily(op.family));
  if (handle == nullptr) {
    return absl::InternalError("write to an unknown column family");
  }
  rocksdb::Status s;
  switch (op.op) {
    case WriteSet::Op::kPut:
      s = batch.Put(handle, op.key, op.value);
      break;
    case WriteSet::Op::kDelete:
      s = batch.Delete(handle, op.key);
      break;
    case WriteSet::Op::kDeleteRange:
      s = batch.DeleteRange(handle, op.key, op.value);
      break;
  }
  return FromRocks(s, "batch");
}

absl::Status Store::Write(const WriteSet& writes, bool sync) {
  if (!impl_->db) return absl::FailedPreconditionError("store is closed");
  rocksdb::WriteBatch batch;
  RETURN_IF_ERROR(AppendTo(writes, batch));
  rocksdb::WriteOptions options = impl_->write_options;
  options.sync = sync;
  return FromRocks(impl_->db->Write(options, &batch), "write");
}

std::vector<absl::Status> Store::CommitTogether(
    const std::vector<WriteSet*>& sets) {
  std::vector<absl::Status> outcomes(sets.size());
  std::vector<size_t> in_batch;
  std::vector<const WriteSet::Operation*> operations;
  bool has_range = false;
  for (size_t i = 0; i < sets.size(); ++i) {
    if (sets[i]->consumed()) {
      outcomes[i] =
          absl::FailedPreconditionError("write set already committed");
      continue;
    }
    for (const WriteSet::Operation& op : sets[i]->operations()) {
      if (impl_->Handle(ColumnFamily(op.family)) == nullptr) {
        outcomes[i] = absl::InternalError("write to an unknown column family");
        break;
      }
    }
    if (!outcomes[i].ok()) {
      sets[i]->FinishCommit(false);
      continue;
    }
    in_batch.push_back(i);
    for (const WriteSet::Operation& op : sets[i]->operations()) {
      operations.push_back(&op);
      has_range |= op.op == WriteSet::Op::kDeleteRange;
    }
  }
  if (in_batch.empty()) return outcomes;
  // In key order, each insert into the memtable's skip list starts from
  // where the previous one ended instead of from the top: the one committer
  // thread spends most of its time there. Operations on different keys
  // commute and a stable sort keeps each key's own in order; a range
  // deletion does not commute with the keys it covers, so such a group
  // keeps submission order.
  if (!has_range) {
    std::stable_sort(
        operations.begin(), operations.end(),
        [](const WriteSet::Operation* a, const WriteSet::Operation* b) {
          return a->family != b->family ? a->family < b->family
                                        : a->key < b->key;
        });
  }
  rocksdb::WriteBatch batch;
  absl::Status written = impl_->db
                             ? absl::OkStatus()
                             : absl::FailedPreconditionError("store is closed");
  for (const WriteSet::Operation* op : operations) {
    if (!written.ok()) break;
    written = AppendOperation(*op, batch);
  }
  if (written.ok()) {
    written =
        FromRocks(impl_->db->Write(impl_->write_options, &batch), "write");
  }
  for (size_t i : in_batch) {
    outcomes[i] = written;
    sets[i]->FinishCommit(written.ok());
  }
  return outcomes;
}

std::vector<std::pair<std::string, double>> Store::Properties() const {
  std::vector<std::pair<std::string, double>> out;
  if (!impl_->db) return out;
  struct Property {
    const char* property;
    const char* name;
    bool per_family;  // summed over families; otherwise DB-wide
  };
  static const Property kProperties[] = {
      {"rocksdb.estimate-num-keys", "estimate_num_keys", true},
      {"rocksdb.cur-size-all-mem-tables", "memtable_bytes", true},
      {"rocksdb.live-sst-files-size", "live_sst_bytes", true},
      {"rocksdb.estimate-pending-compaction-bytes", "pending_compaction_bytes",
       true},
      {"rocksdb.is-write-stopped", "is_write_stopped", false},
      {"rocksdb.actual-delayed-write-rate", "delayed_write_rate", false},
      {"rocksdb.num-running-compactions", "running_compactions", false},
      {"rocksdb.num-running-flushes", "running_flushes", false},
      {"rocksdb.background-errors", "background_errors", false},
      {"rocksdb.block-cache-usage", "block_cache_usage_bytes", false},
  };
  for (const Property& p : kProperties) {
    uint64_t total = 0;
    for (auto* handle : impl_->handles) {
      uint64_t value = 0;
      if (impl_->db->GetIntProperty(handle, p.property, &value)) total += value;
      if (!p.per_family) break;
    }
    out.emplace_back(p.name, static_cast<double>(total));
  }
  return out;
}

absl::Status Store::Close() {
  if (!impl_->db) return absl::FailedPreconditionError("store already closed");
  rocksdb::Status flushed = impl_->db->FlushWAL(/*sync=*/true);
  rocksdb::Status closed = impl_->CloseDb();
  if (!flushed.ok()) return FromRocks(flushed, "WAL flush");
  return FromRocks(closed, "close");
}

std::string EncodeBigEndian64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xFF);
    value >>= 8;
  }
  return out;
}

bool DecodeBigEndian64(absl::string_view bytes, uint64_t* value) {
  if (bytes.size() != 8) return false;
  uint64_t out = 0;
  for (char c : bytes) out = (out << 8) | static_cast<unsigned char>(c);
  *value = out;
  return true;
}

std::string ResumeAfter(absl::string_view after) {
  if (after.empty()) return std::string();
  std::string key(after);
  key.push_back('\0');
  return key;
}

std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    unsigned char last = static_cast<unsigned char>(end.back());
    if (last != 0xFF) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

}  // namespace cs
