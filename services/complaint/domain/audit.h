// What the complaint service's audit trail of clear reads (libs/audit)
// needs of its own: the resources a ListAuditRecords filter may name and
// the upgrade of records stored before the suite's shared AuditRecord.
//
//   if (MayReadPii(caller)) {
//     ...log.Stage(writes, MakeAuditRecord(actor,
//            common::v1::AUDIT_ACTION_READ_COMPLAINT_CLEAR, {name}, "", now))
//     ...commit before the clear complaint is returned...
//   }
//
// Pure functions; thread-safe.
#ifndef CS_SERVICES_COMPLAINT_DOMAIN_AUDIT_H_
#define CS_SERVICES_COMPLAINT_DOMAIN_AUDIT_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "libs/audit/audit_record.h"

namespace cs::complaint {

// A resource filter of ListAuditRecords: "complaints/{id}";
// INVALID_ARGUMENT naming "resource" otherwise.
absl::Status CheckAuditResource(absl::string_view resource);

// The actions the complaint service's trail records.
const std::vector<AuditAction>& ComplaintAuditActions();

// Brings a record stored in the complaint service's first format
// (cs.complaint.v1.AuditRecord: time in field 8, actions 1–3) to the shared
// one (time in field 10, actions 101–103); a current record (it has a time)
// is left as is.
void UpgradeAuditRecord(AuditRecord& record);

}  // namespace cs::complaint

#endif  // CS_SERVICES_COMPLAINT_DOMAIN_AUDIT_H_
