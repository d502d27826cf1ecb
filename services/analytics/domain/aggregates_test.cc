#include "services/analytics/domain/aggregates.h"

#include <algorithm>
#include <random>

#include "cs/escalation/v1/escalation.pb.h"
#include "cs/kb/v1/events.pb.h"
#include "cs/routing/v1/routing.pb.h"
#include "cs/ticket/v1/events.pb.h"
#include "cs/ticket/v1/quality.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/time_proto.h"
#include "services/analytics/domain/report.h"

namespace cs::analytics {
namespace {

// 2026-03-10 10:00 Asia/Shanghai.
const absl::Time kT0 = absl::FromUnixSeconds(1773108000);

common::v1::Event Wrap(uint64_t seq, absl::Time at,
                       const google::protobuf::Message& payload) {
  common::v1::Event e;
  e.set_sequence(seq);
  e.set_event_id(absl::StrCat("e", seq));
  e.set_type(payload.GetDescriptor()->name());
  *e.mutable_occurred_time() = ToProtoTime(at);
  e.mutable_payload()->PackFrom(payload);
  return e;
}

ticket::v1::TicketFacts Facts(int id, absl::Time created) {
  ticket::v1::TicketFacts f;
  f.set_ticket(absl::StrCat("tickets/t", id));
  f.set_channel(id % 2 ? common::v1::CHANNEL_PHONE
                       : common::v1::CHANNEL_ONLINE_CHAT);
  f.set_region(id % 3 ? "north" : "south");
  f.set_grade(common::v1::GRADE_C);
  f.set_department("support");
  f.set_assignee("alice");
  f.set_status(ticket::v1::TICKET_STATUS_NEW);
  static const std::vector<std::vector<std::string>> kCategories = {
      {"手机类", "信号问题", "企业客户"}, {"宽带类", "断网"}, {"账单类"}, {}};
  for (const std::string& c : kCategories[id % kCategories.size()]) {
    f.add_category(c);
  }
  *f.mutable_create_time() = ToProtoTime(created);
  return f;
}

ticket::v1::TicketReplied Reply(const ticket::v1::TicketFacts& f,
                                const std::string& agent, absl::Time at) {
  ticket::v1::TicketReplied r;
  *r.mutable_facts() = f;
  r.set_author_kind(ticket::v1::AUTHOR_KIND_AGENT);
  r.set_agent(agent);
  *r.mutable_reply_time() = ToProtoTime(at);
  return r;
}

ticket::v1::QualityReviewed Review(const std::string& ticket, double total) {
  ticket::v1::QualityReviewed r;
  r.set_review(absl::StrCat("qualityReviews/", ticket.substr(8)));
  r.set_ticket(ticket);
  r.set_agent("alice");
  r.set_reviewer("质检员小周");
  r.set_total(total);
  return r;
}

ticket::v1::QualityReviewAmended Amended(const std::string& ticket, int version,
                                         double total) {
  ticket::v1::QualityReviewAmended a;
  a.set_ticket(ticket);
  a.set_version(version);
  a.set_total(total);
  a.set_amended_by("组长老李");
  return a;
}

ticket::v1::ServiceRecordChecked Check(const ticket::v1::TicketFacts& f,
                                       bool complete) {
  ticket::v1::ServiceRecordChecked c;
  *c.mutable_facts() = f;
  c.set_complete(complete);
  if (!complete) c.add_missing_fields("resolution");
  return c;
}

routing::v1::SlaBreached RecordBreach(const std::string& ticket, int id,
                                      absl::Time at) {
  routing::v1::SlaBreached b;
  b.mutable_clock()->set_name(absl::StrCat("clocks/rec", id));
  b.mutable_clock()->set_subject(ticket);
  b.mutable_clock()->set_kind(routing::v1::CLOCK_KIND_RECORD_COMPLETENESS);
  *b.mutable_breach_time() = ToProtoTime(at);
  return b;
}

// The quality-side events of a resolved ticket (sequences assigned by the
// caller): the record check at resolution, maybe completed later or breached,
// and maybe a QA review, maybe amended.
std::vector<common::v1::Event> QualityEvents(const ticket::v1::TicketFacts& f,
                                             int id, absl::Time resolved,
                                             std::mt19937& rng) {
  std::vector<common::v1::Event> out;
  const bool complete = rng() % 3 != 0;
  out.push_back(Wrap(0, resolved, Check(f, complete)));
  if (!complete && rng() % 2) {
    out.push_back(
        Wrap(0, resolved + absl::Minutes(rng() % 60), Check(f, true)));
  } else if (!complete) {
    out.push_back(
        Wrap(0, resolved + absl::Minutes(30),
             RecordBreach(f.ticket(), id, resolved + absl::Minutes(30))));
  }
  if (rng() % 2) {
    const absl::Time reviewed = resolved + absl::Hours(2);
    out.push_back(
        Wrap(0, reviewed, Review(f.ticket(), 60 + (rng() % 4001) / 100.0)));
    if (rng() % 3 == 0) {
      out.push_back(Wrap(0, reviewed + absl::Hours(5),
                         Amended(f.ticket(), 2, (rng() % 10001) / 100.0)));
    }
  }
  return out;
}

// A realistic random history of `n` tickets across several producers.
std::vector<common::v1::Event> History(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<common::v1::Event> out;
  uint64_t seq = 0;
  for (int i = 0; i < n; ++i) {
    const absl::Time created = kT0 + absl::Hours(rng() % 96);
    ticket::v1::TicketFacts f = Facts(i, created);
    ticket::v1::TicketCreated c;
    *c.mutable_facts() = f;
    out.push_back(Wrap(++seq, created, c));
    if (rng() % 3 == 0) {
      // Assigned (still queued) a little later.
      f.set_status(ticket::v1::TICKET_STATUS_ASSIGNED);
      ticket::v1::TicketAssigned a;
      *a.mutable_facts() = f;
      out.push_back(Wrap(++seq, created + absl::Minutes(rng() % 10), a));
    }
    if (rng() % 4 != 0) {
      const absl::Time replied = created + absl::Minutes(10 + rng() % 200);
      *f.mutable_first_response_time() = ToProtoTime(replied);
      if (rng() % 2) f.set_assignee("bob");
      f.set_status(ticket::v1::TICKET_STATUS_IN_PROGRESS);
      out.push_back(Wrap(++seq, replied, Reply(f, f.assignee(), replied)));
      if (rng() % 3 == 0) {
        // A colleague's internal note (teamwork), possibly a day later.
        const absl::Time noted = replied + absl::Hours(rng() % 30);
        ticket::v1::TicketReplied note = Reply(f, "carol", noted);
        note.set_is_public(false);
        out.push_back(Wrap(++seq, noted, note));
      }
      if (rng() % 4 == 0) {
        // Re-categorised later: the latest facts win.
        f.clear_category();
        f.add_category("宽带类");
        f.add_category("网速慢");
        ticket::v1::TicketUpdated u;
        *u.mutable_facts() = f;
        out.push_back(Wrap(++seq, replied + absl::Minutes(1), u));
      }
      if (rng() % 2) {
        routing::v1::SlaClockFulfilled ful;
        ful.mutable_clock()->set_name(absl::StrCat("clocks/fr", i));
        ful.mutable_clock()->set_subject(f.ticket());
        ful.mutable_clock()->set_kind(routing::v1::CLOCK_KIND_FIRST_RESPONSE);
        ful.mutable_clock()->set_breached(rng() % 3 == 0);
        *ful.mutable_clock()->mutable_elapsed() =
            ToProtoDuration(absl::Minutes(rng() % 100));
        out.push_back(Wrap(++seq, replied + absl::Seconds(1), ful));
      }
      if (rng() % 2) {
        const absl::Time resolved = replied + absl::Hours(rng() % 30);
        *f.mutable_resolve_time() = ToProtoTime(resolved);
        f.set_solved_at_first_contact(rng() % 2);
        f.set_status(ticket::v1::TICKET_STATUS_RESOLVED);
        ticket::v1::TicketResolved res;
        *res.mutable_facts() = f;
        out.push_back(Wrap(++seq, resolved, res));
        if (rng() % 4 == 0) {
          // Reopened, then taken up again: a second queued period.
          f.set_status(ticket::v1::TICKET_STATUS_REOPENED);
          f.set_reopen_count(1);
          ticket::v1::TicketReopened re;
          *re.mutable_facts() = f;
          out.push_back(Wrap(++seq, resolved + absl::Minutes(30), re));
          f.set_status(ticket::v1::TICKET_STATUS_IN_PROGRESS);
          ticket::v1::TicketStatusChanged sc;
          *sc.mutable_facts() = f;
          out.push_back(Wrap(++seq, resolved + absl::Minutes(30 + rng() % 90),
                             sc));
        }
        ticket::v1::FeedbackSubmitted fb;
        *fb.mutable_facts() = f;
        fb.set_csat(1 + rng() % 5);
        if (rng() % 2) fb.set_nps(rng() % 11);
        *fb.mutable_submit_time() = ToProtoTime(resolved + absl::Hours(1));
        out.push_back(Wrap(++seq, resolved + absl::Hours(1), fb));
        for (const common::v1::Event& e : QualityEvents(f, i, resolved, rng)) {
          common::v1::Event numbered = e;
          numbered.set_sequence(++seq);
          out.push_back(numbered);
        }
      }
    }
    if (rng() % 5 == 0) {
      routing::v1::SlaBreached b;
      b.mutable_clock()->set_name(absl::StrCat("clocks/res", i));
      b.mutable_clock()->set_subject(f.ticket());
      b.mutable_clock()->set_kind(routing::v1::CLOCK_KIND_RESOLUTION);
      b.mutable_clock()->set_channel(f.channel());
      b.mutable_clock()->set_region(f.region());
      *b.mutable_breach_time() = ToProtoTime(created + absl::Hours(24));
      out.push_back(Wrap(++seq, created + absl::Hours(24), b));
      escalation::v1::EscalationOpened o;
      o.mutable_escalation_case()->set_name(absl::StrCat("cases/c", i));
      o.mutable_escalation_case()->set_level(1);
      out.push_back(Wrap(++seq, created + absl::Hours(24), o));
    }
    kb::v1::SearchPerformed s;
    s.set_total_hits(rng() % 3);
    out.push_back(Wrap(++seq, created, s));
    if (rng() % 10 == 0) {
      v1::ComplaintFiledView cf;
      cf.set_complaint(absl::StrCat("complaints/k", i));
      cf.set_channel(common::v1::CHANNEL_PHONE);
      common::v1::Event e = Wrap(++seq, created, cf);
      e.set_type("ComplaintFiled");
      out.push_back(e);
    }
  }
  return out;
}

std::map<std::string, v1::Bucket> Apply(
    const std::vector<common::v1::Event>& events) {
  MemoryState state;
  AggregationRules rules;
  for (const auto& e : events) {
    EXPECT_TRUE(ApplyEvent(rules, e, state).ok());
  }
  std::map<std::string, v1::Bucket> out;
  for (const auto& [k, b] : state.buckets) out[k] = Canonical(b);
  return out;
}

void ExpectSame(const std::map<std::string, v1::Bucket>& a,
                const std::map<std::string, v1::Bucket>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [k, bucket] : a) {
    auto it = b.find(k);
    ASSERT_NE(it, b.end()) << k;
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
        bucket, it->second))
        << k << "\n" << bucket.DebugString() << "\nvs\n"
        << it->second.DebugString();
  }
}

