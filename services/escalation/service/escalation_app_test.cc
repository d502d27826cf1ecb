// Tests of EscalationApp against a real Store in a temp dir: routing events
// are delivered with HandleRoutingEvent (shaped as routing-sla publishes
// them), time is a ManualClock, and the level timers fire on it (WaitIdle,
// never sleeps).
#include "services/escalation/service/escalation_app.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cs/routing/v1/routing.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/time_proto.h"
#include "libs/testing/temp_dir.h"
#include "services/escalation/store/escalation_store.h"

namespace cs::escalation {
namespace {

using auth::Role;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
namespace common = cs::common::v1;
namespace rv1 = cs::routing::v1;

constexpr absl::Duration kGuard = absl::Seconds(30);  // only against hangs

auth::Principal Person(const std::string& subject, auth::RoleSet roles) {
  auth::Principal p;
  p.subject = subject;
  p.roles = roles;
  return p;
}

class EscalationAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto settings = LoadEscalationConfigFile(
        absl::StrCat(CS_SOURCE_DIR, "/deploy/config/escalation.textproto"));
    ASSERT_TRUE(settings.ok()) << settings.status();
    settings_ = std::make_unique<EscalationSettings>(*std::move(settings));
    Open();
  }
  void TearDown() override { Close(); }

  void Open() {
    auto store = Store::Open({.path = dir_.Sub("escalation"),
                              .column_families = EscalationColumnFamilies()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto outbox = Outbox::Open(*store_, {.producer = "escalation"}, clock_);
    ASSERT_TRUE(outbox.ok()) << outbox.status();
    outbox_ = *std::move(outbox);
    EscalationApp::Options options;
    options.timers.initial_backoff = absl::Milliseconds(1);
    options.departments = departments_;
    auto app =
        EscalationApp::Create(*store_, *outbox_, clock_, *settings_, options);
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    ASSERT_TRUE(app_->Start().ok());
  }

  // As at a process exit.
  void Close() {
    if (app_ == nullptr) return;
    app_->Stop();
    app_.reset();
    outbox_.reset();
    ASSERT_TRUE(store_->Close().ok());
    store_.reset();
  }

  static rv1::SlaClock Clock(const std::string& id, common::Grade grade,
                             const std::string& assignee = "wang") {
    rv1::SlaClock clock;
    clock.set_name("clocks/" + id);
    clock.set_subject("tickets/t-" + id);
    clock.set_kind(rv1::CLOCK_KIND_FIRST_RESPONSE);
    clock.set_grade(grade);
    clock.set_department("客服部");
    clock.set_assignee(assignee);
    return clock;
  }

  void Deliver(const google::protobuf::Message& payload,
               uint64_t sequence = 0) {
    common::Event event;
    event.set_sequence(sequence != 0 ? sequence : ++sequence_);
    event.set_type(payload.GetDescriptor()->name());
    event.set_producer("routing");
    *event.mutable_occurred_time() = ToProtoTime(clock_.Now());
    event.mutable_payload()->PackFrom(payload);
    WriteSet writes;
    absl::Status handled = app_->HandleRoutingEvent(event, writes);
    ASSERT_TRUE(handled.ok()) << handled;
    ASSERT_TRUE(store_->Commit(writes).ok());
  }

  void Breach(const rv1::SlaClock& clock) {
    rv1::SlaBreached breached;
    *breached.mutable_clock() = clock;
    *breached.mutable_breach_time() = ToProtoTime(clock_.Now());
    Deliver(breached);
  }

  void Advance(absl::Duration d) {
    clock_.Advance(d);
    ASSERT_TRUE(app_->WaitTimersIdle(kGuard));
  }

  std::vector<v1::EscalationCase> Cases(v1::ListCasesRequest request = {}) {
    auto listed = app_->ListCases(Lead(), request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    if (!listed.ok()) return {};
    return {listed->cases().begin(), listed->cases().end()};
  }

  v1::EscalationCase OnlyCase() {
    std::vector<v1::EscalationCase> cases = Cases();
    EXPECT_THAT(cases, SizeIs(1));
    return cases.empty() ? v1::EscalationCase() : cases[0];
  }

  // Notifications for a recipient or role, as WatchNotifications filters.
  std::vector<v1::Notification> For(const std::string& recipient,
                                    const std::string& role = "") {
    v1::WatchNotificationsRequest request;
    request.set_recipient(recipient);
    request.set_role(role);
    std::vector<v1::Notification> out;
    auto read = outbox_->Read(1, 0, [&](const common::Event& event) {
      auto n = EscalationApp::NotificationFor(request, event);
      if (n) out.push_back(*n);
    });
    EXPECT_TRUE(read.ok()) << read.status();
    return out;
  }

  template <typename Payload>
  int CountEvents() {
    int n = 0;
    auto read = outbox_->Read(1, 0, [&](const common::Event& event) {
      if (event.type() == Payload::descriptor()->name()) ++n;
    });
    EXPECT_TRUE(read.ok());
    return n;
  }

  // A team lead of the department the test clocks carry.
  static auth::Principal Lead() {
    auth::Principal lead = Person("lead-1", {Role::kTeamLead});
    lead.department = "客服部";
    return lead;
  }

  cs::testing::TempDir dir_;
  ManualClock clock_{absl::FromUnixSeconds(1800000000)};
  std::unique_ptr<EscalationSettings> settings_;
  DepartmentDirectory departments_;  // open unless a test restricts it
  std::unique_ptr<Store> store_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<EscalationApp> app_;
  uint64_t sequence_ = 0;
};

TEST_F(EscalationAppTest, GradeAChainWalksWithTheClock) {
  const absl::Time t0 = clock_.Now();
  Breach(Clock("a1", common::GRADE_A));
  v1::EscalationCase c = OnlyCase();
  EXPECT_EQ(c.state(), v1::CASE_STATE_OPEN);
  EXPECT_EQ(c.level(), 1);
  EXPECT_EQ(c.policy(), "grade-a");
  EXPECT_EQ(c.subject(), "tickets/t-a1");
  EXPECT_EQ(FromProtoTime(c.ack_due_time()), t0 + absl::Minutes(15));
  EXPECT_THAT(For("", "team_lead"), SizeIs(1));
  EXPECT_THAT(For("", "director"), SizeIs(0));
  EXPECT_EQ(CountEvents<v1::EscalationOpened>(), 1);

  Advance(absl::Minutes(15) - absl::Seconds(1));
  EXPECT_EQ(OnlyCase().level(), 1);
  Advance(absl::Seconds(1));
  c = OnlyCase();
  EXPECT_EQ(c.level(), 2);
  EXPECT_EQ(FromProtoTime(c.level_time()), t0 + absl::Minutes(15));
  EXPECT_EQ(FromProtoTime(c.ack_due_time()), t0 + absl::Minutes(45));
  EXPECT_THAT(For("", "director"), SizeIs(1));
  EXPECT_THAT(For("tech-director"), SizeIs(1));

  Advance(absl::Minutes(30));
  c = OnlyCase();
  EXPECT_EQ(c.level(), 3);
  ASSERT_THAT(For("ceo"), SizeIs(1));
  EXPECT_EQ(For("ceo")[0].level_title(), "总经理 CEO");

  Advance(absl::Hours(1));
  c = OnlyCase();
  EXPECT_EQ(c.level(), 3);
  EXPECT_TRUE(c.chain_exhausted());
  EXPECT_EQ(c.state(), v1::CASE_STATE_OPEN);
  EXPECT_EQ(CountEvents<v1::EscalationLevelRaised>(), 2);
  Advance(absl::Hours(10));
  EXPECT_EQ(CountEvents<v1::EscalationLevelRaised>(), 2);
}

TEST_F(EscalationAppTest, GradeBStartsWithTheAssigneeAndGradeCWithTheLead) {
  Breach(Clock("b1", common::GRADE_B, "wang"));
  ASSERT_THAT(For("wang"), SizeIs(1));
  EXPECT_EQ(For("wang")[0].kind(), v1::NOTIFICATION_KIND_ESCALATION);
  EXPECT_THAT(For("", "agent"), SizeIs(1));
  Advance(absl::Minutes(30));
  EXPECT_THAT(For("product-manager"), SizeIs(1));
  Advance(absl::Hours(1));
  EXPECT_THAT(For("cs-director"), SizeIs(1));

  Breach(Clock("c1", common::GRADE_C));
  v1::ListCasesRequest grade_c;
  grade_c.set_grade(common::GRADE_C);
  ASSERT_THAT(Cases(grade_c), SizeIs(1));
  EXPECT_EQ(Cases(grade_c)[0].chain_size(), 1);
  Advance(absl::Hours(2));
  EXPECT_TRUE(Cases(grade_c)[0].chain_exhausted());
}

TEST_F(EscalationAppTest, WarningNotifiesAssigneeAndLeadWithoutACase) {
  rv1::SlaWarning warning;
  *warning.mutable_clock() = Clock("w1", common::GRADE_A, "wang");
  Deliver(warning);
  EXPECT_THAT(Cases(), SizeIs(0));
  ASSERT_THAT(For("wang"), SizeIs(1));
  EXPECT_EQ(For("wang")[0].kind(), v1::NOTIFICATION_KIND_SLA_WARNING);
  EXPECT_EQ(For("wang")[0].subject(), "tickets/t-w1");
  EXPECT_THAT(For("", "team_lead"), SizeIs(1));
}

TEST_F(EscalationAppTest, DuplicateBreachOpensOneCase) {
  const rv1::SlaClock clock = Clock("d1", common::GRADE_A);
  Breach(clock);
  Breach(clock);  // redelivered, or published twice
  Advance(absl::Minutes(1));
  Breach(clock);
  EXPECT_THAT(Cases(), SizeIs(1));
  EXPECT_EQ(CountEvents<v1::EscalationOpened>(), 1);
  EXPECT_THAT(For("", "team_lead"), SizeIs(1));
}

TEST_F(EscalationAppTest, AcknowledgementStopsTheClimbAndIsChecked) {
  Breach(Clock("k1", common::GRADE_A));
  v1::AcknowledgeRequest ack;
  ack.set_name(OnlyCase().name());
  // An agent and a QA are below a team-lead level; a stranger is not named.
  for (const auth::Principal& who :
       {Person("wang", {Role::kAgent}), Person("qa-1", {Role::kQa}),
        Person("service:x", {Role::kService})}) {
    auto denied = app_->Acknowledge(who, ack);
    EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied)
        << who.subject;
  }
  ack.set_note("已接手");
  auto acked = app_->Acknowledge(Lead(), ack);
  ASSERT_TRUE(acked.ok()) << acked.status();
  EXPECT_EQ(acked->state(), v1::CASE_STATE_ACKNOWLEDGED);
  EXPECT_EQ(acked->acknowledged_by(), "lead-1");
  Advance(absl::Hours(5));
  EXPECT_EQ(OnlyCase().level(), 1);
  EXPECT_EQ(CountEvents<v1::EscalationLevelRaised>(), 0);
  EXPECT_EQ(CountEvents<v1::EscalationAcknowledged>(), 1);
  // Again: unchanged, no second event.
  ASSERT_TRUE(app_->Acknowledge(Lead(), ack).ok());
  EXPECT_EQ(CountEvents<v1::EscalationAcknowledged>(), 1);
  // A second acknowledgement with another note is refused, not dropped.
  ack.set_note("再次");
  const absl::Status again = app_->Acknowledge(Lead(), ack).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition) << again;
  EXPECT_EQ(ErrorReasonOf(again), "ALREADY_ACKNOWLEDGED");
  EXPECT_EQ(OnlyCase().acknowledge_note(), "已接手");
  EXPECT_EQ(CountEvents<v1::EscalationAcknowledged>(), 1);

  // At level 2 a team lead no longer ranks; the named director does.
  Breach(Clock("k2", common::GRADE_A));
  Advance(absl::Minutes(15));
  v1::ListCasesRequest level2;
  level2.set_level(2);
  ASSERT_THAT(Cases(level2), SizeIs(1));
  ack.set_name(Cases(level2)[0].name());
  EXPECT_EQ(app_->Acknowledge(Lead(), ack).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto by_named =
      app_->Acknowledge(Person("tech-director", {Role::kAgent}), ack);
  ASSERT_TRUE(by_named.ok()) << by_named.status();

  v1::AcknowledgeRequest missing;
  missing.set_name("cases/01ARZ3NDEKTSV4RRFFQ69G5FAV");
  EXPECT_EQ(app_->Acknowledge(Lead(), missing).status().code(),
            absl::StatusCode::kNotFound);
  missing.set_name("nope");
  EXPECT_EQ(app_->Acknowledge(Lead(), missing).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(EscalationAppTest, TeamLeadsActOnlyOnTheirOwnDepartmentsCases) {
  Breach(Clock("d1", common::GRADE_C));  // 客服部, level 1: role team_lead
  const std::string name = OnlyCase().name();
  v1::AcknowledgeRequest ack;
  ack.set_name(name);
  v1::ResolveRequest resolve;
  resolve.set_name(name);
  auth::Principal product_lead = Person("lead-cp", {Role::kTeamLead});
  product_lead.department = "产品部";
  const absl::Status denied = app_->Acknowledge(product_lead, ack).status();
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.message(),
              HasSubstr("own department (产品部), not 客服部"));
  EXPECT_EQ(ErrorReasonOf(denied), "DEPARTMENT_SCOPE");
  EXPECT_EQ(app_->Resolve(product_lead, resolve).status().code(),
            absl::StatusCode::kPermissionDenied);
  // No department in the token is no department's lead.
  EXPECT_EQ(app_->Acknowledge(Person("lead-x", {Role::kTeamLead}), ack)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(OnlyCase().state(), v1::CASE_STATE_OPEN);
  EXPECT_EQ(CountEvents<v1::EscalationAcknowledged>(), 0);
  // A supervisor of another department is not scoped.
  auth::Principal supervisor = Person("sup-cp", {Role::kSupervisor});
  supervisor.department = "产品部";
  ASSERT_TRUE(app_->Acknowledge(supervisor, ack).ok());
  EXPECT_EQ(app_->Resolve(product_lead, resolve).status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(app_->Resolve(Lead(), resolve).ok());

  // Grade B's first level is the role agent: agents are scoped the same way.
  Breach(Clock("d2", common::GRADE_B));  // 客服部
  v1::ListCasesRequest open;
  open.set_state(v1::CASE_STATE_OPEN);
  ASSERT_THAT(Cases(open), SizeIs(1));
  ack.set_name(Cases(open)[0].name());
  auth::Principal product_agent = Person("agent-cp", {Role::kAgent});
  product_agent.department = "产品部";
  EXPECT_EQ(ErrorReasonOf(app_->Acknowledge(product_agent, ack).status()),
            "DEPARTMENT_SCOPE");
  auth::Principal service_agent = Person("wang", {Role::kAgent});
  service_agent.department = "客服部";
  ASSERT_TRUE(app_->Acknowledge(service_agent, ack).ok());
}

TEST_F(EscalationAppTest, FulfilledOrStoppedClockClosesTheCase) {
  const rv1::SlaClock clock = Clock("f1", common::GRADE_A);
  Breach(clock);
  rv1::SlaClockFulfilled fulfilled;
  *fulfilled.mutable_clock() = clock;
  Deliver(fulfilled);
  v1::EscalationCase c = OnlyCase();
  EXPECT_EQ(c.state(), v1::CASE_STATE_CLOSED);
  EXPECT_EQ(c.close_reason(), "SLA clock fulfilled");
  Advance(absl::Hours(2));
  EXPECT_EQ(OnlyCase().level(), 1);
  EXPECT_EQ(CountEvents<v1::EscalationClosed>(), 1);
  Deliver(fulfilled);  // again: nothing more
  EXPECT_EQ(CountEvents<v1::EscalationClosed>(), 1);

  const rv1::SlaClock other = Clock("f2", common::GRADE_B);
  Breach(other);
  rv1::SlaClockStopped stopped;
  *stopped.mutable_clock() = other;
  Deliver(stopped);
  v1::ListCasesRequest closed;
  closed.set_state(v1::CASE_STATE_CLOSED);
  EXPECT_THAT(Cases(closed), SizeIs(2));

  // Resolve: closed cases refuse; an open one closes.
  Breach(Clock("f3", common::GRADE_C));
  v1::ListCasesRequest open;
  open.set_state(v1::CASE_STATE_OPEN);
  ASSERT_THAT(Cases(open), SizeIs(1));
  v1::ResolveRequest resolve;
  resolve.set_name(Cases(open)[0].name());
  EXPECT_EQ(
      app_->Resolve(Person("wang", {Role::kAgent}), resolve).status().code(),
      absl::StatusCode::kPermissionDenied);
  auto resolved = app_->Resolve(Lead(), resolve);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->state(), v1::CASE_STATE_CLOSED);
  EXPECT_EQ(app_->Resolve(Lead(), resolve).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(EscalationAppTest, OpenCasesAreListedFromTheirIndex) {
  for (const char* id : {"o1", "o2", "o3"}) Breach(Clock(id, common::GRADE_C));
  for (const char* id : {"o1", "o3"}) {
    rv1::SlaClockFulfilled fulfilled;
    *fulfilled.mutable_clock() = Clock(id, common::GRADE_C);
    Deliver(fulfilled);
  }
  v1::ListCasesRequest open;
  open.set_state(v1::CASE_STATE_OPEN);
  ASSERT_THAT(Cases(open), SizeIs(1));
  EXPECT_EQ(Cases(open)[0].subject(), "tickets/t-o2");
  v1::ListCasesRequest acknowledged;
  acknowledged.set_state(v1::CASE_STATE_ACKNOWLEDGED);
  v1::AcknowledgeRequest ack;
  ack.set_name(Cases(open)[0].name());
  ASSERT_TRUE(app_->Acknowledge(Lead(), ack).ok());
  EXPECT_THAT(Cases(open), SizeIs(0));
  ASSERT_THAT(Cases(acknowledged), SizeIs(1));
  EXPECT_EQ(Cases(acknowledged)[0].subject(), "tickets/t-o2");

  // A case record without its index entry is not read by a state filter
  // (only by an unfiltered scan of every case).
  v1::EscalationCase stray = Cases(acknowledged)[0];
  stray.set_name("escalations/stray");
  stray.set_state(v1::CASE_STATE_OPEN);
  WriteSet writes;
  writes.PutProto(*store_->Family(kCasesFamily), "stray", stray);
  ASSERT_TRUE(store_->Commit(writes).ok());
  EXPECT_THAT(Cases(open), SizeIs(0));
  EXPECT_THAT(Cases(), SizeIs(4));
}

TEST_F(EscalationAppTest, AStoreWithoutTheOpenIndexGetsItBuiltAtStart) {
  Breach(Clock("b1", common::GRADE_C));
  Breach(Clock("b2", common::GRADE_C));
  rv1::SlaClockFulfilled fulfilled;
  *fulfilled.mutable_clock() = Clock("b1", common::GRADE_C);
  Deliver(fulfilled);
  // As a store written before the index existed.
  WriteSet writes;
  writes.DeleteRange(*store_->Family(kOpenCasesFamily), "", "\xff");
  writes.Delete(*store_->Family(kDedupFamily), kOpenIndexBuiltKey);
  ASSERT_TRUE(store_->Commit(writes).ok());
  v1::ListCasesRequest open;
  open.set_state(v1::CASE_STATE_OPEN);
  EXPECT_THAT(Cases(open), SizeIs(0));

  Close();
  Open();
  ASSERT_THAT(Cases(open), SizeIs(1));
  EXPECT_EQ(Cases(open)[0].subject(), "tickets/t-b2");
}

TEST_F(EscalationAppTest, RestartMidChainLosesNoRaiseAndOpensNoSecondCase) {
  const absl::Time t0 = clock_.Now();
  const rv1::SlaClock clock = Clock("r1", common::GRADE_A);
  Breach(clock);
  Advance(absl::Minutes(15));
  EXPECT_EQ(OnlyCase().level(), 2);
  Close();
  // Down for two hours: both remaining deadlines fell due meanwhile.
  clock_.Advance(absl::Hours(2));
  Open();
  ASSERT_TRUE(app_->WaitTimersIdle(kGuard));
  v1::EscalationCase c = OnlyCase();
  EXPECT_EQ(c.level(), 3);
  EXPECT_TRUE(c.chain_exhausted());
  // Level 3 started at its TRUE instant, not at the restart.
  EXPECT_EQ(FromProtoTime(c.level_time()), t0 + absl::Minutes(45));
  EXPECT_EQ(CountEvents<v1::EscalationLevelRaised>(), 2);
  // The breach redelivered after the restart opens nothing.
  Breach(clock);
  EXPECT_THAT(Cases(), SizeIs(1));
}

TEST_F(EscalationAppTest, RequestEscalationGoesToTheVicePresident) {
  const auth::Principal complaint =
      Person("service:complaint", {Role::kService});
  v1::RequestEscalationRequest request;
  request.set_subject("complaints/c-1");
  request.set_severity("serious");
  request.set_reason("重大投诉");
  auto opened = app_->RequestEscalation(complaint, request);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->policy(), "serious-complaint");
  EXPECT_THAT(For("vice-president"), SizeIs(1));
  // Asked again while open: the same case.
  auto again = app_->RequestEscalation(complaint, request);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->name(), opened->name());
  EXPECT_THAT(Cases(), SizeIs(1));

  request.set_severity("mild");
  const absl::Status uncovered =
      app_->RequestEscalation(complaint, request).status();
  EXPECT_EQ(uncovered.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(uncovered).at(0).field, "severity");
  // The caller learns which severities exist.
  EXPECT_THAT(uncovered.message(), HasSubstr("policies cover: serious"));
  EXPECT_THAT(Cases(), SizeIs(1));
  request.set_subject("");
  EXPECT_EQ(app_->RequestEscalation(complaint, request).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(opened->department(), "");  // the caller has none
}

TEST_F(EscalationAppTest, RequestedCaseIsTheRequestersDepartmentsUnlessNamed) {
  v1::RequestEscalationRequest request;
  request.set_subject("tickets/t-9");
  request.set_severity("serious");
  auto opened = app_->RequestEscalation(Lead(), request);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->department(), "客服部");

  request.set_subject("tickets/t-10");
  request.set_department("技术部");
  opened = app_->RequestEscalation(Lead(), request);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->department(), "技术部");
}

TEST_F(EscalationAppTest, RequestedCaseNamesOnlyDepartmentsOfTheFile) {
  Close();
  departments_ = *DepartmentDirectory::Parse("客服部\n技术支持部\n");
  Open();
  v1::RequestEscalationRequest request;
  request.set_subject("tickets/t-11");
  request.set_severity("serious");
  request.set_department("技术部");
  const absl::Status refused =
      app_->RequestEscalation(Lead(), request).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(refused).at(0).field, "department");
  EXPECT_THAT(refused.message(), HasSubstr("known: 客服部, 技术支持部"));
  EXPECT_THAT(Cases(), SizeIs(0));

  request.set_department("技术支持部");
  auto opened = app_->RequestEscalation(Lead(), request);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->department(), "技术支持部");

  // A service passes on what it escalates (a complaint of a department
  // taken out of the file since): not refused, or it would be dropped.
  request.set_subject("complaints/c-7");
  request.set_department("售后部");
  auto passed_on = app_->RequestEscalation(
      Person("service:complaint", {Role::kService}), request);
  ASSERT_TRUE(passed_on.ok()) << passed_on.status();
  EXPECT_EQ(passed_on->department(), "售后部");
}

TEST_F(EscalationAppTest, ListCasesFiltersAndPages) {
  for (int i = 0; i < 5; ++i) {
    rv1::SlaClock clock = Clock(absl::StrCat("p", i), common::GRADE_A);
    if (i == 4) clock.set_department("技术部");
    Breach(clock);
    clock_.Advance(absl::Milliseconds(1));
  }
  v1::ListCasesRequest request;
  request.set_page_size(2);
  std::vector<std::string> names;
  for (int page = 0; page < 5; ++page) {
    auto listed = app_->ListCases(Lead(), request);
    ASSERT_TRUE(listed.ok()) << listed.status();
    for (const auto& c : listed->cases()) names.push_back(c.subject());
    if (listed->next_page_token().empty()) break;
    request.set_page_token(listed->next_page_token());
  }
  EXPECT_THAT(names, ElementsAre("tickets/t-p0", "tickets/t-p1", "tickets/t-p2",
                                 "tickets/t-p3", "tickets/t-p4"));
  // A token replayed with another filter is refused.
  request.set_department("客服部");
  EXPECT_EQ(app_->ListCases(Lead(), request).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::ListCasesRequest by_department;
  by_department.set_department("技术部");
  EXPECT_THAT(Cases(by_department), SizeIs(1));
  // Filters combine: department AND state AND grade AND level.
  by_department.set_state(v1::CASE_STATE_OPEN);
  by_department.set_grade(common::GRADE_A);
  by_department.set_level(1);
  ASSERT_THAT(Cases(by_department), SizeIs(1));
  EXPECT_EQ(Cases(by_department)[0].subject(), "tickets/t-p4");
  EXPECT_EQ(Cases(by_department)[0].department(), "技术部");
  by_department.set_level(2);
  EXPECT_THAT(Cases(by_department), SizeIs(0));
  by_department.set_level(1);
  by_department.set_grade(common::GRADE_B);
  EXPECT_THAT(Cases(by_department), SizeIs(0));
  // Pages of one department skip the others' cases.
  v1::ListCasesRequest service_desk;
  service_desk.set_department("客服部");
  service_desk.set_page_size(3);
  auto first = app_->ListCases(Lead(), service_desk);
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(first->cases(), SizeIs(3));
  service_desk.set_page_token(first->next_page_token());
  auto second = app_->ListCases(Lead(), service_desk);
  ASSERT_TRUE(second.ok());
  ASSERT_THAT(second->cases(), SizeIs(1));
  EXPECT_EQ(second->cases(0).subject(), "tickets/t-p3");
  EXPECT_TRUE(second->next_page_token().empty());

  auto policies = app_->ListPolicies(Lead(), {});
  ASSERT_TRUE(policies.ok());
  EXPECT_EQ(policies->policies_size(), 4);
}

TEST_F(EscalationAppTest, WatchAdmission) {
  v1::WatchNotificationsRequest request;
  EXPECT_EQ(app_->CheckWatch(Lead(), request).code(),
            absl::StatusCode::kInvalidArgument);
  request.set_recipient("lead-1");
  EXPECT_TRUE(app_->CheckWatch(Lead(), request).ok());
  request.set_recipient("ceo");
  EXPECT_EQ(app_->CheckWatch(Lead(), request).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(
      app_->CheckWatch(Person("sup", {Role::kSupervisor}), request).ok());
  request.clear_recipient();
  request.set_role("team_lead");
  EXPECT_TRUE(app_->CheckWatch(Lead(), request).ok());
  request.set_role("director");
  EXPECT_EQ(app_->CheckWatch(Lead(), request).code(),
            absl::StatusCode::kPermissionDenied);
  request.set_role("king");
  EXPECT_EQ(app_->CheckWatch(Lead(), request).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cs::escalation
