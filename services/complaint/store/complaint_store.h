// Storage layout of the complaint service on the suite's Store seam (never
// includes RocksDB).
//
//   family               key                          value
//   complaints           complaint id (ULID)          v1::Complaint
//   complaint_commands   "<id>/<8-digit sequence>"    v1::PendingCommand
//   complaint_audit      audit record id (ULID)       common::v1::AuditRecord
//
// Audit ids are ULIDs of the read's time, kept increasing by the AuditLog,
// so the family in reverse key order is the trail newest first.
//
// The complaints family is also the index by filing time: ids are ULIDs
// minted from the filing instant (create_time), whose first 10 characters
// encode its Unix millisecond, so the complaints of a period are one key
// range and ScanFiled reads nothing outside it. A second family keyed by
// filing day would duplicate that order and cost a write per complaint.
//
// Commands are calls to routing-sla (clocks), escalation and the knowledge
// base, written in the
// same WriteSet as the change that needs them and drained by a
// CommandSender; their keys keep the order of each complaint's commands.
//
//   ASSIGN_OR_RETURN(auto store, ComplaintStore::Open(host.store()));
//
// Thread-safe (callers serialise read-modify-write of one complaint).
#ifndef CS_SERVICES_COMPLAINT_STORE_COMPLAINT_STORE_H_
#define CS_SERVICES_COMPLAINT_STORE_COMPLAINT_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cs/complaint/v1/complaint.pb.h"
#include "cs/complaint/v1/storage.pb.h"
#include "libs/audit/audit_log.h"
#include "libs/store/store.h"

namespace cs::complaint {

inline constexpr absl::string_view kComplaintsFamily = "complaints";
inline constexpr absl::string_view kCommandsFamily = "complaint_commands";
inline constexpr absl::string_view kAuditFamily = "complaint_audit";

// Every family the complaint service opens.
std::vector<std::string> ComplaintColumnFamilies();

class ComplaintStore {
 public:
  // NOT_FOUND when a family is missing. `store` must outlive the result.
  static absl::StatusOr<std::unique_ptr<ComplaintStore>> Open(Store& store);

  Store& store() const { return store_; }
  // The audit trail of clear reads (libs/audit; records of the format before
  // cs.common.v1.AuditRecord are upgraded as they are read).
  AuditLog& audit() const { return *audit_; }
  ColumnFamily commands() const { return commands_; }

  // nullopt when absent; DATA_LOSS when the record does not parse.
  absl::StatusOr<std::optional<v1::Complaint>> Get(absl::string_view id) const;
  void Put(WriteSet& writes, absl::string_view id,
           const v1::Complaint& record) const;
  // Adds command number `sequence` of complaint `id`; returns its key in the
  // commands family.
  std::string PutCommand(WriteSet& writes, absl::string_view id,
                         int64_t sequence,
                         const v1::PendingCommand& command) const;

  // Calls `visit(id, complaint)` for ids > `after` in id order until it
  // returns false. DATA_LOSS for a record that does not parse.
  absl::Status Scan(
      absl::string_view after,
      const std::function<bool(const std::string& id,
                               const v1::Complaint& record)>& visit) const;

  // Calls `visit` for the complaints filed in [start, end) (create_time), in
  // id order, reading only the key range of that period (InfinitePast /
  // InfiniteFuture leave a side open). DATA_LOSS as Scan.
  absl::Status ScanFiled(
      absl::Time start, absl::Time end,
      const std::function<bool(const std::string& id,
                               const v1::Complaint& record)>& visit) const;

 private:
  // Calls `visit` for ids in [first, limit) ("" = open side).
  absl::Status ScanRange(
      absl::string_view first, absl::string_view limit,
      const std::function<bool(const std::string& id,
                               const v1::Complaint& record)>& visit) const;

  explicit ComplaintStore(Store& store) : store_(store) {}

  Store& store_;
  ColumnFamily complaints_, commands_;
  std::unique_ptr<AuditLog> audit_;
};

}  // namespace cs::complaint

#endif  // CS_SERVICES_COMPLAINT_STORE_COMPLAINT_STORE_H_
