#include "services/routing/domain/sla_clock.h"

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/time_proto.h"

namespace cs::routing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

const absl::TimeZone& Shanghai() {
  static const absl::TimeZone* tz = [] {
    auto* z = new absl::TimeZone;
    EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", z));
    return z;
  }();
  return *tz;
}

// Local Asia/Shanghai time. 2026-03-13 is a Friday.
absl::Time Sh(int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), Shanghai());
}

const BusinessCalendar& Office() {
  static const BusinessCalendar* c =
      new BusinessCalendar(*BusinessCalendar::Create(OfficeHoursSpec()));
  return *c;
}
const BusinessCalendar& Always() {
  static const BusinessCalendar* c =
      new BusinessCalendar(BusinessCalendar::AlwaysOpen());
  return *c;
}

ClockPolicy Policy(absl::Duration target, std::string calendar = "default",
                   v1::ClockKind kind = v1::CLOCK_KIND_FIRST_RESPONSE,
                   int64_t version = 3) {
  ClockPolicy p;
  p.name = "first_response_grade_a";
  p.version = version;
  p.kind = kind;
  p.target = target;
  p.calendar = std::move(calendar);
  p.warning_fraction = 0.8;
  return p;
}

SlaClock Started(ClockPolicy policy, absl::Time start) {
  SlaClock clock("clocks/c1", "tickets/t1", std::move(policy),
                 cs::common::v1::GRADE_A);
  EXPECT_TRUE(clock.Start(start, "TicketCreated").ok());
  return clock;
}

std::vector<v1::ClockTransition> Transitions(
    const std::vector<LedgerEntry>& entries) {
  std::vector<v1::ClockTransition> out;
  for (const LedgerEntry& e : entries) out.push_back(e.transition);
  return out;
}

TEST(SlaClockTest, FridayEveningDueTimesOnBothCalendars) {
  const absl::Time created = Sh(2026, 3, 13, 17, 55);
  SlaClock office = Started(Policy(absl::Minutes(15)), created);
  EXPECT_EQ(office.state(), v1::CLOCK_STATE_RUNNING);
  EXPECT_THAT(office.DueTime(Office()), Optional(Sh(2026, 3, 16, 9, 10)));
  EXPECT_THAT(office.BreachAt(Office()), Optional(Sh(2026, 3, 16, 9, 10)));
  EXPECT_THAT(office.WarnAt(Office()),
              Optional(Sh(2026, 3, 16, 9, 7)));  // 12 of 15 min
  EXPECT_THAT(office.NextDeadline(Office()), Optional(Sh(2026, 3, 16, 9, 7)));

  SlaClock always = Started(Policy(absl::Minutes(15), "always"), created);
  EXPECT_THAT(always.DueTime(Always()), Optional(Sh(2026, 3, 13, 18, 10)));
  EXPECT_THAT(always.WarnAt(Always()), Optional(Sh(2026, 3, 13, 18, 7)));

  // Business time over the weekend.
  EXPECT_EQ(office.Elapsed(Sh(2026, 3, 14, 12, 0), Office()), absl::Minutes(5));
  EXPECT_EQ(office.Remaining(Sh(2026, 3, 16, 9, 3), Office()),
            absl::Minutes(7));
}

