// gRPC glue of cs.kb.v1.KnowledgeBaseService: each handler authenticates
// the caller through the host and forwards to KbApp on the bounded executor
// (cs::ServeUnary). Every decision — validation, roles, workflow — is the
// app's; this file only moves messages.
//
//   KbGrpcService service(*host, *app);
//   host->RegisterService(&service);
//
// Both `host` and `app` must outlive the service. Thread-safe.
#ifndef CS_SERVICES_KNOWLEDGE_BASE_GRPC_KB_GRPC_SERVICE_H_
#define CS_SERVICES_KNOWLEDGE_BASE_GRPC_KB_GRPC_SERVICE_H_

#include "absl/status/statusor.h"
#include "cs/kb/v1/kb.grpc.pb.h"
#include "libs/auth/principal.h"
#include "libs/common/status_macros.h"
#include "libs/server/serve_app.h"
#include "libs/server/service_host.h"
#include "libs/server/unary.h"
#include "services/knowledge_base/service/kb_app.h"

namespace cs::kb {

class KbGrpcService final : public v1::KnowledgeBaseService::CallbackService {
 public:
  KbGrpcService(ServiceHost& host, KbApp& app) : host_(host), app_(app) {}

  using Context = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* CreateCategory(Context* ctx,
                          const v1::CreateCategoryRequest* request,
                          v1::Category* response) override;
  Reactor* ListCategories(Context* ctx,
                          const v1::ListCategoriesRequest* request,
                          v1::ListCategoriesResponse* response) override;
  Reactor* RenameCategory(Context* ctx,
                          const v1::RenameCategoryRequest* request,
                          v1::Category* response) override;
  Reactor* DeleteCategory(Context* ctx,
                          const v1::DeleteCategoryRequest* request,
                          v1::DeleteCategoryResponse* response) override;
  Reactor* RestoreArticle(Context* ctx,
                          const v1::RestoreArticleRequest* request,
                          v1::Article* response) override;
  Reactor* CreateArticle(Context* ctx, const v1::CreateArticleRequest* request,
                         v1::Article* response) override;
  Reactor* UpdateArticle(Context* ctx, const v1::UpdateArticleRequest* request,
                         v1::Article* response) override;
  Reactor* GetArticle(Context* ctx, const v1::GetArticleRequest* request,
                      v1::Article* response) override;
  Reactor* ListArticles(Context* ctx, const v1::ListArticlesRequest* request,
                        v1::ListArticlesResponse* response) override;
  Reactor* SubmitForReview(Context* ctx,
                           const v1::SubmitForReviewRequest* request,
                           v1::Article* response) override;
  Reactor* ReviewArticle(Context* ctx, const v1::ReviewArticleRequest* request,
                         v1::Article* response) override;
  Reactor* ArchiveArticle(Context* ctx,
                          const v1::ArchiveArticleRequest* request,
                          v1::Article* response) override;
  Reactor* ConfirmArticleFresh(Context* ctx,
                               const v1::ConfirmArticleFreshRequest* request,
                               v1::Article* response) override;
  Reactor* ListVersions(Context* ctx, const v1::ListVersionsRequest* request,
                        v1::ListVersionsResponse* response) override;
  Reactor* GetVersion(Context* ctx, const v1::GetVersionRequest* request,
                      v1::ArticleVersion* response) override;
  Reactor* DiffVersions(Context* ctx, const v1::DiffVersionsRequest* request,
                        v1::DiffVersionsResponse* response) override;
  Reactor* RollbackArticle(Context* ctx,
                           const v1::RollbackArticleRequest* request,
                           v1::Article* response) override;
  Reactor* ListStaleArticles(Context* ctx,
                             const v1::ListStaleArticlesRequest* request,
                             v1::ListStaleArticlesResponse* response) override;
  Reactor* Search(Context* ctx, const v1::SearchRequest* request,
                  v1::SearchResponse* response) override;
  Reactor* Suggest(Context* ctx, const v1::SuggestRequest* request,
                   v1::SuggestResponse* response) override;
  Reactor* SubmitFeedback(Context* ctx,
                          const v1::SubmitFeedbackRequest* request,
                          v1::ArticleFeedback* response) override;
  Reactor* ShareToTicket(Context* ctx, const v1::ShareToTicketRequest* request,
                         v1::ShareToTicketResponse* response) override;
  Reactor* ReportMissingAnswer(Context* ctx,
                               const v1::ReportMissingAnswerRequest* request,
                               v1::Gap* response) override;
  Reactor* ListGaps(Context* ctx, const v1::ListGapsRequest* request,
                    v1::ListGapsResponse* response) override;

 private:
  // The one handler shape: authenticate (any role; the app checks roles per
  // action), call `method` on the executor, finish with its status.
  template <typename Request, typename Response>
  Reactor* Serve(Context* ctx, const Request* request, Response* response,
                 absl::StatusOr<Response> (KbApp::*method)(
                     const auth::Principal&, const Request&)) {
    return ServeAppCall(host_, app_, ctx, request, response,
                        auth::RoleSet::All(), method);
  }

  ServiceHost& host_;
  KbApp& app_;
};

}  // namespace cs::kb

#endif  // CS_SERVICES_KNOWLEDGE_BASE_GRPC_KB_GRPC_SERVICE_H_
