// Authorisation of ticket-server (TicketService and QualityService): the
// role × RPC matrix from the shipped permission table
// (deploy/config/ticket_permissions.conf, services/ticket/domain/
// permissions.h) and QualityApp's role sets, and object-level checks:
// an agent of one department hears exactly the same answer for another
// department's ticket as for a ticket that does not exist.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "cs/ticket/v1/quality.grpc.pb.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/common/grpc_status.h"
#include "libs/common/ids.h"
#include "services/ticket/quality/scorecard.h"
#include "services/ticket/testing/sample_requests.h"
#include "services/ticket/testing/ticket_test_server.h"
#include "tests/authz/authz_matrix.h"

namespace cs::ticket {
namespace {

using auth::Role;
using cs::testing::AuthzCall;
using cs::testing::Rpc;
using Stub = v1::TicketService::Stub;
using QualityStub = v1::QualityService::Stub;

constexpr char kDepartment[] = "客服部";

// Every role's token: subject "<role>-1" in 客服部 (the service in none).
std::string TokenOf(Role role) {
  return cs::testing::RoleToken(role, kDepartment);
}

class TicketAuthzTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Start(dir_, clock_, {}, quality::DefaultScorecard(),
                  [](ServerConfig& config) { config.sync = false; });
    stub_ = server_.NewStub();
    quality_ = server_.NewQualityStub();
    supervisor_ = TokenOf(Role::kSupervisor);
    auto customer =
        cs::testing::CallAs(stub_.get(), &Stub::UpsertCustomer, supervisor_,
                            testing::SampleCustomerRequest());
    ASSERT_TRUE(customer.ok()) << customer.status();
  }
  void TearDown() override { server_.Shutdown(); }

  // A fresh unassigned ticket of `department`, created by a service.
  v1::Ticket NewTicket(const std::string& department = kDepartment) {
    v1::CreateTicketRequest request =
        testing::SampleCreateRequest("地下车库信号弱");
    request.mutable_ticket()->set_department(department);
    auto ticket = cs::testing::CallAs(stub_.get(), &Stub::CreateTicket,
                                      TokenOf(Role::kService), request);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    return ticket.value_or(v1::Ticket());
  }

  // A fresh ticket of 客服部 assigned to agent-1 and resolved by a supervisor.
  v1::Ticket ResolvedTicket() {
    v1::Ticket ticket = NewTicket();
    v1::AssignTicketRequest assign;
    assign.set_name(ticket.name());
    assign.set_department(kDepartment);
    assign.set_assignee("agent-1");
    EXPECT_TRUE(cs::testing::CallAs(stub_.get(), &Stub::AssignTicket,
                                    supervisor_, assign)
                    .ok());
    v1::ResolveTicketRequest resolve;
    resolve.set_name(ticket.name());
    resolve.set_resolution("指导客户开启 WLAN 通话后恢复正常");
    auto resolved = cs::testing::CallAs(stub_.get(), &Stub::ResolveTicket,
                                        supervisor_, resolve);
    EXPECT_TRUE(resolved.ok()) << resolved.status();
    return resolved.value_or(v1::Ticket());
  }

  v1::CreateReviewRequest ReviewRequest(const std::string& ticket) {
    v1::CreateReviewRequest r;
    r.set_ticket(ticket);
    for (const auto& item : quality::DefaultScorecard().config().items()) {
      v1::ItemScore* s = r.add_scores();
      s->set_item(item.key());
      s->set_score(item.max_score());
    }
    r.set_comment("处理规范，用语得体");
    return r;
  }

  // A review of a fresh resolved ticket of agent-1, disputed by agent-1
  // when `disputed`.
  v1::QualityReview Review(bool disputed) {
    auto review = cs::testing::CallAs(
        quality_.get(), &QualityStub::CreateReview, TokenOf(Role::kQa),
        ReviewRequest(ResolvedTicket().name()));
    EXPECT_TRUE(review.ok()) << review.status();
    if (!disputed || !review.ok()) return review.value_or(v1::QualityReview());
    v1::DisputeReviewRequest dispute;
    dispute.set_name(review->name());
    dispute.set_reason("客户情绪激动，请复听录音");
    auto done = cs::testing::CallAs(quality_.get(), &QualityStub::DisputeReview,
                                    TokenOf(Role::kAgent), dispute);
    EXPECT_TRUE(done.ok()) << done.status();
    return done.value_or(v1::QualityReview());
  }

