#include "services/routing/service/sla_metrics.h"

#include <map>
#include <string>

#include "gtest/gtest.h"

namespace cs::routing {
namespace {

double CounterValue(metrics::Metrics& m, const std::string& name,
                    const std::map<std::string, std::string>& want) {
  for (const auto& family : m.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& l : metric.label) labels[l.name] = l.value;
      if (labels == want) return metric.counter.value;
    }
  }
  return -1;
}

TEST(SlaMetricsTest, CountsWarningsAndBreachesByKindAndGrade) {
  auto m = metrics::Metrics::Create("");
  ASSERT_TRUE(m.ok());
  auto count = SlaDeadlineCounter(**m);
  v1::SlaClock clock;
  clock.set_kind(v1::CLOCK_KIND_FIRST_RESPONSE);
  clock.set_grade(common::v1::GRADE_A);
  count(clock, v1::CLOCK_TRANSITION_BREACH);
  count(clock, v1::CLOCK_TRANSITION_BREACH);
  count(clock, v1::CLOCK_TRANSITION_WARN);
  count(clock, v1::CLOCK_TRANSITION_FULFIL);  // not a deadline: ignored
  EXPECT_EQ(CounterValue(**m, "cs_sla_breaches_total",
                         {{"kind", "FIRST_RESPONSE"}, {"grade", "A"}}),
            2);
  EXPECT_EQ(CounterValue(**m, "cs_sla_warnings_total",
                         {{"kind", "FIRST_RESPONSE"}, {"grade", "A"}}),
            1);
  clock.set_grade(common::v1::GRADE_UNSPECIFIED);
  clock.set_kind(v1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE);
  count(clock, v1::CLOCK_TRANSITION_BREACH);
  EXPECT_EQ(CounterValue(**m, "cs_sla_breaches_total",
                         {{"kind", "COMPLAINT_ACKNOWLEDGE"}, {"grade", "none"}}),
            1);
}

}  // namespace
}  // namespace cs::routing
