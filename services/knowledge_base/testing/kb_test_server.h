// Test-only: a real knowledge-base service (ServiceHost + KbApp + gRPC glue)
// on a loopback port, with its store under a temp dir, on the caller's clock.
// Without a TicketReplier: sharing an article to a ticket is then
// unavailable, everything else works.
#ifndef CS_SERVICES_KNOWLEDGE_BASE_TESTING_KB_TEST_SERVER_H_
#define CS_SERVICES_KNOWLEDGE_BASE_TESTING_KB_TEST_SERVER_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cs/kb/v1/kb.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "services/knowledge_base/grpc/kb_grpc_service.h"
#include "services/knowledge_base/service/kb_app.h"
#include "services/knowledge_base/store/kb_repository.h"

namespace cs::kb::testing {

class KbTestServer {
 public:
  // Starts the service with its data under `dir`; fails the test on error.
  void Start(const cs::testing::TempDir& dir, Clock& clock,
             KbOptions options = {}) {
    auto host = ServiceHost::Create(
        cs::testing::TestServerConfig(dir, "knowledge-base"),
        KbColumnFamilies(), &clock);
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    auto app = KbApp::Create(host_->store(), host_->outbox(), host_->clock(),
                             nullptr, std::move(options));
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    grpc_ = std::make_unique<KbGrpcService>(*host_, *app_);
    host_->RegisterService(grpc_.get());
    ASSERT_TRUE(host_->Start().ok());
  }

  // Graceful stop; safe to call when not started.
  void Shutdown() {
    if (host_) host_->Shutdown();
  }

  ServiceHost& host() { return *host_; }
  KbApp& app() { return *app_; }
  int port() const { return host_->port(); }
  std::string target() const { return absl::StrCat("127.0.0.1:", port()); }
  std::unique_ptr<v1::KnowledgeBaseService::Stub> NewStub() const {
    return v1::KnowledgeBaseService::NewStub(
        cs::testing::LoopbackChannel(port()));
  }

 private:
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<KbApp> app_;
  std::unique_ptr<KbGrpcService> grpc_;
};

}  // namespace cs::kb::testing

#endif  // CS_SERVICES_KNOWLEDGE_BASE_TESTING_KB_TEST_SERVER_H_
