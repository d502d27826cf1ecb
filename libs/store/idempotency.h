// Idempotent creates: remember the outcome of a request under its
// `request_id` in the same WriteSet as the change it made, so a retry finds
// the original result instead of creating a duplicate.
//
//   absl::MutexLock lock(&stripes.For(request_id));  // check-then-insert
//   ASSIGN_OR_RETURN(auto previous, cs::FindIdempotentResult(
//                                       *store, "tickets.create", request_id));
//   if (previous) return LoadTicket(*previous);
//   ... writes.PutProto(...);
//   cs::RecordIdempotentResult(*store, writes, "tickets.create", request_id,
//                              id);
//
// With a fingerprint of the request (RequestFingerprint), a request_id
// reused for a different request is refused rather than answered with the
// earlier result.
#ifndef CS_LIBS_STORE_IDEMPOTENCY_H_
#define CS_LIBS_STORE_IDEMPOTENCY_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "libs/store/store.h"

namespace cs {

// The result recorded for (scope, request_id), or nullopt when none. Errors
// only for storage trouble. Thread-safe; callers serialise check-then-insert
// per request_id themselves (e.g. with cs::LockStripes).
absl::StatusOr<std::optional<std::string>> FindIdempotentResult(
    const Store& store, absl::string_view scope, absl::string_view request_id);

// Adds the record to `writes`; it lands only if `writes` is committed.
void RecordIdempotentResult(const Store& store, WriteSet& writes,
                            absl::string_view scope,
                            absl::string_view request_id,
                            absl::string_view result);

// The same for a request whose retries must repeat it exactly: the record
// also keeps `fingerprint` (RequestFingerprint of the request), and the
// lookup below refuses a request_id reused for something else instead of
// answering with the earlier result. `result` must not contain '\0'.
void RecordIdempotentResult(const Store& store, WriteSet& writes,
                            absl::string_view scope,
                            absl::string_view request_id,
                            absl::string_view result,
                            absl::string_view fingerprint);

// The result recorded for (scope, request_id) when it was recorded for a
// request with `fingerprint` (or before fingerprints were kept), nullopt
// when none, INVALID_ARGUMENT on field request_id ("was already used for a
// different request") when the recorded request differs. Otherwise as the
// lookup above.
absl::StatusOr<std::optional<std::string>> FindIdempotentResult(
    const Store& store, absl::string_view scope, absl::string_view request_id,
    absl::string_view fingerprint);

// SHA-256 of `request` serialised deterministically: equal for a retry of
// the same request, different when any field differs.
std::string RequestFingerprint(const google::protobuf::Message& request);

}  // namespace cs

#endif  // CS_LIBS_STORE_IDEMPOTENCY_H_
