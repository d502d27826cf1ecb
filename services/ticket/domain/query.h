// Helpers for the List RPCs that keep the repository thin: page sizes, page
// tokens (cs.common.v1.PageToken convention), ticket filter matching, views,
// and narrowing a filter to what the caller may read.
//
//   RETURN_IF_ERROR(ValidateListTickets(request));
//   v1::TicketFilter filter = request.filter();
//   RETURN_IF_ERROR(ConstrainFilterToScope(table, principal, &filter));
//   const uint64_t fp = TicketQueryFingerprint(filter, request.order_by());
//   ASSIGN_OR_RETURN(std::string after, DecodePageToken(request.page_token(),
//   fp));
//   ... scan from `after`, keep tickets with MatchesFilter(ticket, filter),
//   ... stop at EffectivePageSize(request.page_size()), ApplyView(BASIC) each;
//   response.set_next_page_token(EncodePageToken(last_key, fp));
//
// Pure and thread-safe.
#ifndef CS_SERVICES_TICKET_DOMAIN_QUERY_H_
#define CS_SERVICES_TICKET_DOMAIN_QUERY_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cs/ticket/v1/ticket.pb.h"
#include "libs/common/page_token.h"
#include "services/ticket/domain/permissions.h"

namespace cs::ticket {

// Page sizes, fingerprints and page tokens: libs/common/page_token.h.

// TICKET_ORDER_UNSPECIFIED → TICKET_ORDER_CREATE_TIME_DESC; others as is.
v1::TicketOrder EffectiveOrder(v1::TicketOrder order);

// True when `ticket` matches every set field of `filter` (repeated fields:
// any of their values; create_time in [from, to)).
bool MatchesFilter(const v1::Ticket& ticket, const v1::TicketFilter& filter);
// The same on a serialized ticket, reading only the filtered fields off the
// wire (ListTickets' path: a page is answered with stored bytes, never
// parsed); DATA_LOSS when `ticket` is not well-formed.
absl::StatusOr<bool> MatchesFilterOnWire(absl::string_view ticket,
                                         const v1::TicketFilter& filter);

// Fingerprint of a ListTickets query (filter + effective order), so a page
// token cannot be replayed against another query.
uint64_t TicketQueryFingerprint(const v1::TicketFilter& filter,
                                v1::TicketOrder order);

// Clears replies and history unless `view` is FULL.
void ApplyView(v1::TicketView view, v1::Ticket* ticket);
// The same on a serialized ticket, without parsing it (GetTicket's path);
// DATA_LOSS when `ticket` is not well-formed.
absl::StatusOr<std::string> ApplyViewToWire(v1::TicketView view,
                                            std::string ticket);

// Narrows `filter` to the tickets `principal` may read (Action::kReadTicket):
// any → unchanged; department → filter.department is set to the principal's
// department (PERMISSION_DENIED when it names another; a principal without a
// department is treated as own); own → filter.assignee is set to the
// principal (PERMISSION_DENIED when it names someone else); none →
// PERMISSION_DENIED.
absl::Status ConstrainFilterToScope(const PermissionTable& table,
                                    const Principal& principal,
                                    v1::TicketFilter* filter);

}  // namespace cs::ticket

#endif  // CS_SERVICES_TICKET_DOMAIN_QUERY_H_
