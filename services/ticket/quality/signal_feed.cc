#include "services/ticket/quality/signal_feed.h"

#include <utility>

#include "absl/strings/match.h"
#include "libs/common/status_macros.h"
#include "services/ticket/domain/ticket_number.h"
#include "services/ticket/domain/validation.h"
#include "services/ticket/quality/inspection_signals.h"

namespace cs::ticket::quality {

absl::StatusOr<std::unique_ptr<InspectionSignalFeed>>
InspectionSignalFeed::Create(Store& store, const TicketRepository& tickets,
                             Options options) {
  ASSIGN_OR_RETURN(std::unique_ptr<QualityRepository> repo,
                   QualityRepository::Open(store));
  std::unique_ptr<InspectionSignalFeed> feed(
      new InspectionSignalFeed(tickets, std::move(repo)));
  auto consumer = [&](const char* name, const std::string& target,
                      const char* type, std::function<void(uint64_t)> on_cursor,
                      std::function<void()> on_dead_letter)
      -> std::unique_ptr<EventConsumer> {
    if (target.empty()) return nullptr;
    EventConsumer::Options o;
    o.name = name;
    o.target = target;
    o.channels = options.channels;
    o.types = {type};
    o.token = options.token;
    o.initial_backoff = options.initial_backoff;
    o.on_cursor = std::move(on_cursor);
    o.on_dead_letter = std::move(on_dead_letter);
    InspectionSignalFeed* self = feed.get();
    return std::make_unique<EventConsumer>(
        store, std::move(o),
        [self](const common::v1::Event& event, WriteSet& writes) {
          return self->Apply(event, writes);
        });
  };
  feed->routing_ =
      consumer(kRoutingConsumer, options.routing_target, kSlaBreachedType,
               options.on_routing_cursor, options.on_routing_dead_letter);
  feed->complaints_ = consumer(kComplaintConsumer, options.complaint_target,
                               kComplaintFiledType, options.on_complaint_cursor,
                               options.on_complaint_dead_letter);
  return feed;
}

absl::Status InspectionSignalFeed::Start() {
  if (routing_ != nullptr) RETURN_IF_ERROR(routing_->Start());
  if (complaints_ != nullptr) {
    if (absl::Status started = complaints_->Start(); !started.ok()) {
      Stop();
      return started;
    }
  }
  return absl::OkStatus();
}

void InspectionSignalFeed::Stop() {
  if (routing_ != nullptr) routing_->Stop();
  if (complaints_ != nullptr) complaints_->Stop();
}

bool InspectionSignalFeed::WaitForRouting(uint64_t sequence,
                                          absl::Duration timeout) const {
  return routing_ != nullptr && routing_->WaitForCursor(sequence, timeout);
}

bool InspectionSignalFeed::WaitForComplaints(uint64_t sequence,
                                             absl::Duration timeout) const {
  return complaints_ != nullptr &&
         complaints_->WaitForCursor(sequence, timeout);
}

absl::StatusOr<std::optional<std::string>> InspectionSignalFeed::Resolve(
    absl::string_view ref) const {
  std::string id;
  if (absl::StartsWith(ref, "tickets/")) {
    absl::StatusOr<std::string> parsed = ParseTicketName(ref, "ticket");
    if (!parsed.ok()) return std::nullopt;
    id = *std::move(parsed);
  } else {
    absl::StatusOr<TicketNumber> number = ParseTicketNumber(ref);
    if (!number.ok()) return std::nullopt;
    absl::StatusOr<std::string> found =
        tickets_.FindTicketByNumber(number->day, number->sequence);
    if (absl::IsNotFound(found.status())) return std::nullopt;
    RETURN_IF_ERROR(found.status());
    id = *std::move(found);
  }
  absl::StatusOr<v1::Ticket> ticket = tickets_.LoadTicket(id);
  if (absl::IsNotFound(ticket.status())) return std::nullopt;
  RETURN_IF_ERROR(ticket.status());
  // The number index is per day and sequence; the partition must match too.
  if (!absl::StartsWith(ref, "tickets/") && ticket->number() != ref) {
    return std::nullopt;
  }
  return id;
}

absl::Status InspectionSignalFeed::Apply(const common::v1::Event& event,
                                         WriteSet& writes) const {
  ASSIGN_OR_RETURN(std::optional<TicketSignal> signal, SignalOf(event));
  if (!signal.has_value()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::optional<std::string> ticket_id,
                   Resolve(signal->ticket_ref));
  if (ticket_id.has_value()) repo_->PutSignal(writes, *ticket_id, *signal);
  return absl::OkStatus();
}

}  // namespace cs::ticket::quality
