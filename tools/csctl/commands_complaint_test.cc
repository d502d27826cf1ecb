// csctl complaint commands run in-process against a real complaint server
// (ServiceHost on port 0, RocksDB in a temp dir, manual clock; clock and
// escalation commands stay pending: no routing-sla here).
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "services/complaint/grpc/complaint_grpc_service.h"
#include "services/complaint/service/complaint_app.h"
#include "services/complaint/store/complaint_store.h"
#include "tools/csctl/cli.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/test_util.h"

namespace cs::csctl {
namespace {

using auth::Role;
using ::testing::HasSubstr;

using Result = CliResult;

class CsctlComplaintTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterAllCommands(registry_);
    auto host =
        ServiceHost::Create(cs::testing::TestServerConfig(dir_, "complaint"),
                            complaint::ComplaintColumnFamilies());
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    auto app = complaint::ComplaintApp::Create(
        host_->store(), host_->outbox(), host_->clock(),
        complaint::ApprovalLimits::Defaults(), {});
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    service_ = std::make_unique<complaint::ComplaintGrpcService>(*host_, *app_);
    host_->RegisterService(service_.get());
    ASSERT_TRUE(host_->Start().ok());
    addr_ = absl::StrCat("127.0.0.1:", host_->port());
  }
  void TearDown() override { host_->Shutdown(); }

  Result Run(const std::vector<std::string>& args, const std::string& token) {
    return RunCsctl(registry_, addr_, args, token);
  }

  CommandRegistry registry_;
  cs::testing::TempDir dir_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<complaint::ComplaintApp> app_;
  std::unique_ptr<complaint::ComplaintGrpcService> service_;
  std::string addr_;
  const std::string officer_ =
      cs::testing::TestToken({Role::kComplaintOfficer}, "officer-1", "客服部");
  const std::string director_ =
      cs::testing::TestToken({Role::kDirector}, "dir-1", "客服部");
  const std::string agent_ =
      cs::testing::TestToken({Role::kAgent}, "agent-1", "客服部");
};

