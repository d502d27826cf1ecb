#include "services/ticket/quality/quality_repository.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "libs/common/errors.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "services/ticket/domain/ticket_number.h"

namespace cs::ticket::quality {
namespace {

constexpr size_t kIdLength = 26;

std::string ReviewKey(absl::string_view id) { return absl::StrCat("r/", id); }
std::string TicketKey(absl::string_view id) { return absl::StrCat("t/", id); }
std::string AgentPrefix(absl::string_view agent) {
  return absl::StrCat("a/", agent, absl::string_view("\0", 1));
}
std::string MonthPrefix(absl::CivilMonth month) {
  return absl::StrCat("m/", QualityRepository::MonthKey(month), "/");
}
std::string SignalPrefix(absl::string_view ticket_id) {
  return absl::StrCat("s/", ticket_id, "/");
}
constexpr absl::string_view kBreachTag = "b/";
constexpr absl::string_view kComplaintTag = "c/";

}  // namespace

absl::StatusOr<std::unique_ptr<QualityRepository>> QualityRepository::Open(
    Store& store) {
  ASSIGN_OR_RETURN(ColumnFamily family, store.Family(kQualityFamily));
  return std::unique_ptr<QualityRepository>(
      new QualityRepository(store, family));
}

std::string QualityRepository::MonthKey(absl::CivilMonth month) {
  return absl::StrFormat("%04d%02d", month.year(), month.month());
}

absl::StatusOr<v1::QualityReview> QualityRepository::LoadReview(
    absl::string_view id) const {
  v1::QualityReview review;
  absl::Status status = store_.GetProto(family_, ReviewKey(id), &review);
  if (absl::IsNotFound(status)) {
    return absl::NotFoundError(absl::StrCat("qualityReviews/", id));
  }
  RETURN_IF_ERROR(status);
  return review;
}

absl::StatusOr<std::optional<std::string>>
QualityRepository::FindReviewOfTicket(absl::string_view ticket_id) const {
  absl::StatusOr<std::string> id = store_.Get(family_, TicketKey(ticket_id));
  if (absl::IsNotFound(id.status())) return std::nullopt;
  RETURN_IF_ERROR(id.status());
  return *std::move(id);
}

absl::StatusOr<std::map<std::string, AgentReviews>>
QualityRepository::CountReviewsByAgent(absl::CivilMonth month) const {
  std::map<std::string, AgentReviews> counts;
  std::map<std::string, std::string> first_review;  // agent → review id
  const std::string prefix = MonthPrefix(month);
  RETURN_IF_ERROR(
      store_.Scan(family_, prefix, PrefixEnd(prefix), 0,
                  [&](absl::string_view key, absl::string_view agent) {
                    ++counts[std::string(agent)].count;
                    first_review.emplace(agent, key.substr(prefix.size()));
                    return true;
                  }));
  for (const auto& [agent, id] : first_review) {
    ASSIGN_OR_RETURN(const v1::QualityReview review, LoadReview(id));
    counts[agent].department = review.department();
  }
  return counts;
}

absl::StatusOr<ReviewListPage> QualityRepository::ListReviews(
    const ReviewListQuery& query) const {
  const std::string prefix =
      query.agent.empty() ? std::string("r/") : AgentPrefix(query.agent);
  if (!query.after_key.empty() &&
      (!absl::StartsWith(query.after_key, prefix) ||
       query.after_key.size() != prefix.size() + kIdLength)) {
    return InvalidField("page_token", "does not belong to this list");
  }
  ReviewListPage page;
  const size_t page_size = static_cast<size_t>(std::max(query.page_size, 1));
  size_t scanned = 0;
  bool more = false;
  std::string last_key;
  absl::Status error;
  const std::string end =
      query.after_key.empty() ? PrefixEnd(prefix) : query.after_key;
  RETURN_IF_ERROR(store_.ScanReverse(
      family_, prefix, end, 0, [&](absl::string_view key, absl::string_view) {
        if (page.reviews.size() >= page_size || scanned >= query.max_scanned) {
          more = true;
          return false;
        }
        ++scanned;
        last_key = std::string(key);
        absl::StatusOr<v1::QualityReview> review =
            LoadReview(key.substr(prefix.size()));
        if (!review.ok()) {
          error = review.status();
          return false;
        }
        if (query.state == v1::REVIEW_STATE_UNSPECIFIED ||
            review->state() == query.state) {
          page.reviews.push_back(*std::move(review));
        }
        return true;
      }));
  RETURN_IF_ERROR(error);
  if (more) page.next_after_key = std::move(last_key);
  return page;
}

absl::StatusOr<InspectionSignals> QualityRepository::LoadSignals(
    absl::string_view ticket_id) const {
  InspectionSignals signals;
  const std::string prefix = SignalPrefix(ticket_id);
  RETURN_IF_ERROR(
      store_.Scan(family_, prefix, PrefixEnd(prefix), 0,
                  [&](absl::string_view key, absl::string_view) {
                    key.remove_prefix(prefix.size());
                    if (absl::ConsumePrefix(&key, kBreachTag)) {
                      signals.breached_clocks.emplace(key);
                    } else if (absl::ConsumePrefix(&key, kComplaintTag)) {
                      signals.complaints.emplace(key);
                    }
                    return true;
                  }));
  return signals;
}

absl::StatusOr<std::vector<v1::FollowUp>> QualityRepository::ListFollowUps(
    absl::string_view ticket_id) const {
  return store_.ListProtos<v1::FollowUp>(
      family_, absl::StrCat("f/", ticket_id, "/"), "follow-up");
}

void QualityRepository::PutReview(WriteSet& writes,
                                  const v1::QualityReview& review,
                                  bool is_new) const {
  writes.PutProto(family_, ReviewKey(review.id()), review);
  if (!is_new) return;
  const absl::string_view ticket_id =
      absl::string_view(review.ticket()).substr(sizeof("tickets/") - 1);
  writes.Put(family_, TicketKey(ticket_id), review.id());
  writes.Put(family_, AgentPrefix(review.agent()) + review.id(), "");
  const absl::CivilMonth month(
      CentreTimeZone().At(FromProtoTime(review.create_time())).cs);
  writes.Put(family_, MonthPrefix(month) + review.id(), review.agent());
}

void QualityRepository::PutSignal(WriteSet& writes, absl::string_view ticket_id,
                                  const TicketSignal& signal) const {
  const std::string prefix = SignalPrefix(ticket_id);
  if (!signal.breached_clock.empty()) {
    writes.Put(family_, absl::StrCat(prefix, kBreachTag, signal.breached_clock),
               "");
  }
  if (!signal.complaint.empty()) {
    writes.Put(family_, absl::StrCat(prefix, kComplaintTag, signal.complaint),
               "");
  }
}

void QualityRepository::PutFollowUp(WriteSet& writes,
                                    absl::string_view ticket_id,
                                    const v1::FollowUp& follow_up) const {
  writes.PutProto(family_, absl::StrCat("f/", ticket_id, "/", follow_up.id()),
                  follow_up);
}

}  // namespace cs::ticket::quality
