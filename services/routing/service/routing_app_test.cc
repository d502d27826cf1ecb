// Tests of the routing application layer without a ticket server: ticket
// events are delivered to RoutingApp::HandleTicketEvent exactly as the
// EventConsumer does (handler fills a WriteSet, the caller commits it), the
// ticket service is a recording fake, and time is a ManualClock. Nothing
// sleeps: waits are condition waits with a real-time guard against hangs.
#include "services/routing/service/routing_app.h"

#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "cs/routing/v1/routing.pb.h"
#include "cs/ticket/v1/events.pb.h"
#include "cs/ticket/v1/quality.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/time_proto.h"
#include "libs/events/outbox.h"
#include "libs/store/store.h"
#include "libs/testing/temp_dir.h"
#include "services/routing/store/routing_store.h"

namespace cs::routing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
namespace common = cs::common::v1;
namespace tv1 = cs::ticket::v1;

constexpr absl::Duration kGuard = absl::Seconds(30);  // only against hangs

std::string Source(const std::string& path) {
  return absl::StrCat(CS_SOURCE_DIR, "/", path);
}

// Records every AssignTicket call; answers with queued statuses, then OK.
class FakeTicketClient final : public TicketClient {
 public:
  absl::Status Assign(const tv1::AssignTicketRequest& request) override {
    absl::MutexLock lock(&mu_);
    calls_.push_back(request);
    if (!answers_.empty()) {
      absl::Status status = answers_.front();
      answers_.pop_front();
      return status;
    }
    delivered_.push_back(request);
    return absl::OkStatus();
  }
  void AnswerNext(absl::Status status) {
    absl::MutexLock lock(&mu_);
    answers_.push_back(std::move(status));
  }
  std::vector<tv1::AssignTicketRequest> calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  // The last request delivered (OK) for `ticket`, if any.
  std::optional<tv1::AssignTicketRequest> Last(
      const std::string& ticket) const {
    absl::MutexLock lock(&mu_);
    for (auto it = delivered_.rbegin(); it != delivered_.rend(); ++it) {
      if (it->name() == ticket) return *it;
    }
    return std::nullopt;
  }

 private:
  mutable absl::Mutex mu_;
  std::deque<absl::Status> answers_;
  std::vector<tv1::AssignTicketRequest> calls_;
  std::vector<tv1::AssignTicketRequest> delivered_;
};

auth::Principal Supervisor() {
  auth::Principal p;
  p.subject = "sup-1";
  p.roles = {auth::Role::kSupervisor};
  p.department = "客服部";
  return p;
}

auth::Principal ComplaintService() {
  auth::Principal p;
  p.subject = "service:complaint";
  p.roles = {auth::Role::kService};
  return p;
}

class RoutingAppTest : public ::testing::Test {
 protected:
  // Tuesday 2026-03-10 10:00 in Shanghai: a working day, inside 09–18.
  static absl::Time Start() {
    absl::TimeZone shanghai;
    EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
    return absl::FromCivil(absl::CivilSecond(2026, 3, 10, 10, 0, 0), shanghai);
  }

  void SetUp() override {
    clock_.SetTime(Start());
    auto settings =
        LoadRoutingSettings(Source("deploy/config/routing.textproto"),
                            Source("deploy/config/calendars.conf"));
    ASSERT_TRUE(settings.ok()) << settings.status();
    settings_ = std::make_unique<RoutingSettings>(*std::move(settings));
    Open();
  }

  void TearDown() override { Close(); }

