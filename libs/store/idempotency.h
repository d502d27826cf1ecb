// Idempotent creates: remember the outcome of a request under its
// `request_id` in the same WriteSet as the change it made, so a retry finds
// the original result instead of creating a duplicate.
//
//   absl::MutexLock lock(&stripes.For(request_id));   // check-then-insert
//   ASSIGN_OR_RETURN(auto previous, cs::FindIdempotentResult(*store, "tickets.create", request_id));
//   if (previous) return LoadTicket(*previous);
//   ... writes.PutProto(...); cs::RecordIdempotentResult(*store, writes, "tickets.create", request_id, id);
#ifndef CS_LIBS_STORE_IDEMPOTENCY_H_
#define CS_LIBS_STORE_IDEMPOTENCY_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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

}  // namespace cs

#endif  // CS_LIBS_STORE_IDEMPOTENCY_H_
