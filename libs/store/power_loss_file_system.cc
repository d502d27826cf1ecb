#include "libs/store/power_loss_file_system.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"

namespace cs {
namespace {

namespace fs = std::filesystem;
using rocksdb::IOStatus;

std::string Parent(const std::string& path) {
  return fs::path(path).parent_path().lexically_normal().string();
}

std::string Normal(const std::string& path) {
  std::string out = fs::path(path).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::optional<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

// Reports appends, truncations and syncs of one file to the file system.
class PowerLossFileSystem::File : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  File(PowerLossFileSystem& fs, std::string name,
       std::unique_ptr<rocksdb::FSWritableFile> target, uint64_t size)
      : FSWritableFileOwnerWrapper(std::move(target)),
        fs_(fs),
        name_(std::move(name)),
        size_(size) {}

  IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                  rocksdb::IODebugContext* dbg) override {
    IOStatus s = target()->Append(data, options, dbg);
    if (s.ok()) fs_.Wrote(name_, size_ += data.size(), false);
    return s;
  }
  IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                  const rocksdb::DataVerificationInfo& info,
                  rocksdb::IODebugContext* dbg) override {
    IOStatus s = target()->Append(data, options, info, dbg);
    if (s.ok()) fs_.Wrote(name_, size_ += data.size(), false);
    return s;
  }
  IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                            const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
    IOStatus s = target()->PositionedAppend(data, offset, options, dbg);
    if (s.ok()) Extend(offset + data.size());
    return s;
  }
  IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                            const rocksdb::IOOptions& options,
                            const rocksdb::DataVerificationInfo& info,
                            rocksdb::IODebugContext* dbg) override {
    IOStatus s = target()->PositionedAppend(data, offset, options, info, dbg);
    if (s.ok()) Extend(offset + data.size());
    return s;
  }
  IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& options,
                    rocksdb::IODebugContext* dbg) override {
    IOStatus s = target()->Truncate(size, options, dbg);
    if (s.ok()) fs_.Wrote(name_, size_ = size, true);
    return s;
  }
  IOStatus Sync(const rocksdb::IOOptions& options,
                rocksdb::IODebugContext* dbg) override {
    IOStatus s = target()->Sync(options, dbg);
    if (s.ok()) fs_.Synced(name_);
    return s;
  }
  IOStatus Fsync(const rocksdb::IOOptions& options,
                 rocksdb::IODebugContext* dbg) override {
    IOStatus s = target()->Fsync(options, dbg);
    if (s.ok()) fs_.Synced(name_);
    return s;
  }
  // RangeSync (sync_file_range) promises nothing about durability: it stays
  // the wrapped default and makes nothing durable here.

 private:
  void Extend(uint64_t end) {
    size_ = std::max(size_, end);
    fs_.Wrote(name_, size_, false);
  }

  PowerLossFileSystem& fs_;
  const std::string name_;
  uint64_t size_;
};

class PowerLossFileSystem::Directory : public rocksdb::FSDirectoryWrapper {
 public:
  Directory(PowerLossFileSystem& fs, std::string name,
            std::unique_ptr<rocksdb::FSDirectory> target)
      : FSDirectoryWrapper(std::move(target)), fs_(fs), name_(std::move(name)) {}

  IOStatus Fsync(const rocksdb::IOOptions& options,
                 rocksdb::IODebugContext* dbg) override {
    IOStatus s = FSDirectoryWrapper::Fsync(options, dbg);
    if (s.ok()) fs_.DirectorySynced(name_);
    return s;
  }
  IOStatus FsyncWithDirOptions(
      const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg,
      const rocksdb::DirFsyncOptions& dir_options) override {
    IOStatus s = FSDirectoryWrapper::FsyncWithDirOptions(options, dbg,
                                                         dir_options);
    if (s.ok()) fs_.DirectorySynced(name_);
    return s;
  }

 private:
  PowerLossFileSystem& fs_;
  const std::string name_;
};

PowerLossFileSystem::PowerLossFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base)
    : FileSystemWrapper(std::move(base)) {}

void PowerLossFileSystem::PowerOff() {
  absl::MutexLock lock(&mu_);
  powered_ = false;
}

bool PowerLossFileSystem::powered() const {
  absl::MutexLock lock(&mu_);
  return powered_;
}

IOStatus PowerLossFileSystem::Track(
    const std::string& name, IOStatus opened,
    std::unique_ptr<rocksdb::FSWritableFile>* result, bool existed) {
  if (!opened.ok()) return opened;
  const std::string key = Normal(name);
  uint64_t size = 0;
  {
    absl::MutexLock lock(&mu_);
    FileState& state = files_[key];
    if (existed) {
      // Reopened for appending: what is there already counts as durable
      // unless this file system saw it written.
      std::error_code error;
      size = fs::file_size(key, error);
      if (state.size == 0 && state.synced == 0 && !state.entry_durable) {
        state = {.size = size, .synced = size, .entry_durable = true};
      }
      size = state.size;
    } else {
      state = FileState{};
    }
  }
  *result = std::make_unique<File>(*this, key, std::move(*result), size);
  return opened;
}

IOStatus PowerLossFileSystem::NewWritableFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result,
    rocksdb::IODebugContext* dbg) {
  return Track(name, target()->NewWritableFile(name, options, result, dbg),
               result, false);
}

