#include "services/ticket/quality/follow_up.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "libs/common/errors.h"
#include "libs/common/fingerprint.h"
#include "libs/common/time_proto.h"
#include "libs/common/utf8.h"
#include "services/ticket/domain/apply.h"
#include "services/ticket/domain/validation.h"

namespace cs::ticket::quality {

std::string FollowUpName(absl::string_view id) {
  return absl::StrCat("followUps/", id);
}

absl::Status ValidateRecordFollowUp(const v1::RecordFollowUpRequest& request) {
  absl::StatusOr<std::string> id = ParseTicketName(request.ticket(), "ticket");
  if (!id.ok()) return id.status();
  if (request.satisfaction() < 0 || request.satisfaction() > 5) {
    return InvalidField("satisfaction", "must be 1–5, or 0 when not asked");
  }
  // A customer who was not reached gave no answer to record.
  if (!request.reached() && request.satisfaction() != 0) {
    return InvalidField("satisfaction",
                        "must be 0 when the customer was not reached");
  }
  if (!request.reached() && request.solved()) {
    return InvalidField("solved",
                        "must be false when the customer was not reached");
  }
  if (!IsValidUtf8(request.note()) || CharLength(request.note()) > 1000 ||
      HasControlChars(request.note(), /*allow_newlines=*/true)) {
    return InvalidField("note",
                        "must be valid text of at most 1000 characters");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::FollowUp> NewFollowUp(
    const v1::Ticket& ticket, const v1::RecordFollowUpRequest& request,
    absl::string_view recorder, absl::string_view id, absl::Time now) {
  if (ticket.status() != v1::TICKET_STATUS_RESOLVED &&
      ticket.status() != v1::TICKET_STATUS_CLOSED) {
    return WithErrorInfo(
        absl::FailedPreconditionError(
            "only a RESOLVED or CLOSED ticket can be followed up"),
        "TICKET_NOT_RESOLVED");
  }
  v1::FollowUp follow_up;
  follow_up.set_id(std::string(id));
  follow_up.set_name(FollowUpName(id));
  follow_up.set_ticket(ticket.name());
  follow_up.set_reached(request.reached());
  follow_up.set_solved(request.reached() && request.solved());
  follow_up.set_satisfaction(request.reached() ? request.satisfaction() : 0);
  follow_up.set_note(request.note());
  follow_up.set_recorded_by(std::string(recorder));
  *follow_up.mutable_record_time() = ToProtoTime(now);
  follow_up.set_reopened_ticket(NeedsReopen(follow_up));
  return follow_up;
}

bool NeedsReopen(const v1::FollowUp& follow_up) {
  return follow_up.reached() && !follow_up.solved();
}

v1::FollowUpRecorded FollowUpRecordedEvent(const v1::FollowUp& follow_up,
                                           const v1::Ticket& ticket) {
  v1::FollowUpRecorded event;
  *event.mutable_facts() = MakeFacts(ticket);
  event.set_follow_up(follow_up.name());
  event.set_reached(follow_up.reached());
  event.set_solved(follow_up.solved());
  event.set_satisfaction(follow_up.satisfaction());
  *event.mutable_record_time() = follow_up.record_time();
  return event;
}

bool SampledForSurvey(absl::string_view ticket_id, double share) {
  if (share <= 0) return false;
  if (share >= 1) return true;
  constexpr uint64_t kBuckets = 1000000;
  const uint64_t bucket = Fingerprint64(ticket_id) % kBuckets;
  return bucket < static_cast<uint64_t>(share * kBuckets);
}

v1::SurveyRequested SurveyRequestedEvent(const v1::Ticket& ticket) {
  v1::SurveyRequested event;
  *event.mutable_facts() = MakeFacts(ticket);
  return event;
}

}  // namespace cs::ticket::quality
