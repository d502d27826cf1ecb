// Service tests of the knowledge base: a real in-process ServiceHost on port
// 0 with a RocksDB store in a temp dir, called through the generated gRPC
// stub with tokens signed by the test key. ShareToTicket goes to a recording
// fake of the ticket service's AddReply (the client wrapper is exercised
// against a real ticket server in ShareToTicketReachesRealTicketService).
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "cs/common/v1/event.pb.h"
#include "cs/kb/v1/events.pb.h"
#include "cs/kb/v1/kb.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/grpc_status.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "services/knowledge_base/domain/synonyms.h"
#include "services/knowledge_base/grpc/kb_grpc_service.h"
#include "services/knowledge_base/service/kb_app.h"
#include "services/knowledge_base/store/kb_repository.h"

namespace cs::kb {
namespace {

using auth::Role;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Stub = v1::KnowledgeBaseService::Stub;

class FakeReplier : public TicketReplier {
 public:
  struct Call {
    std::string ticket, body;
    bool internal;
    std::string caller_token;
  };
  absl::StatusOr<std::string> AddReply(
      absl::string_view ticket, absl::string_view body, bool internal,
      absl::string_view caller_token) override {
    absl::MutexLock lock(&mu_);
    if (ticket == "tickets/missing") {
      return absl::NotFoundError("tickets/missing not found");
    }
    calls_.push_back({std::string(ticket), std::string(body), internal,
                      std::string(caller_token)});
    return absl::StrCat("reply-", calls_.size());
  }
  std::vector<Call> calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  absl::Mutex mu_;
  std::vector<Call> calls_;
};

class KbServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = cs::testing::TestServerConfig(dir_, "knowledge-base");
    StartHost();
    editor_ = cs::testing::TestToken({Role::kKbEditor}, "editor-1");
    reviewer_ = cs::testing::TestToken({Role::kKbEditor}, "editor-2");
    agent_ = cs::testing::TestToken({Role::kAgent}, "agent-007");
    supervisor_ = cs::testing::TestToken({Role::kSupervisor}, "sup-1");
  }
  void TearDown() override { StopHost(); }

  void StartHost() {
    auto host = ServiceHost::Create(config_, KbColumnFamilies());
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    host_->manual_clock()->SetTime(now_);
    auto app = KbApp::Create(host_->store(), host_->outbox(), host_->clock(),
                             &replier_, options_);
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    grpc_ = std::make_unique<KbGrpcService>(*host_, *app_);
    host_->RegisterService(grpc_.get());
    ASSERT_TRUE(host_->Start().ok());
    stub_ = v1::KnowledgeBaseService::NewStub(
        cs::testing::LoopbackChannel(host_->port()));
  }

  void StopHost() {
    if (host_ == nullptr) return;
    now_ = host_->clock().Now();
    host_->Shutdown();
    stub_.reset();
    grpc_.reset();
    app_.reset();
    host_.reset();
  }

  template <typename Response, typename Request>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const std::string& token, const Request& request) {
    return cs::testing::CallAs(stub_.get(), method, token, request);
  }

  std::string Category(const std::string& name, const std::string& parent) {
    v1::CreateCategoryRequest r;
    r.set_display_name(name);
    r.set_parent(parent);
    auto c = Call(&Stub::CreateCategory, editor_, r);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? c->name() : "";
  }

  // 手机类 › 信号问题 › 企业客户 ; returns the leaf.
  std::string SignalCategory() {
    if (leaf_.empty()) {
      phone_ = Category("手机类", "");
      leaf_ = Category("企业客户", Category("信号问题", phone_));
    }
    return leaf_;
  }

  absl::StatusOr<v1::Article> Create(
      const std::string& title, const std::string& body,
      std::vector<std::string> tags = {},
      v1::BodyFormat format = v1::BODY_FORMAT_PLAIN_TEXT) {
    v1::CreateArticleRequest r;
    r.mutable_content()->set_format(format);
    r.mutable_content()->set_title(title);
    r.mutable_content()->set_body(body);
    r.mutable_content()->set_category(SignalCategory());
    for (auto& t : tags) r.mutable_content()->add_tags(t);
    return Call(&Stub::CreateArticle, editor_, r);
  }

  absl::StatusOr<v1::Article> Submit(const std::string& name) {
    v1::SubmitForReviewRequest r;
    r.set_name(name);
    r.set_change_note("初稿");
    return Call(&Stub::SubmitForReview, editor_, r);
  }

  absl::StatusOr<v1::Article> Review(const std::string& name, bool approve,
                                     const std::string& token,
                                     bool major = false) {
    v1::ReviewArticleRequest r;
    r.set_name(name);
    r.set_approve(approve);
    r.set_major_version(major);
    if (!approve) r.set_comment("请补充运营商信息");
    return Call(&Stub::ReviewArticle, token, r);
  }

  // Creates, submits and approves; returns the article name.
  std::string Published(const std::string& title, const std::string& body,
                        std::vector<std::string> tags = {},
                        v1::BodyFormat format = v1::BODY_FORMAT_PLAIN_TEXT) {
    auto a = Create(title, body, std::move(tags), format);
    EXPECT_TRUE(a.ok()) << a.status();
    EXPECT_TRUE(Submit(a->name()).ok());
    auto p = Review(a->name(), true, reviewer_);
    EXPECT_TRUE(p.ok()) << p.status();
    return a->name();
  }

  absl::StatusOr<v1::SearchResponse> Search(const std::string& query,
                                            const std::string& token = "") {
    v1::SearchRequest r;
    r.set_query(query);
    return Call(&Stub::Search, token.empty() ? agent_ : token, r);
  }

  std::vector<std::string> EventTypes() {
    std::vector<std::string> types;
    auto read = host_->outbox().Read(1, 1000, [&](const common::v1::Event& e) {
      types.push_back(e.type());
    });
    EXPECT_TRUE(read.ok()) << read.status();
    return types;
  }

  cs::testing::TempDir dir_;
  KbOptions options_;
  ServerConfig config_;
  absl::Time now_ = absl::FromUnixSeconds(1763856000);  // 2025-11-23 UTC
  FakeReplier replier_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<KbApp> app_;
  std::unique_ptr<KbGrpcService> grpc_;
  std::unique_ptr<Stub> stub_;
  std::string editor_, reviewer_, agent_, supervisor_;
  std::string phone_, leaf_;
};

