#include "services/ticket/domain/query.h"

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/fingerprint.h"
#include "libs/common/time_proto.h"

namespace cs::ticket {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::Ticket SampleTicket() {
  v1::Ticket t;
  t.set_name("tickets/01JD0000000000000000000000");
  t.set_status(v1::TICKET_STATUS_IN_PROGRESS);
  t.set_channel(cs::common::v1::CHANNEL_PHONE);
  t.set_grade(cs::common::v1::GRADE_B);
  t.set_department("客服部");
  t.set_assignee("agent-007");
  t.set_customer_id("c-1001");
  *t.mutable_create_time() = ToProtoTime(absl::FromUnixSeconds(1000));
  t.add_replies()->set_body("您好");
  t.add_history()->set_actor("agent-007");
  return t;
}

TEST(QueryTest, PageSizeDefaultsAndClamps) {
  EXPECT_EQ(EffectivePageSize(0), 50);
  EXPECT_EQ(EffectivePageSize(-3), 50);
  EXPECT_EQ(EffectivePageSize(10), 10);
  EXPECT_EQ(EffectivePageSize(5000), 200);
  EXPECT_EQ(EffectiveOrder(v1::TICKET_ORDER_UNSPECIFIED),
            v1::TICKET_ORDER_CREATE_TIME_DESC);
  EXPECT_EQ(EffectiveOrder(v1::TICKET_ORDER_CREATE_TIME_ASC),
            v1::TICKET_ORDER_CREATE_TIME_ASC);
}

// MatchesFilter, checked to agree with MatchesFilterOnWire.
bool MatchesBothWays(const v1::Ticket& t, const v1::TicketFilter& f) {
  const bool typed = MatchesFilter(t, f);
  absl::StatusOr<bool> on_wire = MatchesFilterOnWire(t.SerializeAsString(), f);
  EXPECT_TRUE(on_wire.ok()) << on_wire.status();
  EXPECT_EQ(on_wire.value_or(!typed), typed) << "the wire disagrees";
  return typed;
}

TEST(QueryTest, EmptyFilterMatchesEverything) {
  EXPECT_TRUE(MatchesBothWays(SampleTicket(), v1::TicketFilter()));
}

TEST(QueryTest, EachFilterFieldRestricts) {
  const v1::Ticket t = SampleTicket();
  v1::TicketFilter f;
  f.add_statuses(v1::TICKET_STATUS_NEW);
  EXPECT_FALSE(MatchesBothWays(t, f));
  f.add_statuses(v1::TICKET_STATUS_IN_PROGRESS);
  EXPECT_TRUE(MatchesBothWays(t, f));

  f.add_channels(cs::common::v1::CHANNEL_EMAIL);
  EXPECT_FALSE(MatchesBothWays(t, f));
  f.add_channels(cs::common::v1::CHANNEL_PHONE);
  EXPECT_TRUE(MatchesBothWays(t, f));

  f.add_grades(cs::common::v1::GRADE_UNSPECIFIED);
  EXPECT_FALSE(MatchesBothWays(t, f));
  f.add_grades(cs::common::v1::GRADE_B);
  EXPECT_TRUE(MatchesBothWays(t, f));

  f.set_department("技术支持部");
  EXPECT_FALSE(MatchesBothWays(t, f));
  f.set_department("客服部");
  EXPECT_TRUE(MatchesBothWays(t, f));

  f.set_assignee("agent-008");
  EXPECT_FALSE(MatchesBothWays(t, f));
  f.set_assignee("agent-007");
  EXPECT_TRUE(MatchesBothWays(t, f));

  f.set_customer_id("c-2002");
  EXPECT_FALSE(MatchesBothWays(t, f));
  f.set_customer_id("c-1001");
  EXPECT_TRUE(MatchesBothWays(t, f));
}

TEST(QueryTest, CreateTimeRangeIsHalfOpen) {
  const v1::Ticket t = SampleTicket();  // created at 1000 s
  v1::TicketFilter f;
  *f.mutable_create_time_from() = ToProtoTime(absl::FromUnixSeconds(1000));
  EXPECT_TRUE(MatchesBothWays(t, f));
  *f.mutable_create_time_to() = ToProtoTime(absl::FromUnixSeconds(1000));
  EXPECT_FALSE(MatchesBothWays(t, f));
  *f.mutable_create_time_to() = ToProtoTime(absl::FromUnixSeconds(1001));
  EXPECT_TRUE(MatchesBothWays(t, f));
  *f.mutable_create_time_from() = ToProtoTime(absl::FromUnixSeconds(1001));
  EXPECT_FALSE(MatchesBothWays(t, f));
}

std::string Outcome(const absl::StatusOr<bool>& matched) {
  if (!matched.ok()) return matched.status().ToString();
  return *matched ? "match" : "no match";
}

TEST(QueryTest, FilterOnTheWireReadsFieldsAsProtobufDoes) {
  v1::TicketFilter f;
  f.add_statuses(v1::TICKET_STATUS_NEW);
  f.set_department("客服部");
  v1::Ticket first;
  first.set_status(v1::TICKET_STATUS_RESOLVED);
  first.set_department("技术支持部");
  v1::Ticket last;
  last.set_status(v1::TICKET_STATUS_NEW);
  last.set_department("客服部");
  // A field repeated on the wire: the last occurrence is the value.
  const std::string both = first.SerializeAsString() + last.SerializeAsString();
  EXPECT_EQ(Outcome(MatchesFilterOnWire(both, f)), "match");
  EXPECT_EQ(Outcome(MatchesFilterOnWire(
                last.SerializeAsString() + first.SerializeAsString(), f)),
            "no match");
  // Occurrences of create_time merge: seconds from one, nanos from another.
  v1::Ticket seconds;
  seconds.mutable_create_time()->set_seconds(1000);
  v1::Ticket nanos;
  nanos.mutable_create_time()->set_nanos(5);
  v1::TicketFilter after_1000;
  *after_1000.mutable_create_time_from() =
      ToProtoTime(absl::FromUnixSeconds(1000) + absl::Nanoseconds(1));
  EXPECT_EQ(
      Outcome(MatchesFilterOnWire(
          seconds.SerializeAsString() + nanos.SerializeAsString(), after_1000)),
      "match");
  EXPECT_EQ(
      Outcome(MatchesFilterOnWire(seconds.SerializeAsString(), after_1000)),
      "no match");
}

TEST(QueryTest, FilterOnMalformedBytesIsDataLoss) {
  const std::string wire = SampleTicket().SerializeAsString();
  EXPECT_EQ(
      MatchesFilterOnWire(wire.substr(0, wire.size() - 1), v1::TicketFilter())
          .status()
          .code(),
      absl::StatusCode::kDataLoss);
  v1::Ticket field_only;
  *field_only.mutable_create_time() = ToProtoTime(absl::FromUnixSeconds(1));
  std::string bad_time = field_only.SerializeAsString();
  bad_time.back() = '\xff';  // the Timestamp's own bytes are cut short
  EXPECT_EQ(MatchesFilterOnWire(bad_time, v1::TicketFilter()).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(QueryTest, PageTokenRoundTrip) {
  v1::TicketFilter f;
  f.set_department("客服部");
  const uint64_t fp = TicketQueryFingerprint(f, v1::TICKET_ORDER_UNSPECIFIED);
  const std::string token = EncodePageToken("key\x01\xff", fp);
  EXPECT_EQ(token.find_first_of("+/="), std::string::npos);  // URL-safe
  auto after = DecodePageToken(token, fp);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*after, "key\x01\xff");
  EXPECT_EQ(*DecodePageToken("", fp), "");
}

TEST(QueryTest, PageTokenBoundToQuery) {
  v1::TicketFilter f;
  f.set_department("客服部");
  const uint64_t desc = TicketQueryFingerprint(f, v1::TICKET_ORDER_UNSPECIFIED);
  // UNSPECIFIED and DESC are the same query.
  EXPECT_EQ(desc, TicketQueryFingerprint(f, v1::TICKET_ORDER_CREATE_TIME_DESC));
  const uint64_t asc =
      TicketQueryFingerprint(f, v1::TICKET_ORDER_CREATE_TIME_ASC);
  EXPECT_NE(desc, asc);
  v1::TicketFilter other = f;
  other.set_department("技术支持部");
  EXPECT_NE(desc, TicketQueryFingerprint(other, v1::TICKET_ORDER_UNSPECIFIED));

  auto replay = DecodePageToken(EncodePageToken("k", desc), asc);
  EXPECT_EQ(replay.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(cs::FieldViolationsOf(replay.status())[0].field, "page_token");
  EXPECT_THAT(replay.status().message(), HasSubstr("different filter"));

  EXPECT_EQ(QueryFingerprint("history|customers/c-1001"),
            QueryFingerprint("history|customers/c-1001"));
  EXPECT_NE(QueryFingerprint("history|customers/c-1001"),
            QueryFingerprint("history|customers/c-1002"));
}

TEST(QueryTest, MalformedTokens) {
  for (const char* bad : {"!!!", "abc", "____"}) {
    auto after = DecodePageToken(bad, 1);
    EXPECT_EQ(after.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  // A well-formed token without a key is not one of ours either.
  EXPECT_FALSE(DecodePageToken(EncodePageToken("", 1), 1).ok());
}

TEST(QueryTest, ViewsStripRepliesAndHistory) {
  v1::Ticket basic = SampleTicket();
  ApplyView(v1::TICKET_VIEW_BASIC, &basic);
  EXPECT_EQ(basic.replies_size(), 0);
  EXPECT_EQ(basic.history_size(), 0);
  EXPECT_EQ(basic.department(), "客服部");
  v1::Ticket unspecified = SampleTicket();
  ApplyView(v1::TICKET_VIEW_UNSPECIFIED, &unspecified);
  EXPECT_EQ(unspecified.history_size(), 0);
  v1::Ticket full = SampleTicket();
  ApplyView(v1::TICKET_VIEW_FULL, &full);
  EXPECT_EQ(full.replies_size(), 1);
  EXPECT_EQ(full.history_size(), 1);
}

TEST(QueryTest, ViewsOnTheWireMatchViewsOnTheMessage) {
  const std::string stored = SampleTicket().SerializeAsString();
  for (v1::TicketView view : {v1::TICKET_VIEW_UNSPECIFIED,
                              v1::TICKET_VIEW_BASIC, v1::TICKET_VIEW_FULL}) {
    v1::Ticket expected = SampleTicket();
    ApplyView(view, &expected);
    absl::StatusOr<std::string> wire = ApplyViewToWire(view, stored);
    ASSERT_TRUE(wire.ok()) << wire.status();
    EXPECT_EQ(*wire, expected.SerializeAsString()) << view;
  }
  EXPECT_EQ(ApplyViewToWire(v1::TICKET_VIEW_BASIC, stored.substr(0, 9))
                .status()
                .code(),
            absl::StatusCode::kDataLoss);
}

TEST(QueryTest, ConstrainFilterToScope) {
  const PermissionTable& table = PermissionTable::Defaults();
  v1::TicketFilter f;
  // Supervisors see everything; the filter is untouched.
  ASSERT_TRUE(
      ConstrainFilterToScope(table, {"s-1", {"supervisor"}, "客服部"}, &f)
          .ok());
  EXPECT_EQ(f.department(), "");
  // Agents are narrowed to their department.
  ASSERT_TRUE(
      ConstrainFilterToScope(table, {"a-1", {"agent"}, "客服部"}, &f).ok());
  EXPECT_EQ(f.department(), "客服部");
  v1::TicketFilter other;
  other.set_department("技术支持部");
  absl::Status s =
      ConstrainFilterToScope(table, {"a-1", {"agent"}, "客服部"}, &other);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  // An agent without a department only sees own tickets.
  v1::TicketFilter own;
  ASSERT_TRUE(ConstrainFilterToScope(table, {"a-1", {"agent"}, ""}, &own).ok());
  EXPECT_EQ(own.assignee(), "a-1");
  own.set_assignee("a-2");
  EXPECT_FALSE(
      ConstrainFilterToScope(table, {"a-1", {"agent"}, ""}, &own).ok());
  // Roles without read_ticket are refused.
  v1::TicketFilter any;
  EXPECT_EQ(ConstrainFilterToScope(table, {"ad-1", {"admin"}, ""}, &any).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(FingerprintTest, StableKnownValue) {
  // SHA-256("abc") = ba7816bf 8f01cfea ...
  EXPECT_EQ(Fingerprint64Hex("abc"), "ba7816bf8f01cfea");
  EXPECT_EQ(Sha256("abc").size(), 32u);
}

}  // namespace
}  // namespace cs::ticket
