// Authorisation matrices of routing-sla, knowledge-base, complaint and
// escalation, each a real in-process server (the complaint service's test
// environment runs all four on one manual clock). Expected rows come from
// the role sets in RoutingApp, kb::CheckPermission (workflow.h),
// ComplaintApp (plus complaint.conf approval limits) and EscalationApp
// (plus the actor check of a case's current level), as the README states.
//
// Role gates run before request validation in these services, so most rows
// send empty requests: an allowed role then gets INVALID_ARGUMENT or
// NOT_FOUND, a forbidden one PERMISSION_DENIED. Rows whose decision depends
// on the object (approval limits, escalation levels) build real ones.
#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/complaint/testing/complaint_test_env.h"
#include "tests/authz/authz_matrix.h"

namespace cs::complaint::testing {
namespace {

using cs::testing::AuthzRow;
using cs::testing::Rpc;
using RS = rv1::RoutingService::Stub;
using SS = rv1::SlaService::Stub;
using KS = kbv1::KnowledgeBaseService::Stub;
using ES = ev1::EscalationService::Stub;

std::string TokenOf(Role role) {
  if (role == Role::kService) {
    return cs::testing::TestToken({role}, "service:ivr", "");
  }
  return cs::testing::TestToken(
      {role}, absl::StrCat(auth::RoleName(role), "-1"), "客服部");
}

// An empty request of any type.
template <typename Request>
auto Empty() {
  return [] { return Request(); };
}

class SuiteAuthzTest : public ComplaintServiceTest {};

TEST_F(SuiteAuthzTest, RoutingAndSlaMatrix) {
  auto routing = rv1::RoutingService::NewStub(
      cs::testing::LoopbackChannel(routing_host_->port()));
  RS* r = routing.get();
  SS* s = sla_.get();
  std::vector<AuthzRow> rows;
  //                          ag tl su qa ke co di ad se
  rows.push_back({"RegisterAgent", ".  Y  Y  .  .  .  .  Y  .",
                  Rpc(r, &RS::RegisterAgent, Empty<rv1::RegisterAgentRequest>())});
  rows.push_back({"GetAgent", "Y  Y  Y  Y  .  Y  Y  Y  Y",
                  Rpc(r, &RS::GetAgent, Empty<rv1::GetAgentRequest>())});
  rows.push_back({"ListAgents", "Y  Y  Y  Y  .  Y  Y  Y  Y",
                  Rpc(r, &RS::ListAgents, Empty<rv1::ListAgentsRequest>())});
  rows.push_back({"SetAgentAvailability", ".  Y  Y  .  .  .  .  Y  .",
                  Rpc(r, &RS::SetAgentAvailability,
                      Empty<rv1::SetAgentAvailabilityRequest>())});
  rows.push_back({"GetTicketRouting", "Y  Y  Y  Y  .  Y  Y  Y  Y",
                  Rpc(r, &RS::GetTicketRouting,
                      Empty<rv1::GetTicketRoutingRequest>())});
  rows.push_back({"ListQueue", "Y  Y  Y  Y  .  Y  Y  Y  Y",
                  Rpc(r, &RS::ListQueue, Empty<rv1::ListQueueRequest>())});
  rows.push_back({"StartClock", ".  .  Y  .  .  Y  .  Y  Y",
                  Rpc(s, &SS::StartClock, Empty<rv1::StartClockRequest>())});
  rows.push_back({"UpdateClock", ".  .  Y  .  .  Y  .  Y  Y",
                  Rpc(s, &SS::UpdateClock, Empty<rv1::UpdateClockRequest>())});
  rows.push_back({"GetTicketClocks", "Y  Y  Y  Y  .  Y  Y  Y  Y",
                  Rpc(s, &SS::GetTicketClocks,
                      Empty<rv1::GetTicketClocksRequest>())});
  rows.push_back({"ListPolicies (SLA)", "Y  Y  Y  Y  .  Y  Y  Y  Y",
                  Rpc(s, &SS::ListPolicies, Empty<rv1::ListPoliciesRequest>())});
  cs::testing::ExpectAuthzMatrix(rows, TokenOf);
}

TEST_F(SuiteAuthzTest, KnowledgeBaseMatrix) {
  KS* k = kb_.get();
  std::vector<AuthzRow> rows;
  // kb_editor does everything; service drafts (complaint cases) and uses;
  // team leads and supervisors also curate; every role reads and uses.
  //                          ag tl su qa ke co di ad se
  rows.push_back({"CreateCategory", ".  .  .  .  Y  .  .  .  Y",
                  Rpc(k, &KS::CreateCategory, Empty<kbv1::CreateCategoryRequest>())});
  rows.push_back({"ListCategories", "Y  Y  Y  Y  Y  Y  Y  Y  Y",
                  Rpc(k, &KS::ListCategories, Empty<kbv1::ListCategoriesRequest>())});
  rows.push_back({"RenameCategory", ".  .  .  .  Y  .  .  .  .",
                  Rpc(k, &KS::RenameCategory, Empty<kbv1::RenameCategoryRequest>())});
  rows.push_back({"DeleteCategory", ".  .  .  .  Y  .  .  .  .",
                  Rpc(k, &KS::DeleteCategory, Empty<kbv1::DeleteCategoryRequest>())});
  rows.push_back({"CreateArticle", ".  .  .  .  Y  .  .  .  Y",
                  Rpc(k, &KS::CreateArticle, Empty<kbv1::CreateArticleRequest>())});
  rows.push_back({"UpdateArticle", ".  .  .  .  Y  .  .  .  .",
                  Rpc(k, &KS::UpdateArticle, Empty<kbv1::UpdateArticleRequest>())});
  rows.push_back({"GetArticle", "Y  Y  Y  Y  Y  Y  Y  Y  Y",
                  Rpc(k, &KS::GetArticle, Empty<kbv1::GetArticleRequest>())});
  rows.push_back({"ListArticles", "Y  Y  Y  Y  Y  Y  Y  Y  Y",
                  Rpc(k, &KS::ListArticles, Empty<kbv1::ListArticlesRequest>())});
  rows.push_back({"SubmitForReview", ".  .  .  .  Y  .  .  .  .",
                  Rpc(k, &KS::SubmitForReview, Empty<kbv1::SubmitForReviewRequest>())});
  rows.push_back({"ReviewArticle", ".  .  .  .  Y  .  .  .  .",
                  Rpc(k, &KS::ReviewArticle, Empty<kbv1::ReviewArticleRequest>())});
  rows.push_back({"ArchiveArticle", ".  .  .  .  Y  .  .  .  .",
                  Rpc(k, &KS::ArchiveArticle, Empty<kbv1::ArchiveArticleRequest>())});
  rows.push_back({"RestoreArticle", ".  .  .  .  Y  .  .  .  .",
                  Rpc(k, &KS::RestoreArticle, Empty<kbv1::RestoreArticleRequest>())});
  rows.push_back({"ConfirmArticleFresh", ".  .  .  .  Y  .  .  .  .",
                  Rpc(k, &KS::ConfirmArticleFresh,
                      Empty<kbv1::ConfirmArticleFreshRequest>())});
  rows.push_back({"ListVersions", "Y  Y  Y  Y  Y  Y  Y  Y  Y",
                  Rpc(k, &KS::ListVersions, Empty<kbv1::ListVersionsRequest>())});
  rows.push_back({"GetVersion", "Y  Y  Y  Y  Y  Y  Y  Y  Y",
                  Rpc(k, &KS::GetVersion, Empty<kbv1::GetVersionRequest>())});
  rows.push_back({"DiffVersions", "Y  Y  Y  Y  Y  Y  Y  Y  Y",
                  Rpc(k, &KS::DiffVersions, Empty<kbv1::DiffVersionsRequest>())});
  rows.push_back({"RollbackArticle", ".  .  .  .  Y  .  .  .  .",
                  Rpc(k, &KS::RollbackArticle, Empty<kbv1::RollbackArticleRequest>())});
  rows.push_back({"ListStaleArticles", ".  Y  Y  .  Y  .  .  .  .",
                  Rpc(k, &KS::ListStaleArticles,
                      Empty<kbv1::ListStaleArticlesRequest>())});
  rows.push_back({"Search", "Y  Y  Y  Y  Y  Y  Y  Y  Y",
                  Rpc(k, &KS::Search, Empty<kbv1::SearchRequest>())});
  rows.push_back({"Suggest", "Y  Y  Y  Y  Y  Y  Y  Y  Y",
                  Rpc(k, &KS::Suggest, Empty<kbv1::SuggestRequest>())});
  rows.push_back({"SubmitFeedback", "Y  Y  Y  Y  Y  Y  Y  Y  Y",
                  Rpc(k, &KS::SubmitFeedback, Empty<kbv1::SubmitFeedbackRequest>())});
  rows.push_back({"ShareToTicket", "Y  Y  Y  Y  Y  Y  Y  Y  Y",
                  Rpc(k, &KS::ShareToTicket, Empty<kbv1::ShareToTicketRequest>())});
  rows.push_back({"ReportMissingAnswer", "Y  Y  Y  Y  Y  Y  Y  Y  Y",
                  Rpc(k, &KS::ReportMissingAnswer,
                      Empty<kbv1::ReportMissingAnswerRequest>())});
  rows.push_back({"ListGaps", ".  Y  Y  .  Y  .  .  .  .",
                  Rpc(k, &KS::ListGaps, Empty<kbv1::ListGapsRequest>())});
  cs::testing::ExpectAuthzMatrix(rows, TokenOf);
}

TEST_F(SuiteAuthzTest, ComplaintMatrix) {
  CS* c = complaints_.get();
  std::atomic<int> filed{0};
  // A fresh complaint with ¥1,000 compensation waiting for approval (remedy
  // 0): above an officer's ¥500 limit, within a supervisor's.
  auto proposed = [&] {
    const std::string name = FileOk(absl::StrCat("authz-", ++filed)).name();
    Investigate(name);
    v1::ProposeSolutionRequest propose;
    propose.set_name(name);
    propose.set_solution("赔偿运费并致歉");
    v1::Remedy* remedy = propose.add_remedies();
    remedy->set_kind(v1::REMEDY_KIND_COMPENSATION);
    remedy->mutable_amount()->set_currency_code("CNY");
    remedy->mutable_amount()->set_minor_units(100000);
    EXPECT_TRUE(Call(complaints_.get(), &CS::ProposeSolution, officer_, propose)
                    .ok());
    return name;
  };
  std::vector<AuthzRow> rows;
  // Officers, supervisors, directors and admins act; channel services file,
  // get and list; qa reads statistics; approvals only within the role's
  // limit in complaint.conf.
  //                          ag tl su qa ke co di ad se
  rows.push_back({"File", ".  .  Y  .  .  Y  Y  Y  Y",
                  Rpc(c, &CS::File, Empty<v1::FileRequest>())});
  rows.push_back({"Get", ".  .  Y  .  .  Y  Y  Y  Y",
                  Rpc(c, &CS::Get, Empty<v1::GetRequest>())});
  rows.push_back({"List", ".  .  Y  .  .  Y  Y  Y  Y",
                  Rpc(c, &CS::List, Empty<v1::ListRequest>())});
  rows.push_back({"Acknowledge", ".  .  Y  .  .  Y  Y  Y  .",
                  Rpc(c, &CS::Acknowledge, Empty<v1::AcknowledgeRequest>())});
  rows.push_back({"StartInvestigation", ".  .  Y  .  .  Y  Y  Y  .",
                  Rpc(c, &CS::StartInvestigation,
                      Empty<v1::StartInvestigationRequest>())});
  rows.push_back({"ProposeSolution", ".  .  Y  .  .  Y  Y  Y  .",
                  Rpc(c, &CS::ProposeSolution, Empty<v1::ProposeSolutionRequest>())});
  rows.push_back({"RecordCustomerDecision", ".  .  Y  .  .  Y  Y  Y  .",
                  Rpc(c, &CS::RecordCustomerDecision,
                      Empty<v1::RecordCustomerDecisionRequest>())});
  rows.push_back({"ApproveRemedy (¥1,000)", ".  .  Y  .  .  .  Y  Y  .",
                  Rpc(c, &CS::ApproveRemedy, [&] {
                    v1::ApproveRemedyRequest r;
                    r.set_name(proposed());
                    r.set_remedy_index(0);
                    return r;
                  })});
  rows.push_back({"Resolve", ".  .  Y  .  .  Y  Y  Y  .",
                  Rpc(c, &CS::Resolve, Empty<v1::ResolveRequest>())});
  rows.push_back({"RecordRevisit", ".  .  Y  .  .  Y  Y  Y  .",
                  Rpc(c, &CS::RecordRevisit, Empty<v1::RecordRevisitRequest>())});
  rows.push_back({"Close", ".  .  Y  .  .  Y  Y  Y  .",
                  Rpc(c, &CS::Close, Empty<v1::CloseRequest>())});
  rows.push_back({"RecordRootCause", ".  .  Y  .  .  Y  Y  Y  .",
                  Rpc(c, &CS::RecordRootCause, Empty<v1::RecordRootCauseRequest>())});
  rows.push_back({"AddCorrectiveAction", ".  .  Y  .  .  Y  Y  Y  .",
                  Rpc(c, &CS::AddCorrectiveAction,
                      Empty<v1::AddCorrectiveActionRequest>())});
  rows.push_back({"CompleteCorrectiveAction", ".  .  Y  .  .  Y  Y  Y  .",
                  Rpc(c, &CS::CompleteCorrectiveAction,
                      Empty<v1::CompleteCorrectiveActionRequest>())});
  rows.push_back({"PublishToKnowledgeBase", ".  .  Y  .  .  Y  Y  Y  .",
                  Rpc(c, &CS::PublishToKnowledgeBase,
                      Empty<v1::PublishToKnowledgeBaseRequest>())});
  rows.push_back({"GetStatistics", ".  .  Y  Y  .  Y  Y  Y  .",
                  Rpc(c, &CS::GetStatistics, Empty<v1::GetStatisticsRequest>())});
  cs::testing::ExpectAuthzMatrix(rows, TokenOf);
}

TEST_F(SuiteAuthzTest, EscalationMatrix) {
  ES* e = escalation_.get();
  std::atomic<int> opened{0};
  // A fresh serious-complaint case: level 1 is role director (副总裁).
  auto open_case = [&] {
    ev1::RequestEscalationRequest r;
    r.set_subject(absl::StrCat("complaints/authz-", ++opened));
    r.set_severity("serious");
    r.set_reason("客户威胁向媒体曝光");
    r.set_department("物流部");
    auto opened_case = Call(e, &ES::RequestEscalation, channel_, r);
    EXPECT_TRUE(opened_case.ok()) << opened_case.status();
    return opened_case.value_or(ev1::EscalationCase()).name();
  };
  open_case();  // so that a director's notification exists to watch
  std::vector<AuthzRow> rows;
  // Staff read; services, complaint officers and admins request; only the
  // current level's people, its role or a higher rank act on a case.
  //                          ag tl su qa ke co di ad se
  rows.push_back({"RequestEscalation", ".  .  .  .  .  Y  .  Y  Y",
                  Rpc(e, &ES::RequestEscalation,
                      Empty<ev1::RequestEscalationRequest>())});
  rows.push_back({"GetCase", "Y  Y  Y  Y  .  Y  Y  Y  Y",
                  Rpc(e, &ES::GetCase, Empty<ev1::GetCaseRequest>())});
  rows.push_back({"ListCases", "Y  Y  Y  Y  .  Y  Y  Y  Y",
                  Rpc(e, &ES::ListCases, Empty<ev1::ListCasesRequest>())});
  rows.push_back({"Acknowledge (level: director)", ".  .  .  .  .  .  Y  Y  .",
                  Rpc(e, &ES::Acknowledge, [&] {
                    ev1::AcknowledgeRequest r;
                    r.set_name(open_case());
                    return r;
                  })});
  rows.push_back({"Resolve (level: director)", ".  .  .  .  .  .  Y  Y  .",
                  Rpc(e, &ES::Resolve, [&] {
                    ev1::ResolveRequest r;
                    r.set_name(open_case());
                    return r;
                  })});
  rows.push_back({"ListPolicies", "Y  Y  Y  Y  .  Y  Y  Y  Y",
                  Rpc(e, &ES::ListPolicies, Empty<ev1::ListPoliciesRequest>())});
  rows.push_back(
      {"WatchNotifications (role director)", ".  .  .  .  .  .  Y  Y  .",
       [e](const std::string& token) {
         grpc::ClientContext context;
         if (!token.empty()) {
           context.AddMetadata("authorization", "Bearer " + token);
         }
         context.set_deadline(std::chrono::system_clock::now() +
                              std::chrono::seconds(30));
         ev1::WatchNotificationsRequest r;
         r.set_role("director");
         auto reader = e->WatchNotifications(&context, r);
         ev1::Notification first;
         // Allowed: the replay delivers the director's notification.
         if (reader->Read(&first)) {
           context.TryCancel();
           reader->Finish();
           return absl::OkStatus();
         }
         return FromGrpcStatus(reader->Finish());
       }});
  cs::testing::ExpectAuthzMatrix(rows, TokenOf);
}

}  // namespace
}  // namespace cs::complaint::testing
