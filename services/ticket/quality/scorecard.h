// The quality scorecard (质检评分表): its configuration and the arithmetic of
// a review's total. Pure functions, no I/O; thread-safe.
//
//   ASSIGN_OR_RETURN(Scorecard card, ParseScorecard(text,
//   "quality.textproto"));
//   RETURN_IF_ERROR(card.ValidateScores(request.scores(), "scores"));
//   double total = card.Total(request.scores());   // 0–100
//
// The total is Σ score/max_score × weight over the items, with weights that
// sum to 100, rounded to 0.01: a perfect review scores 100 whatever the
// items' scales.
#ifndef CS_SERVICES_TICKET_QUALITY_SCORECARD_H_
#define CS_SERVICES_TICKET_QUALITY_SCORECARD_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cs/ticket/v1/quality.pb.h"
#include "google/protobuf/repeated_field.h"

namespace cs::ticket::quality {

// The defaults quality-free deployments run with (also the shipped
// deploy/config/quality.textproto): 服务用语, 服务态度, 语气语调, 需求理解,
// 应变能力, 流程规范; 3 reviews per agent per month; low CSAT ≤ 2; 10% surveys.
inline constexpr char kDefaultQualityConfigText[] = R"pb(
  items { key: "service_language" label: "服务用语" max_score: 10 weight: 15 }
  items { key: "attitude" label: "服务态度" max_score: 10 weight: 20 }
  items { key: "tone" label: "语气语调" max_score: 10 weight: 15 }
  items { key: "understanding" label: "需求理解" max_score: 10 weight: 20 }
  items { key: "adaptability" label: "应变能力" max_score: 10 weight: 10 }
  items { key: "process_compliance" label: "流程规范" max_score: 10 weight: 20 }
  monthly_reviews_per_agent: 3
  low_csat_threshold: 2
  survey_share: 0.1
)pb";

using ItemScores = google::protobuf::RepeatedPtrField<v1::ItemScore>;

class Scorecard {
 public:
  // The validated configuration, defaults filled in.
  const v1::QualityConfig& config() const { return config_; }
  int monthly_reviews_per_agent() const {
    return config_.monthly_reviews_per_agent();
  }
  int low_csat_threshold() const { return config_.low_csat_threshold(); }
  double survey_share() const { return config_.survey_share(); }

  // OK when `scores` names every item exactly once with 0 ≤ score ≤
  // max_score and notes of at most 500 characters; otherwise
  // INVALID_ARGUMENT naming "<field>[i].item", "<field>[i].score",
  // "<field>[i].note" or "<field>" (an item missing).
  absl::Status ValidateScores(const ItemScores& scores,
                              absl::string_view field) const;
  // Weighted total on the 0–100 scale, rounded to 0.01. `scores` must have
  // passed ValidateScores.
  double Total(const ItemScores& scores) const;

 private:
  friend absl::StatusOr<Scorecard> MakeScorecard(v1::QualityConfig config,
                                                 absl::string_view source);
  v1::QualityConfig config_;
};

// Validates `config` and fills defaults (monthly_reviews_per_agent 3,
// low_csat_threshold 2, survey_share 0.1). INVALID_ARGUMENT "<source>:
// <field path>: <problem>" for: no items, a bad or duplicate key, an empty
// label, max_score outside 1–1000, weight ≤ 0, weights not summing to 100
// (±0.001), monthly_reviews_per_agent outside 0–100, low_csat_threshold
// outside 0–5, survey_share outside 0–1.
absl::StatusOr<Scorecard> MakeScorecard(v1::QualityConfig config,
                                        absl::string_view source);
// Parses text-format QualityConfig, then MakeScorecard.
absl::StatusOr<Scorecard> ParseScorecard(absl::string_view text,
                                         absl::string_view source);
// The built-in default (kDefaultQualityConfigText). Never fails.
const Scorecard& DefaultScorecard();

}  // namespace cs::ticket::quality

#endif  // CS_SERVICES_TICKET_QUALITY_SCORECARD_H_
