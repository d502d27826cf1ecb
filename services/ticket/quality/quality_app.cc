#include "services/ticket/quality/quality_app.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/common/errors.h"
#include "libs/common/ids.h"
#include "libs/common/page_token.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "services/ticket/domain/ticket_number.h"
#include "services/ticket/domain/validation.h"
#include "services/ticket/quality/follow_up.h"
#include "services/ticket/quality/inspection.h"
#include "services/ticket/quality/review.h"

namespace cs::ticket::quality {
namespace {

absl::Status Denied(absl::string_view what) {
  return WithErrorInfo(absl::PermissionDeniedError(what), "ROLE_REQUIRED");
}

// "YYYY-MM" → month; INVALID_ARGUMENT on "period".
absl::StatusOr<absl::CivilMonth> ParsePeriod(absl::string_view period) {
  std::vector<absl::string_view> parts = absl::StrSplit(period, '-');
  int year = 0;
  int month = 0;
  if (parts.size() != 2 || parts[0].size() != 4 || parts[1].size() != 2 ||
      !absl::SimpleAtoi(parts[0], &year) ||
      !absl::SimpleAtoi(parts[1], &month) || year < 2000 || year > 2099 ||
      month < 1 || month > 12) {
    return InvalidField("period", "must be a month \"YYYY-MM\"");
  }
  return absl::CivilMonth(year, month);
}

absl::Time HandledTime(const v1::Ticket& ticket) {
  return FromProtoTime(ticket.has_resolve_time() ? ticket.resolve_time()
                                                 : ticket.close_time());
}

}  // namespace

absl::StatusOr<std::unique_ptr<QualityApp>> QualityApp::Create(
    Store& store, Outbox& outbox, const Clock& clock, Scorecard scorecard,
    TicketApp& tickets) {
  ASSIGN_OR_RETURN(std::unique_ptr<QualityRepository> repo,
                   QualityRepository::Open(store));
  return std::unique_ptr<QualityApp>(new QualityApp(
      store, outbox, clock, std::move(scorecard), tickets, std::move(repo)));
}

absl::Status QualityApp::CheckCanRead(const auth::Principal& caller,
                                      const v1::QualityReview& review) const {
  if (caller.HasAnyRole(kReadAll)) return absl::OkStatus();
  if (caller.HasRole(auth::Role::kAgent) && caller.subject == review.agent()) {
    return absl::OkStatus();
  }
  return Denied("agents may only read their own reviews");
}

bool QualityApp::SeesClearText(const auth::Principal& caller) const {
  return tickets_.SeesClearText(ToDomainPrincipal(caller));
}

v1::QualityReview QualityApp::AsSeenBy(const auth::Principal& caller,
                                       v1::QualityReview review) const {
  if (!SeesClearText(caller)) MaskReviewText(review);
  return review;
}

absl::StatusOr<v1::QualityConfig> QualityApp::GetScorecard(
    const auth::Principal&, const v1::GetScorecardRequest&) {
  return scorecard_.config();
}

absl::StatusOr<v1::QualityReview> QualityApp::CreateReview(
    const auth::Principal& caller, const v1::CreateReviewRequest& req) {
  RETURN_IF_ERROR(ValidateCreateReview(req, scorecard_));
  RETURN_IF_ERROR(auth::RequireAnyRole(caller, {auth::Role::kQa}));
  ASSIGN_OR_RETURN(std::string ticket_id,
                   ParseTicketName(req.ticket(), "ticket"));
  absl::MutexLock lock(&locks_.For(ticket_id));
  ASSIGN_OR_RETURN(std::optional<std::string> existing,
                   repo_->FindReviewOfTicket(ticket_id));
  if (existing.has_value()) {
    return absl::AlreadyExistsError(absl::StrCat(
        req.ticket(), " is already reviewed by ", ReviewName(*existing)));
  }
  ASSIGN_OR_RETURN(v1::Ticket ticket,
                   tickets_.repository().LoadTicket(ticket_id));
  const absl::Time now = clock_.Now();
  ASSIGN_OR_RETURN(
      v1::QualityReview review,
      NewReview(ticket, req, scorecard_, caller.subject, NewUlid(now), now));
  WriteSet writes;
  repo_->PutReview(writes, review, /*is_new=*/true);
  outbox_.Append(writes, review.ticket(), ReviewedEvent(review));
  RETURN_IF_ERROR(store_.Commit(writes));
  return AsSeenBy(caller, std::move(review));
}

absl::StatusOr<v1::QualityReview> QualityApp::GetReview(
    const auth::Principal& caller, const v1::GetReviewRequest& req) {
  ASSIGN_OR_RETURN(std::string id, ParseReviewName(req.name()));
  // Role first, so that an outsider learns nothing about which ids exist.
  if (!caller.HasAnyRole(kReadAll) && !caller.HasRole(auth::Role::kAgent)) {
    return Denied("role qa, team_lead, supervisor, director or agent required");
  }
  ASSIGN_OR_RETURN(v1::QualityReview review, repo_->LoadReview(id));
  RETURN_IF_ERROR(CheckCanRead(caller, review));
  return AsSeenBy(caller, std::move(review));
}

absl::StatusOr<v1::ListReviewsResponse> QualityApp::ListReviews(
    const auth::Principal& caller, const v1::ListReviewsRequest& req) {
  if (req.page_size() < 0) return InvalidField("page_size", "must be ≥ 0");
  if (!v1::ReviewState_IsValid(req.state())) {
    return InvalidField("state", "unknown review state");
  }
  if (!req.agent().empty() && !IsValidAgentId(req.agent())) {
    return InvalidField("agent", "must be an agent id");
  }
  ReviewListQuery query;
  query.agent = req.agent();
  if (!caller.HasAnyRole(kReadAll)) {
    if (!caller.HasRole(auth::Role::kAgent)) {
      return Denied(
          "role qa, team_lead, supervisor, director or agent "
          "required");
    }
    if (!query.agent.empty() && query.agent != caller.subject) {
      return Denied("agents may only list their own reviews");
    }
    query.agent = caller.subject;
  }
  query.state = req.state();
  const uint64_t fingerprint =
      QueryFingerprint(absl::StrCat("reviews|", query.agent, "|", query.state));
  ASSIGN_OR_RETURN(query.after_key,
                   DecodePageToken(req.page_token(), fingerprint));
  query.page_size = EffectivePageSize(req.page_size());
  ASSIGN_OR_RETURN(ReviewListPage page, repo_->ListReviews(query));
  v1::ListReviewsResponse response;
  for (v1::QualityReview& review : page.reviews) {
    *response.add_reviews() = AsSeenBy(caller, std::move(review));
  }
  if (!page.next_after_key.empty()) {
    response.set_next_page_token(
        EncodePageToken(page.next_after_key, fingerprint));
  }
  return response;
}

absl::StatusOr<v1::QualityReview> QualityApp::DisputeReview(
    const auth::Principal& caller, const v1::DisputeReviewRequest& req) {
  RETURN_IF_ERROR(ValidateDisputeReview(req));
  RETURN_IF_ERROR(auth::RequireAnyRole(caller, {auth::Role::kAgent}));
  ASSIGN_OR_RETURN(std::string id, ParseReviewName(req.name()));
  absl::MutexLock lock(&locks_.For(id));
  ASSIGN_OR_RETURN(v1::QualityReview review, repo_->LoadReview(id));
  if (review.agent() != caller.subject) {
    return Denied("only the reviewed agent may dispute a review");
  }
  ASSIGN_OR_RETURN(
      v1::QualityReview next,
      ApplyDispute(review, caller.subject, req.reason(), clock_.Now()));
  WriteSet writes;
  repo_->PutReview(writes, next, /*is_new=*/false);
  RETURN_IF_ERROR(store_.Commit(writes));
  return AsSeenBy(caller, std::move(next));
}

absl::StatusOr<v1::QualityReview> QualityApp::ResolveDispute(
    const auth::Principal& caller, const v1::ResolveDisputeRequest& req) {
  RETURN_IF_ERROR(ValidateResolveDispute(req, scorecard_));
  RETURN_IF_ERROR(auth::RequireAnyRole(
      caller, {auth::Role::kTeamLead, auth::Role::kSupervisor}));
  ASSIGN_OR_RETURN(std::string id, ParseReviewName(req.name()));
  absl::MutexLock lock(&locks_.For(id));
  ASSIGN_OR_RETURN(v1::QualityReview review, repo_->LoadReview(id));
  if (!caller.HasRole(auth::Role::kSupervisor) &&
      caller.department != review.department()) {
    return Denied("a team lead resolves disputes of their own department");
  }
  ASSIGN_OR_RETURN(
      v1::QualityReview next,
      ApplyResolution(
          review, SeesClearText(caller) ? req : RestoreMaskedText(review, req),
          scorecard_, caller.subject, clock_.Now()));
  WriteSet writes;
  repo_->PutReview(writes, next, /*is_new=*/false);
  if (next.state() == v1::REVIEW_STATE_AMENDED) {
    outbox_.Append(writes, next.ticket(), AmendedEvent(next));
  }
  RETURN_IF_ERROR(store_.Commit(writes));
  return AsSeenBy(caller, std::move(next));
}

absl::StatusOr<v1::ListInspectionQueueResponse> QualityApp::ListInspectionQueue(
    const auth::Principal& caller, const v1::ListInspectionQueueRequest& req) {
  ASSIGN_OR_RETURN(absl::CivilMonth month, ParsePeriod(req.period()));
  if (req.reviews_per_agent() < 0 || req.reviews_per_agent() > 100) {
    return InvalidField("reviews_per_agent", "must be 0–100");
  }
  if (req.department().size() > 256) {
    return InvalidField("department", "too long");
  }
  if (!caller.HasAnyRole(kQueueReaders)) {
    return Denied("role qa, team_lead or supervisor required");
  }
  const absl::TimeZone& zone = CentreTimeZone();
  const absl::Time start = zone.At(absl::CivilSecond(month)).pre;
  const absl::Time end = zone.At(absl::CivilSecond(month + 1)).pre;

  // Tickets resolved in the month were created at most a month earlier in
  // practice; older ones resolved now are left out (documented).
  TicketListQuery query;
  query.filter.add_statuses(v1::TICKET_STATUS_RESOLVED);
  query.filter.add_statuses(v1::TICKET_STATUS_CLOSED);
  query.filter.set_department(req.department());
  *query.filter.mutable_create_time_from() =
      ToProtoTime(zone.At(absl::CivilSecond(month - 1)).pre);
  *query.filter.mutable_create_time_to() = ToProtoTime(end);
  query.descending = false;
  query.page_size = 500;
  std::vector<HandledTicket> handled;
  size_t examined = 0;
  bool truncated = false;
  do {
    ASSIGN_OR_RETURN(TicketListPage page,
                     tickets_.repository().ListTickets(query));
    for (const std::string& stored : page.tickets) {
      ++examined;
      ASSIGN_OR_RETURN(const v1::Ticket ticket,
                       TicketRepository::ParseTicket(stored));
      const absl::Time at = HandledTime(ticket);
      // A duplicate merged into another ticket was closed, not handled.
      if (at < start || at >= end || ticket.assignee().empty() ||
          !ticket.merged_into().empty()) {
        continue;
      }
      ASSIGN_OR_RETURN(std::optional<std::string> review,
                       repo_->FindReviewOfTicket(ticket.id()));
      ASSIGN_OR_RETURN(InspectionSignals signals,
                       repo_->LoadSignals(ticket.id()));
      handled.push_back(HandledTicketOf(ticket, review.has_value(), signals));
    }
    query.after_key = page.next_after_key;
    if (!query.after_key.empty() && examined >= kMaxInspectedTickets) {
      truncated = true;
      break;
    }
  } while (!query.after_key.empty());

  ASSIGN_OR_RETURN(auto reviews, repo_->CountReviewsByAgent(month));
  if (!req.department().empty()) {
    // Reviews are counted for the agents of the department only: those who
    // handled its tickets, or whose review was of its ticket.
    std::map<std::string, AgentReviews> kept;
    for (const HandledTicket& t : handled) {
      auto it = reviews.find(t.agent);
      if (it != reviews.end()) kept.insert(*it);
    }
    for (const auto& [agent, tally] : reviews) {
      if (tally.department == req.department()) kept.insert({agent, tally});
    }
    reviews = std::move(kept);
  }
  InspectionOptions options;
  options.reviews_per_agent = req.reviews_per_agent() > 0
                                  ? req.reviews_per_agent()
                                  : scorecard_.monthly_reviews_per_agent();
  options.low_csat_threshold = scorecard_.low_csat_threshold();
  InspectionPlan plan = PlanInspections(handled, reviews, options);
  v1::ListInspectionQueueResponse response;
  for (auto& c : plan.candidates) *response.add_candidates() = std::move(c);
  for (auto& c : plan.coverage) *response.add_coverage() = std::move(c);
  response.set_truncated(truncated);
  return response;
}

absl::StatusOr<v1::FollowUp> QualityApp::RecordFollowUp(
    const auth::Principal& caller, const v1::RecordFollowUpRequest& req) {
  RETURN_IF_ERROR(ValidateRecordFollowUp(req));
  RETURN_IF_ERROR(auth::RequireAnyRole(caller, kFollowUpRecorders));
  ASSIGN_OR_RETURN(std::string ticket_id,
                   ParseTicketName(req.ticket(), "ticket"));
  ASSIGN_OR_RETURN(v1::Ticket ticket,
                   tickets_.repository().LoadTicket(ticket_id));
  const absl::Time now = clock_.Now();
  ASSIGN_OR_RETURN(v1::FollowUp follow_up,
                   NewFollowUp(ticket, req, caller.subject, NewUlid(now), now));
  auto add_writes = [&](WriteSet& writes, const v1::Ticket& current) {
    repo_->PutFollowUp(writes, ticket_id, follow_up);
    outbox_.Append(writes, follow_up.ticket(),
                   FollowUpRecordedEvent(follow_up, current));
  };
  if (NeedsReopen(follow_up)) {
    RETURN_IF_ERROR(tickets_
                        .ReopenOnBehalf(caller.subject, ticket_id,
                                        "回访：问题未解决", add_writes)
                        .status());
    return follow_up;
  }
  WriteSet writes;
  add_writes(writes, ticket);
  RETURN_IF_ERROR(store_.Commit(writes));
  return follow_up;
}

}  // namespace cs::ticket::quality
