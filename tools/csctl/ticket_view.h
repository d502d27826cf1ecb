// How csctl shows the ticket service's resources, shared by the ticket,
// ticket-lifecycle and customer commands: one ticket or customer as
// "key  value" lines (or JSON with --json), and listings as a table.
#ifndef CS_TOOLS_CSCTL_TICKET_VIEW_H_
#define CS_TOOLS_CSCTL_TICKET_VIEW_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cs/ticket/v1/ticket.pb.h"
#include "tools/csctl/command.h"
#include "tools/csctl/table.h"

namespace cs::csctl {

// "IN_PROGRESS" for TICKET_STATUS_IN_PROGRESS.
std::string TicketStatusLabel(int status);

// "tickets/{id}" for an id; a name is kept as is.
std::string TicketNameOf(absl::string_view arg);
// "customers/{id}" for an id; a name is kept as is.
std::string CustomerNameOf(absl::string_view arg);

// The ticket's fields, then (FULL view) its replies and history; JSON with
// --json.
absl::Status PrintTicket(CommandContext& context,
                         const ticket::v1::Ticket& ticket);

// The customer profile as the server answered it (masked unless the caller
// holds read_pii); JSON with --json.
absl::Status PrintCustomer(CommandContext& context,
                           const ticket::v1::Customer& customer);

// Ticket fields as people write them, shared by `ticket create`, `ticket
// update` and `import tickets`; errors are INVALID_ARGUMENT starting with
// `what` (the flag or column).
//   "手机类/信号问题" → category levels (trimmed; "" → none, and an empty
//   level, "手机类//信号", is sent for the server to refuse);
void SetCategoryPath(absl::string_view path, ticket::v1::Ticket& ticket);
//   "40" → affected_customer_count (a whole number ≥ 0);
absl::Status SetAffectedCustomers(absl::string_view what,
                                  absl::string_view text,
                                  ticket::v1::Ticket& ticket);
//   "1200.50" yuan → the loss estimate in CNY.
absl::Status SetLossYuan(absl::string_view what, absl::string_view text,
                         ticket::v1::Ticket& ticket);

// The table of a ticket listing, and the row of one ticket in it.
Table TicketTable();
void AddTicketRow(Table& table, const ticket::v1::Ticket& ticket);

}  // namespace cs::csctl

#endif  // CS_TOOLS_CSCTL_TICKET_VIEW_H_