// Incremental = from-scratch: the in-order pass is the recompute; the
// shuffled copy with repeats delivers late events for older days (tickets
// span four days), out of order and twice.
TEST(AggregatesTest, ShuffledWithDuplicatesEqualsRecompute) {
  int64_t incomplete_records = 0, complete_records = 0;
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::vector<common::v1::Event> events = History(40, seed);
    const auto expected = Apply(events);
    std::mt19937 rng(seed * 7);
    std::vector<common::v1::Event> noisy = events;
    for (int i = 0; i < 30; ++i) noisy.push_back(events[rng() % events.size()]);
    std::shuffle(noisy.begin(), noisy.end(), rng);
    ExpectSame(Apply(noisy), expected);
    // Every new field is exercised, so the comparison covers it.
    auto rows = GroupCells(expected, {}, v1::Dimensions());
    ASSERT_TRUE(rows.ok());
    EXPECT_GT((*rows)[0].waited(), 0) << seed;
    EXPECT_GT((*rows)[0].tickets_by_category_size(), 1) << seed;
    EXPECT_GT((*rows)[0].qa_reviews(), 0) << seed;
    incomplete_records += (*rows)[0].records_incomplete();
    complete_records +=
        (*rows)[0].records_checked() - (*rows)[0].records_incomplete();
  }
  EXPECT_GT(incomplete_records, 0);
  EXPECT_GT(complete_records, 0);
}

