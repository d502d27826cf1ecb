#include "services/ticket/quality/inspection_signals.h"

#include "cs/complaint/v1/events.pb.h"
#include "cs/routing/v1/routing.pb.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"

namespace cs::ticket::quality {
namespace {

namespace rv1 = cs::routing::v1;
namespace cv1 = cs::complaint::v1;

template <typename Payload>
common::v1::Event EventOf(const std::string& type, const Payload& payload) {
  common::v1::Event event;
  event.set_sequence(7);
  event.set_type(type);
  event.mutable_payload()->PackFrom(payload);
  return event;
}

common::v1::Event Breach(const std::string& subject, rv1::ClockKind kind) {
  rv1::SlaBreached breach;
  breach.mutable_clock()->set_name("clocks/c1");
  breach.mutable_clock()->set_subject(subject);
  breach.mutable_clock()->set_kind(kind);
  breach.mutable_clock()->set_department("售后部");
  return EventOf("SlaBreached", breach);
}

common::v1::Event Filed(const std::string& complaint,
                        const std::string& ticket) {
  cv1::ComplaintFiled filed;
  filed.set_complaint(complaint);
  filed.set_ticket(ticket);
  filed.set_department("投诉处理部");
  return EventOf("ComplaintFiled", filed);
}

TEST(InspectionSignalsTest, ABreachOfATicketClockNamesTheKind) {
  auto signal = SignalOf(Breach("tickets/01KAQD", rv1::CLOCK_KIND_RESOLUTION));
  ASSERT_TRUE(signal.ok()) << signal.status();
  ASSERT_TRUE(signal->has_value());
  EXPECT_EQ((*signal)->ticket_ref, "tickets/01KAQD");
  EXPECT_EQ((*signal)->breached_clock, "RESOLUTION");
  EXPECT_EQ((*signal)->complaint, "");
}

TEST(InspectionSignalsTest, ABreachOfAComplaintClockIsNotATicketSignal) {
  auto signal = SignalOf(
      Breach("complaints/01KAQD", rv1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE));
  ASSERT_TRUE(signal.ok());
  EXPECT_FALSE(signal->has_value());
}

TEST(InspectionSignalsTest, AComplaintCarriesItsTicketAsFiled) {
  auto signal = SignalOf(Filed("complaints/k1", "T20261105-0-000042"));
  ASSERT_TRUE(signal.ok());
  ASSERT_TRUE(signal->has_value());
  EXPECT_EQ((*signal)->ticket_ref, "T20261105-0-000042");
  EXPECT_EQ((*signal)->complaint, "complaints/k1");
  EXPECT_EQ((*signal)->breached_clock, "");

  auto without = SignalOf(Filed("complaints/k2", ""));
  ASSERT_TRUE(without.ok());
  EXPECT_FALSE(without->has_value());
}

TEST(InspectionSignalsTest, OtherTypesAreIgnoredAndBadPayloadsRejected) {
  google::protobuf::StringValue text;
  text.set_value("投诉");
  auto other = SignalOf(EventOf("ComplaintClosed", text));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
  EXPECT_EQ(SignalOf(EventOf("SlaBreached", text)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(InspectionSignalsTest, EveryTicketClockButFollowUpCounts) {
  for (const char* kind : {"FIRST_RESPONSE", "NEXT_REPLY", "PERIODIC_UPDATE",
                           "RESOLUTION", "RECORD_COMPLETENESS"}) {
    EXPECT_TRUE(BreachCountsForInspection(kind)) << kind;
  }
  EXPECT_FALSE(BreachCountsForInspection("FOLLOW_UP"));
}

}  // namespace
}  // namespace cs::ticket::quality
