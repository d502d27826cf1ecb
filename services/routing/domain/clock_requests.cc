#include "services/routing/domain/clock_requests.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "cs/common/v1/types.pb.h"
#include "libs/common/errors.h"
#include "libs/common/status_macros.h"
#include "libs/common/subject_name.h"
#include "libs/common/time_proto.h"
#include "libs/common/utf8.h"

namespace cs::routing {
namespace {

absl::Status ValidateKind(v1::ClockKind kind) {
  if (!v1::ClockKind_IsValid(kind) || kind == v1::CLOCK_KIND_UNSPECIFIED) {
    return InvalidField("kind", "must be a clock kind");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckText(absl::string_view field, absl::string_view text,
                       size_t max_chars) {
  if (!IsValidUtf8(text) || HasControlChars(text, /*allow_newlines=*/false)) {
    return InvalidField(field,
                        "must be valid UTF-8 without control characters");
  }
  if (CharLength(text) > max_chars) {
    return InvalidField(
        field, absl::StrCat("must be at most ", max_chars, " characters"));
  }
  return absl::OkStatus();
}

v1::ClockState StateAfter(v1::ClockTransition transition) {
  switch (transition) {
    case v1::CLOCK_TRANSITION_PAUSE:
      return v1::CLOCK_STATE_PAUSED;
    case v1::CLOCK_TRANSITION_RESUME:
      return v1::CLOCK_STATE_RUNNING;
    case v1::CLOCK_TRANSITION_FULFIL:
      return v1::CLOCK_STATE_FULFILLED;
    case v1::CLOCK_TRANSITION_STOP:
      return v1::CLOCK_STATE_STOPPED;
    default:
      return v1::CLOCK_STATE_UNSPECIFIED;
  }
}

absl::Status ValidateStartClock(const v1::StartClockRequest& req,
                                const std::set<std::string>& calendars,
                                absl::Time now) {
  RETURN_IF_ERROR(ValidateSubjectName("subject", req.subject()));
  RETURN_IF_ERROR(ValidateKind(req.kind()));
  if (req.has_target()) {
    const absl::Duration target = FromProtoDuration(req.target());
    if (target < absl::Seconds(1) || target > absl::Hours(24 * 3660)) {
      return InvalidField("target", "must be from 1 second to 10 years");
    }
  }
  if (!req.calendar().empty() && calendars.count(req.calendar()) == 0) {
    return InvalidField(
        "calendar",
        absl::StrCat("unknown calendar \"", Utf8Prefix(req.calendar(), 64),
                     "\"; known: ", absl::StrJoin(calendars, ", ")));
  }
  if (!common::v1::Grade_IsValid(req.grade())) {
    return InvalidField("grade", "must be GRADE_A, GRADE_B or GRADE_C");
  }
  RETURN_IF_ERROR(CheckText("department", req.department(), 64));
  if (!req.assignee().empty()) {
    RETURN_IF_ERROR(CheckText("assignee", req.assignee(), 64));
  }
  RETURN_IF_ERROR(CheckText("reason", req.reason(), kMaxReasonChars));
  if (req.has_start_time()) {
    if (!IsValidProtoTime(req.start_time())) {
      return InvalidField("start_time", "is not a valid timestamp");
    }
    if (FromProtoTime(req.start_time()) > now) {
      return InvalidField("start_time", "must not be in the future");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateUpdateClock(const v1::UpdateClockRequest& req) {
  RETURN_IF_ERROR(ValidateSubjectName("subject", req.subject()));
  RETURN_IF_ERROR(ValidateKind(req.kind()));
  if (StateAfter(req.transition()) == v1::CLOCK_STATE_UNSPECIFIED) {
    return InvalidField("transition", "must be PAUSE, RESUME, FULFIL or STOP");
  }
  return CheckText("reason", req.reason(), kMaxReasonChars);
}

}  // namespace cs::routing
