#include "services/knowledge_base/service/kb_app.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "cs/kb/v1/events.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/common/errors.h"
#include "libs/common/ids.h"
#include "libs/common/page_token.h"
#include "libs/common/pii_text.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "libs/common/utf8.h"
#include "libs/store/idempotency.h"
#include "services/knowledge_base/domain/render.h"
#include "services/knowledge_base/domain/tokenizer.h"
#include "services/knowledge_base/domain/workflow.h"

namespace cs::kb {
namespace {

constexpr char kCreateScope[] = "kb.create_article";
constexpr size_t kMaxScannedPerPage = 2000;
constexpr size_t kMaxGapsScanned = 20000;
constexpr size_t kMaxReplyChars = 10000;
constexpr double kSuggestScoreFraction = 0.3;

// The fingerprint a SearchPerformed event carries: of the query as masked
// (MaskPiiText), so that a search for a phone number cannot be recovered
// from the event log by hashing every possible number (the fingerprint is
// unkeyed); equal queries still share one.
uint64_t SearchFingerprint(absl::string_view normalized) {
  return QueryFingerprint(MaskPiiText(normalized));
}

bool IsLive(const v1::ArticleRecord& record) {
  return !record.article().published_version().empty() &&
         !record.withdrawn() &&
         record.article().state() != v1::ARTICLE_STATE_ARCHIVED;
}

std::string IdOf(const v1::ArticleRecord& record) {
  absl::string_view name = record.article().name();
  absl::ConsumePrefix(&name, "articles/");
  return std::string(name);
}

absl::Status CheckEtag(const v1::ArticleRecord& record,
                       const std::string& etag) {
  if (etag.empty() || etag == record.article().etag()) return absl::OkStatus();
  // ABORTED, as in the ticket service: the caller should read again and
  // redo its change (gRPC's rule for a failed test-and-set).
  return WithErrorInfo(
      absl::AbortedError(absl::StrCat("etag mismatch: article is at ",
                                      record.article().etag(),
                                      "; read it again and retry")),
      "ETAG_MISMATCH", {{"current_etag", record.article().etag()}});
}

template <typename T>
void KeepLast(google::protobuf::RepeatedPtrField<T>* field, const T& value,
              int max) {
  *field->Add() = value;
  while (field->size() > max) field->erase(field->begin());
}

}  // namespace

KbApp::KbApp(Store& store, Outbox& outbox, const Clock& clock,
             TicketReplier* replier, KbOptions options,
             std::unique_ptr<KbRepository> repo)
    : store_(store),
      outbox_(outbox),
      clock_(clock),
      replier_(replier),
      options_(options),
      repo_(std::move(repo)),
      index_(options.title_boost),
      // A title and a body per article.
      highlight_tokens_(2 * options.highlight_cache_articles) {}

absl::StatusOr<std::unique_ptr<KbApp>> KbApp::Create(Store& store,
                                                     Outbox& outbox,
                                                     const Clock& clock,
                                                     TicketReplier* replier,
                                                     KbOptions options) {
  if (options.review_cadence <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("review cadence must be positive");
  }
  if (options.title_boost <= 0) {
    return absl::InvalidArgumentError("title boost must be positive");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<KbRepository> repo,
                   KbRepository::Open(store));
  std::unique_ptr<KbApp> app(
      new KbApp(store, outbox, clock, replier, options, std::move(repo)));
  RETURN_IF_ERROR(app->RebuildIndex());
  return app;
}

absl::Status KbApp::RebuildIndex() {
  std::vector<std::shared_ptr<const IndexedDoc>> docs;
  absl::Status inner;
  RETURN_IF_ERROR(
      repo_->ScanArticles("", 0, [&](const v1::ArticleRecord& record) {
        if (!IsLive(record)) return true;
        absl::StatusOr<v1::ArticleVersion> version = LiveVersion(record);
        if (!version.ok()) {
          inner = version.status();
          return false;
        }
        absl::StatusOr<std::shared_ptr<const IndexedDoc>> doc =
            DocFor(record, *version);
        if (!doc.ok()) {
          inner = doc.status();
          return false;
        }
        docs.push_back(*std::move(doc));
        return true;
      }));
  RETURN_IF_ERROR(inner);
  index_.Reset(std::move(docs));
  return absl::OkStatus();
}

absl::Status KbApp::CategoryAncestry(const std::string& category,
                                     std::vector<std::string>* ancestry,
                                     std::vector<std::string>* path) const {
  ASSIGN_OR_RETURN(std::string id, ParseCategoryName(category, "category"));
  ASSIGN_OR_RETURN(v1::Category c, repo_->GetCategory(id));
  path->assign(c.path().begin(), c.path().end());
  ancestry->push_back(c.name());
  for (int depth = 0; !c.parent().empty() && depth < 32; ++depth) {
    std::string name = c.parent();
    ancestry->push_back(name);
    ASSIGN_OR_RETURN(std::string pid, ParseCategoryName(name, "parent"));
    ASSIGN_OR_RETURN(c, repo_->GetCategory(pid));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const IndexedDoc>> KbApp::DocFor(
    const v1::ArticleRecord& record, const v1::ArticleVersion& version) const {
  IndexedDoc doc;
  doc.article = record.article().name();
  doc.version = VersionLabel(version.major(), version.minor());
  doc.title = version.content().title();
  doc.plain_body =
      PlainBody(version.content().body(), version.content().format());
  doc.category = version.content().category();
  absl::Status s = CategoryAncestry(doc.category, &doc.category_ancestry,
                                    &doc.category_path);
  if (!s.ok() && !absl::IsNotFound(s)) return s;
  doc.tags.assign(version.content().tags().begin(),
                  version.content().tags().end());
  doc.language = version.content().language();
  doc.channels.assign(version.content().channels().begin(),
                      version.content().channels().end());
  doc.customer_types.assign(version.content().customer_types().begin(),
                            version.content().customer_types().end());
  return MakeIndexedDoc(std::move(doc));
}

absl::StatusOr<v1::ArticleVersion> KbApp::LiveVersion(
    const v1::ArticleRecord& record) const {
  if (!IsLive(record)) {
    return absl::NotFoundError(
        absl::StrCat(record.article().name(), " not found"));
  }
  return repo_->GetVersion(IdOf(record), record.latest_major(),
                           record.latest_minor());
}

v1::Article KbApp::EditorView(const v1::ArticleRecord& record) const {
  v1::Article article = record.article();
  // The stored path is a copy; categories may have been renamed since.
  std::vector<std::string> ancestry, path;
  if (CategoryAncestry(article.content().category(), &ancestry, &path).ok()) {
    article.clear_category_path();
    for (const std::string& s : path) article.add_category_path(s);
  }
  return article;
}

absl::StatusOr<v1::Article> KbApp::View(const P& p,
                                        const v1::ArticleRecord& record) const {
  if (IsEditor(p)) return EditorView(record);
  ASSIGN_OR_RETURN(v1::ArticleVersion version, LiveVersion(record));
  v1::Article article = record.article();
  *article.mutable_content() = version.content();
  article.set_state(v1::ARTICLE_STATE_PUBLISHED);
  article.clear_submitted_by();
  article.clear_review_comment();
  article.clear_reviewed_by();
  std::vector<std::string> ancestry, path;
  if (CategoryAncestry(version.content().category(), &ancestry, &path).ok()) {
    article.clear_category_path();
    for (const std::string& s : path) article.add_category_path(s);
  }
  return article;
}

void KbApp::Touch(v1::ArticleRecord& record) {
  record.set_revision(record.revision() + 1);
  *record.mutable_article()->mutable_update_time() = ToProtoTime(clock_.Now());
  record.mutable_article()->set_etag(absl::StrCat("r", record.revision()));
}

// ---- categories -----------------------------------------------------------

absl::StatusOr<v1::Category> KbApp::CreateCategory(
    const P& p, const v1::CreateCategoryRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kDraft));
  absl::MutexLock lock(&category_mu_);
  v1::Category category;
  if (!r.parent().empty()) {
    ASSIGN_OR_RETURN(std::string pid, ParseCategoryName(r.parent(), "parent"));
    ASSIGN_OR_RETURN(v1::Category parent, repo_->GetCategory(pid));
    if (parent.path_size() >= 5) {
      return InvalidField("parent", "categories nest at most 5 levels");
    }
    *category.mutable_path() = parent.path();
    category.set_parent(parent.name());
  }
  RETURN_IF_ERROR(CheckCategoryName(category.parent(), r.display_name(), ""));
  const absl::Time now = clock_.Now();
  std::string id = absl::AsciiStrToLower(NewUlid(now));
  category.set_name(absl::StrCat("categories/", id));
  category.set_display_name(r.display_name());
  category.add_path(r.display_name());
  *category.mutable_create_time() = ToProtoTime(now);
  WriteSet writes;
  repo_->PutCategory(writes, id, category);
  RETURN_IF_ERROR(store_.Commit(writes));
  return category;
}

absl::StatusOr<v1::ListCategoriesResponse> KbApp::ListCategories(
    const P& p, const v1::ListCategoriesRequest&) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kRead));
  ASSIGN_OR_RETURN(std::vector<v1::Category> all, repo_->ListCategories());
  std::sort(all.begin(), all.end(),
            [](const v1::Category& a, const v1::Category& b) {
              return absl::StrJoin(a.path(), "\x1f") <
                     absl::StrJoin(b.path(), "\x1f");
            });
  v1::ListCategoriesResponse response;
  for (v1::Category& c : all) *response.add_categories() = std::move(c);
  return response;
}

