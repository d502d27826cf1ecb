// Adversarial requests against a running knowledge-base service (real gRPC
// server on loopback, real RocksDB): each bad request gets a clear status
// naming the field, and the server stays healthy and idle afterwards.
#include <cstdint>
#include <iostream>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/adversarial/suite_fixture.h"

namespace cs::adversarial {
namespace {

namespace kv1 = cs::kb::v1;

class KbAdversarialTest : public SuiteAdversarialTest {
 protected:
  // A category of its own (created once).
  std::string CategoryName() {
    if (category_.empty()) {
      kv1::CreateCategoryRequest request;
      request.set_display_name("宽带故障");
      auto created = Call(kb_.get(), &KS::CreateCategory, kb_editor_, request);
      EXPECT_TRUE(created.ok()) << created.status();
      category_ = created.ok() ? created->name() : "";
    }
    return category_;
  }

  kv1::CreateArticleRequest Article(const std::string& title) {
    kv1::CreateArticleRequest request;
    request.mutable_content()->set_title(title);
    request.mutable_content()->set_body("重启光猫后等待五分钟，再检查指示灯。");
    request.mutable_content()->set_category(CategoryName());
    request.mutable_content()->add_tags("光猫");
    return request;
  }

  absl::StatusOr<kv1::Article> Create(const kv1::CreateArticleRequest& r) {
    return Call(kb_.get(), &KS::CreateArticle, kb_editor_, r);
  }

  void ExpectHealthyAndIdle() {
    auto created = Create(Article("恢复检查"));
    EXPECT_TRUE(created.ok()) << created.status();
    ExpectIdle();
  }

  std::string category_;
};

TEST_F(KbAdversarialTest, OversizedMessageIsResourceExhausted) {
  kv1::CreateArticleRequest request = Article("超大文章");
  request.mutable_content()->set_body(std::string(kOversizedBytes, 'x'));
  EXPECT_EQ(Create(request).status().code(),
            absl::StatusCode::kResourceExhausted);
  ExpectHealthyAndIdle();
}

TEST_F(KbAdversarialTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  auto created = Create(Article(InvalidUtf8("光猫", "不亮")));
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(created.status()), "content.title");
  kv1::SearchRequest search;
  search.set_query(InvalidUtf8("宽带"));
  EXPECT_EQ(FieldOf(Call(kb_.get(), &KS::Search, agent_, search).status()),
            "query");
  search.set_query("宽带");
  search.add_tags("光猫");
  search.add_tags(InvalidUtf8());
  EXPECT_EQ(FieldOf(Call(kb_.get(), &KS::Search, agent_, search).status()),
            "tags[1]");
  ExpectHealthyAndIdle();
}

TEST_F(KbAdversarialTest, NegativeAndHugePageSizes) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Create(Article(absl::StrCat("分页", i))).ok());
  }
  for (int32_t size : {-1, INT32_MIN}) {
    kv1::ListArticlesRequest list;
    list.set_page_size(size);
    EXPECT_EQ(
        FieldOf(Call(kb_.get(), &KS::ListArticles, kb_editor_, list).status()),
        "page_size");
    kv1::SearchRequest search;
    search.set_query("光猫");
    search.set_page_size(size);
    EXPECT_EQ(FieldOf(Call(kb_.get(), &KS::Search, agent_, search).status()),
              "page_size");
  }
  kv1::ListArticlesRequest list;
  list.set_page_size(INT32_MAX);  // clamped, not allocated
  auto listed = Call(kb_.get(), &KS::ListArticles, kb_editor_, list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->articles_size(), 3);
  kv1::SearchRequest search;
  search.set_query("光猫");
  search.set_page_size(INT32_MAX);
  EXPECT_TRUE(Call(kb_.get(), &KS::Search, agent_, search).ok());
}

