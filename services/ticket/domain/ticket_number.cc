#include "services/ticket/domain/ticket_number.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace cs::ticket {
namespace {

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status Malformed(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "not a ticket number (expected T{yyyymmdd}-{partition}-{sequence}, "
      "e.g. T20261123-0-000042): %s",
      why));
}

}  // namespace

const absl::TimeZone& CentreTimeZone() {
  static const absl::TimeZone* const zone = [] {
    auto* tz = new absl::TimeZone;
    if (!absl::LoadTimeZone("Asia/Shanghai", tz)) {
      *tz = absl::FixedTimeZone(8 * 60 * 60);
    }
    return tz;
  }();
  return *zone;
}

absl::CivilDay CentreDay(absl::Time t) {
  return absl::ToCivilDay(t, CentreTimeZone());
}

absl::StatusOr<std::string> FormatTicketNumber(absl::CivilDay day,
                                               uint32_t partition,
                                               uint64_t sequence) {
  if (partition > kMaxPartition) {
    return absl::InvalidArgumentError(
        absl::StrFormat("partition %u is above %u", partition, kMaxPartition));
  }
  if (sequence == 0 || sequence > kMaxSequence) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "sequence %u is outside 1..%u", sequence, kMaxSequence));
  }
  if (day.year() < 2000 || day.year() > 9999) {
    return absl::InvalidArgumentError(
        absl::StrFormat("year %d is outside 2000..9999", day.year()));
  }
  return absl::StrFormat("T%04d%02d%02d-%u-%06u", day.year(), day.month(),
                         day.day(), partition, sequence);
}

absl::StatusOr<TicketNumber> ParseTicketNumber(absl::string_view number) {
  if (number.size() < 2 || number[0] != 'T') {
    return Malformed("must start with 'T'");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(number.substr(1), '-');
  if (parts.size() != 3) return Malformed("needs three '-'-separated parts");
  if (parts[0].size() != 8 || !AllDigits(parts[0])) {
    return Malformed("date must be 8 digits");
  }
  int year = 0, month = 0, day = 0;
  (void)absl::SimpleAtoi(parts[0].substr(0, 4), &year);
  (void)absl::SimpleAtoi(parts[0].substr(4, 2), &month);
  (void)absl::SimpleAtoi(parts[0].substr(6, 2), &day);
  const absl::CivilDay civil(year, month, day);
  if (civil.year() != year || civil.month() != month || civil.day() != day) {
    return Malformed("date does not exist");
  }
  uint32_t partition = 0;
  uint64_t sequence = 0;
  if (!AllDigits(parts[1]) || parts[1].size() > 4 ||
      !absl::SimpleAtoi(parts[1], &partition)) {
    return Malformed("partition must be 1-4 digits");
  }
  if (!AllDigits(parts[2]) || parts[2].size() > 12 ||
      !absl::SimpleAtoi(parts[2], &sequence)) {
    return Malformed("sequence must be 6-12 digits");
  }
  absl::StatusOr<std::string> canonical =
      FormatTicketNumber(civil, partition, sequence);
  if (!canonical.ok()) return Malformed(canonical.status().message());
  if (*canonical != number) return Malformed("not in canonical form");
  return TicketNumber{civil, partition, sequence};
}

}  // namespace cs::ticket
