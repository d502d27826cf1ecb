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
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/complaint/testing/complaint_test_env.h"
#include "tests/authz/authz_matrix.h"

namespace cs::complaint::testing {
namespace {

using cs::testing::AuthzCall;
using cs::testing::Empty;
using cs::testing::Rpc;
using RS = rv1::RoutingService::Stub;
using SS = rv1::SlaService::Stub;
using KS = kbv1::KnowledgeBaseService::Stub;
using ES = ev1::EscalationService::Stub;

std::string TokenOf(Role role) {
  return cs::testing::RoleToken(role, "客服部");
}

class SuiteAuthzTest : public ComplaintServiceTest {};

TEST_F(SuiteAuthzTest, RoutingAndSlaMatrix) {
  auto routing = rv1::RoutingService::NewStub(
      cs::testing::LoopbackChannel(routing_host_->port()));
  RS* r = routing.get();
  SS* s = sla_.get();
  constexpr char kExpected[] = R"(
                                      ag tl su qa ke co di ad se
  RegisterAgent                       .  Y  Y  .  .  .  .  Y  .
  GetAgent                            Y  Y  Y  Y  .  Y  Y  Y  Y
  ListAgents                          Y  Y  Y  Y  .  Y  Y  Y  Y
  SetAgentAvailability                .  Y  Y  .  .  .  .  Y  .
  GetTicketRouting                    Y  Y  Y  Y  .  Y  Y  Y  Y
  ListQueue                           Y  Y  Y  Y  .  Y  Y  Y  Y
  StartClock                          .  .  .  .  .  .  .  Y  Y
  UpdateClock                         .  .  .  .  .  .  .  Y  Y
  GetTicketClocks                     Y  Y  Y  Y  .  Y  Y  Y  Y
  ListPolicies (SLA)                  Y  Y  Y  Y  .  Y  Y  Y  Y
)";
  std::map<std::string, AuthzCall> calls;
  calls["RegisterAgent"] =
      Rpc(r, &RS::RegisterAgent, Empty<rv1::RegisterAgentRequest>());
  calls["GetAgent"] = Rpc(r, &RS::GetAgent, Empty<rv1::GetAgentRequest>());
  calls["ListAgents"] =
      Rpc(r, &RS::ListAgents, Empty<rv1::ListAgentsRequest>());
  calls["SetAgentAvailability"] = Rpc(
      r, &RS::SetAgentAvailability, Empty<rv1::SetAgentAvailabilityRequest>());
  calls["GetTicketRouting"] =
      Rpc(r, &RS::GetTicketRouting, Empty<rv1::GetTicketRoutingRequest>());
  calls["ListQueue"] = Rpc(r, &RS::ListQueue, Empty<rv1::ListQueueRequest>());
  calls["StartClock"] =
      Rpc(s, &SS::StartClock, Empty<rv1::StartClockRequest>());
  calls["UpdateClock"] =
      Rpc(s, &SS::UpdateClock, Empty<rv1::UpdateClockRequest>());
  calls["GetTicketClocks"] =
      Rpc(s, &SS::GetTicketClocks, Empty<rv1::GetTicketClocksRequest>());
  calls["ListPolicies (SLA)"] =
      Rpc(s, &SS::ListPolicies, Empty<rv1::ListPoliciesRequest>());
  cs::testing::ExpectAuthzMatrix(kExpected, calls, TokenOf);
}

TEST_F(SuiteAuthzTest, KnowledgeBaseMatrix) {
  KS* k = kb_.get();
  // kb_editor does everything; service drafts (complaint cases) and uses;
  // team leads and supervisors also curate; every role reads and uses.
  constexpr char kExpected[] = R"(
                                      ag tl su qa ke co di ad se
  CreateCategory                      .  .  .  .  Y  .  .  .  Y
  ListCategories                      Y  Y  Y  Y  Y  Y  Y  Y  Y
  RenameCategory                      .  .  .  .  Y  .  .  .  .
  DeleteCategory                      .  .  .  .  Y  .  .  .  .
  CreateArticle                       .  .  .  .  Y  .  .  .  Y
  UpdateArticle                       .  .  .  .  Y  .  .  .  .
  GetArticle                          Y  Y  Y  Y  Y  Y  Y  Y  Y
  ListArticles                        Y  Y  Y  Y  Y  Y  Y  Y  Y
  SubmitForReview                     .  .  .  .  Y  .  .  .  .
  ReviewArticle                       .  .  .  .  Y  .  .  .  .
  ArchiveArticle                      .  .  .  .  Y  .  .  .  .
  RestoreArticle                      .  .  .  .  Y  .  .  .  .
  ConfirmArticleFresh                 .  .  .  .  Y  .  .  .  .
  ListVersions                        Y  Y  Y  Y  Y  Y  Y  Y  Y
  GetVersion                          Y  Y  Y  Y  Y  Y  Y  Y  Y
  DiffVersions                        Y  Y  Y  Y  Y  Y  Y  Y  Y
  RollbackArticle                     .  .  .  .  Y  .  .  .  .
  ListStaleArticles                   .  Y  Y  .  Y  .  .  .  .
  Search                              Y  Y  Y  Y  Y  Y  Y  Y  Y
  Suggest                             Y  Y  Y  Y  Y  Y  Y  Y  Y
  SubmitFeedback                      Y  Y  Y  Y  Y  Y  Y  Y  Y
  ShareToTicket                       Y  Y  Y  Y  Y  Y  Y  Y  Y
  ReportMissingAnswer                 Y  Y  Y  Y  Y  Y  Y  Y  Y
  ListGaps                            .  Y  Y  .  Y  .  .  .  .
)";
  std::map<std::string, AuthzCall> calls;
  calls["CreateCategory"] =
      Rpc(k, &KS::CreateCategory, Empty<kbv1::CreateCategoryRequest>());
  calls["ListCategories"] =
      Rpc(k, &KS::ListCategories, Empty<kbv1::ListCategoriesRequest>());
  calls["RenameCategory"] =
      Rpc(k, &KS::RenameCategory, Empty<kbv1::RenameCategoryRequest>());
  calls["DeleteCategory"] =
      Rpc(k, &KS::DeleteCategory, Empty<kbv1::DeleteCategoryRequest>());
  calls["CreateArticle"] =
      Rpc(k, &KS::CreateArticle, Empty<kbv1::CreateArticleRequest>());
  calls["UpdateArticle"] =
      Rpc(k, &KS::UpdateArticle, Empty<kbv1::UpdateArticleRequest>());
  calls["GetArticle"] =
      Rpc(k, &KS::GetArticle, Empty<kbv1::GetArticleRequest>());
  calls["ListArticles"] =
      Rpc(k, &KS::ListArticles, Empty<kbv1::ListArticlesRequest>());
  calls["SubmitForReview"] =
      Rpc(k, &KS::SubmitForReview, Empty<kbv1::SubmitForReviewRequest>());
  calls["ReviewArticle"] =
      Rpc(k, &KS::ReviewArticle, Empty<kbv1::ReviewArticleRequest>());
  calls["ArchiveArticle"] =
      Rpc(k, &KS::ArchiveArticle, Empty<kbv1::ArchiveArticleRequest>());
  calls["RestoreArticle"] =
      Rpc(k, &KS::RestoreArticle, Empty<kbv1::RestoreArticleRequest>());
  calls["ConfirmArticleFresh"] = Rpc(k, &KS::ConfirmArticleFresh,
                                     Empty<kbv1::ConfirmArticleFreshRequest>());
  calls["ListVersions"] =
      Rpc(k, &KS::ListVersions, Empty<kbv1::ListVersionsRequest>());
  calls["GetVersion"] =
      Rpc(k, &KS::GetVersion, Empty<kbv1::GetVersionRequest>());
  calls["DiffVersions"] =
      Rpc(k, &KS::DiffVersions, Empty<kbv1::DiffVersionsRequest>());
  calls["RollbackArticle"] =
      Rpc(k, &KS::RollbackArticle, Empty<kbv1::RollbackArticleRequest>());
  calls["ListStaleArticles"] =
      Rpc(k, &KS::ListStaleArticles, Empty<kbv1::ListStaleArticlesRequest>());
  calls["Search"] = Rpc(k, &KS::Search, Empty<kbv1::SearchRequest>());
  calls["Suggest"] = Rpc(k, &KS::Suggest, Empty<kbv1::SuggestRequest>());
  calls["SubmitFeedback"] =
      Rpc(k, &KS::SubmitFeedback, Empty<kbv1::SubmitFeedbackRequest>());
  calls["ShareToTicket"] =
      Rpc(k, &KS::ShareToTicket, Empty<kbv1::ShareToTicketRequest>());
  calls["ReportMissingAnswer"] = Rpc(k, &KS::ReportMissingAnswer,
                                     Empty<kbv1::ReportMissingAnswerRequest>());
  calls["ListGaps"] = Rpc(k, &KS::ListGaps, Empty<kbv1::ListGapsRequest>());
  cs::testing::ExpectAuthzMatrix(kExpected, calls, TokenOf);
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
    EXPECT_TRUE(
        Call(complaints_.get(), &CS::ProposeSolution, officer_, propose).ok());
    return name;
  };
  // Officers, supervisors, directors and admins act; channel services file,
  // get and list; qa reads statistics; approvals only within the role's
  // limit in complaint.conf; the audit trail is for supervisors, directors
  // and admins.
  constexpr char kExpected[] = R"(
                                      ag tl su qa ke co di ad se
  File                                .  .  Y  .  .  Y  Y  Y  Y
  Get                                 .  .  Y  .  .  Y  Y  Y  Y
  List                                .  .  Y  .  .  Y  Y  Y  Y
  Acknowledge                         .  .  Y  .  .  Y  Y  Y  .
  StartInvestigation                  .  .  Y  .  .  Y  Y  Y  .
  ProposeSolution                     .  .  Y  .  .  Y  Y  Y  .
  RecordCustomerDecision              .  .  Y  .  .  Y  Y  Y  .
  ApproveRemedy (¥1,000)              .  .  Y  .  .  .  Y  Y  .
  Resolve                             .  .  Y  .  .  Y  Y  Y  .
  RecordRevisit                       .  .  Y  .  .  Y  Y  Y  .
  Close                               .  .  Y  .  .  Y  Y  Y  .
  RecordRootCause                     .  .  Y  .  .  Y  Y  Y  .
  AddCorrectiveAction                 .  .  Y  .  .  Y  Y  Y  .
  CompleteCorrectiveAction            .  .  Y  .  .  Y  Y  Y  .
  PublishToKnowledgeBase              .  .  Y  .  .  Y  Y  Y  .
  GetStatistics                       .  .  Y  Y  .  Y  Y  Y  .
  ListAuditRecords                    .  .  Y  .  .  .  Y  Y  .
)";
  std::map<std::string, AuthzCall> calls;
  calls["File"] = Rpc(c, &CS::File, Empty<v1::FileRequest>());
  calls["Get"] = Rpc(c, &CS::Get, Empty<v1::GetRequest>());
  calls["List"] = Rpc(c, &CS::List, Empty<v1::ListRequest>());
  calls["Acknowledge"] =
      Rpc(c, &CS::Acknowledge, Empty<v1::AcknowledgeRequest>());
  calls["StartInvestigation"] =
      Rpc(c, &CS::StartInvestigation, Empty<v1::StartInvestigationRequest>());
  calls["ProposeSolution"] =
      Rpc(c, &CS::ProposeSolution, Empty<v1::ProposeSolutionRequest>());
  calls["RecordCustomerDecision"] =
      Rpc(c, &CS::RecordCustomerDecision,
          Empty<v1::RecordCustomerDecisionRequest>());
  calls["ApproveRemedy (¥1,000)"] = Rpc(c, &CS::ApproveRemedy, [&] {
    v1::ApproveRemedyRequest r;
    r.set_name(proposed());
    r.set_remedy_index(0);
    return r;
  });
  calls["Resolve"] = Rpc(c, &CS::Resolve, Empty<v1::ResolveRequest>());
  calls["RecordRevisit"] =
      Rpc(c, &CS::RecordRevisit, Empty<v1::RecordRevisitRequest>());
  calls["Close"] = Rpc(c, &CS::Close, Empty<v1::CloseRequest>());
  calls["RecordRootCause"] =
      Rpc(c, &CS::RecordRootCause, Empty<v1::RecordRootCauseRequest>());
  calls["AddCorrectiveAction"] =
      Rpc(c, &CS::AddCorrectiveAction, Empty<v1::AddCorrectiveActionRequest>());
  calls["CompleteCorrectiveAction"] =
      Rpc(c, &CS::CompleteCorrectiveAction,
          Empty<v1::CompleteCorrectiveActionRequest>());
  calls["PublishToKnowledgeBase"] =
      Rpc(c, &CS::PublishToKnowledgeBase,
          Empty<v1::PublishToKnowledgeBaseRequest>());
  calls["GetStatistics"] =
      Rpc(c, &CS::GetStatistics, Empty<v1::GetStatisticsRequest>());
  calls["ListAuditRecords"] = Rpc(c, &CS::ListAuditRecords,
                                  Empty<::cs::common::v1::ListAuditRecordsRequest>());
  cs::testing::ExpectAuthzMatrix(kExpected, calls, TokenOf);
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
  // Staff read; services, complaint officers and admins request; only the
  // current level's people, its role or a higher rank act on a case.
  constexpr char kExpected[] = R"(
                                      ag tl su qa ke co di ad se
  RequestEscalation                   .  .  .  .  .  Y  .  Y  Y
  GetCase                             Y  Y  Y  Y  .  Y  Y  Y  Y
  ListCases                           Y  Y  Y  Y  .  Y  Y  Y  Y
  Acknowledge (level: director)       .  .  .  .  .  .  Y  Y  .
  Resolve (level: director)           .  .  .  .  .  .  Y  Y  .
  ListPolicies                        Y  Y  Y  Y  .  Y  Y  Y  Y
  WatchNotifications (role director)  .  .  .  .  .  .  Y  Y  .
)";
  std::map<std::string, AuthzCall> calls;
  calls["RequestEscalation"] =
      Rpc(e, &ES::RequestEscalation, Empty<ev1::RequestEscalationRequest>());
  calls["GetCase"] = Rpc(e, &ES::GetCase, Empty<ev1::GetCaseRequest>());
  calls["ListCases"] = Rpc(e, &ES::ListCases, Empty<ev1::ListCasesRequest>());
  calls["Acknowledge (level: director)"] = Rpc(e, &ES::Acknowledge, [&] {
    ev1::AcknowledgeRequest r;
    r.set_name(open_case());
    return r;
  });
  calls["Resolve (level: director)"] = Rpc(e, &ES::Resolve, [&] {
    ev1::ResolveRequest r;
    r.set_name(open_case());
    return r;
  });
  calls["ListPolicies"] =
      Rpc(e, &ES::ListPolicies, Empty<ev1::ListPoliciesRequest>());
  calls["WatchNotifications (role director)"] = [e](const std::string& token) {
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
  };
  cs::testing::ExpectAuthzMatrix(kExpected, calls, TokenOf);
}

}  // namespace
}  // namespace cs::complaint::testing
