#include "services/complaint/store/complaint_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/errors.h"
#include "libs/common/ids.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"

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
  ASSIGN_OR_RETURN(out->audit_, store.Family(kAuditFamily));
  out->audit_ids_ = std::make_unique<UlidSequence>(store, out->audit_);
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

void ComplaintStore::PutCommand(WriteSet& writes, absl::string_view id,
                                int64_t sequence,
                                const v1::PendingCommand& command) const {
  writes.PutProto(commands_, absl::StrFormat("%s/%08d", id, sequence), command);
}

absl::StatusOr<std::string> ComplaintStore::NewAuditId(absl::Time now) {
  return audit_ids_->Next(now);
}

void ComplaintStore::PutAudit(WriteSet& writes,
                              const v1::AuditRecord& record) const {
  writes.PutProto(audit_, record.id(), record);
}

absl::StatusOr<AuditPage> ComplaintStore::ListAudit(
    absl::string_view after_key, int32_t page_size, int64_t max_scanned,
    const std::function<bool(const v1::AuditRecord&)>& keep) const {
  if (!after_key.empty() && !IsUlid(after_key)) {
    return InvalidField("page_token", "is not valid");
  }
  AuditPage page;
  int64_t scanned = 0;
  bool more = false;
  std::string last_key;
  absl::Status parse_error;
  RETURN_IF_ERROR(store_.ScanReverse(
      audit_, "", after_key, 0,
      [&](absl::string_view key, absl::string_view value) {
        if (page.records.size() >= static_cast<size_t>(page_size) ||
            scanned >= max_scanned) {
          more = true;
          return false;
        }
        ++scanned;
        last_key = std::string(key);
        v1::AuditRecord record;
        if (!record.ParseFromArray(value.data(),
                                   static_cast<int>(value.size()))) {
          parse_error = absl::DataLossError(
              absl::StrCat("audit record ", key, " does not parse"));
          return false;
        }
        if (keep(record)) page.records.push_back(std::move(record));
        return true;
      }));
  RETURN_IF_ERROR(parse_error);
  if (more) page.next_after_key = std::move(last_key);
  return page;
}

absl::Status ComplaintStore::Scan(
    absl::string_view after,
    const std::function<bool(const std::string&, const v1::Complaint&)>& visit)
    const {
  return ScanRange(
      after.empty() ? "" : absl::StrCat(after, std::string(1, '\0')), "",
      visit);
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
  absl::Status parse_error;
  RETURN_IF_ERROR(
      store_.Scan(complaints_, first, limit, 0,
                  [&](absl::string_view key, absl::string_view value) {
                    v1::Complaint record;
                    if (!record.ParseFromArray(
                            value.data(), static_cast<int>(value.size()))) {
                      parse_error = absl::DataLossError(absl::StrCat(
                          "stored complaint ", key, " does not parse"));
                      return false;
                    }
                    return visit(std::string(key), record);
                  }));
  return parse_error;
}

}  // namespace cs::complaint
