// Application layer of the knowledge base: one method per RPC of
// cs.kb.v1.KnowledgeBaseService, no gRPC types. Checks roles, validates,
// applies the workflow, commits state + outbox event in one WriteSet and
// keeps the search index in step with published versions.
//
//   auto app = KbApp::Create(host.store(), host.outbox(), host.clock(),
//                            &replier, KbOptions{});
//   absl::StatusOr<v1::SearchResponse> r = (*app)->Search(principal, request);
//
// Errors: INVALID_ARGUMENT naming the field, NOT_FOUND naming the resource,
// FAILED_PRECONDITION (ILLEGAL_TRANSITION), ABORTED (ETAG_MISMATCH: a stale
// etag, as in the ticket service), PERMISSION_DENIED
// (ROLE_REQUIRED, SELF_REVIEW), ticket-service errors for ShareToTicket.
// Thread-safe: writes to one article are serialised by a lock stripe; searches
// run on an immutable index snapshot and never wait for writers.
#ifndef CS_SERVICES_KNOWLEDGE_BASE_SERVICE_KB_APP_H_
#define CS_SERVICES_KNOWLEDGE_BASE_SERVICE_KB_APP_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cs/kb/v1/kb.pb.h"
#include "libs/auth/principal.h"
#include "libs/common/clock.h"
#include "libs/common/lock_stripes.h"
#include "libs/events/outbox.h"
#include "libs/store/store.h"
#include "services/knowledge_base/clients/ticket_client.h"
#include "services/knowledge_base/domain/search_index.h"
#include "services/knowledge_base/domain/synonyms.h"
#include "services/knowledge_base/domain/token_cache.h"
#include "services/knowledge_base/store/kb_repository.h"

namespace cs::kb {

struct KbOptions {
  // Published articles must be re-checked within this (then they are stale).
  absl::Duration review_cadence = absl::Hours(24 * 7);
  // Weight of a title match relative to a body match in BM25.
  double title_boost = 2.0;
  // Length of search snippets, in characters.
  size_t snippet_chars = 120;
  // Articles whose segmented title and body are kept for highlighting
  // (about 10 KB each for a 300-character body).
  size_t highlight_cache_articles = 2048;
  // Search and article suggestions expand queries with these (empty: none).
  SynonymTable synonyms;
};

class KbApp {
 public:
  // Opens the repository and rebuilds the search index from the published
  // versions in the store. `replier` may be null (ShareToTicket then answers
  // UNAVAILABLE) and must outlive the app, as must the other arguments.
  static absl::StatusOr<std::unique_ptr<KbApp>> Create(Store& store,
                                                       Outbox& outbox,
                                                       const Clock& clock,
                                                       TicketReplier* replier,
                                                       KbOptions options);

  using P = auth::Principal;
  absl::StatusOr<v1::Category> CreateCategory(
      const P& p, const v1::CreateCategoryRequest& r);
  absl::StatusOr<v1::ListCategoriesResponse> ListCategories(
      const P& p, const v1::ListCategoriesRequest& r);
  absl::StatusOr<v1::Category> RenameCategory(
      const P& p, const v1::RenameCategoryRequest& r);
  absl::StatusOr<v1::DeleteCategoryResponse> DeleteCategory(
      const P& p, const v1::DeleteCategoryRequest& r);
  absl::StatusOr<v1::Article> CreateArticle(const P& p,
                                            const v1::CreateArticleRequest& r);
  absl::StatusOr<v1::Article> UpdateArticle(const P& p,
                                            const v1::UpdateArticleRequest& r);
  absl::StatusOr<v1::Article> GetArticle(const P& p,
                                         const v1::GetArticleRequest& r);
  absl::StatusOr<v1::ListArticlesResponse> ListArticles(
      const P& p, const v1::ListArticlesRequest& r);
  absl::StatusOr<v1::Article> SubmitForReview(
      const P& p, const v1::SubmitForReviewRequest& r);
  absl::StatusOr<v1::Article> ReviewArticle(const P& p,
                                            const v1::ReviewArticleRequest& r);
  absl::StatusOr<v1::Article> ArchiveArticle(
      const P& p, const v1::ArchiveArticleRequest& r);
  absl::StatusOr<v1::Article> RestoreArticle(
      const P& p, const v1::RestoreArticleRequest& r);
  absl::StatusOr<v1::Article> ConfirmArticleFresh(
      const P& p, const v1::ConfirmArticleFreshRequest& r);
  absl::StatusOr<v1::ListVersionsResponse> ListVersions(
      const P& p, const v1::ListVersionsRequest& r);
  absl::StatusOr<v1::ArticleVersion> GetVersion(const P& p,
                                                const v1::GetVersionRequest& r);
  absl::StatusOr<v1::DiffVersionsResponse> DiffVersions(
      const P& p, const v1::DiffVersionsRequest& r);
  absl::StatusOr<v1::Article> RollbackArticle(
      const P& p, const v1::RollbackArticleRequest& r);
  absl::StatusOr<v1::ListStaleArticlesResponse> ListStaleArticles(
      const P& p, const v1::ListStaleArticlesRequest& r);
  absl::StatusOr<v1::SearchResponse> Search(const P& p,
                                            const v1::SearchRequest& r);
  absl::StatusOr<v1::SuggestResponse> Suggest(const P& p,
                                              const v1::SuggestRequest& r);
  absl::StatusOr<v1::ArticleFeedback> SubmitFeedback(
      const P& p, const v1::SubmitFeedbackRequest& r);
  // Posts the article to the ticket as `p`, with `caller_token` (p's own
  // bearer token): whether p may reply to that ticket is the ticket
  // service's decision, and p is the reply's author.
  absl::StatusOr<v1::ShareToTicketResponse> ShareToTicket(
      const P& p, const v1::ShareToTicketRequest& r,
      absl::string_view caller_token);
  absl::StatusOr<v1::Gap> ReportMissingAnswer(
      const P& p, const v1::ReportMissingAnswerRequest& r);
  absl::StatusOr<v1::ListGapsResponse> ListGaps(const P& p,
                                                const v1::ListGapsRequest& r);

