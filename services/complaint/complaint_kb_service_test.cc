// Service tests of what leaves complaint-server: closed cases published to
// the REAL knowledge-base service as drafts, and personal data masked for
// callers without the PII-reveal permission.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/complaint/testing/complaint_test_env.h"

namespace cs::complaint {
namespace {

namespace kbv1 = cs::kb::v1;
using ::cs::complaint::testing::ComplaintServiceTest;
using ::testing::HasSubstr;
using ::testing::Not;
using KB = kbv1::KnowledgeBaseService::Stub;

// The description carries personal data, as customers' words do.
v1::FileRequest WithPersonalData(const std::string& request_id) {
  v1::FileRequest req;
  req.set_request_id(request_id);
  v1::Complaint* c = req.mutable_complaint();
  c->set_customer_id("cust-42");
  c->set_channel(cs::common::v1::CHANNEL_PHONE);
  c->set_severity(v1::SEVERITY_MAJOR);
  c->set_description(
      "本人李娜，电话 138-1234-5678，身份证11010519491231002X，"
      "订单号：2024051812345678901 三次未送达");
  c->add_items("快递未送达，请回电 13987654321");
  c->set_department("物流部");
  return req;
}

TEST_F(ComplaintServiceTest, ClosedComplaintBecomesOneDraftArticle) {
  const v1::Complaint filed = FileOk("kb-open");
  v1::PublishToKnowledgeBaseRequest publish;
  publish.set_name(filed.name());
  absl::Status open = Call(complaints_.get(), &CS::PublishToKnowledgeBase,
                           officer_, publish)
                          .status();
  EXPECT_EQ(open.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(open.message(), HasSubstr("RECEIVED"));

  const v1::Complaint closed = FileAndClose(WithPersonalData("kb-1"));
  ASSERT_EQ(closed.stage(), v1::COMPLAINT_STAGE_CLOSED);
  publish.set_name(closed.name());
  EXPECT_EQ(Call(complaints_.get(), &CS::PublishToKnowledgeBase, agent_,
                 publish)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  auto requested = Call(complaints_.get(), &CS::PublishToKnowledgeBase,
                        officer_, publish);
  ASSERT_TRUE(requested.ok()) << requested.status();
  EXPECT_TRUE(requested->has_kb_publish_time());
  Settle();
  const std::string article = GetAs(officer_, closed.name()).kb_article();
  ASSERT_THAT(article, ::testing::StartsWith("articles/"));

  // Publishing again (and redelivering) keeps the one article.
  auto again = Call(complaints_.get(), &CS::PublishToKnowledgeBase, supervisor_,
                    publish);
  ASSERT_TRUE(again.ok()) << again.status();
  Settle();
  EXPECT_EQ(GetAs(officer_, closed.name()).kb_article(), article);

  kbv1::GetArticleRequest get;
  get.set_name(article);
  auto draft = cs::testing::CallAs(kb_.get(), &KB::GetArticle, kb_editor_, get);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->state(), kbv1::ARTICLE_STATE_DRAFT);
  EXPECT_THAT(draft->category_path(),
              ::testing::ElementsAre("投诉案例", "物流配送"));
  EXPECT_EQ(draft->owner(), "service:complaint");
  EXPECT_THAT(draft->content().tags(), ::testing::Contains("投诉案例"));
  const std::string& body = draft->content().body();
  EXPECT_THAT(body, HasSubstr("快递未送达，请回电 139****4321"));
  EXPECT_THAT(body, HasSubstr("派送前缺少电话确认"));
  EXPECT_THAT(body, HasSubstr("派送前增加电话确认"));
  EXPECT_THAT(body, HasSubstr("补发商品并致歉"));
  for (const char* secret : {"13987654321", "13812345678", "138-1234-5678",
                             "李娜", "cust-42", "11010519491231002X",
                             "logistics-lead"}) {
    EXPECT_THAT(draft->content().title() + body, Not(HasSubstr(secret)))
        << secret;
  }
  // Not published: agents do not find it.
  EXPECT_EQ(cs::testing::CallAs(kb_.get(), &KB::GetArticle, agent_, get)
                .status()
                .code(),
            absl::StatusCode::kNotFound);

  // A second case of the same cause reuses the category tree.
  const v1::Complaint second = FileAndClose(WithPersonalData("kb-2"));
  publish.set_name(second.name());
  ASSERT_TRUE(Call(complaints_.get(), &CS::PublishToKnowledgeBase, officer_,
                   publish)
                  .ok());
  Settle();
  EXPECT_NE(GetAs(officer_, second.name()).kb_article(), article);
  auto categories =
      cs::testing::CallAs(kb_.get(), &KB::ListCategories, kb_editor_,
                          kbv1::ListCategoriesRequest());
  ASSERT_TRUE(categories.ok()) << categories.status();
  EXPECT_EQ(categories->categories_size(), 2);
  kbv1::ListArticlesRequest drafts;
  drafts.set_state(kbv1::ARTICLE_STATE_DRAFT);
  auto listed =
      cs::testing::CallAs(kb_.get(), &KB::ListArticles, kb_editor_, drafts);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->articles_size(), 2);
}

TEST_F(ComplaintServiceTest, PublishingSurvivesARestartBeforeDelivery) {
  StopComplaint();
  StartComplaint(/*deliver=*/false);
  const v1::Complaint closed = FileAndClose(WithPersonalData("kb-restart"));
  v1::PublishToKnowledgeBaseRequest publish;
  publish.set_name(closed.name());
  ASSERT_TRUE(Call(complaints_.get(), &CS::PublishToKnowledgeBase, officer_,
                   publish)
                  .ok());
  auto pending = complaint_app_->PendingCommands();
  ASSERT_TRUE(pending.ok());
  ASSERT_FALSE(pending->empty());
  EXPECT_TRUE(pending->back().has_publish_case());
  EXPECT_TRUE(GetAs(officer_, closed.name()).kb_article().empty());

  StopComplaint();
  StartComplaint(/*deliver=*/true);
  Settle();
  EXPECT_THAT(GetAs(officer_, closed.name()).kb_article(),
              ::testing::StartsWith("articles/"));
}

TEST_F(ComplaintServiceTest, RefusedDraftCanBeRequestedAgain) {
  StopComplaint();
  int refusals = 0;
  publish_override_ = [&refusals](const v1::PublishCase&)
      -> absl::StatusOr<std::string> {
    ++refusals;
    return absl::InvalidArgumentError("content.body is too long");
  };
  StartComplaint(/*deliver=*/true);
  const v1::Complaint closed = FileAndClose(WithPersonalData("kb-refused"));
  v1::PublishToKnowledgeBaseRequest publish;
  publish.set_name(closed.name());
  ASSERT_TRUE(Call(complaints_.get(), &CS::PublishToKnowledgeBase, officer_,
                   publish)
                  .ok());
  Settle();
  EXPECT_EQ(refusals, 1);  // final: not retried
  v1::Complaint after = GetAs(officer_, closed.name());
  EXPECT_FALSE(after.has_kb_publish_time());
  EXPECT_TRUE(after.kb_article().empty());
  auto pending = complaint_app_->PendingCommands();
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());