absl::Status KbApp::CheckCategoryName(const std::string& parent,
                                      const std::string& display_name,
                                      const std::string& self) const {
  RETURN_IF_ERROR(ValidateText(display_name, "display_name", 40, true));
  if (absl::StrContains(display_name, "/") ||
      absl::StripAsciiWhitespace(display_name).empty()) {
    return InvalidField("display_name", "must not be blank or contain '/'");
  }
  ASSIGN_OR_RETURN(std::vector<v1::Category> all, repo_->ListCategories());
  for (const v1::Category& c : all) {
    if (c.parent() == parent && c.display_name() == display_name &&
        c.name() != self) {
      return WithErrorInfo(
          absl::AlreadyExistsError(absl::StrCat(
              "category ", display_name, " already exists as ", c.name())),
          "CATEGORY_EXISTS", {{"name", c.name()}});
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Category> KbApp::RenameCategory(
    const P& p, const v1::RenameCategoryRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kEdit));
  ASSIGN_OR_RETURN(std::string id, ParseCategoryName(r.name(), "name"));
  absl::MutexLock lock(&category_mu_);
  ASSIGN_OR_RETURN(v1::Category category, repo_->GetCategory(id));
  RETURN_IF_ERROR(
      CheckCategoryName(category.parent(), r.display_name(), category.name()));
  const int depth = category.path_size() - 1;
  ASSIGN_OR_RETURN(std::vector<v1::Category> all, repo_->ListCategories());
  std::map<std::string, v1::Category> by_name;
  for (v1::Category& c : all) by_name[c.name()] = std::move(c);
  WriteSet writes;
  // Every category whose ancestry holds this one carries its display name
  // at the same depth of its path.
  for (auto& [name, c] : by_name) {
    std::string at = name;
    for (int hops = 0; !at.empty() && at != category.name() && hops < 32;
         ++hops) {
      auto it = by_name.find(at);
      at = it == by_name.end() ? "" : it->second.parent();
    }
    if (at != category.name() || c.path_size() <= depth) continue;
    c.set_path(depth, r.display_name());
    if (name == category.name()) c.set_display_name(r.display_name());
    ASSIGN_OR_RETURN(std::string cid, ParseCategoryName(name, "name"));
    repo_->PutCategory(writes, cid, c);
  }
  RETURN_IF_ERROR(store_.Commit(writes));
  RefreshIndexedPaths(category.name());
  return by_name[category.name()];
}

void KbApp::RefreshIndexedPaths(const std::string& category) {
  std::vector<std::shared_ptr<const IndexedDoc>> changed;
  for (const auto& [name, doc] : index_.Snapshot()->docs()) {
    const auto& a = doc->category_ancestry;
    if (std::find(a.begin(), a.end(), category) == a.end()) continue;
    IndexedDoc copy = *doc;
    std::vector<std::string> ancestry;
    copy.category_path.clear();
    if (!CategoryAncestry(copy.category, &ancestry, &copy.category_path)
             .ok()) {
      continue;
    }
    changed.push_back(std::make_shared<const IndexedDoc>(std::move(copy)));
  }
  index_.UpsertAll(std::move(changed));
}

absl::StatusOr<v1::DeleteCategoryResponse> KbApp::DeleteCategory(
    const P& p, const v1::DeleteCategoryRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kEdit));
  ASSIGN_OR_RETURN(std::string id, ParseCategoryName(r.name(), "name"));
  absl::MutexLock lock(&category_mu_);
  ASSIGN_OR_RETURN(v1::Category category, repo_->GetCategory(id));
  auto not_empty = [&](const std::string& why) {
    return WithErrorInfo(
        absl::FailedPreconditionError(
            absl::StrCat("category ", category.name(), " is not empty: ", why)),
        "CATEGORY_NOT_EMPTY", {{"name", category.name()}});
  };
  ASSIGN_OR_RETURN(std::vector<v1::Category> all, repo_->ListCategories());
  for (const v1::Category& c : all) {
    if (c.parent() == category.name()) {
      return not_empty(absl::StrCat("subcategory ", c.name()));
    }
  }
  // Published versions (in the index) and working copies of every state.
  for (const auto& [name, doc] : index_.Snapshot()->docs()) {
    if (doc->category == category.name()) {
      return not_empty(absl::StrCat("published article ", name));
    }
  }
  std::string user;
  RETURN_IF_ERROR(
      repo_->ScanArticles("", 0, [&](const v1::ArticleRecord& record) {
        if (record.article().content().category() != category.name()) {
          return true;
        }
        user = record.article().name();
        return false;
      }));
  if (!user.empty()) return not_empty(absl::StrCat("article ", user));
  WriteSet writes;
  repo_->DeleteCategory(writes, id);
  RETURN_IF_ERROR(store_.Commit(writes));
  return v1::DeleteCategoryResponse();
}