  ManualClock clock_;
  cs::testing::TempDir dir_;
  testing::TicketTestServer server_;
  std::unique_ptr<Stub> stub_;
  std::unique_ptr<QualityStub> quality_;
  std::string supervisor_;
};

TEST_F(TicketAuthzTest, TicketServiceMatrix) {
  Stub* s = stub_.get();
  auto ticket = [this] { return NewTicket().name(); };
  // Columns: agent team_lead supervisor qa kb_editor complaint_officer
  // director admin service. The fixture ticket belongs to 客服部 (every
  // human caller's department), is unassigned and was created by a
  // service, so `own`-scoped grants (agent resolve) do not cover it.
  constexpr char kExpected[] = R"(
                                      ag tl su qa ke co di ad se
  CreateTicket                        Y  Y  Y  .  .  .  .  .  Y
  GetTicket                           Y  Y  Y  Y  Y  Y  Y  .  Y
  ListTickets                         Y  Y  Y  Y  Y  Y  Y  .  Y
  UpdateTicket                        Y  Y  Y  .  .  .  .  .  .
  AssignTicket                        .  Y  Y  .  .  .  .  .  Y
  AddReply                            Y  Y  Y  .  .  Y  .  .  Y
  ChangeStatus                        Y  Y  Y  .  .  .  .  .  .
  ResolveTicket                       .  Y  Y  .  .  .  .  .  .
  CloseTicket                         .  .  Y  .  .  .  .  .  .
  ReopenTicket (resolved)             Y  Y  Y  .  .  .  .  .  .
  MergeTickets                        .  .  Y  .  .  .  .  .  .
  GetCustomer                         Y  Y  Y  Y  .  Y  Y  .  Y
  UpsertCustomer                      Y  Y  Y  .  .  .  .  .  .
  ListCustomerHistory                 Y  Y  Y  Y  .  Y  Y  .  Y
  SubmitFeedback                      Y  Y  Y  .  .  .  .  .  Y
  RevealCustomerPii                   .  .  Y  .  .  Y  .  .  .
  ListAuditRecords                    .  .  Y  .  .  .  Y  Y  .
)";
  std::map<std::string, AuthzCall> calls;
  calls["CreateTicket"] = Rpc(s, &Stub::CreateTicket, [] {
    return testing::SampleCreateRequest("无法接听来电");
  });
  calls["GetTicket"] = Rpc(s, &Stub::GetTicket, [&] {
    v1::GetTicketRequest r;
    r.set_name(ticket());
    return r;
  });
  calls["ListTickets"] =
      Rpc(s, &Stub::ListTickets, [] { return v1::ListTicketsRequest(); });
  calls["UpdateTicket"] = Rpc(s, &Stub::UpdateTicket, [&] {
    v1::UpdateTicketRequest r;
    r.mutable_ticket()->set_name(ticket());
    r.mutable_ticket()->set_subject("地下车库无信号");
    r.mutable_update_mask()->add_paths("subject");
    return r;
  });
  calls["AssignTicket"] = Rpc(s, &Stub::AssignTicket, [&] {
    v1::AssignTicketRequest r;
    r.set_name(ticket());
    r.set_department(kDepartment);
    r.set_assignee("agent-1");
    return r;
  });
  calls["AddReply"] = Rpc(s, &Stub::AddReply, [&] {
    v1::AddReplyRequest r;
    r.set_name(ticket());
    r.mutable_reply()->set_author_kind(v1::AUTHOR_KIND_AGENT);
    r.mutable_reply()->set_visibility(v1::REPLY_VISIBILITY_INTERNAL);
    r.mutable_reply()->set_body("已联系运营商核查基站");
    return r;
  });
  calls["ChangeStatus"] = Rpc(s, &Stub::ChangeStatus, [&] {
    v1::ChangeStatusRequest r;
    r.set_name(ticket());
    r.set_status(v1::TICKET_STATUS_PENDING_CUSTOMER);
    r.set_reason("等待客户确认");
    return r;
  });
  calls["ResolveTicket"] = Rpc(s, &Stub::ResolveTicket, [&] {
    v1::ResolveTicketRequest r;
    r.set_name(ticket());
    r.set_resolution("指导客户开启 WLAN 通话");
    return r;
  });
  calls["CloseTicket"] = Rpc(s, &Stub::CloseTicket, [&] {
    v1::CloseTicketRequest r;
    r.set_name(ResolvedTicket().name());
    r.set_reason("客户确认已解决");
    return r;
  });
  calls["ReopenTicket (resolved)"] = Rpc(s, &Stub::ReopenTicket, [&] {
    v1::ReopenTicketRequest r;
    r.set_name(ResolvedTicket().name());
    r.set_reason("客户反馈问题复现");
    return r;
  });
  calls["MergeTickets"] = Rpc(s, &Stub::MergeTickets, [&] {
    v1::MergeTicketsRequest r;
    r.set_target(ticket());
    r.add_sources(ticket());
    r.set_reason("同一客户重复来电");
    return r;
  });
  calls["GetCustomer"] = Rpc(s, &Stub::GetCustomer, [] {
    v1::GetCustomerRequest r;
    r.set_name("customers/c-1001");
    return r;
  });
  calls["UpsertCustomer"] = Rpc(s, &Stub::UpsertCustomer, [] {
    return testing::SampleCustomerRequest();
  });
  calls["ListCustomerHistory"] = Rpc(s, &Stub::ListCustomerHistory, [] {
    v1::ListCustomerHistoryRequest r;
    r.set_customer("customers/c-1001");
    return r;
  });
  calls["SubmitFeedback"] = Rpc(s, &Stub::SubmitFeedback, [&] {
    v1::SubmitFeedbackRequest r;
    r.set_name(ResolvedTicket().name());
    r.mutable_feedback()->set_csat(5);
    return r;
  });
  calls["RevealCustomerPii"] = Rpc(s, &Stub::RevealCustomerPii, [] {
    v1::RevealCustomerPiiRequest r;
    r.set_name("customers/c-1001");
    r.set_field(common::v1::PII_FIELD_ID_CARD);
    r.set_reason("核实身份办理补卡");
    return r;
  });
  calls["ListAuditRecords"] = Rpc(s, &Stub::ListAuditRecords, [] {
    return common::v1::ListAuditRecordsRequest();
  });
  cs::testing::ExpectAuthzMatrix(kExpected, calls, TokenOf);
}

