// Who may do what on tickets: a role → (action, scope) table and a pure
// decision function. Authentication and the mapping of tokens to a Principal
// happen in the RPC glue (libs/auth); this unit only decides.
//
//   const PermissionTable& table = PermissionTable::Defaults();   // or
//   Parse(file) Principal who{"agent-007", {"agent"}, "客服部"};
//   RETURN_IF_ERROR(Authorize(table, who, Action::kResolveTicket,
//                             TargetOf(ticket)));   // PERMISSION_DENIED or OK
//
// Scopes. A grant carries a scope that says which tickets it covers:
//   own        – tickets assigned to the principal, or unassigned tickets the
//                principal created (an agent resolving a call on the spot);
//   department – `own`, plus tickets of the principal's department; tickets
//                not yet routed (empty department) only when `own`;
//   any        – every ticket.
// Actions that are not about one ticket (customers, PII, audit) only honour
// `any`; the parser rejects other scopes for them. A principal with several
// roles gets the widest scope any of its roles grants.
//
// Config text (one role per line; '#' starts a comment; scope defaults to any;
// '*' grants every action):
//   agent: create_ticket@department read_ticket@department resolve_ticket@own
//   supervisor: *
//
// Default table (kDefaultPermissionsText):
//   agent             create/read/update/reply/change_status/reopen_resolved/
//                     submit_feedback @department, resolve_ticket @own,
//                     read_customer, write_customer, read_customer_history
//   team_lead         as agent, but resolve @department, plus
//                     assign_ticket @department
//   supervisor        everything, any ticket (close, merge, reopen_closed,
//                     read_pii, read_audit, rotate_pii_keys)
//   qa                read_ticket, read_customer, read_customer_history
//   kb_editor         read_ticket
//   complaint_officer read_ticket, reply_ticket, read_customer,
//                     read_customer_history, read_pii
//   director          read_ticket, read_customer, read_customer_history,
//                     read_audit
//   admin             read_audit, rotate_pii_keys
//   service           read_ticket, assign_ticket, read_customer,
//                     read_customer_history; and, because the channels that
//                     feed tickets in (CRM, IVR, chat widget, app back end)
//                     are services, create_ticket, reply_ticket (customer
//                     replies) and submit_feedback (surveys)
//
// PermissionTable is immutable after construction and thread-safe; the free
// functions are pure.
#ifndef CS_SERVICES_TICKET_DOMAIN_PERMISSIONS_H_
#define CS_SERVICES_TICKET_DOMAIN_PERMISSIONS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cs::ticket {

enum class Action {
  kCreateTicket,    // create_ticket: CreateTicket (target = the new ticket)
  kReadTicket,      // read_ticket: GetTicket, ListTickets
  kUpdateTicket,    // update_ticket: UpdateTicket
  kReplyTicket,     // reply_ticket: AddReply
  kChangeStatus,    // change_status: ChangeStatus
  kResolveTicket,   // resolve_ticket: ResolveTicket
  kAssignTicket,    // assign_ticket: AssignTicket (see AuthorizeAssignment)
  kCloseTicket,     // close_ticket: CloseTicket
  kReopenResolved,  // reopen_resolved: ReopenTicket of a RESOLVED ticket
  kReopenClosed,    // reopen_closed: ReopenTicket of a CLOSED ticket
  kMergeTickets,    // merge_tickets: MergeTickets (target and every source)
  kSubmitFeedback,  // submit_feedback: SubmitFeedback
  kReadCustomer,    // read_customer: GetCustomer (masked)
  kWriteCustomer,   // write_customer: UpsertCustomer
  kReadCustomerHistory,  // read_customer_history: ListCustomerHistory
  kReadPii,              // read_pii: clear name/phone, RevealCustomerPii
  kReadAudit,            // read_audit: ListAuditRecords, GetPiiKeyUsage
  kRotatePiiKeys,        // rotate_pii_keys: RotatePiiKeys, GetPiiKeyUsage
};

enum class Scope { kNone = 0, kOwn = 1, kDepartment = 2, kAny = 3 };

// "create_ticket", … as used in the config text.
absl::string_view ActionName(Action action);
// nullopt for an unknown name.
std::optional<Action> ParseAction(absl::string_view name);
// Every action, in enum order.
const std::vector<Action>& AllActions();
// True for actions about one ticket (honouring own/department scopes).
bool IsTicketAction(Action action);
// "none", "own", "department", "any".
absl::string_view ScopeName(Scope scope);