// ---- authoring ------------------------------------------------------------

absl::StatusOr<v1::Article> KbApp::CreateArticle(
    const P& p, const v1::CreateArticleRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kDraft));
  v1::ArticleContent content = r.content();
  RETURN_IF_ERROR(ValidateContent(content, "content."));
  RETURN_IF_ERROR(ValidateText(r.request_id(), "request_id", 100, false));
  std::vector<std::string> ancestry, path;
  absl::Status category =
      CategoryAncestry(content.category(), &ancestry, &path);
  if (absl::IsNotFound(category)) {
    return InvalidField("content.category", category.message());
  }
  RETURN_IF_ERROR(category);
  absl::Mutex& stripe = article_locks_.For(r.request_id());
  absl::MutexLock lock(&stripe);
  const std::string fingerprint = RequestFingerprint(r);
  if (!r.request_id().empty()) {
    ASSIGN_OR_RETURN(std::optional<std::string> previous,
                     FindIdempotentResult(store_, kCreateScope, r.request_id(),
                                          fingerprint));
    if (previous.has_value()) {
      ASSIGN_OR_RETURN(v1::ArticleRecord record, repo_->GetArticle(*previous));
      return EditorView(record);
    }
  }
  const absl::Time now = clock_.Now();
  std::string id = absl::AsciiStrToLower(NewUlid(now));
  v1::ArticleRecord record;
  v1::Article& article = *record.mutable_article();
  article.set_name(ArticleName(id));
  article.set_state(v1::ARTICLE_STATE_DRAFT);
  *article.mutable_content() = content;
  for (const std::string& s : path) article.add_category_path(s);
  article.set_owner(p.subject);
  *article.mutable_create_time() = ToProtoTime(now);
  Touch(record);
  WriteSet writes;
  repo_->PutArticle(writes, record);
  if (!r.request_id().empty()) {
    RecordIdempotentResult(store_, writes, kCreateScope, r.request_id(), id,
                           fingerprint);
  }
  RETURN_IF_ERROR(store_.Commit(writes));
  return EditorView(record);
}

absl::StatusOr<v1::Article> KbApp::UpdateArticle(
    const P& p, const v1::UpdateArticleRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kEdit));
  ASSIGN_OR_RETURN(std::string id, ParseArticleName(r.name(), "name"));
  static const std::set<std::string> kPaths = {
      "title", "body",     "format",         "category",
      "tags",  "channels", "customer_types", "language"};
  std::set<std::string> paths;
  for (const std::string& path : r.update_mask().paths()) {
    std::string bare = path;
    if (absl::StartsWith(bare, "content.")) bare = bare.substr(8);
    if (kPaths.count(bare) == 0) {
      return InvalidField("update_mask", absl::StrCat("unknown path ", path));
    }
    paths.insert(bare);
  }
  if (paths.empty()) paths = kPaths;
  absl::MutexLock lock(&article_locks_.For(id));
  ASSIGN_OR_RETURN(v1::ArticleRecord record, repo_->GetArticle(id));
  RETURN_IF_ERROR(CheckEtag(record, r.etag()));
  v1::ArticleState state = record.article().state();
  if (state != v1::ARTICLE_STATE_DRAFT &&
      state != v1::ARTICLE_STATE_PUBLISHED) {
    return WithErrorInfo(absl::FailedPreconditionError(absl::StrCat(
                             "article is ", v1::ArticleState_Name(state),
                             "; only DRAFT and PUBLISHED articles are edited")),
                         "ILLEGAL_TRANSITION");
  }
  v1::ArticleContent content = record.article().content();
  const v1::ArticleContent& in = r.content();
  if (paths.count("title")) content.set_title(in.title());
  if (paths.count("body")) content.set_body(in.body());
  if (paths.count("format")) content.set_format(in.format());
  if (paths.count("category")) content.set_category(in.category());
  if (paths.count("tags")) *content.mutable_tags() = in.tags();
  if (paths.count("channels")) *content.mutable_channels() = in.channels();
  if (paths.count("customer_types")) {
    *content.mutable_customer_types() = in.customer_types();
  }
  if (paths.count("language")) content.set_language(in.language());
  RETURN_IF_ERROR(ValidateContent(content, "content."));
  std::vector<std::string> ancestry, path;
  absl::Status category =
      CategoryAncestry(content.category(), &ancestry, &path);
  if (absl::IsNotFound(category)) {
    return InvalidField("content.category", category.message());
  }
  RETURN_IF_ERROR(category);
  v1::Article& article = *record.mutable_article();
  *article.mutable_content() = content;
  article.clear_category_path();
  for (const std::string& s : path) article.add_category_path(s);
  article.set_state(v1::ARTICLE_STATE_DRAFT);
  Touch(record);
  WriteSet writes;
  repo_->PutArticle(writes, record);
  RETURN_IF_ERROR(store_.Commit(writes));
  return EditorView(record);
}