  StopComplaint();
  publish_override_ = nullptr;
  StartComplaint(/*deliver=*/true);
  ASSERT_TRUE(Call(complaints_.get(), &CS::PublishToKnowledgeBase, officer_,
                   publish)
                  .ok());
  Settle();
  EXPECT_THAT(GetAs(officer_, closed.name()).kb_article(),
              ::testing::StartsWith("articles/"));
}

TEST_F(ComplaintServiceTest, PersonalDataMaskedUnlessCallerMayReadIt) {
  auto filed =
      Call(complaints_.get(), &CS::File, channel_, WithPersonalData("pii-1"));
  ASSERT_TRUE(filed.ok()) << filed.status();
  const std::string masked_description =
      "本人李娜，电话 138****5678，身份证110***********002X，"
      "订单号：2024051812345678901 三次未送达";
  // The filing channel is a service: it gets the masked view back.
  EXPECT_EQ(filed->description(), masked_description);
  for (const std::string& token : {officer_, supervisor_}) {
    const v1::Complaint clear = GetAs(token, filed->name());
    EXPECT_EQ(clear.description(), WithPersonalData("x").complaint().description());
    EXPECT_EQ(clear.items(0), "快递未送达，请回电 13987654321");
  }
  for (const std::string& token : {director_, admin_, channel_}) {
    const v1::Complaint masked = GetAs(token, filed->name());
    EXPECT_EQ(masked.description(), masked_description);
    EXPECT_EQ(masked.items(0), "快递未送达，请回电 139****4321");
  }
  auto listed = Call(complaints_.get(), &CS::List, director_, v1::ListRequest());
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->complaints_size(), 1);
  EXPECT_EQ(listed->complaints(0).description(), masked_description);
  // Changes answer with the caller's view too; the record stays intact.
  v1::AcknowledgeRequest ack;
  ack.set_name(filed->name());
  auto acked = Call(complaints_.get(), &CS::Acknowledge, director_, ack);
  ASSERT_TRUE(acked.ok()) << acked.status();
  EXPECT_EQ(acked->description(), masked_description);
  EXPECT_EQ(GetAs(officer_, filed->name()).description(),
            WithPersonalData("x").complaint().description());
}

}  // namespace
}  // namespace cs::complaint
