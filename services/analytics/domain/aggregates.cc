#include "services/analytics/domain/aggregates.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "cs/escalation/v1/escalation.pb.h"
#include "cs/kb/v1/events.pb.h"
#include "cs/routing/v1/routing.pb.h"
#include "cs/ticket/v1/events.pb.h"
#include "cs/ticket/v1/quality.pb.h"
#include "libs/common/channel_name.h"
#include "libs/common/errors.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "libs/common/utf8.h"

namespace cs::analytics {
namespace {

const absl::TimeZone& Shanghai() {
  static const absl::TimeZone* tz =
      new absl::TimeZone(absl::FixedTimeZone(8 * 3600));
  return *tz;
}

std::string GradeName(common::v1::Grade grade) {
  switch (grade) {
    case common::v1::GRADE_A:
      return "A";
    case common::v1::GRADE_B:
      return "B";
    case common::v1::GRADE_C:
      return "C";
    default:
      return "-";
  }
}

bool IsQueued(int status) {
  return status == ticket::v1::TICKET_STATUS_NEW ||
         status == ticket::v1::TICKET_STATUS_OPEN ||
         status == ticket::v1::TICKET_STATUS_ASSIGNED ||
         status == ticket::v1::TICKET_STATUS_REOPENED;
}

}  // namespace

std::string CategoryKey(const ticket::v1::TicketFacts& facts) {
  std::string key;
  for (int i = 0; i < facts.category_size() && i < 2; ++i) {
    absl::StrAppend(&key, i == 0 ? "" : " › ", facts.category(i));
  }
  return key;
}

int64_t QueuedSeconds(const v1::TicketRecord& record, absl::Time created) {
  std::vector<const v1::StatusObservation*> seen;
  for (const v1::StatusObservation& o : record.statuses()) seen.push_back(&o);
  std::sort(seen.begin(), seen.end(),
            [](const v1::StatusObservation* a, const v1::StatusObservation* b) {
              const absl::Time ta = FromProtoTime(a->time());
              const absl::Time tb = FromProtoTime(b->time());
              return ta != tb ? ta < tb : a->sequence() < b->sequence();
            });
  // Before the first observation the ticket is new, hence queued.
  bool queued = true;
  absl::Time since = created;
  absl::Duration waited;
  for (const v1::StatusObservation* o : seen) {
    const absl::Time at = std::max(created, FromProtoTime(o->time()));
    if (queued) waited += at - since;
    since = at;
    queued = IsQueued(o->status());
  }
  return absl::ToInt64Seconds(waited);
}

namespace {

// The ticket's cell and its contribution; nullopt when it has no facts yet.
std::optional<std::pair<std::string, v1::Bucket>> Contribution(
    const AggregationRules& rules, const v1::TicketRecord& record) {
  if (record.facts().empty()) return std::nullopt;
  ticket::v1::TicketFacts facts;
  if (!facts.ParseFromString(record.facts()) || !facts.has_create_time()) {
    return std::nullopt;
  }
  const absl::Time created = FromProtoTime(facts.create_time());
  v1::Dimensions d;
  d.set_day(ShanghaiDay(created));
  d.set_channel(ChannelShortName(facts.channel()));
  d.set_region(facts.region());
  d.set_grade(GradeName(facts.grade()));
  d.set_department(facts.department());
  d.set_agent(facts.assignee());
  v1::Bucket b;
  b.set_tickets(1);
  if (facts.has_first_response_time()) {
    b.set_responded(1);
    const absl::Duration wall =
        FromProtoTime(facts.first_response_time()) - created;
    const int64_t seconds = record.has_business_response()
                                ? record.business_response_seconds()
                                : absl::ToInt64Seconds(wall);
    b.add_response_seconds(seconds);
    const bool routing_known =
        record.has_business_response() || record.response_breached();
    bool on_time;
    if (routing_known) {
      on_time = !record.response_breached();
    } else {
      absl::Duration target = rules.fallback_target_c;
      if (facts.grade() == common::v1::GRADE_A) {
        target = rules.fallback_target_a;
      } else if (facts.grade() == common::v1::GRADE_B) {
        target = rules.fallback_target_b;
      }
      on_time = wall <= target;
    }
    if (on_time) b.set_on_time_responses(1);
    b.add_wait_seconds(QueuedSeconds(record, created));
  }
  (*b.mutable_tickets_by_category())[CategoryKey(facts)] = 1;
  if (facts.solved_at_first_contact()) b.set_solved_first_contact(1);
  if (facts.has_resolve_time()) {
    b.set_resolved(1);
    b.add_resolution_seconds(
        record.has_business_resolution()
            ? record.business_resolution_seconds()
            : absl::ToInt64Seconds(FromProtoTime(facts.resolve_time()) -
                                   created));
  }
  if (record.has_feedback() && record.csat() >= 1 && record.csat() <= 5) {
    b.set_ratings(1);
    if (record.csat() >= 4) b.set_satisfied(1);
  }
  if (record.has_nps() && record.nps() >= 0 && record.nps() <= 10) {
    b.set_nps_responses(1);
    if (record.nps() >= 9) b.set_promoters(1);
    if (record.nps() <= 6) b.set_detractors(1);
  }
  if (record.review_version() > 0) {
    b.set_qa_reviews(1);
    b.set_qa_points(record.review_points());
  }
  if (record.has_record_check() || record.record_breached()) {
    b.set_records_checked(1);
    if (record.record_breached() || !record.record_complete()) {
      b.set_records_incomplete(1);
    }
  }
  return std::make_pair(CellKey(d), std::move(b));
}

bool Newer(const google::protobuf::Timestamp& t, uint64_t seq,
           const v1::TicketRecord& record) {
  if (record.facts().empty()) return true;
  const absl::Time a = FromProtoTime(t);
  const absl::Time b = FromProtoTime(record.facts_time());
  if (a != b) return a > b;
  return seq > record.facts_sequence();
}

std::string TicketOf(absl::string_view subject) {
  return std::string(subject);
}

// Read-modify-write of one ticket record, moving its contribution.
template <typename Mutate>
absl::Status UpdateTicket(const AggregationRules& rules,
                          const std::string& ticket, AggregateState& state,
                          std::set<std::string>* touched, Mutate mutate) {
  ASSIGN_OR_RETURN(std::optional<v1::TicketRecord> existing,
                   state.GetTicket(ticket));
  v1::TicketRecord record = existing.value_or(v1::TicketRecord());
  const auto before = Contribution(rules, record);
  if (!mutate(record)) return absl::OkStatus();
  const auto after = Contribution(rules, record);
  state.PutTicket(ticket, record);
  if (before) {
    ASSIGN_OR_RETURN(v1::Bucket bucket, state.GetBucket(before->first));
    SubtractBucket(before->second, bucket);
    state.PutBucket(before->first, bucket);
    if (touched) touched->insert(before->first);
  }
  if (after) {
    ASSIGN_OR_RETURN(v1::Bucket bucket, state.GetBucket(after->first));
    AddBucket(after->second, bucket);
    state.PutBucket(after->first, bucket);
    if (touched) touched->insert(after->first);
  }
  return absl::OkStatus();
}

// Adds `delta` to the cell `d` once per `dedup`.
absl::Status AddOnce(const std::string& dedup, const v1::Dimensions& d,
                     const v1::Bucket& delta, AggregateState& state,
                     std::set<std::string>* touched) {
  ASSIGN_OR_RETURN(bool seen, state.Seen(dedup));
  if (seen) return absl::OkStatus();
  state.MarkSeen(dedup);
  const std::string key = CellKey(d);
  ASSIGN_OR_RETURN(v1::Bucket bucket, state.GetBucket(key));
  AddBucket(delta, bucket);
  state.PutBucket(key, bucket);
  if (touched) touched->insert(key);
  return absl::OkStatus();
}

absl::Status Unpackable(const common::v1::Event& event) {
  return absl::InvalidArgumentError(absl::StrCat(
      "event ", event.sequence(), " of type ", event.type(),
      " has a payload that does not parse"));
}

// Teamwork: an agent's reply or internal note on a ticket assigned to
// another agent counts once per (ticket, helper, day of the reply).
absl::Status ApplyHelp(const common::v1::Event& event, AggregateState& state,
                       std::set<std::string>* touched) {
  ticket::v1::TicketReplied reply;
  if (!reply.ParseFromString(event.payload().value())) return Unpackable(event);
  const ticket::v1::TicketFacts& f = reply.facts();
  if (reply.author_kind() != ticket::v1::AUTHOR_KIND_AGENT ||
      reply.agent().empty() || f.assignee().empty() ||
      f.assignee() == reply.agent()) {
    return absl::OkStatus();
  }
  const absl::Time at = FromProtoTime(
      reply.has_reply_time() ? reply.reply_time() : event.occurred_time());
  v1::Dimensions d;
  d.set_day(ShanghaiDay(at));
  d.set_channel(ChannelShortName(f.channel()));
  d.set_region(f.region());
  d.set_grade(GradeName(f.grade()));
  d.set_department(f.department());
  d.set_agent(reply.agent());
  v1::Bucket delta;
  delta.set_helped_tickets(1);
  return AddOnce(absl::StrCat("help/", f.ticket(), "/", reply.agent(), "/",
                              d.day()),
                 d, delta, state, touched);
}

// A QA review of a ticket: the highest version's total counts (version 1 =
// QualityReviewed, each amendment its own version; one review per ticket).
absl::Status ApplyReview(const AggregationRules& rules,
                         const common::v1::Event& event, AggregateState& state,
                         std::set<std::string>* touched) {
  const std::string& bytes = event.payload().value();
  std::string ticket;
  int32_t version = 1;
  double total = 0;
  if (event.type() == "QualityReviewed") {
    ticket::v1::QualityReviewed r;
    if (!r.ParseFromString(bytes)) return Unpackable(event);
    ticket = r.ticket();
    total = r.total();
  } else {
    ticket::v1::QualityReviewAmended r;
    if (!r.ParseFromString(bytes)) return Unpackable(event);
    ticket = r.ticket();
    version = r.version();
    total = r.total();
  }
  if (ticket.empty() || version < 1) return absl::OkStatus();
  // Totals are rounded to 0.01 by the producer: exact integers from here on.
  const int64_t points = std::llround(std::clamp(total, 0.0, 100.0) * 100);
  return UpdateTicket(rules, TicketOf(ticket), state, touched,
                      [&](v1::TicketRecord& r) {
                        if (version <= r.review_version()) return false;
                        r.set_review_version(version);
                        r.set_review_points(points);
                        return true;
                      });
}

// Records the status a ticket event reports; false when already recorded.
bool Observe(const common::v1::Event& event, int status,
             v1::TicketRecord& r) {
  for (const v1::StatusObservation& o : r.statuses()) {
    if (o.sequence() == event.sequence()) return false;
  }
  v1::StatusObservation* o = r.add_statuses();
  *o->mutable_time() = event.occurred_time();
  o->set_sequence(event.sequence());
  o->set_status(status);
  return true;
}

void RemoveOne(google::protobuf::RepeatedField<int64_t>* values,
               int64_t value) {
  for (int i = 0; i < values->size(); ++i) {
    if (values->Get(i) == value) {
      values->SwapElements(i, values->size() - 1);
      values->RemoveLast();
      return;
    }
  }
}

double Ratio(int64_t num, int64_t den) {
  return den == 0 ? -1 : static_cast<double>(num) / static_cast<double>(den);
}

double Mean(const google::protobuf::RepeatedField<int64_t>& v) {
  if (v.empty()) return -1;
  double sum = 0;
  for (int64_t x : v) sum += static_cast<double>(x);
  return sum / v.size();
}

double P90(const google::protobuf::RepeatedField<int64_t>& v) {
  if (v.empty()) return -1;
  std::vector<int64_t> sorted(v.begin(), v.end());
  std::sort(sorted.begin(), sorted.end());
  const size_t k = static_cast<size_t>(std::ceil(0.9 * sorted.size()));
  return static_cast<double>(sorted[std::max<size_t>(k, 1) - 1]);
}

}  // namespace

std::string ShanghaiDay(absl::Time t) {
  // Zero-padded, unlike FormatTime's %Y ("999-12-31"), so that the days
  // before kFirstDay a report looks back to still sort before it.
  const absl::CivilDay d = absl::ToCivilDay(t, Shanghai());
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

absl::StatusOr<absl::Time> ParseDay(absl::string_view day,
                                    absl::string_view field) {
  const bool shaped = day.size() == 10 && day[4] == '-' && day[7] == '-' &&
                      std::all_of(day.begin(), day.end(), [](char c) {
                        return c == '-' || absl::ascii_isdigit(c);
                      });
  if (!shaped) {
    return InvalidField(
        field, absl::StrCat("\"", Utf8Prefix(day, 40), "\" is not YYYY-MM-DD"));
  }
  // Same shape, so the strings compare as the days do.
  if (day < kFirstDay || day > kLastDay) {
    return InvalidField(
        field, absl::StrCat("\"", day, "\" is out of the supported range ",
                            kFirstDay, " to ", kLastDay));
  }
  absl::Time t;
  std::string err;
  // ParseTime normalises "2026-02-30" to March 2nd; only a real calendar day
  // names one cell key and formats back to itself.
  if (!absl::ParseTime("%Y-%m-%d", day, Shanghai(), &t, &err) ||
      ShanghaiDay(t) != day) {
    return InvalidField(field, absl::StrCat("\"", day,
                                            "\" is not a calendar day "
                                            "(YYYY-MM-DD)"));
  }
  return t;
}

absl::StatusOr<std::pair<std::string, std::string>> RequestDays(
    absl::string_view start_date, absl::string_view end_date) {
  const absl::string_view end = end_date.empty() ? start_date : end_date;
  ASSIGN_OR_RETURN(absl::Time first, ParseDay(start_date, "start_date"));
  ASSIGN_OR_RETURN(absl::Time last, ParseDay(end, "end_date"));
  if (last < first) return InvalidField("end_date", "is before start_date");
  if (last - first > absl::Hours(24 * 366)) {
    return InvalidField("end_date", "is more than 366 days after start_date");
  }
  return std::make_pair(std::string(start_date), std::string(end));
}

absl::Status ValidateFilters(const v1::Dimensions& filters) {
  if (!filters.day().empty()) {
    RETURN_IF_ERROR(ParseDay(filters.day(), "filters.day").status());
  }
  if (!filters.channel().empty() &&
      !ParseChannelShortName(filters.channel()).has_value()) {
    return InvalidField("filters.channel",
                        "is not a channel name such as PHONE");
  }
  const std::string& grade = filters.grade();
  if (!grade.empty() && grade != "A" && grade != "B" && grade != "C" &&
      grade != "-") {
    return InvalidField("filters.grade", "must be A, B, C or -");
  }
  for (const auto& [field, text] :
       {std::pair<const char*, const std::string*>{"filters.region",
                                                   &filters.region()},
        {"filters.department", &filters.department()},
        {"filters.agent", &filters.agent()}}) {
    if (!IsValidUtf8(*text)) return InvalidField(field, "must be valid UTF-8");
  }
  return absl::OkStatus();
}

std::string CellKey(const v1::Dimensions& d) {
  return absl::StrCat(d.day(), "|", d.channel(), "|", d.region(), "|",
                      d.grade(), "|", d.department(), "|", d.agent());
}

v1::Dimensions CellOf(absl::string_view key) {
  std::vector<std::string> parts = absl::StrSplit(key, '|');
  parts.resize(6);
  v1::Dimensions d;
  d.set_day(parts[0]);
  d.set_channel(parts[1]);
  d.set_region(parts[2]);
  d.set_grade(parts[3]);
  d.set_department(parts[4]);
  d.set_agent(parts[5]);
  return d;
}

// ---- MemoryState

absl::StatusOr<std::optional<v1::TicketRecord>> MemoryState::GetTicket(
    const std::string& ticket) {
  auto it = tickets.find(ticket);
  if (it == tickets.end()) return std::nullopt;
  return it->second;
}
void MemoryState::PutTicket(const std::string& ticket,
                            const v1::TicketRecord& record) {
  tickets[ticket] = record;
}
absl::StatusOr<v1::Bucket> MemoryState::GetBucket(const std::string& key) {
  auto it = buckets.find(key);
  return it == buckets.end() ? v1::Bucket() : it->second;
}
void MemoryState::PutBucket(const std::string& key, const v1::Bucket& bucket) {
  if (IsEmptyBucket(bucket)) {
    buckets.erase(key);
  } else {
    buckets[key] = bucket;
  }
}
absl::StatusOr<bool> MemoryState::Seen(const std::string& key) {
  return seen.count(key) > 0;
}
void MemoryState::MarkSeen(const std::string& key) { seen.insert(key); }

// ---- Events

absl::Status ApplyEvent(const AggregationRules& rules,
                        const common::v1::Event& event, AggregateState& state,
                        std::set<std::string>* touched) {
  const std::string& type = event.type();
  const std::string& bytes = event.payload().value();
  const absl::Time at = FromProtoTime(event.occurred_time());

  if (type == "QualityReviewed" || type == "QualityReviewAmended") {
    return ApplyReview(rules, event, state, touched);
  }
  if (type == "ServiceRecordChecked") {
    ticket::v1::ServiceRecordChecked check;
    if (!check.ParseFromString(bytes)) return Unpackable(event);
    if (check.facts().ticket().empty()) return absl::OkStatus();
    return UpdateTicket(
        rules, TicketOf(check.facts().ticket()), state, touched,
        [&](v1::TicketRecord& r) {
          if (r.has_record_check()) {
            const absl::Time last = FromProtoTime(r.record_check_time());
            if (at < last ||
                (at == last && event.sequence() <= r.record_check_sequence())) {
              return false;
            }
          }
          r.set_has_record_check(true);
          r.set_record_complete(check.complete());
          *r.mutable_record_check_time() = event.occurred_time();
          r.set_record_check_sequence(event.sequence());
          return true;
        });
  }
  if (type == "FeedbackSubmitted") {
    ticket::v1::FeedbackSubmitted fb;
    if (!fb.ParseFromString(bytes)) return Unpackable(event);
    const std::string facts = fb.facts().SerializeAsString();
    const google::protobuf::Timestamp when =
        fb.has_submit_time() ? fb.submit_time() : event.occurred_time();
    return UpdateTicket(
        rules, TicketOf(fb.facts().ticket()), state, touched,
        [&](v1::TicketRecord& r) {
          bool changed = Observe(event, fb.facts().status(), r);
          if (Newer(event.occurred_time(), event.sequence(), r)) {
            r.set_facts(facts);
            *r.mutable_facts_time() = event.occurred_time();
            r.set_facts_sequence(event.sequence());
            changed = true;
          }
          if (!r.has_feedback() ||
              FromProtoTime(when) > FromProtoTime(r.feedback_time())) {
            r.set_has_feedback(true);
            r.set_csat(fb.csat());
            r.set_has_nps(fb.has_nps());
            r.set_nps(fb.has_nps() ? fb.nps() : 0);
            *r.mutable_feedback_time() = when;
            changed = true;
          }
          return changed;
        });
  }
  if (absl::StartsWith(type, "Ticket")) {
    // Every ticket event carries TicketFacts as field 1.
    ticket::v1::TicketCreated view;
    if (!view.ParseFromString(bytes)) return Unpackable(event);
    if (!view.has_facts() || view.facts().ticket().empty()) {
      return absl::OkStatus();
    }
    if (type == "TicketReplied") {
      RETURN_IF_ERROR(ApplyHelp(event, state, touched));
    }
    const std::string facts = view.facts().SerializeAsString();
    return UpdateTicket(
        rules, TicketOf(view.facts().ticket()), state, touched,
        [&](v1::TicketRecord& r) {
          const bool observed = Observe(event, view.facts().status(), r);
          if (!Newer(event.occurred_time(), event.sequence(), r)) {
            return observed;
          }
          r.set_facts(facts);
          *r.mutable_facts_time() = event.occurred_time();
          r.set_facts_sequence(event.sequence());
          return true;
        });
  }
  if (type == "SlaClockFulfilled" || type == "SlaBreached") {
    routing::v1::SlaClock clock;
    absl::Time breach_time = at;
    if (type == "SlaBreached") {
      routing::v1::SlaBreached breached;
      if (!breached.ParseFromString(bytes)) return Unpackable(event);
      clock = breached.clock();
      if (breached.has_breach_time()) {
        breach_time = FromProtoTime(breached.breach_time());
      }
      v1::Dimensions d;
      d.set_day(ShanghaiDay(breach_time));
      d.set_channel(ChannelShortName(clock.channel()));
      d.set_region(clock.region());
      d.set_grade(GradeName(clock.grade()));
      d.set_department(clock.department());
      d.set_agent(clock.assignee());
      v1::Bucket delta;
      (*delta.mutable_sla_breaches_by_kind())[std::string(absl::StripPrefix(
          routing::v1::ClockKind_Name(clock.kind()), "CLOCK_KIND_"))] = 1;
      RETURN_IF_ERROR(AddOnce(absl::StrCat("breach/", clock.name()), d, delta,
                              state, touched));
    } else {
      routing::v1::SlaClockFulfilled fulfilled;
      if (!fulfilled.ParseFromString(bytes)) return Unpackable(event);
      clock = fulfilled.clock();
    }
    if (!absl::StartsWith(clock.subject(), "tickets/")) return absl::OkStatus();
    if (clock.kind() == routing::v1::CLOCK_KIND_RECORD_COMPLETENESS &&
        type == "SlaBreached") {
      return UpdateTicket(rules, clock.subject(), state, touched,
                          [](v1::TicketRecord& r) {
                            if (r.record_breached()) return false;
                            r.set_record_breached(true);
                            return true;
                          });
    }
    const bool first = clock.kind() == routing::v1::CLOCK_KIND_FIRST_RESPONSE;
    const bool resolution = clock.kind() == routing::v1::CLOCK_KIND_RESOLUTION;
    if (!first && !resolution) return absl::OkStatus();
    const bool is_fulfilled = type == "SlaClockFulfilled";
    const int64_t elapsed = absl::ToInt64Seconds(FromProtoDuration(clock.elapsed()));
    return UpdateTicket(
        rules, clock.subject(), state, touched, [&](v1::TicketRecord& r) {
          v1::TicketRecord before = r;
          if (first) {
            if (clock.breached() || !is_fulfilled) r.set_response_breached(true);
            if (is_fulfilled) {
              r.set_has_business_response(true);
              r.set_business_response_seconds(elapsed);
            }
          } else if (is_fulfilled) {
            r.set_has_business_resolution(true);
            r.set_business_resolution_seconds(elapsed);
          }
          return before.SerializeAsString() != r.SerializeAsString();
        });
  }
  if (type == "EscalationOpened" || type == "EscalationLevelRaised") {
    escalation::v1::EscalationCase c;
    if (type == "EscalationOpened") {
      escalation::v1::EscalationOpened e;
      if (!e.ParseFromString(bytes)) return Unpackable(event);
      c = e.escalation_case();
    } else {
      escalation::v1::EscalationLevelRaised e;
      if (!e.ParseFromString(bytes)) return Unpackable(event);
      c = e.escalation_case();
    }
    const int level = std::max(1, c.level());
    v1::Dimensions d;
    d.set_day(ShanghaiDay(at));
    d.set_grade(GradeName(c.grade()));
    d.set_department(c.department());
    d.set_agent(c.assignee());
    v1::Bucket delta;
    (*delta.mutable_escalations_by_level())[level] = 1;
    return AddOnce(absl::StrCat("esc/", c.name(), "/", level), d, delta, state,
                   touched);
  }
  if (type == "SearchPerformed") {
    kb::v1::SearchPerformed s;
    if (!s.ParseFromString(bytes)) return Unpackable(event);
    v1::Dimensions d;
    d.set_day(ShanghaiDay(s.has_time() ? FromProtoTime(s.time()) : at));
    v1::Bucket delta;
    delta.set_kb_searches(1);
    if (s.total_hits() == 0) delta.set_kb_zero_result_searches(1);
    return AddOnce(absl::StrCat("kb/", event.producer(), "/", event.event_id(),
                                "/", event.sequence()),
                   d, delta, state, touched);
  }
  if (type == "ComplaintFiled") {
    v1::ComplaintFiledView c;
    if (!c.ParseFromString(bytes)) return Unpackable(event);
    v1::Dimensions d;
    d.set_day(ShanghaiDay(at));
    d.set_channel(ChannelShortName(c.channel()));
    d.set_department(c.department());
    v1::Bucket delta;
    delta.set_complaints(1);
    const std::string id =
        c.complaint().empty() ? event.subject() : c.complaint();
    return AddOnce(absl::StrCat("complaint/", id), d, delta, state, touched);
  }
  return absl::OkStatus();
}

// ---- Buckets

void AddBucket(const v1::Bucket& f, v1::Bucket& b) {
  b.set_tickets(b.tickets() + f.tickets());
  b.set_responded(b.responded() + f.responded());
  b.set_on_time_responses(b.on_time_responses() + f.on_time_responses());
  b.set_solved_first_contact(b.solved_first_contact() +
                             f.solved_first_contact());
  b.set_resolved(b.resolved() + f.resolved());
  b.set_ratings(b.ratings() + f.ratings());
  b.set_satisfied(b.satisfied() + f.satisfied());
  b.set_nps_responses(b.nps_responses() + f.nps_responses());
  b.set_promoters(b.promoters() + f.promoters());
  b.set_detractors(b.detractors() + f.detractors());
  b.set_complaints(b.complaints() + f.complaints());
  for (const auto& [k, v] : f.sla_breaches_by_kind()) {
    (*b.mutable_sla_breaches_by_kind())[k] += v;
  }
  for (const auto& [k, v] : f.escalations_by_level()) {
    (*b.mutable_escalations_by_level())[k] += v;
  }
  b.set_kb_searches(b.kb_searches() + f.kb_searches());
  b.set_kb_zero_result_searches(b.kb_zero_result_searches() +
                                f.kb_zero_result_searches());
  for (int64_t v : f.response_seconds()) b.add_response_seconds(v);
  for (int64_t v : f.resolution_seconds()) b.add_resolution_seconds(v);
  for (const auto& [k, v] : f.tickets_by_category()) {
    (*b.mutable_tickets_by_category())[k] += v;
  }
  for (int64_t v : f.wait_seconds()) b.add_wait_seconds(v);
  b.set_helped_tickets(b.helped_tickets() + f.helped_tickets());
  b.set_qa_reviews(b.qa_reviews() + f.qa_reviews());
  b.set_qa_points(b.qa_points() + f.qa_points());
  b.set_records_checked(b.records_checked() + f.records_checked());
  b.set_records_incomplete(b.records_incomplete() + f.records_incomplete());
}

void SubtractBucket(const v1::Bucket& f, v1::Bucket& b) {
  b.set_tickets(b.tickets() - f.tickets());
  b.set_responded(b.responded() - f.responded());
  b.set_on_time_responses(b.on_time_responses() - f.on_time_responses());
  b.set_solved_first_contact(b.solved_first_contact() -
                             f.solved_first_contact());
  b.set_resolved(b.resolved() - f.resolved());
  b.set_ratings(b.ratings() - f.ratings());
  b.set_satisfied(b.satisfied() - f.satisfied());
  b.set_nps_responses(b.nps_responses() - f.nps_responses());
  b.set_promoters(b.promoters() - f.promoters());
  b.set_detractors(b.detractors() - f.detractors());
  b.set_complaints(b.complaints() - f.complaints());
  for (const auto& [k, v] : f.sla_breaches_by_kind()) {
    auto& m = *b.mutable_sla_breaches_by_kind();
    if ((m[k] -= v) == 0) m.erase(k);
  }
  for (const auto& [k, v] : f.escalations_by_level()) {
    auto& m = *b.mutable_escalations_by_level();
    if ((m[k] -= v) == 0) m.erase(k);
  }
  b.set_kb_searches(b.kb_searches() - f.kb_searches());
  b.set_kb_zero_result_searches(b.kb_zero_result_searches() -
                                f.kb_zero_result_searches());
  for (int64_t v : f.response_seconds()) {
    RemoveOne(b.mutable_response_seconds(), v);
  }
  for (int64_t v : f.resolution_seconds()) {
    RemoveOne(b.mutable_resolution_seconds(), v);
  }
  for (const auto& [k, v] : f.tickets_by_category()) {
    auto& m = *b.mutable_tickets_by_category();
    if ((m[k] -= v) == 0) m.erase(k);
  }
  for (int64_t v : f.wait_seconds()) RemoveOne(b.mutable_wait_seconds(), v);
  b.set_helped_tickets(b.helped_tickets() - f.helped_tickets());
  b.set_qa_reviews(b.qa_reviews() - f.qa_reviews());
  b.set_qa_points(b.qa_points() - f.qa_points());
  b.set_records_checked(b.records_checked() - f.records_checked());
  b.set_records_incomplete(b.records_incomplete() - f.records_incomplete());
}

bool IsEmptyBucket(const v1::Bucket& b) { return b.ByteSizeLong() == 0; }

v1::Bucket Canonical(v1::Bucket b) {
  std::sort(b.mutable_response_seconds()->begin(),
            b.mutable_response_seconds()->end());
  std::sort(b.mutable_resolution_seconds()->begin(),
            b.mutable_resolution_seconds()->end());
  std::sort(b.mutable_wait_seconds()->begin(), b.mutable_wait_seconds()->end());
  return b;
}

bool IsPhone(absl::string_view channel) { return channel == "PHONE"; }
bool IsOnline(absl::string_view channel) {
  return channel == "ONLINE_CHAT" || channel == "APP" ||
         channel == "MINI_PROGRAM";
}

v1::MetricsRow Summarize(const v1::Bucket& b, const v1::Bucket& phone,
                         const v1::Bucket& online) {
  v1::MetricsRow r;
  r.set_tickets(b.tickets());
  r.set_responded(b.responded());
  r.set_on_time_responses(b.on_time_responses());
  r.set_solved_first_contact(b.solved_first_contact());
  r.set_resolved(b.resolved());
  r.set_ratings(b.ratings());
  r.set_satisfied(b.satisfied());
  r.set_nps_responses(b.nps_responses());
  r.set_promoters(b.promoters());
  r.set_detractors(b.detractors());
  r.set_complaints(b.complaints());
  int64_t breaches = 0;
  for (const auto& [k, v] : b.sla_breaches_by_kind()) {
    (*r.mutable_sla_breaches_by_kind())[k] = v;
    breaches += v;
  }
  r.set_sla_breaches(breaches);
  for (const auto& [k, v] : b.escalations_by_level()) {
    (*r.mutable_escalations_by_level())[k] = v;
  }
  r.set_kb_searches(b.kb_searches());
  r.set_kb_zero_result_searches(b.kb_zero_result_searches());
  r.set_on_time_response_rate(Ratio(b.on_time_responses(), b.tickets()));
  r.set_first_contact_resolution_rate(
      Ratio(b.solved_first_contact(), b.tickets()));
  r.set_avg_response_seconds(Mean(b.response_seconds()));
  r.set_p90_response_seconds(P90(b.response_seconds()));
  r.set_avg_resolution_seconds(Mean(b.resolution_seconds()));
  r.set_p90_resolution_seconds(P90(b.resolution_seconds()));
  for (const auto& [k, v] : b.tickets_by_category()) {
    (*r.mutable_tickets_by_category())[k] = v;
  }
  r.set_waited(b.wait_seconds_size());
  r.set_helped_tickets(b.helped_tickets());
  r.set_qa_reviews(b.qa_reviews());
  r.set_qa_score(b.qa_reviews() == 0
                     ? -1
                     : static_cast<double>(b.qa_points()) / 100.0 /
                           static_cast<double>(b.qa_reviews()));
  r.set_records_checked(b.records_checked());
  r.set_records_incomplete(b.records_incomplete());
  const double p = Mean(phone.wait_seconds());
  const double o = Mean(online.wait_seconds());
  r.set_customer_wait_seconds(p < 0 ? o : (o < 0 ? p : (p + o) / 2));
  r.set_csat(Ratio(b.satisfied(), b.ratings()));
  r.set_nps(b.nps_responses() == 0
                ? -1
                : 100.0 * static_cast<double>(b.promoters() - b.detractors()) /
                      static_cast<double>(b.nps_responses()));
  r.set_complaint_rate(Ratio(b.complaints(), b.tickets()));
  r.set_kb_zero_result_rate(
      Ratio(b.kb_zero_result_searches(), b.kb_searches()));
  return r;
}

absl::StatusOr<std::vector<v1::MetricsRow>> GroupCells(
    const std::map<std::string, v1::Bucket>& cells,
    const std::vector<std::string>& group_by, const v1::Dimensions& filters) {
  static const char* kNames[] = {"day",        "channel", "region",
                                 "grade",      "department", "agent"};
  std::vector<bool> grouped(6, false);
  for (size_t i = 0; i < group_by.size(); ++i) {
    const std::string& g = group_by[i];
    auto it = std::find_if(std::begin(kNames), std::end(kNames),
                           [&](const char* n) { return g == n; });
    if (it == std::end(kNames)) {
      return InvalidField(
          absl::StrCat("group_by[", i, "]"),
          absl::StrCat("\"", Utf8Prefix(g, 40),
                       "\" is not one of day, channel, region, grade, "
                       "department, agent"));
    }
    grouped[it - std::begin(kNames)] = true;
  }
  const std::vector<std::string> want = absl::StrSplit(CellKey(filters), '|');
  struct Acc {
    v1::Bucket all, phone, online;
  };
  std::map<std::string, Acc> groups;
  for (const auto& [key, bucket] : cells) {
    std::vector<std::string> parts = absl::StrSplit(key, '|');
    parts.resize(6);
    bool match = true;
    for (int i = 0; i < 6; ++i) {
      if (!want[i].empty() && want[i] != parts[i]) match = false;
    }
    if (!match) continue;
    std::vector<std::string> proj(6);
    for (int i = 0; i < 6; ++i) {
      if (grouped[i]) proj[i] = parts[i];
    }
    Acc& acc = groups[absl::StrJoin(proj, "|")];
    AddBucket(bucket, acc.all);
    if (IsPhone(parts[1])) AddBucket(bucket, acc.phone);
    if (IsOnline(parts[1])) AddBucket(bucket, acc.online);
  }
  std::vector<v1::MetricsRow> rows;
  for (const auto& [key, acc] : groups) {
    v1::MetricsRow row = Summarize(acc.all, acc.phone, acc.online);
    *row.mutable_dimensions() = CellOf(key);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace cs::analytics
