// csctl escalation commands run in-process against a real escalation server
// (ServiceHost on port 0, RocksDB in a temp dir, manual clock). Breaches are
// handed to the app as routing-sla publishes them (no routing-sla here).
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cs/routing/v1/routing.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/time_proto.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "services/escalation/grpc/escalation_grpc_service.h"
#include "services/escalation/service/escalation_app.h"
#include "services/escalation/store/escalation_store.h"
#include "tools/csctl/cli.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/test_util.h"

namespace cs::csctl {
namespace {

using auth::Role;
using ::testing::HasSubstr;
using ::testing::Not;
namespace esc = cs::escalation;

class CsctlEscalationTest : public ::testing::Test {
 protected:
  using Result = CliResult;

  void SetUp() override {
    RegisterAllCommands(registry_);
    auto host =
        ServiceHost::Create(cs::testing::TestServerConfig(dir_, "escalation"),
                            esc::EscalationColumnFamilies());
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    auto settings = esc::LoadEscalationConfigFile(
        absl::StrCat(CS_SOURCE_DIR, "/deploy/config/escalation.textproto"));
    ASSERT_TRUE(settings.ok()) << settings.status();
    auto app = esc::EscalationApp::Create(host_->store(), host_->outbox(),
                                          host_->clock(), *std::move(settings),
                                          {});
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    ASSERT_TRUE(app_->Start().ok());
    service_ = std::make_unique<esc::EscalationGrpcService>(*host_, *app_);
    host_->RegisterService(service_.get());
    host_->AddShutdownHook([this] { app_->Stop(); });
    ASSERT_TRUE(host_->Start().ok());
    addr_ = absl::StrCat("127.0.0.1:", host_->port());
  }
  void TearDown() override {
    service_->StopWatches();
    host_->Shutdown();
  }

  // routing-sla's SlaBreached for a grade C first-response clock.
  void Breach(const std::string& id, const std::string& department) {
    routing::v1::SlaBreached breached;
    routing::v1::SlaClock* clock = breached.mutable_clock();
    clock->set_name("clocks/" + id);
    clock->set_subject("tickets/" + id);
    clock->set_kind(routing::v1::CLOCK_KIND_FIRST_RESPONSE);
    clock->set_grade(common::v1::GRADE_C);
    clock->set_department(department);
    clock->set_assignee("wang");
    *breached.mutable_breach_time() = ToProtoTime(host_->clock().Now());
    common::v1::Event event;
    event.set_sequence(++routing_sequence_);
    event.set_type("SlaBreached");
    event.mutable_payload()->PackFrom(breached);
    WriteSet writes;
    ASSERT_TRUE(app_->HandleRoutingEvent(event, writes).ok());
    ASSERT_TRUE(host_->store().Commit(writes).ok());
  }

  std::string CaseOf(const std::string& department) {
    esc::v1::ListCasesRequest request;
    request.set_department(department);
    auto listed = app_->ListCases({}, request);
    EXPECT_TRUE(listed.ok() && listed->cases_size() == 1);
    return listed.ok() && listed->cases_size() == 1 ? listed->cases(0).name()
                                                    : "";
  }

  Result Run(const std::vector<std::string>& args, const std::string& token) {
    return RunCsctl(registry_, addr_, args, token);
  }

  CommandRegistry registry_;
  cs::testing::TempDir dir_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<esc::EscalationApp> app_;
  std::unique_ptr<esc::EscalationGrpcService> service_;
  std::string addr_;
  uint64_t routing_sequence_ = 0;
  const std::string lead_ =
      cs::testing::TestToken({Role::kTeamLead}, "lead-1", "技术支持部");
  const std::string agent_ =
      cs::testing::TestToken({Role::kAgent}, "li", "客服部");
};

TEST_F(CsctlEscalationTest, ListFilterAckResolveWatchAndPolicies) {
  Breach("T-1", "客服部");
  Breach("T-2", "技术支持部");

  Result r = Run({"escalation", "cases", "list", "--department", "技术支持部",
                  "--state", "open", "--grade", "c", "--level", "1"},
                 lead_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("tickets/T-2"));
  EXPECT_THAT(r.out, HasSubstr("技术支持部"));
  EXPECT_THAT(r.out, Not(HasSubstr("tickets/T-1")));
  r = Run({"escalation", "cases", "list", "--page-size", "1", "--all"}, lead_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("tickets/T-1"));
  EXPECT_THAT(r.out, HasSubstr("tickets/T-2"));

  const std::string name = CaseOf("技术支持部");
  r = Run({"escalation", "cases", "ack", name, "--note", "已接手"}, agent_);
  EXPECT_NE(r.code, kExitOk);
  EXPECT_THAT(r.err, HasSubstr("PERMISSION_DENIED"));
  // A team lead acts on their own department's cases only.
  r = Run({"escalation", "cases", "ack", CaseOf("客服部"), "--note", "已接手"},
          lead_);
  EXPECT_NE(r.code, kExitOk);
  EXPECT_THAT(r.err, HasSubstr("DEPARTMENT_SCOPE"));
  r = Run({"escalation", "cases", "ack", name, "--note", "已接手"}, lead_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ACKNOWLEDGED"));
  EXPECT_THAT(r.out, HasSubstr("lead-1"));
  // A bare id works too.
  r = Run({"escalation", "cases", "resolve", name.substr(6), "--note",
           "已回电客户"},
          lead_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("CLOSED"));
  EXPECT_THAT(r.out, HasSubstr("已回电客户"));
  r = Run({"escalation", "cases", "list", "--state", "closed"}, lead_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr(name));
  EXPECT_THAT(r.out, Not(HasSubstr("tickets/T-1")));

  // Stored notifications replay; --limit ends the stream.
  r = Run({"escalation", "watch", "--role", "team_lead", "--limit", "2"},
          lead_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("tickets/T-1"));
  EXPECT_THAT(r.out, HasSubstr("tickets/T-2"));
  r = Run({"escalation", "watch", "--role", "director", "--limit", "1"},
          lead_);
  EXPECT_THAT(r.err, HasSubstr("PERMISSION_DENIED"));

  r = Run({"escalation", "policies"}, lead_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("grade-a"));
  EXPECT_THAT(r.out, HasSubstr("warnings go to team_lead"));
}

TEST_F(CsctlEscalationTest, BadFlagsAreUsageErrors) {
  Result r = Run({"escalation", "cases", "list", "--state", "sleeping"}, lead_);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--state"));
  r = Run({"escalation", "watch"}, lead_);
  EXPECT_EQ(r.code, kExitUsage);
  r = Run({"escalation", "cases", "ack"}, lead_);
  EXPECT_EQ(r.code, kExitUsage);
}

}  // namespace
}  // namespace cs::csctl
