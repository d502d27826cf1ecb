#include "services/ticket/domain/audit.h"

#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/ticket/domain/validation.h"

namespace cs::ticket {
namespace {

// "role: a@s b@s" lines → {"role: a@s", "role: b@s"}; comments skipped.
std::set<std::string> Grants(absl::string_view text) {
  std::set<std::string> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    const absl::string_view role = line.substr(0, colon);
    for (absl::string_view grant :
         absl::StrSplit(line.substr(colon + 1), ' ', absl::SkipEmpty())) {
      out.insert(absl::StrCat(role, ": ", grant));
    }
  }
  return out;
}

}  // namespace

AuditRecord MakeAuditRecord(const Principal& actor, AuditAction action,
                            absl::string_view resource, absl::string_view id,
                            absl::Time now) {
  return cs::MakeAuditRecord({actor.subject, actor.roles, actor.department},
                             action, {std::string(resource)}, id, now);
}

absl::Status CheckAuditResource(absl::string_view resource) {
  if (resource == kPermissionsResource || resource == kPiiKeysResource) {
    return absl::OkStatus();
  }
  return ParseCustomerName(resource, "resource").status();
}

const std::vector<AuditAction>& TicketAuditActions() {
  static const auto* const kActions =
      new std::vector<AuditAction>{common::v1::AUDIT_ACTION_REVEAL_PII,
                                   common::v1::AUDIT_ACTION_READ_CONTACT,
                                   common::v1::AUDIT_ACTION_PERMISSIONS_CHANGED,
                                   common::v1::AUDIT_ACTION_ROTATE_PII_KEYS};
  return *kActions;
}

std::string PermissionDiff(absl::string_view before, absl::string_view after) {
  const std::set<std::string> old_grants = Grants(before);
  const std::set<std::string> new_grants = Grants(after);
  std::vector<std::string> lines;
  for (const std::string& g : new_grants) {
    if (old_grants.count(g) == 0) lines.push_back(absl::StrCat("+", g));
  }
  for (const std::string& g : old_grants) {
    if (new_grants.count(g) == 0) lines.push_back(absl::StrCat("-", g));
  }
  return absl::StrJoin(lines, "\n");
}

}  // namespace cs::ticket