// The worst lateness: newest events first, every older day arriving last.
TEST(AggregatesTest, NewestFirstEqualsRecompute) {
  std::vector<common::v1::Event> events = History(60, 3);
  const auto expected = Apply(events);
  std::vector<common::v1::Event> reversed(events.rbegin(), events.rend());
  ExpectSame(Apply(reversed), expected);
  auto rows = GroupCells(expected, {"agent"}, v1::Dimensions());
  ASSERT_TRUE(rows.ok());
  int64_t helped = 0;
  for (const auto& r : *rows) helped += r.helped_tickets();
  EXPECT_GT(helped, 0);
}

TEST(AggregatesTest, TotalsMatchDefinitions) {
  std::vector<common::v1::Event> events = History(60, 99);
  const auto cells = Apply(events);
  auto rows = GroupCells(cells, {}, v1::Dimensions());
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  const v1::MetricsRow& r = rows->front();
  EXPECT_EQ(r.tickets(), 60);
  EXPECT_EQ(r.kb_searches(), 60);
  EXPECT_LE(r.on_time_responses(), r.responded());
  EXPECT_NEAR(r.on_time_response_rate(),
              static_cast<double>(r.on_time_responses()) / 60, 1e-9);
}

TEST(AggregatesTest, LateEventUpdatesItsOwnDay) {
  MemoryState state;
  AggregationRules rules;
  ticket::v1::TicketFacts old = Facts(1, kT0);
  ticket::v1::TicketCreated c1;
  *c1.mutable_facts() = old;
  ASSERT_TRUE(ApplyEvent(rules, Wrap(1, kT0, c1), state).ok());
  ticket::v1::TicketCreated c2;
  *c2.mutable_facts() = Facts(2, kT0 + absl::Hours(48));
  ASSERT_TRUE(ApplyEvent(rules, Wrap(2, kT0 + absl::Hours(48), c2), state).ok());
  // Days later, ticket 1 is answered at first contact.
  *old.mutable_first_response_time() = ToProtoTime(kT0 + absl::Minutes(5));
  *old.mutable_resolve_time() = ToProtoTime(kT0 + absl::Minutes(6));
  old.set_solved_at_first_contact(true);
  ticket::v1::TicketResolved r;
  *r.mutable_facts() = old;
  ASSERT_TRUE(
      ApplyEvent(rules, Wrap(3, kT0 + absl::Hours(50), r), state).ok());
  v1::Dimensions day;
  day.set_day("2026-03-10");
  auto rows = GroupCells(state.buckets, {"day"}, day);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].tickets(), 1);
  EXPECT_EQ((*rows)[0].on_time_responses(), 1);
  EXPECT_DOUBLE_EQ((*rows)[0].first_contact_resolution_rate(), 1.0);
  day.set_day("2026-03-12");
  rows = GroupCells(state.buckets, {"day"}, day);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].tickets(), 1);
  EXPECT_EQ((*rows)[0].solved_first_contact(), 0);
}

