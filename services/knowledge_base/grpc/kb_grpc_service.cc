#include "services/knowledge_base/grpc/kb_grpc_service.h"

#include "libs/auth/grpc_auth.h"

namespace cs::kb {

grpc::ServerUnaryReactor* KbGrpcService::CreateCategory(
    Context* ctx, const v1::CreateCategoryRequest* request,
    v1::Category* response) {
  return Serve(ctx, request, response, &KbApp::CreateCategory);
}

grpc::ServerUnaryReactor* KbGrpcService::ListCategories(
    Context* ctx, const v1::ListCategoriesRequest* request,
    v1::ListCategoriesResponse* response) {
  return Serve(ctx, request, response, &KbApp::ListCategories);
}

grpc::ServerUnaryReactor* KbGrpcService::RenameCategory(
    Context* ctx, const v1::RenameCategoryRequest* request,
    v1::Category* response) {
  return Serve(ctx, request, response, &KbApp::RenameCategory);
}

grpc::ServerUnaryReactor* KbGrpcService::DeleteCategory(
    Context* ctx, const v1::DeleteCategoryRequest* request,
    v1::DeleteCategoryResponse* response) {
  return Serve(ctx, request, response, &KbApp::DeleteCategory);
}

grpc::ServerUnaryReactor* KbGrpcService::RestoreArticle(
    Context* ctx, const v1::RestoreArticleRequest* request,
    v1::Article* response) {
  return Serve(ctx, request, response, &KbApp::RestoreArticle);
}

grpc::ServerUnaryReactor* KbGrpcService::CreateArticle(
    Context* ctx, const v1::CreateArticleRequest* request,
    v1::Article* response) {
  return Serve(ctx, request, response, &KbApp::CreateArticle);
}

grpc::ServerUnaryReactor* KbGrpcService::UpdateArticle(
    Context* ctx, const v1::UpdateArticleRequest* request,
    v1::Article* response) {
  return Serve(ctx, request, response, &KbApp::UpdateArticle);
}

grpc::ServerUnaryReactor* KbGrpcService::GetArticle(
    Context* ctx, const v1::GetArticleRequest* request, v1::Article* response) {
  return Serve(ctx, request, response, &KbApp::GetArticle);
}

grpc::ServerUnaryReactor* KbGrpcService::ListArticles(
    Context* ctx, const v1::ListArticlesRequest* request,
    v1::ListArticlesResponse* response) {
  return Serve(ctx, request, response, &KbApp::ListArticles);
}

grpc::ServerUnaryReactor* KbGrpcService::SubmitForReview(
    Context* ctx, const v1::SubmitForReviewRequest* request,
    v1::Article* response) {
  return Serve(ctx, request, response, &KbApp::SubmitForReview);
}

grpc::ServerUnaryReactor* KbGrpcService::ReviewArticle(
    Context* ctx, const v1::ReviewArticleRequest* request,
    v1::Article* response) {
  return Serve(ctx, request, response, &KbApp::ReviewArticle);
}

grpc::ServerUnaryReactor* KbGrpcService::ArchiveArticle(
    Context* ctx, const v1::ArchiveArticleRequest* request,
    v1::Article* response) {
  return Serve(ctx, request, response, &KbApp::ArchiveArticle);
}

grpc::ServerUnaryReactor* KbGrpcService::ConfirmArticleFresh(
    Context* ctx, const v1::ConfirmArticleFreshRequest* request,
    v1::Article* response) {
  return Serve(ctx, request, response, &KbApp::ConfirmArticleFresh);
}

grpc::ServerUnaryReactor* KbGrpcService::ListVersions(
    Context* ctx, const v1::ListVersionsRequest* request,
    v1::ListVersionsResponse* response) {
  return Serve(ctx, request, response, &KbApp::ListVersions);
}

grpc::ServerUnaryReactor* KbGrpcService::GetVersion(
    Context* ctx, const v1::GetVersionRequest* request,
    v1::ArticleVersion* response) {
  return Serve(ctx, request, response, &KbApp::GetVersion);
}

grpc::ServerUnaryReactor* KbGrpcService::DiffVersions(
    Context* ctx, const v1::DiffVersionsRequest* request,
    v1::DiffVersionsResponse* response) {
  return Serve(ctx, request, response, &KbApp::DiffVersions);
}

grpc::ServerUnaryReactor* KbGrpcService::RollbackArticle(
    Context* ctx, const v1::RollbackArticleRequest* request,
    v1::Article* response) {
  return Serve(ctx, request, response, &KbApp::RollbackArticle);
}

grpc::ServerUnaryReactor* KbGrpcService::ListStaleArticles(
    Context* ctx, const v1::ListStaleArticlesRequest* request,
    v1::ListStaleArticlesResponse* response) {
  return Serve(ctx, request, response, &KbApp::ListStaleArticles);
}

grpc::ServerUnaryReactor* KbGrpcService::Search(
    Context* ctx, const v1::SearchRequest* request,
    v1::SearchResponse* response) {
  return Serve(ctx, request, response, &KbApp::Search);
}

grpc::ServerUnaryReactor* KbGrpcService::Suggest(
    Context* ctx, const v1::SuggestRequest* request,
    v1::SuggestResponse* response) {
  return Serve(ctx, request, response, &KbApp::Suggest);
}

grpc::ServerUnaryReactor* KbGrpcService::SubmitFeedback(
    Context* ctx, const v1::SubmitFeedbackRequest* request,
    v1::ArticleFeedback* response) {
  return Serve(ctx, request, response, &KbApp::SubmitFeedback);
}

grpc::ServerUnaryReactor* KbGrpcService::ShareToTicket(
    Context* ctx, const v1::ShareToTicketRequest* request,
    v1::ShareToTicketResponse* response) {
  // The reply is posted with the caller's own token, so that the ticket
  // service decides whether they may reply to that ticket.
  return ServeUnary(ctx, host_.executor(), [=]() -> absl::Status {
    ASSIGN_OR_RETURN(auth::Principal principal,
                     host_.Authorize(*ctx, auth::RoleSet::All()));
    ASSIGN_OR_RETURN(absl::string_view token, auth::BearerTokenOf(*ctx));
    ASSIGN_OR_RETURN(*response, app_.ShareToTicket(principal, *request, token));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* KbGrpcService::ReportMissingAnswer(
    Context* ctx, const v1::ReportMissingAnswerRequest* request,
    v1::Gap* response) {
  return Serve(ctx, request, response, &KbApp::ReportMissingAnswer);
}

grpc::ServerUnaryReactor* KbGrpcService::ListGaps(
    Context* ctx, const v1::ListGapsRequest* request,
    v1::ListGapsResponse* response) {
  return Serve(ctx, request, response, &KbApp::ListGaps);
}

}  // namespace cs::kb
