// csctl import tickets | articles run in-process against real ticket and
// knowledge-base servers (loopback, RocksDB in temp dirs, manual clock).
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cs/kb/v1/kb.grpc.pb.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/files.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "libs/testing/temp_dir.h"
#include "services/knowledge_base/testing/kb_test_server.h"
#include "services/ticket/testing/ticket_test_server.h"
#include "tools/csctl/cli.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/import_runner.h"
#include "tools/csctl/test_util.h"

namespace cs::csctl {
namespace {

using auth::Role;
using ::testing::HasSubstr;
using ::testing::Not;

using Result = CliResult;

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterAllCommands(registry_);
    tickets_.Start(ticket_dir_, clock_);
    kb_.Start(kb_dir_, clock_);
  }
  void TearDown() override {
    kb_.Shutdown();
    tickets_.Shutdown();
  }

  std::string WriteCsv(const std::string& name, const std::string& text) {
    std::string path = absl::StrCat(files_.path(), "/", name);
    EXPECT_TRUE(WriteFileAtomically(path, text).ok());
    return path;
  }

  Result Run(const std::string& addr, const std::vector<std::string>& args,
             const std::string& token, Environment env = {}) {
    return RunCsctl(registry_, addr, args, token, std::move(env));
  }

  int TicketCount() {
    auto stub = tickets_.NewStub();
    ticket::v1::ListTicketsRequest request;
    request.set_page_size(200);
    auto response = cs::testing::CallAs(
        stub.get(), &ticket::v1::TicketService::Stub::ListTickets, supervisor_,
        request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->tickets_size() : -1;
  }

  std::string kb_addr() const { return kb_.target(); }

  CommandRegistry registry_;
  ManualClock clock_{absl::FromUnixSeconds(1795000000)};
  cs::testing::TempDir ticket_dir_, kb_dir_, files_;
  ticket::testing::TicketTestServer tickets_;
  kb::testing::KbTestServer kb_;
  const std::string supervisor_ =
      cs::testing::TestToken({Role::kSupervisor}, "sup-1", "客服部");
  const std::string editor_ =
      cs::testing::TestToken({Role::kKbEditor}, "editor-1");
  const std::string reviewer_ =
      cs::testing::TestToken({Role::kKbEditor}, "editor-2");
};

// Excel-style file: BOM, CRLF, quoted commas and line breaks, Chinese text;
// columns in an unusual order. Line 5 has a bad channel, line 7 too few
// fields, line 8 repeats line 2.
constexpr char kTickets[] =
    "\xEF\xBB\xBF" "subject,customer_id,customer_name,customer_title,"
    "customer_phone,channel,stage,description,category,affected_customers,"
    "loss_yuan\r\n"
    "手机信号弱,c-1001,张三,mr,13812341234,phone,after_sale,"
    "\"地下车库无信号, 通话中断\",手机类/信号问题,1,\r\n"
    "支付失败,c-1002,李四,ms,13900001111,app,in_sale,"
    "\"支付页面报错：\r\n“系统繁忙”\",支付类,150,120000.50\r\n"
    "退款进度,c-1001,,,,email,after_sale,询问退款,,,\r\n"
    "咨询,c-1003,王五,mr,13700002222,fax,pre_sale,传真咨询,,,\r\n"
    "无客户,c-9999,,,,phone,pre_sale,客户不存在,,,\r\n"
    "字段不够,c-1001,phone\r\n"
    "手机信号弱,c-1001,张三,mr,13812341234,phone,after_sale,"
    "\"地下车库无信号, 通话中断\",手机类/信号问题,1,\r\n";

TEST_F(ImportTest, TicketsGoodRowsImportedBadRowsReportedRerunCreatesNothing) {
  const std::string path = WriteCsv("tickets.csv", kTickets);
  const std::string addr = tickets_.target();
  Result r = Run(addr, {"import", "tickets", path}, supervisor_);
  EXPECT_EQ(r.code, kExitFailure) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("3 of 7 rows"));
  // Line numbers count physical lines: the quoted line break in line 3
  // makes the fourth record start on line 5.
  EXPECT_THAT(r.out, HasSubstr("6     failed     INVALID_ARGUMENT: channel: \"fax\""));
  EXPECT_THAT(r.out, HasSubstr("7     failed     NOT_FOUND: ticket.customer_id"));
  EXPECT_THAT(r.out, HasSubstr("8     failed     INVALID_ARGUMENT: the row has 3 fields"));
  EXPECT_THAT(r.out, HasSubstr("9     duplicate  same as line 2"));
  EXPECT_THAT(r.out, HasSubstr("7 rows, 3 imported"));
  EXPECT_EQ(TicketCount(), 3);

  // The customer was created from the row; the A-grade inputs arrived.
  auto stub = tickets_.NewStub();
  {
    ticket::v1::ListTicketsRequest request;
    request.mutable_filter()->set_customer_id("c-1002");
    auto response = cs::testing::CallAs(
        stub.get(), &ticket::v1::TicketService::Stub::ListTickets, supervisor_,
        request);
    ASSERT_TRUE(response.ok()) << response.status();
    ASSERT_EQ(response->tickets_size(), 1);
    const ticket::v1::Ticket& t = response->tickets(0);
    EXPECT_EQ(t.affected_customer_count(), 150);
    EXPECT_EQ(t.loss_estimate().minor_units(), 12000050);
    EXPECT_EQ(t.customer_display_name(), "李女士");
    EXPECT_EQ(t.channel(), common::v1::CHANNEL_APP);
  }

