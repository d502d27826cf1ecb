// Editorial workflow, permissions, version numbers and resource names of the
// knowledge base. Pure functions; thread-safe.
//
//   DRAFT ──submit──▶ IN_REVIEW ──approve──▶ PUBLISHED ──archive──▶ ARCHIVED
//     ▲                  │ reject                 │ edit (working copy)  │
//     ├──────────────────┴────────────────────────┘                      │
//     └────────────────────────────── restore ───────────────────────────┘
//
// A published article being revised goes back to DRAFT for its working copy;
// its last published version stays searchable until it is archived. A
// restored article is a DRAFT whose old version stays withdrawn: it becomes
// searchable again only by a new publish (review approval or rollback), so
// an archived text never comes back without an editor's second look.
#ifndef CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_WORKFLOW_H_
#define CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_WORKFLOW_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cs/kb/v1/kb.pb.h"
#include "libs/auth/principal.h"
#include "services/knowledge_base/domain/search_index.h"

namespace cs::kb {

enum class Action {
  kEdit,    // update/submit/archive/rollback/confirm
  kDraft,   // create an article (as DRAFT) or a category
  kReview,  // approve or reject
  kCurate,  // list stale articles, gaps, drafts
  kRead,    // search, suggest, get published, versions
  kUse,     // share to ticket, feedback, report missing answer
};

// OK when `principal` may perform `action`; PERMISSION_DENIED (reason
// ROLE_REQUIRED) otherwise. kb_editor does everything; every other staff
// role and `service` may read and use; supervisors and team leads may also
// curate (see gaps and stale lists); `service` may also draft (the complaint
// service files closed cases as DRAFT articles — only a kb_editor can submit,
// review and publish them).
absl::Status CheckPermission(const auth::Principal& principal, Action action);

// True for roles that see working copies (kb_editor).
bool IsEditor(const auth::Principal& principal);

// OK when `from` may move to `to`; FAILED_PRECONDITION with ErrorInfo reason
// ILLEGAL_TRANSITION otherwise.
absl::Status CheckTransition(v1::ArticleState from, v1::ArticleState to);

// "1.3" for (1, 3).
std::string VersionLabel(int major, int minor);
// The version after (major, minor): (major+1, 0) when `major_bump`, else
// (major, minor+1); the first version is 1.0 (pass 0, 0).
std::pair<int, int> NextVersion(int major, int minor, bool major_bump);

// `id` in lower case when it is a ULID in either case (the knowledge base
// issues its ids in lower case; Crockford base32 reads both); otherwise as
// it is. The Parse…Name functions return ids in this form.
std::string KbId(absl::string_view id);

// "articles/{id}" → id. INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ParseArticleName(absl::string_view name,
                                             absl::string_view field);
// "articles/{id}/versions/{major}.{minor}".
struct VersionName {
  std::string article_id;
  int major = 0;
  int minor = 0;
};
absl::StatusOr<VersionName> ParseVersionName(absl::string_view name,
                                             absl::string_view field);
std::string ArticleName(absl::string_view id);
std::string VersionResourceName(absl::string_view id, int major, int minor);
// "categories/{id}" → id.
absl::StatusOr<std::string> ParseCategoryName(absl::string_view name,
                                              absl::string_view field);

// Checks an article's content: required title/body/category, lengths,
// valid UTF-8, no control characters, tag/channel limits. Fills defaults
// (language zh-CN, format PLAIN_TEXT), upper-cases channels and customer
// types (accepted in any case) and writes the category's id as KbId.
// INVALID_ARGUMENT naming the field under `prefix` (e.g. "content.title").
absl::Status ValidateContent(v1::ArticleContent& content,
                             absl::string_view prefix);

// The index query of a Search request (page size and token aside), its
// category filter as the canonical "categories/{id}" (ids in any case):
// INVALID_ARGUMENT naming the field ("query", "tags[1]", ...) when a field
// is malformed. limit and synonyms are left for the caller.
absl::StatusOr<SearchQuery> SearchQueryOf(const v1::SearchRequest& request);

// INVALID_ARGUMENT naming `field` when `text` is not valid UTF-8, empty
// (when `required`), longer than `max_chars` or holds control characters.
absl::Status ValidateText(absl::string_view text, absl::string_view field,
                          size_t max_chars, bool required,
                          bool allow_newlines = false);

}  // namespace cs::kb

#endif  // CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_WORKFLOW_H_