TEST(SlaClockTest, ElapsedAccumulatesExactlyAcrossPauses) {
  SlaClock clock =
      Started(Policy(absl::Hours(2), "always"), Sh(2026, 3, 13, 10, 0));
  const absl::Time p1 = Sh(2026, 3, 13, 10, 20) + absl::Milliseconds(500);
  ASSERT_TRUE(
      clock.Pause(p1, "TicketStatusChanged PENDING_CUSTOMER", Always()).ok());
  EXPECT_EQ(clock.state(), v1::CLOCK_STATE_PAUSED);
  const absl::Duration first = absl::Minutes(20) + absl::Milliseconds(500);
  EXPECT_EQ(clock.Elapsed(Sh(2026, 3, 13, 10, 50), Always()), first);  // frozen
  EXPECT_EQ(clock.WarnAt(Always()), std::nullopt);
  EXPECT_EQ(clock.BreachAt(Always()), std::nullopt);
  EXPECT_EQ(clock.DueTime(Always()), std::nullopt);

  ASSERT_TRUE(
      clock.Resume(Sh(2026, 3, 13, 11, 0), "customer replied", Always()).ok());
  ASSERT_TRUE(clock
                  .Pause(Sh(2026, 3, 13, 11, 10) + absl::Nanoseconds(1),
                         "pending", Always())
                  .ok());
  ASSERT_TRUE(
      clock.Resume(Sh(2026, 3, 13, 12, 0), "customer replied", Always()).ok());
  const absl::Duration expected =
      first + absl::Minutes(10) + absl::Nanoseconds(1) + absl::Minutes(30);
  EXPECT_EQ(clock.Elapsed(Sh(2026, 3, 13, 12, 30), Always()), expected);
  // Due = resume + (target − elapsed before the resume).
  EXPECT_THAT(clock.DueTime(Always()),
              Optional(Sh(2026, 3, 13, 12, 0) + absl::Hours(2) - first -
                       absl::Minutes(10) - absl::Nanoseconds(1)));
  EXPECT_THAT(
      Transitions(clock.ledger()),
      ElementsAre(v1::CLOCK_TRANSITION_START, v1::CLOCK_TRANSITION_PAUSE,
                  v1::CLOCK_TRANSITION_RESUME, v1::CLOCK_TRANSITION_PAUSE,
                  v1::CLOCK_TRANSITION_RESUME));
  EXPECT_EQ(clock.ledger()[1].elapsed, first);
  EXPECT_EQ(clock.ledger()[4].elapsed,
            first + absl::Minutes(10) + absl::Nanoseconds(1));
}

TEST(SlaClockTest, PausesOverAWeekendOnBusinessHours) {
  // Resolution 2h on 09:00–18:00: 30 min on Friday, paused over the weekend
  // while waiting for the customer, resumed on Saturday (not business time).
  SlaClock clock =
      Started(Policy(absl::Hours(2), "default", v1::CLOCK_KIND_RESOLUTION),
              Sh(2026, 3, 13, 17, 0));
  ASSERT_TRUE(
      clock.Pause(Sh(2026, 3, 13, 17, 30), "PENDING_CUSTOMER", Office()).ok());
  ASSERT_TRUE(
      clock.Resume(Sh(2026, 3, 14, 10, 0), "customer replied", Office()).ok());
  EXPECT_EQ(clock.Elapsed(Sh(2026, 3, 16, 9, 45), Office()), absl::Minutes(75));
  EXPECT_THAT(clock.DueTime(Office()), Optional(Sh(2026, 3, 16, 10, 30)));
  EXPECT_THAT(clock.WarnAt(Office()),
              Optional(Sh(2026, 3, 16, 10, 6)));  // 96 min
}

TEST(SlaClockTest, LateDetectionRecordsTrueDueInstants) {
  SlaClock clock = Started(Policy(absl::Minutes(15)), Sh(2026, 3, 13, 17, 55));
  EXPECT_TRUE(clock.RecordDue(Sh(2026, 3, 16, 9, 6), Office()).empty());
  // The service was down until Monday noon.
  const std::vector<LedgerEntry> due =
      clock.RecordDue(Sh(2026, 3, 16, 12, 0), Office());
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].transition, v1::CLOCK_TRANSITION_WARN);
  EXPECT_EQ(due[0].time, Sh(2026, 3, 16, 9, 7));
  EXPECT_EQ(due[0].elapsed, absl::Minutes(12));
  EXPECT_EQ(due[1].transition, v1::CLOCK_TRANSITION_BREACH);
  EXPECT_EQ(due[1].time, Sh(2026, 3, 16, 9, 10));
  EXPECT_EQ(due[1].elapsed, absl::Minutes(15));
  EXPECT_EQ(due[1].policy_version, 3);
  EXPECT_TRUE(clock.warned());
  EXPECT_TRUE(clock.breached());
  EXPECT_EQ(clock.Remaining(Sh(2026, 3, 16, 12, 0), Office()),
            absl::Minutes(15) - absl::Minutes(5) -
                absl::Hours(3));  // 5 min Friday + 3 h Monday
  // Recorded once.
  EXPECT_TRUE(clock.RecordDue(Sh(2026, 3, 16, 13, 0), Office()).empty());
  EXPECT_EQ(clock.NextDeadline(Office()), std::nullopt);
  EXPECT_THAT(clock.DueTime(Office()), Optional(Sh(2026, 3, 16, 9, 10)));
}

