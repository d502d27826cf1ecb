#include "services/ticket/domain/query.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "cs/common/v1/types.pb.h"
#include "libs/common/errors.h"
#include "libs/common/fingerprint.h"
#include "libs/common/proto_wire.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"

namespace cs::ticket {
namespace {

template <typename Repeated, typename Value>
bool AnyOf(const Repeated& values, Value v) {
  return values.empty() || std::find(values.begin(), values.end(),
                                     static_cast<int>(v)) != values.end();
}

// What a filter looks at, read from a Ticket or off its wire bytes.
struct FilterFacts {
  int status = 0;
  int channel = 0;
  int grade = 0;
  absl::string_view department;
  absl::string_view assignee;
  absl::string_view customer_id;
  google::protobuf::Timestamp create_time;
};

bool Matches(const FilterFacts& ticket, const v1::TicketFilter& filter) {
  if (!AnyOf(filter.statuses(), ticket.status)) return false;
  if (!AnyOf(filter.channels(), ticket.channel)) return false;
  if (!AnyOf(filter.grades(), ticket.grade)) return false;
  if (!filter.department().empty() &&
      filter.department() != ticket.department) {
    return false;
  }
  if (!filter.assignee().empty() && filter.assignee() != ticket.assignee) {
    return false;
  }
  if (!filter.customer_id().empty() &&
      filter.customer_id() != ticket.customer_id) {
    return false;
  }
  const absl::Time created = FromProtoTime(ticket.create_time);
  if (filter.has_create_time_from() &&
      created < FromProtoTime(filter.create_time_from())) {
    return false;
  }
  if (filter.has_create_time_to() &&
      created >= FromProtoTime(filter.create_time_to())) {
    return false;
  }
  return true;
}

}  // namespace

v1::TicketOrder EffectiveOrder(v1::TicketOrder order) {
  return order == v1::TICKET_ORDER_UNSPECIFIED
             ? v1::TICKET_ORDER_CREATE_TIME_DESC
             : order;
}

bool MatchesFilter(const v1::Ticket& ticket, const v1::TicketFilter& filter) {
  const FilterFacts facts{ticket.status(),     ticket.channel(),
                          ticket.grade(),      ticket.department(),
                          ticket.assignee(),   ticket.customer_id(),
                          ticket.create_time()};
  return Matches(facts, filter);
}

absl::StatusOr<bool> MatchesFilterOnWire(absl::string_view ticket,
                                         const v1::TicketFilter& filter) {
  FilterFacts facts;
  bool time_parsed = true;
  // As protobuf parses: a field of the wrong wire type is left unknown, the
  // last occurrence of a scalar wins and those of a message merge.
  RETURN_IF_ERROR(
      proto_wire::ForEachField(ticket, [&](const proto_wire::Field& field) {
        const int value = static_cast<int32_t>(field.varint);
        const bool text = field.length_delimited;
        switch (field.number) {
          case v1::Ticket::kStatusFieldNumber:
            if (field.is_varint) facts.status = value;
            break;
          case v1::Ticket::kChannelFieldNumber:
            if (field.is_varint) facts.channel = value;
            break;
          case v1::Ticket::kGradeFieldNumber:
            if (field.is_varint) facts.grade = value;
            break;
          case v1::Ticket::kDepartmentFieldNumber:
            if (text) facts.department = field.payload;
            break;
          case v1::Ticket::kAssigneeFieldNumber:
            if (text) facts.assignee = field.payload;
            break;
          case v1::Ticket::kCustomerIdFieldNumber:
            if (text) facts.customer_id = field.payload;
            break;
          case v1::Ticket::kCreateTimeFieldNumber:
            if (text) {
              time_parsed &=
                  facts.create_time.MergeFromString(std::string(field.payload));
            }
            break;
        }
      }));
  if (!time_parsed) {
    return absl::DataLossError("stored ticket's create_time does not parse");
  }
  return Matches(facts, filter);
}

uint64_t TicketQueryFingerprint(const v1::TicketFilter& filter,
                                v1::TicketOrder order) {
  std::string data = "tickets|";
  data += std::to_string(static_cast<int>(EffectiveOrder(order)));
  data += "|";
  data += DeterministicBytes(filter);
  return Fingerprint64(data);
}

void ApplyView(v1::TicketView view, v1::Ticket* ticket) {
  if (view == v1::TICKET_VIEW_FULL) return;
  ticket->clear_replies();
  ticket->clear_history();
}

absl::StatusOr<std::string> ApplyViewToWire(v1::TicketView view,
                                            std::string ticket) {
  if (view == v1::TICKET_VIEW_FULL) return ticket;
  return proto_wire::WithoutFields(ticket, {v1::Ticket::kRepliesFieldNumber,
                                            v1::Ticket::kHistoryFieldNumber});
}

absl::Status ConstrainFilterToScope(const PermissionTable& table,
                                    const Principal& principal,
                                    v1::TicketFilter* filter) {
  Scope scope = table.BestScope(principal, Action::kReadTicket);
  if (principal.subject.empty()) scope = Scope::kNone;
  if (scope == Scope::kDepartment && principal.department.empty()) {
    scope = Scope::kOwn;
  }
  const auto denied = [] {
    return cs::WithErrorInfo(
        absl::PermissionDeniedError(
            "missing permission read_ticket for the requested tickets"),
        "MISSING_PERMISSION", {{"action", "read_ticket"}});
  };
  switch (scope) {
    case Scope::kAny:
      return absl::OkStatus();
    case Scope::kDepartment:
      if (filter->department().empty()) {
        filter->set_department(principal.department);
      } else if (filter->department() != principal.department) {
        return denied();
      }
      return absl::OkStatus();
    case Scope::kOwn:
      if (filter->assignee().empty()) {
        filter->set_assignee(principal.subject);
      } else if (filter->assignee() != principal.subject) {
        return denied();
      }
      return absl::OkStatus();
    default:
      return denied();
  }
}

}  // namespace cs::ticket
