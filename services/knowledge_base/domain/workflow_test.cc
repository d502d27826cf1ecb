#include "services/knowledge_base/domain/workflow.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "services/knowledge_base/domain/render.h"

namespace cs::kb {
namespace {

using auth::Role;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using S = v1::ArticleState;

auth::Principal As(Role role) {
  auth::Principal p;
  p.subject = "u";
  p.roles = {role};
  return p;
}

TEST(WorkflowTest, Transitions) {
  EXPECT_TRUE(
      CheckTransition(S::ARTICLE_STATE_DRAFT, S::ARTICLE_STATE_IN_REVIEW).ok());
  EXPECT_TRUE(
      CheckTransition(S::ARTICLE_STATE_IN_REVIEW, S::ARTICLE_STATE_PUBLISHED)
          .ok());
  EXPECT_TRUE(
      CheckTransition(S::ARTICLE_STATE_PUBLISHED, S::ARTICLE_STATE_ARCHIVED)
          .ok());
  absl::Status s =
      CheckTransition(S::ARTICLE_STATE_DRAFT, S::ARTICLE_STATE_DRAFT);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReasonOf(s), "ILLEGAL_TRANSITION");
  EXPECT_FALSE(
      CheckTransition(S::ARTICLE_STATE_ARCHIVED, S::ARTICLE_STATE_PUBLISHED)
          .ok());
  EXPECT_TRUE(
      CheckTransition(S::ARTICLE_STATE_ARCHIVED, S::ARTICLE_STATE_DRAFT).ok());
  EXPECT_FALSE(
      CheckTransition(S::ARTICLE_STATE_ARCHIVED, S::ARTICLE_STATE_IN_REVIEW)
          .ok());
  EXPECT_FALSE(
      CheckTransition(S::ARTICLE_STATE_IN_REVIEW, S::ARTICLE_STATE_ARCHIVED)
          .ok());
}

TEST(WorkflowTest, Permissions) {
  EXPECT_TRUE(CheckPermission(As(Role::kKbEditor), Action::kEdit).ok());
  EXPECT_TRUE(CheckPermission(As(Role::kKbEditor), Action::kReview).ok());
  EXPECT_EQ(CheckPermission(As(Role::kAgent), Action::kEdit).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckPermission(As(Role::kSupervisor), Action::kReview).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckPermission(As(Role::kService), Action::kDraft).ok());
  EXPECT_FALSE(CheckPermission(As(Role::kService), Action::kEdit).ok());
  EXPECT_FALSE(CheckPermission(As(Role::kAgent), Action::kDraft).ok());
  EXPECT_TRUE(CheckPermission(As(Role::kAgent), Action::kRead).ok());
  EXPECT_TRUE(CheckPermission(As(Role::kAgent), Action::kUse).ok());
  EXPECT_TRUE(CheckPermission(As(Role::kSupervisor), Action::kCurate).ok());
  EXPECT_FALSE(CheckPermission(As(Role::kAgent), Action::kCurate).ok());
}

TEST(WorkflowTest, VersionNumbers) {
  EXPECT_EQ(NextVersion(0, 0, false), std::make_pair(1, 0));
  EXPECT_EQ(NextVersion(0, 0, true), std::make_pair(1, 0));
  EXPECT_EQ(NextVersion(1, 0, false), std::make_pair(1, 1));
  EXPECT_EQ(NextVersion(1, 4, true), std::make_pair(2, 0));
  EXPECT_EQ(VersionLabel(1, 1), "1.1");
  auto v = ParseVersionName("articles/abc/versions/2.10", "version");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->article_id, "abc");
  EXPECT_EQ(v->major, 2);
  EXPECT_EQ(v->minor, 10);
  EXPECT_FALSE(ParseVersionName("articles/abc/versions/x", "v").ok());
  EXPECT_FALSE(ParseArticleName("tickets/abc", "name").ok());
}

TEST(WorkflowTest, ValidateContent) {
  v1::ArticleContent c;
  c.set_title("手机信号弱");
  c.set_body("重启手机");
  c.set_category("categories/c1");
  ASSERT_TRUE(ValidateContent(c, "content.").ok());
  EXPECT_EQ(c.language(), "zh-CN");
  c.set_title(std::string("bad\xff", 4));
  absl::Status s = ValidateContent(c, "content.");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(s).at(0).field, "content.title");
  c.set_title("ok");
  c.clear_category();
  EXPECT_EQ(FieldViolationsOf(ValidateContent(c, "content.")).at(0).field,
            "content.category");
}

TEST(RenderTest, MarkdownBecomesPlainText) {
  std::string md =
      "# 信号弱\n\n**先**重启手机。\n- 检查 SIM 卡\n- 见 "
      "[帮助](https://x.cn)\n```\ncode\n```";
  EXPECT_EQ(
      PlainBody(md, v1::BODY_FORMAT_MARKDOWN),
      "信号弱\n\n先重启手机。\n• 检查 SIM 卡\n• 见 帮助 (https://x.cn)\ncode");
  v1::ArticleContent c;
  c.set_title("标题");
  c.set_body("a\n\n\n\nb  ");
  EXPECT_EQ(CustomerText(c), "标题\n\na\n\nb");
}

TEST(RenderTest, LineDiff) {
  auto diff = LineDiff("a\nb\nc", "a\nx\nc\nd");
  std::string ops;
  for (const auto& line : diff) {
    ops += line.op() == v1::DiffLine::OP_EQUAL    ? "="
           : line.op() == v1::DiffLine::OP_INSERT ? "+"
                                                  : "-";
    ops += line.text();
  }
  EXPECT_EQ(ops, "=a-b+x=c+d");
}

TEST(RenderTest, DiffableTextShowsTagsAndApplicability) {
  v1::ArticleContent before;
  before.set_title("信号弱");
  before.set_body("重启手机");
  before.set_category("categories/c1");
  before.add_tags("5G");
  before.set_format(v1::BODY_FORMAT_MARKDOWN);
  v1::ArticleContent after = before;
  after.add_tags("信号");
  after.add_channels("PHONE");

  std::vector<std::string> inserted, deleted;
  for (const v1::DiffLine& line :
       LineDiff(DiffableText(before), DiffableText(after))) {
    if (line.op() == v1::DiffLine::OP_INSERT) inserted.push_back(line.text());
    if (line.op() == v1::DiffLine::OP_DELETE) deleted.push_back(line.text());
  }
  EXPECT_THAT(inserted, ElementsAre("tags: 5G, 信号", "channels: PHONE"));
  EXPECT_THAT(deleted, ElementsAre("tags: 5G", "channels: "));
  EXPECT_THAT(DiffableText(before), HasSubstr("\nformat: MARKDOWN\n"));
}

}  // namespace
}  // namespace cs::kb
