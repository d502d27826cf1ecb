// The complaint service's audit trail of clear reads: building records and
// the ListAuditRecords filter (the shapes of the ticket service's trail,
// services/ticket/domain/audit.h, for cs.complaint.v1 messages).
//
//   if (MayReadPii(caller)) {
//     v1::AuditRecord r = MakeAuditRecord(
//         caller, v1::AUDIT_ACTION_READ_COMPLAINT_CLEAR, {name}, id, now);
//     ...commit r before the clear complaint is returned...
//   }
//
// Pure functions; thread-safe.
#ifndef CS_SERVICES_COMPLAINT_DOMAIN_AUDIT_H_
#define CS_SERVICES_COMPLAINT_DOMAIN_AUDIT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cs/complaint/v1/complaint.pb.h"
#include "libs/auth/principal.h"

namespace cs::complaint {

// "auditRecords/{id}".
std::string AuditRecordName(absl::string_view id);

// A record named from `id` with the actor's subject, roles and department,
// `action`, the complaints `resources` ("complaints/{id}") and time `now`.
v1::AuditRecord MakeAuditRecord(const auth::Principal& actor,
                                v1::AuditAction action,
                                const std::vector<std::string>& resources,
                                absl::string_view id, absl::Time now);

// INVALID_ARGUMENT naming the field: page_size, resource (must be
// "complaints/{id}"), actor (≤ 128 chars), action, start_time/end_time
// (valid, start before end).
absl::Status ValidateListAuditRecords(const v1::ListAuditRecordsRequest& req);

// The filter of a ListAuditRecordsRequest (empty fields match anything).
struct AuditFilter {
  std::string resource;
  std::string actor;
  v1::AuditAction action = v1::AUDIT_ACTION_UNSPECIFIED;
  absl::Time start = absl::InfinitePast();  // inclusive
  absl::Time end = absl::InfiniteFuture();  // exclusive
};

// The request's filter; the request must have passed
// ValidateListAuditRecords.
AuditFilter AuditFilterOf(const v1::ListAuditRecordsRequest& request);

// True when `record` passes every set part of `filter` (resource: one of
// the record's resources).
bool AuditMatches(const AuditFilter& filter, const v1::AuditRecord& record);

}  // namespace cs::complaint

#endif  // CS_SERVICES_COMPLAINT_DOMAIN_AUDIT_H_