TEST_F(TicketAuthzTest, QualityServiceMatrix) {
  QualityStub* q = quality_.get();
  // Reviews are of agent-1 (the agent column's subject) in 客服部.
  constexpr char kExpected[] = R"(
                                      ag tl su qa ke co di ad se
  GetScorecard                        Y  Y  Y  Y  Y  Y  Y  Y  Y
  CreateReview                        .  .  .  Y  .  .  .  .  .
  GetReview (own review)              Y  Y  Y  Y  .  .  Y  Y  .
  ListReviews                         Y  Y  Y  Y  .  .  Y  Y  .
  DisputeReview (own review)          Y  .  .  .  .  .  .  .  .
  ResolveDispute                      .  Y  Y  .  .  .  .  .  .
  ListInspectionQueue                 .  Y  Y  Y  .  .  .  .  .
  RecordFollowUp                      Y  Y  Y  Y  .  .  .  .  Y
)";
  std::map<std::string, AuthzCall> calls;
  calls["GetScorecard"] = Rpc(q, &QualityStub::GetScorecard,
                              [] { return v1::GetScorecardRequest(); });
  calls["CreateReview"] = Rpc(q, &QualityStub::CreateReview, [&] {
    return ReviewRequest(ResolvedTicket().name());
  });
  calls["GetReview (own review)"] = Rpc(q, &QualityStub::GetReview, [&] {
    v1::GetReviewRequest r;
    r.set_name(Review(false).name());
    return r;
  });
  calls["ListReviews"] = Rpc(q, &QualityStub::ListReviews,
                             [] { return v1::ListReviewsRequest(); });
  calls["DisputeReview (own review)"] =
      Rpc(q, &QualityStub::DisputeReview, [&] {
        v1::DisputeReviewRequest r;
        r.set_name(Review(false).name());
        r.set_reason("客户情绪激动，请复听录音");
        return r;
      });
  calls["ResolveDispute"] = Rpc(q, &QualityStub::ResolveDispute, [&] {
    v1::ResolveDisputeRequest r;
    r.set_name(Review(true).name());
    r.set_outcome(v1::DISPUTE_OUTCOME_CONFIRMED);
    r.set_note("复听录音后维持原评分");
    return r;
  });
  calls["ListInspectionQueue"] = Rpc(q, &QualityStub::ListInspectionQueue, [] {
    v1::ListInspectionQueueRequest r;
    r.set_period("2026-11");
    return r;
  });
  calls["RecordFollowUp"] = Rpc(q, &QualityStub::RecordFollowUp, [&] {
    v1::RecordFollowUpRequest r;
    r.set_ticket(ResolvedTicket().name());
    r.set_reached(false);
    return r;
  });
  cs::testing::ExpectAuthzMatrix(kExpected, calls, TokenOf);
}

