#include "services/ticket/domain/query.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "cs/common/v1/types.pb.h"
#include "libs/common/errors.h"
#include "services/ticket/domain/fingerprint.h"
#include "services/ticket/domain/time_proto.h"

namespace cs::ticket {
namespace {

template <typename Repeated, typename Value>
bool AnyOf(const Repeated& values, Value v) {
  return values.empty() || std::find(values.begin(), values.end(),
                                     static_cast<int>(v)) != values.end();
}

absl::Status BadToken(absl::string_view why) {
  return cs::InvalidField("page_token", why);
}

}  // namespace

int32_t EffectivePageSize(int32_t requested) {
  if (requested <= 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

v1::TicketOrder EffectiveOrder(v1::TicketOrder order) {
  return order == v1::TICKET_ORDER_UNSPECIFIED
             ? v1::TICKET_ORDER_CREATE_TIME_DESC
             : order;
}

bool MatchesFilter(const v1::Ticket& ticket, const v1::TicketFilter& filter) {
  if (!AnyOf(filter.statuses(), ticket.status())) return false;
  if (!AnyOf(filter.channels(), ticket.channel())) return false;
  if (!AnyOf(filter.grades(), ticket.grade())) return false;
  if (!filter.department().empty() &&
      filter.department() != ticket.department()) {
    return false;
  }
  if (!filter.assignee().empty() && filter.assignee() != ticket.assignee()) {
    return false;
  }
  if (!filter.customer_id().empty() &&
      filter.customer_id() != ticket.customer_id()) {
    return false;
  }
  const absl::Time created = FromProtoTime(ticket.create_time());
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

uint64_t TicketQueryFingerprint(const v1::TicketFilter& filter,
                                v1::TicketOrder order) {
  std::string data = "tickets|";
  data += std::to_string(static_cast<int>(EffectiveOrder(order)));
  data += "|";
  data += DeterministicBytes(filter);
  return Fingerprint64(data);
}

uint64_t QueryFingerprint(absl::string_view query) {
  return Fingerprint64(query);
}

std::string EncodePageToken(absl::string_view after_key, uint64_t fingerprint) {
  cs::common::v1::PageToken token;
  token.set_after_key(std::string(after_key));
  token.set_query_fingerprint(fingerprint);
  return absl::WebSafeBase64Escape(token.SerializeAsString());
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            uint64_t expected_fingerprint) {
  if (token.empty()) return std::string();
  std::string bytes;
  cs::common::v1::PageToken parsed;
  if (!absl::WebSafeBase64Unescape(token, &bytes) ||
      !parsed.ParseFromString(bytes) || parsed.after_key().empty()) {
    return BadToken("is not a token returned by this service");
  }
  if (parsed.query_fingerprint() != expected_fingerprint) {
    return BadToken("was issued for a different filter or order");
  }
  return parsed.after_key();
}

void ApplyView(v1::TicketView view, v1::Ticket* ticket) {
  if (view == v1::TICKET_VIEW_FULL) return;
  ticket->clear_replies();
  ticket->clear_history();
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