  void Open() {
    auto store = Store::Open({.path = dir_.Sub("routing"),
                              .column_families = RoutingColumnFamilies()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto outbox = Outbox::Open(*store_, {.producer = "routing"}, clock_);
    ASSERT_TRUE(outbox.ok()) << outbox.status();
    outbox_ = *std::move(outbox);
    RoutingApp::Options options;
    options.assigner.initial_backoff = absl::Milliseconds(1);
    options.assigner.max_backoff = absl::Milliseconds(5);
    options.departments = departments_;
    auto app = RoutingApp::Create(*store_, *outbox_, clock_, *settings_,
                                  tickets_, options);
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    ASSERT_TRUE(app_->Start().ok());
  }

  // Everything stops and the store closes, as at a process exit.
  void Close() {
    if (app_ == nullptr) return;
    app_->Stop();
    app_.reset();
    outbox_.reset();
    ASSERT_TRUE(store_->Close().ok());
    store_.reset();
  }

  // ---- Agents

  void AddAgent(const std::string& id, const std::string& department,
                std::vector<std::string> skills, int capacity,
                bool online = true) {
    v1::RegisterAgentRequest request;
    v1::Agent* agent = request.mutable_agent();
    agent->set_name("agents/" + id);
    agent->set_department(department);
    for (auto& s : skills) agent->add_skills(s);
    agent->set_capacity(capacity);
    auto registered = app_->RegisterAgent(Supervisor(), request);
    ASSERT_TRUE(registered.ok()) << registered.status();
    if (online) SetOnline(id, true);
  }

  void SetOnline(const std::string& id, bool online) {
    v1::SetAgentAvailabilityRequest request;
    request.set_name("agents/" + id);
    request.set_availability(online ? v1::AVAILABILITY_ONLINE
                                    : v1::AVAILABILITY_OFFLINE);
    auto agent = app_->SetAgentAvailability(Supervisor(), request);
    ASSERT_TRUE(agent.ok()) << agent.status();
  }

  int ActiveTickets(const std::string& id) {
    v1::GetAgentRequest request;
    request.set_name("agents/" + id);
    auto agent = app_->GetAgent(Supervisor(), request);
    EXPECT_TRUE(agent.ok()) << agent.status();
    return agent.ok() ? agent->active_tickets() : -1;
  }

  // ---- Ticket events, shaped as the ticket service publishes them

  void Deliver(const std::string& subject,
               const google::protobuf::Message& payload,
               uint64_t sequence = 0) {
    common::Event event;
    event.set_sequence(sequence != 0 ? sequence : ++sequence_);
    event.set_type(payload.GetDescriptor()->name());
    event.set_subject(subject);
    event.set_producer("ticket");
    *event.mutable_occurred_time() = ToProtoTime(clock_.Now());
    event.mutable_payload()->PackFrom(payload);
    WriteSet writes;
    absl::Status handled = app_->HandleTicketEvent(event, writes);
    ASSERT_TRUE(handled.ok()) << handled;
    ASSERT_TRUE(store_->Commit(writes).ok());
  }

  std::string Create(const std::string& id,
                     common::Channel channel = common::CHANNEL_PHONE,
                     std::vector<std::string> category = {"手机类", "信号问题"},
                     int affected = 1,
                     tv1::CustomerType type = tv1::CUSTOMER_TYPE_RETURNING,
                     common::Stage stage = common::STAGE_AFTER_SALE) {
    const std::string name = "tickets/" + id;
    tv1::TicketFacts& f = facts_[name];
    f.set_ticket(name);
    f.set_number("T-" + id);
    f.set_channel(channel);
    f.set_stage(stage);
    for (auto& c : category) f.add_category(c);
    f.set_affected_customer_count(affected);
    f.set_customer_id("c-1");
    f.set_customer_type(type);
    f.set_region("广东省深圳市");
    f.set_department("客服部");
    f.set_status(tv1::TICKET_STATUS_NEW);
    *f.mutable_create_time() = ToProtoTime(create_time_.value_or(clock_.Now()));
    tv1::TicketCreated created;
    *created.mutable_facts() = f;
    created.set_created_by("service:chat");
    Deliver(name, created);
    return name;
  }

  // Like Create, for a ticket created at `created` (delivered late, or
  // re-routed from another system).
  std::string CreateAt(const std::string& id, absl::Time created) {
    create_time_ = created;
    std::string name = Create(id);
    create_time_.reset();
    return name;
  }

  // Agent a1 (capacity 1) takes ticket <prefix>1; <prefix>2 and <prefix>3,
  // created a minute apart, queue behind it. Resolving the first hands the
  // second out from the queue. Returns the names of the second (now a1's)
  // and the third (still queued).
  std::pair<std::string, std::string> HandOutTheHeadOfAQueue(
      const std::string& prefix) {
    AddAgent("a1", "客服部", {"手机类"}, 1);
    const std::string first = Create(prefix + "1");
    clock_.Advance(absl::Minutes(1));
    const std::string second = Create(prefix + "2");
    clock_.Advance(absl::Minutes(1));
    const std::string third = Create(prefix + "3");
    Resolve(first);
    EXPECT_EQ(Routing(second).assignee(), "a1");
    EXPECT_TRUE(Routing(third).queued());
    return {second, third};
  }

  void ChangeStatus(const std::string& name, tv1::TicketStatus status) {
    tv1::TicketFacts& f = facts_[name];
    tv1::TicketStatusChanged changed;
    changed.set_previous_status(f.status());
    f.set_status(status);
    changed.set_status(status);
    *changed.mutable_facts() = f;
    changed.set_changed_by("agent-1");
    Deliver(name, changed);
  }

  void Reply(const std::string& name, tv1::AuthorKind author,
             bool is_public = true) {
    tv1::TicketFacts& f = facts_[name];
    tv1::TicketStatus before = f.status();
    tv1::TicketReplied replied;
    if (author == tv1::AUTHOR_KIND_AGENT && is_public) {
      if (!f.has_first_response_time()) {
        *f.mutable_first_response_time() = ToProtoTime(clock_.Now());
        replied.set_first_response(true);
      }
      if (f.status() != tv1::TICKET_STATUS_PENDING_CUSTOMER) {
        f.set_status(tv1::TICKET_STATUS_IN_PROGRESS);
      }
    }
    if (author == tv1::AUTHOR_KIND_CUSTOMER &&
        f.status() == tv1::TICKET_STATUS_PENDING_CUSTOMER) {
      f.set_status(tv1::TICKET_STATUS_IN_PROGRESS);
    }
    *replied.mutable_facts() = f;
    replied.set_reply_id(absl::StrCat("r", ++replies_));
    replied.set_author_kind(author);
    replied.set_is_public(is_public);
    if (author != tv1::AUTHOR_KIND_CUSTOMER) replied.set_agent("agent-1");
    *replied.mutable_reply_time() = ToProtoTime(clock_.Now());
    Deliver(name, replied);
    if (f.status() != before) {
      tv1::TicketStatusChanged changed;
      changed.set_previous_status(before);
      changed.set_status(f.status());
      *changed.mutable_facts() = f;
      Deliver(name, changed);
    }
  }

  void Resolve(const std::string& name) {
    tv1::TicketFacts& f = facts_[name];
    tv1::TicketResolved resolved;
    resolved.set_previous_status(f.status());
    f.set_status(tv1::TICKET_STATUS_RESOLVED);
    *f.mutable_resolve_time() = ToProtoTime(clock_.Now());
    *resolved.mutable_facts() = f;
    resolved.set_resolved_by("agent-1");
    Deliver(name, resolved);
  }

  void AssignByPerson(const std::string& name, const std::string& department,
                      const std::string& assignee) {
    tv1::TicketFacts& f = facts_[name];
    tv1::TicketAssigned assigned;
    assigned.set_previous_department(f.department());
    assigned.set_previous_assignee(f.assignee());
    assigned.set_previous_grade(f.grade());
    f.set_department(department);
    f.set_assignee(assignee);
    *assigned.mutable_facts() = f;
    assigned.set_assigned_by("lead-1");
    Deliver(name, assigned);
  }

  // ---- Reading results

  v1::TicketRouting Routing(const std::string& name) {
    v1::GetTicketRoutingRequest request;
    request.set_ticket(name);
    auto routing = app_->GetTicketRouting(Supervisor(), request);
    EXPECT_TRUE(routing.ok()) << routing.status();
    return routing.value_or(v1::TicketRouting());
  }

  // The tickets ListQueue shows for `department`, oldest first (one page).
  std::vector<std::string> Queued(const std::string& department) {
    v1::ListQueueRequest request;
    request.set_department(department);
    auto queue = app_->ListQueue(Supervisor(), request);
    EXPECT_TRUE(queue.ok()) << queue.status();
    std::vector<std::string> tickets;
    if (queue.ok()) {
      for (const auto& routing : queue->tickets()) {
        tickets.push_back(routing.ticket());
      }
    }
    return tickets;
  }

  std::vector<v1::SlaClock> Clocks(const std::string& subject) {
    v1::GetTicketClocksRequest request;
    request.set_subject(subject);
    auto clocks = app_->GetTicketClocks(Supervisor(), request);
    EXPECT_TRUE(clocks.ok()) << clocks.status();
    if (!clocks.ok()) return {};
    return {clocks->clocks().begin(), clocks->clocks().end()};
  }

  v1::SlaClock ClockOf(const std::string& subject, v1::ClockKind kind,
                       int nth = 0) {
    for (const v1::SlaClock& clock : Clocks(subject)) {
      if (clock.kind() == kind && nth-- == 0) return clock;
    }
    ADD_FAILURE() << "no clock " << v1::ClockKind_Name(kind) << " on "
                  << subject;
    return v1::SlaClock();
  }

  // Events routing published, of one type, oldest first.
  template <typename Payload>
  std::vector<Payload> Published() {
    std::vector<Payload> out;
    auto read = outbox_->Read(1, 1 << 20, [&](const common::Event& event) {
      Payload payload;
      if (event.payload().UnpackTo(&payload)) out.push_back(payload);
    });
    EXPECT_TRUE(read.ok()) << read.status();
    return out;
  }

  void SettleAssigner() { ASSERT_TRUE(app_->WaitAssignerIdle(kGuard)); }
  void SettleTimers() { ASSERT_TRUE(app_->WaitTimersIdle(kGuard)); }

  cs::testing::TempDir dir_;
  ManualClock clock_;
  FakeTicketClient tickets_;
  std::unique_ptr<RoutingSettings> settings_;
  DepartmentDirectory departments_;  // open unless a test restricts it
  std::unique_ptr<Store> store_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<RoutingApp> app_;
  std::map<std::string, tv1::TicketFacts> facts_;
  uint64_t sequence_ = 0;
  int replies_ = 0;
  std::optional<absl::Time> create_time_;  // for CreateAt
};

// ---------------------------------------------------------------------------
// Grading and routing

TEST_F(RoutingAppTest, GradesAndRoutesCreatedTicketsToTheirDepartments) {
  AddAgent("tech-1", "技术支持部", {"手机类"}, 5);
  AddAgent("prod-1", "产品部", {"手机类"}, 5);
  AddAgent("cs-1", "客服部", {"手机类"}, 5);

  const std::string a =
      Create("A1", common::CHANNEL_PHONE, {"手机类", "信号问题"}, 150);
  const std::string b =
      Create("B1", common::CHANNEL_PHONE, {"手机类", "信号问题"}, 20);
  const std::string c = Create("C1");
  const std::string vip = Create("V1", common::CHANNEL_PHONE, {"手机类"}, 1,
                                 tv1::CUSTOMER_TYPE_VIP);

  v1::TicketRouting ra = Routing(a);
  EXPECT_EQ(ra.grade(), common::GRADE_A);
  EXPECT_EQ(ra.department(), "技术支持部");
  EXPECT_THAT(ra.collaborating_departments(), ElementsAre("客服部"));
  EXPECT_EQ(ra.assignee(), "tech-1");
  EXPECT_FALSE(ra.queued());
  EXPECT_EQ(ra.config_version(), 1);
  ASSERT_FALSE(ra.grade_reasons().empty());
  EXPECT_THAT(ra.grade_reasons(0), HasSubstr("150"));

  EXPECT_EQ(Routing(b).grade(), common::GRADE_B);
  EXPECT_EQ(Routing(b).department(), "产品部");
  EXPECT_EQ(Routing(b).assignee(), "prod-1");
  EXPECT_EQ(Routing(c).grade(), common::GRADE_C);
  EXPECT_EQ(Routing(c).department(), "客服部");
  EXPECT_EQ(Routing(c).assignee(), "cs-1");
  EXPECT_EQ(Routing(vip).grade(), common::GRADE_B);  // VIP: C → B
  EXPECT_EQ(Routing(vip).department(), "产品部");

  // The decisions reach the ticket service, one AssignTicket per ticket.
  SettleAssigner();
  auto sent = tickets_.Last(a);
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->department(), "技术支持部");
  EXPECT_EQ(sent->assignee(), "tech-1");
  EXPECT_EQ(sent->grade(), common::GRADE_A);
  EXPECT_THAT(sent->note(), HasSubstr("150"));
  ASSERT_TRUE(tickets_.Last(c).has_value());
  EXPECT_EQ(tickets_.Last(c)->grade(), common::GRADE_C);

  auto routed = Published<v1::TicketRouted>();
  ASSERT_THAT(routed, SizeIs(4));
  EXPECT_EQ(routed[0].routing().ticket(), a);
  EXPECT_EQ(ActiveTickets("tech-1"), 1);
  EXPECT_EQ(ActiveTickets("prod-1"), 2);
  EXPECT_EQ(ActiveTickets("cs-1"), 1);
}

TEST_F(RoutingAppTest, SkillsCapacityLeastLoadedAndRoundRobin) {
  AddAgent("a1", "客服部", {"手机类"}, 2);
  AddAgent("a2", "客服部", {"手机类"}, 2);
  AddAgent("a3", "客服部", {"宽带类"}, 5);
  std::vector<std::string> assignees;
  for (int i = 1; i <= 4; ++i) {
    clock_.Advance(absl::Seconds(1));
    assignees.push_back(Routing(Create(absl::StrCat("P", i))).assignee());
  }
  // Least loaded first; equally loaded agents take turns (a1 was assigned
  // before a2, so a1 gets the third); a3 lacks the skill 手机类.
  EXPECT_THAT(assignees, ElementsAre("a1", "a2", "a1", "a2"));

  // Both phone agents are full: the fifth phone ticket waits, although a3
  // is free (qualified agents exist, so skills are not relaxed).
  clock_.Advance(absl::Seconds(1));
  const std::string waiting = Create("P5");
  EXPECT_TRUE(Routing(waiting).queued());
  EXPECT_EQ(Routing(waiting).assignee(), "");
  // A broadband ticket goes to a3.
  EXPECT_EQ(Routing(Create("N1", common::CHANNEL_PHONE, {"宽带类"})).assignee(),
            "a3");

  EXPECT_THAT(Queued("客服部"), ElementsAre(waiting));

  // a1 resolves P1: the queued ticket goes to a1 at once.
  Resolve("tickets/P1");
  EXPECT_EQ(Routing(waiting).assignee(), "a1");
  EXPECT_FALSE(Routing(waiting).queued());
  EXPECT_EQ(ActiveTickets("a1"), 2);
  EXPECT_THAT(Queued("客服部"), IsEmpty());
  SettleAssigner();
  ASSERT_TRUE(tickets_.Last(waiting).has_value());
  EXPECT_EQ(tickets_.Last(waiting)->assignee(), "a1");
  // The clocks of the ticket now name its agent (escalation routes on it).
  EXPECT_EQ(ClockOf(waiting, v1::CLOCK_KIND_FIRST_RESPONSE).assignee(), "a1");
}

TEST_F(RoutingAppTest, RelaxesSkillsWhenNobodyInTheDepartmentHasThem) {
  AddAgent("a1", "客服部", {"宽带类"}, 2);
  v1::TicketRouting r =
      Routing(Create("X1", common::CHANNEL_PHONE, {"手机类"}));
  EXPECT_EQ(r.assignee(), "a1");  // relax_when_unstaffed: true
}

TEST_F(RoutingAppTest,
       QueuesWhileNobodyIsOnlineAndAssignsWhenAgentComesOnline) {
  AddAgent("a1", "客服部", {"手机类"}, 3, /*online=*/false);
  const std::string t1 = Create("Q1");
  clock_.Advance(absl::Minutes(1));
  const std::string t2 = Create("Q2");
  EXPECT_TRUE(Routing(t1).queued());
  EXPECT_TRUE(Routing(t2).queued());
  SettleAssigner();
  // The ticket goes to the department queue (status OPEN there), graded.
  auto sent = tickets_.Last(t1);
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->department(), "客服部");
  EXPECT_EQ(sent->assignee(), "");
  EXPECT_EQ(sent->grade(), common::GRADE_C);

