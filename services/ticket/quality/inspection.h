// The inspection queue (抽检): which handled tickets the inspectors should
// review in a month so that every agent gets at least the required number of
// reviews (seed: 1–5 per person per month), riskiest tickets first. Pure and
// thread-safe.
//
//   std::vector<HandledTicket> handled = ...;   // resolved in the month
//   InspectionPlan plan = PlanInspections(handled, reviews_by_agent,
//                                         {.reviews_per_agent = 3});
//
// Priority of a ticket (higher first): low CSAT (≤ threshold) +4,
// complaint-linked +3, SLA breached +2, reopened +1; ties go to the ticket
// with the smaller hash of its id, so the sample is spread over the month
// but the same input always gives the same queue.
#ifndef CS_SERVICES_TICKET_QUALITY_INSPECTION_H_
#define CS_SERVICES_TICKET_QUALITY_INSPECTION_H_

#include <map>
#include <string>
#include <vector>

#include "cs/ticket/v1/quality.pb.h"
#include "cs/ticket/v1/ticket.pb.h"
#include "services/ticket/quality/inspection_signals.h"

namespace cs::ticket::quality {

// What the queue needs to know about one handled ticket.
struct HandledTicket {
  std::string ticket;  // "tickets/{id}"
  std::string number;
  // The assignee: a RESOLVED or CLOSED ticket cannot be reassigned, so this
  // is the agent who held it when it was (last) resolved.
  std::string agent;
  std::string department;
  int csat = 0;  // 0 = no feedback
  bool complaint_linked = false;
  bool sla_breached = false;
  int reopen_count = 0;
  bool already_reviewed = false;
  // Shown on the candidate (sorted); the flags above decide the priority.
  std::vector<std::string> breached_clocks;
  std::vector<std::string> complaints;
};

// The facts of `ticket` (FULL or BASIC view) and of the signals recorded for
// it: complaint-linked when any complaint names it, SLA-breached when any
// breached clock kind counts (BreachCountsForInspection).
HandledTicket HandledTicketOf(const v1::Ticket& ticket, bool already_reviewed,
                              const InspectionSignals& signals);

struct InspectionOptions {
  int reviews_per_agent = 3;
  int low_csat_threshold = 2;
};

// The reviews an agent got in the period, and the department of their first
// review of it (for an agent who handled no ticket in the period).
struct AgentReviews {
  int count = 0;
  std::string department;
};

struct InspectionPlan {
  std::vector<v1::InspectionCandidate> candidates;  // by agent, then priority
  std::vector<v1::AgentCoverage> coverage;          // by agent
};

// Proposes, for every agent, up to reviews_per_agent − (reviews already made)
// unreviewed tickets. `reviews_by_agent` counts the reviews made in the
// period; agents who appear only there get a coverage row too, with the
// department of their review.
InspectionPlan PlanInspections(
    const std::vector<HandledTicket>& handled,
    const std::map<std::string, AgentReviews>& reviews_by_agent,
    const InspectionOptions& options);

}  // namespace cs::ticket::quality

#endif  // CS_SERVICES_TICKET_QUALITY_INSPECTION_H_
