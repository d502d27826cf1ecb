// csctl kb … run in-process against a real knowledge-base server (loopback,
// RocksDB in a temp dir, manual clock).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/files.h"
#include "libs/server/test_host.h"
#include "libs/testing/temp_dir.h"
#include "services/knowledge_base/testing/kb_test_server.h"
#include "tools/csctl/cli.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/test_util.h"

namespace cs::csctl {
namespace {

using auth::Role;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class CsctlKbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterAllCommands(registry_);
    kb_.Start(dir_, clock_);
  }
  void TearDown() override { kb_.Shutdown(); }

  CliResult Run(const std::vector<std::string>& args,
                const std::string& token) {
    return RunCsctl(registry_, kb_.target(), args, token);
  }

  // A published article in a new category, written by editor-1 and approved
  // by editor-2; returns its name.
  std::string PublishArticle(const std::string& title,
                             const std::string& body) {
    CliResult r = Run({"kb", "category", "create", "手机类"}, editor_);
    EXPECT_EQ(r.code, kExitOk) << r.err;
    const std::string category = r.out.substr(0, r.out.find(' '));
    r = Run({"kb", "article", "create", "--title", title, "--body", body,
             "--category", category, "--tags", "信号", "--channels",
             "phone,online_chat"},
            editor_);
    EXPECT_EQ(r.code, kExitOk) << r.err;
    const std::string name = ValueOf(r.out, "name");
    EXPECT_EQ(ValueOf(r.out, "channels"), "PHONE,ONLINE_CHAT");
    EXPECT_EQ(
        Run({"kb", "article", "submit", name, "--note", "初稿"}, editor_).code,
        kExitOk);
    r = Run({"kb", "article", "approve", name}, reviewer_);
    EXPECT_EQ(r.code, kExitOk) << r.err;
    EXPECT_EQ(ValueOf(r.out, "version"), "V1.0");
    return name;
  }

  CommandRegistry registry_;
  ManualClock clock_{absl::FromUnixSeconds(1795000000)};
  cs::testing::TempDir dir_;
  kb::testing::KbTestServer kb_;
  const std::string editor_ =
      cs::testing::TestToken({Role::kKbEditor}, "editor-1");
  const std::string reviewer_ =
      cs::testing::TestToken({Role::kKbEditor}, "editor-2");
  const std::string agent_ =
      cs::testing::TestToken({Role::kAgent}, "agent-007", "客服部");
};

TEST_F(CsctlKbTest, UpdateRepublishDiffAndRollBackByShortVersionNames) {
  const std::string name =
      PublishArticle("手机信号弱怎么办", "1. 重启手机\n2. 检查SIM卡");

  // Only the flags given change: the title and category stay.
  CliResult r = Run({"kb", "article", "update", name, "--body",
                     "1. 重启手机\n2. 重置网络设置", "--tags", "信号,网络"},
                    editor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "state"), "DRAFT");
  EXPECT_EQ(ValueOf(r.out, "title"), "手机信号弱怎么办");
  EXPECT_EQ(ValueOf(r.out, "category"), "手机类");
  EXPECT_EQ(ValueOf(r.out, "tags"), "信号,网络");
  EXPECT_EQ(Run({"kb", "article", "update", name}, editor_).code, kExitUsage);
  r = Run({"kb", "article", "update", name, "--body-file", "/nonexistent/x.md"},
          editor_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--body-file"));
  r = Run({"kb", "article", "update", name, "--format", "pdf"}, editor_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--format"));

  r = Run({"kb", "article", "list", "--state", "draft"}, editor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr(name));
  EXPECT_THAT(r.out, HasSubstr("手机信号弱怎么办"));
  r = Run({"kb", "article", "list", "--state", "archived"}, editor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr(name)));

  ASSERT_EQ(Run({"kb", "article", "submit", name}, editor_).code, kExitOk);
  r = Run({"kb", "article", "approve", name}, reviewer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "version"), "V1.1");

  // The names `versions` prints, with or without the V, work as arguments.
  r = Run({"kb", "article", "versions", name}, editor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("V1.0"));
  EXPECT_THAT(r.out, HasSubstr("V1.1"));
  r = Run({"kb", "article", "diff", name, "V1.0", "1.1"}, editor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("- 2. 检查SIM卡"));
  EXPECT_THAT(r.out, HasSubstr("+ 2. 重置网络设置"));
  EXPECT_THAT(r.out, HasSubstr("  1. 重启手机"));
  // Tags are part of what a version changed.
  EXPECT_THAT(r.out, HasSubstr("+ tags: 信号, 网络"));
  r = Run({"kb", "article", "diff", absl::StrCat(name, "/versions/1.0"),
           absl::StrCat(name, "/versions/1.1")},
          editor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("+ 2. 重置网络设置"));
  r = Run({"kb", "article", "diff", "1.0", "1.1"}, editor_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("ARTICLE FROM TO"));
  r = Run({"kb", "article", "diff", name, "1.0", "9.9"}, editor_);
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: NOT_FOUND"));

  r = Run({"kb", "article", "rollback", name, "V1.0"}, editor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "version"), "V1.2");
  EXPECT_THAT(r.out, HasSubstr("2. 检查SIM卡"));
  r = Run({"kb", "search", "检查SIM卡"}, agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr(name));

  // An empty list flag clears the list; absent flags still change nothing.
  r = Run({"kb", "article", "update", name, "--tags", "信号", "--channels",
           "phone"},
          editor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "tags"), "信号");
  EXPECT_EQ(ValueOf(r.out, "channels"), "PHONE");
  r = Run({"kb", "article", "update", name, "--tags="}, editor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "tags"), "");
  EXPECT_EQ(ValueOf(r.out, "channels"), "PHONE");
}

TEST_F(CsctlKbTest, ConfirmMovesReviewByAndAgentsCannotEdit) {
  const std::string name = PublishArticle("如何申请退款", "进入订单页面");
  CliResult before = Run({"kb", "article", "get", name}, editor_);
  ASSERT_EQ(before.code, kExitOk) << before.err;
  clock_.Advance(absl::Hours(24 * 10));
  CliResult after = Run({"kb", "article", "confirm", name}, editor_);
  ASSERT_EQ(after.code, kExitOk) << after.err;
  EXPECT_GT(ValueOf(after.out, "review_by"), ValueOf(before.out, "review_by"));

  CliResult r =
      Run({"kb", "article", "update", name, "--title", "改标题"}, agent_);
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: PERMISSION_DENIED"));
  r = Run({"kb", "article", "get", name}, editor_);
  EXPECT_EQ(ValueOf(r.out, "title"), "如何申请退款");
}

}  // namespace
}  // namespace cs::csctl