  v1::ListQueueRequest list;
  list.set_page_size(1);
  auto page = app_->ListQueue(Supervisor(), list);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_THAT(page->tickets(), SizeIs(1));
  EXPECT_EQ(page->tickets(0).ticket(), t1);  // oldest first
  list.set_page_token(page->next_page_token());
  page = app_->ListQueue(Supervisor(), list);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_THAT(page->tickets(), SizeIs(1));
  EXPECT_EQ(page->tickets(0).ticket(), t2);
  EXPECT_EQ(page->next_page_token(), "");

  SetOnline("a1", true);
  EXPECT_EQ(Routing(t1).assignee(), "a1");
  EXPECT_EQ(Routing(t2).assignee(), "a1");
  EXPECT_EQ(ActiveTickets("a1"), 2);
  SettleAssigner();
  EXPECT_EQ(tickets_.Last(t1)->assignee(), "a1");
  EXPECT_EQ(tickets_.Last(t2)->assignee(), "a1");
}

TEST_F(RoutingAppTest, CapacityIncreaseDrainsTheQueue) {
  AddAgent("a1", "客服部", {"手机类"}, 1);
  Create("K1");
  const std::string waiting = Create("K2");
  EXPECT_TRUE(Routing(waiting).queued());
  AddAgent("a1", "客服部", {"手机类"}, 2);  // re-register with more capacity
  EXPECT_EQ(Routing(waiting).assignee(), "a1");
  EXPECT_EQ(ActiveTickets("a1"), 2);
}

