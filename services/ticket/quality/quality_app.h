// Application layer of cs.ticket.v1.QualityService: quality reviews (质检),
// their disputes, the inspection queue and follow-up visits (回访). No gRPC
// types; quality_grpc_service.h authenticates and forwards.
//
//   ASSIGN_OR_RETURN(auto quality,
//                    QualityApp::Create(host.store(), host.outbox(),
//                                       host.clock(), scorecard, *tickets));
//   ASSIGN_OR_RETURN(v1::QualityReview r, quality->CreateReview(qa, request));
//
// It lives in the ticket server because a review is about a ticket and must
// read it consistently (status, assignee, CSAT) and because a follow-up that
// finds the problem unsolved reopens the ticket in the same commit. Its
// records have their own column family (quality_repository.h); its events go
// to the ticket service's outbox, so they appear on the ticket EventStream.
// The inspection queue's complaint-linked and SLA-breached signals are
// recorded in the same column family by InspectionSignalFeed
// (signal_feed.h), which follows routing-sla's and complaint's events.
//
// Roles (checked here; the glue admits every authenticated caller):
//   CreateReview qa · GetReview/ListReviews qa, team_lead, supervisor,
//   director, admin (all reviews) or agent (own only) · DisputeReview the
//   reviewed agent · ResolveDispute team_lead of the review's department or
//   supervisor · ListInspectionQueue qa, team_lead, supervisor ·
//   RecordFollowUp agent, team_lead, supervisor, qa, service.
// Writes validate first (INVALID_ARGUMENT), then check the role
// (PERMISSION_DENIED), then read and change state.
//
// Thread-safe: read-modify-write of one review holds its lock stripe; one
// ticket is reviewed at most once (its stripe is held across the check).
#ifndef CS_SERVICES_TICKET_QUALITY_QUALITY_APP_H_
#define CS_SERVICES_TICKET_QUALITY_QUALITY_APP_H_

#include <memory>

#include "absl/status/statusor.h"
#include "cs/ticket/v1/quality.pb.h"
#include "libs/auth/principal.h"
#include "libs/auth/roles.h"
#include "libs/common/clock.h"
#include "libs/common/lock_stripes.h"
#include "libs/events/outbox.h"
#include "libs/store/store.h"
#include "services/ticket/quality/quality_repository.h"
#include "services/ticket/quality/scorecard.h"
#include "services/ticket/service/ticket_app.h"

namespace cs::ticket::quality {

// Most tickets one ListInspectionQueue call examines.
inline constexpr size_t kMaxInspectedTickets = 20000;

class QualityApp {
 public:
  static constexpr auth::RoleSet kReadAll{
      auth::Role::kQa, auth::Role::kTeamLead, auth::Role::kSupervisor,
      auth::Role::kDirector, auth::Role::kAdmin};
  static constexpr auth::RoleSet kQueueReaders{
      auth::Role::kQa, auth::Role::kTeamLead, auth::Role::kSupervisor};
  static constexpr auth::RoleSet kFollowUpRecorders{
      auth::Role::kAgent, auth::Role::kTeamLead, auth::Role::kSupervisor,
      auth::Role::kQa, auth::Role::kService};

  // `store` (opened with kQualityFamily among its families), `outbox`,
  // `clock` and `tickets` must outlive the app. NOT_FOUND when the family
  // is missing.
  static absl::StatusOr<std::unique_ptr<QualityApp>> Create(Store& store,
                                                            Outbox& outbox,
                                                            const Clock& clock,
                                                            Scorecard scorecard,
                                                            TicketApp& tickets);

  absl::StatusOr<v1::QualityConfig> GetScorecard(
      const auth::Principal& caller, const v1::GetScorecardRequest& req);
  absl::StatusOr<v1::QualityReview> CreateReview(
      const auth::Principal& caller, const v1::CreateReviewRequest& req);
  absl::StatusOr<v1::QualityReview> GetReview(const auth::Principal& caller,
                                              const v1::GetReviewRequest& req);
  absl::StatusOr<v1::ListReviewsResponse> ListReviews(
      const auth::Principal& caller, const v1::ListReviewsRequest& req);
  absl::StatusOr<v1::QualityReview> DisputeReview(
      const auth::Principal& caller, const v1::DisputeReviewRequest& req);
  absl::StatusOr<v1::QualityReview> ResolveDispute(
      const auth::Principal& caller, const v1::ResolveDisputeRequest& req);
  absl::StatusOr<v1::ListInspectionQueueResponse> ListInspectionQueue(
      const auth::Principal& caller, const v1::ListInspectionQueueRequest& req);
  absl::StatusOr<v1::FollowUp> RecordFollowUp(
      const auth::Principal& caller, const v1::RecordFollowUpRequest& req);

  const Scorecard& scorecard() const { return scorecard_; }

 private:
  QualityApp(Store& store, Outbox& outbox, const Clock& clock,
             Scorecard scorecard, TicketApp& tickets,
             std::unique_ptr<QualityRepository> repo)
      : store_(store),
        outbox_(outbox),
        clock_(clock),
        scorecard_(std::move(scorecard)),
        tickets_(tickets),
        repo_(std::move(repo)) {}

  // PERMISSION_DENIED unless `caller` may read `review`.
  absl::Status CheckCanRead(const auth::Principal& caller,
                            const v1::QualityReview& review) const;
  // Whether `caller` holds read_pii, and so sees reviews' free text clear.
  bool SeesClearText(const auth::Principal& caller) const;
  // `review` as `caller` may see it: its free text masked (MaskReviewText)
  // unless the caller holds read_pii.
  v1::QualityReview AsSeenBy(const auth::Principal& caller,
                             v1::QualityReview review) const;

  Store& store_;
  Outbox& outbox_;
  const Clock& clock_;
  const Scorecard scorecard_;
  TicketApp& tickets_;
  std::unique_ptr<QualityRepository> repo_;
  LockStripes locks_;
};

}  // namespace cs::ticket::quality

#endif  // CS_SERVICES_TICKET_QUALITY_QUALITY_APP_H_
