// Pure KPI aggregation of the analytics service (统计分析): no gRPC server, no
// RocksDB. Events from any producer are folded into per-ticket records and
// per-cell Buckets through the narrow AggregateState seam, so the same code
// runs against the service's store and against an in-memory map (tests, and
// the from-scratch recompute that the property tests compare with).
//
//   MemoryState state;
//   AggregationRules rules = DefaultRules();
//   RETURN_IF_ERROR(ApplyEvent(rules, event, state));   // any order, repeats
//   ok MetricsRow row = Summarize(MergeBuckets(...));
//
// ============================================================================
// KPI DEFINITIONS (exact; the README copies this block)
// ----------------------------------------------------------------------------
// Cell.   Every ticket belongs to exactly one cell: (day, channel, region,
//   grade, department, agent) where day is the calendar day of the ticket's
//   create_time in Asia/Shanghai (UTC+8, no DST) and the other dimensions are
//   the ticket's LATEST facts (the facts of the ticket event with the greatest
//   occurred_time, ties broken by the greater sequence). A ticket whose grade
//   or assignee changes moves from its old cell to its new one; a late event
//   about an old ticket updates the old ticket's day.
// tickets            number of tickets created (all states, incl. open).
// on-time response rate = on_time_responses / tickets, where a ticket is on
//   time when it has a first public response AND (routing reported its
//   FIRST_RESPONSE clock: the clock was fulfilled without breach; otherwise:
//   wall time create→first response ≤ the grade's fallback target, A 15 min,
//   B 30 min, C/unknown 2 h). Unanswered tickets count as not on time.
// FCR = solved_first_contact / tickets (TicketFacts.solved_at_first_contact).
// response time      per responded ticket: routing's FIRST_RESPONSE clock
//   elapsed (business time of the policy calendar, pauses excluded) when
//   reported, else wall time create_time → first_response_time. Average and
//   p90 over the responded tickets of the selection.
// resolution time    same with the RESOLUTION clock, else create → resolve.
// p90                exact nearest-rank over per-cell value lists (the k-th
//   smallest, k = ceil(0.9·n)); lists are merged across cells, no sketch.
// customer wait (per ticket, wall time) = the time the ticket spent queued
//   for the centre, i.e. in status NEW, OPEN, ASSIGNED or REOPENED: from
//   create_time on. Precisely: the
//   ticket's status history is the (occurred_time, sequence, facts.status)
//   of every ticket event; the ticket counts as queued from create_time to
//   its first event, and each interval between consecutive events counts
//   when the earlier event left it queued. So it is create → the first agent
//   reply (IN_PROGRESS), plus every reopen → the next agent reply. Time after
//   the last event is not counted; measured for tickets with a first
//   response only (`waited`). Wall time, not business time: analytics has
//   no calendar (routing's clocks are the business-time measures).
// customer wait time = (mean wait of PHONE tickets + mean wait of online
//   tickets: ONLINE_CHAT/APP/MINI_PROGRAM) / 2, over the halves that have
//   waited tickets (the source formula (phone wait + online queue wait)/2).
// categories         tickets created by category key = the first two levels
//   of the ticket's latest TicketFacts.category joined with " › " (product ›
//   problem type; "" when uncategorised), on the ticket's cell.
// helped tickets     (teamwork) distinct (ticket, helper, Shanghai day of
//   the reply) of TicketReplied by an AGENT author, public or internal note,
//   on a ticket whose facts at that reply name another assignee (non-empty);
//   cell: that day, the ticket's channel/region/grade/department, agent =
//   the helper.
// CSAT = satisfied / ratings: ratings = tickets with feedback csat in 1..5
//   (latest feedback per ticket), satisfied = those with csat ≥ 4.
// NPS  = 100·(promoters − detractors)/nps_responses: promoters nps 9–10,
//   detractors 0–6 (latest feedback per ticket with an NPS answer).
//   Feedback counts on the TICKET's cell (its create day), not the rating day.
// complaint rate = complaints / tickets; complaints = ComplaintFiled events
//   (once per complaint) counted on the day they were filed.
// SLA breaches       SlaBreached events, once per clock, by clock kind, on
//   the Shanghai day of breach_time; cell: channel/region/grade/department/
//   assignee of the clock at the breach (routing keeps a ticket clock's
//   channel and region those of its ticket; a complaint's clock has none).
//   Unlike a ticket's own cell, a breach does not move with later facts.
// escalations        EscalationOpened (level 1) and EscalationLevelRaised
//   (new level), once per (case, level), on the day of the event.
// KB zero-result rate = kb_zero_result_searches / kb_searches over
//   SearchPerformed (total_hits == 0), on the day of the search.
// QA reviews (质检)   qa_reviews = tickets with a QualityReviewed event;
//   qa_score = mean review total (0–100) over them, where a ticket's total
//   is that of its highest version (QualityReviewed = 1, each
//   QualityReviewAmended its `version`), kept in hundredths of a point.
//   On the ticket's cell (create day, latest assignee), like feedback.
// record completeness  records_checked = tickets with a ServiceRecordChecked
//   event or a breached RECORD_COMPLETENESS clock; records_incomplete =
//   those whose latest check (by occurred_time, sequence) was not complete
//   (missing DESIGN §4 fields or a vague result) OR whose
//   RECORD_COMPLETENESS clock breached (completed too late, > 30 min after
//   resolution). On the ticket's cell.
// Ratios are undefined (-1) when the denominator is 0.
// ============================================================================
//
// Order independence: every effect is either "latest version wins" (ticket
// facts, feedback, review version, record check) with the old contribution
// subtracted before the new one is added, or "once per key" (breaches,
// escalations, searches, complaints, a record's breached flag)
// through a dedup set, so any order and any repetition of the same events
// gives the same buckets as one pass over the distinct events.
//
// Thread-compatible: callers serialise ApplyEvent on one state.
#ifndef CS_SERVICES_ANALYTICS_DOMAIN_AGGREGATES_H_
#define CS_SERVICES_ANALYTICS_DOMAIN_AGGREGATES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cs/analytics/v1/analytics.pb.h"
#include "cs/common/v1/event.pb.h"
#include "cs/ticket/v1/events.pb.h"

