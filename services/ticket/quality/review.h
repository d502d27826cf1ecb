// The life of a quality review (质检记录), as pure functions over
// v1::QualityReview: creation from a handled ticket, the agent's dispute and
// the team lead's confirmation or amendment. Every amendment appends a
// version and every dispute stays in `disputes`: nothing is overwritten.
//
//   RETURN_IF_ERROR(ValidateCreateReview(req, card));
//   ASSIGN_OR_RETURN(v1::QualityReview r,
//                    NewReview(ticket, req, card, "qa-01", id, now));
//   ASSIGN_OR_RETURN(r, ApplyDispute(r, "agent-007", "语气评分过低", now));
//   ASSIGN_OR_RETURN(r, ApplyResolution(r, resolve_req, card, "lead-01", now));
//
// Statuses: INVALID_ARGUMENT naming the request field; FAILED_PRECONDITION
// with ErrorInfo reason for a state that does not allow the step
// (TICKET_NOT_HANDLED, DISPUTE_OPEN, NO_OPEN_DISPUTE). Who may call is the
// application layer's decision. Pure and thread-safe.
#ifndef CS_SERVICES_TICKET_QUALITY_REVIEW_H_
#define CS_SERVICES_TICKET_QUALITY_REVIEW_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cs/ticket/v1/quality.pb.h"
#include "cs/ticket/v1/ticket.pb.h"
#include "services/ticket/quality/scorecard.h"

namespace cs::ticket::quality {

std::string ReviewName(absl::string_view id);  // "qualityReviews/{id}"
// The ULID of "qualityReviews/{ULID}"; INVALID_ARGUMENT on `field`.
absl::StatusOr<std::string> ParseReviewName(absl::string_view name,
                                            absl::string_view field = "name");

// Text limits (characters).
inline constexpr size_t kMaxCommentChars = 2000;
inline constexpr size_t kMaxReasonChars = 1000;
inline constexpr size_t kMaxCoachingActionChars = 200;
inline constexpr int kMaxCoachingActions = 10;

// "ticket", "scores" (ValidateScores), "comment", "coaching_actions[i]".
absl::Status ValidateCreateReview(const v1::CreateReviewRequest& request,
                                  const Scorecard& card);
// "name", "reason".
absl::Status ValidateDisputeReview(const v1::DisputeReviewRequest& request);
// "name", "outcome", "scores" (required for AMENDED, empty for CONFIRMED),
// "comment", "coaching_actions[i]", "note".
absl::Status ValidateResolveDispute(const v1::ResolveDisputeRequest& request,
                                    const Scorecard& card);

// A new review (state REVIEWED, version 1) of `ticket` (FULL or BASIC view)
// by `reviewer`. FAILED_PRECONDITION TICKET_NOT_HANDLED unless the ticket is
// RESOLVED or CLOSED and has an assignee. `request` must be valid.
absl::StatusOr<v1::QualityReview> NewReview(
    const v1::Ticket& ticket, const v1::CreateReviewRequest& request,
    const Scorecard& card, absl::string_view reviewer, absl::string_view id,
    absl::Time now);

// Opens a dispute by `agent` (the caller must be the reviewed agent: checked
// by the app). FAILED_PRECONDITION DISPUTE_OPEN when one is open.
absl::StatusOr<v1::QualityReview> ApplyDispute(const v1::QualityReview& review,
                                               absl::string_view agent,
                                               absl::string_view reason,
                                               absl::Time now);

// Closes the open dispute: CONFIRMED keeps the scores, AMENDED appends a
// version with the new scores and total. FAILED_PRECONDITION
// NO_OPEN_DISPUTE when none is open. `request` must be valid.
absl::StatusOr<v1::QualityReview> ApplyResolution(
    const v1::QualityReview& review, const v1::ResolveDisputeRequest& request,
    const Scorecard& card, absl::string_view lead, absl::Time now);

// Masks the personal data (MaskPiiText) in the review's free text — item
// notes, comments, coaching actions, dispute reasons and resolution notes —
// in place, for callers without read_pii, as the ticket's own text is.
void MaskReviewText(v1::QualityReview& review);

// `request` with the masked values (RestoreMaskedPii) that its item notes,
// comment and coaching actions took over from the current version of
// `review`, as a caller without read_pii was shown it, given back their
// clear values: amending a review does not overwrite them with asterisks.
v1::ResolveDisputeRequest RestoreMaskedText(const v1::QualityReview& review,
                                            v1::ResolveDisputeRequest request);

// Event payloads (no free text).
v1::QualityReviewed ReviewedEvent(const v1::QualityReview& review);
// `review` after an amendment (at least two versions).
v1::QualityReviewAmended AmendedEvent(const v1::QualityReview& review);

}  // namespace cs::ticket::quality

#endif  // CS_SERVICES_TICKET_QUALITY_REVIEW_H_
