// The ticket lifecycle: which status changes are legal, and what status an
// assignment or a reply leads to.
//
//   NEW              → OPEN, ASSIGNED, IN_PROGRESS, RESOLVED, CLOSED
//   OPEN             → ASSIGNED, IN_PROGRESS, RESOLVED, CLOSED
//   ASSIGNED         → OPEN, IN_PROGRESS, RESOLVED, CLOSED
//   IN_PROGRESS      → OPEN, PENDING_CUSTOMER, RESOLVED, CLOSED
//   PENDING_CUSTOMER → IN_PROGRESS, RESOLVED, CLOSED
//   RESOLVED         → CLOSED, REOPENED
//   CLOSED           → REOPENED
//   REOPENED         → OPEN, ASSIGNED, IN_PROGRESS, RESOLVED, CLOSED
//
// Who may trigger a change (e.g. CLOSED → REOPENED only for supervisors) is
// decided by permissions.h, not here. Staying in the same status is never a
// transition (reassigning an ASSIGNED ticket keeps ASSIGNED without calling
// CheckTransition).
//
//   RETURN_IF_ERROR(CheckTransition(ticket.status(),
//   v1::TICKET_STATUS_RESOLVED));
//
// Pure and thread-safe.
#ifndef CS_SERVICES_TICKET_DOMAIN_LIFECYCLE_H_
#define CS_SERVICES_TICKET_DOMAIN_LIFECYCLE_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cs/ticket/v1/ticket.pb.h"

namespace cs::ticket {

// "NEW", "IN_PROGRESS", … (enum name without the TICKET_STATUS_ prefix);
// "UNSPECIFIED" for 0 and "UNKNOWN" for values outside the enum.
absl::string_view StatusName(v1::TicketStatus status);

// True when the table above allows from → to (false for from == to).
bool IsTransitionAllowed(v1::TicketStatus from, v1::TicketStatus to);

// OK when allowed; otherwise FAILED_PRECONDITION "ticket is RESOLVED; it
// cannot become PENDING_CUSTOMER" with ErrorInfo reason "ILLEGAL_TRANSITION"
// and metadata {current: "RESOLVED", requested: "PENDING_CUSTOMER"}.
absl::Status CheckTransition(v1::TicketStatus from, v1::TicketStatus to);

// The statuses reachable from `from`, in enum order (empty for unknown).
std::vector<v1::TicketStatus> AllowedTransitions(v1::TicketStatus from);

// True while work remains: every status except RESOLVED and CLOSED (and
// UNSPECIFIED).
bool IsActive(v1::TicketStatus status);

// Status after AssignTicket. With an assignee: NEW/OPEN/ASSIGNED/REOPENED →
// ASSIGNED; IN_PROGRESS and PENDING_CUSTOMER keep their status (the new agent
// continues the work). Without (department queue): NEW/OPEN/ASSIGNED/
// IN_PROGRESS/REOPENED → OPEN, PENDING_CUSTOMER keeps its status.
// RESOLVED/CLOSED: FAILED_PRECONDITION ILLEGAL_TRANSITION (requested ASSIGNED
// or OPEN).
absl::StatusOr<v1::TicketStatus> StatusAfterAssignment(v1::TicketStatus from,
                                                       bool has_assignee);

// Status after AddReply.
// * public AGENT reply: NEW/OPEN/ASSIGNED/REOPENED → IN_PROGRESS; others keep.
// * CUSTOMER reply: PENDING_CUSTOMER → IN_PROGRESS; others keep.
// * SYSTEM replies and internal notes never change the status.
// On a CLOSED ticket only internal notes are allowed: anything else is
// FAILED_PRECONDITION with ErrorInfo reason "TICKET_CLOSED".
absl::StatusOr<v1::TicketStatus> StatusAfterReply(
    v1::TicketStatus from, v1::AuthorKind author_kind,
    v1::ReplyVisibility visibility);

}  // namespace cs::ticket

#endif  // CS_SERVICES_TICKET_DOMAIN_LIFECYCLE_H_