// The authenticated caller, as the glue builds it from the token.
struct Principal {
  std::string subject;  // agent id / service name; never empty
  std::vector<std::string>
      roles;               // e.g. {"agent"}; unknown roles grant nothing
  std::string department;  // e.g. "客服部"; may be empty
};

// What a ticket action is applied to.
struct Target {
  std::string department;  // current department ("" = not routed yet)
  std::string assignee;    // current assignee ("" = none)
  std::string created_by;  // creator's subject
};

inline constexpr absl::string_view kDefaultPermissionsText =
    R"(# role: action[@scope] ...   (scope: own | department | any; default any)
agent: create_ticket@department read_ticket@department update_ticket@department reply_ticket@department change_status@department resolve_ticket@own reopen_resolved@department submit_feedback@department read_customer write_customer read_customer_history
team_lead: create_ticket@department read_ticket@department update_ticket@department reply_ticket@department change_status@department resolve_ticket@department reopen_resolved@department submit_feedback@department assign_ticket@department read_customer write_customer read_customer_history
supervisor: *
qa: read_ticket read_customer read_customer_history
kb_editor: read_ticket
complaint_officer: read_ticket reply_ticket read_customer read_customer_history read_pii
director: read_ticket read_customer read_customer_history read_audit
admin: read_audit rotate_pii_keys
service: create_ticket read_ticket reply_ticket assign_ticket submit_feedback read_customer read_customer_history
)";

class PermissionTable {
 public:
  // An empty table (nothing allowed).
  PermissionTable() = default;

  // The shipped defaults (kDefaultPermissionsText). Never fails.
  static const PermissionTable& Defaults();

  // Parses config text (see the file comment). INVALID_ARGUMENT naming the
  // line number ("line 3: unknown action 'foo'") for: a line without ':', a
  // bad role name (must match [a-z][a-z0-9_-]*), a role defined twice, an
  // unknown action or scope, an action listed twice for a role, or a
  // non-`any` scope on a non-ticket action.
  static absl::StatusOr<PermissionTable> Parse(absl::string_view text);

  // Scope `role` grants for `action` (kNone when it grants nothing).
  Scope ScopeFor(absl::string_view role, Action action) const;
  // Widest scope any of the principal's roles grants.
  Scope BestScope(const Principal& principal, Action action) const;
  // Roles defined, sorted.
  std::vector<std::string> Roles() const;
  // Canonical config text (roles sorted, every action spelled out with its
  // scope); Parse(ToText()) gives an equal table.
  std::string ToText() const;

  friend bool operator==(const PermissionTable& a, const PermissionTable& b) {
    return a.grants_ == b.grants_;
  }

 private:
  std::map<std::string, std::map<Action, Scope>> grants_;
};

// True when `scope` covers `target` for `principal` (see the file comment).
bool ScopeCovers(Scope scope, const Principal& principal, const Target& target);

// The decision: some role of `principal` grants `action` with a scope that
// covers `target`. Always false for a principal with an empty subject. For
// non-ticket actions `target` is ignored (only `any` grants count).
bool IsAllowed(const PermissionTable& table, const Principal& principal,
               Action action, const Target& target = {});

// OK, or PERMISSION_DENIED "missing permission read_pii" (plus " for this
// ticket" when a narrower scope exists) with ErrorInfo reason
// "MISSING_PERMISSION" and metadata {action}. The message names no person.
absl::Status Authorize(const PermissionTable& table, const Principal& principal,
                       Action action, const Target& target = {});

// AssignTicket is checked against the ticket as it is (`before`) and against
// the department it is sent to (as a Target with only that department), so a
// department-scoped team lead can neither take tickets from another
// department nor hand them to one. Same errors as Authorize.
absl::Status AuthorizeAssignment(const PermissionTable& table,
                                 const Principal& principal,
                                 const Target& before,
                                 absl::string_view new_department);

// kReopenClosed for a CLOSED ticket, kReopenResolved otherwise.
Action ReopenAction(bool ticket_is_closed);

}  // namespace cs::ticket

#endif  // CS_SERVICES_TICKET_DOMAIN_PERMISSIONS_H_