TEST_F(RoutingAppTest, AnOlderTicketQueuedAfterTheQueueMovedGoesFirst) {
  const auto [second, third] = HandOutTheHeadOfAQueue("F");

  // Queued below where the last drain stopped: the next drain must still
  // start low enough to see it.
  const std::string older = CreateAt("F0", Start() - absl::Hours(1));
  ASSERT_TRUE(Routing(older).queued());
  EXPECT_THAT(Queued("客服部"), ElementsAre(older, third));
  Resolve(second);
  EXPECT_EQ(Routing(older).assignee(), "a1");
  EXPECT_TRUE(Routing(third).queued());
}

TEST_F(RoutingAppTest, ADrainStartsWhereTheLastOneLeftTheQueue) {
  const auto [second, third] = HandOutTheHeadOfAQueue("G");

  // An entry below the queue's floor that no Enqueue announced (no ticket
  // has it: a drain that reads it drops it as an orphan).
  const std::string ghost =
      QueueKey("客服部", Start() - absl::Hours(2), "ghost");
  WriteSet writes;
  writes.Put(app_->routing_store().queue(), ghost, "");
  ASSERT_TRUE(store_->Commit(writes).ok());

  Resolve(second);  // drains from the floor: the ghost is not read
  EXPECT_EQ(Routing(third).assignee(), "a1");
  EXPECT_TRUE(store_->Get(app_->routing_store().queue(), ghost).ok());

  // Floors are memory only: after a restart the first drain reads the whole
  // queue and drops the orphan.
  Close();
  Open();
  Resolve(third);
  EXPECT_TRUE(absl::IsNotFound(
      store_->Get(app_->routing_store().queue(), ghost).status()));
}

TEST_F(RoutingAppTest, PersonReassigningMovesTheLoad) {
  AddAgent("a1", "客服部", {"手机类"}, 5);
  AddAgent("a2", "客服部", {"手机类"}, 5);
  const std::string t = Create("M1");
  ASSERT_EQ(Routing(t).assignee(), "a1");
  AssignByPerson(t, "客服部", "a2");
  EXPECT_EQ(Routing(t).assignee(), "a2");
  EXPECT_EQ(ActiveTickets("a1"), 0);
  EXPECT_EQ(ActiveTickets("a2"), 1);
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_RESOLUTION).assignee(), "a2");
  SettleAssigner();
  const size_t calls = tickets_.calls().size();
  // An echo of routing's own (earlier) call changes no routing state; as it
  // undid the person's choice in the ticket service, routing restores it.
  tv1::TicketAssigned echo;
  *echo.mutable_facts() = facts_[t];
  echo.mutable_facts()->set_assignee("a1");
  echo.mutable_facts()->set_grade(common::GRADE_C);  // routing's grade
  echo.set_assigned_by("service:routing");
  Deliver(t, echo);
  EXPECT_EQ(Routing(t).assignee(), "a2");
  EXPECT_EQ(ActiveTickets("a1"), 0);
  EXPECT_EQ(ActiveTickets("a2"), 1);
  SettleAssigner();
  ASSERT_EQ(tickets_.calls().size(), calls + 1);
  EXPECT_EQ(tickets_.calls().back().assignee(), "a2");
  // An echo that matches the record sends nothing.
  echo.mutable_facts()->set_assignee("a2");
  Deliver(t, echo);
  SettleAssigner();
  EXPECT_EQ(tickets_.calls().size(), calls + 1);
}

TEST_F(RoutingAppTest, APersonsGradeIsNotUndoneByAPendingAssignment) {
  app_->Stop();  // the assigner holds back: the decision stays pending
  const std::string t = Create("P1");
  tv1::TicketFacts& f = facts_[t];
  f.set_grade(common::GRADE_B);
  tv1::TicketUpdated updated;
  *updated.mutable_facts() = f;
  updated.add_changed_fields("grade");
  updated.set_updated_by("lead-1");
  Deliver(t, updated);
  EXPECT_EQ(Routing(t).grade(), common::GRADE_B);
  v1::SlaClock first = ClockOf(t, v1::CLOCK_KIND_FIRST_RESPONSE);
  EXPECT_EQ(first.grade(), common::GRADE_B);
  EXPECT_EQ(first.ledger(first.ledger_size() - 1).transition(),
            v1::CLOCK_TRANSITION_RECOMPUTE);
  ASSERT_TRUE(app_->Start().ok());
  SettleAssigner();
  ASSERT_TRUE(tickets_.Last(t).has_value());
  EXPECT_EQ(tickets_.Last(t)->grade(), common::GRADE_B);
  EXPECT_EQ(tickets_.calls().size(), 1u);
}

// ---------------------------------------------------------------------------
// Clocks

TEST_F(RoutingAppTest, StartsClocksWithThePolicyTargets) {
  const absl::Time created = clock_.Now();
  const std::string phone = Create("C1");
  v1::SlaClock first = ClockOf(phone, v1::CLOCK_KIND_FIRST_RESPONSE);
  EXPECT_EQ(first.state(), v1::CLOCK_STATE_RUNNING);
  EXPECT_EQ(first.policy(), "after_sale_phone_first_response");
  EXPECT_EQ(FromProtoDuration(first.target()), absl::Minutes(10));
  EXPECT_EQ(first.calendar(), "always");
  EXPECT_EQ(FromProtoTime(first.due_time()), created + absl::Minutes(10));
  EXPECT_EQ(first.grade(), common::GRADE_C);
  EXPECT_EQ(first.department(), "客服部");
  EXPECT_EQ(first.channel(), common::CHANNEL_PHONE);
  EXPECT_EQ(first.region(), "广东省深圳市");
  v1::SlaClock resolution = ClockOf(phone, v1::CLOCK_KIND_RESOLUTION);
  EXPECT_EQ(resolution.policy(), "after_sale_resolution_c");
  EXPECT_EQ(FromProtoDuration(resolution.target()), absl::Hours(72));
  EXPECT_EQ(resolution.calendar(), "default");
  EXPECT_EQ(resolution.policy_version(), 1);
  ASSERT_THAT(resolution.ledger(), SizeIs(1));
  EXPECT_EQ(resolution.ledger(0).transition(), v1::CLOCK_TRANSITION_START);
  EXPECT_THAT(Published<v1::SlaClockStarted>(), SizeIs(2));

  // An after-sale email of grade B: 2 business hours (09:00–18:00).
  const std::string email = Create("E1", common::CHANNEL_EMAIL, {"手机类"}, 20);
  v1::SlaClock email_first = ClockOf(email, v1::CLOCK_KIND_FIRST_RESPONSE);
  EXPECT_EQ(email_first.policy(), "after_sale_email_first_response");
  EXPECT_EQ(FromProtoDuration(email_first.target()), absl::Hours(2));
  EXPECT_EQ(email_first.calendar(), "default");
  // A: 15 minutes on the 7×24 calendar.
  const std::string urgent =
      Create("U1", common::CHANNEL_EMAIL, {"手机类"}, 150,
             tv1::CUSTOMER_TYPE_RETURNING, common::STAGE_UNSPECIFIED);
  v1::SlaClock urgent_first = ClockOf(urgent, v1::CLOCK_KIND_FIRST_RESPONSE);
  EXPECT_EQ(FromProtoDuration(urgent_first.target()), absl::Minutes(15));
  EXPECT_EQ(urgent_first.calendar(), "always");
}

