// Service tests of the ticket service: a real in-process ServiceHost on port
// 0 with a RocksDB store in a temp dir, called through the generated gRPC
// stub with tokens signed by the test key.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cs/common/v1/event.pb.h"
#include "cs/ticket/v1/events.pb.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/files.h"
#include "libs/common/grpc_status.h"
#include "libs/common/time_proto.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "services/ticket/domain/permissions.h"
#include "services/ticket/domain/pii_cipher.h"
#include "services/ticket/domain/query.h"
#include "services/ticket/domain/ticket_number.h"
#include "services/ticket/grpc/ticket_grpc_service.h"
#include "services/ticket/service/ticket_app.h"
#include "services/ticket/store/ticket_repository.h"

namespace cs::ticket {
namespace {

using auth::Role;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;
using Stub = v1::TicketService::Stub;
using google::protobuf::util::MessageDifferencer;
namespace common = cs::common::v1;

const char kCustomer[] = "customers/c-1001";
const char kFullName[] = "张三";
const char kPhone[] = "13812341234";
const char kIdCard[] = "11010519491231002X";         // valid GB 11643 check
const char kBankCard[] = "6222 0212 3456 7890 128";  // valid Luhn digit
const char kBankCardDigits[] = "6222021234567890128";

// Tokens for every default role; all in 客服部 except the service.
struct Caller {
  std::string role;
  std::string token;
};

std::string TokenFor(Role role, const std::string& subject,
                     const std::string& department = "客服部") {
  return cs::testing::TestToken({role}, subject, department);
}

class TicketServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = cs::testing::TestServerConfig(dir_, "ticket");
    // A fixed business day (tomorrow 10:00 in Asia/Shanghai), so that ticket
    // numbers never straddle midnight during a test.
    const absl::CivilDay tomorrow = CentreDay(absl::Now()) + 1;
    start_time_ = absl::FromCivil(absl::CivilSecond(tomorrow) + 10 * 3600,
                                  CentreTimeZone());
    StartHost();
    agent_ = TokenFor(Role::kAgent, "agent-007");
    other_agent_ = TokenFor(Role::kAgent, "agent-008");
    tech_agent_ = TokenFor(Role::kAgent, "agent-101", "技术支持部");
    lead_ = TokenFor(Role::kTeamLead, "lead-1");
    supervisor_ = TokenFor(Role::kSupervisor, "sup-1");
    qa_ = TokenFor(Role::kQa, "qa-1");
    service_ = TokenFor(Role::kService, "service:chat", "");
    ASSERT_TRUE(UpsertZhangSan().ok());
  }

  void TearDown() override { StopHost(); }

  void StartHost() {
    auto host = ServiceHost::Create(config_, TicketColumnFamilies());
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    host_->manual_clock()->SetTime(start_time_);
    auto keyring = Keyring::FromKey("test", 1, std::string(32, 'k'));
    ASSERT_TRUE(keyring.ok()) << keyring.status();
    auto app = TicketApp::Create(
        host_->store(), host_->outbox(), host_->commits(), host_->clock(),
        PermissionTable::Defaults(), *std::move(keyring),
        {.departments = host_->departments()});
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    grpc_ = std::make_unique<TicketGrpcService>(*host_, *app_);
    host_->RegisterService(grpc_.get());
    ASSERT_TRUE(host_->Start().ok());
    stub_ =
        v1::TicketService::NewStub(cs::testing::LoopbackChannel(host_->port()));
  }

  void StopHost() {
    if (host_ == nullptr) return;
    host_->Shutdown();
    stub_.reset();
    grpc_.reset();
    app_.reset();
    host_.reset();
  }

  ManualClock& clock() { return *host_->manual_clock(); }

  // One unary call through the stub; the status keeps its details.
  template <typename Response, typename Request>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const std::string& token, const Request& request) {
    return cs::testing::CallAs(stub_.get(), method, token, request);
  }

  absl::StatusOr<v1::Customer> UpsertZhangSan() {
    v1::UpsertCustomerRequest request;
    v1::Customer* c = request.mutable_customer();
    c->set_name(kCustomer);
    c->set_full_name(kFullName);
    c->set_title(v1::TITLE_MR);
    c->set_phone(kPhone);
    c->set_id_card(kIdCard);
    c->set_bank_card(kBankCard);
    c->set_region("广东省深圳市");
    c->set_type(v1::CUSTOMER_TYPE_VIP);
    return Call(&Stub::UpsertCustomer, supervisor_, request);
  }

  v1::CreateTicketRequest CreateRequest(
      const std::string& department = "客服部",
      common::Channel channel = common::CHANNEL_PHONE,
      const std::string& subject = "手机信号弱") {
    v1::CreateTicketRequest request;
    v1::Ticket* t = request.mutable_ticket();
    t->set_channel(channel);
    t->set_stage(common::STAGE_AFTER_SALE);
    t->set_subject(subject);
    t->set_description("客户反映在地下车库手机信号弱，无法通话。");
    t->set_customer_id("c-1001");
    t->set_department(department);
    t->add_category("手机类");
    t->add_category("信号问题");
    return request;
  }

  v1::Ticket Create(const std::string& token,
                    const std::string& department = "客服部",
                    common::Channel channel = common::CHANNEL_PHONE) {
    auto ticket =
        Call(&Stub::CreateTicket, token, CreateRequest(department, channel));
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    return ticket.value_or(v1::Ticket());
  }

  absl::StatusOr<v1::Ticket> Get(const std::string& token,
                                 const std::string& name,
                                 v1::TicketView view = v1::TICKET_VIEW_BASIC) {
    v1::GetTicketRequest request;
    request.set_name(name);
    request.set_view(view);
    return Call(&Stub::GetTicket, token, request);
  }

  absl::StatusOr<v1::Ticket> Assign(const std::string& token,
                                    const std::string& name,
                                    const std::string& department,
                                    const std::string& assignee) {
    v1::AssignTicketRequest request;
    request.set_name(name);
    request.set_department(department);
    request.set_assignee(assignee);
    return Call(&Stub::AssignTicket, token, request);
  }

  absl::StatusOr<v1::AddReplyResponse> Reply(
      const std::string& token, const std::string& name,
      v1::AuthorKind kind = v1::AUTHOR_KIND_AGENT,
      const std::string& body = "您好，我们已收到您的问题，正在处理。") {
    v1::AddReplyRequest request;
    request.set_name(name);
    request.mutable_reply()->set_author_kind(kind);
    request.mutable_reply()->set_visibility(v1::REPLY_VISIBILITY_PUBLIC);
    request.mutable_reply()->set_body(body);
    return Call(&Stub::AddReply, token, request);
  }

  absl::StatusOr<v1::Ticket> ChangeStatus(const std::string& token,
                                          const std::string& name,
                                          v1::TicketStatus status) {
    v1::ChangeStatusRequest request;
    request.set_name(name);
    request.set_status(status);
    request.set_reason("等待客户提供截图");
    return Call(&Stub::ChangeStatus, token, request);
  }

  absl::StatusOr<v1::Ticket> Resolve(const std::string& token,
                                     const std::string& name) {
    v1::ResolveTicketRequest request;
    request.set_name(name);
    request.set_resolution("已为客户更换SIM卡，信号恢复正常。");
    request.set_solved_at_first_contact(true);
    return Call(&Stub::ResolveTicket, token, request);
  }

  absl::StatusOr<v1::Ticket> Close(const std::string& token,
                                   const std::string& name) {
    v1::CloseTicketRequest request;
    request.set_name(name);
    request.set_reason("客户确认解决");
    return Call(&Stub::CloseTicket, token, request);
  }

  absl::StatusOr<v1::Ticket> Reopen(const std::string& token,
                                    const std::string& name) {
    v1::ReopenTicketRequest request;
    request.set_name(name);
    request.set_reason("客户反映问题再次出现");
    return Call(&Stub::ReopenTicket, token, request);
  }

  absl::StatusOr<v1::Feedback> Feedback(const std::string& token,
                                        const std::string& name) {
    v1::SubmitFeedbackRequest request;
    request.set_name(name);
    request.mutable_feedback()->set_csat(5);
    request.mutable_feedback()->set_nps(9);
    request.mutable_feedback()->set_attitude(v1::AGENT_RATING_VERY_SATISFIED);
    request.mutable_feedback()->set_comment("服务很好");
    return Call(&Stub::SubmitFeedback, token, request);
  }

  // A ticket of 客服部 created by the supervisor and assigned to agent-other.
  v1::Ticket AssignedTicket() {
    v1::Ticket t = Create(supervisor_);
    auto assigned = Assign(supervisor_, t.name(), "客服部", "agent-other");
    EXPECT_TRUE(assigned.ok()) << assigned.status();
    return assigned.value_or(t);
  }

  // Every page of ListTickets with page_size 7; fails the test on a page
  // that is too long or a duplicate.
  std::vector<v1::Ticket> WalkTickets(const std::string& token,
                                      v1::ListTicketsRequest request) {
    std::vector<v1::Ticket> all;
    std::set<std::string> seen;
    request.set_page_size(7);
    for (int pages = 0; pages < 200; ++pages) {
      auto page = Call(&Stub::ListTickets, token, request);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      EXPECT_LE(page->tickets_size(), 7);
      for (const v1::Ticket& t : page->tickets()) {
        EXPECT_TRUE(seen.insert(t.id()).second) << "duplicate " << t.name();
        EXPECT_EQ(t.history_size(), 0);  // BASIC view
        all.push_back(t);
      }
      if (page->next_page_token().empty()) break;
      request.set_page_token(page->next_page_token());
    }
    return all;
  }

  int CountTickets() {
    return static_cast<int>(WalkTickets(supervisor_, {}).size());
  }

  std::vector<common::Event> EventsFrom(uint64_t from) {
    std::vector<common::Event> events;
    auto next = host_->outbox().Read(
        from, 0, [&](const common::Event& e) { events.push_back(e); });
    EXPECT_TRUE(next.ok()) << next.status();
    return events;
  }

  // Audit records of PII reveals (the start-up permission record and the
  // audited clear GetCustomer reads are counted by their own tests).
  int CountAudit(common::AuditAction action = common::AUDIT_ACTION_REVEAL_PII) {
    common::ListAuditRecordsRequest request;
    request.set_action(action);
    auto page = Call(&Stub::ListAuditRecords, supervisor_, request);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->audit_records_size() : -1;
  }

  cs::testing::TempDir dir_;
  ServerConfig config_;
  absl::Time start_time_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<TicketApp> app_;
  std::unique_ptr<TicketGrpcService> grpc_;
  std::unique_ptr<Stub> stub_;
  std::string agent_, other_agent_, tech_agent_, lead_, supervisor_, qa_,
      service_;
};