namespace cs::analytics {

struct AggregationRules {
  absl::Duration fallback_target_a = absl::Minutes(15);
  absl::Duration fallback_target_b = absl::Minutes(30);
  absl::Duration fallback_target_c = absl::Hours(2);
};

// The days a request may name: four-digit years (the YYYY of the API's
// dates; cell keys compare as strings).
inline constexpr absl::string_view kFirstDay = "1000-01-01";
inline constexpr absl::string_view kLastDay = "9999-12-31";

// The Shanghai calendar day ("YYYY-MM-DD", the year zero-padded) of `t`.
std::string ShanghaiDay(absl::Time t);
// Midnight (Shanghai) starting `day`. INVALID_ARGUMENT naming `field` when
// `day` is not of the form YYYY-MM-DD, is outside [kFirstDay, kLastDay]
// (the message gives the range) or is no calendar day ("2026-02-30").
absl::StatusOr<absl::Time> ParseDay(absl::string_view day,
                                    absl::string_view field = "date");
// The days [start, end] of a request whose end defaults to its start:
// INVALID_ARGUMENT naming start_date or end_date when one is not YYYY-MM-DD,
// the end is before the start or more than 366 days after it.
absl::StatusOr<std::pair<std::string, std::string>> RequestDays(
    absl::string_view start_date, absl::string_view end_date);
// INVALID_ARGUMENT naming "filters.<dimension>" for a value no cell can hold:
// a channel that is not a Channel name without its prefix, a grade other
// than A, B, C or -, a day that is not YYYY-MM-DD, text that is not UTF-8.
absl::Status ValidateFilters(const v1::Dimensions& filters);

// The category key of a ticket (see "categories" above).
std::string CategoryKey(const ticket::v1::TicketFacts& facts);
// Seconds `record` spent queued since `created` (see "customer wait").
int64_t QueuedSeconds(const v1::TicketRecord& record, absl::Time created);

// Bucket keys: "day|channel|region|grade|department|agent".
std::string CellKey(const v1::Dimensions& d);
v1::Dimensions CellOf(absl::string_view key);

// Where ApplyEvent reads and writes. Get* return nullopt / an empty bucket
// when absent; errors are storage errors and are returned as they are.
class AggregateState {
 public:
  virtual ~AggregateState() = default;
  virtual absl::StatusOr<std::optional<v1::TicketRecord>> GetTicket(
      const std::string& ticket) = 0;
  virtual void PutTicket(const std::string& ticket,
                         const v1::TicketRecord& record) = 0;
  virtual absl::StatusOr<v1::Bucket> GetBucket(const std::string& key) = 0;
  virtual void PutBucket(const std::string& key, const v1::Bucket& bucket) = 0;
  // Whether `key` was marked (once-per-key effects).
  virtual absl::StatusOr<bool> Seen(const std::string& key) = 0;
  virtual void MarkSeen(const std::string& key) = 0;
};

// In-memory state (tests, recompute).
class MemoryState : public AggregateState {
 public:
  absl::StatusOr<std::optional<v1::TicketRecord>> GetTicket(
      const std::string& ticket) override;
  void PutTicket(const std::string& ticket,
                 const v1::TicketRecord& record) override;
  absl::StatusOr<v1::Bucket> GetBucket(const std::string& key) override;
  void PutBucket(const std::string& key, const v1::Bucket& bucket) override;
  absl::StatusOr<bool> Seen(const std::string& key) override;
  void MarkSeen(const std::string& key) override;

