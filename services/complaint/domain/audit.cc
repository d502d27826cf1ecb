#include "services/complaint/domain/audit.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/common/errors.h"
#include "libs/common/page_token.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "libs/common/utf8.h"
#include "services/complaint/domain/complaint_rules.h"

namespace cs::complaint {

std::string AuditRecordName(absl::string_view id) {
  return absl::StrCat("auditRecords/", id);
}

v1::AuditRecord MakeAuditRecord(const auth::Principal& actor,
                                v1::AuditAction action,
                                const std::vector<std::string>& resources,
                                absl::string_view id, absl::Time now) {
  v1::AuditRecord a;
  a.set_name(AuditRecordName(id));
  a.set_id(std::string(id));
  a.set_actor(actor.subject);
  for (const std::string& role : actor.roles.Names()) a.add_actor_roles(role);
  a.set_actor_department(actor.department);
  a.set_action(action);
  for (const std::string& r : resources) a.add_resources(r);
  *a.mutable_time() = ToProtoTime(now);
  return a;
}

absl::Status ValidateListAuditRecords(const v1::ListAuditRecordsRequest& req) {
  RETURN_IF_ERROR(CheckedPageSize(req.page_size()).status());
  if (!req.resource().empty()) {
    RETURN_IF_ERROR(ParseComplaintName(req.resource(), "resource").status());
  }
  if (!IsValidUtf8(req.actor()) || CharLength(req.actor()) > 128) {
    return InvalidField("actor", "must be valid UTF-8 of at most 128 chars");
  }
  if (!v1::AuditAction_IsValid(req.action())) {
    return InvalidField("action", "is not a known audit action");
  }
  if (req.has_start_time() && !IsValidProtoTime(req.start_time())) {
    return InvalidField("start_time", "is not a valid timestamp");
  }
  if (req.has_end_time() && !IsValidProtoTime(req.end_time())) {
    return InvalidField("end_time", "is not a valid timestamp");
  }
  if (req.has_start_time() && req.has_end_time() &&
      FromProtoTime(req.start_time()) >= FromProtoTime(req.end_time())) {
    return InvalidField("end_time", "must be after start_time");
  }
  return absl::OkStatus();
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
  if (!filter.resource.empty() &&
      std::find(record.resources().begin(), record.resources().end(),
                filter.resource) == record.resources().end()) {
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

}  // namespace cs::complaint