std::string FieldOf(const absl::Status& status) {
  std::vector<FieldViolation> violations = FieldViolationsOf(status);
  return violations.empty() ? "" : violations[0].field;
}

std::vector<std::string> IdsOf(const std::vector<v1::Ticket>& tickets) {
  std::vector<std::string> ids;
  for (const v1::Ticket& t : tickets) ids.push_back(t.id());
  return ids;
}

// ---- 1. Idempotent create ---------------------------------------------------

TEST_F(TicketServiceTest, CreateWithRequestIdIsIdempotentUnderRetries) {
  const uint64_t before = host_->outbox().VisibleSequence();
  v1::CreateTicketRequest request = CreateRequest();
  request.set_request_id("req-0001");
  request.mutable_ticket()->set_description(
      "客户反映：家中信号时断时续，已重启手机。");
  std::set<std::string> ids;
  absl::StatusOr<v1::Ticket> first = Call(&Stub::CreateTicket, agent_, request);
  ASSERT_TRUE(first.ok()) << first.status();
  // The answer is the stored ticket in the BASIC view, etag included.
  absl::StatusOr<v1::Ticket> stored = Get(agent_, first->name());
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*first, *stored))
      << first->DebugString() << stored->DebugString();
  EXPECT_EQ(first->description(), "客户反映：家中信号时断时续，已重启手机。");
  EXPECT_FALSE(first->etag().empty());
  EXPECT_EQ(first->history_size(), 0);
  EXPECT_EQ(Get(agent_, first->name(), v1::TICKET_VIEW_FULL)->history_size(),
            1);
  for (int i = 0; i < 5; ++i) {
    auto ticket = Call(&Stub::CreateTicket, agent_, request);
    ASSERT_TRUE(ticket.ok()) << ticket.status();
    EXPECT_TRUE(MessageDifferencer::Equals(*ticket, *first));
    ids.insert(ticket->id());
  }
  EXPECT_EQ(ids.size(), 1u);

  // Eight concurrent first attempts of another request.
  request.set_request_id("req-0002");
  std::vector<std::string> concurrent(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto ticket = Call(&Stub::CreateTicket, agent_, request);
      EXPECT_TRUE(ticket.ok()) << ticket.status();
      if (ticket.ok()) concurrent[i] = ticket->id();
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(concurrent.begin(), concurrent.end()).size(),
            1u);
  EXPECT_NE(concurrent[0], *ids.begin());

  EXPECT_EQ(CountTickets(), 2);
  int created = 0;
  for (const common::Event& e : EventsFrom(before + 1)) {
    if (e.type() == "TicketCreated") ++created;
  }
  EXPECT_EQ(created, 2);

  // The same request_id for another request.
  request.mutable_ticket()->set_subject("另一个问题");
  auto reused = Call(&Stub::CreateTicket, agent_, request);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(reused.status()), "request_id");
  EXPECT_EQ(CountTickets(), 2);
}

// A replay answers the creator, wherever the ticket went since, and others
// only when they may read the ticket: a request_id does not open another
// department's ticket.
TEST_F(TicketServiceTest, ReplayedCreateRespectsReadScope) {
  v1::CreateTicketRequest request = CreateRequest(/*department=*/"");
  request.set_request_id("req-scope");
  auto first = Call(&Stub::CreateTicket, agent_, request);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(Assign(supervisor_, first->name(), "客服部", "agent-other").ok());
  // Another department's agent sending the very same request.
  EXPECT_EQ(Call(&Stub::CreateTicket, tech_agent_, request).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Moved to another department, it still comes back to its creator.
  ASSERT_TRUE(Assign(supervisor_, first->name(), "技术支持部", "").ok());
  auto again = Call(&Stub::CreateTicket, agent_, request);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->name(), first->name());
  EXPECT_EQ(CountTickets(), 1);
}

// ---- 2. Pagination ----------------------------------------------------------