TEST_F(RoutingAppTest, RepliesAndStatusesDriveTheClocks) {
  AddAgent("a1", "客服部", {"手机类"}, 5);
  const std::string t = Create("D1");
  clock_.Advance(absl::Minutes(3));
  Reply(t, tv1::AUTHOR_KIND_AGENT, /*is_public=*/false);  // a note: nothing
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_FIRST_RESPONSE).state(),
            v1::CLOCK_STATE_RUNNING);
  Reply(t, tv1::AUTHOR_KIND_AGENT);
  v1::SlaClock first = ClockOf(t, v1::CLOCK_KIND_FIRST_RESPONSE);
  EXPECT_EQ(first.state(), v1::CLOCK_STATE_FULFILLED);
  EXPECT_FALSE(first.breached());
  EXPECT_EQ(FromProtoDuration(first.elapsed()), absl::Minutes(3));
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_PERIODIC_UPDATE).state(),
            v1::CLOCK_STATE_RUNNING);
  ASSERT_THAT(Published<v1::SlaClockFulfilled>(), SizeIs(1));

  // Waiting for the customer pauses what runs; an hour there counts nothing.
  clock_.Advance(absl::Minutes(7));
  ChangeStatus(t, tv1::TICKET_STATUS_PENDING_CUSTOMER);
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_RESOLUTION).state(),
            v1::CLOCK_STATE_PAUSED);
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_PERIODIC_UPDATE).state(),
            v1::CLOCK_STATE_PAUSED);
  clock_.Advance(absl::Hours(1));
  Reply(t, tv1::AUTHOR_KIND_CUSTOMER);  // → IN_PROGRESS, NEXT_REPLY starts
  v1::SlaClock resolution = ClockOf(t, v1::CLOCK_KIND_RESOLUTION);
  EXPECT_EQ(resolution.state(), v1::CLOCK_STATE_RUNNING);
  EXPECT_EQ(FromProtoDuration(resolution.elapsed()), absl::Minutes(10));
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_NEXT_REPLY).state(),
            v1::CLOCK_STATE_RUNNING);
  clock_.Advance(absl::Minutes(1));
  Reply(t, tv1::AUTHOR_KIND_CUSTOMER);  // still unanswered: no second clock
  clock_.Advance(absl::Minutes(4));
  Reply(t, tv1::AUTHOR_KIND_AGENT);
  v1::SlaClock next = ClockOf(t, v1::CLOCK_KIND_NEXT_REPLY);
  EXPECT_EQ(next.state(), v1::CLOCK_STATE_FULFILLED);
  EXPECT_EQ(FromProtoDuration(next.elapsed()), absl::Minutes(5));
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_PERIODIC_UPDATE, 0).state(),
            v1::CLOCK_STATE_FULFILLED);
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_PERIODIC_UPDATE, 1).state(),
            v1::CLOCK_STATE_RUNNING);

  clock_.Advance(absl::Minutes(10));
  Resolve(t);
  resolution = ClockOf(t, v1::CLOCK_KIND_RESOLUTION);
  EXPECT_EQ(resolution.state(), v1::CLOCK_STATE_FULFILLED);
  EXPECT_EQ(FromProtoDuration(resolution.elapsed()), absl::Minutes(25));
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_PERIODIC_UPDATE, 1).state(),
            v1::CLOCK_STATE_STOPPED);
  EXPECT_EQ(ActiveTickets("a1"), 0);
  // Resolved tickets keep no request-handling timers (the follow-up and
  // record clocks start at resolution).
  SettleTimers();
  for (const v1::SlaClock& clock : Clocks(t)) {
    if (clock.kind() == v1::CLOCK_KIND_FOLLOW_UP ||
        clock.kind() == v1::CLOCK_KIND_RECORD_COMPLETENESS) {
      continue;
    }
    EXPECT_FALSE(clock.has_due_time()) << clock.name();
  }
}

TEST_F(RoutingAppTest, ClosingUnansweredStopsAndReopeningStartsNewResolution) {
  const std::string t = Create("R1");
  clock_.Advance(absl::Minutes(2));
  tv1::TicketFacts& f = facts_[t];
  tv1::TicketClosed closed;
  closed.set_previous_status(f.status());
  f.set_status(tv1::TICKET_STATUS_CLOSED);
  *f.mutable_close_time() = ToProtoTime(clock_.Now());
  *closed.mutable_facts() = f;
  Deliver(t, closed);
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_FIRST_RESPONSE).state(),
            v1::CLOCK_STATE_STOPPED);
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_RESOLUTION).state(),
            v1::CLOCK_STATE_STOPPED);
  EXPECT_THAT(Published<v1::SlaClockStopped>(), SizeIs(2));

  clock_.Advance(absl::Minutes(2));
  tv1::TicketReopened reopened;
  reopened.set_previous_status(f.status());
  f.set_status(tv1::TICKET_STATUS_REOPENED);
  *reopened.mutable_facts() = f;
  Deliver(t, reopened);
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_RESOLUTION, 0).state(),
            v1::CLOCK_STATE_STOPPED);
  v1::SlaClock second = ClockOf(t, v1::CLOCK_KIND_RESOLUTION, 1);
  EXPECT_EQ(second.state(), v1::CLOCK_STATE_RUNNING);
  EXPECT_EQ(FromProtoTime(second.start_time()), clock_.Now());
  EXPECT_TRUE(Routing(t).queued());  // nobody online: back in the queue
}

TEST_F(RoutingAppTest, RegradeRetargetsClocksAndReroutes) {
  AddAgent("cs-1", "客服部", {"手机类"}, 5);
  AddAgent("tech-1", "技术支持部", {"手机类"}, 5);
  const std::string t = Create("G1");
  ASSERT_EQ(Routing(t).assignee(), "cs-1");
  clock_.Advance(absl::Minutes(1));
  tv1::TicketFacts& f = facts_[t];
  f.set_grade(common::GRADE_C);
  f.set_affected_customer_count(150);
  tv1::TicketUpdated updated;
  *updated.mutable_facts() = f;
  updated.add_changed_fields("affected_customer_count");
  updated.set_grading_inputs_changed(true);
  updated.set_updated_by("agent-1");
  Deliver(t, updated);

  v1::TicketRouting r = Routing(t);
  EXPECT_EQ(r.grade(), common::GRADE_A);
  EXPECT_EQ(r.department(), "技术支持部");
  // A region change reaches the open clocks (reports break breaches down by
  // it).
  f.set_region("浙江省杭州市");
  tv1::TicketUpdated moved;
  *moved.mutable_facts() = f;
  moved.add_changed_fields("region");
  moved.set_updated_by("agent-1");
  Deliver(t, moved);
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_RESOLUTION).region(), "浙江省杭州市");
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_FIRST_RESPONSE).region(), "浙江省杭州市");
  EXPECT_EQ(r.assignee(), "tech-1");
  EXPECT_EQ(ActiveTickets("cs-1"), 0);
  EXPECT_EQ(ActiveTickets("tech-1"), 1);
  v1::SlaClock resolution = ClockOf(t, v1::CLOCK_KIND_RESOLUTION);
  EXPECT_EQ(resolution.policy(), "after_sale_resolution_a");
  EXPECT_EQ(FromProtoDuration(resolution.target()), absl::Hours(24));
  EXPECT_EQ(resolution.calendar(), "always");
  EXPECT_EQ(resolution.grade(), common::GRADE_A);
  EXPECT_EQ(resolution.ledger(resolution.ledger_size() - 1).transition(),
            v1::CLOCK_TRANSITION_RECOMPUTE);
  SettleAssigner();
  ASSERT_TRUE(tickets_.Last(t).has_value());
  EXPECT_EQ(tickets_.Last(t)->grade(), common::GRADE_A);
  EXPECT_EQ(tickets_.Last(t)->department(), "技术支持部");
}