TEST(SlaClockTest, FulfilOnTimeAndLate) {
  SlaClock on_time =
      Started(Policy(absl::Minutes(15), "always"), Sh(2026, 3, 13, 10, 0));
  absl::StatusOr<std::vector<LedgerEntry>> entries = on_time.Fulfil(
      Sh(2026, 3, 13, 10, 5), "first public agent reply", Always());
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_THAT(Transitions(*entries), ElementsAre(v1::CLOCK_TRANSITION_FULFIL));
  EXPECT_EQ(on_time.state(), v1::CLOCK_STATE_FULFILLED);
  EXPECT_FALSE(on_time.breached());
  EXPECT_EQ(on_time.end_time(), Sh(2026, 3, 13, 10, 5));
  EXPECT_EQ(on_time.Elapsed(Sh(2026, 3, 14, 0, 0), Always()), absl::Minutes(5));
  EXPECT_EQ(on_time.NextDeadline(Always()), std::nullopt);

  // A reply after the due instant: the missed warning and breach are
  // recorded at their own instants before the fulfilment.
  SlaClock late =
      Started(Policy(absl::Minutes(15), "always"), Sh(2026, 3, 13, 10, 0));
  entries = late.Fulfil(Sh(2026, 3, 13, 10, 40), "first public agent reply",
                        Always());
  ASSERT_TRUE(entries.ok());
  EXPECT_THAT(Transitions(*entries), ElementsAre(v1::CLOCK_TRANSITION_WARN,
                                                 v1::CLOCK_TRANSITION_BREACH,
                                                 v1::CLOCK_TRANSITION_FULFIL));
  EXPECT_EQ((*entries)[0].time, Sh(2026, 3, 13, 10, 12));
  EXPECT_EQ((*entries)[1].time, Sh(2026, 3, 13, 10, 15));
  EXPECT_EQ((*entries)[2].time, Sh(2026, 3, 13, 10, 40));
  EXPECT_TRUE(late.breached());
  EXPECT_EQ(late.Remaining(Sh(2026, 3, 13, 11, 0), Always()),
            -absl::Minutes(25));

  // Reaching the due instant counts as late; one nanosecond before does not.
  SlaClock edge =
      Started(Policy(absl::Minutes(15), "always"), Sh(2026, 3, 13, 10, 0));
  ASSERT_TRUE(edge.Fulfil(Sh(2026, 3, 13, 10, 15) - absl::Nanoseconds(1),
                          "reply", Always())
                  .ok());
  EXPECT_FALSE(edge.breached());
  EXPECT_TRUE(edge.warned());
  SlaClock at_due =
      Started(Policy(absl::Minutes(15), "always"), Sh(2026, 3, 13, 10, 0));
  ASSERT_TRUE(at_due.Fulfil(Sh(2026, 3, 13, 10, 15), "reply", Always()).ok());
  EXPECT_TRUE(at_due.breached());
}

TEST(SlaClockTest, PauseRecordsWarningThatFellDueFirst) {
  SlaClock clock =
      Started(Policy(absl::Minutes(10), "always"), Sh(2026, 3, 13, 10, 0));
  absl::StatusOr<std::vector<LedgerEntry>> entries =
      clock.Pause(Sh(2026, 3, 13, 10, 9), "PENDING_CUSTOMER", Always());
  ASSERT_TRUE(entries.ok());
  EXPECT_THAT(Transitions(*entries), ElementsAre(v1::CLOCK_TRANSITION_WARN,
                                                 v1::CLOCK_TRANSITION_PAUSE));
  EXPECT_EQ((*entries)[0].time, Sh(2026, 3, 13, 10, 8));
  EXPECT_TRUE(clock.warned());
  EXPECT_FALSE(clock.breached());
  // Paused for a day: no breach.
  EXPECT_TRUE(clock.RecordDue(Sh(2026, 3, 14, 10, 0), Always()).empty());
  ASSERT_TRUE(clock.Resume(Sh(2026, 3, 14, 10, 0), "resumed", Always()).ok());
  EXPECT_THAT(clock.BreachAt(Always()), Optional(Sh(2026, 3, 14, 10, 1)));
  EXPECT_EQ(clock.WarnAt(Always()), std::nullopt);  // warned once only
}