TEST_F(TicketServiceTest, PaginationVisitsEveryMatchingTicketOnceInOrder) {
  const std::string departments[] = {"客服部", "技术支持部", "售后部"};
  const common::Channel channels[] = {common::CHANNEL_PHONE,
                                      common::CHANNEL_ONLINE_CHAT,
                                      common::CHANNEL_EMAIL};
  std::vector<v1::Ticket> all;
  for (int i = 0; i < 120; ++i) {
    if (i % 4 == 0) clock().Advance(absl::Minutes(1));  // 4 share a time
    v1::Ticket t =
        Create(supervisor_, departments[i % 3], channels[(i / 3) % 3]);
    if (i % 7 == 0) {
      auto assigned =
          Assign(supervisor_, t.name(), t.department(), "agent-007");
      ASSERT_TRUE(assigned.ok()) << assigned.status();
      t = *assigned;
    }
    all.push_back(t);
  }
  const auto expected = [&](const std::function<bool(const v1::Ticket&)>& pred,
                            bool descending) {
    std::vector<v1::Ticket> matching;
    for (const v1::Ticket& t : all) {
      if (pred(t)) matching.push_back(t);
    }
    std::sort(matching.begin(), matching.end(),
              [](const v1::Ticket& a, const v1::Ticket& b) {
                return std::make_pair(FromProtoTime(a.create_time()), a.id()) <
                       std::make_pair(FromProtoTime(b.create_time()), b.id());
              });
    if (descending) std::reverse(matching.begin(), matching.end());
    return IdsOf(matching);
  };
  const absl::Time from = start_time_ + absl::Minutes(5);
  const absl::Time to = start_time_ + absl::Minutes(21);
  struct Case {
    std::string what;
    std::function<void(v1::TicketFilter*)> filter;
    std::function<bool(const v1::Ticket&)> pred;
  };
  const std::vector<Case> cases = {
      {"all", [](v1::TicketFilter*) {}, [](const v1::Ticket&) { return true; }},
      {"department",
       [](v1::TicketFilter* f) { f->set_department("技术支持部"); },
       [](const v1::Ticket& t) { return t.department() == "技术支持部"; }},
      {"channels",
       [](v1::TicketFilter* f) {
         f->add_channels(common::CHANNEL_PHONE);
         f->add_channels(common::CHANNEL_EMAIL);
       },
       [](const v1::Ticket& t) {
         return t.channel() != common::CHANNEL_ONLINE_CHAT;
       }},
      {"status",
       [](v1::TicketFilter* f) { f->add_statuses(v1::TICKET_STATUS_ASSIGNED); },
       [](const v1::Ticket& t) {
         return t.status() == v1::TICKET_STATUS_ASSIGNED;
       }},
      {"assignee + department",
       [](v1::TicketFilter* f) {
         f->set_assignee("agent-007");
         f->set_department("售后部");
       },
       [](const v1::Ticket& t) {
         return t.assignee() == "agent-007" && t.department() == "售后部";
       }},
      {"time range + channel",
       [&](v1::TicketFilter* f) {
         *f->mutable_create_time_from() = ToProtoTime(from);
         *f->mutable_create_time_to() = ToProtoTime(to);
         f->add_channels(common::CHANNEL_ONLINE_CHAT);
       },
       [&](const v1::Ticket& t) {
         absl::Time c = FromProtoTime(t.create_time());
         return c >= from && c < to &&
                t.channel() == common::CHANNEL_ONLINE_CHAT;
       }},
  };
  for (const Case& c : cases) {
    for (v1::TicketOrder order :
         {v1::TICKET_ORDER_CREATE_TIME_ASC, v1::TICKET_ORDER_CREATE_TIME_DESC,
          v1::TICKET_ORDER_UNSPECIFIED}) {
      SCOPED_TRACE(absl::StrCat(c.what, " order ", order));
      v1::ListTicketsRequest request;
      c.filter(request.mutable_filter());
      request.set_order_by(order);
      std::vector<std::string> want =
          expected(c.pred, order != v1::TICKET_ORDER_CREATE_TIME_ASC);
      EXPECT_FALSE(want.empty());
      EXPECT_THAT(IdsOf(WalkTickets(supervisor_, request)),
                  ElementsAreArray(want));
    }
  }

  // An agent sees only the department's tickets; another one is refused.
  EXPECT_THAT(
      IdsOf(WalkTickets(agent_, {})),
      ElementsAreArray(expected(
          [](const v1::Ticket& t) { return t.department() == "客服部"; },
          true)));
  v1::ListTicketsRequest foreign;
  foreign.mutable_filter()->set_department("技术支持部");
  EXPECT_EQ(Call(&Stub::ListTickets, agent_, foreign).status().code(),
            absl::StatusCode::kPermissionDenied);

  // The customer's history across channels, newest first, in pages.
  v1::ListCustomerHistoryRequest history;
  history.set_customer(kCustomer);
  history.set_page_size(7);
  std::vector<std::string> history_ids;
  while (true) {
    auto page = Call(&Stub::ListCustomerHistory, agent_, history);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const v1::Ticket& t : page->tickets()) history_ids.push_back(t.id());
    if (page->next_page_token().empty()) break;
    history.set_page_token(page->next_page_token());
  }
  EXPECT_THAT(history_ids, ElementsAreArray(expected(
                               [](const v1::Ticket&) { return true; }, true)));

  // Tokens only work for the query they were issued for.
  v1::ListTicketsRequest request;
  request.set_page_size(7);
  auto first = Call(&Stub::ListTickets, supervisor_, request);
  ASSERT_TRUE(first.ok());
  const std::string token = first->next_page_token();
  ASSERT_FALSE(token.empty());
  const auto rejected = [&](v1::ListTicketsRequest r) {
    auto page = Call(&Stub::ListTickets, supervisor_, r);
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument)
        << r.ShortDebugString();
    EXPECT_EQ(FieldOf(page.status()), "page_token");
  };
  v1::ListTicketsRequest tampered = request;
  tampered.set_page_token("not-a-token");
  rejected(tampered);
  tampered.set_page_token(token.substr(0, token.size() - 4));
  rejected(tampered);
  const uint64_t fingerprint =
      TicketQueryFingerprint({}, v1::TICKET_ORDER_CREATE_TIME_DESC);
  auto after = DecodePageToken(token, fingerprint);
  ASSERT_TRUE(after.ok()) << after.status();
  tampered.set_page_token(EncodePageToken(*after, fingerprint + 1));
  rejected(tampered);
  // A well-formed token for this query whose key is not of its index.
  tampered.set_page_token(EncodePageToken(
      absl::StrCat("d/客服部", std::string(1, '\0'), after->substr(2)),
      fingerprint));
  rejected(tampered);
  v1::ListTicketsRequest other_filter = request;
  other_filter.mutable_filter()->set_department("售后部");
  other_filter.set_page_token(token);
  rejected(other_filter);
  v1::ListTicketsRequest other_order = request;
  other_order.set_order_by(v1::TICKET_ORDER_CREATE_TIME_ASC);
  other_order.set_page_token(token);
  rejected(other_order);
}

// ---- 3. Field-mask update ---------------------------------------------------

TEST_F(TicketServiceTest, UpdateAppliesOnlyMaskedMutableFields) {
  v1::Ticket t = Create(agent_);
  v1::UpdateTicketRequest request;
  v1::Ticket* in = request.mutable_ticket();
  in->set_name(t.name());
  in->set_subject("手机信号弱（地下车库）");
  in->set_description("不应被修改的描述");
  in->set_affected_customer_count(12);
  in->set_status(v1::TICKET_STATUS_CLOSED);  // OUTPUT_ONLY
  in->set_assignee("agent-999");             // OUTPUT_ONLY
  in->set_department("售后部");              // changed only via AssignTicket
  for (const char* path : {"subject", "affected_customer_count", "status",
                           "assignee", "department", "create_time"}) {
    request.mutable_update_mask()->add_paths(path);
  }
  auto updated = Call(&Stub::UpdateTicket, agent_, request);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->subject(), "手机信号弱（地下车库）");
  EXPECT_EQ(updated->affected_customer_count(), 12);
  EXPECT_EQ(updated->description(), t.description());
  EXPECT_EQ(updated->status(), v1::TICKET_STATUS_NEW);
  EXPECT_EQ(updated->assignee(), "");
  EXPECT_EQ(updated->department(), "客服部");
  EXPECT_EQ(updated->create_time().seconds(), t.create_time().seconds());

  auto full = Get(agent_, t.name(), v1::TICKET_VIEW_FULL);
  ASSERT_TRUE(full.ok());
  ASSERT_EQ(full->history_size(), 2);
  const v1::HistoryEntry& entry = full->history(1);
  EXPECT_EQ(entry.action(), v1::HISTORY_ACTION_UPDATE);
  EXPECT_EQ(entry.actor(), "agent-007");
  std::vector<std::string> fields;
  for (const v1::FieldChange& c : entry.changes()) fields.push_back(c.field());
  EXPECT_THAT(fields, ElementsAre("subject", "affected_customer_count"));
  EXPECT_EQ(entry.changes(0).old_value(), "手机信号弱");

  request.mutable_update_mask()->add_paths("no_such_field");
  auto unknown = Call(&Stub::UpdateTicket, agent_, request);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(FieldOf(unknown.status()), "update_mask"))
      << FieldOf(unknown.status());
  EXPECT_THAT(std::string(unknown.status().message()),
              HasSubstr("update_mask"));

  v1::UpdateTicketRequest immutable;
  immutable.mutable_ticket()->set_name(t.name());
  immutable.mutable_ticket()->set_channel(common::CHANNEL_EMAIL);
  immutable.mutable_update_mask()->add_paths("channel");
  auto changed = Call(&Stub::UpdateTicket, agent_, immutable);
  EXPECT_EQ(changed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(changed.status()), "ticket.channel");
}

