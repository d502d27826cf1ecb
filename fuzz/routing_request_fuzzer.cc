// Free input of routing-sla: the first byte picks a StartClock request, an
// UpdateClock request (bytes → the request guard's wire check → protobuf
// parse → validation → the domain's SlaClock on a 7×24 calendar, no store)
// or the routing configuration text (ParseRoutingConfig). The guard and
// protobuf agree on what parses; nothing crashes; a StartClock that
// validates starts a RUNNING clock of its subject, and a valid UpdateClock
// either moves a running clock or is refused as an illegal transition.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "absl/time/time.h"
#include "cs/routing/v1/routing.pb.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/guarded_parse.h"
#include "libs/common/time_proto.h"
#include "services/routing/domain/calendar.h"
#include "services/routing/domain/clock_requests.h"
#include "services/routing/domain/routing_config.h"
#include "services/routing/domain/sla_clock.h"

namespace {

using cs::fuzz::GuardedParse;

namespace v1 = cs::routing::v1;
using cs::routing::BusinessCalendar;
using cs::routing::ClockPolicy;
using cs::routing::SlaClock;

const std::set<std::string>& Calendars() {
  static const auto* names = new std::set<std::string>{"always", "default"};
  return *names;
}
const absl::Time kNow = absl::FromUnixSeconds(1795000000);

ClockPolicy PolicyOf(v1::ClockKind kind, absl::Duration target) {
  ClockPolicy policy;
  policy.kind = kind;
  policy.target = target;
  policy.calendar = "always";
  return policy;
}

void StartClock(const v1::StartClockRequest& req) {
  if (!cs::routing::ValidateStartClock(req, Calendars(), kNow).ok()) return;
  const absl::Duration target =
      req.has_target() ? cs::FromProtoDuration(req.target()) : absl::Hours(4);
  SlaClock clock("clocks/fuzz", req.subject(), PolicyOf(req.kind(), target),
                 req.grade());
  const absl::Time start =
      req.has_start_time() ? cs::FromProtoTime(req.start_time()) : kNow;
  FUZZ_CHECK(clock.Start(start, req.reason()).ok());
  const v1::SlaClock view = clock.ToProto(kNow, BusinessCalendar::AlwaysOpen());
  FUZZ_CHECK(view.state() == v1::CLOCK_STATE_RUNNING);
  FUZZ_CHECK(view.subject() == req.subject());
}

void UpdateClock(const v1::UpdateClockRequest& req) {
  if (!cs::routing::ValidateUpdateClock(req).ok()) return;
  SlaClock clock("clocks/fuzz", req.subject(),
                 PolicyOf(req.kind(), absl::Hours(4)));
  FUZZ_CHECK(clock.Start(kNow - absl::Hours(1), "fuzz").ok());
  const BusinessCalendar calendar = BusinessCalendar::AlwaysOpen();
  absl::Status moved;
  switch (req.transition()) {
    case v1::CLOCK_TRANSITION_PAUSE:
      moved = clock.Pause(kNow, req.reason(), calendar).status();
      break;
    case v1::CLOCK_TRANSITION_RESUME:
      moved = clock.Resume(kNow, req.reason(), calendar).status();
      break;
    case v1::CLOCK_TRANSITION_FULFIL:
      moved = clock.Fulfil(kNow, req.reason(), calendar).status();
      break;
    default:
      moved = clock.Stop(kNow, req.reason(), calendar).status();
  }
  FUZZ_CHECK(moved.ok() || absl::IsFailedPrecondition(moved));
  if (moved.ok()) {
    FUZZ_CHECK(clock.state() == cs::routing::StateAfter(req.transition()));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cs::fuzz::FuzzInput in(data, size);
  const uint8_t kind = in.Byte() % 3;
  const std::string bytes = in.Rest();
  if (kind == 0) {
    v1::StartClockRequest start;
    if (GuardedParse(bytes, start)) StartClock(start);
  } else if (kind == 1) {
    v1::UpdateClockRequest update;
    if (GuardedParse(bytes, update)) UpdateClock(update);
  } else {
    (void)cs::routing::ParseRoutingConfig(bytes, "fuzz.textproto", Calendars());
  }
  return 0;
}
