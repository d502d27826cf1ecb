#include "libs/audit/audit_record.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/common/errors.h"
#include "libs/common/page_token.h"
#include "libs/common/pii_text.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "libs/common/utf8.h"

namespace cs {

std::string AuditRecordName(absl::string_view id) {
  return absl::StrCat("auditRecords/", id);
}

AuditRecord MakeAuditRecord(const AuditActor& actor, AuditAction action,
                            std::vector<std::string> resources,
                            absl::string_view id, absl::Time now) {
  AuditRecord a;
  if (!id.empty()) {
    a.set_name(AuditRecordName(id));
    a.set_id(std::string(id));
  }
  a.set_actor(actor.subject);
  for (const std::string& role : actor.roles) a.add_actor_roles(role);
  a.set_actor_department(actor.department);
  a.set_action(action);
  for (std::string& r : resources) a.add_resources(std::move(r));
  *a.mutable_time() = ToProtoTime(now);
  return a;
}

absl::Status ValidateListAuditRecords(const ListAuditRecordsRequest& request,
                                      const AuditResourceCheck& check_resource,
                                      const std::vector<AuditAction>& actions) {
  RETURN_IF_ERROR(CheckedPageSize(request.page_size()).status());
  if (!request.resource().empty()) {
    RETURN_IF_ERROR(check_resource(request.resource()));
  }
  if (!IsValidUtf8(request.actor()) || CharLength(request.actor()) > 128) {
    return InvalidField("actor", "must be valid UTF-8 of at most 128 chars");
  }
  if (!common::v1::AuditAction_IsValid(request.action())) {
    return InvalidField("action", "is not a known audit action");
  }
  if (request.action() != common::v1::AUDIT_ACTION_UNSPECIFIED &&
      !actions.empty() &&
      std::find(actions.begin(), actions.end(), request.action()) ==
          actions.end()) {
    std::vector<std::string> names;
    for (AuditAction a : actions) names.push_back(AuditAction_Name(a));
    return InvalidField(
        "action", absl::StrCat(AuditAction_Name(request.action()),
                               " is recorded by another service; this one "
                               "records ",
                               absl::StrJoin(names, ", ")));
  }
  if (request.has_start_time() && !IsValidProtoTime(request.start_time())) {
    return InvalidField("start_time", "is not a valid timestamp");
  }
  if (request.has_end_time() && !IsValidProtoTime(request.end_time())) {
    return InvalidField("end_time", "is not a valid timestamp");
  }
  if (request.has_start_time() && request.has_end_time() &&
      FromProtoTime(request.start_time()) >=
          FromProtoTime(request.end_time())) {
    return InvalidField("end_time", "must be after start_time");
  }
  return absl::OkStatus();
}

void MaskAuditText(ListAuditRecordsResponse& page) {
  for (AuditRecord& record : *page.mutable_audit_records()) {
    record.set_reason(MaskPiiText(record.reason()));
    record.set_detail(MaskPiiText(record.detail()));
  }
}

AuditFilter AuditFilterOf(const ListAuditRecordsRequest& request) {
  AuditFilter f;
  f.resource = request.resource();
  f.actor = request.actor();
  f.action = request.action();
  if (request.has_start_time()) f.start = FromProtoTime(request.start_time());
  if (request.has_end_time()) f.end = FromProtoTime(request.end_time());
  return f;
}

bool AuditMatches(const AuditFilter& filter, const AuditRecord& record) {
  if (!filter.resource.empty() &&
      std::find(record.resources().begin(), record.resources().end(),
                filter.resource) == record.resources().end()) {
    return false;
  }
  if (!filter.actor.empty() && record.actor() != filter.actor) return false;
  if (filter.action != common::v1::AUDIT_ACTION_UNSPECIFIED &&
      record.action() != filter.action) {
    return false;
  }
  const absl::Time t = FromProtoTime(record.time());
  return t >= filter.start && t < filter.end;
}

}  // namespace cs