TEST(AggregatesTest, ExactP90AndSurveyKpis) {
  v1::Bucket b;
  for (int i = 1; i <= 10; ++i) b.add_response_seconds(i * 10);
  b.set_tickets(10);
  b.set_ratings(4);
  b.set_satisfied(3);
  b.set_nps_responses(4);
  b.set_promoters(2);
  b.set_detractors(1);
  for (int i = 1; i <= 4; ++i) b.add_wait_seconds(i * 20);
  v1::Bucket online;
  online.add_wait_seconds(200);
  v1::MetricsRow r = Summarize(b, b, online);
  EXPECT_DOUBLE_EQ(r.p90_response_seconds(), 90);
  EXPECT_DOUBLE_EQ(r.avg_response_seconds(), 55);
  EXPECT_DOUBLE_EQ(r.csat(), 0.75);
  EXPECT_DOUBLE_EQ(r.nps(), 25);
  // ((20+40+60+80)/4 + 200) / 2
  EXPECT_DOUBLE_EQ(r.customer_wait_seconds(), 125);
  EXPECT_EQ(r.waited(), 4);
  EXPECT_DOUBLE_EQ(r.complaint_rate(), 0);
}

TEST(AggregatesTest, FallbackTargetDecidesOnTimeWithoutRouting) {
  MemoryState state;
  AggregationRules rules;
  for (int i = 0; i < 2; ++i) {
    ticket::v1::TicketFacts f = Facts(i, kT0);
    f.set_grade(common::v1::GRADE_A);
    *f.mutable_first_response_time() =
        ToProtoTime(kT0 + absl::Minutes(i == 0 ? 10 : 20));
    ticket::v1::TicketReplied r;
    *r.mutable_facts() = f;
    ASSERT_TRUE(ApplyEvent(rules, Wrap(i + 1, kT0, r), state).ok());
  }
  auto rows = GroupCells(state.buckets, {}, v1::Dimensions());
  ASSERT_TRUE(rows.ok());
  EXPECT_DOUBLE_EQ((*rows)[0].on_time_response_rate(), 0.5);
  EXPECT_FALSE(GroupCells(state.buckets, {"colour"}, v1::Dimensions()).ok());
}