// ---- 4. Etags ---------------------------------------------------------------

TEST_F(TicketServiceTest, StaleEtagIsAbortedCurrentEtagWins) {
  v1::Ticket t = Create(agent_);
  v1::UpdateTicketRequest request;
  request.mutable_ticket()->set_name(t.name());
  request.mutable_ticket()->set_subject("第一次修改");
  request.mutable_ticket()->set_etag(t.etag());
  request.mutable_update_mask()->add_paths("subject");
  auto first = Call(&Stub::UpdateTicket, agent_, request);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_NE(first->etag(), t.etag());

  request.mutable_ticket()->set_subject("基于旧版本的修改");  // etag is stale
  auto stale = Call(&Stub::UpdateTicket, agent_, request);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Get(agent_, t.name())->subject(), "第一次修改");

  v1::ResolveTicketRequest resolve;
  resolve.set_name(t.name());
  resolve.set_resolution("已处理");
  resolve.set_etag(t.etag());
  EXPECT_EQ(Call(&Stub::ResolveTicket, agent_, resolve).status().code(),
            absl::StatusCode::kAborted);

  request.mutable_ticket()->set_etag(first->etag());
  auto current = Call(&Stub::UpdateTicket, agent_, request);
  ASSERT_TRUE(current.ok()) << current.status();
  EXPECT_EQ(current->subject(), "基于旧版本的修改");
  EXPECT_NE(current->etag(), first->etag());
  EXPECT_EQ(Get(agent_, t.name())->etag(), current->etag());
}

// ---- 5. Lifecycle -----------------------------------------------------------

