// Globally unique, time-ordered identifiers without a central counter.
//
// NewUlid() returns a 26-character ULID (Crockford base32: 48-bit Unix
// milliseconds + 80 random bits). ULIDs sort by creation time, so they make
// good RocksDB keys, and two partitions never collide.
//
//   std::string id = cs::NewUlid(clock.Now());   // "01HV3K9Q2F8D6W..."
#ifndef CS_LIBS_COMMON_IDS_H_
#define CS_LIBS_COMMON_IDS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cs {

// Thread-safe. The random part of the first id of a millisecond comes from a
// per-thread generator seeded from the OS; a later id of the process's latest
// millisecond takes the previous random part plus one (the ULID spec's
// monotonic generation), so the ids one process issues in its latest
// millisecond sort in issue order. That keeps writes keyed by new ids at the
// end of a key range even when the clock stands still (a manual test clock)
// or many ids share a millisecond. A `now` earlier than the latest
// millisecond gets a plain random id.
std::string NewUlid(absl::Time now);

// NewUlid(now) when it sorts after `last`, else the ULID right after `last`
// (same millisecond or a clock step back): ids of one writer that keeps its
// last id stay in write order. `last` "" or a ULID.
std::string NewUlidAfter(absl::Time now, absl::string_view last);

// True when `id` is 26 Crockford base32 characters (upper case).
bool IsUlid(absl::string_view id);

// `id` in the canonical upper case when it is a ULID written in upper or
// lower case (Crockford base32 reads both, and people type ids in lower
// case); nullopt otherwise. Ids are issued and stored upper case, so names
// are looked up by this form.
std::optional<std::string> CanonicalUlid(absl::string_view id);

// The ULID of a resource name "<prefix><ULID>" ("tickets/01KAQ…"), in the
// canonical case; nullopt when `name` is not `prefix` and a ULID.
std::optional<std::string> UlidOfName(absl::string_view name,
                                      absl::string_view prefix);

// The creation time encoded in a ULID; InfinitePast when `id` is no ULID.
absl::Time UlidTime(absl::string_view id);

}  // namespace cs

#endif  // CS_LIBS_COMMON_IDS_H_
