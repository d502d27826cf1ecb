#include "services/complaint/store/complaint_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/errors.h"
#include "libs/common/ids.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "services/complaint/domain/audit.h"

namespace cs::complaint {
namespace {

// The smallest id of a complaint filed at or after `t`: the time part of a
// ULID of `t` ("" before the epoch, where every id qualifies).
std::string FilingKeyPrefix(absl::Time t) {
  if (t <= absl::UnixEpoch()) return "";
  return NewUlid(t).substr(0, 10);
}

}  // namespace

std::vector<std::string> ComplaintColumnFamilies() {
  return {std::string(kComplaintsFamily), std::string(kCommandsFamily),
          std::string(kAuditFamily)};
}

absl::StatusOr<std::unique_ptr<ComplaintStore>> ComplaintStore::Open(
    Store& store) {
  std::unique_ptr<ComplaintStore> out(new ComplaintStore(store));
  ASSIGN_OR_RETURN(out->complaints_, store.Family(kComplaintsFamily));
  ASSIGN_OR_RETURN(out->commands_, store.Family(kCommandsFamily));
  ASSIGN_OR_RETURN(ColumnFamily audit, store.Family(kAuditFamily));
  out->audit_ = std::make_unique<AuditLog>(
      store, audit,
      AuditLogOptions{"complaint-audit", CheckAuditResource, UpgradeAuditRecord,
                      ComplaintAuditActions()});
  return out;
}

absl::StatusOr<std::optional<v1::Complaint>> ComplaintStore::Get(
    absl::string_view id) const {
  v1::Complaint record;
  absl::Status status = store_.GetProto(complaints_, id, &record);
  if (absl::IsNotFound(status)) return std::nullopt;
  RETURN_IF_ERROR(status);
  return record;
}

void ComplaintStore::Put(WriteSet& writes, absl::string_view id,
                         const v1::Complaint& record) const {
  writes.PutProto(complaints_, id, record);
}

std::string ComplaintStore::PutCommand(
    WriteSet& writes, absl::string_view id, int64_t sequence,
    const v1::PendingCommand& command) const {
  std::string key = absl::StrFormat("%s/%08d", id, sequence);
  writes.PutProto(commands_, key, command);
  return key;
}

absl::Status ComplaintStore::Scan(
    absl::string_view after,
    const std::function<bool(const std::string&, const v1::Complaint&)>& visit)
    const {
  return ScanRange(ResumeAfter(after), "", visit);
}

absl::Status ComplaintStore::ScanFiled(
    absl::Time start, absl::Time end,
    const std::function<bool(const std::string&, const v1::Complaint&)>& visit)
    const {
  const std::string first = FilingKeyPrefix(start);
  // Exclusive: the first millisecond after `end`'s (ids of end's own
  // millisecond may still be filed before `end`).
  const std::string limit = end == absl::InfiniteFuture()
                                ? ""
                                : FilingKeyPrefix(end + absl::Milliseconds(1));
  return ScanRange(
      first, limit, [&](const std::string& id, const v1::Complaint& record) {
        const absl::Time filed = FromProtoTime(record.create_time());
        if (filed < start || filed >= end) return true;
        return visit(id, record);
      });
}

absl::Status ComplaintStore::ScanRange(
    absl::string_view first, absl::string_view limit,
    const std::function<bool(const std::string&, const v1::Complaint&)>& visit)
    const {
  v1::Complaint record;
  return store_.ScanProtos(
      complaints_, first, limit, 0, "complaint", &record,
      [&](absl::string_view key) { return visit(std::string(key), record); });
}

}  // namespace cs::complaint
