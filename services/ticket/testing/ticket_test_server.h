// Test-only: a real ticket service (ServiceHost + TicketApp + gRPC glue, with
// QualityService next to TicketService as in ticket-server) on a loopback
// port, for cross-service tests of the services that consume its events or
// call it. Runs on the caller's shared clock. FollowSignals makes it follow
// event streams for the inspection queue, as --routing-addr and
// --complaint-addr do.
#ifndef CS_SERVICES_TICKET_TESTING_TICKET_TEST_SERVER_H_
#define CS_SERVICES_TICKET_TESTING_TICKET_TEST_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "services/ticket/domain/permissions.h"
#include "services/ticket/domain/pii_cipher.h"
#include "services/ticket/grpc/ticket_grpc_service.h"
#include "services/ticket/quality/quality_app.h"
#include "services/ticket/quality/quality_grpc_service.h"
#include "services/ticket/quality/signal_feed.h"
#include "services/ticket/service/ticket_app.h"
#include "services/ticket/store/ticket_repository.h"

namespace cs::ticket::testing {

class TicketTestServer {
 public:
  // Before Start: the producers to follow for inspection signals (kept for
  // later restarts). An empty token function means the host's service token.
  void FollowSignals(quality::InspectionSignalFeed::Options options) {
    feed_options_ = std::move(options);
  }

  // Starts the service with its data under `dir`; fails the test on error.
  // `adjust`, when given, edits the test config first (queue sizes, limits).
  void Start(const cs::testing::TempDir& dir, Clock& clock,
             TicketApp::Options options = {},
             quality::Scorecard scorecard = quality::DefaultScorecard(),
             const std::function<void(ServerConfig&)>& adjust = nullptr) {
    feed_.reset();
    ServerConfig config = cs::testing::TestServerConfig(dir, "ticket");
    if (adjust) adjust(config);
    auto host = ServiceHost::Create(config, TicketColumnFamilies(), &clock);
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    auto keyring = Keyring::FromKey("test", 1, std::string(32, 'k'));
    ASSERT_TRUE(keyring.ok());
    auto app = TicketApp::Create(
        host_->store(), host_->outbox(), host_->commits(), host_->clock(),
        PermissionTable::Defaults(), *std::move(keyring), options);
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    auto quality = quality::QualityApp::Create(
        host_->store(), host_->outbox(), host_->clock(), std::move(scorecard),
        *app_);
    ASSERT_TRUE(quality.ok()) << quality.status();
    quality_ = *std::move(quality);
    grpc_ = std::make_unique<TicketGrpcService>(*host_, *app_);
    quality_grpc_ =
        std::make_unique<quality::QualityGrpcService>(*host_, *quality_);
    host_->RegisterService(grpc_.get());
    host_->RegisterService(quality_grpc_.get());
    ASSERT_TRUE(host_->Start().ok());
    quality::InspectionSignalFeed::Options feed_options = feed_options_;
    ServiceHost* h = host_.get();
    if (!feed_options.token)
      feed_options.token = [h] { return h->ServiceToken(); };
    auto feed = quality::InspectionSignalFeed::Create(
        host_->store(), app_->repository(), std::move(feed_options));
    ASSERT_TRUE(feed.ok()) << feed.status();
    feed_ = *std::move(feed);
    ASSERT_TRUE(feed_->Start().ok());
  }

  // Graceful stop; safe to call when not started.
  void Shutdown() {
    if (feed_) feed_->Stop();
    if (host_) host_->Shutdown();
  }

  ServiceHost& host() { return *host_; }
  TicketApp& app() { return *app_; }
  quality::QualityApp& quality() { return *quality_; }
  quality::InspectionSignalFeed& feed() { return *feed_; }
  int port() const { return host_->port(); }
  std::string target() const { return absl::StrCat("127.0.0.1:", port()); }
  std::unique_ptr<v1::TicketService::Stub> NewStub() const {
    return v1::TicketService::NewStub(cs::testing::LoopbackChannel(port()));
  }
  std::unique_ptr<v1::QualityService::Stub> NewQualityStub() const {
    return v1::QualityService::NewStub(cs::testing::LoopbackChannel(port()));
  }

 private:
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<TicketApp> app_;
  std::unique_ptr<quality::QualityApp> quality_;
  std::unique_ptr<TicketGrpcService> grpc_;
  std::unique_ptr<quality::QualityGrpcService> quality_grpc_;
  quality::InspectionSignalFeed::Options feed_options_;
  std::unique_ptr<quality::InspectionSignalFeed> feed_;
};

}  // namespace cs::ticket::testing

#endif  // CS_SERVICES_TICKET_TESTING_TICKET_TEST_SERVER_H_
