#include "services/routing/service/sla_metrics.h"

#include <string>

#include "absl/strings/strip.h"
#include "absl/strings/string_view.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"

namespace cs::routing {
namespace {

std::string KindLabel(v1::ClockKind kind) {
  absl::string_view name = v1::ClockKind_Name(kind);
  absl::ConsumePrefix(&name, "CLOCK_KIND_");
  return std::string(name);
}

std::string GradeLabel(common::v1::Grade grade) {
  switch (grade) {
    case common::v1::GRADE_A:
      return "A";
    case common::v1::GRADE_B:
      return "B";
    case common::v1::GRADE_C:
      return "C";
    default:
      return "none";
  }
}

}  // namespace

std::function<void(const v1::SlaClock&, v1::ClockTransition)>
SlaDeadlineCounter(metrics::Metrics& metrics) {
  auto* warnings = &prometheus::BuildCounter()
                        .Name("cs_sla_warnings_total")
                        .Help("SLA clocks that passed their warning point")
                        .Register(metrics.registry());
  auto* breaches = &prometheus::BuildCounter()
                        .Name("cs_sla_breaches_total")
                        .Help("SLA clocks that passed their target")
                        .Register(metrics.registry());
  return [warnings, breaches](const v1::SlaClock& clock,
                              v1::ClockTransition transition) {
    auto* family = transition == v1::CLOCK_TRANSITION_BREACH ? breaches
                   : transition == v1::CLOCK_TRANSITION_WARN ? warnings
                                                             : nullptr;
    if (family == nullptr) return;
    // Family::Add returns the existing series for known labels.
    family->Add({{"kind", KindLabel(clock.kind())},
                 {"grade", GradeLabel(clock.grade())}})
        .Increment();
  };
}

}  // namespace cs::routing
