#include "libs/common/time_proto.h"

#include <algorithm>
#include <cstdint>

namespace cs {
namespace {

constexpr int64_t kMinSeconds = -62135596800;  // 0001-01-01T00:00:00Z
constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z

}  // namespace

google::protobuf::Timestamp ToProtoTime(absl::Time t) {
  google::protobuf::Timestamp ts;
  if (t <= absl::FromUnixSeconds(kMinSeconds)) {
    ts.set_seconds(kMinSeconds);
    return ts;
  }
  if (t >= absl::FromUnixSeconds(kMaxSeconds)) {
    ts.set_seconds(kMaxSeconds);
    return ts;
  }
  const int64_t seconds = absl::ToUnixSeconds(t);  // floor
  const absl::Duration rest = t - absl::FromUnixSeconds(seconds);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(rest)));
  return ts;
}

absl::Time FromProtoTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::protobuf::Duration ToProtoDuration(absl::Duration d) {
  google::protobuf::Duration out;
  const int64_t seconds = absl::IDivDuration(d, absl::Seconds(1), &d);
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(d)));
  return out;
}

absl::Duration FromProtoDuration(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

bool IsValidProtoTime(const google::protobuf::Timestamp& ts) {
  return ts.seconds() >= kMinSeconds && ts.seconds() <= kMaxSeconds &&
         ts.nanos() >= 0 && ts.nanos() < 1000000000;
}

}  // namespace cs
