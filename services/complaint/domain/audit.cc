#include "services/complaint/domain/audit.h"

#include "google/protobuf/unknown_field_set.h"
#include "services/complaint/domain/complaint_rules.h"

namespace cs::complaint {

absl::Status CheckAuditResource(absl::string_view resource) {
  return ParseComplaintName(resource, "resource").status();
}

const std::vector<AuditAction>& ComplaintAuditActions() {
  static const auto* const kActions = new std::vector<AuditAction>{
      common::v1::AUDIT_ACTION_READ_COMPLAINT_CLEAR,
      common::v1::AUDIT_ACTION_LIST_COMPLAINTS_CLEAR,
      common::v1::AUDIT_ACTION_WRITE_COMPLAINT_CLEAR};
  return *kActions;
}

void UpgradeAuditRecord(AuditRecord& record) {
  if (record.has_time()) return;
  // The old time (a Timestamp in field 8) does not fit today's field 8 (an
  // enum), so the parser kept it among the unknown fields.
  google::protobuf::UnknownFieldSet* unknown =
      record.GetReflection()->MutableUnknownFields(&record);
  for (int i = 0; i < unknown->field_count(); ++i) {
    const google::protobuf::UnknownField& f = unknown->field(i);
    if (f.number() == 8 &&
        f.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      record.mutable_time()->ParseFromString(f.length_delimited());
    }
  }
  unknown->Clear();
  constexpr int kFirstComplaintAction =
      common::v1::AUDIT_ACTION_READ_COMPLAINT_CLEAR;
  if (record.action() >= 1 && record.action() <= 3) {
    record.set_action(
        static_cast<AuditAction>(kFirstComplaintAction - 1 + record.action()));
  }
}

}  // namespace cs::complaint
