#include "tools/csctl/audit_list.h"

#include <vector>

#include "absl/strings/str_join.h"
#include "libs/common/status_macros.h"
#include "tools/csctl/output.h"
#include "tools/csctl/rpc.h"

namespace cs::csctl {

namespace pb = ::cs::common::v1;

void AuditListCommandBase::DefineFlags(ConfigParser& flags) {
  flags.AddString("actor", &actor_, "who (subject, e.g. sup-1 or system)");
  flags.AddString("action", &action_, spec_.action_help);
  flags.AddString("resource", &resource_, spec_.resource_help);
  flags.AddString("since", &since_, "from this time (or 24h ago)");
  flags.AddString("until", &until_, "before this time (or 1h ago)");
  paging_.Define(flags, "records");
}

absl::StatusOr<pb::ListAuditRecordsRequest> AuditListCommandBase::Request(
    CommandContext& context) const {
  pb::ListAuditRecordsRequest request;
  request.set_actor(actor_);
  if (!resource_.empty()) {
    request.set_resource(spec_.resource_name ? spec_.resource_name(resource_)
                                             : resource_);
  }
  if (!action_.empty()) {
    ASSIGN_OR_RETURN(
        int action, ParseEnumFlag(pb::AuditAction_descriptor(), "AUDIT_ACTION_",
                                  "action", action_));
    request.set_action(static_cast<pb::AuditAction>(action));
  }
  RETURN_IF_ERROR(
      SetTimeRangeFlags(since_, until_, context.clock().Now(), request));
  return request;
}

Table AuditListCommandBase::EmptyTable() const {
  std::vector<std::string> header = {"TIME", "ACTOR", "ROLES", "ACTION",
                                     spec_.resource_header};
  if (spec_.field_reason_detail) {
    header.insert(header.end(), {"FIELD", "REASON", "DETAIL"});
  }
  return Table(std::move(header));
}

void AuditListCommandBase::AddRow(Table& table,
                                  const pb::AuditRecord& r) const {
  std::vector<std::string> row = {
      FormatDisplayTimestamp(r.time()), r.actor(),
      absl::StrJoin(r.actor_roles(), ","),
      EnumLabel(pb::AuditAction_descriptor(), r.action(), "AUDIT_ACTION_"),
      absl::StrJoin(r.resources(), " ")};
  if (spec_.field_reason_detail) {
    row.push_back(
        r.field() == pb::PII_FIELD_UNSPECIFIED
            ? ""
            : EnumLabel(pb::PiiField_descriptor(), r.field(), "PII_FIELD_"));
    row.push_back(SanitizeCell(r.reason()));
    row.push_back(SanitizeCell(r.detail()));
  }
  table.AddRow(std::move(row));
}

}  // namespace cs::csctl
