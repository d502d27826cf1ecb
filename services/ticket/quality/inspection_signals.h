// Quality-inspection signals that other services own: SLA breaches
// (routing-sla's SlaBreached, whose clock names the ticket) and complaints
// (complaint's ComplaintFiled, which carries the ticket it is about). The
// ticket server follows both event streams (signal_feed.h) and records these
// facts per ticket; the inspection queue ranks by them. Pure and
// thread-safe.
//
//   ASSIGN_OR_RETURN(std::optional<TicketSignal> signal, SignalOf(event));
//   if (signal) repo.PutSignal(writes, ticket_id, *signal);
#ifndef CS_SERVICES_TICKET_QUALITY_INSPECTION_SIGNALS_H_
#define CS_SERVICES_TICKET_QUALITY_INSPECTION_SIGNALS_H_

#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cs/common/v1/event.pb.h"

namespace cs::ticket::quality {

// Event types the feed asks each producer for.
inline constexpr char kSlaBreachedType[] = "SlaBreached";
inline constexpr char kComplaintFiledType[] = "ComplaintFiled";

// One fact about one ticket, decoded from one event.
struct TicketSignal {
  // The ticket as the event names it: "tickets/{id}" for SLA clocks; for
  // complaints as filed, "tickets/{id}" or a ticket number.
  std::string ticket_ref;
  // Exactly one of the two is set.
  std::string breached_clock;  // clock kind without prefix: "RESOLUTION"
  std::string complaint;       // "complaints/{id}"
};

// What is recorded for one ticket (sets: a repeated delivery adds nothing).
struct InspectionSignals {
  std::set<std::string> breached_clocks;
  std::set<std::string> complaints;
};

// The signal carried by `event`; nullopt when it says nothing about a
// ticket (another type, a clock of a complaint, a complaint filed without a
// ticket). INVALID_ARGUMENT when the payload does not parse.
absl::StatusOr<std::optional<TicketSignal>> SignalOf(
    const common::v1::Event& event);

// Whether a breach of `clock_kind` makes a ticket SLA_BREACHED in the
// inspection queue: every ticket clock except FOLLOW_UP. The service clocks
// (FIRST_RESPONSE, NEXT_REPLY, PERIODIC_UPDATE, RESOLUTION) are what the
// customer felt; RECORD_COMPLETENESS is the handling agent's service record,
// which the review scores. The follow-up visit comes after the handling,
// often by someone else, and its lateness says nothing about how the ticket
// was handled (escalation already chases it).
bool BreachCountsForInspection(absl::string_view clock_kind);

}  // namespace cs::ticket::quality

#endif  // CS_SERVICES_TICKET_QUALITY_INSPECTION_SIGNALS_H_
