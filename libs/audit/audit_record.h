// The suite's audit records (cs.common.v1.AuditRecord): building them and the
// ListAuditRecords request's validation and filter, for every service that
// audits reads of personal data (ticket, complaint). Storage and paging:
// audit_log.h.
//
//   AuditRecord r = MakeAuditRecord({subject, roles, department},
//                                   AUDIT_ACTION_READ_COMPLAINT_CLEAR,
//                                   {"complaints/c-1"}, id, now);
//   if (AuditMatches(AuditFilterOf(request), r)) ...
//
// Pure functions; thread-safe.
#ifndef CS_LIBS_AUDIT_AUDIT_RECORD_H_
#define CS_LIBS_AUDIT_AUDIT_RECORD_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cs/common/v1/audit.pb.h"

namespace cs {

using common::v1::AuditAction;
using common::v1::AuditRecord;
using common::v1::ListAuditRecordsRequest;
using common::v1::ListAuditRecordsResponse;

// Who did the audited thing.
struct AuditActor {
  std::string subject;
  std::vector<std::string> roles;
  std::string department;  // may be empty
};

// "auditRecords/{id}".
std::string AuditRecordName(absl::string_view id);

// A record with name/id from `id` ("" leaves both empty, for AuditLog::Stage
// to assign), the actor, `action`, `resources` and time `now`.
AuditRecord MakeAuditRecord(const AuditActor& actor, AuditAction action,
                            std::vector<std::string> resources,
                            absl::string_view id, absl::Time now);

// OK for a resource filter value the service writes; otherwise
// INVALID_ARGUMENT naming "resource".
using AuditResourceCheck = std::function<absl::Status(absl::string_view)>;

// INVALID_ARGUMENT naming the first bad field: page_size (negative),
// resource (refused by `check_resource`), actor (valid UTF-8, ≤ 128 chars),
// action (a known value and, when `actions` is not empty, one of them: the
// actions this service records), start_time/end_time (valid, start before
// end).
absl::Status ValidateListAuditRecords(
    const ListAuditRecordsRequest& request,
    const AuditResourceCheck& check_resource,
    const std::vector<AuditAction>& actions = {});

// The filter of a ListAuditRecordsRequest (empty fields match anything).
struct AuditFilter {
  std::string resource;
  std::string actor;
  AuditAction action = common::v1::AUDIT_ACTION_UNSPECIFIED;
  absl::Time start = absl::InfinitePast();  // inclusive
  absl::Time end = absl::InfiniteFuture();  // exclusive
};

// The request's filter; the request must have passed
// ValidateListAuditRecords.
AuditFilter AuditFilterOf(const ListAuditRecordsRequest& request);

// True when `record` passes every set part of `filter` (resource: one of
// the record's resources).
bool AuditMatches(const AuditFilter& filter, const AuditRecord& record);

// `page` as a caller without read_pii may see it: the free text of every
// record (reason, detail; written by people, e.g. "客户来电13912345678要求退款")
// masked by the libs/common/pii_text rules. read_audit does not imply
// read_pii (admins and directors hold the one, not the other).
void MaskAuditText(ListAuditRecordsResponse& page);

}  // namespace cs

#endif  // CS_LIBS_AUDIT_AUDIT_RECORD_H_