TEST_F(KbServiceTest, ReviewWorkflowPublishesAndOnlyPublishedIsSearchable) {
  auto article =
      Create("手机信号弱怎么办",
             "1. 检查 SIM 卡是否插好\n2. 重启手机\n3. 联系运营商", {"信号"});
  ASSERT_TRUE(article.ok()) << article.status();
  EXPECT_EQ(article->state(), v1::ARTICLE_STATE_DRAFT);
  EXPECT_THAT(article->category_path(),
              ElementsAre("手机类", "信号问题", "企业客户"));
  EXPECT_EQ(article->content().language(), "zh-CN");
  // Drafts are invisible to agents and to search.
  v1::GetArticleRequest get;
  get.set_name(article->name());
  EXPECT_EQ(Call(&Stub::GetArticle, agent_, get).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Search("手机信号弱")->total_hits(), 0);

  // Approving from DRAFT is illegal; submit first.
  absl::Status early = Review(article->name(), true, reviewer_).status();
  EXPECT_EQ(early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReasonOf(early), "ILLEGAL_TRANSITION");
  ASSERT_TRUE(Submit(article->name()).ok());
  // Editing while in review is refused.
  v1::UpdateArticleRequest update;
  update.set_name(article->name());
  update.mutable_content()->set_title("x");
  update.mutable_update_mask()->add_paths("title");
  EXPECT_EQ(Call(&Stub::UpdateArticle, editor_, update).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Four eyes: the submitter cannot approve.
  absl::Status self = Review(article->name(), true, editor_).status();
  EXPECT_EQ(self.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReasonOf(self), "SELF_REVIEW");
  // An agent cannot review at all.
  EXPECT_EQ(Review(article->name(), true, agent_).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Reject with a comment → back to DRAFT.
  auto rejected = Review(article->name(), false, reviewer_);
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_EQ(rejected->state(), v1::ARTICLE_STATE_DRAFT);
  EXPECT_EQ(rejected->review_comment(), "请补充运营商信息");
  ASSERT_TRUE(Submit(article->name()).ok());
  auto published = Review(article->name(), true, reviewer_);
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(published->state(), v1::ARTICLE_STATE_PUBLISHED);
  EXPECT_EQ(published->published_version(), "1.0");

  auto found = Search("手机信号弱");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->hits_size(), 1);
  EXPECT_EQ(found->hits(0).article(), article->name());
  EXPECT_EQ(found->hits(0).version(), "1.0");
  EXPECT_EQ(found->hits(0).highlighted_title(), "【手机信号弱】怎么办");
  EXPECT_THAT(found->hits(0).snippet(), HasSubstr("【手机】"));
  // Traditional characters and full-width letters find it too.
  EXPECT_EQ(Search("手機訊號弱")->total_hits(), 1);
  EXPECT_EQ(Search("ＳＩＭ卡")->total_hits(), 1);

  auto agent_view = Call(&Stub::GetArticle, agent_, get);
  ASSERT_TRUE(agent_view.ok()) << agent_view.status();
  EXPECT_EQ(agent_view->view_count(), 1);
  EXPECT_THAT(EventTypes(), ::testing::Contains("ArticlePublished"));
}

TEST_F(KbServiceTest, PermissionsAndAuthentication) {
  v1::CreateArticleRequest r;
  r.mutable_content()->set_title("t");
  r.mutable_content()->set_body("b");
  r.mutable_content()->set_category(SignalCategory());
  EXPECT_EQ(Call(&Stub::CreateArticle, agent_, r).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Call(&Stub::CreateArticle, std::string(), r).status().code(),
            absl::StatusCode::kUnauthenticated);
  v1::ListGapsRequest gaps;
  EXPECT_EQ(Call(&Stub::ListGaps, agent_, gaps).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Call(&Stub::ListGaps, supervisor_, gaps).ok());
  // Unknown category is a field error.
  r.mutable_content()->set_category("categories/nope");
  absl::Status s = Call(&Stub::CreateArticle, editor_, r).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(s).at(0).field, "content.category");
}

