// Graceful shutdown of the real ticket-server binary under steady load:
// 8 client threads create tickets back to back while a health Watch stream
// is open; the test sends SIGTERM after a number of acknowledgements and
// checks what a deployer relies on when rolling a service:
//   - the health stream reports NOT_SERVING before it ends,
//   - every call ends OK or refused before it started (UNAVAILABLE, or
//     CANCELLED from the transport) — no INTERNAL or UNKNOWN — and the store
//     holds exactly the acknowledged tickets: no call was cut off mid-way,
//   - the process exits 0 well within --shutdown-grace, also with the
//     health Watch stream still open,
//   - after a restart every acknowledged ticket is there (WAL flushed).
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/testing/temp_dir.h"
#include "services/ticket/testing/sample_requests.h"
#include "tests/durability/harness.h"
#include "tests/durability/server_process.h"

namespace cs {
namespace {

namespace v1 = cs::ticket::v1;
using grpc::health::v1::HealthCheckResponse;

constexpr int kThreads = 8;
constexpr int kAcknowledgedBeforeSigterm = 1500;
constexpr char kMarker[] = "停机测试 ";
const absl::Duration kGrace = absl::Seconds(10);

TEST(TicketShutdownTest, SigtermUnderLoadDrainsCallsAndExitsWithinGrace) {
  testing::TempDir dir;
  std::mt19937_64 rng(std::random_device{}());
  const std::string auth_key = testing::WriteSuiteKeys(dir.path(), rng);
  ASSERT_FALSE(auth_key.empty());
  const int port = testing::PickFreePort();
  ASSERT_GT(port, 0);
  testing::ServerProcess server(
      CS_TICKET_SERVER,
      {absl::StrCat("--port=", port), "--metrics-port=-1",
       "--data-dir=" + dir.Sub("data"),
       "--auth-key-file=" + dir.Sub("auth.key"),
       "--pii-key-file=" + dir.Sub("pii.key"),
       absl::StrCat("--shutdown-grace=", absl::ToInt64Seconds(kGrace), "s")},
      dir.Sub("server.log"));
  ASSERT_TRUE(server.Start());
  ASSERT_TRUE(server.WaitServing(port, absl::Seconds(30)))
      << "server did not come up; log: " << dir.Sub("server.log");

  auto tickets = v1::TicketService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  const std::string agent =
      testing::Token(auth_key, auth::Role::kAgent, "agent-007");
  const std::string supervisor =
      testing::Token(auth_key, auth::Role::kSupervisor, "sup-1");
  // Calls that wait for the server (it restarts), or are refused when down.
  auto call = [&](auto method, const std::string& token, const auto& request,
                  auto* response, bool wait_for_ready) {
    return testing::CallWithToken(*tickets, method, token, request, response,
                                  absl::Seconds(30), wait_for_ready);
  };
  {
    v1::Customer customer;
    grpc::Status status =
        call(&v1::TicketService::Stub::UpsertCustomer, supervisor,
             ticket::testing::SampleCustomerRequest(), &customer,
             /*wait_for_ready=*/true);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // A probe's view: one Watch stream, every status it was told, in order.
  auto health_channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                            grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(health_channel);
  grpc::ClientContext watch_context;
  grpc::health::v1::HealthCheckRequest watch_request;
  auto watch = health->Watch(&watch_context, watch_request);
  HealthCheckResponse first;
  ASSERT_TRUE(watch->Read(&first));
  ASSERT_EQ(first.status(), HealthCheckResponse::SERVING);
  std::vector<HealthCheckResponse::ServingStatus> watched;
  std::thread watcher([&] {
    HealthCheckResponse update;
    while (watch->Read(&update)) watched.push_back(update.status());
  });

  std::mutex mu;
  std::condition_variable progressed;
  int acknowledged = 0;
  std::map<grpc::StatusCode, int> ended_with;
  std::map<grpc::StatusCode, std::string> message_of;
  std::vector<std::string> acknowledged_names;
  std::atomic<bool> refused{false};
  std::atomic<int> next{0};
  auto worker = [&] {
    while (!refused) {
      const std::string request_id = absl::StrCat("shutdown-", next++);
      v1::CreateTicketRequest request =
          ticket::testing::SampleCreateRequest(kMarker + request_id);
      request.set_request_id(request_id);
      v1::Ticket ticket;
      // No wait-for-ready: once the server stops listening a call must be
      // refused (UNAVAILABLE), not queued until it comes back.
      grpc::Status status =
          call(&v1::TicketService::Stub::CreateTicket, agent, request, &ticket,
               /*wait_for_ready=*/false);
      std::lock_guard<std::mutex> lock(mu);
      ++ended_with[status.error_code()];
      message_of[status.error_code()] = status.error_message();
      if (status.ok()) {
        ++acknowledged;
        acknowledged_names.push_back(ticket.name());
        progressed.notify_all();
      } else {
        refused = true;
      }
    }
  };
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) workers.emplace_back(worker);
  {
    std::unique_lock<std::mutex> lock(mu);
    progressed.wait(lock,
                    [&] { return acknowledged >= kAcknowledgedBeforeSigterm; });
  }
  const absl::Time sigterm_at = absl::Now();
  const int wait_status = server.Signal(SIGTERM);
  const absl::Duration exit_after = absl::Now() - sigterm_at;
  for (std::thread& w : workers) w.join();
  watch_context.TryCancel();
  watcher.join();

  // OK, or refused: UNAVAILABLE once the port is closed, CANCELLED for a
  // call gRPC's transport had accepted but the shutting-down server never
  // started (checked below: no refused call created a ticket).
  int cut_off = 0;
  int refused_calls = 0;
  for (const auto& [code, count] : ended_with) {
    if (code == grpc::StatusCode::OK) continue;
    if (code == grpc::StatusCode::UNAVAILABLE ||
        code == grpc::StatusCode::CANCELLED) {
      refused_calls += count;
      continue;
    }
    cut_off += count;
    ADD_FAILURE() << count << " calls ended with code " << code << ", e.g. "
                  << message_of[code];
  }
  std::cout << absl::StrFormat(
                   "shutdown test: SIGTERM after %d acknowledged creates from "
                   "%d threads; exit after %s (grace %s), status %d\n"
                   "  calls OK: %d, UNAVAILABLE: %d, CANCELLED: %d, anything "
                   "else: %d\n"
                   "  health watch after SERVING: %s",
                   kAcknowledgedBeforeSigterm, kThreads,
                   absl::FormatDuration(exit_after),
                   absl::FormatDuration(kGrace), wait_status,
                   ended_with[grpc::StatusCode::OK],
                   ended_with[grpc::StatusCode::UNAVAILABLE],
                   ended_with[grpc::StatusCode::CANCELLED], cut_off,
                   watched.empty() ? "nothing"
                                   : HealthCheckResponse::ServingStatus_Name(
                                         watched.front()))
            << std::endl;

  ASSERT_TRUE(WIFEXITED(wait_status)) << "killed by a signal: " << wait_status;
  EXPECT_EQ(WEXITSTATUS(wait_status), 0);
  EXPECT_LT(exit_after, kGrace);
  ASSERT_FALSE(watched.empty()) << "the health stream ended without a word";
  EXPECT_EQ(watched.front(), HealthCheckResponse::NOT_SERVING);
  // The load ran into the shutdown (workers stop after the first refusal).
  EXPECT_GT(refused_calls, 0);

  // Everything acknowledged before and during the drain was flushed.
  ASSERT_TRUE(server.Start());
  ASSERT_TRUE(server.WaitServing(port, absl::Seconds(30)));
  int missing = 0;
  for (const std::string& name : acknowledged_names) {
    v1::GetTicketRequest request;
    request.set_name(name);
    v1::Ticket ticket;
    grpc::Status status =
        call(&v1::TicketService::Stub::GetTicket, supervisor, request, &ticket,
             /*wait_for_ready=*/true);
    if (!status.ok() || ticket.subject().rfind(kMarker, 0) != 0) ++missing;
  }
  // Nothing but the acknowledged calls reached the store.
  int stored = 0;
  v1::ListTicketsRequest list;
  list.set_page_size(200);
  do {
    v1::ListTicketsResponse page;
    grpc::Status status =
        call(&v1::TicketService::Stub::ListTickets, supervisor, list, &page,
             /*wait_for_ready=*/true);
    ASSERT_TRUE(status.ok()) << status.error_message();
    stored += page.tickets_size();
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  std::cout << "  acknowledged tickets missing after restart: " << missing
            << " of " << acknowledged_names.size()
            << "; tickets stored: " << stored << std::endl;
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(stored, static_cast<int>(acknowledged_names.size()));
  server.Signal(SIGTERM);
}

}  // namespace
}  // namespace cs