TEST_F(CsctlComplaintTest, WholeComplaintFromTheCommandLine) {
  Result r = Run({"complaint", "file", "--request-id", "cli-1", "--customer",
                  "c-1001", "--channel", "phone", "--severity", "major",
                  "--description", "快递未送达", "--item", "物流",
                  "--department", "物流部"},
                 officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  const std::string name = ValueOf(r.out, "name");
  ASSERT_TRUE(absl::StartsWith(name, "complaints/")) << r.out;
  EXPECT_EQ(ValueOf(r.out, "stage"), "RECEIVED");
  // Only a serious complaint goes to the VP when filed; SLA breaches
  // escalate through the escalation service, not this field.
  EXPECT_EQ(ValueOf(r.out, "escalated_at_filing"), "no");
  EXPECT_EQ(ValueOf(r.out, "channel"), "PHONE");
  EXPECT_EQ(ValueOf(r.out, "items"), "物流");

  r = Run({"complaint", "ack", name}, officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "officer"), "officer-1");
  r = Run({"complaint", "investigate", name, "--classification",
           "non_quality", "--cause", "logistics"},
          officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "classification"), "non_quality");
  r = Run({"complaint", "root-cause", name, "--category", "process",
           "--analysis", "交接流程缺失"},
          officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "root cause"), "process: 交接流程缺失 (officer-1)");
  r = Run({"complaint", "propose", name, "--solution", "补偿", "--remedy",
           "compensation:CNY:1000.5,apology"},
          officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  // Above the officer's ¥500.00 limit: waits for a director.
  EXPECT_THAT(ValueOf(r.out, "round 1"),
              HasSubstr("compensation CNY 1000.50 [pending]"));
  // Proposing again while one waits for the customer is an illegal move.
  r = Run({"complaint", "propose", name, "--solution", "补偿"}, officer_);
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, HasSubstr("reason: ILLEGAL_TRANSITION")) << r.err;
  r = Run({"complaint", "propose", name, "--solution", "补偿", "--remedy",
           "compensation:CNY:12.345"},
          officer_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("is not an amount in yuan"));
  r = Run({"complaint", "decide", name, "--decision", "accepted"}, officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  r = Run({"complaint", "resolve", name}, officer_);
  EXPECT_NE(r.code, kExitOk);
  EXPECT_THAT(r.err, HasSubstr("FAILED_PRECONDITION"));
  r = Run({"complaint", "approve", name, "--remedy-index", "0"}, officer_);
  EXPECT_THAT(r.err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(r.err, HasSubstr("the round's remedies total CNY 1000.50, which "
                               "exceeds the caller's approval limit CNY "
                               "500.00"));
  r = Run({"complaint", "approve", name, "--remedy-index", "0"}, director_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(ValueOf(r.out, "round 1"), HasSubstr("[approved by dir-1]"));
  ASSERT_EQ(Run({"complaint", "resolve", name}, officer_).code, kExitOk);
  // 回访未解决: round 2 instead of closing.
  r = Run({"complaint", "revisit", name, "--satisfaction", "2", "--note",
           "仍未收到补偿", "--not-solved"},
          officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "stage"), "INVESTIGATING");
  EXPECT_NE(ValueOf(r.out, "round 2"), "") << r.out;
  r = Run({"complaint", "propose", name, "--solution", "重新补偿", "--remedy",
           "apology"},
          officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  ASSERT_EQ(
      Run({"complaint", "decide", name, "--decision", "accepted"}, officer_)
          .code,
      kExitOk);
  ASSERT_EQ(Run({"complaint", "resolve", name}, officer_).code, kExitOk);
  r = Run({"complaint", "revisit", name, "--satisfaction", "5"}, officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  r = Run({"complaint", "close", name}, officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "stage"), "CLOSED");
  EXPECT_EQ(ValueOf(r.out, "kb article"), "");
  // No knowledge base in this test: the draft waits in the command outbox.
  r = Run({"complaint", "publish", name}, officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "kb article"), "pending");

  r = Run({"complaint", "action", "add", name, "--description", "培训",
           "--owner", "lead-1", "--due", "01/01/2030"},
          officer_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--due: \"01/01/2030\" is neither an RFC 3339 "
                               "time (2026-11-30T18:00:00+08:00) nor a date "
                               "(2026-11-30)"));
  r = Run({"complaint", "action", "add", name, "--description", "培训",
           "--owner", "lead-1", "--due", "10000-01-01"},
          officer_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("in the years 1970-9999"));
  // A date is the start of that day in Beijing time.
  r = Run({"complaint", "action", "add", name, "--description", "培训",
           "--owner", "lead-1", "--due", "2030-01-01"},
          officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(ValueOf(r.out, "action 1"), HasSubstr("[open]"));
  EXPECT_THAT(ValueOf(r.out, "action 1"),
              HasSubstr("2030-01-01T00:00:00+08:00"));
  r = Run({"complaint", "action", "done", name, "--number", "1"}, officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(ValueOf(r.out, "action 1"), HasSubstr("[done]"));

  r = Run({"complaint", "list", "--stage", "closed"}, officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr(name));
  r = Run({"complaint", "stats"}, officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("total 1"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("cause +LOGISTICS +1"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("CAUSE_CATEGORY_")));
  EXPECT_THAT(r.out, HasSubstr("物流部"));
}

TEST_F(CsctlComplaintTest, DirectorsSeeMaskedPersonalData) {
  Result r = Run({"complaint", "file", "--request-id", "cli-pii", "--customer",
                  "c-1002", "--channel", "phone", "--severity", "minor",
                  "--description", "请回电13812345678", "--item", "退款"},
                 officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  const std::string name = ValueOf(r.out, "name");
  r = Run({"complaint", "get", name}, director_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "description"), "请回电138****5678");
  r = Run({"complaint", "get", name}, officer_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "description"), "请回电13812345678");
  r = Run({"complaint", "publish", name}, officer_);
  EXPECT_THAT(r.err, HasSubstr("FAILED_PRECONDITION"));

  // The officer's clear reads are on the trail; the director's are not.
  r = Run({"complaint", "audit", "list", "--action", "read_complaint_clear",
           "--resource", name},
          director_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("officer-1"));
  EXPECT_THAT(r.out, HasSubstr(name));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("dir-1")));
  r = Run({"complaint", "audit", "list", "--actor", "dir-1"}, director_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr(name)));
  EXPECT_THAT(Run({"complaint", "audit", "list"}, officer_).err,
              HasSubstr("PERMISSION_DENIED"));
  r = Run({"complaint", "audit", "list", "--since", "上周"}, director_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--since"));
}

TEST_F(CsctlComplaintTest, AgentsAreDeniedAndBadFlagsAreUsageErrors) {
  Result r = Run({"complaint", "list"}, agent_);
  EXPECT_THAT(r.err, HasSubstr("PERMISSION_DENIED"));
  r = Run({"complaint", "file", "--request-id", "x", "--customer", "c",
           "--channel", "pigeon", "--severity", "major", "--description", "d"},
          officer_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--channel"));
}

}  // namespace
}  // namespace cs::csctl