TEST_F(KbServiceTest, InvalidUtf8IsRejectedAtTheApi) {
  const std::string bad("信号\xff\xfe", 8);
  // Over the wire, proto3 strings must be UTF-8: the runtime refuses the
  // request before any handler runs, and nothing is logged as a gap.
  EXPECT_FALSE(Search(bad).ok());
  EXPECT_FALSE(Create(std::string("标题\xc0", 7), "正文").ok());
  // In-process callers get INVALID_ARGUMENT naming the field.
  auth::Principal agent;
  agent.subject = "agent-007";
  agent.roles = {Role::kAgent};
  v1::SearchRequest r;
  r.set_query(bad);
  absl::Status s = app_->Search(agent, r).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(s).at(0).field, "query");
  EXPECT_EQ(Search("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Search(" \u3000 ").status().code(),
            absl::StatusCode::kInvalidArgument);
  auto gaps = Call(&Stub::ListGaps, editor_, v1::ListGapsRequest());
  ASSERT_TRUE(gaps.ok());
  EXPECT_EQ(gaps->gaps_size(), 0);
}

TEST_F(KbServiceTest, VersionsDiffAndRollback) {
  std::string name = Published("信号弱", "第一行\n重启手机");
  v1::UpdateArticleRequest update;
  update.set_name(name);
  update.mutable_content()->set_body("第一行\n开关飞行模式\n重启手机");
  update.mutable_update_mask()->add_paths("body");
  auto edited = Call(&Stub::UpdateArticle, editor_, update);
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_EQ(edited->state(), v1::ARTICLE_STATE_DRAFT);
  // While revised, the published 1.0 stays searchable.
  EXPECT_EQ(Search("重启手机")->total_hits(), 1);
  EXPECT_EQ(Search("飞行模式")->total_hits(), 0);
  ASSERT_TRUE(Submit(name).ok());
  ASSERT_EQ(Review(name, true, reviewer_)->published_version(), "1.1");
  EXPECT_EQ(Search("飞行模式")->total_hits(), 1);
  ASSERT_TRUE(Call(&Stub::UpdateArticle, editor_, update).ok());
  ASSERT_TRUE(Submit(name).ok());
  ASSERT_EQ(Review(name, true, reviewer_, /*major=*/true)->published_version(),
            "2.0");

  v1::DiffVersionsRequest diff;
  diff.set_from_version(name + "/versions/1.0");
  diff.set_to_version(name + "/versions/1.1");
  auto d = Call(&Stub::DiffVersions, agent_, diff);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->inserted(), 1);
  EXPECT_EQ(d->deleted(), 0);
  std::vector<std::string> inserted;
  for (const auto& line : d->lines()) {
    if (line.op() == v1::DiffLine::OP_INSERT) inserted.push_back(line.text());
  }
  EXPECT_THAT(inserted, ElementsAre("开关飞行模式"));

  v1::RollbackArticleRequest rollback;
  rollback.set_name(name);
  rollback.set_version(name + "/versions/1.0");
  EXPECT_EQ(Call(&Stub::RollbackArticle, agent_, rollback).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto rolled = Call(&Stub::RollbackArticle, editor_, rollback);
  ASSERT_TRUE(rolled.ok()) << rolled.status();
  EXPECT_EQ(rolled->published_version(), "2.1");
  EXPECT_EQ(rolled->content().body(), "第一行\n重启手机");
  EXPECT_EQ(Search("飞行模式")->total_hits(), 0);
  // Again: 1.0's content is live already (as 2.1); no copy is published.
  const absl::Status again =
      Call(&Stub::RollbackArticle, editor_, rollback).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition) << again;
  EXPECT_EQ(ErrorReasonOf(again), "ALREADY_LIVE");

  v1::ListVersionsRequest list;
  list.set_name(name);
  auto versions = Call(&Stub::ListVersions, agent_, list);
  ASSERT_TRUE(versions.ok()) << versions.status();
  std::vector<std::string> labels;
  for (const auto& v : versions->versions()) {
    labels.push_back(absl::StrCat(v.major(), ".", v.minor()));
  }
  EXPECT_THAT(labels, ElementsAre("1.0", "1.1", "2.0", "2.1"));
  EXPECT_EQ(versions->versions(3).rolled_back_from(), name + "/versions/1.0");
  // Old versions are immutable.
  v1::GetVersionRequest get;
  get.set_name(name + "/versions/1.1");
  EXPECT_EQ(Call(&Stub::GetVersion, agent_, get)->content().body(),
            "第一行\n开关飞行模式\n重启手机");
  get.set_name(name + "/versions/9.0");
  EXPECT_EQ(Call(&Stub::GetVersion, agent_, get).status().code(),
            absl::StatusCode::kNotFound);
}