TEST_F(TicketServiceTest, LifecycleThroughRpcs) {
  // An agent resolves a ticket it opened on the spot (own scope), naming it
  // in lower case as people type ULIDs: the same ticket.
  v1::Ticket own = Create(agent_);
  auto resolved = Resolve(agent_, absl::AsciiStrToLower(own.name()));
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->status(), v1::TICKET_STATUS_RESOLVED);
  EXPECT_EQ(resolved->name(), own.name());
  EXPECT_TRUE(resolved->solved_at_first_contact());

  auto illegal =
      ChangeStatus(agent_, own.name(), v1::TICKET_STATUS_PENDING_CUSTOMER);
  EXPECT_EQ(illegal.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(illegal.status().message()), HasSubstr("RESOLVED"));
  EXPECT_EQ(ErrorReasonOf(illegal.status()), "ILLEGAL_TRANSITION");

  // Closing and reopening a closed ticket are supervisor work.
  EXPECT_EQ(Close(agent_, own.name()).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto closed = Close(supervisor_, own.name());
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->status(), v1::TICKET_STATUS_CLOSED);
  EXPECT_EQ(Reopen(agent_, own.name()).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto reopened = Reopen(supervisor_, own.name());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->status(), v1::TICKET_STATUS_REOPENED);
  EXPECT_EQ(reopened->reopen_count(), 1);
  EXPECT_FALSE(reopened->has_close_time());
  EXPECT_EQ(Reopen(supervisor_, own.name()).status().code(),
            absl::StatusCode::kFailedPrecondition);

  // An agent may not resolve a colleague's ticket; its team lead may.
  v1::Ticket theirs = AssignedTicket();
  EXPECT_EQ(Resolve(agent_, theirs.name()).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto by_lead = Resolve(lead_, theirs.name());
  ASSERT_TRUE(by_lead.ok()) << by_lead.status();
  // A resolved ticket an agent reopens (reopen_resolved @department).
  auto agent_reopen = Reopen(agent_, theirs.name());
  ASSERT_TRUE(agent_reopen.ok()) << agent_reopen.status();

  // Merge duplicates of the same customer.
  v1::Ticket target = Create(agent_);
  v1::Ticket duplicate = Create(agent_);
  v1::MergeTicketsRequest merge;
  merge.set_target(target.name());
  merge.add_sources(duplicate.name());
  merge.set_reason("重复工单");
  EXPECT_EQ(Call(&Stub::MergeTickets, agent_, merge).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto merged = Call(&Stub::MergeTickets, supervisor_, merge);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_THAT(merged->target().merged_from(), ElementsAre(duplicate.name()));
  ASSERT_EQ(merged->sources_size(), 1);
  EXPECT_EQ(merged->sources(0).status(), v1::TICKET_STATUS_CLOSED);
  EXPECT_EQ(merged->sources(0).merged_into(), target.name());
  EXPECT_EQ(Get(agent_, duplicate.name())->status(), v1::TICKET_STATUS_CLOSED);
  auto merged_reopen = Reopen(supervisor_, duplicate.name());
  EXPECT_EQ(merged_reopen.status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReasonOf(merged_reopen.status()), "TICKET_MERGED");
  // A source that does not exist leaves every ticket as it was.
  v1::MergeTicketsRequest missing = merge;
  missing.clear_sources();
  missing.add_sources(Create(agent_).name());
  missing.add_sources("tickets/01ARZ3NDEKTSV4RRFFQ69G5FAV");
  const uint64_t events = host_->outbox().VisibleSequence();
  EXPECT_EQ(Call(&Stub::MergeTickets, supervisor_, missing).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(host_->outbox().VisibleSequence(), events);
  EXPECT_EQ(Get(agent_, missing.sources(0))->status(), v1::TICKET_STATUS_NEW);

  // Feedback once, on a resolved ticket.
  v1::Ticket surveyed = Create(agent_);
  EXPECT_EQ(Feedback(service_, surveyed.name()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Resolve(agent_, surveyed.name()).ok());
  auto feedback = Feedback(service_, surveyed.name());
  ASSERT_TRUE(feedback.ok()) << feedback.status();
  EXPECT_EQ(feedback->csat(), 5);
  EXPECT_EQ(Get(agent_, surveyed.name())->satisfaction(), 5);
  EXPECT_EQ(Feedback(service_, surveyed.name()).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(TicketServiceTest, ConcurrentWritersOnOneTicketLoseNothing) {
  v1::Ticket t = Create(agent_);
  v1::Ticket other = Create(agent_);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 12; ++i) {
    threads.emplace_back([&, i] {
      if (!Reply(agent_, t.name(), v1::AUTHOR_KIND_AGENT,
                 absl::StrCat("第", i, "条回复"))
               .ok()) {
        ++failures;
      }
    });
  }
  // Merges take every ticket lock at once; they must not deadlock with the
  // single-ticket writers.
  threads.emplace_back([&] {
    v1::Ticket a = Create(agent_), b = Create(agent_);
    v1::MergeTicketsRequest merge;
    merge.set_target(a.name());
    merge.add_sources(b.name());
    if (!Call(&Stub::MergeTickets, supervisor_, merge).ok()) ++failures;
  });
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      if (!Reply(agent_, other.name()).ok()) ++failures;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Get(agent_, t.name(), v1::TICKET_VIEW_FULL)->replies_size(), 12);
  EXPECT_EQ(Get(agent_, other.name(), v1::TICKET_VIEW_FULL)->replies_size(), 6);
}

TEST_F(TicketServiceTest, PipelinedUpdatesAndRepliesOnOneTicketLoseNothing) {
  // Both read-modify-write the same ticket and answer from the commit
  // pipeline. Each writer must read what the previous one wrote (its claim
  // is held until the write is applied), or history entries and replies
  // would be lost.
  v1::Ticket t = Create(agent_);
  constexpr int kUpdates = 10, kReplies = 6;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < kUpdates; ++i) {
    threads.emplace_back([&, i] {
      v1::UpdateTicketRequest request;
      request.mutable_ticket()->set_name(t.name());
      request.mutable_ticket()->set_subject(
          absl::StrCat("主题变更第", i, "次"));
      request.mutable_update_mask()->add_paths("subject");
      if (!Call(&Stub::UpdateTicket, agent_, request).ok()) ++failures;
    });
  }
  for (int i = 0; i < kReplies; ++i) {
    threads.emplace_back([&] {
      if (!Reply(agent_, t.name()).ok()) ++failures;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto full = Get(agent_, t.name(), v1::TICKET_VIEW_FULL);
  ASSERT_TRUE(full.ok()) << full.status();
  int subject_changes = 0;
  for (const v1::HistoryEntry& entry : full->history()) {
    for (const v1::FieldChange& change : entry.changes()) {
      subject_changes += change.field() == "subject" ? 1 : 0;
    }
  }
  EXPECT_EQ(subject_changes, kUpdates);
  EXPECT_EQ(full->replies_size(), kReplies);
}

// ---- 6. Roles ---------------------------------------------------------------

TEST_F(TicketServiceTest, DefaultPermissionMatrixOverEveryRpc) {
  const std::vector<std::pair<std::string, Role>> roles = {
      {"agent", Role::kAgent},
      {"team_lead", Role::kTeamLead},
      {"supervisor", Role::kSupervisor},
      {"qa", Role::kQa},
      {"kb_editor", Role::kKbEditor},
      {"complaint_officer", Role::kComplaintOfficer},
      {"director", Role::kDirector},
      {"admin", Role::kAdmin},
      {"service", Role::kService}};
  using Set = std::set<std::string>;
  const Set readers = {"agent",    "team_lead", "supervisor",
                       "qa",       "kb_editor", "complaint_officer",
                       "director", "service"};
  const Set customer_readers = {"agent",  "team_lead",         "supervisor",
                                "qa",     "complaint_officer", "director",
                                "service"};
  struct Case {
    std::string rpc;
    Set allowed;
    // Sets up what the call needs (as the supervisor) and makes it.
    std::function<absl::Status(const std::string& token)> call;
  };
  const std::vector<Case> cases = {
      {"CreateTicket",
       {"agent", "team_lead", "supervisor", "service"},
       [&](const std::string& token) {
         return Call(&Stub::CreateTicket, token, CreateRequest()).status();
       }},
      {"GetTicket", readers,
       [&](const std::string& token) {
         return Get(token, AssignedTicket().name()).status();
       }},
      {"ListTickets", readers,
       [&](const std::string& token) {
         return Call(&Stub::ListTickets, token, v1::ListTicketsRequest())
             .status();
       }},
      {"UpdateTicket",
       {"agent", "team_lead", "supervisor"},
       [&](const std::string& token) {
         v1::UpdateTicketRequest r;
         r.mutable_ticket()->set_name(AssignedTicket().name());
         r.mutable_ticket()->set_subject("新标题");
         r.mutable_update_mask()->add_paths("subject");
         return Call(&Stub::UpdateTicket, token, r).status();
       }},
      {"AssignTicket",
       {"team_lead", "supervisor", "service"},
       [&](const std::string& token) {
         return Assign(token, AssignedTicket().name(), "客服部", "agent-007")
             .status();
       }},
      {"AddReply",
       {"agent", "team_lead", "supervisor", "complaint_officer", "service"},
       [&](const std::string& token) {
         return Reply(token, AssignedTicket().name()).status();
       }},
      {"ChangeStatus",
       {"agent", "team_lead", "supervisor"},
       [&](const std::string& token) {
         return ChangeStatus(token, AssignedTicket().name(),
                             v1::TICKET_STATUS_IN_PROGRESS)
             .status();
       }},
      {"ResolveTicket",  // assigned to a colleague: agents resolve own only
       {"team_lead", "supervisor"},
       [&](const std::string& token) {
         return Resolve(token, AssignedTicket().name()).status();
       }},
      {"CloseTicket",
       {"supervisor"},
       [&](const std::string& token) {
         return Close(token, AssignedTicket().name()).status();
       }},
      {"ReopenTicket(resolved)",
       {"agent", "team_lead", "supervisor"},
       [&](const std::string& token) {
         v1::Ticket t = AssignedTicket();
         EXPECT_TRUE(Resolve(supervisor_, t.name()).ok());
         return Reopen(token, t.name()).status();
       }},
      {"ReopenTicket(closed)",
       {"supervisor"},
       [&](const std::string& token) {
         v1::Ticket t = AssignedTicket();
         EXPECT_TRUE(Close(supervisor_, t.name()).ok());
         return Reopen(token, t.name()).status();
       }},
      {"MergeTickets",
       {"supervisor"},
       [&](const std::string& token) {
         v1::MergeTicketsRequest r;
         r.set_target(AssignedTicket().name());
         r.add_sources(AssignedTicket().name());
         return Call(&Stub::MergeTickets, token, r).status();
       }},
      {"SubmitFeedback",
       {"agent", "team_lead", "supervisor", "service"},
       [&](const std::string& token) {
         v1::Ticket t = AssignedTicket();
         EXPECT_TRUE(Resolve(supervisor_, t.name()).ok());
         return Feedback(token, t.name()).status();
       }},
      {"GetCustomer", customer_readers,
       [&](const std::string& token) {
         v1::GetCustomerRequest r;
         r.set_name(kCustomer);
         return Call(&Stub::GetCustomer, token, r).status();
       }},
      {"UpsertCustomer",
       {"agent", "team_lead", "supervisor"},
       [&](const std::string& token) {
         v1::UpsertCustomerRequest r;
         r.mutable_customer()->set_name(kCustomer);
         r.mutable_customer()->set_region("广东省广州市");
         r.mutable_update_mask()->add_paths("region");
         return Call(&Stub::UpsertCustomer, token, r).status();
       }},
      {"ListCustomerHistory", customer_readers,
       [&](const std::string& token) {
         v1::ListCustomerHistoryRequest r;
         r.set_customer(kCustomer);
         return Call(&Stub::ListCustomerHistory, token, r).status();
       }},
      {"RevealCustomerPii",
       {"supervisor", "complaint_officer"},
       [&](const std::string& token) {
         v1::RevealCustomerPiiRequest r;
         r.set_name(kCustomer);
         r.set_field(common::PII_FIELD_BANK_CARD);
         r.set_reason("核实身份：退款申请");
         return Call(&Stub::RevealCustomerPii, token, r).status();
       }},
      {"ListAuditRecords",
       {"supervisor", "director", "admin"},
       [&](const std::string& token) {
         return Call(&Stub::ListAuditRecords, token,
                     common::ListAuditRecordsRequest())
             .status();
       }},
  };
  for (const Case& c : cases) {
    for (const auto& [role, role_enum] : roles) {
      SCOPED_TRACE(absl::StrCat(c.rpc, " as ", role));
      const std::string token = TokenFor(role_enum, absl::StrCat(role, "-1"),
                                         role == "service" ? "" : "客服部");
      absl::Status status = c.call(token);
      if (c.allowed.count(role)) {
        EXPECT_TRUE(status.ok()) << status;
      } else {
        EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
      }
    }
  }
}

TEST_F(TicketServiceTest, DeniedCallsRevealNothingAboutExistence) {
  // A 技术支持部 ticket assigned to someone else, and a ticket that never was.
  v1::Ticket foreign = Create(supervisor_, "技术支持部");
  ASSERT_TRUE(
      Assign(supervisor_, foreign.name(), "技术支持部", "agent-101").ok());
  const std::string missing = "tickets/01ARZ3NDEKTSV4RRFFQ69G5FAV";
  ASSERT_TRUE(absl::IsNotFound(Get(supervisor_, missing).status()));

  const std::vector<
      std::pair<std::string, std::function<absl::Status(const std::string&)>>>
      calls = {
          {"GetTicket",
           [&](const std::string& name) { return Get(agent_, name).status(); }},
          {"AddReply",
           [&](const std::string& name) {
             return Reply(agent_, name).status();
           }},
          {"ResolveTicket",
           [&](const std::string& name) {
             return Resolve(lead_, name).status();
           }},
          {"AssignTicket",
           [&](const std::string& name) {
             return Assign(lead_, name, "客服部", "agent-007").status();
           }},
          {"ReopenTicket",
           [&](const std::string& name) {
             return Reopen(agent_, name).status();
           }},
          {"CloseTicket",  // no permission at all: denied before any lookup
           [&](const std::string& name) {
             return Close(agent_, name).status();
           }},
      };
  for (const auto& [rpc, call] : calls) {
    SCOPED_TRACE(rpc);
    absl::Status on_existing = call(foreign.name());
    absl::Status on_missing = call(missing);
    EXPECT_EQ(on_existing.code(), absl::StatusCode::kPermissionDenied)
        << on_existing;
    EXPECT_EQ(on_missing.code(), on_existing.code());
    EXPECT_EQ(on_missing.message(), on_existing.message());
    EXPECT_EQ(ErrorReasonOf(on_missing), ErrorReasonOf(on_existing));
  }
  // Callers who may read every ticket learn that one does not exist.
  EXPECT_TRUE(absl::IsNotFound(Get(qa_, missing).status()));
  EXPECT_TRUE(Get(qa_, foreign.name()).ok());
  // The agent of that department reads it.
  EXPECT_TRUE(Get(tech_agent_, foreign.name()).ok());
}

// ---- 7. Personal data -------------------------------------------------------

TEST_F(TicketServiceTest, PersonalDataIsMaskedAuditedAndEncryptedAtRest) {
  v1::GetCustomerRequest get;
  get.set_name(kCustomer);
  auto masked = Call(&Stub::GetCustomer, agent_, get);
  ASSERT_TRUE(masked.ok()) << masked.status();
  EXPECT_EQ(masked->full_name(), "张先生");
  EXPECT_EQ(masked->phone(), "138****1234");
  EXPECT_EQ(masked->id_card_masked(), "110***********002X");
  EXPECT_EQ(masked->bank_card_masked(), "****0128");
  EXPECT_EQ(masked->id_card(), "");
  EXPECT_EQ(masked->bank_card(), "");
  EXPECT_EQ(CountAudit(common::AUDIT_ACTION_READ_CONTACT), 0);  // masked: none
  auto clear = Call(&Stub::GetCustomer, supervisor_, get);
  ASSERT_TRUE(clear.ok());
  EXPECT_EQ(clear->full_name(), kFullName);
  EXPECT_EQ(clear->phone(), kPhone);
  EXPECT_EQ(clear->id_card(), "");
  // The clear read is audited: who, which customer, when.
  common::ListAuditRecordsRequest contact_reads;
  contact_reads.set_action(common::AUDIT_ACTION_READ_CONTACT);
  auto contact = Call(&Stub::ListAuditRecords, supervisor_, contact_reads);
  ASSERT_TRUE(contact.ok()) << contact.status();
  ASSERT_EQ(contact->audit_records_size(), 1);
  EXPECT_EQ(contact->audit_records(0).actor(), "sup-1");
  EXPECT_EQ(contact->audit_records(0).resources(0), kCustomer);

  // Tickets snapshot the masked forms only.
  v1::Ticket t = Call(&Stub::CreateTicket, agent_,
                      [] {
                        v1::CreateTicketRequest r;
                        r.mutable_ticket()->set_channel(common::CHANNEL_APP);
                        r.mutable_ticket()->set_stage(common::STAGE_IN_SALE);
                        r.mutable_ticket()->set_subject("退款进度查询");
                        r.mutable_ticket()->set_description(
                            "这是一段用于验证磁盘扫描的工单描述");
                        r.mutable_ticket()->set_customer_id("c-1001");
                        return r;
                      }())
                     .value();
  EXPECT_EQ(t.customer_display_name(), "张先生");
  EXPECT_EQ(t.customer_contact(), "138****1234");

  v1::RevealCustomerPiiRequest reveal;
  reveal.set_name(kCustomer);
  reveal.set_field(common::PII_FIELD_ID_CARD);
  reveal.set_reason("核实身份：退款申请，客户来电18698765432");
  EXPECT_EQ(Call(&Stub::RevealCustomerPii, agent_, reveal).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CountAudit(), 0);
  v1::RevealCustomerPiiRequest unknown = reveal;
  unknown.set_name("customers/nobody");
  EXPECT_EQ(Call(&Stub::RevealCustomerPii, agent_, unknown).status().code(),
            absl::StatusCode::kPermissionDenied);  // before any lookup

  auto revealed = Call(&Stub::RevealCustomerPii, supervisor_, reveal);
  ASSERT_TRUE(revealed.ok()) << revealed.status();
  EXPECT_EQ(revealed->value(), kIdCard);
  reveal.set_field(common::PII_FIELD_BANK_CARD);
  EXPECT_EQ(Call(&Stub::RevealCustomerPii, supervisor_, reveal)->value(),
            kBankCardDigits);

  common::ListAuditRecordsRequest audits;
  audits.set_resource(kCustomer);
  audits.set_action(common::AUDIT_ACTION_REVEAL_PII);
  auto records = Call(&Stub::ListAuditRecords, supervisor_, audits);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->audit_records_size(), 2);
  const common::AuditRecord& first = records->audit_records(1);  // newest first
  EXPECT_EQ(first.name(), revealed->audit_record());
  EXPECT_EQ(first.actor(), "sup-1");
  EXPECT_THAT(first.actor_roles(), ElementsAre("supervisor"));
  EXPECT_EQ(first.actor_department(), "客服部");
  EXPECT_EQ(first.resources(0), kCustomer);
  EXPECT_EQ(first.field(), common::PII_FIELD_ID_CARD);
  EXPECT_EQ(first.reason(), "核实身份：退款申请，客户来电18698765432");
  // read_audit without read_pii (a director) reads the trail masked.
  auto as_director =
      Call(&Stub::ListAuditRecords,
           cs::testing::TestToken({Role::kDirector}, "dir-1", ""), audits);
  ASSERT_TRUE(as_director.ok()) << as_director.status();
  ASSERT_EQ(as_director->audit_records_size(), 2);
  EXPECT_EQ(as_director->audit_records(1).reason(),
            "核实身份：退款申请，客户来电186****5432");
  EXPECT_EQ(CountAudit(), 2);

  // At rest: no plaintext ID-card or bank-card number in any file of the
  // store (WAL, SST, manifest), while ordinary ticket text is found.
  StopHost();
  std::string everything;
  int files = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(config_.data_dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    everything += bytes.str();
    ++files;
  }
  EXPECT_GT(files, 3);
  EXPECT_TRUE(
      absl::StrContains(everything, "这是一段用于验证磁盘扫描的工单描述"));
  EXPECT_FALSE(absl::StrContains(everything, kIdCard));
  EXPECT_FALSE(absl::StrContains(everything, "11010519491231002"));
  EXPECT_FALSE(absl::StrContains(everything, kBankCardDigits));
  EXPECT_FALSE(absl::StrContains(everything, kBankCard));
  EXPECT_FALSE(absl::StrContains(everything, kPhone));
  EXPECT_FALSE(absl::StrContains(everything, kFullName));
}

TEST_F(TicketServiceTest, FreeTextPersonalDataIsMaskedWithoutReadPii) {
  v1::CreateTicketRequest create = CreateRequest();
  create.mutable_ticket()->set_description(
      "客户要求回电13912345678，邮箱 wang.fang@example.com");
  auto created = Call(&Stub::CreateTicket, agent_, create);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->description(),
            "客户要求回电139****5678，邮箱 w***@example.com");
  const std::string name = created->name();

  auto replied =
      Reply(agent_, name, v1::AUTHOR_KIND_AGENT, "已致电13912345678，无人接听");
  ASSERT_TRUE(replied.ok()) << replied.status();
  EXPECT_EQ(replied->reply().body(), "已致电139****5678，无人接听");

  // Agents (no read_pii) see the free text masked in every answer ...
  auto basic = Get(agent_, name);
  ASSERT_TRUE(basic.ok()) << basic.status();
  EXPECT_EQ(basic->description(),
            "客户要求回电139****5678，邮箱 w***@example.com");
  auto full = Get(agent_, name, v1::TICKET_VIEW_FULL);
  ASSERT_TRUE(full.ok()) << full.status();
  ASSERT_EQ(full->replies_size(), 1);
  EXPECT_EQ(full->replies(0).body(), "已致电139****5678，无人接听");
  v1::ListTicketsRequest list;
  auto page = Call(&Stub::ListTickets, agent_, list);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->tickets_size(), 1);
  EXPECT_THAT(page->tickets(0).description(), HasSubstr("139****5678"));
  v1::ListCustomerHistoryRequest history;
  history.set_customer(kCustomer);
  auto customer_history = Call(&Stub::ListCustomerHistory, agent_, history);
  ASSERT_TRUE(customer_history.ok()) << customer_history.status();
  ASSERT_EQ(customer_history->tickets_size(), 1);
  EXPECT_THAT(customer_history->tickets(0).description(),
              HasSubstr("139****5678"));

  // ... and sending the masked text back in a full replacement keeps the
  // clear original.
  v1::UpdateTicketRequest update;
  *update.mutable_ticket() = *basic;
  update.mutable_ticket()->set_subject("手机信号弱，需回电");
  update.mutable_update_mask()->add_paths("*");
  auto updated = Call(&Stub::UpdateTicket, agent_, update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->subject(), "手机信号弱，需回电");

  // A supervisor (read_pii) sees the clear text, which nothing overwrote.
  auto clear = Get(supervisor_, name, v1::TICKET_VIEW_FULL);
  ASSERT_TRUE(clear.ok()) << clear.status();
  EXPECT_EQ(clear->description(),
            "客户要求回电13912345678，邮箱 wang.fang@example.com");
  EXPECT_EQ(clear->replies(0).body(), "已致电13912345678，无人接听");
  EXPECT_EQ(clear->subject(), "手机信号弱，需回电");
  for (const v1::HistoryEntry& entry : clear->history()) {
    for (const v1::FieldChange& change : entry.changes()) {
      EXPECT_NE(change.field(), "description") << "the description changed";
    }
  }

  // An edit around the masked values keeps their clear originals ...
  update.mutable_ticket()->set_description(
      "客户要求下午回电139****5678，或发邮件至 w***@example.com");
  update.mutable_ticket()->set_etag(updated->etag());
  updated = Call(&Stub::UpdateTicket, agent_, update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->description(),
            "客户要求下午回电139****5678，或发邮件至 w***@example.com");
  EXPECT_EQ(Get(supervisor_, name)->description(),
            "客户要求下午回电13912345678，或发邮件至 wang.fang@example.com");

  // A masked value moved where masking would leave the clear number
  // readable (behind 订单号) stays masked: the edit reveals nothing.
  update.mutable_ticket()->set_description(
      "订单号139****5678，回电139****5678");
  update.mutable_ticket()->set_etag(updated->etag());
  updated = Call(&Stub::UpdateTicket, agent_, update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->description(), "订单号139****5678，回电139****5678");
  EXPECT_EQ(Get(supervisor_, name)->description(),
            "订单号139****5678，回电13912345678");

  // ... and a number typed anew replaces the old one.
  update.mutable_ticket()->set_description("客户改为回电13700002222");
  update.mutable_ticket()->set_etag(updated->etag());
  ASSERT_TRUE(Call(&Stub::UpdateTicket, agent_, update).ok());
  EXPECT_EQ(Get(supervisor_, name)->description(), "客户改为回电13700002222");
  // The history shows the change masked to agents as well.
  full = Get(agent_, name, v1::TICKET_VIEW_FULL);
  ASSERT_TRUE(full.ok()) << full.status();
  const std::string agent_view = full->SerializeAsString();
  EXPECT_FALSE(absl::StrContains(agent_view, "13912345678"));
  EXPECT_FALSE(absl::StrContains(agent_view, "13700002222"));
  EXPECT_TRUE(absl::StrContains(agent_view, "137****2222"));
}

// ---- 8. Events --------------------------------------------------------------

TEST_F(TicketServiceTest, LifecycleEmitsTheExactEventSequenceWithoutPii) {
  const uint64_t before = host_->outbox().VisibleSequence();
  v1::Ticket t = Create(agent_);
  ASSERT_TRUE(Assign(lead_, t.name(), "客服部", "agent-007").ok());
  ASSERT_TRUE(Reply(agent_, t.name(), v1::AUTHOR_KIND_AGENT,
                    "张三先生您好，请提供您的手机号13812341234是否正确？")
                  .ok());
  ASSERT_TRUE(
      ChangeStatus(agent_, t.name(), v1::TICKET_STATUS_PENDING_CUSTOMER).ok());
  auto customer_reply = Reply(service_, t.name(), v1::AUTHOR_KIND_CUSTOMER,
                              "是的，我是张三，号码正确。");
  ASSERT_TRUE(customer_reply.ok()) << customer_reply.status();
  EXPECT_EQ(customer_reply->reply().author(), kCustomer);
  EXPECT_EQ(customer_reply->ticket().status(), v1::TICKET_STATUS_IN_PROGRESS);
  ASSERT_TRUE(Resolve(agent_, t.name()).ok());
  ASSERT_TRUE(Close(supervisor_, t.name()).ok());
  ASSERT_TRUE(Reopen(supervisor_, t.name()).ok());

  std::vector<common::Event> events = EventsFrom(before + 1);
  std::vector<std::string> types;
  std::vector<v1::TicketStatus> statuses;
  for (const common::Event& e : events) {
    EXPECT_EQ(e.subject(), t.name());
    EXPECT_EQ(e.producer(), "ticket");
    types.push_back(e.type());
    if (e.type() == "TicketStatusChanged") {
      v1::TicketStatusChanged changed;
      ASSERT_TRUE(e.payload().UnpackTo(&changed));
      statuses.push_back(changed.status());
      EXPECT_EQ(changed.facts().status(), changed.status());
    }
    // Every payload carries the facts of this ticket.
    v1::TicketCreated probe;  // field 1 is `facts` in every ticket event
    ASSERT_TRUE(probe.ParseFromString(e.payload().value()));
    EXPECT_EQ(probe.facts().ticket(), t.name());
    EXPECT_EQ(probe.facts().customer_id(), "c-1001");
    EXPECT_EQ(probe.facts().number(), t.number());
    // No personal data or free text anywhere in the serialized event.
    const std::string bytes = e.SerializeAsString();
    for (const char* secret :
         {kFullName, "张先生", kPhone, "138****1234", "手机信号弱", "客户反映",
          "号码正确", "已为客户更换"}) {
      EXPECT_FALSE(absl::StrContains(bytes, secret))
          << e.type() << " contains " << secret;
    }
  }
  EXPECT_THAT(
      types,
      ElementsAre("TicketCreated", "TicketAssigned", "TicketStatusChanged",
                  "TicketReplied", "TicketStatusChanged", "TicketStatusChanged",
                  "TicketReplied", "TicketStatusChanged", "TicketResolved",
                  "TicketStatusChanged", "ServiceRecordChecked", "TicketClosed",
                  "TicketStatusChanged", "TicketReopened",
                  "TicketStatusChanged"));
  EXPECT_THAT(
      statuses,
      ElementsAre(v1::TICKET_STATUS_ASSIGNED, v1::TICKET_STATUS_IN_PROGRESS,
                  v1::TICKET_STATUS_PENDING_CUSTOMER,
                  v1::TICKET_STATUS_IN_PROGRESS, v1::TICKET_STATUS_RESOLVED,
                  v1::TICKET_STATUS_CLOSED, v1::TICKET_STATUS_REOPENED));
  v1::TicketReplied first_reply;
  ASSERT_TRUE(events[3].payload().UnpackTo(&first_reply));
  EXPECT_TRUE(first_reply.first_response());
  EXPECT_EQ(first_reply.agent(), "agent-007");
  v1::TicketReplied customer;
  ASSERT_TRUE(events[6].payload().UnpackTo(&customer));
  EXPECT_EQ(customer.author_kind(), v1::AUTHOR_KIND_CUSTOMER);
  EXPECT_EQ(customer.agent(), "");
}

// ---- 9. Bad input -----------------------------------------------------------

TEST_F(TicketServiceTest, BadInputNamesTheFieldAndWritesNothing) {
  v1::Ticket t = Create(agent_);
  v1::GetCustomerRequest get_customer;
  get_customer.set_name(kCustomer);
  const std::string customer_etag =
      Call(&Stub::GetCustomer, supervisor_, get_customer)->etag();
  const uint64_t events = host_->outbox().VisibleSequence();
  const int tickets = CountTickets();

  struct Case {
    std::string field;
    std::function<absl::Status()> call;
  };
  const std::vector<Case> cases = {
      {"ticket.subject",
       [&] {
         v1::CreateTicketRequest r = CreateRequest();
         r.mutable_ticket()->clear_subject();
         return Call(&Stub::CreateTicket, agent_, r).status();
       }},
      {"ticket.channel",
       [&] {
         v1::CreateTicketRequest r = CreateRequest();
         r.mutable_ticket()->set_channel(common::CHANNEL_UNSPECIFIED);
         return Call(&Stub::CreateTicket, agent_, r).status();
       }},
      {"request_id",
       [&] {
         v1::CreateTicketRequest r = CreateRequest();
         r.set_request_id("有空格 的 id");
         return Call(&Stub::CreateTicket, agent_, r).status();
       }},
      {"reply.body",
       [&] {
         return Reply(agent_, t.name(), v1::AUTHOR_KIND_AGENT, "").status();
       }},
      {"name", [&] { return Resolve(agent_, "tickets/不是ULID").status(); }},
      {"page_size",
       [&] {
         v1::ListTicketsRequest r;
         r.set_page_size(-1);
         return Call(&Stub::ListTickets, agent_, r).status();
       }},
      {"customer.phone",
       [&] {
         v1::UpsertCustomerRequest r;
         r.mutable_customer()->set_name(kCustomer);
         r.mutable_customer()->set_phone("12345");
         r.mutable_update_mask()->add_paths("phone");
         return Call(&Stub::UpsertCustomer, agent_, r).status();
       }},
      {"customer.id_card",
       [&] {
         v1::UpsertCustomerRequest r;
         r.mutable_customer()->set_name(kCustomer);
         r.mutable_customer()->set_id_card("110105194912310021");  // bad check
         r.mutable_update_mask()->add_paths("id_card");
         return Call(&Stub::UpsertCustomer, agent_, r).status();
       }},
      {"reason",
       [&] {
         v1::RevealCustomerPiiRequest r;
         r.set_name(kCustomer);
         r.set_field(common::PII_FIELD_ID_CARD);
         r.set_reason("查");
         return Call(&Stub::RevealCustomerPii, supervisor_, r).status();
       }},
      {"feedback.csat",
       [&] {
         v1::SubmitFeedbackRequest r;
         r.set_name(t.name());
         r.mutable_feedback()->set_csat(6);
         return Call(&Stub::SubmitFeedback, agent_, r).status();
       }},
      {"sources[0]",
       [&] {
         v1::MergeTicketsRequest r;
         r.set_target(t.name());
         r.add_sources(t.name());
         return Call(&Stub::MergeTickets, supervisor_, r).status();
       }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field);
    absl::Status status = c.call();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_EQ(FieldOf(status), c.field) << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.field));
  }
  EXPECT_EQ(host_->outbox().VisibleSequence(), events);
  EXPECT_EQ(CountTickets(), tickets);
  EXPECT_EQ(Call(&Stub::GetCustomer, supervisor_, get_customer)->etag(),
            customer_etag);
  EXPECT_EQ(CountAudit(), 0);
  // Unknown customers are NOT_FOUND, not INVALID_ARGUMENT.
  v1::CreateTicketRequest unknown = CreateRequest();
  unknown.mutable_ticket()->set_customer_id("c-404");
  EXPECT_EQ(Call(&Stub::CreateTicket, agent_, unknown).status().code(),
            absl::StatusCode::kNotFound);
  // A caller without a token is UNAUTHENTICATED.
  EXPECT_EQ(Get("", t.name()).status().code(),
            absl::StatusCode::kUnauthenticated);
}

