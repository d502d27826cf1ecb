// Names of what an SLA clock or an escalation case is about: a ticket or a
// complaint, "tickets/{id}" or "complaints/{id}". One rule for every service
// that accepts such a name from a caller (routing-sla's StartClock and
// UpdateClock, escalation's RequestEscalation), so that a name one of them
// accepts is accepted by the others.
//
//   RETURN_IF_ERROR(cs::ValidateSubjectName("subject", req.subject()));
//   // "tickets/T-20261124-0001" OK; "tickets/" or "complaints/a b" ->
//   // INVALID_ARGUMENT "subject: id must be 1–64 of A–Z a–z 0–9 . _ -"
//
// Pure functions, thread-safe.
#ifndef CS_LIBS_COMMON_SUBJECT_NAME_H_
#define CS_LIBS_COMMON_SUBJECT_NAME_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cs {

// OK when `subject` is "tickets/{id}" or "complaints/{id}" with an id of 1
// to 64 ASCII letters, digits, '.', '_' or '-'. Otherwise INVALID_ARGUMENT
// naming `field` (message and google.rpc.BadRequest detail, see
// InvalidField in errors.h):
//   "<field>: must look like tickets/{id} or complaints/{id}" for any other
//   prefix (the empty string included);
//   "<field>: id must be 1–64 of A–Z a–z 0–9 . _ -" for a bad id.
[[nodiscard]] absl::Status ValidateSubjectName(absl::string_view field,
                                               absl::string_view subject);

}  // namespace cs

#endif  // CS_LIBS_COMMON_SUBJECT_NAME_H_