absl::StatusOr<v1::Article> KbApp::GetArticle(const P& p,
                                              const v1::GetArticleRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kRead));
  ASSIGN_OR_RETURN(std::string id, ParseArticleName(r.name(), "name"));
  if (IsEditor(p)) {
    ASSIGN_OR_RETURN(v1::ArticleRecord record, repo_->GetArticle(id));
    return EditorView(record);
  }
  absl::MutexLock lock(&article_locks_.For(id));
  ASSIGN_OR_RETURN(v1::ArticleRecord record, repo_->GetArticle(id));
  ASSIGN_OR_RETURN(v1::Article view, View(p, record));
  record.mutable_article()->set_view_count(record.article().view_count() + 1);
  WriteSet writes;
  repo_->PutArticle(writes, record);
  RETURN_IF_ERROR(store_.Commit(writes));
  view.set_view_count(record.article().view_count());
  return view;
}

absl::StatusOr<v1::ListArticlesResponse> KbApp::ListArticles(
    const P& p, const v1::ListArticlesRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kRead));
  const bool editor = IsEditor(p);
  if (!editor && r.state() != v1::ARTICLE_STATE_UNSPECIFIED &&
      r.state() != v1::ARTICLE_STATE_PUBLISHED) {
    return WithErrorInfo(absl::PermissionDeniedError(
                             "only kb_editor lists unpublished articles"),
                         "ROLE_REQUIRED");
  }
  if (!v1::ArticleState_IsValid(r.state())) {
    return InvalidField("state", "unknown state");
  }
  const uint64_t fingerprint =
      QueryFingerprint(absl::StrCat("kb.articles|", r.state(), "|", editor));
  ASSIGN_OR_RETURN(std::string after,
                   DecodePageToken(r.page_token(), fingerprint));
  ASSIGN_OR_RETURN(const int32_t page_size, CheckedPageSize(r.page_size()));
  const size_t page = static_cast<size_t>(page_size);
  v1::ListArticlesResponse response;
  std::string last;
  size_t scanned = 0;
  bool more = false;
  absl::Status inner;
  RETURN_IF_ERROR(
      repo_->ScanArticles(after, 0, [&](const v1::ArticleRecord& record) {
        if (static_cast<size_t>(response.articles_size()) >= page ||
            scanned >= kMaxScannedPerPage) {
          more = true;
          return false;
        }
        ++scanned;
        last = IdOf(record);
        if (editor) {
          if (r.state() == v1::ARTICLE_STATE_UNSPECIFIED ||
              record.article().state() == r.state()) {
            *response.add_articles() = EditorView(record);
          }
          return true;
        }
        if (!IsLive(record)) return true;
        absl::StatusOr<v1::Article> view = View(p, record);
        if (!view.ok()) {
          inner = view.status();
          return false;
        }
        *response.add_articles() = *std::move(view);
        return true;
      }));
  RETURN_IF_ERROR(inner);
  if (more) response.set_next_page_token(EncodePageToken(last, fingerprint));
  return response;
}

// ---- workflow -------------------------------------------------------------

absl::StatusOr<v1::Article> KbApp::SubmitForReview(
    const P& p, const v1::SubmitForReviewRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kEdit));
  ASSIGN_OR_RETURN(std::string id, ParseArticleName(r.name(), "name"));
  RETURN_IF_ERROR(
      ValidateText(r.change_note(), "change_note", 1000, false, true));
  absl::MutexLock lock(&article_locks_.For(id));
  ASSIGN_OR_RETURN(v1::ArticleRecord record, repo_->GetArticle(id));
  RETURN_IF_ERROR(
      CheckTransition(record.article().state(), v1::ARTICLE_STATE_IN_REVIEW));
  record.mutable_article()->set_state(v1::ARTICLE_STATE_IN_REVIEW);
  record.mutable_article()->set_submitted_by(p.subject);
  record.set_pending_change_note(r.change_note());
  Touch(record);
  WriteSet writes;
  repo_->PutArticle(writes, record);
  RETURN_IF_ERROR(store_.Commit(writes));
  return EditorView(record);
}

absl::StatusOr<v1::Article> KbApp::Publish(
    v1::ArticleRecord record, const v1::ArticleContent& content, bool major,
    const std::string& author, const std::string& approver,
    const std::string& note, const std::string& rolled_back_from,
    bool keep_working_copy) {
  const std::string id = IdOf(record);
  const absl::Time now = clock_.Now();
  auto [next_major, next_minor] =
      NextVersion(record.latest_major(), record.latest_minor(), major);
  v1::ArticleVersion version;
  version.set_name(VersionResourceName(id, next_major, next_minor));
  version.set_major(next_major);
  version.set_minor(next_minor);
  *version.mutable_content() = content;
  *version.mutable_publish_time() = ToProtoTime(now);
  version.set_author(author);
  version.set_approver(approver);
  version.set_change_note(note);
  version.set_rolled_back_from(rolled_back_from);
  record.set_latest_major(next_major);
  record.set_latest_minor(next_minor);
  record.set_withdrawn(false);
  v1::Article& article = *record.mutable_article();
  if (!keep_working_copy) {
    record.clear_pending_change_note();
    article.set_state(v1::ARTICLE_STATE_PUBLISHED);
    *article.mutable_content() = content;
  }
  article.set_published_version(VersionLabel(next_major, next_minor));
  *article.mutable_publish_time() = ToProtoTime(now);
  *article.mutable_review_by() = ToProtoTime(now + options_.review_cadence);
  Touch(record);
  ASSIGN_OR_RETURN(std::shared_ptr<const IndexedDoc> doc,
                   DocFor(record, version));
  v1::ArticlePublished event;
  event.set_article(article.name());
  event.set_version(article.published_version());
  event.set_category(content.category());
  event.set_language(content.language());
  event.set_rollback(!rolled_back_from.empty());
  *event.mutable_publish_time() = ToProtoTime(now);
  WriteSet writes;
  repo_->PutVersion(writes, id, version);
  repo_->PutArticle(writes, record);
  outbox_.Append(writes, article.name(), event);
  RETURN_IF_ERROR(store_.Commit(writes));
  index_.Upsert(std::move(doc));
  return EditorView(record);
}

