// Follow-up visits (回访) and satisfaction-survey sampling, as pure
// functions. Thread-safe.
//
//   RETURN_IF_ERROR(ValidateRecordFollowUp(request));
//   ASSIGN_OR_RETURN(v1::FollowUp f, NewFollowUp(ticket, request, who, id,
//   now)); if (NeedsReopen(f)) ...   // reached, not solved: reopen the ticket
//   if (SampledForSurvey(ticket.id(), 0.1)) ...   // SurveyRequested
#ifndef CS_SERVICES_TICKET_QUALITY_FOLLOW_UP_H_
#define CS_SERVICES_TICKET_QUALITY_FOLLOW_UP_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cs/ticket/v1/quality.pb.h"
#include "cs/ticket/v1/ticket.pb.h"

namespace cs::ticket::quality {

std::string FollowUpName(absl::string_view id);  // "followUps/{id}"

// "ticket", "satisfaction" (0–5), "note" (≤1000 characters); a customer
// not reached has no satisfaction and nothing solved (INVALID_ARGUMENT on
// "satisfaction" or "solved").
absl::Status ValidateRecordFollowUp(const v1::RecordFollowUpRequest& request);

// The follow-up of `ticket` by `recorder`. FAILED_PRECONDITION
// TICKET_NOT_RESOLVED unless the ticket is RESOLVED or CLOSED. `request`
// must be valid.
absl::StatusOr<v1::FollowUp> NewFollowUp(
    const v1::Ticket& ticket, const v1::RecordFollowUpRequest& request,
    absl::string_view recorder, absl::string_view id, absl::Time now);

// True when the follow-up must reopen its ticket: the customer was reached
// and says the problem is not solved. (Not reaching the customer proves
// nothing, so it reopens nothing.)
bool NeedsReopen(const v1::FollowUp& follow_up);

v1::FollowUpRecorded FollowUpRecordedEvent(const v1::FollowUp& follow_up,
                                           const v1::Ticket& ticket);

// Deterministic survey sampling: true for about `share` (0–1) of all ticket
// ids, decided by a hash of the id alone, so a ticket resolved twice gets the
// same answer and tests can count the ratio.
bool SampledForSurvey(absl::string_view ticket_id, double share);

// The SurveyRequested payload for a resolved `ticket`.
v1::SurveyRequested SurveyRequestedEvent(const v1::Ticket& ticket);

}  // namespace cs::ticket::quality

#endif  // CS_SERVICES_TICKET_QUALITY_FOLLOW_UP_H_