// A rollback changes what is live; a revision in progress (a draft, or one
// in review) stays the working copy in its state.
TEST_F(KbServiceTest, RollbackKeepsARevisionInProgress) {
  const std::string name = Published("退款到账时间", "原路退回，1-3个工作日");
  v1::UpdateArticleRequest update;
  update.set_name(name);
  update.mutable_update_mask()->add_paths("body");
  update.mutable_content()->set_body("原路退回，3-5个工作日");
  ASSERT_TRUE(Call(&Stub::UpdateArticle, editor_, update).ok());
  ASSERT_TRUE(Submit(name).ok());
  ASSERT_EQ(Review(name, true, reviewer_)->published_version(), "1.1");
  update.mutable_content()->set_body("草稿：信用卡退款另计");
  ASSERT_TRUE(Call(&Stub::UpdateArticle, editor_, update).ok());

  v1::RollbackArticleRequest rollback;
  rollback.set_name(name);
  rollback.set_version(name + "/versions/1.0");
  auto rolled = Call(&Stub::RollbackArticle, editor_, rollback);
  ASSERT_TRUE(rolled.ok()) << rolled.status();
  EXPECT_EQ(rolled->published_version(), "1.2");
  EXPECT_EQ(rolled->state(), v1::ARTICLE_STATE_DRAFT);
  EXPECT_EQ(rolled->content().body(), "草稿：信用卡退款另计");
  v1::GetArticleRequest get;
  get.set_name(name);
  EXPECT_EQ(Call(&Stub::GetArticle, agent_, get)->content().body(),
            "原路退回，1-3个工作日");  // what is live
  EXPECT_EQ(Search("1-3个工作日")->total_hits(), 1);

  ASSERT_TRUE(Submit(name).ok());
  rollback.set_version(name + "/versions/1.1");
  rolled = Call(&Stub::RollbackArticle, editor_, rollback);
  ASSERT_TRUE(rolled.ok()) << rolled.status();
  EXPECT_EQ(rolled->published_version(), "1.3");
  EXPECT_EQ(rolled->state(), v1::ARTICLE_STATE_IN_REVIEW);
  auto approved = Review(name, true, reviewer_);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->published_version(), "1.4");
  EXPECT_EQ(approved->content().body(), "草稿：信用卡退款另计");

  // Rolling back to what is already live would only add a copy.
  rollback.set_version(name + "/versions/1.4");
  const absl::Status live =
      Call(&Stub::RollbackArticle, editor_, rollback).status();
  EXPECT_EQ(live.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(live.message()),
              HasSubstr("already the live version"));
}

TEST_F(KbServiceTest, ArchiveRemovesFromSearch) {
  std::string name = Published("手机信号弱", "重启手机");
  ASSERT_EQ(Search("手机信号弱")->total_hits(), 1);
  v1::ArchiveArticleRequest archive;
  archive.set_name(name);
  auto archived = Call(&Stub::ArchiveArticle, editor_, archive);
  ASSERT_TRUE(archived.ok()) << archived.status();
  EXPECT_EQ(archived->state(), v1::ARTICLE_STATE_ARCHIVED);
  EXPECT_EQ(Search("手机信号弱")->total_hits(), 0);
  v1::GetArticleRequest get;
  get.set_name(name);
  EXPECT_EQ(Call(&Stub::GetArticle, agent_, get).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Call(&Stub::ArchiveArticle, editor_, archive).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(EventTypes(), ::testing::Contains("ArticleArchived"));
}

TEST_F(KbServiceTest, BestArticleFirstFiltersAndPagination) {
  std::string title_match = Published("手机信号弱怎么办", "请重启。");
  std::string body_match =
      Published("网络问题排查", "部分用户反映手机信号弱，可开关飞行模式。");
  Published("发票开具", "订单页面申请电子发票。", {"财务"});
  auto found = Search("手机信号弱");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->hits_size(), 2);
  EXPECT_EQ(found->hits(0).article(), title_match);
  EXPECT_EQ(found->hits(1).article(), body_match);

  v1::SearchRequest r;
  r.set_query("手机信号弱");
  r.set_page_size(1);
  auto first = Call(&Stub::Search, agent_, r);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->hits_size(), 1);
  ASSERT_FALSE(first->next_page_token().empty());
  r.set_page_token(first->next_page_token());
  auto second = Call(&Stub::Search, agent_, r);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->hits(0).article(), body_match);
  EXPECT_TRUE(second->next_page_token().empty());
  r.set_query("其他");
  EXPECT_EQ(Call(&Stub::Search, agent_, r).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::SearchRequest filtered;
  filtered.set_query("发票");
  filtered.add_tags("财务");
  EXPECT_EQ(Call(&Stub::Search, agent_, filtered)->total_hits(), 1);
  filtered.set_category(phone_);  // ancestor category matches
  EXPECT_EQ(Call(&Stub::Search, agent_, filtered)->total_hits(), 1);
  // Ids are ULIDs: typed in upper case they name the same category.
  filtered.set_category(absl::StrCat(
      "categories/",
      absl::AsciiStrToUpper(absl::StripPrefix(phone_, "categories/"))));
  EXPECT_EQ(Call(&Stub::Search, agent_, filtered)->total_hits(), 1);
  filtered.set_language("en");
  EXPECT_EQ(Call(&Stub::Search, agent_, filtered)->total_hits(), 0);
}

