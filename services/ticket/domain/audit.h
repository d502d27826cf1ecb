// The audit trail's domain rules: building records, the permission-table
// diff recorded at start-up, and the ListAuditRecords filter.
//
//   v1::AuditRecord r = MakeAuditRecord(who, v1::AUDIT_ACTION_READ_CONTACT,
//                                       "customers/c-1001", id, now);
//   std::string diff = PermissionDiff(last_recorded_text, table.ToText());
//   if (!diff.empty()) { ...record AUDIT_ACTION_PERMISSIONS_CHANGED... }
//
// Pure functions; thread-safe.
#ifndef CS_SERVICES_TICKET_DOMAIN_AUDIT_H_
#define CS_SERVICES_TICKET_DOMAIN_AUDIT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cs/ticket/v1/ticket.pb.h"
#include "services/ticket/domain/permissions.h"

namespace cs::ticket {

// Resources of the records that are not about one customer.
inline constexpr char kPermissionsResource[] = "permissions";
inline constexpr char kPiiKeysResource[] = "pii-keys";
// Actor of records the server writes on its own (start-up).
inline constexpr char kSystemActor[] = "system";

// A record with name/id from `id`, the actor's subject, roles and
// department, `action`, `resource` and time `now`.
v1::AuditRecord MakeAuditRecord(const Principal& actor, v1::AuditAction action,
                                absl::string_view resource,
                                absl::string_view id, absl::Time now);

// The grants in canonical permission text `after` but not in `before`, as
// "+role: action@scope" lines, then those only in `before` as "-…" lines,
// each sorted, joined by '\n'. "" when both grant the same. Both texts are
// PermissionTable::ToText() output ("" for no table recorded yet).
std::string PermissionDiff(absl::string_view before, absl::string_view after);

// The filter of a ListAuditRecordsRequest (empty fields match anything).
struct AuditFilter {
  std::string resource;
  std::string actor;
  v1::AuditAction action = v1::AUDIT_ACTION_UNSPECIFIED;
  absl::Time start = absl::InfinitePast();  // inclusive
  absl::Time end = absl::InfiniteFuture();  // exclusive
};

// The request's filter. The request must have passed
// ValidateListAuditRecords.
AuditFilter AuditFilterOf(const v1::ListAuditRecordsRequest& request);

// True when `record` passes every set part of `filter`.
bool AuditMatches(const AuditFilter& filter, const v1::AuditRecord& record);

}  // namespace cs::ticket

#endif  // CS_SERVICES_TICKET_DOMAIN_AUDIT_H_
