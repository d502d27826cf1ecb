#include "services/routing/domain/grading.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/routing/domain/conditions.h"

namespace cs::routing {
namespace {

// "CNY 1,000.00"-style text without separators: "CNY 1000.00". Two minor
// digits except for the common zero-decimal currencies.
std::string MoneyText(absl::string_view currency, int64_t minor_units) {
  static const char* const kZeroDecimal[] = {"JPY", "KRW", "VND", "CLP",
                                             "ISK", "UGX", "XAF", "XOF"};
  for (const char* code : kZeroDecimal) {
    if (currency == code) return absl::StrCat(currency, " ", minor_units);
  }
  const bool negative = minor_units < 0;
  const uint64_t abs = negative ? 0 - static_cast<uint64_t>(minor_units)
                                : static_cast<uint64_t>(minor_units);
  return absl::StrFormat("%s %s%d.%02d", currency, negative ? "-" : "",
                         abs / 100, abs % 100);
}

std::string RuleLabel(const GradingRule& rule) {
  std::string label = absl::StrCat("rule \"", rule.name, "\"");
  if (!rule.description.empty())
    absl::StrAppend(&label, " (", rule.description, ")");
  return label;
}

std::string RuleConditions(const GradingRule& rule,
                           const cs::ticket::v1::TicketFacts& facts) {
  std::vector<std::string> parts;
  if (!rule.stages.empty())
    parts.push_back("stage " + StageName(facts.stage()));
  if (!rule.channels.empty())
    parts.push_back("channel " + ChannelName(facts.channel()));
  if (!rule.category_prefix.empty())
    parts.push_back("category " + CategoryText(rule.category_prefix));
  if (!rule.customer_types.empty())
    parts.push_back("customer_type " + CustomerTypeName(facts.customer_type()));
  return absl::StrJoin(parts, ", ");
}

}  // namespace

bool RuleMatches(const GradingRule& rule,
                 const cs::ticket::v1::TicketFacts& facts) {
  const std::vector<std::string> category(facts.category().begin(),
                                          facts.category().end());
  return AnyOf(rule.stages, facts.stage()) &&
         AnyOf(rule.channels, facts.channel()) &&
         CategoryHasPrefix(category, rule.category_prefix) &&
         AnyOf(rule.customer_types, facts.customer_type());
}

GradeDecision GradeTicket(const cs::ticket::v1::TicketFacts& facts,
                          const GradingPolicy& policy) {
  GradeDecision d;
  const int64_t count = facts.affected_customer_count();
  if (count >= policy.grade_a_min_affected) {
    d.grade = cs::common::v1::GRADE_A;
    d.reasons.push_back(absl::StrCat("affected_customer_count ", count, " ≥ ",
                                     policy.grade_a_min_affected, " → A"));
  } else if (count >= policy.grade_b_min_affected) {
    d.grade = cs::common::v1::GRADE_B;
    d.reasons.push_back(absl::StrCat("affected_customer_count ", count, " in ",
                                     policy.grade_b_min_affected, "–",
                                     policy.grade_a_min_affected - 1, " → B"));
  } else {
    d.grade = cs::common::v1::GRADE_C;
    d.reasons.push_back(absl::StrCat("affected_customer_count ", count, " ≤ ",
                                     policy.grade_b_min_affected - 1, " → C"));
  }

  if (facts.has_loss_estimate() && facts.loss_estimate().minor_units() > 0) {
    const cs::common::v1::Money& loss = facts.loss_estimate();
    const MajorLossThreshold* threshold = nullptr;
    for (const MajorLossThreshold& t : policy.major_loss) {
      if (t.currency_code == loss.currency_code()) threshold = &t;
    }
    if (threshold != nullptr) {
      if (loss.minor_units() >= threshold->minor_units) {
        const cs::common::v1::Grade before = d.grade;
        d.grade = cs::common::v1::GRADE_A;
        d.reasons.push_back(absl::StrCat(
            "loss_estimate ",
            MoneyText(loss.currency_code(), loss.minor_units()), " ≥ ",
            MoneyText(threshold->currency_code, threshold->minor_units),
            " (major loss) → A",
            before == cs::common::v1::GRADE_A
                ? ""
                : " (was " + GradeLetter(before) + ")"));
      }
    } else if (!policy.major_loss.empty()) {
      d.reasons.push_back(absl::StrCat(
          "loss_estimate in ",
          loss.currency_code().empty() ? "(no currency)" : loss.currency_code(),
          " not compared: no major-loss threshold for that currency"));
    }
  }

  for (const GradingRule& rule : policy.rules) {
    if (!RuleMatches(rule, facts)) continue;
    if (MoreUrgent(rule.min_grade, d.grade)) {
      d.reasons.push_back(absl::StrCat(
          RuleLabel(rule), ": ", RuleConditions(rule, facts), " → at least ",
          GradeLetter(rule.min_grade), " (was ", GradeLetter(d.grade), ")"));
      d.grade = rule.min_grade;
    } else {
      d.reasons.push_back(
          absl::StrCat(RuleLabel(rule), ": ", RuleConditions(rule, facts),
                       " → at least ", GradeLetter(rule.min_grade),
                       " (already ", GradeLetter(d.grade), ")"));
    }
  }

  if (Contains(policy.upgrade_customer_types, facts.customer_type())) {
    const cs::common::v1::Grade before = d.grade;
    d.grade = UpgradeOneLevel(before);
    if (before == d.grade) {
      d.reasons.push_back(absl::StrCat("customer_type ",
                                       CustomerTypeName(facts.customer_type()),
                                       ": already A"));
    } else {
      d.reasons.push_back(absl::StrCat(
          "customer_type ", CustomerTypeName(facts.customer_type()),
          ": upgraded ", GradeLetter(before), " → ", GradeLetter(d.grade)));
    }
  }
  return d;
}

GradeDecision DecideGrade(const cs::ticket::v1::TicketFacts& facts,
                          const GradingPolicy& policy, GradeTrigger trigger) {
  const cs::common::v1::Grade given = facts.grade();
  const bool set = given == cs::common::v1::GRADE_A ||
                   given == cs::common::v1::GRADE_B ||
                   given == cs::common::v1::GRADE_C;
  if (set && trigger == GradeTrigger::kTicketCreated) {
    GradeDecision rules = GradeTicket(facts, policy);
    GradeDecision d;
    d.grade = given;
    d.computed = false;
    d.reasons.push_back(
        absl::StrCat("grade ", GradeLetter(given),
                     " set on the ticket; kept (the rules would give ",
                     GradeLetter(rules.grade), ")"));
    return d;
  }
  GradeDecision d = GradeTicket(facts, policy);
  if (set && trigger == GradeTrigger::kGradingInputsChanged) {
    d.reasons.push_back(
        absl::StrCat("re-graded because grading inputs changed (was ",
                     GradeLetter(given), ")"));
  }
  return d;
}

}  // namespace cs::routing
