#include "services/ticket/domain/ticket_number.h"

#include "gtest/gtest.h"

namespace cs::ticket {
namespace {

TEST(TicketNumberTest, FormatsWithPartitionAndPaddedSequence) {
  EXPECT_EQ(*FormatTicketNumber(absl::CivilDay(2026, 11, 23), 0, 42),
            "T20261123-0-000042");
  EXPECT_EQ(*FormatTicketNumber(absl::CivilDay(2026, 1, 5), 12, 1234567),
            "T20260105-12-1234567");
}

TEST(TicketNumberTest, RejectsOutOfRangeParts) {
  const absl::CivilDay day(2026, 11, 23);
  EXPECT_EQ(FormatTicketNumber(day, 0, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(FormatTicketNumber(day, 10000, 1).ok());
  EXPECT_FALSE(FormatTicketNumber(day, 0, kMaxSequence + 1).ok());
  EXPECT_FALSE(FormatTicketNumber(absl::CivilDay(1999, 12, 31), 0, 1).ok());
}

TEST(TicketNumberTest, ParseRoundTrips) {
  auto parsed = ParseTicketNumber("T20261123-0-000042");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->day, absl::CivilDay(2026, 11, 23));
  EXPECT_EQ(parsed->partition, 0u);
  EXPECT_EQ(parsed->sequence, 42u);
  EXPECT_EQ(
      *FormatTicketNumber(parsed->day, parsed->partition, parsed->sequence),
      "T20261123-0-000042");
  auto big = ParseTicketNumber("T20260105-12-1234567");
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->sequence, 1234567u);
}

TEST(TicketNumberTest, ParseRejectsNonCanonicalAndMalformed) {
  for (const char* bad :
       {"", "T", "20261123-0-000042", "T20261123-0-42", "T20261123-00-000042",
        "T20261123-0-0000042", "T20261131-0-000001", "T2026112-0-000001",
        "T20261123-0", "T20261123-0-000001-1", "T20261123--000001",
        "T20261123-+1-000001", "T20261123-0-000000", "t20261123-0-000001",
        "T20261123-0-00000１"}) {
    auto parsed = ParseTicketNumber(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST(TicketNumberTest, DayIsTakenInShanghaiTime) {
  // 2026-11-22T16:30:00Z is 2026-11-23 00:30 in Asia/Shanghai.
  const absl::Time t = absl::FromCivil(
      absl::CivilSecond(2026, 11, 22, 16, 30, 0), absl::UTCTimeZone());
  EXPECT_EQ(CentreDay(t), absl::CivilDay(2026, 11, 23));
  // 15:59:59Z is still the 22nd there.
  EXPECT_EQ(CentreDay(t - absl::Minutes(30) - absl::Seconds(1)),
            absl::CivilDay(2026, 11, 22));
  EXPECT_EQ(CentreTimeZone().At(t).offset, 8 * 3600);
}

}  // namespace
}  // namespace cs::ticket
