// Adversarial requests against a running ticket service (real gRPC server on
// loopback, real RocksDB): malformed, oversized, tampered, impatient and
// overwhelming clients each get a clear status, and the server stays healthy
// and idle afterwards.
#include <atomic>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/common/clock.h"
#include "libs/common/errors.h"
#include "libs/server/test_host.h"
#include "services/ticket/testing/sample_requests.h"
#include "services/ticket/testing/ticket_test_server.h"
#include "tests/adversarial/adversarial.h"

namespace cs::ticket {
namespace {

using adversarial::FieldOf;
using auth::Role;
using Stub = v1::TicketService::Stub;
namespace common = cs::common::v1;

class TicketAdversarialTest : public ::testing::Test {
 protected:
  // One call through the stub as the holder of `token`.
  template <typename Method, typename Request>
  auto Call(Method method, const std::string& token, const Request& request) {
    return cs::testing::CallAs(stub_.get(), method, token, request);
  }

  void Start(const std::function<void(ServerConfig&)>& adjust = nullptr) {
    server_.Start(dir_, clock_, {}, quality::DefaultScorecard(), adjust);
    stub_ = server_.NewStub();
    v1::UpsertCustomerRequest request = testing::SampleCustomerRequest();
    ASSERT_TRUE(Call(&Stub::UpsertCustomer, supervisor_, request).ok());
  }
  void TearDown() override { server_.Shutdown(); }

  static v1::CreateTicketRequest CreateRequest(const std::string& subject) {
    return testing::SampleCreateRequest(subject);
  }

  // Healthy and idle: a normal call succeeds and nothing is left queued.
  void ExpectHealthyAndIdle() {
    auto created = Call(&Stub::CreateTicket, agent_, CreateRequest("恢复检查"));
    EXPECT_TRUE(created.ok()) << created.status();
    // Calls whose 1 ms deadline passed may still reach the server after
    // this one; each is taken at once, nothing stays queued.
    EXPECT_TRUE(server_.host().executor().WaitUntilDrained(absl::Seconds(10)));
  }

  // Issues all `requests` at once (asynchronously) with `timeout` each and
  // counts the final status codes.
  std::map<grpc::StatusCode, int> CreateAllAtOnce(
      const std::vector<v1::CreateTicketRequest>& requests,
      absl::Duration timeout) {
    return adversarial::AllAtOnce<v1::Ticket>(
        static_cast<int>(requests.size()), timeout, agent_,
        [&](int i, grpc::ClientContext* context, v1::Ticket* response,
            std::function<void(grpc::Status)> done) {
          stub_->async()->CreateTicket(context, &requests[i], response,
                                       std::move(done));
        });
  }

  cs::testing::TempDir dir_;
  ManualClock clock_{absl::Now()};
  testing::TicketTestServer server_;
  std::unique_ptr<Stub> stub_;
  std::string agent_ = cs::testing::TestToken({Role::kAgent}, "agent-007");
  std::string supervisor_ =
      cs::testing::TestToken({Role::kSupervisor}, "sup-1");
};

TEST_F(TicketAdversarialTest, OversizedMessageIsResourceExhausted) {
  Start();
  v1::CreateTicketRequest request = CreateRequest("超大请求");
  request.mutable_ticket()->set_description(
      std::string(adversarial::kOversizedBytes, 'x'));
  auto created = Call(&Stub::CreateTicket, agent_, request);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kResourceExhausted)
      << created.status();
  ExpectHealthyAndIdle();
}

TEST_F(TicketAdversarialTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  Start();
  auto created = Call(&Stub::CreateTicket, agent_,
                      CreateRequest(adversarial::InvalidUtf8()));
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument)
      << created.status();
  EXPECT_EQ(FieldOf(created.status()), "ticket.subject");
  v1::ListTicketsRequest list;
  list.mutable_filter()->set_department(std::string("客服\xc3", 7));
  auto listed = Call(&Stub::ListTickets, supervisor_, list);
  EXPECT_EQ(listed.status().code(), absl::StatusCode::kInvalidArgument)
      << listed.status();
  EXPECT_EQ(FieldOf(listed.status()), "filter.department");
  ExpectHealthyAndIdle();
}

