// Test-only: a RocksDB FileSystem that simulates a power cut, to prove what
// survives one. It forwards everything to a real file system and remembers,
// per file, how much was made durable: data up to the last Sync/Fsync of
// the file, and a file's (or rename's) directory entry once its directory
// was fsync'ed. After PowerOff nothing more becomes durable; after the
// database is closed, ApplyPowerLoss puts the disk into the state a machine
// crash could leave: files cut back to their last synced size, files whose
// creation was never made durable deleted, unsynced renames undone.
//
//   auto fs = std::make_shared<PowerLossFileSystem>(rocksdb::FileSystem::Default());
//   std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
//   auto store = Store::Open({.path = dir, .env = env.get()});
//   ... commits ...;  fs->PowerOff();  (*store)->Close();  fs->ApplyPowerLoss();
#ifndef CS_LIBS_STORE_POWER_LOSS_FILE_SYSTEM_H_
#define CS_LIBS_STORE_POWER_LOSS_FILE_SYSTEM_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/file_system.h"

namespace cs {

class PowerLossFileSystem : public rocksdb::FileSystemWrapper {
 public:
  // What ApplyPowerLoss threw away.
  struct Losses {
    uint64_t bytes_cut = 0;      // unsynced tails of surviving files
    int files_deleted = 0;       // created, but never made durable
    int renames_undone = 0;
  };

  explicit PowerLossFileSystem(std::shared_ptr<rocksdb::FileSystem> base);

  const char* Name() const override { return "PowerLossFileSystem"; }

  // From now on syncs and directory fsyncs no longer make anything durable,
  // and deletes and renames are ignored (they would happen after the cut).
  // Writes still reach the files; ApplyPowerLoss cuts them away.
  void PowerOff();
  // False after PowerOff. A caller that sees true after an operation
  // returned knows the operation's syncs happened before the cut.
  bool powered() const;

  // Call once the database is closed: rewinds the disk to its durable state
  // and forgets all tracking (the file system is powered again).
  absl::StatusOr<Losses> ApplyPowerLoss();

  rocksdb::IOStatus NewWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(
      const std::string& name, const std::string& old_name,
      const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& name,
                                 const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* result,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& name,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LinkFile(const std::string& from, const std::string& to,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;

 private:
  class File;
  class Directory;
  struct FileState {
    uint64_t size = 0;          // bytes written through this file system
    uint64_t synced = 0;        // durable prefix
    bool entry_durable = false; // its directory was fsync'ed since creation
  };
  struct Rename {
    std::string from, to;
    std::optional<std::string> replaced;  // old contents of `to`, if any
  };

  rocksdb::IOStatus Track(const std::string& name, rocksdb::IOStatus opened,
                          std::unique_ptr<rocksdb::FSWritableFile>* result,
                          bool existed);
  void Wrote(const std::string& name, uint64_t end, bool truncate);
  void Synced(const std::string& name);
  void DirectorySynced(const std::string& directory);

  mutable absl::Mutex mu_;
  bool powered_ ABSL_GUARDED_BY(mu_) = true;
  std::map<std::string, FileState> files_ ABSL_GUARDED_BY(mu_);
  std::vector<Rename> renames_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cs

#endif  // CS_LIBS_STORE_POWER_LOSS_FILE_SYSTEM_H_