TEST_F(KbServiceTest, GapsAreLoggedAndListedByFrequency) {
  ASSERT_EQ(Search("退款进度")->total_hits(), 0);
  ASSERT_EQ(Search("退款进度")->total_hits(), 0);
  ASSERT_EQ(Search("ＶＩＰ 专线")->total_hits(), 0);
  v1::ReportMissingAnswerRequest report;
  report.set_query("VIP 专线");
  report.set_ticket("tickets/t1");
  report.set_comment("客户问 VIP 专线号码");
  auto gap = Call(&Stub::ReportMissingAnswer, agent_, report);
  ASSERT_TRUE(gap.ok()) << gap.status();
  EXPECT_EQ(gap->query(), "vip 专线");
  EXPECT_EQ(gap->search_count(), 1);
  EXPECT_EQ(gap->report_count(), 1);
  ASSERT_TRUE(Call(&Stub::ReportMissingAnswer, agent_, report).ok());
  auto gaps = Call(&Stub::ListGaps, editor_, v1::ListGapsRequest());
  ASSERT_TRUE(gaps.ok()) << gaps.status();
  ASSERT_EQ(gaps->gaps_size(), 2);
  EXPECT_EQ(gaps->gaps(0).query(), "vip 专线");
  EXPECT_EQ(gaps->gaps(1).query(), "退款进度");
  EXPECT_EQ(gaps->gaps(1).search_count(), 2);
  // Personal data in what agents type is masked before it is kept: the
  // gap list is read by team leads and editors.
  ASSERT_EQ(Search("怎么退订会员 13912345678")->total_hits(), 0);
  ASSERT_EQ(Search("怎么退订会员 13900005678")->total_hits(), 0);
  report.set_query("怎么退订会员 13812345678");
  report.set_comment("客户电话 13812345678");
  gap = Call(&Stub::ReportMissingAnswer, agent_, report);
  ASSERT_TRUE(gap.ok()) << gap.status();
  EXPECT_EQ(gap->query(), "怎么退订会员 138****5678");
  gaps = Call(&Stub::ListGaps, editor_, v1::ListGapsRequest());
  ASSERT_TRUE(gaps.ok()) << gaps.status();
  const std::string listed = gaps->SerializeAsString();
  EXPECT_FALSE(absl::StrContains(listed, "13912345678"));
  EXPECT_FALSE(absl::StrContains(listed, "13812345678"));
  EXPECT_TRUE(absl::StrContains(listed, "139****5678"));
  // SearchPerformed carries no query text, and its fingerprint is of the
  // masked query: two phone numbers that mask alike cannot be told apart.
  std::vector<uint64_t> fingerprints;
  auto read = host_->outbox().Read(1, 1000, [&](const common::v1::Event& e) {
    if (e.type() != "cs.kb.v1.SearchPerformed" &&
        e.type() != "SearchPerformed") {
      return;
    }
    v1::SearchPerformed p;
    ASSERT_TRUE(e.payload().UnpackTo(&p));
    EXPECT_FALSE(absl::StrContains(e.payload().value(), "退款"));
    fingerprints.push_back(p.query_fingerprint());
  });
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(fingerprints.size(), 5u);
  EXPECT_EQ(fingerprints[3], fingerprints[4]);
  EXPECT_NE(fingerprints[0], fingerprints[3]);
}

TEST_F(KbServiceTest, FreshnessListsStaleArticles) {
  std::string name = Published("手机信号弱", "重启手机");
  v1::ListStaleArticlesRequest stale;
  EXPECT_EQ(Call(&Stub::ListStaleArticles, editor_, stale)->articles_size(), 0);
  host_->manual_clock()->Advance(absl::Hours(24 * 8));
  auto listed = Call(&Stub::ListStaleArticles, editor_, stale);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->articles_size(), 1);
  EXPECT_EQ(listed->articles(0).name(), name);
  v1::ConfirmArticleFreshRequest confirm;
  confirm.set_name(name);
  ASSERT_TRUE(Call(&Stub::ConfirmArticleFresh, editor_, confirm).ok());
  EXPECT_EQ(Call(&Stub::ListStaleArticles, editor_, stale)->articles_size(), 0);
}