  const SearchIndex& index() const { return index_; }

 private:
  KbApp(Store& store, Outbox& outbox, const Clock& clock,
        TicketReplier* replier, KbOptions options,
        std::unique_ptr<KbRepository> repo);

  absl::Status RebuildIndex();
  // Validates a category display name (required, ≤40, no '/') and that no
  // sibling under `parent` other than `self` has it; caller holds
  // category_mu_.
  absl::Status CheckCategoryName(const std::string& parent,
                                 const std::string& display_name,
                                 const std::string& self) const;
  // Re-reads the display paths of indexed documents under `category`.
  void RefreshIndexedPaths(const std::string& category);
  absl::StatusOr<std::shared_ptr<const IndexedDoc>> DocFor(
      const v1::ArticleRecord& record, const v1::ArticleVersion& version) const;
  // The category's ancestry (self first) and display path.
  absl::Status CategoryAncestry(const std::string& category,
                                std::vector<std::string>* ancestry,
                                std::vector<std::string>* path) const;
  // Published view of an article for non-editors; NOT_FOUND when hidden.
  absl::StatusOr<v1::ArticleVersion> LiveVersion(
      const v1::ArticleRecord& record) const;
  v1::Article EditorView(const v1::ArticleRecord& record) const;
  absl::StatusOr<v1::Article> View(const P& p,
                                   const v1::ArticleRecord& record) const;
  // Publishes `content` as the next version of `record` (caller holds the
  // article's stripe) and commits; updates the index. The working copy
  // becomes `content` and the article PUBLISHED, unless
  // `keep_working_copy` (a rollback while a revision is pending: the
  // revision and its state stay as they are).
  absl::StatusOr<v1::Article> Publish(v1::ArticleRecord record,
                                      const v1::ArticleContent& content,
                                      bool major, const std::string& author,
                                      const std::string& approver,
                                      const std::string& note,
                                      const std::string& rolled_back_from,
                                      bool keep_working_copy = false);
  void Touch(v1::ArticleRecord& record);
  absl::Status RecordGap(const std::string& normalized, bool report,
                         const std::string& ticket, const std::string& comment,
                         v1::Gap* out, WriteSet& writes);
  std::vector<v1::SearchHit> Hits(const SearchResult& result, size_t begin,
                                  size_t end) const;

  Store& store_;
  Outbox& outbox_;
  const Clock& clock_;
  TicketReplier* const replier_;
  const KbOptions options_;
  std::unique_ptr<KbRepository> repo_;
  SearchIndex index_;
  mutable TokenCache highlight_tokens_;
  LockStripes article_locks_;
  LockStripes gap_locks_;
  absl::Mutex category_mu_;
};

}  // namespace cs::kb

#endif  // CS_SERVICES_KNOWLEDGE_BASE_SERVICE_KB_APP_H_