TEST(ReportTest, DailyReportAndCsv) {
  const auto cells = Apply(History(30, 5));
  auto report = BuildDailyReport("2026-03-10", cells, DefaultAnalyticsConfig());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->kpis_size(), 6);
  EXPECT_GT(report->total().tickets(), 0);
  EXPECT_THAT(report->csv(), ::testing::StartsWith("section,key,value"));
  EXPECT_THAT(report->csv(), ::testing::HasSubstr("kpi,on_time_response_rate,"));
  EXPECT_THAT(report->html(), ::testing::StartsWith("<!DOCTYPE html>"));
  EXPECT_THAT(report->html(), ::testing::HasSubstr("<svg"));
  EXPECT_THAT(report->html(), ::testing::Not(::testing::HasSubstr("<script")));
  EXPECT_FALSE(BuildDailyReport("2026-3-1", cells, DefaultAnalyticsConfig()).ok());
}

// A day of the right form outside the supported years says so and names
// the range; malformed text and impossible days keep their own messages.
TEST(ReportTest, DatesOutsideTheSupportedRangeNameTheRange) {
  auto early = ParseDay("0001-01-01");
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(early.status().message(),
            "date: \"0001-01-01\" is out of the supported range 1000-01-01 to "
            "9999-12-31");
  EXPECT_THAT(ParseDay("0999-12-31", "start_date").status().message(),
              ::testing::HasSubstr("start_date: \"0999-12-31\" is out of the "
                                   "supported range"));
  EXPECT_TRUE(ParseDay("1000-01-01").ok());
  EXPECT_TRUE(ParseDay("9999-12-31").ok());
  EXPECT_THAT(ParseDay("2026-3-10").status().message(),
              ::testing::HasSubstr("is not YYYY-MM-DD"));
  EXPECT_THAT(ParseDay("２０２６-03-10").status().message(),
              ::testing::HasSubstr("is not YYYY-MM-DD"));
  EXPECT_THAT(ParseDay("2026-02-30").status().message(),
              ::testing::HasSubstr("\"2026-02-30\" is not a calendar day"));
  EXPECT_THAT(ParseDay("2026-13-01").status().message(),
              ::testing::HasSubstr("is not a calendar day"));

  auto month = MonthDays("0001-01");
  ASSERT_FALSE(month.ok());
  EXPECT_EQ(month.status().message(),
            "month: \"0001-01\" is out of the supported range 1000-01 to "
            "9999-12");
  auto last = MonthDays("9999-12");
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->second, "9999-12-31");
  EXPECT_THAT(MonthDays("2026-13").status().message(),
              ::testing::HasSubstr("is not YYYY-MM"));

  // The first supported day's report looks back into year 999: those days
  // are zero-padded and sort before it.
  EXPECT_EQ(ShanghaiDay(*ParseDay("1000-01-01") - absl::Hours(24)),
            "0999-12-31");
  EXPECT_TRUE(
      BuildDailyReport("1000-01-01", {}, DefaultAnalyticsConfig()).ok());
  EXPECT_FALSE(
      BuildDailyReport("0001-01-01", {}, DefaultAnalyticsConfig()).ok());
}

TEST(ReportTest, MonthlyReportFindsRisingIssues) {
  std::map<std::string, v1::Bucket> cells;
  auto put = [&](const std::string& day, const std::string& dept, int n) {
    v1::Dimensions d;
    d.set_day(day);
    d.set_department(dept);
    d.set_channel("PHONE");
    v1::Bucket b;
    b.set_tickets(n);
    cells[CellKey(d)] = b;
  };
  put("2026-02-18", "billing", 2);  // previous week of February
  put("2026-02-25", "billing", 6);  // last week: growth 2.0
  put("2026-02-20", "network", 5);
  put("2026-02-26", "network", 1);  // falling: not rising
  put("2026-03-01", "billing", 100);  // other month: ignored
  auto days = MonthDays("2026-02");
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(days->second, "2026-02-28");
  v1::AnalyticsConfig config = DefaultAnalyticsConfig();
  config.set_rising_min_volume(5);
  auto report = BuildMonthlyReport("2026-02", cells, config);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->total().tickets(), 14);
  EXPECT_EQ(report->by_day_size(), 4);
  ASSERT_EQ(report->rising_size(), 1);
  EXPECT_EQ(report->rising(0).value(), "billing");
  EXPECT_DOUBLE_EQ(report->rising(0).growth(), 2.0);
  EXPECT_THAT(report->csv(), ::testing::HasSubstr("department,billing,2,6,2"));
  EXPECT_FALSE(MonthDays("2026-2").ok());
  // Only canonical dates (found by analytics_request_fuzzer: "0830-02" and
  // "20261-2" parsed, and their last days did not).
  EXPECT_FALSE(MonthDays("0830-02").ok());
  EXPECT_FALSE(MonthDays("20261-2").ok());
  EXPECT_FALSE(ParseDay("20261-2-01").ok());
  EXPECT_EQ(FieldViolationsOf(MonthDays("2026-13").status())[0].field, "month");
  // Below the minimum volume a growth is noise, not a rising issue.
  config.set_rising_min_volume(7);
  report = BuildMonthlyReport("2026-02", cells, config);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->rising_size(), 0);
}

