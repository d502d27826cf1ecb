// Knowledge-base requests as the server receives them: the first byte picks
// CreateArticle, UpdateArticle or Search; the rest are the request's bytes →
// the request guard's wire check → protobuf parse → validation → the
// domain (content defaults and plain-text rendering; a search over a small
// in-memory index). The guard and protobuf agree on what parses; nothing
// crashes; validated content has a language and a known format; a search
// returns no more hits than it counts, best first.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "cs/kb/v1/kb.pb.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/guarded_parse.h"
#include "services/knowledge_base/domain/render.h"
#include "services/knowledge_base/domain/search_index.h"
#include "services/knowledge_base/domain/workflow.h"

namespace {

using cs::fuzz::GuardedParse;

namespace v1 = cs::kb::v1;

void CheckContent(v1::ArticleContent content, const char* prefix) {
  if (!cs::kb::ValidateContent(content, prefix).ok()) return;
  FUZZ_CHECK(!content.language().empty());
  FUZZ_CHECK(content.format() != v1::BODY_FORMAT_UNSPECIFIED &&
             v1::BodyFormat_IsValid(content.format()));
  (void)cs::kb::PlainBody(content.body(), content.format());
  (void)cs::kb::CustomerText(content);
}

std::shared_ptr<const cs::kb::IndexSnapshot> SmallIndex() {
  static const auto* index = [] {
    auto* built = new cs::kb::SearchIndex();
    const char* docs[][3] = {
        {"articles/a1", "手机信号弱怎么办",
         "在地下车库信号弱时，请开启 WiFi 通话。"},
        {"articles/a2", "光猫红灯闪烁", "拔掉电源，十秒后重新插上。"},
        {"articles/a3", "Refund policy", "退款在 7 个工作日内原路返回。"}};
    for (const auto& d : docs) {
      cs::kb::IndexedDoc doc;
      doc.article = d[0];
      doc.version = "1.0";
      doc.title = d[1];
      doc.plain_body = d[2];
      doc.category = "categories/c1";
      doc.category_ancestry = {"categories/c1"};
      doc.tags = {"常见问题"};
      doc.language = "zh-CN";
      built->Upsert(cs::kb::MakeIndexedDoc(std::move(doc)));
    }
    return built;
  }();
  return index->Snapshot();
}

void CheckSearch(const v1::SearchRequest& request) {
  absl::StatusOr<cs::kb::SearchQuery> parsed = cs::kb::SearchQueryOf(request);
  if (!parsed.ok()) return;
  cs::kb::SearchQuery query = *std::move(parsed);
  query.limit = 2;
  const cs::kb::SearchResult result = SmallIndex()->Search(query);
  FUZZ_CHECK(result.hits.size() <= result.total);
  FUZZ_CHECK(result.hits.size() <= 2);
  for (size_t i = 1; i < result.hits.size(); ++i) {
    FUZZ_CHECK(result.hits[i - 1].score >= result.hits[i].score);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cs::fuzz::FuzzInput in(data, size);
  const uint8_t kind = in.Byte() % 3;
  const std::string bytes = in.Rest();
  if (kind == 0) {
    v1::CreateArticleRequest create;
    if (GuardedParse(bytes, create)) CheckContent(create.content(), "content.");
  } else if (kind == 1) {
    v1::UpdateArticleRequest update;
    if (GuardedParse(bytes, update) &&
        cs::kb::ParseArticleName(update.name(), "name").ok()) {
      CheckContent(update.content(), "content.");
    }
  } else {
    v1::SearchRequest search;
    if (GuardedParse(bytes, search)) CheckSearch(search);
  }
  return 0;
}
