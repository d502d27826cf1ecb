#include "services/ticket/domain/audit.h"

#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/common/time_proto.h"
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

v1::AuditRecord MakeAuditRecord(const Principal& actor, v1::AuditAction action,
                                absl::string_view resource,
                                absl::string_view id, absl::Time now) {
  v1::AuditRecord a;
  a.set_name(AuditRecordName(id));
  a.set_id(std::string(id));
  a.set_actor(actor.subject);
  for (const std::string& role : actor.roles) a.add_actor_roles(role);
  a.set_actor_department(actor.department);
  a.set_action(action);
  a.set_resource(std::string(resource));
  *a.mutable_time() = ToProtoTime(now);
  return a;
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

AuditFilter AuditFilterOf(const v1::ListAuditRecordsRequest& request) {
  AuditFilter f;
  f.resource = request.resource();
  f.actor = request.actor();
  f.action = request.action();
  if (request.has_start_time()) f.start = FromProtoTime(request.start_time());
  if (request.has_end_time()) f.end = FromProtoTime(request.end_time());
  return f;
}

bool AuditMatches(const AuditFilter& filter, const v1::AuditRecord& record) {
  if (!filter.resource.empty() && record.resource() != filter.resource) {
    return false;
  }
  if (!filter.actor.empty() && record.actor() != filter.actor) return false;
  if (filter.action != v1::AUDIT_ACTION_UNSPECIFIED &&
      record.action() != filter.action) {
    return false;
  }
  const absl::Time t = FromProtoTime(record.time());
  return t >= filter.start && t < filter.end;
}

}  // namespace cs::ticket
