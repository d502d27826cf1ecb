// Free input of escalation: the first byte picks a RequestEscalation
// request, a ListCases request (bytes → the request guard's wire check →
// protobuf parse → validation → policy choice, no store) or the policy
// configuration text (ParseEscalationConfig). The guard and protobuf agree
// on what parses; nothing crashes; a request that validates finds the
// policy of its severity exactly when the severity is configured; a
// configuration that parses has at least one policy, each with a level.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cs/escalation/v1/escalation.pb.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/guarded_parse.h"
#include "services/escalation/domain/escalation_config.h"
#include "services/escalation/domain/requests.h"

namespace {

using cs::fuzz::GuardedParse;

namespace v1 = cs::escalation::v1;

constexpr char kConfig[] = R"pb(
  version: 1
  policies {
    name: "grade-a"
    grade: GRADE_A
    levels {
      title: "主管"
      role: "supervisor"
      ack_within { seconds: 1800 }
    }
  }
  policies {
    name: "serious-complaint"
    severity: "serious"
    levels {
      title: "副总裁"
      role: "director"
      people: "vice-president"
      ack_within { seconds: 3600 }
    }
  }
)pb";

const cs::escalation::EscalationSettings& Settings() {
  static const auto* settings = [] {
    auto parsed = cs::escalation::ParseEscalationConfig(kConfig, "fuzz");
    FUZZ_CHECK(parsed.ok());
    return new cs::escalation::EscalationSettings(*std::move(parsed));
  }();
  return *settings;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cs::fuzz::FuzzInput in(data, size);
  const uint8_t kind = in.Byte() % 3;
  const std::string bytes = in.Rest();
  if (kind == 0) {
    v1::RequestEscalationRequest request;
    if (GuardedParse(bytes, request) &&
        cs::escalation::ValidateRequestEscalation(request).ok()) {
      const v1::EscalationPolicy* policy =
          Settings().ForSeverity(request.severity());
      FUZZ_CHECK((policy != nullptr) == (request.severity() == "serious"));
    }
  } else if (kind == 1) {
    v1::ListCasesRequest request;
    if (GuardedParse(bytes, request)) {
      (void)cs::escalation::ValidateListCases(request);
    }
  } else {
    auto settings = cs::escalation::ParseEscalationConfig(bytes, "fuzz");
    if (settings.ok()) {
      FUZZ_CHECK(settings->proto.policies_size() > 0);
      for (const auto& policy : settings->proto.policies()) {
        FUZZ_CHECK(policy.levels_size() > 0);
      }
    }
  }
  return 0;
}