TEST(SlaClockTest, MarkWarnedAndBreachedAtTheirDueInstants) {
  SlaClock clock =
      Started(Policy(absl::Minutes(30), "always"), Sh(2026, 3, 13, 10, 0));
  const absl::Time warn = *clock.WarnAt(Always());
  EXPECT_EQ(warn, Sh(2026, 3, 13, 10, 24));
  EXPECT_EQ(clock.MarkWarned(warn + absl::Seconds(1), Always()).code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(clock.MarkWarned(warn, Always()).ok());
  EXPECT_EQ(clock.MarkWarned(warn, Always()).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(clock.ledger().back().transition, v1::CLOCK_TRANSITION_WARN);
  EXPECT_EQ(clock.ledger().back().time, warn);
  EXPECT_FALSE(clock.breached());

  const absl::Time breach = *clock.BreachAt(Always());
  EXPECT_EQ(breach, Sh(2026, 3, 13, 10, 30));
  ASSERT_TRUE(clock.MarkBreached(breach, Always()).ok());
  EXPECT_EQ(clock.ledger().back().transition, v1::CLOCK_TRANSITION_BREACH);
  EXPECT_EQ(clock.ledger().back().time, breach);
  EXPECT_EQ(clock.ledger().back().elapsed, absl::Minutes(30));
  EXPECT_EQ(clock.MarkBreached(breach, Always()).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(SlaClockTest, IllegalTransitionsNameTheState) {
  SlaClock fresh("clocks/c9", "tickets/t9", Policy(absl::Minutes(15)));
  absl::Status s = fresh.Pause(Sh(2026, 3, 13, 10, 0), "x", Office()).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(
      s.message(),
      HasSubstr(
          "cannot pause clock clocks/c9 (FIRST_RESPONSE): it is NOT_STARTED"));

  SlaClock clock = Started(Policy(absl::Minutes(15)), Sh(2026, 3, 13, 10, 0));
  s = clock.Resume(Sh(2026, 3, 13, 10, 1), "x", Office()).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(
      s.message(),
      HasSubstr(
          "cannot resume clock clocks/c1 (FIRST_RESPONSE): it is RUNNING"));
  EXPECT_THAT(clock.Start(Sh(2026, 3, 13, 10, 1), "x").status().message(),
              HasSubstr("it is RUNNING"));

  ASSERT_TRUE(clock.Pause(Sh(2026, 3, 13, 10, 2), "x", Office()).ok());
  EXPECT_THAT(
      clock.Pause(Sh(2026, 3, 13, 10, 3), "x", Office()).status().message(),
      HasSubstr("cannot pause clock clocks/c1 (FIRST_RESPONSE): it is PAUSED"));
  ASSERT_TRUE(
      clock.Fulfil(Sh(2026, 3, 13, 10, 4), "reply while pending", Office())
          .ok());

  const std::vector<LedgerEntry> before = clock.ledger();
  const absl::Time t = Sh(2026, 3, 13, 10, 5);
  for (const absl::Status& st :
       {clock.Start(t, "x").status(), clock.Pause(t, "x", Office()).status(),
        clock.Resume(t, "x", Office()).status(),
        clock.Fulfil(t, "x", Office()).status(),
        clock.Stop(t, "x", Office()).status(),
        clock.Retarget(t, Policy(absl::Hours(1)), "x", Office(), Office())
            .status(),
        clock.MarkWarned(t, Office()), clock.MarkBreached(t, Office())}) {
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
    EXPECT_THAT(st.message(), HasSubstr("it is FULFILLED"));
  }
  EXPECT_EQ(clock.ledger(), before);  // nothing changed
  EXPECT_EQ(clock.state(), v1::CLOCK_STATE_FULFILLED);

  SlaClock stopped = Started(Policy(absl::Minutes(15)), Sh(2026, 3, 13, 10, 0));
  ASSERT_TRUE(
      stopped.Stop(Sh(2026, 3, 13, 10, 1), "TicketClosed unanswered", Office())
          .ok());
  EXPECT_THAT(stopped.Resume(t, "x", Office()).status().message(),
              HasSubstr("it is STOPPED"));
  EXPECT_THAT(stopped.Fulfil(t, "x", Office()).status().message(),
              HasSubstr("it is STOPPED"));
}

TEST(SlaClockTest, StartValidatesPolicyAndTime) {
  SlaClock bad("clocks/c2", "tickets/t2", Policy(absl::ZeroDuration()));
  EXPECT_EQ(bad.Start(Sh(2026, 3, 13, 10, 0), "x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.state(), v1::CLOCK_STATE_UNSPECIFIED);
  ClockPolicy p = Policy(absl::Minutes(5));
  p.warning_fraction = 1.0;
  EXPECT_THAT(ValidateClockPolicy(p).message(), HasSubstr("warning_fraction"));
  SlaClock ok("clocks/c3", "tickets/t3", Policy(absl::Minutes(5)));
  EXPECT_EQ(ok.Start(absl::InfiniteFuture(), "x").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SlaClockTest, LedgerIsAppendOnlyAndKeepsPolicyVersions) {
  SlaClock clock = Started(
      Policy(absl::Minutes(30), "always", v1::CLOCK_KIND_FIRST_RESPONSE, 3),
      Sh(2026, 3, 13, 10, 0));
  ASSERT_TRUE(
      clock.Pause(Sh(2026, 3, 13, 10, 10), "PENDING_CUSTOMER", Always()).ok());
  const std::vector<LedgerEntry> snapshot = clock.ledger();

  // A re-grade (B → C) under configuration version 4: 2 h from now on.
  ClockPolicy c =
      Policy(absl::Hours(2), "default", v1::CLOCK_KIND_FIRST_RESPONSE, 4);
  c.name = "first_response_grade_c";
  ASSERT_TRUE(
      clock.Resume(Sh(2026, 3, 13, 10, 20), "customer replied", Always()).ok());
  absl::StatusOr<std::vector<LedgerEntry>> entries = clock.Retarget(
      Sh(2026, 3, 13, 10, 30), c, "re-graded B → C", Always(), Office());
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].transition, v1::CLOCK_TRANSITION_RECOMPUTE);
  EXPECT_EQ((*entries)[0].policy_version, 4);
  EXPECT_EQ((*entries)[0].elapsed, absl::Minutes(20));
  EXPECT_THAT((*entries)[0].reason, HasSubstr("first_response_grade_c v4"));
  EXPECT_EQ(clock.policy().version, 4);
  EXPECT_EQ(clock.policy().calendar, "default");
  // 20 min used; 1 h 40 min of office time left from Friday 10:30.
  EXPECT_THAT(clock.DueTime(Office()), Optional(Sh(2026, 3, 13, 12, 10)));

  // Earlier entries are untouched and keep version 3.
  ASSERT_GE(clock.ledger().size(), snapshot.size());
  for (size_t i = 0; i < snapshot.size(); ++i) {
    EXPECT_EQ(clock.ledger()[i], snapshot[i]) << i;
    EXPECT_EQ(clock.ledger()[i].policy_version, 3);
  }
  ASSERT_TRUE(clock.Fulfil(Sh(2026, 3, 13, 11, 0), "reply", Office()).ok());
  EXPECT_EQ(clock.ledger().back().policy_version, 4);
  EXPECT_EQ(clock.ledger().back().elapsed, absl::Minutes(50));
}

TEST(SlaClockTest, RetargetToAShorterTargetFallsDueImmediately) {
  SlaClock clock =
      Started(Policy(absl::Hours(2), "always"), Sh(2026, 3, 13, 10, 0));
  ClockPolicy a =
      Policy(absl::Minutes(15), "always", v1::CLOCK_KIND_FIRST_RESPONSE, 4);
  absl::StatusOr<std::vector<LedgerEntry>> entries = clock.Retarget(
      Sh(2026, 3, 13, 10, 20), a, "re-graded C → A", Always(), Always());
  ASSERT_TRUE(entries.ok());
  EXPECT_THAT(Transitions(*entries), ElementsAre(v1::CLOCK_TRANSITION_RECOMPUTE,
                                                 v1::CLOCK_TRANSITION_WARN,
                                                 v1::CLOCK_TRANSITION_BREACH));
  EXPECT_EQ((*entries)[2].time, Sh(2026, 3, 13, 10, 20));
  EXPECT_TRUE(clock.breached());

  ClockPolicy other = a;
  other.kind = v1::CLOCK_KIND_RESOLUTION;
  EXPECT_EQ(
      clock.Retarget(Sh(2026, 3, 13, 10, 21), other, "x", Always(), Always())
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(SlaClockTest, LateEventNeverMovesTimeBackwards) {
  SlaClock clock =
      Started(Policy(absl::Minutes(15), "always"), Sh(2026, 3, 13, 10, 0));
  ASSERT_EQ(clock.RecordDue(Sh(2026, 3, 13, 10, 20), Always()).size(), 2u);
  // The reply was at 10:14 but is processed after the breach was written.
  absl::StatusOr<std::vector<LedgerEntry>> entries = clock.Fulfil(
      Sh(2026, 3, 13, 10, 14), "first public agent reply", Always());
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->back().time, Sh(2026, 3, 13, 10, 15));
  EXPECT_THAT(entries->back().reason,
              HasSubstr("precedes the clock's last entry"));
  for (size_t i = 1; i < clock.ledger().size(); ++i) {
    EXPECT_LE(clock.ledger()[i - 1].time, clock.ledger()[i].time);
  }
}

TEST(SlaClockTest, StartInThePastCatchesUp) {
  SlaClock clock("clocks/k1", "complaints/p1",
                 Policy(absl::Minutes(10), "always",
                        v1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE));
  ASSERT_TRUE(clock.Start(Sh(2026, 3, 13, 9, 0), "complaint accepted").ok());
  const std::vector<LedgerEntry> due =
      clock.RecordDue(Sh(2026, 3, 13, 9, 30), Always());
  EXPECT_THAT(Transitions(due), ElementsAre(v1::CLOCK_TRANSITION_WARN,
                                            v1::CLOCK_TRANSITION_BREACH));
  EXPECT_EQ(due[1].time, Sh(2026, 3, 13, 9, 10));
}

TEST(SlaClockTest, ProtoRoundTrip) {
  SlaClock clock = Started(Policy(absl::Minutes(15)), Sh(2026, 3, 13, 17, 55));
  clock.set_department("技术支持部");
  clock.set_assignee("wang.xm");
  ASSERT_TRUE(
      clock.Pause(Sh(2026, 3, 13, 17, 58), "PENDING_CUSTOMER", Office()).ok());
  ASSERT_TRUE(
      clock.Resume(Sh(2026, 3, 16, 8, 0), "customer replied", Office()).ok());
  clock.RecordDue(Sh(2026, 3, 16, 10, 0), Office());

  const v1::SlaClock view = clock.ToProto(Sh(2026, 3, 16, 9, 30), Office());
  EXPECT_EQ(view.name(), "clocks/c1");
  EXPECT_EQ(view.subject(), "tickets/t1");
  EXPECT_EQ(view.state(), v1::CLOCK_STATE_RUNNING);
  EXPECT_EQ(view.policy(), "first_response_grade_a");
  EXPECT_EQ(view.policy_version(), 3);
  EXPECT_EQ(FromProtoDuration(view.elapsed()), absl::Minutes(33));
  EXPECT_EQ(FromProtoDuration(view.remaining()), -absl::Minutes(18));
  EXPECT_EQ(FromProtoTime(view.due_time()), Sh(2026, 3, 16, 9, 12));
  EXPECT_TRUE(view.warned());
  EXPECT_TRUE(view.breached());
  EXPECT_EQ(view.department(), "技术支持部");
  EXPECT_EQ(view.ledger_size(), 5);
  EXPECT_FALSE(view.has_end_time());

  absl::StatusOr<SlaClock> back = SlaClock::FromProto(view, 0.8);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->ledger(), clock.ledger());
  EXPECT_EQ(back->state(), clock.state());
  EXPECT_EQ(back->Elapsed(Sh(2026, 3, 16, 9, 30), Office()), absl::Minutes(33));
  EXPECT_EQ(back->DueTime(Office()), clock.DueTime(Office()));
  EXPECT_EQ(back->NextDeadline(Office()), std::nullopt);
  EXPECT_EQ(back->assignee(), "wang.xm");

  v1::SlaClock broken = view;
  broken.mutable_ledger(1)->set_transition(v1::CLOCK_TRANSITION_RESUME);
  EXPECT_EQ(SlaClock::FromProto(broken, 0.8).status().code(),
            absl::StatusCode::kInvalidArgument);
  broken = view;
  broken.set_state(v1::CLOCK_STATE_FULFILLED);
  EXPECT_EQ(SlaClock::FromProto(broken, 0.8).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cs::routing