// ---------------------------------------------------------------------------
// Timers: warnings and breaches at the exact manual instants

TEST_F(RoutingAppTest, WarnsAndBreachesAtTheExactInstants) {
  AddAgent("a1", "客服部", {"手机类"}, 5);
  const absl::Time created = clock_.Now();
  const std::string t = Create("W1");  // FIRST_RESPONSE 10 min, warn at 80%
  const absl::Time warn_at = created + absl::Minutes(8);
  const absl::Time breach_at = created + absl::Minutes(10);

  clock_.SetTime(warn_at - absl::Seconds(1));
  SettleTimers();
  EXPECT_THAT(Published<v1::SlaWarning>(), SizeIs(0));
  clock_.SetTime(warn_at);
  SettleTimers();
  auto warnings = Published<v1::SlaWarning>();
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_EQ(FromProtoTime(warnings[0].due_time()), warn_at);
  EXPECT_EQ(warnings[0].clock().kind(), v1::CLOCK_KIND_FIRST_RESPONSE);
  EXPECT_TRUE(warnings[0].clock().warned());
  EXPECT_EQ(warnings[0].clock().department(), "客服部");
  EXPECT_EQ(warnings[0].clock().assignee(), "a1");
  EXPECT_EQ(warnings[0].clock().grade(), common::GRADE_C);

  clock_.SetTime(breach_at - absl::Seconds(1));
  SettleTimers();
  EXPECT_THAT(Published<v1::SlaBreached>(), SizeIs(0));
  clock_.SetTime(breach_at);
  SettleTimers();
  auto breaches = Published<v1::SlaBreached>();
  ASSERT_THAT(breaches, SizeIs(1));
  EXPECT_EQ(FromProtoTime(breaches[0].breach_time()), breach_at);
  EXPECT_TRUE(breaches[0].clock().breached());
  EXPECT_EQ(breaches[0].clock().assignee(), "a1");
  EXPECT_EQ(breaches[0].clock().department(), "客服部");
  EXPECT_EQ(breaches[0].clock().grade(), common::GRADE_C);

  // The late reply fulfils it (late), without a second breach.
  clock_.Advance(absl::Minutes(5));
  Reply(t, tv1::AUTHOR_KIND_AGENT);
  v1::SlaClock first = ClockOf(t, v1::CLOCK_KIND_FIRST_RESPONSE);
  EXPECT_EQ(first.state(), v1::CLOCK_STATE_FULFILLED);
  EXPECT_TRUE(first.breached());
  SettleTimers();
  EXPECT_THAT(Published<v1::SlaBreached>(), SizeIs(1));
}

TEST_F(RoutingAppTest, ALateEventRecordsTheDeadlinesItPassedFirst) {
  // The reply comes after the breach but before the timer thread got to
  // it: the transition records WARN and BREACH at their true instants first.
  const absl::Time created = clock_.Now();
  const std::string t = Create("L1");
  ASSERT_TRUE(app_->WaitTimersIdle(kGuard));
  app_->Stop();  // no timers now: only the reply can notice
  clock_.Advance(absl::Minutes(12));
  Reply(t, tv1::AUTHOR_KIND_AGENT);
  auto breaches = Published<v1::SlaBreached>();
  ASSERT_THAT(breaches, SizeIs(1));
  EXPECT_EQ(FromProtoTime(breaches[0].breach_time()),
            created + absl::Minutes(10));
  auto warnings = Published<v1::SlaWarning>();
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_EQ(FromProtoTime(warnings[0].due_time()), created + absl::Minutes(8));
  ASSERT_TRUE(app_->Start().ok());
  SettleTimers();
  EXPECT_THAT(Published<v1::SlaBreached>(), SizeIs(1));
}

TEST_F(RoutingAppTest, BreachWhileDownFiresOnceAtStartWithItsTrueTime) {
  const absl::Time created = clock_.Now();
  const std::string t = Create("S1");
  Close();
  clock_.Advance(absl::Hours(1));  // the service is down past both deadlines
  Open();
  SettleTimers();
  auto breaches = Published<v1::SlaBreached>();
  ASSERT_THAT(breaches, SizeIs(1));
  EXPECT_EQ(FromProtoTime(breaches[0].breach_time()),
            created + absl::Minutes(10));
  auto warnings = Published<v1::SlaWarning>();
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_EQ(FromProtoTime(warnings[0].due_time()), created + absl::Minutes(8));

  // Never twice: another restart and more time change nothing.
  Close();
  clock_.Advance(absl::Hours(1));
  Open();
  SettleTimers();
  EXPECT_THAT(Published<v1::SlaBreached>(), SizeIs(1));
  EXPECT_THAT(Published<v1::SlaWarning>(), SizeIs(1));
  EXPECT_TRUE(ClockOf(t, v1::CLOCK_KIND_FIRST_RESPONSE).breached());
}

TEST_F(RoutingAppTest, LoadsSurviveARestart) {
  AddAgent("a1", "客服部", {"手机类"}, 5);
  Create("Z1");
  Create("Z2");
  ASSERT_EQ(ActiveTickets("a1"), 2);
  Close();
  Open();
  EXPECT_EQ(ActiveTickets("a1"), 2);
  v1::GetAgentRequest request;
  request.set_name("agents/a1");
  auto agent = app_->GetAgent(Supervisor(), request);
  ASSERT_TRUE(agent.ok());
  EXPECT_EQ(agent->availability(), v1::AVAILABILITY_ONLINE);
  EXPECT_TRUE(agent->has_last_assigned_time());
}

TEST_F(RoutingAppTest, ARedeliveredEventChangesNothing) {
  AddAgent("a1", "客服部", {"手机类"}, 5);
  const std::string t = Create("R1");
  const uint64_t replied_sequence = sequence_ + 1;
  Reply(t, tv1::AUTHOR_KIND_AGENT);
  tv1::TicketReplied again;
  *again.mutable_facts() = facts_[t];
  again.set_author_kind(tv1::AUTHOR_KIND_AGENT);
  again.set_is_public(true);
  Deliver(t, again, replied_sequence);  // same sequence: skipped
  EXPECT_THAT(Published<v1::SlaClockFulfilled>(), SizeIs(1));
  EXPECT_EQ(Clocks(t).size(), 3u);  // FR, RESOLUTION, one PERIODIC_UPDATE
  tv1::TicketCreated created;
  *created.mutable_facts() = facts_[t];
  Deliver(t, created);  // a ticket is created once
  EXPECT_THAT(Published<v1::TicketRouted>(), SizeIs(1));
  EXPECT_EQ(ActiveTickets("a1"), 1);
}