TEST_F(KbServiceTest, FeedbackShareAndSuggest) {
  std::string name =
      Published("手机信号弱怎么办", "# 处理步骤\n- **重启**手机\n- 联系运营商",
                {}, v1::BODY_FORMAT_MARKDOWN);
  Published("发票开具", "订单页面申请电子发票，手机上也可以申请。");
  v1::SubmitFeedbackRequest feedback;
  feedback.set_article(name);
  feedback.set_helpful(true);
  ASSERT_TRUE(Call(&Stub::SubmitFeedback, agent_, feedback).ok());
  feedback.set_helpful(false);
  feedback.set_comment("没有提到5G");
  ASSERT_TRUE(Call(&Stub::SubmitFeedback, agent_, feedback).ok());

  v1::ShareToTicketRequest share;
  share.set_article(name);
  share.set_ticket("tickets/t-42");
  auto shared = Call(&Stub::ShareToTicket, agent_, share);
  ASSERT_TRUE(shared.ok()) << shared.status();
  EXPECT_EQ(shared->rendered_text(),
            "手机信号弱怎么办\n\n处理步骤\n• 重启手机\n• 联系运营商");
  EXPECT_EQ(shared->version(), "1.0");
  EXPECT_EQ(shared->reply_id(), "reply-1");
  ASSERT_EQ(replier_.calls().size(), 1u);
  EXPECT_EQ(replier_.calls()[0].ticket, "tickets/t-42");
  EXPECT_FALSE(replier_.calls()[0].internal);
  // Posted as the agent who shared it (their own token), not as the KB.
  EXPECT_EQ(replier_.calls()[0].caller_token, agent_);
  share.set_ticket("tickets/missing");
  EXPECT_EQ(Call(&Stub::ShareToTicket, agent_, share).status().code(),
            absl::StatusCode::kNotFound);
  share.set_ticket("t-42");
  EXPECT_EQ(Call(&Stub::ShareToTicket, agent_, share).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::GetArticleRequest get;
  get.set_name(name);
  auto article = Call(&Stub::GetArticle, editor_, get);
  ASSERT_TRUE(article.ok());
  EXPECT_EQ(article->helpful_count(), 1);
  EXPECT_EQ(article->not_helpful_count(), 1);
  EXPECT_EQ(article->share_count(), 1);

  v1::SuggestRequest suggest;
  suggest.set_subject("客户反映手机没信号");
  suggest.set_description("企业客户，办公室里手机信号很弱，电话经常断线。");
  auto suggested = Call(&Stub::Suggest, agent_, suggest);
  ASSERT_TRUE(suggested.ok()) << suggested.status();
  ASSERT_GE(suggested->hits_size(), 1);
  EXPECT_EQ(suggested->hits(0).article(), name);
  std::vector<std::string> types = EventTypes();
  EXPECT_THAT(types, ::testing::Contains("FeedbackGiven"));
  EXPECT_THAT(types, ::testing::Contains("ArticleShared"));
}

TEST_F(KbServiceTest, IndexIsRebuiltFromTheStoreAfterRestart) {
  std::string name = Published("手机信号弱", "重启手机");
  std::string archived = Published("旧的信号文章", "手机信号弱请联系运营商");
  v1::ArchiveArticleRequest archive;
  archive.set_name(archived);
  ASSERT_TRUE(Call(&Stub::ArchiveArticle, editor_, archive).ok());
  StopHost();
  StartHost();
  auto found = Search("手机信号弱");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->hits_size(), 1);
  EXPECT_EQ(found->hits(0).article(), name);
  EXPECT_THAT(found->hits(0).category_path(),
              ElementsAre("手机类", "信号问题", "企业客户"));
}

TEST_F(KbServiceTest, CategoriesAreATree) {
  std::string phone = Category("手机类", "");
  const std::string upper = absl::StrCat(
      "categories/",
      absl::AsciiStrToUpper(absl::StripPrefix(phone, "categories/")));
  Category("信号问题", upper);  // the id in either case
  v1::CreateCategoryRequest dup;
  dup.set_display_name("信号问题");
  dup.set_parent(phone);
  EXPECT_EQ(Call(&Stub::CreateCategory, editor_, dup).status().code(),
            absl::StatusCode::kAlreadyExists);
  v1::RenameCategoryRequest rename;
  rename.set_name(upper);
  rename.set_display_name("手机类");
  EXPECT_TRUE(Call(&Stub::RenameCategory, editor_, rename).ok());
  dup.set_parent("categories/none");
  EXPECT_EQ(Call(&Stub::CreateCategory, editor_, dup).status().code(),
            absl::StatusCode::kNotFound);
  auto list = Call(&Stub::ListCategories, agent_, v1::ListCategoriesRequest());
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->categories_size(), 2);
  EXPECT_THAT(list->categories(1).path(), ElementsAre("手机类", "信号问题"));
}

TEST_F(KbServiceTest, CreateIsIdempotentPerRequestId) {
  v1::CreateArticleRequest r;
  r.mutable_content()->set_title("t");
  r.mutable_content()->set_body("b");
  r.mutable_content()->set_category(SignalCategory());
  r.set_request_id("req-1");
  auto a = Call(&Stub::CreateArticle, editor_, r);
  auto b = Call(&Stub::CreateArticle, editor_, r);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->name(), b->name());
}

TEST_F(KbServiceTest, CreateRefusesARequestIdReusedForAnotherArticle) {
  v1::CreateArticleRequest r;
  r.mutable_content()->set_title("手机信号弱怎么办");
  r.mutable_content()->set_body("重启手机");
  r.mutable_content()->set_category(SignalCategory());
  r.set_request_id("req-复用");
  auto a = Call(&Stub::CreateArticle, editor_, r);
  ASSERT_TRUE(a.ok()) << a.status();
  r.mutable_content()->set_title("如何重置密码");
  auto b = Call(&Stub::CreateArticle, editor_, r);
  EXPECT_EQ(b.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(b.status().message()),
              ::testing::HasSubstr("request_id"));
}