TEST(ReportTest, AgentScorecardWeighsComponents) {
  // alice: 2 tickets on one day, 1 on time, 1 resolved, CSAT 1 of 2.
  v1::Dimensions d;
  d.set_day("2026-03-10");
  d.set_agent("alice");
  v1::Bucket b;
  b.set_tickets(2);
  b.set_on_time_responses(1);
  b.set_resolved(1);
  b.set_ratings(2);
  b.set_satisfied(1);
  std::map<std::string, v1::Bucket> cells{{CellKey(d), b}};
  d.set_agent("bob");
  cells[CellKey(d)] = b;
  auto card = BuildAgentScorecard("alice", cells,
                                  DefaultAnalyticsConfig().scorecard());
  ASSERT_TRUE(card.ok()) << card.status();
  EXPECT_EQ(card->tickets(), 2);
  EXPECT_EQ(card->active_days(), 1);
  ASSERT_EQ(card->components_size(), 4);
  EXPECT_DOUBLE_EQ(card->components(0).score(), 0.5);
  EXPECT_DOUBLE_EQ(card->components(1).score(), 0.5);
  EXPECT_DOUBLE_EQ(card->components(2).score(), 1.0 / 15);
  EXPECT_DOUBLE_EQ(card->components(3).score(), 0);  // helped nobody
  EXPECT_NEAR(card->total(), 0.1 + 0.15 + 0.02, 1e-12);
  // A help-only day: active, and one of the 2 helps per day of the bar.
  d.set_agent("alice");
  d.set_day("2026-03-11");
  v1::Bucket help;
  help.set_helped_tickets(1);
  cells[CellKey(d)] = help;
  card = BuildAgentScorecard("alice", cells,
                             DefaultAnalyticsConfig().scorecard());
  ASSERT_TRUE(card.ok());
  EXPECT_EQ(card->active_days(), 2);
  EXPECT_DOUBLE_EQ(card->components(2).score(), 1.0 / 30);
  EXPECT_DOUBLE_EQ(card->components(3).score(), 1.0 / 4);
  EXPECT_FALSE(BuildAgentScorecard("", cells,
                                   DefaultAnalyticsConfig().scorecard())
                   .ok());
  // Routing's name for the agent reads the same scorecard.
  auto named = BuildAgentScorecard("agents/alice", cells,
                                   DefaultAnalyticsConfig().scorecard());
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_EQ(named->agent(), "alice");
  EXPECT_EQ(named->active_days(), 2);
  EXPECT_FALSE(BuildAgentScorecard("agents/", cells,
                                   DefaultAnalyticsConfig().scorecard())
                   .ok());
}

v1::MetricsRow TotalOf(const std::vector<common::v1::Event>& events) {
  auto rows = GroupCells(Apply(events), {}, v1::Dimensions());
  EXPECT_TRUE(rows.ok());
  return rows->empty() ? v1::MetricsRow() : rows->front();
}

// The latest review version counts, whatever the delivery order; a ticket
// without facts yet contributes once its facts arrive.
TEST(QualityKpiTest, LatestReviewVersionCounts) {
  ticket::v1::TicketFacts f = Facts(1, kT0);
  ticket::v1::TicketCreated c;
  *c.mutable_facts() = f;
  ticket::v1::TicketFacts g = Facts(2, kT0);
  ticket::v1::TicketCreated c2;
  *c2.mutable_facts() = g;
  const std::vector<common::v1::Event> events = {
      Wrap(1, kT0, c),
      Wrap(2, kT0, c2),
      Wrap(3, kT0 + absl::Hours(1), Review(f.ticket(), 72.5)),
      Wrap(4, kT0 + absl::Hours(2), Amended(f.ticket(), 2, 88.25)),
      Wrap(5, kT0 + absl::Hours(3), Amended(f.ticket(), 3, 91.75)),
      Wrap(6, kT0 + absl::Hours(1), Review(g.ticket(), 60))};
  v1::MetricsRow row = TotalOf(events);
  EXPECT_EQ(row.qa_reviews(), 2);
  EXPECT_DOUBLE_EQ(row.qa_score(), (91.75 + 60) / 2);
  std::vector<common::v1::Event> late = {events[4], events[2], events[3],
                                         events[4], events[5], events[0],
                                         events[1], events[2]};
  row = TotalOf(late);
  EXPECT_EQ(row.qa_reviews(), 2);
  EXPECT_DOUBLE_EQ(row.qa_score(), (91.75 + 60) / 2);
  // Reviews alone (no ticket facts yet) put nothing in any cell.
  EXPECT_TRUE(Apply({events[2], events[3]}).empty());
}