// ---------------------------------------------------------------------------
// Assigner

TEST_F(RoutingAppTest, AssignerRetriesTransientErrorsAndDropsFinalOnes) {
  tickets_.AnswerNext(absl::UnavailableError("ticket service restarting"));
  tickets_.AnswerNext(absl::DeadlineExceededError("slow"));
  const std::string t = Create("T1");
  SettleAssigner();
  ASSERT_TRUE(tickets_.Last(t).has_value());
  EXPECT_EQ(tickets_.calls().size(), 3u);

  tickets_.AnswerNext(absl::FailedPreconditionError("ticket is CLOSED"));
  Create("T2");
  SettleAssigner();
  EXPECT_EQ(tickets_.calls().size(), 4u);
  EXPECT_FALSE(tickets_.Last("tickets/T2").has_value());
  // Nothing is left to send.
  int pending = 0;
  ASSERT_TRUE(store_
                  ->Scan(app_->routing_store().assignments(), "", "", 0,
                         [&](absl::string_view, absl::string_view) {
                           ++pending;
                           return true;
                         })
                  .ok());
  EXPECT_EQ(pending, 0);
}

// ---------------------------------------------------------------------------
// SlaService for other subjects (complaints)

// Follow-up (回访) and record-completeness clocks start at resolution; the
// ticket service's FollowUpRecorded / ServiceRecordChecked fulfil them.
TEST_F(RoutingAppTest, FollowUpAndRecordClocksRunFromResolution) {
  AddAgent("a1", "客服部", {"手机类"}, 5);
  const std::string late = Create("FU1");
  const std::string on_time = Create("FU2");
  Reply(late, tv1::AUTHOR_KIND_AGENT);
  Reply(on_time, tv1::AUTHOR_KIND_AGENT);
  Resolve(late);  // Tuesday 2026-03-10 10:00
  Resolve(on_time);
  for (const std::string& t : {late, on_time}) {
    v1::SlaClock follow_up = ClockOf(t, v1::CLOCK_KIND_FOLLOW_UP);
    EXPECT_EQ(follow_up.state(), v1::CLOCK_STATE_RUNNING);
    EXPECT_EQ(follow_up.assignee(), "a1");
    EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_RECORD_COMPLETENESS).state(),
              v1::CLOCK_STATE_RUNNING);
  }
  // 3 business days of 09:00–18:00: Tue 8 h + Wed 9 h + Thu 9 h + Fri 1 h.
  absl::TimeZone shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  const absl::Time due =
      absl::FromCivil(absl::CivilSecond(2026, 3, 13, 10, 0, 0), shanghai);
  EXPECT_EQ(FromProtoTime(ClockOf(late, v1::CLOCK_KIND_FOLLOW_UP).due_time()),
            due);

  // The record of `on_time` is complete at once; that of `late` is not.
  auto check = [&](const std::string& t, bool complete) {
    tv1::ServiceRecordChecked checked;
    *checked.mutable_facts() = facts_[t];
    checked.set_complete(complete);
    if (!complete) checked.set_vague_result(true);
    Deliver(t, checked);
  };
  check(on_time, true);
  check(late, false);
  EXPECT_EQ(ClockOf(on_time, v1::CLOCK_KIND_RECORD_COMPLETENESS).state(),
            v1::CLOCK_STATE_FULFILLED);
  clock_.Advance(absl::Minutes(30));
  SettleTimers();
  auto breaches = Published<v1::SlaBreached>();
  ASSERT_THAT(breaches, SizeIs(1));
  EXPECT_EQ(breaches[0].clock().kind(), v1::CLOCK_KIND_RECORD_COMPLETENESS);
  EXPECT_EQ(breaches[0].clock().subject(), late);
  EXPECT_EQ(breaches[0].clock().assignee(), "a1");  // the agent is warned

  // `on_time` is visited on Thursday; `late` never.
  clock_.SetTime(due - absl::Hours(24));
  tv1::FollowUpRecorded visited;
  *visited.mutable_facts() = facts_[on_time];
  visited.set_reached(true);
  visited.set_solved(true);
  Deliver(on_time, visited);
  v1::SlaClock done = ClockOf(on_time, v1::CLOCK_KIND_FOLLOW_UP);
  EXPECT_EQ(done.state(), v1::CLOCK_STATE_FULFILLED);
  EXPECT_FALSE(done.breached());
  clock_.SetTime(due - absl::Seconds(1));
  SettleTimers();
  EXPECT_THAT(Published<v1::SlaBreached>(), SizeIs(1));
  clock_.SetTime(due);
  SettleTimers();
  breaches = Published<v1::SlaBreached>();
  ASSERT_THAT(breaches, SizeIs(2));
  EXPECT_EQ(breaches[1].clock().kind(), v1::CLOCK_KIND_FOLLOW_UP);
  EXPECT_EQ(FromProtoTime(breaches[1].breach_time()), due);
}

TEST_F(RoutingAppTest, ReopeningStopsTheFollowUpClock) {
  AddAgent("a1", "客服部", {"手机类"}, 5);
  const std::string t = Create("FU3");
  Reply(t, tv1::AUTHOR_KIND_AGENT);
  Resolve(t);
  tv1::TicketFacts& f = facts_[t];
  tv1::TicketReopened reopened;
  reopened.set_previous_status(f.status());
  f.set_status(tv1::TICKET_STATUS_REOPENED);
  f.clear_resolve_time();
  *reopened.mutable_facts() = f;
  reopened.set_reopened_by("agent-1");
  Deliver(t, reopened);
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_FOLLOW_UP).state(),
            v1::CLOCK_STATE_STOPPED);
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_RECORD_COMPLETENESS).state(),
            v1::CLOCK_STATE_STOPPED);
  // Resolving again starts fresh ones.
  Resolve(t);
  EXPECT_EQ(ClockOf(t, v1::CLOCK_KIND_FOLLOW_UP, 1).state(),
            v1::CLOCK_STATE_RUNNING);
}

