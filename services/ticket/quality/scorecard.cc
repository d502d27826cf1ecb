#include "services/ticket/quality/scorecard.h"

#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "libs/common/errors.h"
#include "libs/common/utf8.h"

namespace cs::ticket::quality {
namespace {

bool IsItemKey(absl::string_view key) {
  if (key.empty() || key.size() > 32) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

absl::Status ConfigError(absl::string_view source, absl::string_view field,
                         absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat(source, ": ", field, ": ", problem));
}

}  // namespace

absl::StatusOr<Scorecard> MakeScorecard(v1::QualityConfig config,
                                        absl::string_view source) {
  if (config.items().empty()) {
    return ConfigError(source, "items", "at least one item is required");
  }
  std::set<std::string> keys;
  double weights = 0;
  for (int i = 0; i < config.items_size(); ++i) {
    const v1::ScorecardItem& item = config.items(i);
    const std::string path = absl::StrCat("items[", i, "]");
    if (!IsItemKey(item.key())) {
      return ConfigError(source, path + ".key", "must be 1–32 of [a-z0-9_]");
    }
    if (!keys.insert(item.key()).second) {
      return ConfigError(source, path + ".key",
                         absl::StrCat("duplicate item \"", item.key(), "\""));
    }
    if (item.label().empty() || !IsValidUtf8(item.label())) {
      return ConfigError(source, path + ".label", "is required");
    }
    if (item.max_score() < 1 || item.max_score() > 1000) {
      return ConfigError(source, path + ".max_score", "must be 1–1000");
    }
    if (!(item.weight() > 0)) {
      return ConfigError(source, path + ".weight", "must be > 0");
    }
    weights += item.weight();
  }
  if (std::fabs(weights - 100) > 0.001) {
    return ConfigError(source, "items.weight",
                       absl::StrCat("weights must sum to 100, got ", weights));
  }
  if (config.monthly_reviews_per_agent() == 0) {
    config.set_monthly_reviews_per_agent(3);
  }
  if (config.monthly_reviews_per_agent() < 0 ||
      config.monthly_reviews_per_agent() > 100) {
    return ConfigError(source, "monthly_reviews_per_agent", "must be 0–100");
  }
  if (config.low_csat_threshold() == 0) config.set_low_csat_threshold(2);
  if (config.low_csat_threshold() < 0 || config.low_csat_threshold() > 5) {
    return ConfigError(source, "low_csat_threshold", "must be 0–5");
  }
  if (!config.has_survey_share()) config.set_survey_share(0.1);
  if (!(config.survey_share() >= 0 && config.survey_share() <= 1)) {
    return ConfigError(source, "survey_share", "must be 0–1");
  }
  Scorecard card;
  card.config_ = std::move(config);
  return card;
}

absl::StatusOr<Scorecard> ParseScorecard(absl::string_view text,
                                         absl::string_view source) {
  v1::QualityConfig config;
  if (!google::protobuf::TextFormat::ParseFromString(std::string(text),
                                                     &config)) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": not a text-format cs.ticket.v1.QualityConfig"));
  }
  return MakeScorecard(std::move(config), source);
}

const Scorecard& DefaultScorecard() {
  static const Scorecard* card = [] {
    absl::StatusOr<Scorecard> parsed =
        ParseScorecard(kDefaultQualityConfigText, "built-in");
    return new Scorecard(*std::move(parsed));
  }();
  return *card;
}

absl::Status Scorecard::ValidateScores(const ItemScores& scores,
                                       absl::string_view field) const {
  std::map<std::string, int> max_of;
  for (const v1::ScorecardItem& item : config_.items()) {
    max_of[item.key()] = item.max_score();
  }
  std::set<std::string> seen;
  for (int i = 0; i < scores.size(); ++i) {
    const v1::ItemScore& s = scores[i];
    const std::string path = absl::StrCat(field, "[", i, "]");
    auto it = max_of.find(s.item());
    if (it == max_of.end()) {
      return InvalidField(path + ".item",
                          absl::StrCat("unknown scorecard item \"",
                                       Utf8Prefix(s.item(), 32), "\""));
    }
    if (!seen.insert(s.item()).second) {
      return InvalidField(path + ".item",
                          absl::StrCat("item \"", s.item(), "\" scored twice"));
    }
    if (s.score() < 0 || s.score() > it->second) {
      return InvalidField(path + ".score",
                          absl::StrCat("must be 0–", it->second, " for \"",
                                       s.item(), "\", got ", s.score()));
    }
    if (!IsValidUtf8(s.note()) || CharLength(s.note()) > 500 ||
        HasControlChars(s.note(), /*allow_newlines=*/true)) {
      return InvalidField(path + ".note",
                          "must be valid text of at most 500 characters");
    }
  }
  for (const auto& [key, max] : max_of) {
    if (!seen.count(key)) {
      return InvalidField(field, absl::StrCat("item \"", key, "\" not scored"));
    }
  }
  return absl::OkStatus();
}

double Scorecard::Total(const ItemScores& scores) const {
  double total = 0;
  for (const v1::ScorecardItem& item : config_.items()) {
    for (const v1::ItemScore& s : scores) {
      if (s.item() == item.key()) {
        total += item.weight() * s.score() / item.max_score();
      }
    }
  }
  return std::round(total * 100) / 100;
}

}  // namespace cs::ticket::quality
