// GrpcTicketReplier against a real in-process ticket service: the shared
// article lands on the ticket as a public reply or an internal note, posted
// with a service token.
#include "services/knowledge_base/clients/ticket_client.h"

#include <memory>
#include <string>

#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/common/grpc_status.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "services/ticket/domain/permissions.h"
#include "services/ticket/domain/pii_cipher.h"
#include "services/ticket/grpc/ticket_grpc_service.h"
#include "services/ticket/service/ticket_app.h"
#include "services/ticket/store/ticket_repository.h"

namespace cs::kb {
namespace {

using auth::Role;
namespace tv1 = ::cs::ticket::v1;

class TicketReplierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerConfig config = cs::testing::TestServerConfig(dir_, "ticket");
    auto host = ServiceHost::Create(config, ticket::TicketColumnFamilies());
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    host_->manual_clock()->SetTime(absl::Now());
    auto keyring = ticket::Keyring::FromKey("test", 1, std::string(32, 'k'));
    ASSERT_TRUE(keyring.ok());
    auto app = ticket::TicketApp::Create(
        host_->store(), host_->outbox(), host_->commits(), host_->clock(),
        ticket::PermissionTable::Defaults(), *std::move(keyring), {});
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    grpc_ = std::make_unique<ticket::TicketGrpcService>(*host_, *app_);
    host_->RegisterService(grpc_.get());
    ASSERT_TRUE(host_->Start().ok());
    channel_ = cs::testing::LoopbackChannel(host_->port());
    stub_ = tv1::TicketService::NewStub(channel_);
    service_token_ =
        cs::testing::TestToken({Role::kService}, "service:knowledge-base", "");
  }
  void TearDown() override {
    if (host_ != nullptr) host_->Shutdown();
  }

  std::string CreateTicket() {
    {
      grpc::ClientContext context;
      context.AddMetadata(
          "authorization",
          "Bearer " + cs::testing::TestToken({Role::kSupervisor}, "sup-1"));
      tv1::UpsertCustomerRequest request;
      tv1::Customer* c = request.mutable_customer();
      c->set_name("customers/c-1001");
      c->set_full_name("张三");
      c->set_title(tv1::TITLE_MR);
      c->set_phone("13812341234");
      c->set_type(tv1::CUSTOMER_TYPE_VIP);
      tv1::Customer response;
      grpc::Status s = stub_->UpsertCustomer(&context, request, &response);
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + service_token_);
    tv1::CreateTicketRequest request;
    tv1::Ticket* t = request.mutable_ticket();
    t->set_channel(common::v1::CHANNEL_PHONE);
    t->set_stage(common::v1::STAGE_AFTER_SALE);
    t->set_subject("手机信号弱");
    t->set_description("客户反映在地下车库手机信号弱，无法通话。");
    t->set_customer_id("c-1001");
    t->set_department("客服部");
    tv1::Ticket created;
    grpc::Status s = stub_->CreateTicket(&context, request, &created);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return created.name();
  }

  cs::testing::TempDir dir_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<ticket::TicketApp> app_;
  std::unique_ptr<ticket::TicketGrpcService> grpc_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<tv1::TicketService::Stub> stub_;
  std::string service_token_;
};

TEST_F(TicketReplierTest, PostsPublicReplyAndInternalNote) {
  const std::string ticket = CreateTicket();
  ASSERT_FALSE(ticket.empty());
  GrpcTicketReplier replier(channel_, [&] { return service_token_; });
  auto reply =
      replier.AddReply(ticket, "手机信号弱怎么办\n\n重启手机", false, "");
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_FALSE(reply->empty());
  auto note = replier.AddReply(ticket, "内部：参考知识库 V1.0", true, "");
  ASSERT_TRUE(note.ok()) << note.status();
  auto missing =
      replier.AddReply("tickets/01JZZZZZZZZZZZZZZZZZZZZZZZ", "x", false, "");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

// A share is posted as the person sharing: the ticket service applies their
// reply permission (its department scope) and names them as the author.
TEST_F(TicketReplierTest, PostsAsTheCallerWithTheirPermissions) {
  const std::string ticket = CreateTicket();
  ASSERT_FALSE(ticket.empty());
  GrpcTicketReplier replier(channel_, [&] { return service_token_; });
  const std::string other_department =
      cs::testing::TestToken({auth::Role::kAgent}, "agent-tech", "技术支持部");
  const std::string editor =
      cs::testing::TestToken({auth::Role::kKbEditor}, "editor-1");
  for (const std::string& token : {other_department, editor}) {
    EXPECT_EQ(replier.AddReply(ticket, "手机信号弱怎么办", false, token)
                  .status()
                  .code(),
              absl::StatusCode::kPermissionDenied);
  }
  const std::string agent =
      cs::testing::TestToken({auth::Role::kAgent}, "agent-007", "客服部");
  auto reply = replier.AddReply(ticket, "手机信号弱怎么办", false, agent);
  ASSERT_TRUE(reply.ok()) << reply.status();
  tv1::GetTicketRequest get;
  get.set_name(ticket);
  get.set_view(tv1::TICKET_VIEW_FULL);
  auto full = cs::testing::CallAs(
      stub_.get(), &tv1::TicketService::Stub::GetTicket, service_token_, get);
  ASSERT_TRUE(full.ok()) << full.status();
  ASSERT_EQ(full->replies_size(), 1);
  EXPECT_EQ(full->replies(0).author(), "agent-007");
}

}  // namespace
}  // namespace cs::kb
