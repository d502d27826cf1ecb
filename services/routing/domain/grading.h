// Problem grading (客户问题分级): A urgent / B important / C normal, with the
// reasons in words so that agents and auditors can see why.
//
//   GradingPolicy policy;  // seed defaults: 100 / 10, VIP
//   // facts: cs.ticket.v1.TicketFacts
//   GradeDecision d = GradeTicket(facts, policy);
//   // facts.affected_customer_count = 120 →
//   //   d.grade == GRADE_A,
//   //   d.reasons == {"affected_customer_count 120 ≥ 100 → A"}
//
// Steps, in this order (each adds a reason):
//  1. affected_customer_count ≥ grade_a_min → A; ≥ grade_b_min → B; else C
//     (0, i.e. unknown, counts as C);
//  2. loss_estimate ≥ the major-loss threshold of its currency → A (a loss in
//     a currency without threshold is not compared, and the reason says so);
//  3. every matching GradingRule raises the grade to at least its min_grade;
//  4. a customer whose type is in upgrade_customer_types (VIP) moves one
//     grade up: C → B, B → A.
//
// Grades set by people. TicketFacts.grade is UNSPECIFIED until someone grades
// the ticket. DecideGrade keeps a grade that is already set (by the creator,
// or by a team lead through Assign) and only applies the rules when
// (a) the ticket has no grade yet, or (b) the ticket service reports that a
// grading input changed (TicketUpdated.grading_inputs_changed: stage,
// category, affected_customer_count, loss_estimate, customer_type). In (b)
// the rules win over an earlier manual grade, because they now see newer
// facts; whoever disagrees sets the grade again, which routing keeps.
//
// Pure and thread-safe.
#ifndef CS_SERVICES_ROUTING_DOMAIN_GRADING_H_
#define CS_SERVICES_ROUTING_DOMAIN_GRADING_H_

#include <string>
#include <vector>

#include "cs/common/v1/types.pb.h"
#include "cs/ticket/v1/events.pb.h"
#include "cs/ticket/v1/ticket.pb.h"

namespace cs::routing {

// An extra condition (e.g. "支付 category → at least A"). Every condition set
// must hold; empty lists mean "any". Validated by ParseRoutingConfig.
struct GradingRule {
  std::string name;
  std::string description;
  std::vector<cs::common::v1::Stage> stages;
  std::vector<cs::common::v1::Channel> channels;
  std::vector<std::string> category_prefix;
  std::vector<cs::ticket::v1::CustomerType> customer_types;
  cs::common::v1::Grade min_grade = cs::common::v1::GRADE_UNSPECIFIED;
};

struct MajorLossThreshold {
  std::string currency_code;  // ISO 4217, e.g. "CNY"
  int64_t minor_units = 0;    // > 0
};

// Defaults are the seed rules of DESIGN §4 (no major-loss threshold).
struct GradingPolicy {
  int32_t grade_a_min_affected = 100;
  int32_t grade_b_min_affected = 10;
  std::vector<MajorLossThreshold> major_loss;
  std::vector<cs::ticket::v1::CustomerType> upgrade_customer_types = {
      cs::ticket::v1::CUSTOMER_TYPE_VIP};
  std::vector<GradingRule> rules;
};

struct GradeDecision {
  cs::common::v1::Grade grade = cs::common::v1::GRADE_UNSPECIFIED;
  // Human-readable, in order, e.g. "affected_customer_count 120 ≥ 100 → A",
  // "customer_type VIP: upgraded B → A".
  std::vector<std::string> reasons;
  // False when DecideGrade kept a grade set by a person.
  bool computed = true;
};

// Applies the rules to `facts` (ignores facts.grade). Always returns A, B or C.
GradeDecision GradeTicket(const cs::ticket::v1::TicketFacts& facts,
                          const GradingPolicy& policy);

// Why routing looks at the grade.
enum class GradeTrigger {
  kTicketCreated,         // TicketCreated
  kGradingInputsChanged,  // TicketUpdated with grading_inputs_changed
};

// The grade routing records (see the file comment): facts.grade kept, with
// computed == false and a reason saying so, when it is set and the trigger is
// kTicketCreated; otherwise GradeTicket(facts, policy).
GradeDecision DecideGrade(const cs::ticket::v1::TicketFacts& facts,
                          const GradingPolicy& policy, GradeTrigger trigger);

// True when `rule` matches `facts`.
bool RuleMatches(const GradingRule& rule,
                 const cs::ticket::v1::TicketFacts& facts);

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_DOMAIN_GRADING_H_