// A record completed within the window is compliant; one still incomplete,
// or completed only after its RECORD_COMPLETENESS clock breached, is not.
TEST(QualityKpiTest, RecordCompletenessCountsLatestCheckAndBreach) {
  std::vector<common::v1::Event> events;
  uint64_t seq = 0;
  for (int i = 0; i < 4; ++i) {
    ticket::v1::TicketCreated c;
    *c.mutable_facts() = Facts(i, kT0);
    events.push_back(Wrap(++seq, kT0, c));
  }
  const absl::Time resolved = kT0 + absl::Hours(1);
  // t0: complete at resolution.
  events.push_back(Wrap(++seq, resolved, Check(Facts(0, kT0), true)));
  // t1: incomplete, completed 20 minutes later.
  events.push_back(Wrap(++seq, resolved, Check(Facts(1, kT0), false)));
  events.push_back(
      Wrap(++seq, resolved + absl::Minutes(20), Check(Facts(1, kT0), true)));
  // t2: incomplete and never completed.
  events.push_back(Wrap(++seq, resolved, Check(Facts(2, kT0), false)));
  // t3: incomplete, breached at 30', completed at 45'.
  events.push_back(Wrap(++seq, resolved, Check(Facts(3, kT0), false)));
  events.push_back(
      Wrap(++seq, resolved + absl::Minutes(30),
           RecordBreach("tickets/t3", 3, resolved + absl::Minutes(30))));
  events.push_back(
      Wrap(++seq, resolved + absl::Minutes(45), Check(Facts(3, kT0), true)));
  v1::MetricsRow row = TotalOf(events);
  EXPECT_EQ(row.records_checked(), 4);
  EXPECT_EQ(row.records_incomplete(), 2);
  std::vector<common::v1::Event> reversed(events.rbegin(), events.rend());
  reversed.push_back(events[5]);  // t1's stale incomplete check, again
  row = TotalOf(reversed);
  EXPECT_EQ(row.records_checked(), 4);
  EXPECT_EQ(row.records_incomplete(), 2);
  EXPECT_EQ(row.sla_breaches_by_kind().at("RECORD_COMPLETENESS"), 1);
}

// A ticket clock's breach lands in its ticket's channel and region, in
// whatever order the ticket's facts and the breach arrive; a clock without
// them (a complaint's) has no channel.
TEST(AggregatesTest, BreachesCountByTheirClocksChannelAndRegion) {
  ticket::v1::TicketCreated phone_ticket, chat_ticket;
  *phone_ticket.mutable_facts() = Facts(1, kT0);  // PHONE, north
  *chat_ticket.mutable_facts() = Facts(2, kT0);   // ONLINE_CHAT, north
  auto breach = [](const ticket::v1::TicketFacts& f, int id) {
    routing::v1::SlaBreached b;
    b.mutable_clock()->set_name(absl::StrCat("clocks/fr", id));
    b.mutable_clock()->set_subject(f.ticket());
    b.mutable_clock()->set_kind(routing::v1::CLOCK_KIND_FIRST_RESPONSE);
    b.mutable_clock()->set_channel(f.channel());
    b.mutable_clock()->set_region(f.region());
    *b.mutable_breach_time() = ToProtoTime(kT0 + absl::Minutes(20));
    return b;
  };
  routing::v1::SlaBreached complaint_breach;
  complaint_breach.mutable_clock()->set_name("clocks/cp1");
  complaint_breach.mutable_clock()->set_subject("complaints/c1");
  complaint_breach.mutable_clock()->set_kind(
      routing::v1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE);
  *complaint_breach.mutable_breach_time() = ToProtoTime(kT0);
  const std::vector<common::v1::Event> in_order = {
      Wrap(1, kT0, phone_ticket), Wrap(2, kT0, chat_ticket),
      Wrap(3, kT0 + absl::Minutes(20), breach(phone_ticket.facts(), 1)),
      Wrap(4, kT0 + absl::Minutes(20), breach(chat_ticket.facts(), 2)),
      Wrap(5, kT0, complaint_breach)};
  const std::vector<common::v1::Event> reversed(in_order.rbegin(),
                                                in_order.rend());
  for (const auto* events : {&in_order, &reversed}) {
    auto rows = GroupCells(Apply(*events), {"channel"}, v1::Dimensions());
    ASSERT_TRUE(rows.ok()) << rows.status();
    std::map<std::string, int64_t> breaches, tickets;
    for (const v1::MetricsRow& row : *rows) {
      for (const auto& [kind, n] : row.sla_breaches_by_kind()) {
        breaches[row.dimensions().channel()] += n;
      }
      tickets[row.dimensions().channel()] += row.tickets();
    }
    EXPECT_EQ(breaches, (std::map<std::string, int64_t>{
                            {"", 1}, {"ONLINE_CHAT", 1}, {"PHONE", 1}}));
    EXPECT_EQ(tickets["PHONE"], 1);
    v1::Dimensions phone_north;
    phone_north.set_channel("PHONE");
    phone_north.set_region("north");
    rows = GroupCells(Apply(*events), {}, phone_north);
    ASSERT_TRUE(rows.ok()) << rows.status();
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(rows->front().tickets(), 1);
    EXPECT_EQ(rows->front().sla_breaches_by_kind().at("FIRST_RESPONSE"), 1);
  }
}

