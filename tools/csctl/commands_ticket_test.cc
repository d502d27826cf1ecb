// csctl ticket / customer commands run in-process against a real ticket
// server (ServiceHost on port 0, RocksDB in a temp dir, manual clock).
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "services/ticket/domain/permissions.h"
#include "services/ticket/domain/pii_cipher.h"
#include "services/ticket/grpc/ticket_grpc_service.h"
#include "services/ticket/service/ticket_app.h"
#include "services/ticket/store/ticket_repository.h"
#include "tools/csctl/cli.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/table.h"
#include "tools/csctl/test_util.h"

namespace cs::csctl {
namespace {

using auth::Role;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using Result = CliResult;

class CsctlTicketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterAllCommands(registry_);
    auto host =
        ServiceHost::Create(cs::testing::TestServerConfig(dir_, "ticket"),
                            ticket::TicketColumnFamilies());
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    auto keyring = ticket::Keyring::FromKey("test", 1, std::string(32, 'k'));
    ASSERT_TRUE(keyring.ok());
    auto app = ticket::TicketApp::Create(
        host_->store(), host_->outbox(), host_->commits(), host_->clock(),
        ticket::PermissionTable::Defaults(), *std::move(keyring), {});
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    service_ = std::make_unique<ticket::TicketGrpcService>(*host_, *app_);
    host_->RegisterService(service_.get());
    ASSERT_TRUE(host_->Start().ok());
    addr_ = absl::StrCat("127.0.0.1:", host_->port());
  }
  void TearDown() override { host_->Shutdown(); }

  Result Run(const std::vector<std::string>& args, const std::string& token,
             Environment env = {}) {
    return RunCsctl(registry_, addr_, args, token, std::move(env));
  }

  // Opens a phone ticket of `customer` as the agent; returns its id.
  std::string CreateTicket(const std::string& customer,
                           const std::string& subject) {
    Result r =
        Run({"ticket", "create", "--customer", customer, "--channel", "phone",
             "--stage", "after_sale", "--subject", subject, "--description",
             absl::StrCat("客户描述：", subject), "--department", "客服部"},
            agent_);
    EXPECT_EQ(r.code, kExitOk) << r.err;
    return std::string(absl::StripPrefix(ValueOf(r.out, "name"), "tickets/"));
  }

  CommandRegistry registry_;
  cs::testing::TempDir dir_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<ticket::TicketApp> app_;
  std::unique_ptr<ticket::TicketGrpcService> service_;
  std::string addr_;
  const std::string agent_ =
      cs::testing::TestToken({Role::kAgent}, "agent-007", "客服部");
  const std::string supervisor_ =
      cs::testing::TestToken({Role::kSupervisor}, "sup-1", "客服部");
  const std::string service_token_ =
      cs::testing::TestToken({Role::kService}, "service:survey", "");
};