absl::StatusOr<v1::Article> KbApp::ReviewArticle(
    const P& p, const v1::ReviewArticleRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kReview));
  ASSIGN_OR_RETURN(std::string id, ParseArticleName(r.name(), "name"));
  RETURN_IF_ERROR(
      ValidateText(r.comment(), "comment", 2000, !r.approve(), true));
  absl::MutexLock lock(&article_locks_.For(id));
  ASSIGN_OR_RETURN(v1::ArticleRecord record, repo_->GetArticle(id));
  const v1::ArticleState target =
      r.approve() ? v1::ARTICLE_STATE_PUBLISHED : v1::ARTICLE_STATE_DRAFT;
  if (record.article().state() != v1::ARTICLE_STATE_IN_REVIEW) {
    return WithErrorInfo(
        absl::FailedPreconditionError(absl::StrCat(
            "article is ", v1::ArticleState_Name(record.article().state()),
            "; only IN_REVIEW articles are reviewed")),
        "ILLEGAL_TRANSITION");
  }
  record.mutable_article()->set_review_comment(r.comment());
  record.mutable_article()->set_reviewed_by(p.subject);
  if (!r.approve()) {
    record.mutable_article()->set_state(target);
    Touch(record);
    WriteSet writes;
    repo_->PutArticle(writes, record);
    RETURN_IF_ERROR(store_.Commit(writes));
    return EditorView(record);
  }
  if (record.article().submitted_by() == p.subject) {
    return WithErrorInfo(absl::PermissionDeniedError(
                             "an editor cannot approve their own submission"),
                         "SELF_REVIEW");
  }
  const std::string author = record.article().submitted_by();
  const std::string note = record.pending_change_note();
  v1::ArticleContent content = record.article().content();
  return Publish(std::move(record), content, r.major_version(), author,
                 p.subject, note, "");
}

absl::StatusOr<v1::Article> KbApp::ArchiveArticle(
    const P& p, const v1::ArchiveArticleRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kEdit));
  ASSIGN_OR_RETURN(std::string id, ParseArticleName(r.name(), "name"));
  RETURN_IF_ERROR(ValidateText(r.reason(), "reason", 1000, false, true));
  absl::MutexLock lock(&article_locks_.For(id));
  ASSIGN_OR_RETURN(v1::ArticleRecord record, repo_->GetArticle(id));
  RETURN_IF_ERROR(
      CheckTransition(record.article().state(), v1::ARTICLE_STATE_ARCHIVED));
  const absl::Time now = clock_.Now();
  record.mutable_article()->set_state(v1::ARTICLE_STATE_ARCHIVED);
  record.mutable_article()->set_review_comment(r.reason());
  record.set_withdrawn(true);
  Touch(record);
  v1::ArticleArchived event;
  event.set_article(record.article().name());
  event.set_last_version(record.article().published_version());
  *event.mutable_archive_time() = ToProtoTime(now);
  WriteSet writes;
  repo_->PutArticle(writes, record);
  outbox_.Append(writes, record.article().name(), event);
  RETURN_IF_ERROR(store_.Commit(writes));
  index_.Remove(record.article().name());
  return EditorView(record);
}

absl::StatusOr<v1::Article> KbApp::RestoreArticle(
    const P& p, const v1::RestoreArticleRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kEdit));
  ASSIGN_OR_RETURN(std::string id, ParseArticleName(r.name(), "name"));
  absl::MutexLock lock(&article_locks_.For(id));
  ASSIGN_OR_RETURN(v1::ArticleRecord record, repo_->GetArticle(id));
  RETURN_IF_ERROR(
      CheckTransition(record.article().state(), v1::ARTICLE_STATE_DRAFT));
  if (record.article().state() != v1::ARTICLE_STATE_ARCHIVED) {
    return WithErrorInfo(
        absl::FailedPreconditionError(absl::StrCat(
            "article is ", v1::ArticleState_Name(record.article().state()),
            "; only ARCHIVED articles are restored")),
        "ILLEGAL_TRANSITION");
  }
  // The working copy may name a category deleted while it was archived.
  std::vector<std::string> ancestry, path;
  absl::Status category = CategoryAncestry(
      record.article().content().category(), &ancestry, &path);
  if (absl::IsNotFound(category)) {
    return WithErrorInfo(
        absl::FailedPreconditionError(absl::StrCat(
            "the article's category no longer exists: ", category.message())),
        "CATEGORY_DELETED");
  }
  RETURN_IF_ERROR(category);
  record.mutable_article()->set_state(v1::ARTICLE_STATE_DRAFT);
  record.set_withdrawn(true);
  Touch(record);
  WriteSet writes;
  repo_->PutArticle(writes, record);
  RETURN_IF_ERROR(store_.Commit(writes));
  return EditorView(record);
}

absl::StatusOr<v1::Article> KbApp::ConfirmArticleFresh(
    const P& p, const v1::ConfirmArticleFreshRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kEdit));
  ASSIGN_OR_RETURN(std::string id, ParseArticleName(r.name(), "name"));
  absl::MutexLock lock(&article_locks_.For(id));
  ASSIGN_OR_RETURN(v1::ArticleRecord record, repo_->GetArticle(id));
  if (!IsLive(record)) {
    return WithErrorInfo(absl::FailedPreconditionError(
                             "only published articles have a review date"),
                         "ILLEGAL_TRANSITION");
  }
  *record.mutable_article()->mutable_review_by() =
      ToProtoTime(clock_.Now() + options_.review_cadence);
  Touch(record);
  WriteSet writes;
  repo_->PutArticle(writes, record);
  RETURN_IF_ERROR(store_.Commit(writes));
  return EditorView(record);
}

// ---- versions -------------------------------------------------------------

absl::StatusOr<v1::ListVersionsResponse> KbApp::ListVersions(
    const P& p, const v1::ListVersionsRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kRead));
  ASSIGN_OR_RETURN(std::string id, ParseArticleName(r.name(), "name"));
  ASSIGN_OR_RETURN(v1::ArticleRecord record, repo_->GetArticle(id));
  if (!IsEditor(p) && !IsLive(record)) {
    return absl::NotFoundError(absl::StrCat(r.name(), " not found"));
  }
  ASSIGN_OR_RETURN(std::vector<v1::ArticleVersion> versions,
                   repo_->ListVersions(id));
  v1::ListVersionsResponse response;
  for (v1::ArticleVersion& v : versions)
    *response.add_versions() = std::move(v);
  return response;
}

absl::StatusOr<v1::ArticleVersion> KbApp::GetVersion(
    const P& p, const v1::GetVersionRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kRead));
  ASSIGN_OR_RETURN(VersionName v, ParseVersionName(r.name(), "name"));
  ASSIGN_OR_RETURN(v1::ArticleRecord record, repo_->GetArticle(v.article_id));
  if (!IsEditor(p) && !IsLive(record)) {
    return absl::NotFoundError(absl::StrCat(r.name(), " not found"));
  }
  return repo_->GetVersion(v.article_id, v.major, v.minor);
}