TEST_F(KbServiceTest, RejectNeedsACommentAndEtagsGuardEdits) {
  auto a = Create("手机信号弱", "重启手机");
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(Submit(a->name()).ok());
  v1::ReviewArticleRequest reject;
  reject.set_name(a->name());
  absl::Status s = Call(&Stub::ReviewArticle, reviewer_, reject).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(s).at(0).field, "comment");
  auto rejected = Review(a->name(), false, reviewer_);
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  v1::UpdateArticleRequest update;
  update.set_name(a->name());
  update.mutable_content()->set_title("手机信号弱的处理");
  update.mutable_update_mask()->add_paths("title");
  update.set_etag(a->etag());  // stale: the article moved on since
  absl::Status stale = Call(&Stub::UpdateArticle, editor_, update).status();
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReasonOf(stale), "ETAG_MISMATCH");
  update.set_etag(rejected->etag());
  auto updated = Call(&Stub::UpdateArticle, editor_, update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->content().title(), "手机信号弱的处理");
  EXPECT_EQ(updated->content().body(), "重启手机");
  update.mutable_update_mask()->add_paths("owner");
  EXPECT_EQ(Call(&Stub::UpdateArticle, editor_, update).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(KbServiceTest, SearchAndSuggestionsUseTheSynonymsFile) {
  StopHost();
  absl::StatusOr<SynonymTable> shipped =
      LoadSynonymsFile(CS_SOURCE_DIR "/deploy/config/kb_synonyms.conf");
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  options_.synonyms = *std::move(shipped);
  StartHost();
  v1::CreateArticleRequest create;
  create.mutable_content()->set_title("退款进度查询");
  create.mutable_content()->set_body(
      "申请退款后，款项在三个工作日内原路退回。");
  create.mutable_content()->set_category(SignalCategory());
  auto article = Call(&Stub::CreateArticle, editor_, create);
  ASSERT_TRUE(article.ok()) << article.status();
  ASSERT_TRUE(Submit(article->name()).ok());
  ASSERT_TRUE(Review(article->name(), true, reviewer_).ok());

  v1::SearchRequest search;
  search.set_query("怎么退钱");
  auto found = Call(&Stub::Search, agent_, search);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->hits_size(), 1);
  EXPECT_EQ(found->hits(0).article(), article->name());
  EXPECT_EQ(found->hits(0).highlighted_title(), "【退款】进度查询");

  v1::SuggestRequest suggest;
  suggest.set_subject("退钱");
  suggest.set_description("客户要求退钱");
  auto suggested = Call(&Stub::Suggest, agent_, suggest);
  ASSERT_TRUE(suggested.ok()) << suggested.status();
  ASSERT_GE(suggested->hits_size(), 1);
  EXPECT_EQ(suggested->hits(0).article(), article->name());

  // Without the file, the same query finds nothing.
  StopHost();
  options_.synonyms = SynonymTable();
  StartHost();
  EXPECT_EQ(Call(&Stub::Search, agent_, search)->total_hits(), 0);
}

TEST_F(KbServiceTest, SearchFiltersByChannelAndCustomerType) {
  auto publish = [&](const std::string& title, std::vector<std::string> channels,
                     std::vector<std::string> types) {
    v1::CreateArticleRequest r;
    r.mutable_content()->set_title(title);
    r.mutable_content()->set_body("退款将在三个工作日内原路退回。");
    r.mutable_content()->set_category(SignalCategory());
    for (auto& c : channels) r.mutable_content()->add_channels(c);
    for (auto& t : types) r.mutable_content()->add_customer_types(t);
    auto a = Call(&Stub::CreateArticle, editor_, r);
    EXPECT_TRUE(a.ok()) << a.status();
    EXPECT_TRUE(Submit(a->name()).ok());
    EXPECT_TRUE(Review(a->name(), true, reviewer_).ok());
    return a->name();
  };
  std::string all = publish("退款进度查询", {}, {});
  std::string vip_phone = publish("退款电话专线", {"PHONE"}, {"VIP"});
  std::string chat_new = publish("退款在线办理", {"ONLINE_CHAT"}, {"NEW"});
  auto names = [](const v1::SearchResponse& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits()) out.push_back(h.article());
    std::sort(out.begin(), out.end());
    return out;
  };
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  v1::SearchRequest r;
  r.set_query("退款");
  EXPECT_EQ(Call(&Stub::Search, agent_, r)->total_hits(), 3);
  r.set_channel("PHONE");
  EXPECT_EQ(names(*Call(&Stub::Search, agent_, r)), sorted({all, vip_phone}));
  r.set_customer_type("new");  // case-insensitive
  EXPECT_EQ(names(*Call(&Stub::Search, agent_, r)), sorted({all}));
  r.clear_channel();
  EXPECT_EQ(names(*Call(&Stub::Search, agent_, r)), sorted({all, chat_new}));
  r.set_channel("PHONE\x01");
  auto bad = Call(&Stub::Search, agent_, r);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("channel"));
  // A channel or customer type that does not exist is refused, not searched
  // for (and counted as a gap).
  r.set_channel("FAX");
  bad = Call(&Stub::Search, agent_, r);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("channel"));
  r.set_channel("phone");
  r.set_customer_type("GOLD");
  bad = Call(&Stub::Search, agent_, r);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("customer_type"));

  v1::CreateArticleRequest create;
  create.mutable_content()->set_title("传真办理退款");
  create.mutable_content()->set_body("请发送传真。");
  create.mutable_content()->set_category(SignalCategory());
  create.mutable_content()->add_channels("FAX");
  auto refused = Call(&Stub::CreateArticle, editor_, create);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("content.channels"));
  create.mutable_content()->set_channels(0, "phone");
  create.mutable_content()->add_customer_types("GOLD");
  refused = Call(&Stub::CreateArticle, editor_, create);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("content.customer_types"));
}

