// csctl qa / followup commands run in-process against a real ticket server
// hosting QualityService (ServiceHost on port 0, RocksDB in a temp dir,
// manual clock).
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/clock.h"
#include "libs/server/test_host.h"
#include "libs/testing/temp_dir.h"
#include "services/ticket/testing/ticket_test_server.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/test_util.h"

namespace cs::csctl {
namespace {

using auth::Role;
using ::testing::HasSubstr;
namespace tv1 = ::cs::ticket::v1;

class CsctlQualityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterAllCommands(registry_);
    server_.Start(dir_, clock_);
    addr_ = server_.target();
  }
  void TearDown() override { server_.Shutdown(); }

  CliResult Run(const std::vector<std::string>& args,
                const std::string& token) {
    return RunCsctl(registry_, addr_, args, token);
  }

  // A ticket handled by agent-007, resolved; returns its id.
  std::string HandledTicket() {
    auto stub = server_.NewStub();
    tv1::UpsertCustomerRequest upsert;
    upsert.mutable_customer()->set_name("customers/c-1001");
    upsert.mutable_customer()->set_full_name("张三");
    EXPECT_TRUE(cs::testing::CallAs(stub.get(),
                                    &tv1::TicketService::Stub::UpsertCustomer,
                                    supervisor_, upsert)
                    .ok());
    tv1::CreateTicketRequest create;
    tv1::Ticket* t = create.mutable_ticket();
    t->set_channel(cs::common::v1::CHANNEL_PHONE);
    t->set_stage(cs::common::v1::STAGE_AFTER_SALE);
    t->set_subject("宽带断网");
    t->set_description("客户家中宽带频繁断网");
    t->set_customer_id("c-1001");
    t->set_department("客服部");
    auto created =
        cs::testing::CallAs(stub.get(), &tv1::TicketService::Stub::CreateTicket,
                            supervisor_, create);
    EXPECT_TRUE(created.ok()) << created.status();
    tv1::AssignTicketRequest assign;
    assign.set_name(created->name());
    assign.set_department("客服部");
    assign.set_assignee("agent-007");
    EXPECT_TRUE(cs::testing::CallAs(stub.get(),
                                    &tv1::TicketService::Stub::AssignTicket,
                                    supervisor_, assign)
                    .ok());
    tv1::ResolveTicketRequest resolve;
    resolve.set_name(created->name());
    resolve.set_resolution("远程重启光猫并更换网线，连接恢复稳定");
    EXPECT_TRUE(cs::testing::CallAs(stub.get(),
                                    &tv1::TicketService::Stub::ResolveTicket,
                                    supervisor_, resolve)
                    .ok());
    return created->id();
  }

  CommandRegistry registry_;
  cs::testing::TempDir dir_;
  ManualClock clock_{absl::FromUnixSeconds(1795000000)};  // 2026-11
  cs::ticket::testing::TicketTestServer server_;
  std::string addr_;
  const std::string agent_ =
      cs::testing::TestToken({Role::kAgent}, "agent-007", "客服部");
  const std::string lead_ =
      cs::testing::TestToken({Role::kTeamLead}, "lead-1", "客服部");
  const std::string qa_ = cs::testing::TestToken({Role::kQa}, "qa-1", "质检组");
  const std::string supervisor_ =
      cs::testing::TestToken({Role::kSupervisor}, "sup-1", "客服部");
};

TEST_F(CsctlQualityTest, ReviewDisputeAmendQueueAndFollowUp) {
  const std::string ticket = HandledTicket();
  const std::string all_ten =
      "service_language=10,attitude=10,understanding=10,adaptability=10,"
      "process_compliance=10";

  CliResult r = Run({"qa", "queue", "--period", "2026-11"}, qa_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("agent-007"));

  r = Run(
      {"qa", "review", "create", ticket, "--scores", all_ten + ",tone=4",
       "--comment", "语气生硬", "--coaching", "参加服务用语培训;复听优秀录音"},
      qa_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "total"), "91");
  const std::string review = ValueOf(r.out, "name");
  ASSERT_THAT(review, HasSubstr("qualityReviews/"));

  r = Run({"qa", "review", "create", ticket, "--scores", "tone=11"}, qa_);
  EXPECT_NE(r.code, kExitOk);
  EXPECT_THAT(r.err, HasSubstr("scores"));

  r = Run({"qa", "review", "list"}, agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr(review));

  r = Run({"qa", "review", "dispute", review, "--reason", "客户情绪激动"},
          agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "state"), "DISPUTED");
  r = Run({"qa", "review", "amend", review, "--scores", all_ten + ",tone=8",
           "--note", "复听后上调"},
          lead_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "state"), "AMENDED");
  EXPECT_EQ(ValueOf(r.out, "total"), "97");
  EXPECT_THAT(ValueOf(r.out, "dispute"), HasSubstr(" by lead-1: 复听后上调"));

  r = Run({"followup", "record", ticket, "--reached", "--satisfaction", "2",
           "--note", "仍然断网"},
          agent_);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(ValueOf(r.out, "reopened ticket"), "yes");
}

}  // namespace
}  // namespace cs::csctl