TEST_F(KbAdversarialTest, TamperedPageTokensAreInvalidArgument) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Create(Article(absl::StrCat("分页", i))).ok());
  }
  kv1::ListArticlesRequest request;
  request.set_page_size(1);
  auto first = Call(kb_.get(), &KS::ListArticles, kb_editor_, request);
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string token = first->next_page_token();
  ASSERT_FALSE(token.empty());
  const int refused =
      ExpectTamperedTokensRefused(token, [&](const std::string& bad) {
        request.set_page_token(bad);
        return Call(kb_.get(), &KS::ListArticles, kb_editor_, request).status();
      });
  request.set_page_token(token);
  request.set_state(kv1::ARTICLE_STATE_PUBLISHED);
  EXPECT_EQ(
      FieldOf(Call(kb_.get(), &KS::ListArticles, kb_editor_, request).status()),
      "page_token");
  kv1::SearchRequest search;  // a listing's token is not a search's
  search.set_query("光猫");
  search.set_page_token(token);
  EXPECT_EQ(FieldOf(Call(kb_.get(), &KS::Search, agent_, search).status()),
            "page_token");
  std::cout << "knowledge-base: tampered page tokens refused: " << refused
            << std::endl;
}

TEST_F(KbAdversarialTest, UnknownEnumValuesAreInvalidArgument) {
  kv1::CreateArticleRequest create = Article("未知格式");
  create.mutable_content()->set_format(static_cast<kv1::BodyFormat>(99));
  EXPECT_EQ(FieldOf(Create(create).status()), "content.format");
  kv1::ListArticlesRequest list;
  list.set_state(static_cast<kv1::ArticleState>(-7));
  EXPECT_EQ(
      FieldOf(Call(kb_.get(), &KS::ListArticles, kb_editor_, list).status()),
      "state");
  auto article = Create(Article("分享"));
  ASSERT_TRUE(article.ok()) << article.status();
  kv1::ShareToTicketRequest share;
  share.set_article(article->name());
  share.set_ticket("tickets/01J00000000000000000000000");
  share.set_visibility(static_cast<kv1::ShareVisibility>(5));
  EXPECT_EQ(
      FieldOf(Call(kb_.get(), &KS::ShareToTicket, agent_, share).status()),
      "visibility");
}

TEST_F(KbAdversarialTest, OneMillisecondDeadlinesLeaveNoStuckWork) {
  ASSERT_TRUE(Create(Article("限时")).ok());
  kv1::SearchRequest request;
  request.set_query("光猫 指示灯");
  auto codes = AllAtOnce<kv1::SearchResponse>(
      200, absl::Milliseconds(1), agent_,
      [&](int, grpc::ClientContext* context, kv1::SearchResponse* response,
          std::function<void(grpc::Status)> done) {
        kb_->async()->Search(context, &request, response, std::move(done));
      });
  ExpectOnlyOkOrDeadline(codes);
  ExpectHealthyAndIdle();
  std::cout << "knowledge-base: 1 ms deadlines: 200 searches, "
            << codes[grpc::StatusCode::OK] << " OK, "
            << codes[grpc::StatusCode::DEADLINE_EXCEEDED]
            << " DEADLINE_EXCEEDED" << std::endl;
}

TEST_F(KbAdversarialTest, ChineseTextRoundTrips) {
  kv1::CreateArticleRequest request = Article("光猫红灯闪烁怎么办");
  request.mutable_content()->set_body("【步骤】拔掉电源，十秒后重新插上。");
  auto created = Create(request);
  ASSERT_TRUE(created.ok()) << created.status();
  kv1::GetArticleRequest get;
  get.set_name(created->name());
  auto got = Call(kb_.get(), &KS::GetArticle, kb_editor_, get);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->content().title(), "光猫红灯闪烁怎么办");
  EXPECT_EQ(got->content().body(), "【步骤】拔掉电源，十秒后重新插上。");
  ASSERT_EQ(got->content().tags_size(), 1);
  EXPECT_EQ(got->content().tags(0), "光猫");
}

}  // namespace
}  // namespace cs::adversarial