TEST_F(TicketAdversarialTest, NegativeAndHugePageSizes) {
  Start();
  v1::ListTicketsRequest request;
  request.set_page_size(-1);
  auto negative = Call(&Stub::ListTickets, supervisor_, request);
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(negative.status()), "page_size");
  request.set_page_size(INT32_MIN);
  EXPECT_EQ(FieldOf(Call(&Stub::ListTickets, supervisor_, request).status()),
            "page_size");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Call(&Stub::CreateTicket, agent_, CreateRequest("分页")).ok());
  }
  request.set_page_size(INT32_MAX);  // clamped, not allocated
  auto huge = Call(&Stub::ListTickets, supervisor_, request);
  ASSERT_TRUE(huge.ok()) << huge.status();
  EXPECT_EQ(huge->tickets_size(), 3);
}

TEST_F(TicketAdversarialTest, TamperedPageTokensAreInvalidArgument) {
  Start();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Call(&Stub::CreateTicket, agent_, CreateRequest("分页")).ok());
  }
  v1::ListTicketsRequest request;
  request.set_page_size(1);
  auto first = Call(&Stub::ListTickets, supervisor_, request);
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string token = first->next_page_token();
  ASSERT_FALSE(token.empty());
  request.set_page_token(token);
  ASSERT_TRUE(Call(&Stub::ListTickets, supervisor_, request).ok());

  const int refused = adversarial::ExpectTamperedTokensRefused(
      token, [&](const std::string& bad) {
        request.set_page_token(bad);
        return Call(&Stub::ListTickets, supervisor_, request).status();
      });
  // A genuine token replayed with another filter.
  request.set_page_token(token);
  request.mutable_filter()->add_channels(common::CHANNEL_APP);
  EXPECT_EQ(FieldOf(Call(&Stub::ListTickets, supervisor_, request).status()),
            "page_token");
  std::cout << "tampered page tokens refused: " << refused << std::endl;
}

TEST_F(TicketAdversarialTest, BadFieldMasksAreInvalidArgument) {
  Start();
  auto ticket = Call(&Stub::CreateTicket, agent_, CreateRequest("字段掩码"));
  ASSERT_TRUE(ticket.ok());
  for (const std::string& path : std::vector<std::string>{
           "no_such_field", "", "subject.nested", "*,subject", "SUBJECT",
           std::string("subj\xff", 5)}) {
    v1::UpdateTicketRequest request;
    request.mutable_ticket()->set_name(ticket->name());
    request.mutable_ticket()->set_subject("新主题");
    request.mutable_update_mask()->add_paths(path);
    auto updated = Call(&Stub::UpdateTicket, agent_, request);
    EXPECT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument)
        << "path '" << path << "': " << updated.status();
    EXPECT_EQ(FieldOf(updated.status()).rfind("update_mask", 0), 0u)
        << FieldOf(updated.status());
  }
  auto unchanged = Call(&Stub::GetTicket, agent_, [&] {
    v1::GetTicketRequest r;
    r.set_name(ticket->name());
    return r;
  }());
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(unchanged->subject(), "字段掩码");
}

TEST_F(TicketAdversarialTest, UnknownEnumValuesAreInvalidArgument) {
  Start();
  v1::CreateTicketRequest create = CreateRequest("未知枚举");
  create.mutable_ticket()->set_channel(
      static_cast<cs::common::v1::Channel>(999));
  EXPECT_EQ(FieldOf(Call(&Stub::CreateTicket, agent_, create).status()),
            "ticket.channel");
  create = CreateRequest("未知枚举");
  create.mutable_ticket()->set_stage(static_cast<cs::common::v1::Stage>(-5));
  EXPECT_EQ(FieldOf(Call(&Stub::CreateTicket, agent_, create).status()),
            "ticket.stage");
  v1::ListTicketsRequest list;
  list.set_order_by(static_cast<v1::TicketOrder>(77));
  EXPECT_EQ(FieldOf(Call(&Stub::ListTickets, supervisor_, list).status()),
            "order_by");
  v1::GetTicketRequest get;
  get.set_name("tickets/01J00000000000000000000000");
  get.set_view(static_cast<v1::TicketView>(42));
  EXPECT_EQ(FieldOf(Call(&Stub::GetTicket, agent_, get).status()), "view");
}

