// absl::Time / absl::Duration ↔ google.protobuf.Timestamp / Duration.
//
//   *ticket.mutable_create_time() = ToProtoTime(now);
//   absl::Time created = FromProtoTime(ticket.create_time());
//
// Pure and thread-safe.
#ifndef CS_LIBS_COMMON_TIME_PROTO_H_
#define CS_LIBS_COMMON_TIME_PROTO_H_

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace cs {

// Truncates to whole nanoseconds; InfinitePast/InfiniteFuture map to the
// protobuf range limits (0001-01-01 / 9999-12-31).
google::protobuf::Timestamp ToProtoTime(absl::Time t);
absl::Time FromProtoTime(const google::protobuf::Timestamp& ts);

google::protobuf::Duration ToProtoDuration(absl::Duration d);
absl::Duration FromProtoDuration(const google::protobuf::Duration& d);

// True when `ts` is within the range protobuf allows (seconds in
// [0001-01-01, 9999-12-31], nanos in [0, 1e9)).
bool IsValidProtoTime(const google::protobuf::Timestamp& ts);

}  // namespace cs

#endif  // CS_LIBS_COMMON_TIME_PROTO_H_