// The whole answer — code, message and every detail — as a client sees it.
std::string Wire(const absl::Status& status) {
  grpc::Status wire = ToGrpcStatus(status);
  return absl::StrCat(wire.error_code(), "|", wire.error_message(), "|",
                      absl::CEscape(wire.error_details()));
}

TEST_F(TicketAuthzTest, ForeignDepartmentTicketsLookExactlyLikeMissingOnes) {
  const v1::Ticket foreign = NewTicket("投诉部");
  const std::string missing = absl::StrCat("tickets/", NewUlid(clock_.Now()));
  const std::string agent =
      cs::testing::TestToken({Role::kAgent}, "agent-sh-1", "售后部");
  const std::string lead =
      cs::testing::TestToken({Role::kTeamLead}, "lead-sh-1", "售后部");

  // Each call as the 售后部 caller, on ticket `name`.
  struct Probe {
    const char* rpc;
    std::string token;
    std::function<absl::Status(const std::string& name)> call;
  };
  Stub* s = stub_.get();
  auto as = [s](const std::string& token, auto method, auto request) {
    return [=](const std::string& name) mutable {
      request.set_name(name);
      return cs::testing::CallAs(s, method, token, request).status();
    };
  };
  v1::ChangeStatusRequest change;
  change.set_status(v1::TICKET_STATUS_PENDING_CUSTOMER);
  v1::AddReplyRequest reply;
  reply.mutable_reply()->set_author_kind(v1::AUTHOR_KIND_AGENT);
  reply.mutable_reply()->set_visibility(v1::REPLY_VISIBILITY_PUBLIC);
  reply.mutable_reply()->set_body("您好，已为您加急处理");
  v1::AssignTicketRequest assign;
  assign.set_department("售后部");
  assign.set_assignee("agent-sh-1");
  const std::vector<Probe> probes = {
      {"GetTicket", agent, as(agent, &Stub::GetTicket, v1::GetTicketRequest())},
      {"ChangeStatus", agent, as(agent, &Stub::ChangeStatus, change)},
      {"AddReply", agent, as(agent, &Stub::AddReply, reply)},
      {"AssignTicket (team lead)", lead, as(lead, &Stub::AssignTicket, assign)},
      {"UpdateTicket", agent,
       [=](const std::string& name) {
         v1::UpdateTicketRequest r;
         r.mutable_ticket()->set_name(name);
         r.mutable_ticket()->set_subject("改个标题");
         r.mutable_update_mask()->add_paths("subject");
         return cs::testing::CallAs(s, &Stub::UpdateTicket, agent, r).status();
       }},
  };
  for (const Probe& probe : probes) {
    const absl::Status on_foreign = probe.call(foreign.name());
    const absl::Status on_missing = probe.call(missing);
    EXPECT_EQ(on_foreign.code(), absl::StatusCode::kPermissionDenied)
        << probe.rpc << ": " << on_foreign;
    EXPECT_EQ(Wire(on_foreign), Wire(on_missing)) << probe.rpc;
  }

  // Listing never shows the other department's ticket, filtered or not.
  for (const std::string& department : {std::string(), std::string("投诉部")}) {
    v1::ListTicketsRequest list;
    list.mutable_filter()->set_department(department);
    auto listed = cs::testing::CallAs(s, &Stub::ListTickets, agent, list);
    if (!listed.ok()) {
      EXPECT_EQ(listed.status().code(), absl::StatusCode::kPermissionDenied);
      continue;
    }
    for (const v1::Ticket& t : listed->tickets()) {
      EXPECT_NE(t.name(), foreign.name()) << "filter " << department;
    }
  }
  // The ticket is there: its own department's agent reads it.
  v1::GetTicketRequest get;
  get.set_name(foreign.name());
  EXPECT_TRUE(
      cs::testing::CallAs(
          s, &Stub::GetTicket,
          cs::testing::TestToken({Role::kAgent}, "agent-ts-1", "投诉部"), get)
          .ok());
}

}  // namespace
}  // namespace cs::ticket