IOStatus PowerLossFileSystem::ReopenWritableFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result,
    rocksdb::IODebugContext* dbg) {
  return Track(name, target()->ReopenWritableFile(name, options, result, dbg),
               result, true);
}

IOStatus PowerLossFileSystem::ReuseWritableFile(
    const std::string& name, const std::string& old_name,
    const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result,
    rocksdb::IODebugContext* dbg) {
  // Recycling is a rename plus a rewrite; modelled as a new file.
  return Track(name,
               target()->ReuseWritableFile(name, old_name, options, result, dbg),
               result, false);
}

IOStatus PowerLossFileSystem::NewDirectory(
    const std::string& name, const rocksdb::IOOptions& options,
    std::unique_ptr<rocksdb::FSDirectory>* result,
    rocksdb::IODebugContext* dbg) {
  IOStatus s = target()->NewDirectory(name, options, result, dbg);
  if (s.ok()) {
    *result = std::make_unique<Directory>(*this, Normal(name),
                                          std::move(*result));
  }
  return s;
}

IOStatus PowerLossFileSystem::DeleteFile(const std::string& name,
                                         const rocksdb::IOOptions& options,
                                         rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (!powered_) return IOStatus::OK();
  IOStatus s = target()->DeleteFile(name, options, dbg);
  if (s.ok()) files_.erase(Normal(name));
  return s;
}

IOStatus PowerLossFileSystem::RenameFile(const std::string& from,
                                         const std::string& to,
                                         const rocksdb::IOOptions& options,
                                         rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (!powered_) return IOStatus::OK();
  Rename rename{.from = Normal(from), .to = Normal(to)};
  rename.replaced = ReadAll(rename.to);
  IOStatus s = target()->RenameFile(from, to, options, dbg);
  if (!s.ok()) return s;
  auto node = files_.extract(rename.from);
  FileState moved = node.empty() ? FileState{} : node.mapped();
  // A file written before tracking began keeps its data; only the new
  // directory entry is pending.
  if (node.empty()) {
    std::error_code error;
    moved.size = moved.synced = fs::file_size(rename.to, error);
  }
  moved.entry_durable = false;
  files_[rename.to] = moved;
  renames_.push_back(std::move(rename));
  return s;
}

IOStatus PowerLossFileSystem::LinkFile(const std::string& from,
                                       const std::string& to,
                                       const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (!powered_) return IOStatus::OK();
  IOStatus s = target()->LinkFile(from, to, options, dbg);
  if (s.ok()) {
    std::error_code error;
    uint64_t size = fs::file_size(Normal(to), error);
    files_[Normal(to)] = {.size = size, .synced = size, .entry_durable = false};
  }
  return s;
}

void PowerLossFileSystem::Wrote(const std::string& name, uint64_t end,
                                bool truncate) {
  absl::MutexLock lock(&mu_);
  FileState& state = files_[name];
  state.size = truncate ? end : std::max(state.size, end);
  if (truncate && powered_) state.synced = std::min(state.synced, end);
}

void PowerLossFileSystem::Synced(const std::string& name) {
  absl::MutexLock lock(&mu_);
  if (!powered_) return;
  FileState& state = files_[name];
  state.synced = state.size;
}

void PowerLossFileSystem::DirectorySynced(const std::string& directory) {
  absl::MutexLock lock(&mu_);
  if (!powered_) return;
  for (auto& [name, state] : files_) {
    if (Parent(name) == directory) state.entry_durable = true;
  }
  renames_.erase(std::remove_if(renames_.begin(), renames_.end(),
                                [&](const Rename& r) {
                                  return Parent(r.to) == directory;
                                }),
                 renames_.end());
}

absl::StatusOr<PowerLossFileSystem::Losses>
PowerLossFileSystem::ApplyPowerLoss() {
  absl::MutexLock lock(&mu_);
  Losses losses;
  std::error_code error;
  // Newest rename first, so chains of renames unwind in order.
  for (auto it = renames_.rbegin(); it != renames_.rend(); ++it) {
    fs::rename(it->to, it->from, error);
    if (error) {
      return absl::InternalError(
          absl::StrCat("undo rename ", it->to, ": ", error.message()));
    }
    auto node = files_.extract(it->to);
    if (!node.empty()) {
      node.key() = it->from;
      files_.insert(std::move(node));
    }
    if (it->replaced.has_value()) {
      std::ofstream(it->to, std::ios::binary | std::ios::trunc)
          << *it->replaced;
    }
    ++losses.renames_undone;
  }
  for (const auto& [name, state] : files_) {
    if (!fs::exists(name, error)) continue;
    if (!state.entry_durable) {
      fs::remove(name, error);
      ++losses.files_deleted;
      continue;
    }
    uint64_t size = fs::file_size(name, error);
    if (!error && size > state.synced) {
      fs::resize_file(name, state.synced, error);
      losses.bytes_cut += size - state.synced;
    }
    if (error) {
      return absl::InternalError(
          absl::StrCat("cut ", name, ": ", error.message()));
    }
  }
  files_.clear();
  renames_.clear();
  powered_ = true;
  return losses;
}

}  // namespace cs