  // Fix the bad rows and run again: only the new rows are created.
  std::string fixed = kTickets;
  fixed.replace(fixed.find("fax"), 3, "walk_in");
  r = Run(addr, {"--json", "import", "tickets", path}, supervisor_);
  EXPECT_EQ(TicketCount(), 3);  // nothing created twice
  r = Run(addr, {"--json", "import", "tickets", WriteCsv("t2.csv", fixed)},
          supervisor_);
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.out, HasSubstr("\"imported\":4"));
  EXPECT_THAT(r.out, HasSubstr("\"failed\":2"));
  EXPECT_THAT(r.out, HasSubstr("\"duplicate_of\":2"));
  EXPECT_EQ(TicketCount(), 4);
}

TEST_F(ImportTest, FileLevelProblemsWriteNothing) {
  const std::string addr = tickets_.target();
  Result r = Run(addr,
                 {"import", "tickets",
                  WriteCsv("a.csv", "customer_id,channel,stage,subject,"
                                    "description,priority\nc-1,phone,"
                                    "pre_sale,s,d,high\n")},
                 supervisor_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("unknown column \"priority\""));
  r = Run(addr,
          {"import", "tickets",
           WriteCsv("b.csv", "customer_id,channel,subject,description\n")},
          supervisor_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("missing required column \"stage\""));
  r = Run(addr,
          {"import", "tickets",
           WriteCsv("c.csv",
                    "customer_id,channel,stage,subject,description,"
                    "customer_name\nc-1,phone,pre_sale,s,d,张三\n"
                    "c-2,phone,pre_sale,\"未闭合,d,李四\n")},
          supervisor_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("line 3: a quoted field is never closed"));
  // An unusable token stops at the first row instead of failing them all.
  r = Run(addr,
          {"import", "tickets",
           WriteCsv("d.csv",
                    "customer_id,channel,stage,subject,description\n"
                    "c-1,phone,pre_sale,s,d\nc-2,phone,pre_sale,s,d\n")},
          "not-a-token");
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, HasSubstr("UNAUTHENTICATED: stopped at line 2"));
  r = Run(addr, {"import", "tickets", "/nonexistent/t.csv"}, supervisor_);
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_EQ(TicketCount(), 0);
}

TEST_F(ImportTest, RowErrorsNameTheColumnOnce) {
  // Line 3's description is GBK ("中文"), as an old spreadsheet saves it.
  const std::string path =
      WriteCsv("gbk.csv",
               "customer_id,channel,stage,subject,description\n"
               "c-1,phone,pre_sale,,描述\n"
               "c-1,phone,pre_sale,主题,\xD6\xD0\xCE\xC4\n");
  Result r = Run(tickets_.target(), {"import", "tickets", path}, supervisor_);
  EXPECT_EQ(r.code, kExitFailure) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("3     failed  INVALID_ARGUMENT: column "
                               "description (field 5): not valid UTF-8"));
  // The server's message is its one field violation: said once.
  EXPECT_THAT(r.out, HasSubstr("2     failed  INVALID_ARGUMENT: "
                               "ticket.subject: is required\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("field ticket.subject")));
  EXPECT_EQ(TicketCount(), 0);
}

// An external_id names one row: a later row with the same id and the same
// content is a duplicate, one with different content a failed row (sending
// it would only return the earlier row's ticket).
TEST_F(ImportTest, TicketsRowReusingExternalIdForOtherContentFails) {
  const std::string path = WriteCsv(
      "imp3.csv",
      "customer_id,channel,stage,subject,description,external_id,"
      "customer_name,customer_title,customer_phone\n"
      "c-3001,phone,after_sale,第一行,描述一,z1,张三,mr,13812341234\n"
      "c-3009,email,pre_sale,完全不同的工单,描述二,z1,李四,ms,13900001111\n"
      "c-3001,phone,after_sale,第一行,描述一,z1,张三,mr,13812341234\n");
  Result r = Run(tickets_.target(), {"import", "tickets", path}, supervisor_);
  EXPECT_EQ(r.code, kExitFailure) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("3     failed     INVALID_ARGUMENT: "
                               "external_id z1 was used by line 2 for a "
                               "different row"));
  EXPECT_THAT(r.out, HasSubstr("4     duplicate  same as line 2"));
  EXPECT_THAT(r.out, HasSubstr("3 rows, 1 imported (new or already present), "
                               "1 duplicates, 1 failed"));
  EXPECT_THAT(r.err, HasSubstr("1 of 3 rows"));
  EXPECT_EQ(TicketCount(), 1);

  r = Run(tickets_.target(), {"--json", "import", "tickets", path},
          supervisor_);
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.out, HasSubstr("\"failed\":1"));
  EXPECT_THAT(r.out, HasSubstr("\"duplicates\":1"));
  EXPECT_EQ(TicketCount(), 1);
}