absl::StatusOr<v1::DiffVersionsResponse> KbApp::DiffVersions(
    const P& p, const v1::DiffVersionsRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kRead));
  ASSIGN_OR_RETURN(VersionName from,
                   ParseVersionName(r.from_version(), "from_version"));
  ASSIGN_OR_RETURN(VersionName to,
                   ParseVersionName(r.to_version(), "to_version"));
  if (from.article_id != to.article_id) {
    return InvalidField("to_version", "must be a version of the same article");
  }
  ASSIGN_OR_RETURN(v1::ArticleRecord record,
                   repo_->GetArticle(from.article_id));
  if (!IsEditor(p) && !IsLive(record)) {
    return absl::NotFoundError(
        absl::StrCat(record.article().name(), " not found"));
  }
  ASSIGN_OR_RETURN(v1::ArticleVersion a,
                   repo_->GetVersion(from.article_id, from.major, from.minor));
  ASSIGN_OR_RETURN(v1::ArticleVersion b,
                   repo_->GetVersion(to.article_id, to.major, to.minor));
  v1::DiffVersionsResponse response;
  for (v1::DiffLine& line :
       LineDiff(DiffableText(a.content()), DiffableText(b.content()))) {
    if (line.op() == v1::DiffLine::OP_INSERT) {
      response.set_inserted(response.inserted() + 1);
    }
    if (line.op() == v1::DiffLine::OP_DELETE) {
      response.set_deleted(response.deleted() + 1);
    }
    *response.add_lines() = std::move(line);
  }
  return response;
}

absl::StatusOr<v1::Article> KbApp::RollbackArticle(
    const P& p, const v1::RollbackArticleRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kEdit));
  ASSIGN_OR_RETURN(std::string id, ParseArticleName(r.name(), "name"));
  ASSIGN_OR_RETURN(VersionName v, ParseVersionName(r.version(), "version"));
  if (v.article_id != id) {
    return InvalidField("version", "must be a version of the article");
  }
  absl::MutexLock lock(&article_locks_.For(id));
  ASSIGN_OR_RETURN(v1::ArticleRecord record, repo_->GetArticle(id));
  RETURN_IF_ERROR(
      CheckTransition(record.article().state(), v1::ARTICLE_STATE_PUBLISHED));
  ASSIGN_OR_RETURN(v1::ArticleVersion old,
                   repo_->GetVersion(id, v.major, v.minor));
  if (v.major == record.latest_major() && v.minor == record.latest_minor() &&
      !record.withdrawn()) {
    return WithErrorInfo(
        absl::FailedPreconditionError(
            absl::StrCat("version ", VersionLabel(v.major, v.minor),
                         " is already the live version; nothing to roll back")),
        "ALREADY_LIVE");
  }
  ASSIGN_OR_RETURN(
      v1::ArticleVersion live,
      repo_->GetVersion(id, record.latest_major(), record.latest_minor()));
  // Rolling back to content that is live already (a version an earlier
  // rollback restored) would only publish a copy of it.
  if (!record.withdrawn() && google::protobuf::util::MessageDifferencer::Equals(
                                 old.content(), live.content())) {
    return WithErrorInfo(
        absl::FailedPreconditionError(absl::StrCat(
            "version ", VersionLabel(v.major, v.minor),
            "'s content is already live as version ",
            VersionLabel(record.latest_major(), record.latest_minor()),
            "; nothing to roll back")),
        "ALREADY_LIVE");
  }
  std::vector<std::string> ancestry, path;
  absl::Status category =
      CategoryAncestry(old.content().category(), &ancestry, &path);
  if (absl::IsNotFound(category)) {
    return WithErrorInfo(
        absl::FailedPreconditionError(absl::StrCat(
            "the version's category no longer exists: ", category.message())),
        "CATEGORY_DELETED");
  }
  RETURN_IF_ERROR(category);
  // A revision in progress (a draft that differs from what is live, or one
  // in review) is not the rollback's to throw away: it stays the working
  // copy, in its state, while the old content goes live.
  const v1::ArticleState state = record.article().state();
  const bool revision_pending =
      state == v1::ARTICLE_STATE_IN_REVIEW ||
      (state == v1::ARTICLE_STATE_DRAFT &&
       !google::protobuf::util::MessageDifferencer::Equals(
           record.article().content(), live.content()));
  if (!revision_pending) {
    record.mutable_article()->clear_category_path();
    for (const std::string& s : path) {
      record.mutable_article()->add_category_path(s);
    }
  }
  return Publish(std::move(record), old.content(), false, p.subject, p.subject,
                 absl::StrCat("rollback to ", VersionLabel(v.major, v.minor)),
                 old.name(), revision_pending);
}

absl::StatusOr<v1::ListStaleArticlesResponse> KbApp::ListStaleArticles(
    const P& p, const v1::ListStaleArticlesRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kCurate));
  const uint64_t fingerprint = QueryFingerprint("kb.stale");
  ASSIGN_OR_RETURN(std::string after,
                   DecodePageToken(r.page_token(), fingerprint));
  ASSIGN_OR_RETURN(const int32_t page_size, CheckedPageSize(r.page_size()));
  const size_t page = static_cast<size_t>(page_size);
  const absl::Time now = clock_.Now();
  v1::ListStaleArticlesResponse response;
  std::string last;
  size_t scanned = 0;
  bool more = false;
  RETURN_IF_ERROR(
      repo_->ScanArticles(after, 0, [&](const v1::ArticleRecord& record) {
        if (static_cast<size_t>(response.articles_size()) >= page ||
            scanned >= kMaxScannedPerPage) {
          more = true;
          return false;
        }
        ++scanned;
        last = IdOf(record);
        if (IsLive(record) &&
            FromProtoTime(record.article().review_by()) < now) {
          *response.add_articles() = EditorView(record);
        }
        return true;
      }));
  if (more) response.set_next_page_token(EncodePageToken(last, fingerprint));
  return response;
}

// ---- search ---------------------------------------------------------------