TEST_F(CsctlTicketTest, WholeTicketJourneyFromTheCommandLine) {
  Result r = Run({"customer", "upsert", "c-1001", "--full-name", "张三",
                  "--title", "mr", "--phone", "13812341234", "--type", "vip"},
                 agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "full_name"), "张先生");  // agents see it masked
  r = Run({"customer", "get", "customers/c-1001"}, supervisor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "full_name"), "张三");
  EXPECT_EQ(ValueOf(r.out, "phone"), "13812341234");
  EXPECT_EQ(ValueOf(r.out, "type"), "VIP");

  r = Run({"ticket", "create", "--customer", "c-1001", "--channel", "phone",
           "--stage", "after_sale", "--subject", "手机信号弱", "--description",
           "地下车库无信号", "--department", "客服部", "--category",
           "手机类/信号问题", "--request-id", "cli-1"},
          agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  const std::string name = ValueOf(r.out, "name");
  ASSERT_THAT(name, StartsWith("tickets/"));
  const std::string id = name.substr(8);
  EXPECT_EQ(ValueOf(r.out, "status"), "NEW");
  EXPECT_EQ(ValueOf(r.out, "customer"), "张先生 (c-1001)");
  EXPECT_EQ(ValueOf(r.out, "category"), "手机类 › 信号问题");

  r = Run({"ticket", "list", "--status", "new"}, agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  std::vector<std::string> lines =
      absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_THAT(lines[0], StartsWith("NUMBER"));
  EXPECT_THAT(lines[1], HasSubstr(id));
  EXPECT_THAT(lines[1], HasSubstr("手机信号弱"));
  // CJK cells are two columns wide: SUBJECT lines up with its cell.
  EXPECT_EQ(DisplayWidth(lines[0].substr(0, lines[0].find("SUBJECT"))),
            DisplayWidth(lines[1].substr(0, lines[1].find("手机信号弱"))));
  // Grade and creation-time filters: the new ticket is not graded yet (no
  // routing here), and was created after 2000.
  auto rows = [&](std::vector<std::string> args) {
    Result listed = Run(std::move(args), agent_);
    EXPECT_EQ(listed.code, kExitOk) << listed.err;
    return std::vector<std::string>(
               absl::StrSplit(listed.out, '\n', absl::SkipEmpty()))
               .size() -
           1;
  };
  EXPECT_EQ(rows({"ticket", "list", "--grade", "a,b"}), 0u);
  EXPECT_EQ(rows({"ticket", "list", "--since", "2000-01-01"}), 1u);
  EXPECT_EQ(rows({"ticket", "list", "--until", "2000-01-01"}), 0u);
  r = Run({"ticket", "list", "--grade", "z"}, agent_);
  EXPECT_NE(r.code, kExitOk);
  EXPECT_THAT(r.err, HasSubstr("grade"));

  r = Run({"ticket", "reply", id, "--body", "您好，正在为您处理"}, agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "status"), "IN_PROGRESS");
  r = Run({"ticket", "resolve", name, "--resolution", "已更换SIM卡", "--fcr"},
          agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "status"), "RESOLVED");
  r = Run({"ticket", "feedback", id, "--csat", "5", "--nps", "9", "--attitude",
           "very_satisfied"},
          service_token_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "csat"), "5");

  r = Run({"--json", "ticket", "get", id, "--view", "full"}, agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"status\":\"TICKET_STATUS_RESOLVED\""));
  EXPECT_THAT(r.out, HasSubstr("您好，正在为您处理"));
  EXPECT_THAT(r.out, HasSubstr("\"satisfaction\":5"));
  r = Run({"ticket", "get", id, "--view", "full"}, agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("RESOLVE"));
  EXPECT_THAT(r.out, HasSubstr("status: IN_PROGRESS → RESOLVED"));
}

