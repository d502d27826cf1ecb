#include "services/ticket/quality/inspection.h"

#include <algorithm>
#include <cstdint>
#include <tuple>

#include "libs/common/fingerprint.h"

namespace cs::ticket::quality {
namespace {

struct Scored {
  const HandledTicket* ticket;
  v1::InspectionCandidate candidate;
  uint64_t hash;
};

v1::InspectionCandidate CandidateOf(const HandledTicket& t,
                                    const InspectionOptions& options) {
  v1::InspectionCandidate c;
  c.set_ticket(t.ticket);
  c.set_ticket_number(t.number);
  c.set_agent(t.agent);
  c.set_department(t.department);
  c.set_csat(t.csat);
  int priority = 0;
  if (t.csat > 0 && t.csat <= options.low_csat_threshold) {
    priority += 4;
    c.add_reasons("LOW_CSAT");
  }
  if (t.complaint_linked) {
    priority += 3;
    c.add_reasons("COMPLAINT_LINKED");
  }
  if (t.sla_breached) {
    priority += 2;
    c.add_reasons("SLA_BREACHED");
  }
  if (t.reopen_count > 0) {
    priority += 1;
    c.add_reasons("REOPENED");
  }
  c.set_priority(priority);
  for (const std::string& kind : t.breached_clocks) c.add_breached_clocks(kind);
  for (const std::string& name : t.complaints) c.add_complaints(name);
  return c;
}

}  // namespace

HandledTicket HandledTicketOf(const v1::Ticket& ticket, bool already_reviewed,
                              const InspectionSignals& signals) {
  HandledTicket t;
  t.ticket = ticket.name();
  t.number = ticket.number();
  t.agent = ticket.assignee();
  t.department = ticket.department();
  t.csat = ticket.satisfaction();
  t.reopen_count = ticket.reopen_count();
  t.already_reviewed = already_reviewed;
  t.complaints.assign(signals.complaints.begin(), signals.complaints.end());
  t.complaint_linked = !t.complaints.empty();
  t.breached_clocks.assign(signals.breached_clocks.begin(),
                           signals.breached_clocks.end());
  t.sla_breached =
      std::any_of(t.breached_clocks.begin(), t.breached_clocks.end(),
                  BreachCountsForInspection);
  return t;
}

InspectionPlan PlanInspections(
    const std::vector<HandledTicket>& handled,
    const std::map<std::string, AgentReviews>& reviews_by_agent,
    const InspectionOptions& options) {
  std::map<std::string, std::vector<Scored>> by_agent;
  std::map<std::string, v1::AgentCoverage> coverage;
  for (const HandledTicket& t : handled) {
    if (t.agent.empty()) continue;
    v1::AgentCoverage& row = coverage[t.agent];
    row.set_agent(t.agent);
    if (row.department().empty()) row.set_department(t.department);
    row.set_handled_tickets(row.handled_tickets() + 1);
    if (t.already_reviewed) continue;
    by_agent[t.agent].push_back(
        {&t, CandidateOf(t, options), Fingerprint64(t.ticket)});
  }
  for (const auto& [agent, reviews] : reviews_by_agent) {
    v1::AgentCoverage& row = coverage[agent];
    row.set_agent(agent);
    row.set_reviews(reviews.count);
    if (row.department().empty()) row.set_department(reviews.department);
  }
  InspectionPlan plan;
  for (auto& [agent, row] : coverage) {
    row.set_required(options.reviews_per_agent);
    const int wanted = std::max(0, options.reviews_per_agent - row.reviews());
    std::vector<Scored>& pool = by_agent[agent];
    std::sort(pool.begin(), pool.end(), [](const Scored& a, const Scored& b) {
      return std::make_tuple(-a.candidate.priority(), a.hash,
                             a.ticket->ticket) <
             std::make_tuple(-b.candidate.priority(), b.hash, b.ticket->ticket);
    });
    const int take = std::min<int>(wanted, static_cast<int>(pool.size()));
    for (int i = 0; i < take; ++i) plan.candidates.push_back(pool[i].candidate);
    row.set_proposed(take);
    row.set_shortfall(std::max(0, wanted - take));
    plan.coverage.push_back(row);
  }
  return plan;
}

}  // namespace cs::ticket::quality
