// Test-only: a real routing & SLA service (ServiceHost + RoutingApp + gRPC
// glue) on a loopback port, following a ticket service's events, with the
// shipped configuration. For cross-service tests of its consumers.
#ifndef CS_SERVICES_ROUTING_TESTING_ROUTING_TEST_SERVER_H_
#define CS_SERVICES_ROUTING_TESTING_ROUTING_TEST_SERVER_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "services/routing/clients/ticket_client.h"
#include "services/routing/grpc/routing_grpc_service.h"
#include "services/routing/service/routing_app.h"
#include "services/routing/store/routing_store.h"

namespace cs::routing::testing {

// Sequence of the last event in routing-sla's `outbox` that escalation's
// consumer follows (SLA events other than SlaClockStarted); 0 when none. A
// test waiting for escalation to catch up waits for this cursor.
inline uint64_t LastEscalationRelevantEvent(Outbox& outbox) {
  uint64_t last = 0;
  EXPECT_TRUE(outbox
                  .Read(1, 0,
                        [&](const common::v1::Event& event) {
                          if (absl::StartsWith(event.type(), "Sla") &&
                              event.type() != "SlaClockStarted") {
                            last = event.sequence();
                          }
                        })
                  .ok());
  return last;
}

class RoutingTestServer {
 public:
  // Starts the service with its data under `dir`, following the ticket
  // service on `ticket_port`, with deploy/config/routing.textproto and
  // calendars.conf under `source_dir`; fails the test on error.
  void Start(const cs::testing::TempDir& dir, Clock& clock, int ticket_port,
             const std::string& source_dir) {
    auto settings = LoadRoutingSettings(
        absl::StrCat(source_dir, "/deploy/config/routing.textproto"),
        absl::StrCat(source_dir, "/deploy/config/calendars.conf"));
    ASSERT_TRUE(settings.ok()) << settings.status();
    auto host = ServiceHost::Create(
        cs::testing::TestServerConfig(dir, "routing"), RoutingColumnFamilies(),
        &clock);
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    ServiceHost* h = host_.get();
    ticket_client_ = std::make_unique<GrpcTicketClient>(
        cs::testing::LoopbackChannel(ticket_port),
        [h] { return h->ServiceToken(); });
    RoutingApp::Options options;
    options.ticket_events_target = absl::StrCat("127.0.0.1:", ticket_port);
    options.token = [h] { return h->ServiceToken(); };
    auto app = RoutingApp::Create(h->store(), h->outbox(), h->clock(),
                                  *std::move(settings), *ticket_client_,
                                  std::move(options));
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    RoutingApp* a = app_.get();
    routing_grpc_ = std::make_unique<RoutingGrpcService>(*h, *a);
    sla_grpc_ = std::make_unique<SlaGrpcService>(*h, *a);
    h->RegisterService(routing_grpc_.get());
    h->RegisterService(sla_grpc_.get());
    h->AddShutdownHook([a] { a->Stop(); });
    ASSERT_TRUE(a->Start().ok());
    ASSERT_TRUE(h->Start().ok());
  }

  // Graceful stop (consumer, assigner and timers included); safe to call
  // when not started.
  void Shutdown() {
    if (host_) host_->Shutdown();
  }

  ServiceHost& host() { return *host_; }
  RoutingApp& app() { return *app_; }
  int port() const { return host_->port(); }

 private:
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<GrpcTicketClient> ticket_client_;
  std::unique_ptr<RoutingApp> app_;
  std::unique_ptr<RoutingGrpcService> routing_grpc_;
  std::unique_ptr<SlaGrpcService> sla_grpc_;
};

}  // namespace cs::routing::testing

#endif  // CS_SERVICES_ROUTING_TESTING_ROUTING_TEST_SERVER_H_
