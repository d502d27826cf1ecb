// Test-only: the fixture of the adversarial tests of routing-sla,
// knowledge-base, complaint and escalation — the real services of
// complaint's service tests (services/complaint/testing), each on loopback
// with its own RocksDB, plus a RoutingService stub.
#ifndef CS_TESTS_ADVERSARIAL_SUITE_FIXTURE_H_
#define CS_TESTS_ADVERSARIAL_SUITE_FIXTURE_H_

#include <memory>

#include "cs/routing/v1/routing.grpc.pb.h"
#include "libs/server/test_host.h"
#include "services/complaint/testing/complaint_test_env.h"
#include "tests/adversarial/adversarial.h"

namespace cs::adversarial {

class SuiteAdversarialTest : public complaint::testing::ComplaintServiceTest {
 protected:
  using RS = routing::v1::RoutingService::Stub;
  using SS = routing::v1::SlaService::Stub;
  using KS = kb::v1::KnowledgeBaseService::Stub;
  using ES = escalation::v1::EscalationService::Stub;

  void SetUp() override {
    ComplaintServiceTest::SetUp();
    routing_ = routing::v1::RoutingService::NewStub(
        cs::testing::LoopbackChannel(routing_host_->port()));
  }

  // Nothing left queued on any server's executor.
  void ExpectIdle() {
    for (ServiceHost* host : {routing_host_.get(), esc_host_.get(),
                              kb_host_.get(), complaint_host_.get()}) {
      // Late arrivals of abandoned calls are taken at once.
      EXPECT_TRUE(host->executor().WaitUntilDrained(absl::Seconds(10)))
          << host->port();
    }
  }

  std::unique_ptr<RS> routing_;
};

}  // namespace cs::adversarial

#endif  // CS_TESTS_ADVERSARIAL_SUITE_FIXTURE_H_
