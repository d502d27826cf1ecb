#include "services/ticket/quality/scorecard.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"

namespace cs::ticket::quality {
namespace {

using ::testing::HasSubstr;

ItemScores Scores(std::initializer_list<std::pair<const char*, int>> list) {
  ItemScores scores;
  for (const auto& [item, score] : list) {
    v1::ItemScore* s = scores.Add();
    s->set_item(item);
    s->set_score(score);
  }
  return scores;
}

ItemScores AllDefault(int tone_score) {
  return Scores({{"service_language", 10},
                 {"attitude", 10},
                 {"tone", tone_score},
                 {"understanding", 10},
                 {"adaptability", 10},
                 {"process_compliance", 10}});
}

TEST(ScorecardTest, PerfectReviewScoresHundred) {
  EXPECT_DOUBLE_EQ(DefaultScorecard().Total(AllDefault(10)), 100.0);
}

TEST(ScorecardTest, TotalIsWeightedShareOfEachMax) {
  // tone: weight 15, 6/10 → loses 6 points.
  EXPECT_DOUBLE_EQ(DefaultScorecard().Total(AllDefault(6)), 94.0);
}

TEST(ScorecardTest, ItemsOnDifferentScalesAndRounding) {
  absl::StatusOr<Scorecard> card = ParseScorecard(
      R"pb(
        items {
          key: "service_language"
          label: "服务用语"
          max_score: 5
          weight: 30
        }
        items { key: "attitude" label: "服务态度" max_score: 3 weight: 70 }
      )pb",
      "test");
  ASSERT_TRUE(card.ok()) << card.status();
  // 4/5 × 30 + 1/3 × 70 = 24 + 23.333… = 47.33
  EXPECT_DOUBLE_EQ(
      card->Total(Scores({{"service_language", 4}, {"attitude", 1}})), 47.33);
  EXPECT_DOUBLE_EQ(
      card->Total(Scores({{"service_language", 0}, {"attitude", 0}})), 0.0);
  EXPECT_EQ(card->monthly_reviews_per_agent(), 3);
  EXPECT_DOUBLE_EQ(card->survey_share(), 0.1);
}

TEST(ScorecardTest, ValidateScoresNamesTheField) {
  const Scorecard& card = DefaultScorecard();
  EXPECT_TRUE(card.ValidateScores(AllDefault(0), "scores").ok());

  absl::Status too_high = card.ValidateScores(AllDefault(11), "scores");
  EXPECT_EQ(too_high.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(too_high).at(0).field, "scores[2].score");

  ItemScores unknown = AllDefault(5);
  unknown[0].set_item("礼貌");
  EXPECT_EQ(
      FieldViolationsOf(card.ValidateScores(unknown, "scores")).at(0).field,
      "scores[0].item");

  ItemScores missing = AllDefault(5);
  missing.RemoveLast();
  absl::Status s = card.ValidateScores(missing, "scores");
  EXPECT_EQ(FieldViolationsOf(s).at(0).field, "scores");
  EXPECT_THAT(s.message(), HasSubstr("process_compliance"));

  ItemScores twice = AllDefault(5);
  twice[1].set_item("service_language");
  EXPECT_EQ(FieldViolationsOf(card.ValidateScores(twice, "scores")).at(0).field,
            "scores[1].item");

  ItemScores negative = AllDefault(-1);
  EXPECT_FALSE(card.ValidateScores(negative, "scores").ok());
}

TEST(ScorecardTest, RejectsBadConfig) {
  EXPECT_THAT(ParseScorecard("", "q.conf").status().message(),
              HasSubstr("items"));
  EXPECT_THAT(
      ParseScorecard(R"pb(
                       items { key: "a" label: "甲" max_score: 10 weight: 50 }
                       items { key: "b" label: "乙" max_score: 10 weight: 40 }
                     )pb",
                     "q.conf")
          .status()
          .message(),
      HasSubstr("sum to 100"));
  EXPECT_THAT(
      ParseScorecard(R"pb(
                       items { key: "a" label: "甲" max_score: 10 weight: 50 }
                       items { key: "a" label: "乙" max_score: 10 weight: 50 }
                     )pb",
                     "q.conf")
          .status()
          .message(),
      HasSubstr("items[1].key"));
  EXPECT_THAT(
      ParseScorecard(R"pb(
                       items { key: "a" label: "甲" max_score: 0 weight: 100 }
                     )pb",
                     "q.conf")
          .status()
          .message(),
      HasSubstr("items[0].max_score"));
  EXPECT_THAT(
      ParseScorecard(R"pb(
                       items { key: "a" label: "甲" max_score: 5 weight: 100 }
                       survey_share: 1.5
                     )pb",
                     "q.conf")
          .status()
          .message(),
      HasSubstr("survey_share"));
  EXPECT_FALSE(ParseScorecard("items {", "q.conf").ok());
}

}  // namespace
}  // namespace cs::ticket::quality