TEST(QualityKpiTest, ScorecardCombinesQaWithCsatAndRecordsWithResponses) {
  // alice: 4 tickets, 3 on time; 2 records checked, 1 incomplete;
  // CSAT 3 of 4; QA reviews 80.00 and 90.50.
  v1::Dimensions d;
  d.set_day("2026-03-10");
  d.set_agent("alice");
  v1::Bucket b;
  b.set_tickets(4);
  b.set_on_time_responses(3);
  b.set_records_checked(2);
  b.set_records_incomplete(1);
  b.set_ratings(4);
  b.set_satisfied(3);
  b.set_qa_reviews(2);
  b.set_qa_points(8000 + 9050);
  EXPECT_DOUBLE_EQ(ProcessCompliance(b), (3.0 + 1) / (4 + 2));
  EXPECT_DOUBLE_EQ(ServiceQuality(b), (0.75 + 0.8525) / 2);
  std::map<std::string, v1::Bucket> cells{{CellKey(d), b}};
  auto card =
      BuildAgentScorecard("alice", cells, DefaultAnalyticsConfig().scorecard());
  ASSERT_TRUE(card.ok()) << card.status();
  EXPECT_EQ(card->components(0).name(), "process_compliance");
  EXPECT_DOUBLE_EQ(card->components(0).score(), 4.0 / 6);
  EXPECT_EQ(card->components(1).name(), "service_quality");
  EXPECT_DOUBLE_EQ(card->components(1).score(), (0.75 + 0.8525) / 2);
  // Only one part with data: that part alone.
  v1::Bucket qa_only;
  qa_only.set_qa_reviews(1);
  qa_only.set_qa_points(6550);
  EXPECT_DOUBLE_EQ(ServiceQuality(qa_only), 0.655);
  v1::Bucket csat_only;
  csat_only.set_ratings(2);
  csat_only.set_satisfied(1);
  EXPECT_DOUBLE_EQ(ServiceQuality(csat_only), 0.5);
  EXPECT_DOUBLE_EQ(ServiceQuality(v1::Bucket()), -1);
  // Records without tickets in the cell (checked on another day's ticket is
  // impossible, but the arithmetic stays defined).
  v1::Bucket records_only;
  records_only.set_records_checked(2);
  EXPECT_DOUBLE_EQ(ProcessCompliance(records_only), 1);
  EXPECT_DOUBLE_EQ(ProcessCompliance(v1::Bucket()), -1);
}

TEST(ReportTest, ConfigFileParsesAndValidates) {
  auto config = LoadAnalyticsConfigFile(
      std::string(CS_SOURCE_DIR) + "/deploy/config/analytics.textproto");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_DOUBLE_EQ(config->alerts().on_time_response_rate(), 0.90);
  EXPECT_FALSE(ParseAnalyticsConfig("scorecard { efficiency: 0.9 }", "x").ok());
  EXPECT_FALSE(ParseAnalyticsConfig("producers { name: \"c\" }", "x").ok());
}

}  // namespace
}  // namespace cs::analytics
