// Storage of quality reviews and follow-ups: the "quality" column family of
// the ticket store (its own key space; ticket keys are never written here).
//
//   ASSIGN_OR_RETURN(auto repo, QualityRepository::Open(host.store()));
//   cs::WriteSet writes;
//   repo->PutReview(writes, review);      // record + indexes
//   outbox.Append(writes, review.ticket(), ReviewedEvent(review));
//   RETURN_IF_ERROR(host.store().Commit(writes));
//
// Keys (ids are 26-char ULIDs, so id order is creation order):
//   r/<review id>                  → v1::QualityReview
//   t/<ticket id>                  → review id (one review per ticket)
//   a/<agent>\0<review id>         → ""
//   m/<yyyymm>/<review id>         → agent (month of creation, Asia/Shanghai)
//   f/<ticket id>/<follow-up id>   → v1::FollowUp
//   s/<ticket id>/b/<clock kind>   → "" (SLA clock of that kind breached)
//   s/<ticket id>/c/<complaint>    → "" (complaint "complaints/{id}" filed)
// Index entries never change after creation (agent, ticket and month of a
// review are fixed), so a PutReview of an existing review rewrites only r/.
// A signal (s/) is one key per fact, so recording it again changes nothing
// and the two event consumers never read-modify-write the same key.
//
// Thread-safe; callers serialise read-modify-write of one review.
#ifndef CS_SERVICES_TICKET_QUALITY_QUALITY_REPOSITORY_H_
#define CS_SERVICES_TICKET_QUALITY_QUALITY_REPOSITORY_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "cs/ticket/v1/quality.pb.h"
#include "libs/store/store.h"
#include "services/ticket/quality/inspection.h"
#include "services/ticket/quality/inspection_signals.h"

namespace cs::ticket::quality {

inline constexpr char kQualityFamily[] = "quality";

struct ReviewListQuery {
  std::string agent;                                     // "" = every agent
  v1::ReviewState state = v1::REVIEW_STATE_UNSPECIFIED;  // = any
  std::string after_key;  // last key of the previous page; "" = start
  int page_size = 50;
  size_t max_scanned = 2000;
};

struct ReviewListPage {
  std::vector<v1::QualityReview> reviews;  // newest first
  std::string next_after_key;              // "" when there is nothing more
};

class QualityRepository {
 public:
  // NOT_FOUND when the store was opened without kQualityFamily.
  static absl::StatusOr<std::unique_ptr<QualityRepository>> Open(Store& store);

  // NOT_FOUND "qualityReviews/{id}"; DATA_LOSS when unparseable.
  absl::StatusOr<v1::QualityReview> LoadReview(absl::string_view id) const;
  // The review id of ticket `ticket_id`, if it was reviewed.
  absl::StatusOr<std::optional<std::string>> FindReviewOfTicket(
      absl::string_view ticket_id) const;
  // Reviews created in `month` (Asia/Shanghai), counted per agent, with the
  // department of each agent's first review of the month.
  absl::StatusOr<std::map<std::string, AgentReviews>> CountReviewsByAgent(
      absl::CivilMonth month) const;
  // INVALID_ARGUMENT on "page_token" when after_key is not of this list.
  absl::StatusOr<ReviewListPage> ListReviews(
      const ReviewListQuery& query) const;
  // The signals recorded for a ticket (empty sets when none).
  absl::StatusOr<InspectionSignals> LoadSignals(
      absl::string_view ticket_id) const;
  // Follow-ups of a ticket, oldest first.
  absl::StatusOr<std::vector<v1::FollowUp>> ListFollowUps(
      absl::string_view ticket_id) const;

  // `is_new`: also write the index entries (first write of the review).
  void PutReview(WriteSet& writes, const v1::QualityReview& review,
                 bool is_new) const;
  // `ticket_id` is the id part of follow_up.ticket().
  void PutFollowUp(WriteSet& writes, absl::string_view ticket_id,
                   const v1::FollowUp& follow_up) const;

  // Records `signal` for ticket `ticket_id`; idempotent.
  void PutSignal(WriteSet& writes, absl::string_view ticket_id,
                 const TicketSignal& signal) const;

  static std::string MonthKey(absl::CivilMonth month);  // "202611"

 private:
  QualityRepository(Store& store, ColumnFamily family)
      : store_(store), family_(family) {}

  Store& store_;
  const ColumnFamily family_;
};

}  // namespace cs::ticket::quality

#endif  // CS_SERVICES_TICKET_QUALITY_QUALITY_REPOSITORY_H_
