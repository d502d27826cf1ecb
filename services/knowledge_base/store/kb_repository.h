// Storage layout of the knowledge base on the suite's Store seam (never
// includes RocksDB). Column families and keys:
//
//   kb_articles    {id}                          → ArticleRecord
//   kb_versions    {id} '/' BE32 major BE32 minor → ArticleVersion (immutable)
//   kb_categories  {id}                          → Category
//   kb_feedback    {id} '/' {ulid}               → ArticleFeedback
//   kb_gaps        {normalised query}            → Gap
//   kb_links       {id} '/' {ticket name}        → ShareLink
//
// Reads return NOT_FOUND naming the resource; writes only add to a WriteSet
// that the caller commits together with its outbox event. Thread-safe (the
// Store is); read-modify-write sequences are serialised by the caller.
#ifndef CS_SERVICES_KNOWLEDGE_BASE_STORE_KB_REPOSITORY_H_
#define CS_SERVICES_KNOWLEDGE_BASE_STORE_KB_REPOSITORY_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cs/kb/v1/kb.pb.h"
#include "cs/kb/v1/storage.pb.h"
#include "libs/store/store.h"

namespace cs::kb {

inline constexpr char kArticlesFamily[] = "kb_articles";
inline constexpr char kVersionsFamily[] = "kb_versions";
inline constexpr char kCategoriesFamily[] = "kb_categories";
inline constexpr char kFeedbackFamily[] = "kb_feedback";
inline constexpr char kGapsFamily[] = "kb_gaps";
inline constexpr char kLinksFamily[] = "kb_links";

// Every column family the service needs (pass to ServiceHost::Create).
std::vector<std::string> KbColumnFamilies();

class KbRepository {
 public:
  // FAILED_PRECONDITION when a family is missing from `store`.
  static absl::StatusOr<std::unique_ptr<KbRepository>> Open(Store& store);

  Store& store() { return store_; }

  absl::StatusOr<v1::ArticleRecord> GetArticle(absl::string_view id) const;
  void PutArticle(WriteSet& writes, const v1::ArticleRecord& record);
  // Articles in id order after `after_id` ("" = from the start); `visit`
  // returns false to stop.
  absl::Status ScanArticles(
      absl::string_view after_id, size_t limit,
      const std::function<bool(const v1::ArticleRecord&)>& visit) const;

  absl::StatusOr<v1::ArticleVersion> GetVersion(absl::string_view id, int major,
                                                int minor) const;
  void PutVersion(WriteSet& writes, absl::string_view id,
                  const v1::ArticleVersion& version);
  // Oldest first.
  absl::StatusOr<std::vector<v1::ArticleVersion>> ListVersions(
      absl::string_view id) const;

  absl::StatusOr<v1::Category> GetCategory(absl::string_view id) const;
  void PutCategory(WriteSet& writes, absl::string_view id,
                   const v1::Category& category);
  void DeleteCategory(WriteSet& writes, absl::string_view id);
  absl::StatusOr<std::vector<v1::Category>> ListCategories() const;

  void PutFeedback(WriteSet& writes, absl::string_view id,
                   absl::string_view feedback_id,
                   const v1::ArticleFeedback& feedback);

  // nullopt when the query has no gap record yet.
  absl::StatusOr<std::optional<v1::Gap>> GetGap(absl::string_view query) const;
  void PutGap(WriteSet& writes, const v1::Gap& gap);
  // At most `limit` gaps, in key order.
  absl::StatusOr<std::vector<v1::Gap>> ScanGaps(size_t limit) const;

  void PutLink(WriteSet& writes, const v1::ShareLink& link,
               absl::string_view id);

 private:
  KbRepository(Store& store, ColumnFamily articles, ColumnFamily versions,
               ColumnFamily categories, ColumnFamily feedback,
               ColumnFamily gaps, ColumnFamily links)
      : store_(store),
        articles_(articles),
        versions_(versions),
        categories_(categories),
        feedback_(feedback),
        gaps_(gaps),
        links_(links) {}

  Store& store_;
  const ColumnFamily articles_, versions_, categories_, feedback_, gaps_,
      links_;
};

}  // namespace cs::kb

#endif  // CS_SERVICES_KNOWLEDGE_BASE_STORE_KB_REPOSITORY_H_