std::vector<v1::SearchHit> KbApp::Hits(const SearchResult& result, size_t begin,
                                       size_t end) const {
  std::vector<v1::SearchHit> hits;
  for (size_t i = begin; i < end && i < result.hits.size(); ++i) {
    const IndexedDoc& doc = *result.hits[i].doc;
    v1::SearchHit hit;
    hit.set_article(doc.article);
    hit.set_version(doc.version);
    hit.set_title(doc.title);
    const std::string key = absl::StrCat(doc.article, "@", doc.version);
    const auto title_tokens = highlight_tokens_.Get(key + "#title", doc.title);
    const auto body_tokens =
        highlight_tokens_.Get(key + "#body", doc.plain_body);
    // Whether a one-character term may be marked on its own is decided for
    // the hit: a longer match in the title keeps 重 unmarked in the body.
    const std::vector<std::string>& terms = result.hits[i].terms;
    hit.set_highlighted_title(Highlight(doc.title, *title_tokens, terms, 200,
                                        HasLongerMatch(*body_tokens, terms)));
    hit.set_snippet(Highlight(doc.plain_body, *body_tokens, terms,
                              options_.snippet_chars,
                              HasLongerMatch(*title_tokens, terms)));
    hit.set_score(result.hits[i].score);
    for (const std::string& s : doc.category_path) hit.add_category_path(s);
    for (const std::string& s : doc.tags) hit.add_tags(s);
    hits.push_back(std::move(hit));
  }
  return hits;
}

absl::Status KbApp::RecordGap(const std::string& normalized, bool report,
                              const std::string& ticket,
                              const std::string& comment, v1::Gap* out,
                              WriteSet& writes) {
  ASSIGN_OR_RETURN(std::optional<v1::Gap> existing, repo_->GetGap(normalized));
  v1::Gap gap = existing.value_or(v1::Gap());
  gap.set_query(normalized);
  if (report) {
    gap.set_report_count(gap.report_count() + 1);
    if (!ticket.empty()) KeepLast(gap.mutable_tickets(), ticket, 10);
    if (!comment.empty()) KeepLast(gap.mutable_comments(), comment, 10);
  } else {
    gap.set_search_count(gap.search_count() + 1);
  }
  *gap.mutable_last_seen() = ToProtoTime(clock_.Now());
  repo_->PutGap(writes, gap);
  if (out != nullptr) *out = std::move(gap);
  return absl::OkStatus();
}

absl::StatusOr<v1::SearchResponse> KbApp::Search(const P& p,
                                                 const v1::SearchRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kRead));
  ASSIGN_OR_RETURN(SearchQuery query, SearchQueryOf(r));
  const std::string normalized =
      std::string(absl::StripAsciiWhitespace(NormalizeToString(r.query())));
  // Blank (also full-width blank) is no query, as "" is not.
  if (normalized.empty()) return InvalidField("query", "required");
  const uint64_t fingerprint = QueryFingerprint(
      absl::StrCat("kb.search|", normalized, "|", r.category(), "|",
                   absl::StrJoin(r.tags(), "\x1f"), "|", r.language(), "|",
                   r.channel(), "|", r.customer_type()));
  ASSIGN_OR_RETURN(std::string after,
                   DecodePageToken(r.page_token(), fingerprint));
  size_t offset = 0;
  if (!after.empty() && !absl::SimpleAtoi(after, &offset)) {
    return InvalidField("page_token", "malformed");
  }
  ASSIGN_OR_RETURN(const int32_t page_size,
                   CheckedPageSize(r.page_size() == 0 ? 20 : r.page_size()));
  const size_t page = static_cast<size_t>(std::min<int32_t>(page_size, 50));
  query.synonyms = &options_.synonyms;
  query.limit = offset + page;
  SearchResult result = index_.Snapshot()->Search(query);
  v1::SearchResponse response;
  response.set_total_hits(static_cast<int32_t>(result.total));
  for (v1::SearchHit& hit : Hits(result, offset, offset + page)) {
    *response.add_hits() = std::move(hit);
  }
  if (offset + page < result.total) {
    response.set_next_page_token(
        EncodePageToken(absl::StrCat(offset + page), fingerprint));
  }
  if (offset > 0) return response;  // pages after the first are not logged
  v1::SearchPerformed event;
  event.set_query_fingerprint(SearchFingerprint(normalized));
  event.set_term_count(static_cast<int32_t>(result.terms.size()));
  event.set_total_hits(response.total_hits());
  event.set_filtered(!r.category().empty() || r.tags_size() > 0 ||
                     !r.language().empty() || !r.channel().empty() ||
                     !r.customer_type().empty());
  *event.mutable_time() = ToProtoTime(clock_.Now());
  WriteSet writes;
  if (result.total == 0 && !normalized.empty()) {
    const std::string gap_query = MaskPiiText(normalized);
    absl::MutexLock lock(&gap_locks_.For(gap_query));
    RETURN_IF_ERROR(RecordGap(gap_query, false, "", "", nullptr, writes));
    outbox_.Append(writes, "search", event);
    RETURN_IF_ERROR(store_.Commit(writes));
    return response;
  }
  outbox_.Append(writes, "search", event);
  RETURN_IF_ERROR(store_.Commit(writes));
  return response;
}

absl::StatusOr<v1::SuggestResponse> KbApp::Suggest(
    const P& p, const v1::SuggestRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kRead));
  RETURN_IF_ERROR(ValidateText(r.subject(), "subject", 200, false));
  RETURN_IF_ERROR(
      ValidateText(r.description(), "description", 5000, false, true));
  if (r.subject().empty() && r.description().empty()) {
    return InvalidField("subject", "subject or description required");
  }
  if (r.max_results() < 0) return InvalidField("max_results", "negative");
  const size_t max =
      r.max_results() == 0 ? 5 : std::min<size_t>(20, r.max_results());
  SearchQuery query;
  query.synonyms = &options_.synonyms;
  // The subject counts twice: it is the customer's own summary.
  query.text =
      absl::StrCat(r.subject(), "\n", r.subject(), "\n", r.description());
  // Any shared term qualifies, but only hits within a fraction of the best
  // score are suggested: a long description shares a word or two with
  // almost every article.
  query.min_match_fraction = 0;
  query.limit = max;
  SearchResult result = index_.Snapshot()->Search(query);
  if (!result.hits.empty()) {
    const double floor = result.hits.front().score * kSuggestScoreFraction;
    while (result.hits.back().score < floor) result.hits.pop_back();
  }
  v1::SuggestResponse response;
  for (v1::SearchHit& hit : Hits(result, 0, max)) {
    *response.add_hits() = std::move(hit);
  }
  v1::SearchPerformed event;
  event.set_query_fingerprint(
      SearchFingerprint(NormalizeToString(query.text)));
  event.set_term_count(static_cast<int32_t>(result.terms.size()));
  event.set_total_hits(static_cast<int32_t>(result.hits.size()));
  event.set_suggest(true);
  *event.mutable_time() = ToProtoTime(clock_.Now());
  WriteSet writes;
  outbox_.Append(writes, "suggest", event);
  RETURN_IF_ERROR(store_.Commit(writes));
  return response;
}

// ---- usage ----------------------------------------------------------------

