#include "services/complaint/domain/audit.h"

#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/time_proto.h"

namespace cs::complaint {
namespace {

using ::testing::ElementsAre;

const absl::Time kNoon = absl::FromUnixSeconds(1'800'000'000);

TEST(ComplaintAuditTest, ResourceFilterMustNameAComplaint) {
  EXPECT_TRUE(CheckAuditResource("complaints/01HV3K9Q2F8D6W0000000000AB").ok());
  for (const char* bad : {"tickets/1", "customers/c-1", "投诉/甲"}) {
    const absl::Status s = CheckAuditResource(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << bad;
    EXPECT_TRUE(absl::StartsWith(s.message(), "resource")) << s;
  }
}

// A record as the service stored it before the shared contract
// (cs.complaint.v1.AuditRecord): fields 1–7 as today, the time in field 8
// and the action numbered 1–3 (2 = LIST_COMPLAINTS_CLEAR).
std::string FirstFormatRecord() {
  AuditRecord same_fields;
  same_fields.set_name("auditRecords/01HV3K9Q2F8D6W0000000000AB");
  same_fields.set_id("01HV3K9Q2F8D6W0000000000AB");
  same_fields.set_actor("投诉专员-1");
  same_fields.add_actor_roles("complaint_officer");
  same_fields.set_actor_department("物流部");
  same_fields.set_action(static_cast<AuditAction>(2));
  same_fields.add_resources("complaints/甲");
  same_fields.add_resources("complaints/乙");
  const std::string time = ToProtoTime(kNoon).SerializeAsString();
  // Field 8, length-delimited: tag (8 << 3 | 2), length, the Timestamp.
  return same_fields.SerializeAsString() + std::string(1, '\x42') +
         std::string(1, static_cast<char>(time.size())) + time;
}

TEST(ComplaintAuditTest, FirstFormatRecordReadsBackUpgraded) {
  AuditRecord r;
  ASSERT_TRUE(r.ParseFromString(FirstFormatRecord()));
  UpgradeAuditRecord(r);
  EXPECT_EQ(r.action(), common::v1::AUDIT_ACTION_LIST_COMPLAINTS_CLEAR);
  EXPECT_EQ(FromProtoTime(r.time()), kNoon);
  EXPECT_EQ(r.field(), common::v1::PII_FIELD_UNSPECIFIED);
  EXPECT_EQ(r.actor(), "投诉专员-1");
  EXPECT_THAT(r.resources(), ElementsAre("complaints/甲", "complaints/乙"));
  // Upgraded, it matches the filters of today's records.
  AuditFilter f;
  f.action = common::v1::AUDIT_ACTION_LIST_COMPLAINTS_CLEAR;
  f.start = kNoon;
  f.end = kNoon + absl::Seconds(1);
  EXPECT_TRUE(AuditMatches(f, r));
  EXPECT_TRUE(r.GetReflection()->GetUnknownFields(r).empty());
}

TEST(ComplaintAuditTest, CurrentRecordIsLeftAsIs) {
  const AuditRecord current =
      MakeAuditRecord({"主管-1", {"supervisor"}, "客服部"},
                      common::v1::AUDIT_ACTION_READ_COMPLAINT_CLEAR,
                      {"complaints/甲"}, "01HV3K9Q2F8D6W0000000000AB", kNoon);
  AuditRecord r = current;
  UpgradeAuditRecord(r);
  EXPECT_EQ(r.SerializeAsString(), current.SerializeAsString());
}

}  // namespace
}  // namespace cs::complaint