TEST_F(KbServiceTest, RenamedCategoryKeepsArticlesAndFilters) {
  std::string name = Published("手机信号弱", "重启手机");
  v1::RenameCategoryRequest rename;
  rename.set_name(phone_);
  rename.set_display_name("移动终端");
  EXPECT_EQ(Call(&Stub::RenameCategory, agent_, rename).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto renamed = Call(&Stub::RenameCategory, editor_, rename);
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_THAT(renamed->path(), ElementsAre("移动终端"));
  auto list = Call(&Stub::ListCategories, agent_, v1::ListCategoriesRequest());
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->categories_size(), 3);
  EXPECT_THAT(list->categories(2).path(),
              ElementsAre("移动终端", "信号问题", "企业客户"));

  v1::SearchRequest search;
  search.set_query("手机信号弱");
  search.set_category(phone_);
  auto found = Call(&Stub::Search, agent_, search);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->hits_size(), 1);
  EXPECT_EQ(found->hits(0).article(), name);
  EXPECT_THAT(found->hits(0).category_path(),
              ElementsAre("移动终端", "信号问题", "企业客户"));
  v1::GetArticleRequest get;
  get.set_name(name);
  EXPECT_THAT(Call(&Stub::GetArticle, editor_, get)->category_path(),
              ElementsAre("移动终端", "信号问题", "企业客户"));

  std::string other = Category("家电类", "");
  rename.set_display_name("家电类");  // a sibling's name
  EXPECT_EQ(Call(&Stub::RenameCategory, editor_, rename).status().code(),
            absl::StatusCode::kAlreadyExists);
  rename.set_display_name("a/b");
  EXPECT_EQ(Call(&Stub::RenameCategory, editor_, rename).status().code(),
            absl::StatusCode::kInvalidArgument);
  rename.set_name("categories/none");
  rename.set_display_name("新名字");
  EXPECT_EQ(Call(&Stub::RenameCategory, editor_, rename).status().code(),
            absl::StatusCode::kNotFound);
  StopHost();
  StartHost();
  found = Call(&Stub::Search, agent_, search);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->hits_size(), 1);
  EXPECT_THAT(found->hits(0).category_path(),
              ElementsAre("移动终端", "信号问题", "企业客户"));
}

TEST_F(KbServiceTest, OnlyEmptyCategoriesAreDeleted) {
  std::string name = Published("手机信号弱", "重启手机");
  v1::DeleteCategoryRequest del;
  del.set_name(phone_);
  auto refused = Call(&Stub::DeleteCategory, editor_, del);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReasonOf(refused.status()), "CATEGORY_NOT_EMPTY");
  del.set_name(leaf_);
  EXPECT_EQ(Call(&Stub::DeleteCategory, editor_, del).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // An archived article still holds its category (it can be restored).
  v1::ArchiveArticleRequest archive;
  archive.set_name(name);
  ASSERT_TRUE(Call(&Stub::ArchiveArticle, editor_, archive).ok());
  EXPECT_EQ(Call(&Stub::DeleteCategory, editor_, del).status().code(),
            absl::StatusCode::kFailedPrecondition);

  std::string empty = Category("宽带", phone_);
  del.set_name(empty);
  EXPECT_EQ(Call(&Stub::DeleteCategory, agent_, del).status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(Call(&Stub::DeleteCategory, editor_, del).ok());
  EXPECT_EQ(Call(&Stub::DeleteCategory, editor_, del).status().code(),
            absl::StatusCode::kNotFound);
  auto list = Call(&Stub::ListCategories, agent_, v1::ListCategoriesRequest());
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->categories_size(), 3);
  del.set_name("宽带");
  EXPECT_EQ(Call(&Stub::DeleteCategory, editor_, del).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(KbServiceTest, RestoredArticleIsRepublishedAsANewVersion) {
  std::string name = Published("手机信号弱", "重启手机");
  v1::RestoreArticleRequest restore;
  restore.set_name(name);
  auto early = Call(&Stub::RestoreArticle, editor_, restore);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReasonOf(early.status()), "ILLEGAL_TRANSITION");
  v1::ArchiveArticleRequest archive;
  archive.set_name(name);
  ASSERT_TRUE(Call(&Stub::ArchiveArticle, editor_, archive).ok());
  EXPECT_EQ(Call(&Stub::RestoreArticle, agent_, restore).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto restored = Call(&Stub::RestoreArticle, editor_, restore);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->state(), v1::ARTICLE_STATE_DRAFT);
  EXPECT_EQ(restored->content().title(), "手机信号弱");

  // Withdrawn until republished, also after a restart.
  v1::GetArticleRequest get;
  get.set_name(name);
  EXPECT_EQ(Search("手机信号弱")->total_hits(), 0);
  EXPECT_EQ(Call(&Stub::GetArticle, agent_, get).status().code(),
            absl::StatusCode::kNotFound);
  StopHost();
  StartHost();
  EXPECT_EQ(Search("手机信号弱")->total_hits(), 0);

  ASSERT_TRUE(Submit(name).ok());
  auto republished = Review(name, true, reviewer_);
  ASSERT_TRUE(republished.ok()) << republished.status();
  EXPECT_EQ(republished->published_version(), "1.1");
  auto found = Search("手机信号弱");
  ASSERT_EQ(found->hits_size(), 1);
  EXPECT_EQ(found->hits(0).version(), "1.1");
  EXPECT_EQ(Call(&Stub::GetArticle, agent_, get).ok(), true);
}

}  // namespace
}  // namespace cs::kb
