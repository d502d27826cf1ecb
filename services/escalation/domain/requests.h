// Validation of the escalation service's requests, free of the store so
// that the service and the request fuzzer share it.
#ifndef CS_SERVICES_ESCALATION_DOMAIN_REQUESTS_H_
#define CS_SERVICES_ESCALATION_DOMAIN_REQUESTS_H_

#include "absl/status/status.h"
#include "cs/escalation/v1/escalation.pb.h"

namespace cs::escalation {

// INVALID_ARGUMENT listing each bad field: subject not "complaints/{id}" or
// "tickets/{id}" with an id of 1–64 of A–Z a–z 0–9 . _ - (ValidateSubjectName
// in libs/common/subject_name.h, as routing-sla checks clock subjects),
// severity missing or longer than 64 bytes, reason or department not valid
// UTF-8.
absl::Status ValidateRequestEscalation(const v1::RequestEscalationRequest& req);

// INVALID_ARGUMENT naming the field: unknown state or grade, negative
// level, department not valid UTF-8. Page size and token are checked by the
// listing itself.
absl::Status ValidateListCases(const v1::ListCasesRequest& req);

}  // namespace cs::escalation

#endif  // CS_SERVICES_ESCALATION_DOMAIN_REQUESTS_H_