absl::StatusOr<v1::ArticleFeedback> KbApp::SubmitFeedback(
    const P& p, const v1::SubmitFeedbackRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kUse));
  ASSIGN_OR_RETURN(std::string id, ParseArticleName(r.article(), "article"));
  RETURN_IF_ERROR(ValidateText(r.comment(), "comment", 1000, false, true));
  absl::MutexLock lock(&article_locks_.For(id));
  ASSIGN_OR_RETURN(v1::ArticleRecord record, repo_->GetArticle(id));
  if (!IsLive(record)) {
    return absl::NotFoundError(absl::StrCat(r.article(), " not found"));
  }
  const absl::Time now = clock_.Now();
  v1::ArticleFeedback feedback;
  feedback.set_article(record.article().name());
  feedback.set_version(record.article().published_version());
  feedback.set_helpful(r.helpful());
  feedback.set_comment(r.comment());
  feedback.set_author(p.subject);
  *feedback.mutable_create_time() = ToProtoTime(now);
  v1::Article& article = *record.mutable_article();
  if (r.helpful()) {
    article.set_helpful_count(article.helpful_count() + 1);
  } else {
    article.set_not_helpful_count(article.not_helpful_count() + 1);
  }
  v1::FeedbackGiven event;
  event.set_article(article.name());
  event.set_version(feedback.version());
  event.set_helpful(r.helpful());
  event.set_has_comment(!r.comment().empty());
  WriteSet writes;
  repo_->PutArticle(writes, record);
  repo_->PutFeedback(writes, id, absl::AsciiStrToLower(NewUlid(now)), feedback);
  outbox_.Append(writes, article.name(), event);
  RETURN_IF_ERROR(store_.Commit(writes));
  return feedback;
}

absl::StatusOr<v1::ShareToTicketResponse> KbApp::ShareToTicket(
    const P& p, const v1::ShareToTicketRequest& r,
    absl::string_view caller_token) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kUse));
  ASSIGN_OR_RETURN(std::string id, ParseArticleName(r.article(), "article"));
  absl::string_view ticket_id = r.ticket();
  if (r.ticket().empty()) return InvalidField("ticket", "required");
  if (!absl::ConsumePrefix(&ticket_id, "tickets/") || ticket_id.empty() ||
      ticket_id.size() > 64 || !IsValidUtf8(ticket_id) ||
      absl::StrContains(ticket_id, "/")) {
    return InvalidField("ticket", "must be tickets/{id}");
  }
  if (!v1::ShareVisibility_IsValid(r.visibility())) {
    return InvalidField("visibility", "unknown visibility");
  }
  ASSIGN_OR_RETURN(v1::ArticleRecord record, repo_->GetArticle(id));
  ASSIGN_OR_RETURN(v1::ArticleVersion version, LiveVersion(record));
  std::string text = CustomerText(version.content());
  if (CharLength(text) > kMaxReplyChars) {
    text = absl::StrCat(Utf8Prefix(text, kMaxReplyChars - 1), "…");
  }
  if (replier_ == nullptr) {
    return absl::UnavailableError("ticket service not configured");
  }
  ASSIGN_OR_RETURN(
      std::string reply_id,
      replier_->AddReply(r.ticket(), text,
                         r.visibility() == v1::SHARE_VISIBILITY_INTERNAL,
                         caller_token));
  const std::string label = VersionLabel(version.major(), version.minor());
  {
    absl::MutexLock lock(&article_locks_.For(id));
    ASSIGN_OR_RETURN(record, repo_->GetArticle(id));
    record.mutable_article()->set_share_count(record.article().share_count() +
                                              1);
    v1::ShareLink link;
    link.set_article(record.article().name());
    link.set_version(label);
    link.set_ticket(r.ticket());
    link.set_shared_by(p.subject);
    link.set_reply_id(reply_id);
    v1::ArticleShared event;
    event.set_article(link.article());
    event.set_version(label);
    event.set_ticket(r.ticket());
    WriteSet writes;
    repo_->PutArticle(writes, record);
    repo_->PutLink(writes, link, id);
    outbox_.Append(writes, link.article(), event);
    RETURN_IF_ERROR(store_.Commit(writes));
  }
  v1::ShareToTicketResponse response;
  response.set_rendered_text(text);
  response.set_version(label);
  response.set_reply_id(reply_id);
  return response;
}

absl::StatusOr<v1::Gap> KbApp::ReportMissingAnswer(
    const P& p, const v1::ReportMissingAnswerRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kUse));
  RETURN_IF_ERROR(ValidateText(r.query(), "query", 200, true));
  RETURN_IF_ERROR(ValidateText(r.ticket(), "ticket", 100, false));
  if (!r.ticket().empty() && !absl::StartsWith(r.ticket(), "tickets/")) {
    return InvalidField("ticket", "must be tickets/{id}");
  }
  RETURN_IF_ERROR(ValidateText(r.comment(), "comment", 1000, false, true));
  const std::string normalized =
      std::string(absl::StripAsciiWhitespace(NormalizeToString(r.query())));
  if (normalized.empty()) return InvalidField("query", "required");
  const std::string gap_query = MaskPiiText(normalized);
  absl::MutexLock lock(&gap_locks_.For(gap_query));
  v1::Gap gap;
  WriteSet writes;
  RETURN_IF_ERROR(RecordGap(gap_query, true, r.ticket(),
                            MaskPiiText(r.comment()), &gap, writes));
  RETURN_IF_ERROR(store_.Commit(writes));
  return gap;
}

absl::StatusOr<v1::ListGapsResponse> KbApp::ListGaps(
    const P& p, const v1::ListGapsRequest& r) {
  RETURN_IF_ERROR(CheckPermission(p, Action::kCurate));
  if (r.page_size() < 0) return InvalidField("page_size", "negative");
  const size_t page =
      r.page_size() == 0 ? 20 : std::min<size_t>(200, r.page_size());
  ASSIGN_OR_RETURN(std::vector<v1::Gap> gaps, repo_->ScanGaps(kMaxGapsScanned));
  std::sort(gaps.begin(), gaps.end(), [](const v1::Gap& a, const v1::Gap& b) {
    int64_t ca = a.search_count() + a.report_count();
    int64_t cb = b.search_count() + b.report_count();
    if (ca != cb) return ca > cb;
    return a.query() < b.query();
  });
  v1::ListGapsResponse response;
  for (size_t i = 0; i < gaps.size() && i < page; ++i) {
    *response.add_gaps() = std::move(gaps[i]);
  }
  return response;
}

}  // namespace cs::kb
