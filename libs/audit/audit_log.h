// One service's audit trail in a column family of its store: records keyed
// by ULID in write order (UlidSequence), written in the caller's WriteSet
// (so a record can land atomically with the change it audits) and listed
// newest first, filtered and paged, for ListAuditRecords.
//
//   AuditLog log(store, audit_family, {"complaint-audit", CheckResource});
//   WriteSet writes;
//   ASSIGN_OR_RETURN(std::string name, log.Stage(writes, MakeAuditRecord(
//       actor, AUDIT_ACTION_READ_COMPLAINT_CLEAR, {"complaints/c-1"}, "",
//       now)));
//   RETURN_IF_ERROR(store.Commit(writes));   // before the read is answered
//   ...
//   return log.List(request, /*max_scanned=*/1000);
//
// Values are cs.common.v1.AuditRecord as is; a service whose trail holds an
// older format supplies `upgrade`. One AuditLog per family and process.
// Thread-safe.
#ifndef CS_LIBS_AUDIT_AUDIT_LOG_H_
#define CS_LIBS_AUDIT_AUDIT_LOG_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/audit/audit_record.h"
#include "libs/store/store.h"
#include "libs/store/ulid_sequence.h"
#include "libs/store/write_set.h"

namespace cs {

struct AuditLogOptions {
  // Names the list in page-token fingerprints, e.g. "ticket-audit".
  std::string list_name;
  // Validates a ListAuditRecords resource filter (audit_record.h).
  AuditResourceCheck check_resource;
  // Brings a record read back in an older stored format up to date (null:
  // every stored record is current).
  std::function<void(AuditRecord&)> upgrade;
  // The actions this trail records; a list filtered by another is
  // INVALID_ARGUMENT (empty: any known action).
  std::vector<AuditAction> actions;
};

class AuditLog {
 public:
  // `store` must outlive the log; `family` is the trail's own family.
  AuditLog(Store& store, ColumnFamily family, AuditLogOptions options);

  // A new record id for time `now`, greater than every id in the family or
  // handed out before; the store's error when it cannot be read.
  absl::StatusOr<std::string> NewId(absl::Time now);

  // Adds `record` to `writes`, first giving it an id (NewId of its time) and
  // name when its id is empty. Returns the record's name.
  absl::StatusOr<std::string> Stage(WriteSet& writes, AuditRecord record);

  // Stage committed on its own (durable when this returns OK).
  absl::StatusOr<std::string> Commit(AuditRecord record);

  // One page of the records matching `request`, newest first, having read
  // at most `max_scanned` records (next_page_token continues; a page may be
  // short or empty). INVALID_ARGUMENT naming the field as
  // ValidateListAuditRecords, or "page_token" when the token is bad or from
  // another filter; DATA_LOSS when a stored record does not parse.
  absl::StatusOr<ListAuditRecordsResponse> List(
      const ListAuditRecordsRequest& request, size_t max_scanned) const;

 private:
  Store& store_;
  const ColumnFamily family_;
  const AuditLogOptions options_;
  UlidSequence ids_;
};

}  // namespace cs

#endif  // CS_LIBS_AUDIT_AUDIT_LOG_H_
