// What the ticket service audits, on the suite's audit records
// (libs/audit): reads of customers' personal data, the permission-table
// diff recorded at start-up and key rotation runs.
//
//   AuditRecord r = MakeAuditRecord(who, common::v1::AUDIT_ACTION_READ_CONTACT,
//                                   "customers/c-1001", id, now);
//   std::string diff = PermissionDiff(last_recorded_text, table.ToText());
//   if (!diff.empty()) { ...record AUDIT_ACTION_PERMISSIONS_CHANGED... }
//
// Pure functions; thread-safe.
#ifndef CS_SERVICES_TICKET_DOMAIN_AUDIT_H_
#define CS_SERVICES_TICKET_DOMAIN_AUDIT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/audit/audit_record.h"
#include "services/ticket/domain/permissions.h"

namespace cs::ticket {

// Resources of the records that are not about one customer.
inline constexpr char kPermissionsResource[] = "permissions";
inline constexpr char kPiiKeysResource[] = "pii-keys";
// Actor of records the server writes on its own (start-up).
inline constexpr char kSystemActor[] = "system";
// The trail's page-token fingerprint prefix.
inline constexpr char kAuditListName[] = "audit";

// A record with name/id from `id` ("" for the log to assign), the actor's
// subject, roles and department, `action`, the one `resource` and time
// `now`.
AuditRecord MakeAuditRecord(const Principal& actor, AuditAction action,
                            absl::string_view resource, absl::string_view id,
                            absl::Time now);

// A resource filter of ListAuditRecords: "customers/{id}", "permissions" or
// "pii-keys"; INVALID_ARGUMENT naming "resource" otherwise.
absl::Status CheckAuditResource(absl::string_view resource);

// The actions the ticket service's trail records.
const std::vector<AuditAction>& TicketAuditActions();

// The grants in canonical permission text `after` but not in `before`, as
// "+role: action@scope" lines, then those only in `before` as "-…" lines,
// each sorted, joined by '\n'. "" when both grant the same. Both texts are
// PermissionTable::ToText() output ("" for no table recorded yet).
std::string PermissionDiff(absl::string_view before, absl::string_view after);

}  // namespace cs::ticket

#endif  // CS_SERVICES_TICKET_DOMAIN_AUDIT_H_
