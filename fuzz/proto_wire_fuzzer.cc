// Reading stored tickets off the wire (libs/common/proto_wire.h, GetTicket's
// path): any bytes are walked without crashing; what is accepted is tiled
// exactly by its fields; and whenever protobuf parses the bytes as a
// v1.Ticket, the permission target, the BASIC view and ListTickets' filter
// read off the wire agree with the parsed ticket's.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_input.h"
#include "libs/common/proto_wire.h"
#include "services/ticket/domain/apply.h"
#include "services/ticket/domain/query.h"

namespace {

using cs::ticket::v1::Ticket;

std::string Known(Ticket ticket) {
  ticket.DiscardUnknownFields();
  return ticket.SerializeAsString();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::string tiled;
  const absl::Status walked = cs::proto_wire::ForEachField(
      bytes, [&](const cs::proto_wire::Field& field) {
        FUZZ_CHECK(field.number > 0);
        FUZZ_CHECK(field.length_delimited || field.payload.empty());
        tiled.append(field.whole.data(), field.whole.size());
      });
  if (walked.ok()) FUZZ_CHECK(tiled == bytes);
  const auto kept = cs::proto_wire::WithoutFields(bytes, {});
  FUZZ_CHECK(kept.ok() == walked.ok());
  if (kept.ok()) FUZZ_CHECK(*kept == bytes);

  Ticket parsed;
  if (!walked.ok() || !parsed.ParseFromString(bytes)) return 0;
  const auto target = cs::ticket::TargetOfWire(bytes);
  FUZZ_CHECK(target.ok());
  const cs::ticket::Target expected = cs::ticket::TargetOf(parsed);
  FUZZ_CHECK(target->department == expected.department &&
             target->assignee == expected.assignee &&
             target->created_by == expected.created_by);
  const auto basic =
      cs::ticket::ApplyViewToWire(cs::ticket::v1::TICKET_VIEW_BASIC, bytes);
  FUZZ_CHECK(basic.ok());
  Ticket from_wire;
  FUZZ_CHECK(from_wire.ParseFromString(*basic));
  Ticket from_message = parsed;
  cs::ticket::ApplyView(cs::ticket::v1::TICKET_VIEW_BASIC, &from_message);
  FUZZ_CHECK(Known(from_wire) == Known(from_message));
  // A filter naming the ticket's own values, and a fixed one.
  cs::ticket::v1::TicketFilter own;
  own.add_statuses(parsed.status());
  own.add_grades(parsed.grade());
  own.set_department(parsed.department());
  own.set_customer_id(parsed.customer_id());
  *own.mutable_create_time_to() = parsed.create_time();
  cs::ticket::v1::TicketFilter fixed;
  fixed.add_channels(cs::common::v1::CHANNEL_PHONE);
  fixed.set_assignee("agent-007");
  fixed.mutable_create_time_from()->set_seconds(1000);
  for (const auto* filter : {&own, &fixed}) {
    const auto on_wire = cs::ticket::MatchesFilterOnWire(bytes, *filter);
    FUZZ_CHECK(on_wire.ok() &&
               *on_wire == cs::ticket::MatchesFilter(parsed, *filter));
  }
  return 0;
}