  std::map<std::string, v1::TicketRecord> tickets;
  // Empty buckets are erased, so two states with equal content compare equal.
  std::map<std::string, v1::Bucket> buckets;
  std::set<std::string> seen;
};

// Folds one event into `state`. Unknown types are ignored (OK); a payload
// that does not unpack is INVALID_ARGUMENT. Returns the cell keys it touched
// in `touched` when non-null.
absl::Status ApplyEvent(const AggregationRules& rules,
                        const common::v1::Event& event, AggregateState& state,
                        std::set<std::string>* touched = nullptr);

// Bucket arithmetic. Subtract removes one occurrence of each listed value.
void AddBucket(const v1::Bucket& from, v1::Bucket& into);
void SubtractBucket(const v1::Bucket& from, v1::Bucket& into);
bool IsEmptyBucket(const v1::Bucket& b);
// Canonical form (value lists sorted) for comparisons.
v1::Bucket Canonical(v1::Bucket b);

// The row of KPIs derived from `b` (dimensions left to the caller).
// `phone`/`online` are the buckets of those channels inside `b` (for the
// customer wait time; pass empty buckets when not needed).
v1::MetricsRow Summarize(const v1::Bucket& b, const v1::Bucket& phone,
                         const v1::Bucket& online);
// Whether a channel name (Dimensions.channel) is phone / online.
bool IsPhone(absl::string_view channel);
bool IsOnline(absl::string_view channel);

// Groups cells: every (key, bucket) of `cells` that matches `filters` is
// merged into the row of its group_by projection. INVALID_ARGUMENT naming
// "group_by[i]" for an unknown group_by name. Rows are ordered by their
// dimensions.
absl::StatusOr<std::vector<v1::MetricsRow>> GroupCells(
    const std::map<std::string, v1::Bucket>& cells,
    const std::vector<std::string>& group_by, const v1::Dimensions& filters);

}  // namespace cs::analytics

#endif  // CS_SERVICES_ANALYTICS_DOMAIN_AGGREGATES_H_
