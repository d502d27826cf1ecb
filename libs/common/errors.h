// Constructors for the statuses the suite returns, carrying machine-readable
// details (google.rpc.BadRequest, google.rpc.ErrorInfo) as absl::Status
// payloads. ToGrpcStatus (grpc_status.h) turns those payloads into the
// standard grpc-status-details-bin trailer; domain code never sees gRPC.
//
//   if (request.subject().empty())
//     return cs::InvalidField("subject", "must not be empty");
//   // -> INVALID_ARGUMENT "subject: must not be empty" + BadRequest detail
#ifndef CS_LIBS_COMMON_ERRORS_H_
#define CS_LIBS_COMMON_ERRORS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cs {

// Type URLs under which the details are stored as absl::Status payloads.
inline constexpr absl::string_view kBadRequestTypeUrl =
    "type.googleapis.com/google.rpc.BadRequest";
inline constexpr absl::string_view kErrorInfoTypeUrl =
    "type.googleapis.com/google.rpc.ErrorInfo";
// Domain reported in every ErrorInfo the suite produces.
inline constexpr absl::string_view kErrorDomain = "cs.suite";

struct FieldViolation {
  std::string field;        // path of the field, e.g. "ticket.customer.phone"
  std::string description;  // what is wrong, for humans
};

// INVALID_ARGUMENT "<field>: <description>" with a BadRequest detail.
absl::Status InvalidField(absl::string_view field,
                          absl::string_view description);

// INVALID_ARGUMENT listing every violation (message names the first one and
// the count); `violations` must not be empty.
absl::Status InvalidFields(const std::vector<FieldViolation>& violations);

// Returns `status` with an ErrorInfo detail {reason, domain=cs.suite,
// metadata}. `reason` is UPPER_SNAKE_CASE, e.g. "ILLEGAL_TRANSITION".
absl::Status WithErrorInfo(
    absl::Status status, absl::string_view reason,
    const std::vector<std::pair<std::string, std::string>>& metadata = {});

// Field violations carried by `status` (empty when it has none).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

// Reason of the ErrorInfo carried by `status` ("" when it has none).
std::string ErrorReasonOf(const absl::Status& status);

}  // namespace cs

#endif  // CS_LIBS_COMMON_ERRORS_H_