// Calls with a 1 ms deadline: each ends OK or DEADLINE_EXCEEDED, none is
// left running, and a retry with the same request_id yields exactly one
// ticket whatever happened to the first attempt.
TEST_F(TicketAdversarialTest, OneMillisecondDeadlinesLeaveNoStuckWork) {
  Start();
  constexpr int kCalls = 200;
  std::vector<v1::CreateTicketRequest> requests(kCalls);
  for (int i = 0; i < kCalls; ++i) {
    requests[i] = CreateRequest(absl::StrCat("限时-", i));
    requests[i].set_request_id(absl::StrCat("deadline-", i));
  }
  std::map<grpc::StatusCode, int> codes =
      CreateAllAtOnce(requests, absl::Milliseconds(1));
  adversarial::ExpectOnlyOkOrDeadline(codes);
  ExpectHealthyAndIdle();
  for (int i = 0; i < kCalls; ++i) {
    auto retried = Call(&Stub::CreateTicket, agent_, requests[i]);
    ASSERT_TRUE(retried.ok()) << retried.status();
  }
  v1::ListTicketsRequest list;
  list.set_page_size(200);
  int listed = 0;
  do {
    auto page = Call(&Stub::ListTickets, supervisor_, list);
    ASSERT_TRUE(page.ok()) << page.status();
    listed += page->tickets_size();
    list.set_page_token(page->next_page_token());
  } while (!list.page_token().empty());
  EXPECT_EQ(listed, kCalls + 1);  // + the health check's ticket
  std::cout << absl::StrFormat(
                   "1 ms deadlines: %d calls, %d OK, %d DEADLINE_EXCEEDED; "
                   "after retries %d tickets for %d request_ids",
                   kCalls, codes[grpc::StatusCode::OK],
                   codes[grpc::StatusCode::DEADLINE_EXCEEDED], listed - 1,
                   kCalls)
            << std::endl;
}

// Several times the server's capacity at once: every call ends OK or with a
// retryable overload status, and the server recovers at once.
TEST_F(TicketAdversarialTest, OverloadIsShedAndRecovers) {
  constexpr int kWorkers = 2, kQueue = 16, kCalls = 1000;
  Start([](ServerConfig& config) {
    config.worker_threads = kWorkers;
    config.worker_queue = kQueue;
  });
  std::vector<v1::CreateTicketRequest> requests;
  for (int i = 0; i < kCalls; ++i) {
    requests.push_back(CreateRequest(absl::StrCat("过载-", i)));
  }
  std::map<grpc::StatusCode, int> codes =
      CreateAllAtOnce(requests, absl::Seconds(20));
  for (const auto& [code, count] : codes) {
    EXPECT_TRUE(code == grpc::StatusCode::OK ||
                code == grpc::StatusCode::RESOURCE_EXHAUSTED ||
                code == grpc::StatusCode::UNAVAILABLE ||
                code == grpc::StatusCode::DEADLINE_EXCEEDED)
        << "status " << code << " × " << count;
  }
  EXPECT_GT(codes[grpc::StatusCode::RESOURCE_EXHAUSTED], 0)
      << "the load did not exceed capacity";
  ExpectHealthyAndIdle();
  std::cout << absl::StrFormat(
                   "overload: %d concurrent calls on %d workers + queue %d: "
                   "%d OK, %d RESOURCE_EXHAUSTED, %d UNAVAILABLE, %d "
                   "DEADLINE_EXCEEDED, other 0; next call OK",
                   kCalls, kWorkers, kQueue, codes[grpc::StatusCode::OK],
                   codes[grpc::StatusCode::RESOURCE_EXHAUSTED],
                   codes[grpc::StatusCode::UNAVAILABLE],
                   codes[grpc::StatusCode::DEADLINE_EXCEEDED])
            << std::endl;
}

}  // namespace
}  // namespace cs::ticket