TEST_F(CsctlTicketTest, ErrorsKeepTheirCodesAndFields) {
  Result r =
      Run({"ticket", "create", "--customer", "c-1", "--channel", "fax",
           "--stage", "pre_sale", "--subject", "x", "--description", "y"},
          agent_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--channel"));
  EXPECT_THAT(r.err, HasSubstr("walk_in"));

  r = Run({"ticket", "get", "01ARZ3NDEKTSV4RRFFQ69G5FAV"}, supervisor_);
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: NOT_FOUND"));

  r = Run({"customer", "upsert", "c-1001", "--full-name", "李四", "--phone",
           "12345"},
          agent_);
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: INVALID_ARGUMENT: customer.phone: "));

  r = Run(
      {"ticket", "resolve", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "--resolution", "x"},
      cs::testing::TestToken({Role::kQa}, "qa-1"));
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: PERMISSION_DENIED"));
  EXPECT_THAT(r.out, Not(HasSubstr("RESOLVED")));
}

TEST_F(CsctlTicketTest, LifecycleCommandsChangeTheTicketAndPrintIt) {
  ASSERT_EQ(Run({"customer", "upsert", "c-2001", "--full-name", "李娜",
                 "--phone", "13912345678"},
                agent_)
                .code,
            kExitOk);
  const std::string id = CreateTicket("c-2001", "宽带断网");

  // The grading inputs can be given at creation.
  Result created =
      Run({"ticket", "create", "--customer", "c-2001", "--channel", "phone",
           "--stage", "in_sale", "--subject", "整栋楼断网", "--description",
           "多户报障", "--affected-customers", "150", "--loss-yuan", "80000",
           "--customer-type", "vip"},
          agent_);
  ASSERT_EQ(created.code, kExitOk) << created.err;
  EXPECT_EQ(ValueOf(created.out, "affected"), "150");
  EXPECT_EQ(ValueOf(created.out, "loss"), "CNY 80000.00");

  Result r =
      Run({"ticket", "update", id, "--grade", "b", "--affected-customers", "40",
           "--loss-yuan", "1200.5", "--category", "宽带类/断网", "--subject",
           "小区宽带断网", "--region", "浙江省杭州市"},
          agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "grade"), "B");
  EXPECT_EQ(ValueOf(r.out, "affected"), "40");
  EXPECT_EQ(ValueOf(r.out, "loss"), "CNY 1200.50");
  EXPECT_EQ(ValueOf(r.out, "category"), "宽带类 › 断网");
  EXPECT_EQ(ValueOf(r.out, "subject"), "小区宽带断网");
  EXPECT_EQ(ValueOf(r.out, "region"), "浙江省杭州市");
  // A flag not given leaves its field alone.
  EXPECT_EQ(ValueOf(r.out, "description"), "客户描述：宽带断网");
  const std::string etag = ValueOf(r.out, "etag");

  // An empty flag clears its field.
  r = Run({"ticket", "update", id, "--loss-yuan="}, agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "loss"), "");
  EXPECT_EQ(ValueOf(r.out, "region"), "浙江省杭州市");

  // An empty level is refused by the server, naming it; nothing changes.
  r = Run({"ticket", "update", id, "--category", "手机类//信号"}, agent_);
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, HasSubstr("ticket.category[1]"));
  r = Run({"ticket", "get", id}, agent_);
  EXPECT_EQ(ValueOf(r.out, "category"), "宽带类 › 断网");

  r = Run({"ticket", "update", id, "--loss-yuan", "12.345"}, agent_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--loss-yuan"));
  r = Run({"ticket", "update", id, "--affected-customers", "3000000000"},
          agent_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("is more than 2147483647"));
  r = Run({"ticket", "update", id}, agent_);
  EXPECT_EQ(r.code, kExitUsage);

  r = Run({"ticket", "assign", id, "--department", "客服部", "--assignee",
           "agent-007", "--note", "熟悉宽带业务"},
          supervisor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "status"), "ASSIGNED");
  EXPECT_EQ(ValueOf(r.out, "assignee"), "agent-007");

  // The etag read before the assignment is stale now: nothing changes.
  r = Run({"ticket", "status", id, "in_progress", "--etag", etag}, agent_);
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: ABORTED"));
  r = Run({"ticket", "get", id}, agent_);
  EXPECT_EQ(ValueOf(r.out, "status"), "ASSIGNED");

  // A positional argument is named as the usage line shows it, not as a flag.
  r = Run({"ticket", "status", id, "done"}, agent_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("STATUS: \"done\" is not one of"));
  EXPECT_THAT(r.err, Not(HasSubstr("--status")));
  r = Run({"ticket", "status", id, "resolved"}, agent_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("ticket assign, resolve, close or reopen"));
  r = Run({"ticket", "status", id, "in_progress"}, agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "status"), "IN_PROGRESS");
  r = Run({"ticket", "status", id, "pending_customer", "--reason",
           "等待客户提供光猫照片"},
          agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "status"), "PENDING_CUSTOMER");

  r = Run({"ticket", "close", id, "--reason", "客户未再联系"}, agent_);
  EXPECT_THAT(r.err, StartsWith("error: PERMISSION_DENIED"));
  r = Run({"ticket", "close", id, "--reason", "客户未再联系"}, supervisor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "status"), "CLOSED");
  // Reopening a closed ticket is for supervisors.
  r = Run({"ticket", "reopen", id, "--reason", "客户反馈仍断网"}, agent_);
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: PERMISSION_DENIED"));
  r = Run({"ticket", "reopen", id}, supervisor_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--reason"));
  r = Run({"ticket", "reopen", id, "--reason", "客户反馈仍断网"}, supervisor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "status"), "REOPENED");
  EXPECT_EQ(ValueOf(r.out, "reopens"), "1");

  r = Run({"ticket", "get", id, "--view", "full"}, agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("熟悉宽带业务"));
  EXPECT_THAT(r.out, HasSubstr("等待客户提供光猫照片"));
}

