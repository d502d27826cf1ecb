#include "services/ticket/quality/review.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/common/errors.h"
#include "libs/common/ids.h"
#include "libs/common/pii_text.h"
#include "libs/common/time_proto.h"
#include "libs/common/utf8.h"
#include "services/ticket/domain/validation.h"

namespace cs::ticket::quality {
namespace {

constexpr absl::string_view kReviewPrefix = "qualityReviews/";

// Valid UTF-8, no control characters but newlines/tabs, `min`–`max`
// characters, not blank when required.
absl::Status CheckText(absl::string_view field, absl::string_view text,
                       size_t min, size_t max) {
  if (!IsValidUtf8(text) || HasControlChars(text, /*allow_newlines=*/true)) {
    return InvalidField(field,
                        "must be valid UTF-8 without control characters");
  }
  const size_t chars = CharLength(text);
  if (chars < min || (min > 0 && absl::StripAsciiWhitespace(text).empty())) {
    return InvalidField(field, "is required");
  }
  if (chars > max) {
    return InvalidField(field, absl::StrCat("at most ", max, " characters"));
  }
  return absl::OkStatus();
}

absl::Status CheckCoachingActions(
    const google::protobuf::RepeatedPtrField<std::string>& actions) {
  if (actions.size() > kMaxCoachingActions) {
    return InvalidField("coaching_actions",
                        absl::StrCat("at most ", kMaxCoachingActions));
  }
  for (int i = 0; i < actions.size(); ++i) {
    absl::Status s = CheckText(absl::StrCat("coaching_actions[", i, "]"),
                               actions[i], 1, kMaxCoachingActionChars);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Precondition(absl::string_view reason, absl::string_view what) {
  return WithErrorInfo(absl::FailedPreconditionError(what), reason);
}

bool DisputeOpen(const v1::QualityReview& review) {
  return review.state() == v1::REVIEW_STATE_DISPUTED;
}

}  // namespace

std::string ReviewName(absl::string_view id) {
  return absl::StrCat(kReviewPrefix, id);
}

absl::StatusOr<std::string> ParseReviewName(absl::string_view name,
                                            absl::string_view field) {
  if (name.empty()) return InvalidField(field, "is required");
  std::optional<std::string> ulid = UlidOfName(name, kReviewPrefix);
  if (!ulid.has_value()) {
    return InvalidField(field, "must be \"qualityReviews/{id}\"");
  }
  return *std::move(ulid);
}

absl::Status ValidateCreateReview(const v1::CreateReviewRequest& request,
                                  const Scorecard& card) {
  absl::StatusOr<std::string> id = ParseTicketName(request.ticket(), "ticket");
  if (!id.ok()) return id.status();
  if (absl::Status s = card.ValidateScores(request.scores(), "scores");
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckText("comment", request.comment(), 0, kMaxCommentChars);
      !s.ok()) {
    return s;
  }
  return CheckCoachingActions(request.coaching_actions());
}

absl::Status ValidateDisputeReview(const v1::DisputeReviewRequest& request) {
  absl::StatusOr<std::string> id = ParseReviewName(request.name());
  if (!id.ok()) return id.status();
  return CheckText("reason", request.reason(), 1, kMaxReasonChars);
}

absl::Status ValidateResolveDispute(const v1::ResolveDisputeRequest& request,
                                    const Scorecard& card) {
  absl::StatusOr<std::string> id = ParseReviewName(request.name());
  if (!id.ok()) return id.status();
  switch (request.outcome()) {
    case v1::DISPUTE_OUTCOME_CONFIRMED:
      if (!request.scores().empty()) {
        return InvalidField("scores", "must be empty when confirming");
      }
      break;
    case v1::DISPUTE_OUTCOME_AMENDED:
      if (absl::Status s = card.ValidateScores(request.scores(), "scores");
          !s.ok()) {
        return s;
      }
      break;
    default:
      return InvalidField("outcome", "must be CONFIRMED or AMENDED");
  }
  if (absl::Status s =
          CheckText("comment", request.comment(), 0, kMaxCommentChars);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckCoachingActions(request.coaching_actions());
      !s.ok()) {
    return s;
  }
  return CheckText("note", request.note(), 0, kMaxReasonChars);
}

absl::StatusOr<v1::QualityReview> NewReview(
    const v1::Ticket& ticket, const v1::CreateReviewRequest& request,
    const Scorecard& card, absl::string_view reviewer, absl::string_view id,
    absl::Time now) {
  const bool handled = ticket.status() == v1::TICKET_STATUS_RESOLVED ||
                       ticket.status() == v1::TICKET_STATUS_CLOSED;
  if (!handled || ticket.assignee().empty()) {
    return Precondition("TICKET_NOT_HANDLED",
                        "only a RESOLVED or CLOSED ticket with an assignee "
                        "can be reviewed");
  }
  v1::QualityReview review;
  review.set_id(std::string(id));
  review.set_name(ReviewName(id));
  review.set_ticket(ticket.name());
  review.set_ticket_number(ticket.number());
  review.set_agent(ticket.assignee());
  review.set_department(ticket.department());
  review.set_reviewer(std::string(reviewer));
  review.set_state(v1::REVIEW_STATE_REVIEWED);
  v1::ReviewVersion& version = *review.add_versions();
  version.set_version(1);
  *version.mutable_scores() = request.scores();
  version.set_total(card.Total(request.scores()));
  version.set_comment(request.comment());
  *version.mutable_coaching_actions() = request.coaching_actions();
  version.set_author(std::string(reviewer));
  *version.mutable_time() = ToProtoTime(now);
  *review.mutable_current() = version;
  *review.mutable_create_time() = ToProtoTime(now);
  *review.mutable_update_time() = ToProtoTime(now);
  return review;
}

absl::StatusOr<v1::QualityReview> ApplyDispute(const v1::QualityReview& review,
                                               absl::string_view agent,
                                               absl::string_view reason,
                                               absl::Time now) {
  if (DisputeOpen(review)) {
    return Precondition("DISPUTE_OPEN",
                        "the review already has an open dispute");
  }
  v1::QualityReview next = review;
  v1::Dispute& dispute = *next.add_disputes();
  dispute.set_raised_by(std::string(agent));
  dispute.set_reason(std::string(reason));
  *dispute.mutable_raise_time() = ToProtoTime(now);
  next.set_state(v1::REVIEW_STATE_DISPUTED);
  *next.mutable_update_time() = ToProtoTime(now);
  return next;
}

absl::StatusOr<v1::QualityReview> ApplyResolution(
    const v1::QualityReview& review, const v1::ResolveDisputeRequest& request,
    const Scorecard& card, absl::string_view lead, absl::Time now) {
  if (!DisputeOpen(review) || review.disputes().empty()) {
    return Precondition("NO_OPEN_DISPUTE", "the review has no open dispute");
  }
  v1::QualityReview next = review;
  v1::Dispute& dispute = *next.mutable_disputes()->rbegin();
  dispute.set_resolved_by(std::string(lead));
  dispute.set_outcome(request.outcome());
  dispute.set_resolution_note(request.note());
  *dispute.mutable_resolve_time() = ToProtoTime(now);
  *next.mutable_update_time() = ToProtoTime(now);
  if (request.outcome() == v1::DISPUTE_OUTCOME_CONFIRMED) {
    next.set_state(v1::REVIEW_STATE_CONFIRMED);
    return next;
  }
  const v1::ReviewVersion& previous = review.current();
  v1::ReviewVersion& version = *next.add_versions();
  version.set_version(previous.version() + 1);
  *version.mutable_scores() = request.scores();
  version.set_total(card.Total(request.scores()));
  version.set_comment(request.comment().empty() ? previous.comment()
                                                : request.comment());
  *version.mutable_coaching_actions() = request.coaching_actions().empty()
                                            ? previous.coaching_actions()
                                            : request.coaching_actions();
  version.set_author(std::string(lead));
  *version.mutable_time() = ToProtoTime(now);
  *next.mutable_current() = version;
  next.set_state(v1::REVIEW_STATE_AMENDED);
  return next;
}

namespace {

google::protobuf::RepeatedPtrField<v1::ItemScore> WithoutNotes(
    const google::protobuf::RepeatedPtrField<v1::ItemScore>& scores) {
  google::protobuf::RepeatedPtrField<v1::ItemScore> out = scores;
  for (v1::ItemScore& s : out) s.clear_note();
  return out;
}

}  // namespace

v1::ResolveDisputeRequest RestoreMaskedText(const v1::QualityReview& review,
                                            v1::ResolveDisputeRequest request) {
  const v1::ReviewVersion& current = review.current();
  std::vector<absl::string_view> texts = {current.comment()};
  for (const v1::ItemScore& score : current.scores()) {
    texts.push_back(score.note());
  }
  for (const std::string& action : current.coaching_actions()) {
    texts.push_back(action);
  }
  const std::string original = absl::StrJoin(texts, "\n");
  auto restore = [&](std::string* text) {
    *text = RestoreMaskedPii(original, *text);
  };
  for (v1::ItemScore& score : *request.mutable_scores()) {
    restore(score.mutable_note());
  }
  restore(request.mutable_comment());
  for (std::string& action : *request.mutable_coaching_actions()) {
    restore(&action);
  }
  return request;
}

void MaskReviewText(v1::QualityReview& review) {
  auto mask = [](std::string* text) { *text = MaskPiiText(*text); };
  auto mask_version = [&](v1::ReviewVersion& version) {
    for (v1::ItemScore& score : *version.mutable_scores()) {
      mask(score.mutable_note());
    }
    mask(version.mutable_comment());
    for (std::string& action : *version.mutable_coaching_actions()) {
      mask(&action);
    }
  };
  for (v1::ReviewVersion& version : *review.mutable_versions()) {
    mask_version(version);
  }
  if (review.has_current()) mask_version(*review.mutable_current());
  for (v1::Dispute& dispute : *review.mutable_disputes()) {
    mask(dispute.mutable_reason());
    mask(dispute.mutable_resolution_note());
  }
}

v1::QualityReviewed ReviewedEvent(const v1::QualityReview& review) {
  v1::QualityReviewed event;
  event.set_review(review.name());
  event.set_ticket(review.ticket());
  event.set_agent(review.agent());
  event.set_department(review.department());
  event.set_reviewer(review.reviewer());
  *event.mutable_scores() = WithoutNotes(review.current().scores());
  event.set_total(review.current().total());
  *event.mutable_review_time() = review.create_time();
  return event;
}

v1::QualityReviewAmended AmendedEvent(const v1::QualityReview& review) {
  v1::QualityReviewAmended event;
  const int n = review.versions_size();
  event.set_review(review.name());
  event.set_ticket(review.ticket());
  event.set_agent(review.agent());
  event.set_department(review.department());
  event.set_amended_by(review.current().author());
  event.set_version(review.current().version());
  *event.mutable_scores() = WithoutNotes(review.current().scores());
  if (n >= 2) event.set_previous_total(review.versions(n - 2).total());
  event.set_total(review.current().total());
  *event.mutable_amend_time() = review.current().time();
  return event;
}

}  // namespace cs::ticket::quality
