// Every command group of csctl, one Register<Group>Commands per
// commands_<group>.cc.
//
// To add a group (e.g. tickets): write commands_ticket.cc with
//   void RegisterTicketCommands(CommandRegistry& registry) {
//     registry.Add<CreateTicketCommand>({"ticket", "create"}, "open a ticket");
//   }
// declare it below, call it from RegisterAllCommands (commands.cc), and add
// the file plus the service's proto target to tools/csctl/CMakeLists.txt.
#ifndef CS_TOOLS_CSCTL_COMMANDS_H_
#define CS_TOOLS_CSCTL_COMMANDS_H_

#include "tools/csctl/command.h"

namespace cs::csctl {

// keygen, token: signing keys and dev tokens (no server needed).
void RegisterAuthCommands(CommandRegistry& registry);
// health: grpc.health.v1 check, optionally waiting for SERVING.
void RegisterHealthCommands(CommandRegistry& registry);
// events info | tail: cs.events.v1.EventStream of any producer.
void RegisterEventsCommands(CommandRegistry& registry);
// clock get | advance: cs.admin.v1.TestClock of a --clock=manual server.
void RegisterClockCommands(CommandRegistry& registry);
// ticket create|get|list|reply|resolve|feedback.
void RegisterTicketCommands(CommandRegistry& registry);
// ticket update|assign|status|close|reopen|merge.
void RegisterTicketLifecycleCommands(CommandRegistry& registry);
// customer upsert|get|history|reveal.
void RegisterCustomerCommands(CommandRegistry& registry);
// audit list, pii keys | rotate (the ticket service's audit trail and keys).
void RegisterAuditCommands(CommandRegistry& registry);
// routing agent|ticket|queue, sla clocks|policies|start|update.
void RegisterRoutingCommands(CommandRegistry& registry);
// kb category|article|search|suggest|share|feedback|gaps|stale|report-missing.
void RegisterKbCommands(CommandRegistry& registry);
// escalation cases list|get|ack|resolve, escalation request|policies|watch.
void RegisterEscalationCommands(CommandRegistry& registry);
// complaint file|get|list|ack|investigate|propose|decide|approve|resolve|
// revisit|close|root-cause|action add|action done|stats.
void RegisterComplaintCommands(CommandRegistry& registry);
// qa review create|get|list|dispute|amend|confirm, qa queue, followup record
// (the ticket server's QualityService).
void RegisterQualityCommands(CommandRegistry& registry);
// analytics metrics|report daily|report monthly|scorecard|rebuild.
void RegisterAnalyticsCommands(CommandRegistry& registry);
// import tickets | articles: idempotent bulk creation from CSV files.
void RegisterImportCommands(CommandRegistry& registry);

// Registers every group above.
void RegisterAllCommands(CommandRegistry& registry);

}  // namespace cs::csctl

#endif  // CS_TOOLS_CSCTL_COMMANDS_H_
