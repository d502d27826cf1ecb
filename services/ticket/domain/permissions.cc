#include "services/ticket/domain/permissions.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/common/config_lines.h"
#include "libs/common/errors.h"

namespace cs::ticket {
namespace {

struct ActionInfo {
  Action action;
  absl::string_view name;
  bool ticket_scoped;
};

constexpr ActionInfo kActions[] = {
    {Action::kCreateTicket, "create_ticket", true},
    {Action::kReadTicket, "read_ticket", true},
    {Action::kUpdateTicket, "update_ticket", true},
    {Action::kReplyTicket, "reply_ticket", true},
    {Action::kChangeStatus, "change_status", true},
    {Action::kResolveTicket, "resolve_ticket", true},
    {Action::kAssignTicket, "assign_ticket", true},
    {Action::kCloseTicket, "close_ticket", true},
    {Action::kReopenResolved, "reopen_resolved", true},
    {Action::kReopenClosed, "reopen_closed", true},
    {Action::kMergeTickets, "merge_tickets", true},
    {Action::kSubmitFeedback, "submit_feedback", true},
    {Action::kReadCustomer, "read_customer", false},
    {Action::kWriteCustomer, "write_customer", false},
    {Action::kReadCustomerHistory, "read_customer_history", false},
    {Action::kReadPii, "read_pii", false},
    {Action::kReadAudit, "read_audit", false},
    {Action::kRotatePiiKeys, "rotate_pii_keys", false},
};

const ActionInfo& InfoOf(Action action) {
  for (const ActionInfo& info : kActions) {
    if (info.action == action) return info;
  }
  return kActions[0];  // unreachable for valid enum values
}

bool IsValidRoleName(absl::string_view role) {
  if (role.empty() ||
      !absl::ascii_islower(static_cast<unsigned char>(role[0]))) {
    return false;
  }
  for (char c : role) {
    const auto u = static_cast<unsigned char>(c);
    if (!absl::ascii_islower(u) && !absl::ascii_isdigit(u) && c != '_' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

std::optional<Scope> ParseScope(absl::string_view name) {
  if (name == "own") return Scope::kOwn;
  if (name == "department") return Scope::kDepartment;
  if (name == "any") return Scope::kAny;
  return std::nullopt;
}

absl::Status LineError(int line, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", what));
}

}  // namespace

absl::string_view ActionName(Action action) { return InfoOf(action).name; }

std::optional<Action> ParseAction(absl::string_view name) {
  for (const ActionInfo& info : kActions) {
    if (info.name == name) return info.action;
  }
  return std::nullopt;
}

const std::vector<Action>& AllActions() {
  static const std::vector<Action>* const all = [] {
    auto* v = new std::vector<Action>;
    for (const ActionInfo& info : kActions) v->push_back(info.action);
    return v;
  }();
  return *all;
}

bool IsTicketAction(Action action) { return InfoOf(action).ticket_scoped; }

absl::string_view ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kOwn:
      return "own";
    case Scope::kDepartment:
      return "department";
    case Scope::kAny:
      return "any";
    default:
      return "none";
  }
}

const PermissionTable& PermissionTable::Defaults() {
  static const PermissionTable* const defaults = [] {
    absl::StatusOr<PermissionTable> parsed = Parse(kDefaultPermissionsText);
    // The text is a compile-time constant covered by tests.
    return new PermissionTable(parsed.ok() ? *std::move(parsed)
                                           : PermissionTable());
  }();
  return *defaults;
}

absl::StatusOr<PermissionTable> PermissionTable::Parse(absl::string_view text) {
  PermissionTable table;
  std::map<std::string, int> defined_on;
  for (const ConfigLine& config_line : ConfigLines(text)) {
    const absl::string_view line = config_line.text;
    const int line_no = config_line.number;
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) {
      return LineError(line_no, "expected 'role: action[@scope] ...'");
    }
    const std::string role(absl::StripAsciiWhitespace(line.substr(0, colon)));
    if (!IsValidRoleName(role)) {
      return LineError(line_no, absl::StrCat("invalid role name '", role,
                                             "' (use [a-z][a-z0-9_-]*)"));
    }
    if (auto it = defined_on.find(role); it != defined_on.end()) {
      return LineError(
          line_no, absl::StrCat("role '", role, "' already defined on line ",
                                it->second));
    }
    defined_on[role] = line_no;
    std::map<Action, Scope>& grants = table.grants_[role];
    for (absl::string_view token :
         absl::StrSplit(line.substr(colon + 1), absl::ByAnyChar(" \t"),
                        absl::SkipEmpty())) {
      absl::string_view action_name = token;
      Scope scope = Scope::kAny;
      if (const size_t at = token.find('@'); at != absl::string_view::npos) {
        action_name = token.substr(0, at);
        std::optional<Scope> parsed = ParseScope(token.substr(at + 1));
        if (!parsed) {
          return LineError(line_no,
                           absl::StrCat("unknown scope '", token.substr(at + 1),
                                        "' (use own, department or any)"));
        }
        scope = *parsed;
      }
      std::vector<Action> actions;
      if (action_name == "*") {
        actions = AllActions();
      } else if (std::optional<Action> action = ParseAction(action_name)) {
        actions.push_back(*action);
      } else {
        return LineError(line_no,
                         absl::StrCat("unknown action '", action_name, "'"));
      }
      for (Action action : actions) {
        if (grants.count(action)) {
          return LineError(
              line_no, absl::StrCat("action '", ActionName(action),
                                    "' listed twice for role '", role, "'"));
        }
        if (!IsTicketAction(action) && scope != Scope::kAny) {
          return LineError(line_no,
                           absl::StrCat("action '", ActionName(action),
                                        "' only supports scope 'any'"));
        }
        grants[action] = scope;
      }
    }
  }
  return table;
}

Scope PermissionTable::ScopeFor(absl::string_view role, Action action) const {
  auto role_it = grants_.find(std::string(role));
  if (role_it == grants_.end()) return Scope::kNone;
  auto it = role_it->second.find(action);
  return it == role_it->second.end() ? Scope::kNone : it->second;
}

Scope PermissionTable::BestScope(const Principal& principal,
                                 Action action) const {
  Scope best = Scope::kNone;
  for (const std::string& role : principal.roles) {
    const Scope s = ScopeFor(role, action);
    if (static_cast<int>(s) > static_cast<int>(best)) best = s;
  }
  return best;
}

std::vector<std::string> PermissionTable::Roles() const {
  std::vector<std::string> roles;
  for (const auto& [role, grants] : grants_) roles.push_back(role);
  return roles;
}

std::string PermissionTable::ToText() const {
  std::string out;
  for (const auto& [role, grants] : grants_) {
    std::vector<std::string> tokens;
    for (const auto& [action, scope] : grants) {
      tokens.push_back(absl::StrCat(ActionName(action), "@", ScopeName(scope)));
    }
    absl::StrAppend(&out, role, ":", tokens.empty() ? "" : " ",
                    absl::StrJoin(tokens, " "), "\n");
  }
  return out;
}

bool ScopeCovers(Scope scope, const Principal& principal,
                 const Target& target) {
  if (principal.subject.empty()) return false;
  const bool own =
      target.assignee == principal.subject ||
      (target.assignee.empty() && target.created_by == principal.subject);
  switch (scope) {
    case Scope::kAny:
      return true;
    case Scope::kDepartment:
      return own || (!principal.department.empty() &&
                     target.department == principal.department);
    case Scope::kOwn:
      return own;
    default:
      return false;
  }
}

bool IsAllowed(const PermissionTable& table, const Principal& principal,
               Action action, const Target& target) {
  if (principal.subject.empty()) return false;
  const bool ticket_action = IsTicketAction(action);
  for (const std::string& role : principal.roles) {
    const Scope scope = table.ScopeFor(role, action);
    if (!ticket_action) {
      if (scope == Scope::kAny) return true;
      continue;
    }
    if (ScopeCovers(scope, principal, target)) return true;
  }
  return false;
}

absl::Status Authorize(const PermissionTable& table, const Principal& principal,
                       Action action, const Target& target) {
  if (IsAllowed(table, principal, action, target)) return absl::OkStatus();
  const bool narrower = table.BestScope(principal, action) != Scope::kNone;
  return cs::WithErrorInfo(absl::PermissionDeniedError(absl::StrCat(
                               "missing permission ", ActionName(action),
                               narrower ? " for this ticket" : "")),
                           "MISSING_PERMISSION",
                           {{"action", std::string(ActionName(action))}});
}

absl::Status AuthorizeAssignment(const PermissionTable& table,
                                 const Principal& principal,
                                 const Target& before,
                                 absl::string_view new_department) {
  absl::Status s = Authorize(table, principal, Action::kAssignTicket, before);
  if (!s.ok()) return s;
  Target after;
  after.department = std::string(new_department);
  return Authorize(table, principal, Action::kAssignTicket, after);
}

Action ReopenAction(bool ticket_is_closed) {
  return ticket_is_closed ? Action::kReopenClosed : Action::kReopenResolved;
}

}  // namespace cs::ticket
