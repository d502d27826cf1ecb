// Human-readable ticket numbers: "T{yyyymmdd}-{partition}-{sequence}", e.g.
// "T20261123-0-000042".
//
// The date is the creation day in the centre's time zone (Asia/Shanghai); the
// partition keeps numbers unique without a central counter when tickets are
// partitioned (DESIGN §7); the sequence is a per-(day, partition) counter kept
// by storage, starting at 1 and printed with at least six digits.
//
//   ASSIGN_OR_RETURN(uint64_t seq, repo.NextDailySequence(CentreDay(now)));
//   ASSIGN_OR_RETURN(std::string number, FormatTicketNumber(CentreDay(now), 0,
//   seq)); ASSIGN_OR_RETURN(TicketNumber parsed, ParseTicketNumber(number));
//
// Pure and thread-safe.
#ifndef CS_SERVICES_TICKET_DOMAIN_TICKET_NUMBER_H_
#define CS_SERVICES_TICKET_DOMAIN_TICKET_NUMBER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace cs::ticket {

inline constexpr uint32_t kMaxPartition = 9999;
inline constexpr uint64_t kMaxSequence = 999999999999;  // 12 digits

struct TicketNumber {
  absl::CivilDay day;
  uint32_t partition = 0;
  uint64_t sequence = 0;

  friend bool operator==(const TicketNumber& a, const TicketNumber& b) {
    return a.day == b.day && a.partition == b.partition &&
           a.sequence == b.sequence;
  }
};

// Asia/Shanghai, loaded once from the system tzdata; when tzdata is missing,
// a fixed UTC+8 zone (China has had no DST since 1991, so both agree).
const absl::TimeZone& CentreTimeZone();

// The calendar day of `t` in CentreTimeZone().
absl::CivilDay CentreDay(absl::Time t);

// INVALID_ARGUMENT when partition > kMaxPartition, sequence is 0 or above
// kMaxSequence, or the day's year is outside 2000..9999.
absl::StatusOr<std::string> FormatTicketNumber(absl::CivilDay day,
                                               uint32_t partition,
                                               uint64_t sequence);

// Inverse of FormatTicketNumber. Accepts only the canonical form (so every
// ticket has exactly one number string): INVALID_ARGUMENT otherwise, with a
// message that describes the problem (callers prefix the field path).
absl::StatusOr<TicketNumber> ParseTicketNumber(absl::string_view number);

}  // namespace cs::ticket

#endif  // CS_SERVICES_TICKET_DOMAIN_TICKET_NUMBER_H_
