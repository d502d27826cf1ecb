#include "services/ticket/domain/lifecycle.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/errors.h"

namespace cs::ticket {
namespace {

using v1::TicketStatus;

struct Edge {
  TicketStatus from;
  TicketStatus to;
};

// The transition table; keep in sync with lifecycle.h and ticket.proto.
constexpr Edge kTransitions[] = {
    {v1::TICKET_STATUS_NEW, v1::TICKET_STATUS_OPEN},
    {v1::TICKET_STATUS_NEW, v1::TICKET_STATUS_ASSIGNED},
    {v1::TICKET_STATUS_NEW, v1::TICKET_STATUS_IN_PROGRESS},
    {v1::TICKET_STATUS_NEW, v1::TICKET_STATUS_RESOLVED},
    {v1::TICKET_STATUS_NEW, v1::TICKET_STATUS_CLOSED},

    {v1::TICKET_STATUS_OPEN, v1::TICKET_STATUS_ASSIGNED},
    {v1::TICKET_STATUS_OPEN, v1::TICKET_STATUS_IN_PROGRESS},
    {v1::TICKET_STATUS_OPEN, v1::TICKET_STATUS_RESOLVED},
    {v1::TICKET_STATUS_OPEN, v1::TICKET_STATUS_CLOSED},

    {v1::TICKET_STATUS_ASSIGNED, v1::TICKET_STATUS_OPEN},
    {v1::TICKET_STATUS_ASSIGNED, v1::TICKET_STATUS_IN_PROGRESS},
    {v1::TICKET_STATUS_ASSIGNED, v1::TICKET_STATUS_RESOLVED},
    {v1::TICKET_STATUS_ASSIGNED, v1::TICKET_STATUS_CLOSED},

    {v1::TICKET_STATUS_IN_PROGRESS, v1::TICKET_STATUS_OPEN},
    {v1::TICKET_STATUS_IN_PROGRESS, v1::TICKET_STATUS_PENDING_CUSTOMER},
    {v1::TICKET_STATUS_IN_PROGRESS, v1::TICKET_STATUS_RESOLVED},
    {v1::TICKET_STATUS_IN_PROGRESS, v1::TICKET_STATUS_CLOSED},

    {v1::TICKET_STATUS_PENDING_CUSTOMER, v1::TICKET_STATUS_IN_PROGRESS},
    {v1::TICKET_STATUS_PENDING_CUSTOMER, v1::TICKET_STATUS_RESOLVED},
    {v1::TICKET_STATUS_PENDING_CUSTOMER, v1::TICKET_STATUS_CLOSED},

    {v1::TICKET_STATUS_RESOLVED, v1::TICKET_STATUS_CLOSED},
    {v1::TICKET_STATUS_RESOLVED, v1::TICKET_STATUS_REOPENED},

    {v1::TICKET_STATUS_CLOSED, v1::TICKET_STATUS_REOPENED},

    {v1::TICKET_STATUS_REOPENED, v1::TICKET_STATUS_OPEN},
    {v1::TICKET_STATUS_REOPENED, v1::TICKET_STATUS_ASSIGNED},
    {v1::TICKET_STATUS_REOPENED, v1::TICKET_STATUS_IN_PROGRESS},
    {v1::TICKET_STATUS_REOPENED, v1::TICKET_STATUS_RESOLVED},
    {v1::TICKET_STATUS_REOPENED, v1::TICKET_STATUS_CLOSED},
};

absl::Status IllegalTransition(TicketStatus from, TicketStatus to) {
  return cs::WithErrorInfo(absl::FailedPreconditionError(absl::StrCat(
                               "ticket is ", StatusName(from),
                               "; it cannot become ", StatusName(to))),
                           "ILLEGAL_TRANSITION",
                           {{"current", std::string(StatusName(from))},
                            {"requested", std::string(StatusName(to))}});
}

}  // namespace

absl::string_view StatusName(v1::TicketStatus status) {
  switch (status) {
    case v1::TICKET_STATUS_UNSPECIFIED:
      return "UNSPECIFIED";
    case v1::TICKET_STATUS_NEW:
      return "NEW";
    case v1::TICKET_STATUS_OPEN:
      return "OPEN";
    case v1::TICKET_STATUS_ASSIGNED:
      return "ASSIGNED";
    case v1::TICKET_STATUS_IN_PROGRESS:
      return "IN_PROGRESS";
    case v1::TICKET_STATUS_PENDING_CUSTOMER:
      return "PENDING_CUSTOMER";
    case v1::TICKET_STATUS_RESOLVED:
      return "RESOLVED";
    case v1::TICKET_STATUS_CLOSED:
      return "CLOSED";
    case v1::TICKET_STATUS_REOPENED:
      return "REOPENED";
    default:
      return "UNKNOWN";
  }
}

bool IsTransitionAllowed(v1::TicketStatus from, v1::TicketStatus to) {
  for (const Edge& e : kTransitions) {
    if (e.from == from && e.to == to) return true;
  }
  return false;
}

absl::Status CheckTransition(v1::TicketStatus from, v1::TicketStatus to) {
  if (IsTransitionAllowed(from, to)) return absl::OkStatus();
  return IllegalTransition(from, to);
}

std::vector<v1::TicketStatus> AllowedTransitions(v1::TicketStatus from) {
  std::vector<v1::TicketStatus> out;
  for (const Edge& e : kTransitions) {
    if (e.from == from) out.push_back(e.to);
  }
  return out;
}

bool IsActive(v1::TicketStatus status) {
  switch (status) {
    case v1::TICKET_STATUS_NEW:
    case v1::TICKET_STATUS_OPEN:
    case v1::TICKET_STATUS_ASSIGNED:
    case v1::TICKET_STATUS_IN_PROGRESS:
    case v1::TICKET_STATUS_PENDING_CUSTOMER:
    case v1::TICKET_STATUS_REOPENED:
      return true;
    default:
      return false;
  }
}

absl::StatusOr<v1::TicketStatus> StatusAfterAssignment(v1::TicketStatus from,
                                                       bool has_assignee) {
  const TicketStatus wanted =
      has_assignee ? v1::TICKET_STATUS_ASSIGNED : v1::TICKET_STATUS_OPEN;
  switch (from) {
    case v1::TICKET_STATUS_PENDING_CUSTOMER:
      return from;
    case v1::TICKET_STATUS_IN_PROGRESS:
      return has_assignee ? from : v1::TICKET_STATUS_OPEN;
    case v1::TICKET_STATUS_ASSIGNED:
    case v1::TICKET_STATUS_OPEN:
      if (from == wanted) return from;  // reassignment, no status change
      return wanted;
    case v1::TICKET_STATUS_NEW:
    case v1::TICKET_STATUS_REOPENED:
      return wanted;
    default:
      return IllegalTransition(from, wanted);
  }
}

absl::StatusOr<v1::TicketStatus> StatusAfterReply(
    v1::TicketStatus from, v1::AuthorKind author_kind,
    v1::ReplyVisibility visibility) {
  const bool is_public = visibility == v1::REPLY_VISIBILITY_PUBLIC;
  if (from == v1::TICKET_STATUS_CLOSED && is_public) {
    return cs::WithErrorInfo(
        absl::FailedPreconditionError(
            "ticket is CLOSED; only internal notes may be added (reopen it "
            "first)"),
        "TICKET_CLOSED", {{"current", "CLOSED"}});
  }
  if (!is_public) return from;
  switch (author_kind) {
    case v1::AUTHOR_KIND_AGENT:
      switch (from) {
        case v1::TICKET_STATUS_NEW:
        case v1::TICKET_STATUS_OPEN:
        case v1::TICKET_STATUS_ASSIGNED:
        case v1::TICKET_STATUS_REOPENED:
          return v1::TICKET_STATUS_IN_PROGRESS;
        default:
          return from;
      }
    case v1::AUTHOR_KIND_CUSTOMER:
      return from == v1::TICKET_STATUS_PENDING_CUSTOMER
                 ? v1::TICKET_STATUS_IN_PROGRESS
                 : from;
    default:
      return from;
  }
}

}  // namespace cs::ticket
