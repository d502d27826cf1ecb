#include "services/escalation/domain/requests.h"

#include <vector>

#include "cs/common/v1/types.pb.h"
#include "libs/common/errors.h"
#include "libs/common/subject_name.h"
#include "libs/common/utf8.h"

namespace cs::escalation {

absl::Status ValidateRequestEscalation(
    const v1::RequestEscalationRequest& req) {
  // The same rule as routing-sla's clock subjects (libs/common).
  std::vector<FieldViolation> violations =
      FieldViolationsOf(ValidateSubjectName("subject", req.subject()));
  if (req.severity().empty() || req.severity().size() > 64 ||
      !IsValidUtf8(req.severity())) {
    violations.push_back({"severity", "is required (e.g. \"serious\")"});
  }
  if (!IsValidUtf8(req.reason())) {
    violations.push_back({"reason", "must be valid UTF-8"});
  }
  const Utf8Scan department = ScanUtf8(req.department());
  if (!department.valid) {
    violations.push_back({"department", "must be valid UTF-8"});
  } else if (department.control) {
    violations.push_back(
        {"department", "must be one line without control characters"});
  } else if (department.chars > 64) {
    violations.push_back({"department", "must be at most 64 characters"});
  }
  if (!violations.empty()) return InvalidFields(violations);
  return absl::OkStatus();
}

absl::Status ValidateListCases(const v1::ListCasesRequest& req) {
  if (!v1::CaseState_IsValid(req.state())) {
    return InvalidField("state", "is not a known case state");
  }
  if (!common::v1::Grade_IsValid(req.grade())) {
    return InvalidField("grade", "must be GRADE_A, GRADE_B or GRADE_C");
  }
  if (req.level() < 0) return InvalidField("level", "must be >= 0");
  if (!IsValidUtf8(req.department())) {
    return InvalidField("department", "must be valid UTF-8");
  }
  return absl::OkStatus();
}

}  // namespace cs::escalation