TEST_F(CsctlTicketTest, MergeHistoryAndRevealFromTheCommandLine) {
  ASSERT_EQ(
      Run({"customer", "upsert", "c-3001", "--full-name", "王芳", "--phone",
           "13700001111"},
          agent_, {{"CSCTL_CUSTOMER_UPSERT_ID_CARD", "11010519491231002X"}})
          .code,
      kExitOk);
  const std::string target = CreateTicket("c-3001", "退款未到账");
  const std::string duplicate = CreateTicket("c-3001", "退款还没到");

  Result r = Run({"customer", "history", "customers/c-3001"}, agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  std::vector<std::string> lines =
      absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_THAT(lines[1], HasSubstr("退款还没到"));  // newest first
  EXPECT_THAT(lines[2], HasSubstr("退款未到账"));
  r = Run({"customer", "history", "c-3001", "--page-size", "1"}, agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("退款未到账")));
  const size_t hint = r.out.find("next page: --page-token ");
  ASSERT_NE(hint, std::string::npos) << r.out;
  const std::string token =
      r.out.substr(hint + 24, r.out.find(' ', hint + 24) - (hint + 24));
  r = Run({"customer", "history", "c-3001", "--page-size", "1", "--page-token",
           token},
          agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("退款未到账"));
  EXPECT_THAT(r.out, Not(HasSubstr("退款还没到")));
  // With --json, stdout holds only the tickets; the next page goes to stderr.
  r = Run({"--json", "customer", "history", "c-3001", "--page-size", "1"},
          agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, StartsWith("{"));
  EXPECT_THAT(r.out, Not(HasSubstr("next page")));
  EXPECT_THAT(r.err, StartsWith("next page: --page-token "));
  r = Run({"customer", "history", "c-3001", "--page-size", "1", "--all"},
          agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("退款未到账"));
  EXPECT_THAT(r.out, Not(HasSubstr("next page")));

  r = Run({"ticket", "merge", target, duplicate, "--reason", "重复工单"},
          agent_);
  EXPECT_THAT(r.err, StartsWith("error: PERMISSION_DENIED"));
  r = Run({"ticket", "merge", target, duplicate, "--reason", "重复工单"},
          supervisor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "merged_from"), absl::StrCat("tickets/", duplicate));
  EXPECT_THAT(r.out, HasSubstr("MERGED"));
  EXPECT_THAT(r.out, HasSubstr("CLOSED"));
  r = Run({"ticket", "get", duplicate}, agent_);
  EXPECT_EQ(ValueOf(r.out, "merged_into"), absl::StrCat("tickets/", target));
  r = Run({"ticket", "merge", target, target}, supervisor_);
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: INVALID_ARGUMENT"));

  // Reading the ID card needs read_pii and a reason, and is audited.
  r = Run({"customer", "reveal", "c-3001", "id_card", "--reason",
           "核实身份：退款申请"},
          agent_);
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, StartsWith("error: PERMISSION_DENIED"));
  for (const char* field : {"passport", "phone"}) {
    r = Run({"customer", "reveal", "c-3001", field, "--reason", "核实身份"},
            supervisor_);
    EXPECT_EQ(r.code, kExitUsage) << field;
    EXPECT_THAT(r.err, HasSubstr("id_card")) << field;
  }
  r = Run({"customer", "reveal", "c-3001", "iban", "--reason", "核实身份"},
          supervisor_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("FIELD: \"iban\""));
  r = Run({"customer", "reveal", "c-3001", "id_card", "--reason",
           "核实身份：退款申请"},
          supervisor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "value"), "11010519491231002X");
  const std::string record = ValueOf(r.out, "audit_record");
  ASSERT_FALSE(record.empty());
  r = Run({"audit", "list", "--action", "reveal_pii"}, supervisor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("customers/c-3001"));
  EXPECT_THAT(r.out, HasSubstr("核实身份：退款申请"));
}

TEST_F(CsctlTicketTest, AuditListAndKeyRotationFromTheCommandLine) {
  const std::string admin =
      cs::testing::TestToken({Role::kAdmin}, "admin-1", "");
  for (const char* id : {"c-1", "c-2", "c-3"}) {
    ASSERT_EQ(Run({"customer", "upsert", id, "--full-name", "王小明", "--phone",
                   "13912345678"},
                  agent_)
                  .code,
              kExitOk);
  }
  ASSERT_EQ(Run({"customer", "get", "c-2"}, supervisor_).code, kExitOk);

  Result r = Run({"audit", "list", "--actor", "sup-1", "--action",
                  "read_contact", "--since", "1h"},
                 supervisor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  std::vector<std::string> lines =
      absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_THAT(lines[0], StartsWith("TIME"));
  EXPECT_THAT(lines[1], HasSubstr("READ_CONTACT"));
  EXPECT_THAT(lines[1], HasSubstr("customers/c-2"));
  r = Run({"audit", "list", "--action", "permissions_changed"}, supervisor_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("system"));
  r = Run({"audit", "list", "--since", "yesterday"}, supervisor_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--since"));
  EXPECT_EQ(Run({"audit", "list"}, agent_).code, kExitFailure);

  r = Run({"pii", "keys"}, admin);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("test/1"));
  EXPECT_THAT(r.out, HasSubstr("3 customers"));
  r = Run({"pii", "rotate", "--batch", "2"}, admin);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("batch: examined 2, re-encrypted 0"));
  EXPECT_THAT(r.out, HasSubstr("done: 3 customers examined, 0 re-encrypted "
                               "with test/1"));
  EXPECT_EQ(Run({"pii", "rotate"}, agent_).code, kExitFailure);
}

}  // namespace
}  // namespace cs::csctl