TEST_F(RoutingAppTest, ComplaintClocksStartIdempotentlyAndUpdate) {
  v1::StartClockRequest start;
  start.set_subject("complaints/CP-1");
  start.set_kind(v1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE);
  start.set_department("客服部");
  auto clock = app_->StartClock(ComplaintService(), start);
  ASSERT_TRUE(clock.ok()) << clock.status();
  EXPECT_EQ(clock->policy(), "complaint_acknowledge");
  EXPECT_EQ(FromProtoDuration(clock->target()), absl::Minutes(10));
  EXPECT_EQ(clock->calendar(), "always");
  EXPECT_EQ(FromProtoTime(clock->due_time()), clock_.Now() + absl::Minutes(10));

  clock_.Advance(absl::Minutes(1));
  auto again = app_->StartClock(ComplaintService(), start);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->name(), clock->name());
  EXPECT_THAT(Published<v1::SlaClockStarted>(), SizeIs(1));

  // An explicit target, started in the past.
  v1::StartClockRequest report;
  report.set_subject("complaints/CP-1");
  report.set_kind(v1::CLOCK_KIND_COMPLAINT_INVESTIGATION_REPORT);
  *report.mutable_target() = ToProtoDuration(absl::Hours(1));
  *report.mutable_start_time() = ToProtoTime(clock_.Now() - absl::Hours(2));
  auto late = app_->StartClock(ComplaintService(), report);
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_TRUE(late->breached());
  ASSERT_THAT(Published<v1::SlaBreached>(), SizeIs(1));
  EXPECT_EQ(FromProtoTime(Published<v1::SlaBreached>()[0].breach_time()),
            clock_.Now() - absl::Hours(1));

  v1::UpdateClockRequest fulfil;
  fulfil.set_subject("complaints/CP-1");
  fulfil.set_kind(v1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE);
  fulfil.set_transition(v1::CLOCK_TRANSITION_FULFIL);
  auto done = app_->UpdateClock(ComplaintService(), fulfil);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->state(), v1::CLOCK_STATE_FULFILLED);
  EXPECT_FALSE(done->breached());
  auto retry = app_->UpdateClock(ComplaintService(), fulfil);  // a retry
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->ledger_size(), done->ledger_size());
  fulfil.set_transition(v1::CLOCK_TRANSITION_PAUSE);
  EXPECT_EQ(app_->UpdateClock(ComplaintService(), fulfil).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // A new acknowledge clock may start once the first is done.
  auto second = app_->StartClock(ComplaintService(), start);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->name(), clock->name());

  EXPECT_THAT(Clocks("complaints/CP-1"), SizeIs(3));
  auto policies = app_->ListPolicies(Supervisor(), {});
  ASSERT_TRUE(policies.ok());
  EXPECT_EQ(policies->config_version(), 1);
  EXPECT_EQ(policies->policies_size(),
            static_cast<int>(settings_->config.sla.policies.size()));
}

TEST_F(RoutingAppTest, BadRequestsNameTheField) {
  v1::StartClockRequest start;
  start.set_subject("orders/1");
  start.set_kind(v1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE);
  auto status = app_->StartClock(ComplaintService(), start).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(FieldViolationsOf(status), SizeIs(1));
  EXPECT_EQ(FieldViolationsOf(status)[0].field, "subject");
  start.set_subject("complaints/CP-2");
  start.set_calendar("mars");
  status = app_->StartClock(ComplaintService(), start).status();
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(status)[0].field, "calendar");
  start.clear_calendar();
  *start.mutable_target() = ToProtoDuration(-absl::Minutes(1));
  status = app_->StartClock(ComplaintService(), start).status();
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(status)[0].field, "target");

  v1::UpdateClockRequest update;
  update.set_subject("complaints/none");
  update.set_kind(v1::CLOCK_KIND_COMPLAINT_CLOSE);
  update.set_transition(v1::CLOCK_TRANSITION_WARN);
  status = app_->UpdateClock(ComplaintService(), update).status();
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(status)[0].field, "transition");
  update.set_transition(v1::CLOCK_TRANSITION_STOP);
  EXPECT_EQ(app_->UpdateClock(ComplaintService(), update).status().code(),
            absl::StatusCode::kNotFound);

  v1::GetTicketClocksRequest clocks;
  clocks.set_subject("tickets/unknown");
  EXPECT_EQ(app_->GetTicketClocks(Supervisor(), clocks).status().code(),
            absl::StatusCode::kNotFound);
  v1::GetTicketRoutingRequest routing;
  routing.set_ticket("tickets/unknown");
  EXPECT_EQ(app_->GetTicketRouting(Supervisor(), routing).status().code(),
            absl::StatusCode::kNotFound);
  routing.set_ticket("agents/x");
  EXPECT_EQ(app_->GetTicketRouting(Supervisor(), routing).status().code(),
            absl::StatusCode::kInvalidArgument);

  // A team lead manages only their own department's agents.
  auth::Principal lead;
  lead.subject = "lead-9";
  lead.roles = {auth::Role::kTeamLead};
  lead.department = "客服部";
  v1::RegisterAgentRequest agent;
  agent.mutable_agent()->set_name("agents/t1");
  agent.mutable_agent()->set_department("技术支持部");
  agent.mutable_agent()->set_capacity(3);
  EXPECT_EQ(app_->RegisterAgent(lead, agent).status().code(),
            absl::StatusCode::kPermissionDenied);
  agent.mutable_agent()->set_department("客服部");
  EXPECT_TRUE(app_->RegisterAgent(lead, agent).ok());
}

TEST_F(RoutingAppTest, AgentsOnlyNameDepartmentsOfTheFileClocksAnyDepartment) {
  Close();
  departments_ = *DepartmentDirectory::Parse("客服部\n技术支持部\n产品部\n");
  Open();
  v1::RegisterAgentRequest agent;
  agent.mutable_agent()->set_name("agents/mars-1");
  agent.mutable_agent()->set_department("火星部");
  agent.mutable_agent()->set_capacity(3);
  absl::Status refused = app_->RegisterAgent(Supervisor(), agent).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(FieldViolationsOf(refused).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(refused)[0].field, "agent.department");
  v1::GetAgentRequest get;
  get.set_name("agents/mars-1");
  EXPECT_EQ(app_->GetAgent(Supervisor(), get).status().code(),
            absl::StatusCode::kNotFound);  // nothing registered

  // A complaint clock carries its complaint's department, checked where the
  // complaint was written: one taken out of the file keeps its deadlines.
  v1::StartClockRequest start;
  start.set_subject("complaints/CP-9");
  start.set_kind(v1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE);
  start.set_department("售后部");
  auto clock = app_->StartClock(ComplaintService(), start);
  ASSERT_TRUE(clock.ok()) << clock.status();
  EXPECT_EQ(clock->department(), "售后部");

  AddAgent("kefu-1", "客服部", {"手机类"}, 3);
}

// ---------------------------------------------------------------------------
// Configuration (the loader main uses)

TEST(RoutingSettingsTest, ShippedConfigurationLoads) {
  auto settings = LoadRoutingSettings(Source("deploy/config/routing.textproto"),
                                      Source("deploy/config/calendars.conf"));
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings->config.version, 1);
  EXPECT_EQ(settings->calendars.count("default"), 1u);
  EXPECT_EQ(settings->calendars.count("always"), 1u);
  EXPECT_FALSE(settings->config.sla.policies.empty());
}

TEST(RoutingSettingsTest, ShippedRulesNameShippedDepartments) {
  absl::StatusOr<DepartmentDirectory> shipped =
      LoadDepartmentsFile(Source("deploy/config/departments.conf"));
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  auto settings =
      LoadRoutingSettings(Source("deploy/config/routing.textproto"),
                          Source("deploy/config/calendars.conf"), *shipped);
  EXPECT_TRUE(settings.ok()) << settings.status();
}

TEST(RoutingSettingsTest, InvalidConfigurationNamesTheLine) {
  cs::testing::TempDir dir;
  const std::string path = dir.Sub("routing.textproto");
  {
    std::ofstream out(path);
    out << "version: 1\ndefault_calendar: \"default\"\nversion: lots\n";
  }
  auto settings =
      LoadRoutingSettings(path, Source("deploy/config/calendars.conf"));
  ASSERT_EQ(settings.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(settings.status().message()),
              HasSubstr("routing.textproto:3"));
  auto missing = LoadRoutingSettings(dir.Sub("nope.textproto"),
                                     Source("deploy/config/calendars.conf"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cs::routing
