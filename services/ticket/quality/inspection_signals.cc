#include "services/ticket/quality/inspection_signals.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "cs/complaint/v1/events.pb.h"
#include "cs/routing/v1/routing.pb.h"

namespace cs::ticket::quality {
namespace {

constexpr absl::string_view kTicketPrefix = "tickets/";

std::string KindName(routing::v1::ClockKind kind) {
  const std::string& name = routing::v1::ClockKind_Name(kind);
  // A kind newer than this build has no name; keep its number.
  if (name.empty()) return absl::StrCat(static_cast<int>(kind));
  return std::string(absl::StripPrefix(name, "CLOCK_KIND_"));
}

template <typename Payload>
absl::StatusOr<Payload> Unpack(const common::v1::Event& event) {
  Payload payload;
  if (!event.payload().UnpackTo(&payload)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "event ", event.sequence(), ": ", event.type(), " does not parse"));
  }
  return payload;
}

}  // namespace

absl::StatusOr<std::optional<TicketSignal>> SignalOf(
    const common::v1::Event& event) {
  if (event.type() == kSlaBreachedType) {
    absl::StatusOr<routing::v1::SlaBreached> breach =
        Unpack<routing::v1::SlaBreached>(event);
    if (!breach.ok()) return breach.status();
    const routing::v1::SlaClock& clock = breach->clock();
    if (!absl::StartsWith(clock.subject(), kTicketPrefix)) return std::nullopt;
    return TicketSignal{.ticket_ref = clock.subject(),
                        .breached_clock = KindName(clock.kind())};
  }
  if (event.type() == kComplaintFiledType) {
    absl::StatusOr<complaint::v1::ComplaintFiled> filed =
        Unpack<complaint::v1::ComplaintFiled>(event);
    if (!filed.ok()) return filed.status();
    if (filed->ticket().empty() || filed->complaint().empty()) {
      return std::nullopt;
    }
    return TicketSignal{.ticket_ref = filed->ticket(),
                        .complaint = filed->complaint()};
  }
  return std::nullopt;
}

bool BreachCountsForInspection(absl::string_view clock_kind) {
  return clock_kind != "FOLLOW_UP";
}

}  // namespace cs::ticket::quality
