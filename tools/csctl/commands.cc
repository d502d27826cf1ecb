#include "tools/csctl/commands.h"

namespace cs::csctl {

void RegisterAllCommands(CommandRegistry& registry) {
  RegisterAuthCommands(registry);
  RegisterHealthCommands(registry);
  RegisterEventsCommands(registry);
  RegisterClockCommands(registry);
  RegisterTicketCommands(registry);
  RegisterTicketLifecycleCommands(registry);
  RegisterCustomerCommands(registry);
  RegisterAuditCommands(registry);
  RegisterRoutingCommands(registry);
  RegisterKbCommands(registry);
  RegisterEscalationCommands(registry);
  RegisterAnalyticsCommands(registry);
  RegisterComplaintCommands(registry);
  RegisterImportCommands(registry);
  RegisterQualityCommands(registry);
}

}  // namespace cs::csctl