TEST_F(ImportTest, ArticlesRowReusingExternalIdForOtherContentFails) {
  const std::string path =
      WriteCsv("articles.csv",
               "title,body,category,external_id\n"
               "手机信号弱怎么办,重启手机,手机类/信号问题,kb-1\n"
               "如何申请退款,进入订单页面,售后服务/退款,kb-1\n"
               "手机信号弱怎么办,重启手机,手机类/信号问题,kb-1\n");
  Result r = Run(kb_addr(), {"import", "articles", path}, editor_);
  EXPECT_EQ(r.code, kExitFailure) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("external_id kb-1 was used by line 2 for a "
                               "different row"));
  EXPECT_THAT(r.out, HasSubstr("4     duplicate  same as line 2"));
  EXPECT_THAT(r.out, HasSubstr("3 rows, 1 imported"));

  auto stub = kb_.NewStub();
  auto articles = cs::testing::CallAs(
      stub.get(), &kb::v1::KnowledgeBaseService::Stub::ListArticles, editor_,
      kb::v1::ListArticlesRequest());
  ASSERT_TRUE(articles.ok()) << articles.status();
  ASSERT_EQ(articles->articles_size(), 1);
  EXPECT_EQ(articles->articles(0).content().title(), "手机信号弱怎么办");
}

TEST_F(ImportTest, ArticlesPublishedIntoCreatedCategoriesAndSearchable) {
  const std::string path = WriteCsv(
      "articles.csv",
      "title,body,category,tags,channels,format\n"
      "手机信号弱怎么办,\"1. 重启手机\n2. 检查SIM卡\n3. 重置网络设置\","
      "手机类/信号问题,信号;网络,phone;online_chat,plain\n"
      "如何申请退款,\"进入订单页面，点击“申请退款”。\",售后服务/退款,,,"
      "markdown\n"
      "坏格式,正文,售后服务,,,pdf\n");
  Result r = Run(kb_addr(), {"import", "articles", path, "--publish"}, editor_,
                 {{"CSCTL_IMPORT_ARTICLES_REVIEWER_TOKEN", reviewer_}});
  EXPECT_EQ(r.code, kExitFailure) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("format: \"pdf\" is not plain or markdown"));
  EXPECT_THAT(r.out, HasSubstr("3 rows, 2 imported"));
  r = Run(kb_addr(), {"import", "articles", path, "--publish"}, editor_,
          {{"CSCTL_IMPORT_ARTICLES_REVIEWER_TOKEN", reviewer_}});
  EXPECT_THAT(r.out, HasSubstr("3 rows, 2 imported"));

  auto stub = kb_.NewStub();
  auto articles = cs::testing::CallAs(
      stub.get(), &kb::v1::KnowledgeBaseService::Stub::ListArticles, editor_,
      kb::v1::ListArticlesRequest());
  ASSERT_TRUE(articles.ok()) << articles.status();
  ASSERT_EQ(articles->articles_size(), 2);  // the re-run created none
  for (const kb::v1::Article& a : articles->articles()) {
    EXPECT_EQ(a.state(), kb::v1::ARTICLE_STATE_PUBLISHED) << a.name();
    EXPECT_EQ(a.published_version(), "1.0");
  }
  r = Run(kb_addr(), {"kb", "category", "list"}, editor_);
  EXPECT_THAT(r.out, HasSubstr("信号问题"));
  r = Run(kb_addr(), {"kb", "search", "手机信号弱"}, supervisor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("】怎么办"));

  r = Run(kb_addr(), {"import", "articles", path, "--publish"}, editor_);
  EXPECT_EQ(r.code, kExitUsage);
}

TEST_F(ImportTest, ArticleRefusedByTheServerLeavesNoCategoryBehind) {
  const std::string path =
      WriteCsv("articles.csv",
               "title,body,category,channels\n"
               "传真怎么发,请使用在线客服,传真类/发送失败,fax\n"
               "宽带断线怎么办,重启光猫,宽带类/断线,phone\n");
  Result r = Run(kb_addr(), {"import", "articles", path}, editor_);
  EXPECT_EQ(r.code, kExitFailure) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("2 rows, 1 imported"));
  r = Run(kb_addr(), {"kb", "category", "list"}, editor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("断线"));
  EXPECT_THAT(r.out, Not(HasSubstr("传真类")));
  EXPECT_THAT(r.out, Not(HasSubstr("发送失败")));
}

TEST(ProgressBarTest, DrawsOnlyWhenEnabled) {
  std::ostringstream on, off;
  ProgressBar bar(on, true, 4);
  bar.Update(1);
  bar.Update(4);
  bar.Finish();
  EXPECT_EQ(on.str(), "\r[#######                       ] 1/4 rows"
                      "\r[##############################] 4/4 rows\n");
  ProgressBar quiet(off, false, 4);
  quiet.Update(2);
  quiet.Finish();
  EXPECT_EQ(off.str(), "");
}

}  // namespace
}  // namespace cs::csctl
