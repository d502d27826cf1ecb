#include "services/knowledge_base/store/kb_repository.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace cs::kb {
namespace {

std::string Be32(uint32_t v) {
  std::string out(4, '\0');
  for (int i = 3; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xFF);
    v >>= 8;
  }
  return out;
}

std::string VersionKey(absl::string_view id, int major, int minor) {
  return absl::StrCat(id, "/", Be32(static_cast<uint32_t>(major)),
                      Be32(static_cast<uint32_t>(minor)));
}

}  // namespace

std::vector<std::string> KbColumnFamilies() {
  return {kArticlesFamily, kVersionsFamily, kCategoriesFamily,
          kFeedbackFamily, kGapsFamily,     kLinksFamily};
}

absl::StatusOr<std::unique_ptr<KbRepository>> KbRepository::Open(Store& store) {
  std::vector<ColumnFamily> families;
  for (const std::string& name : KbColumnFamilies()) {
    absl::StatusOr<ColumnFamily> family = store.Family(name);
    if (!family.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("store lacks column family ", name));
    }
    families.push_back(*family);
  }
  return std::unique_ptr<KbRepository>(
      new KbRepository(store, families[0], families[1], families[2],
                       families[3], families[4], families[5]));
}

absl::StatusOr<v1::ArticleRecord> KbRepository::GetArticle(
    absl::string_view id) const {
  v1::ArticleRecord record;
  absl::Status s = store_.GetProto(articles_, id, &record);
  if (absl::IsNotFound(s)) {
    return absl::NotFoundError(absl::StrCat("articles/", id, " not found"));
  }
  if (!s.ok()) return s;
  return record;
}

void KbRepository::PutArticle(WriteSet& writes,
                              const v1::ArticleRecord& record) {
  absl::string_view name = record.article().name();
  name.remove_prefix(std::string("articles/").size());
  writes.PutProto(articles_, name, record);
}

absl::Status KbRepository::ScanArticles(
    absl::string_view after_id, size_t limit,
    const std::function<bool(const v1::ArticleRecord&)>& visit) const {
  const std::string start = ResumeAfter(after_id);
  v1::ArticleRecord record;
  return store_.ScanProtos(articles_, start, "", limit, "article", &record,
                           [&](absl::string_view) { return visit(record); });
}

absl::StatusOr<v1::ArticleVersion> KbRepository::GetVersion(
    absl::string_view id, int major, int minor) const {
  v1::ArticleVersion version;
  absl::Status s =
      store_.GetProto(versions_, VersionKey(id, major, minor), &version);
  if (absl::IsNotFound(s)) {
    return absl::NotFoundError(absl::StrCat("articles/", id, "/versions/",
                                            major, ".", minor, " not found"));
  }
  if (!s.ok()) return s;
  return version;
}

void KbRepository::PutVersion(WriteSet& writes, absl::string_view id,
                              const v1::ArticleVersion& version) {
  writes.PutProto(versions_, VersionKey(id, version.major(), version.minor()),
                  version);
}

absl::StatusOr<std::vector<v1::ArticleVersion>> KbRepository::ListVersions(
    absl::string_view id) const {
  return store_.ListProtos<v1::ArticleVersion>(versions_, absl::StrCat(id, "/"),
                                               "article version");
}

absl::StatusOr<v1::Category> KbRepository::GetCategory(
    absl::string_view id) const {
  v1::Category category;
  absl::Status s = store_.GetProto(categories_, id, &category);
  if (absl::IsNotFound(s)) {
    return absl::NotFoundError(absl::StrCat("categories/", id, " not found"));
  }
  if (!s.ok()) return s;
  return category;
}

void KbRepository::PutCategory(WriteSet& writes, absl::string_view id,
                               const v1::Category& category) {
  writes.PutProto(categories_, id, category);
}

void KbRepository::DeleteCategory(WriteSet& writes, absl::string_view id) {
  writes.Delete(categories_, id);
}

absl::StatusOr<std::vector<v1::Category>> KbRepository::ListCategories() const {
  std::vector<v1::Category> out;
  absl::Status s = store_.Scan(
      categories_, "", "", 0, [&](absl::string_view, absl::string_view value) {
        v1::Category category;
        if (category.ParseFromArray(value.data(),
                                    static_cast<int>(value.size()))) {
          out.push_back(std::move(category));
        }
        return true;
      });
  if (!s.ok()) return s;
  return out;
}

void KbRepository::PutFeedback(WriteSet& writes, absl::string_view id,
                               absl::string_view feedback_id,
                               const v1::ArticleFeedback& feedback) {
  writes.PutProto(feedback_, absl::StrCat(id, "/", feedback_id), feedback);
}

absl::StatusOr<std::optional<v1::Gap>> KbRepository::GetGap(
    absl::string_view query) const {
  v1::Gap gap;
  absl::Status s = store_.GetProto(gaps_, query, &gap);
  if (absl::IsNotFound(s)) return std::optional<v1::Gap>();
  if (!s.ok()) return s;
  return std::optional<v1::Gap>(std::move(gap));
}

void KbRepository::PutGap(WriteSet& writes, const v1::Gap& gap) {
  writes.PutProto(gaps_, gap.query(), gap);
}

absl::StatusOr<std::vector<v1::Gap>> KbRepository::ScanGaps(
    size_t limit) const {
  std::vector<v1::Gap> out;
  absl::Status s = store_.Scan(
      gaps_, "", "", limit, [&](absl::string_view, absl::string_view value) {
        v1::Gap gap;
        if (gap.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          out.push_back(std::move(gap));
        }
        return true;
      });
  if (!s.ok()) return s;
  return out;
}

void KbRepository::PutLink(WriteSet& writes, const v1::ShareLink& link,
                           absl::string_view id) {
  writes.PutProto(links_, absl::StrCat(id, "/", link.ticket()), link);
}

}  // namespace cs::kb