// ---- 10. Restart ------------------------------------------------------------

TEST_F(TicketServiceTest, DataAndNumbersSurviveRestart) {
  std::vector<v1::Ticket> before;
  for (int i = 0; i < 3; ++i) before.push_back(Create(agent_));
  auto first = ParseTicketNumber(before[0].number());
  ASSERT_TRUE(first.ok()) << before[0].number();
  EXPECT_EQ(first->day, CentreDay(start_time_));
  EXPECT_EQ(first->partition, 0u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(ParseTicketNumber(before[i].number())->sequence,
              first->sequence + i);
  }
  const uint64_t events = host_->outbox().VisibleSequence();

  StopHost();
  StartHost();
  clock().SetTime(start_time_ + absl::Hours(1));
  for (const v1::Ticket& t : before) {
    auto loaded = Get(agent_, t.name());
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ(loaded->number(), t.number());
    EXPECT_EQ(loaded->etag(), t.etag());
  }
  v1::GetCustomerRequest get;
  get.set_name(kCustomer);
  EXPECT_EQ(Call(&Stub::GetCustomer, supervisor_, get)->full_name(), kFullName);
  EXPECT_EQ(host_->outbox().VisibleSequence(), events);

  v1::Ticket after = Create(agent_);
  EXPECT_EQ(ParseTicketNumber(after.number())->sequence, first->sequence + 3);
  EXPECT_GT(host_->outbox().VisibleSequence(), events);
  // Indexes survive too.
  EXPECT_EQ(CountTickets(), 4);
}

