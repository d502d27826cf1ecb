// Personal data inside a ticket's free text (客户信息脱敏 of what customers and
// agents wrote): phone, ID-card and bank-card numbers and e-mail addresses in
// the subject, description, resolution, replies, history and survey comment
// are shown masked (MaskPiiText) to callers without read_pii, as the
// customer's own name and phone already are. The stored ticket keeps the
// clear text; only answers are masked.
//
//   if (!may_read_pii) MaskTicketText(ticket);
//   ASSIGN_OR_RETURN(answer, MaskTicketTextInWire(std::move(stored)));
//
// Pure and thread-safe.
#ifndef CS_SERVICES_TICKET_DOMAIN_TEXT_MASKING_H_
#define CS_SERVICES_TICKET_DOMAIN_TEXT_MASKING_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cs/ticket/v1/ticket.pb.h"

namespace cs::ticket {

// Masks the free text of `ticket` (every view's fields) in place.
void MaskTicketText(v1::Ticket& ticket);
// The reply and the ticket of an AddReply answer.
void MaskTicketText(v1::AddReplyResponse& response);
// A survey's comment.
void MaskTicketText(v1::Feedback& feedback);

// `ticket` (a serialized Ticket) with its free text masked. A ticket whose
// text holds nothing to mask — the common case — is returned as it is,
// without being parsed; only the others are parsed and serialized again.
// DATA_LOSS when `ticket` is not a well-formed Ticket.
absl::StatusOr<std::string> MaskTicketTextInWire(std::string ticket);

}  // namespace cs::ticket

#endif  // CS_SERVICES_TICKET_DOMAIN_TEXT_MASKING_H_