// ---- Shipped configuration --------------------------------------------------

TEST(TicketPermissionsFileTest, ShippedFileIsExactlyTheBuiltInDefaults) {
  auto text =
      ReadFileToString(CS_SOURCE_DIR "/deploy/config/ticket_permissions.conf");
  ASSERT_TRUE(text.ok()) << text.status();
  auto table = PermissionTable::Parse(*text);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_TRUE(*table == PermissionTable::Defaults());
  EXPECT_EQ(table->ToText(), PermissionTable::Defaults().ToText());
}

// ---- Departments
// -------------------------------------------------------------

TEST_F(TicketServiceTest, CreateAndAssignOnlyNameDepartmentsOfTheFile) {
  const std::string file = dir_.path() + "/departments.conf";
  ASSERT_TRUE(WriteFileAtomically(file, "客服部\n技术支持部\n").ok());
  StopHost();
  config_.departments_file = file;
  StartHost();
  const v1::Ticket ticket = Create(supervisor_);
  const uint64_t before = host_->outbox().VisibleSequence();

  absl::StatusOr<v1::Ticket> created =
      Call(&Stub::CreateTicket, supervisor_, CreateRequest("火星部"));
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(created.status()), "ticket.department");
  EXPECT_THAT(created.status().message(), HasSubstr("客服部, 技术支持部"));

  absl::StatusOr<v1::Ticket> assigned =
      Assign(supervisor_, ticket.name(), "客服布", "");
  EXPECT_EQ(assigned.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(assigned.status()), "department");
  EXPECT_EQ(ErrorReasonOf(assigned.status()), "UNKNOWN_DEPARTMENT");
  EXPECT_EQ(host_->outbox().VisibleSequence(), before);  // nothing written
  EXPECT_EQ(Get(supervisor_, ticket.name())->department(), "客服部");

  absl::StatusOr<v1::Ticket> moved =
      Assign(supervisor_, ticket.name(), "技术支持部", "");
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->department(), "技术支持部");
}

TEST_F(TicketServiceTest, WithoutADepartmentsFileAnyDepartmentIsAccepted) {
  const v1::Ticket ticket = Create(supervisor_);
  absl::StatusOr<v1::Ticket> moved =
      Assign(supervisor_, ticket.name(), "大客户部", "");
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->department(), "大客户部");
}

}  // namespace
}  // namespace cs::ticket
