#include "services/complaint/domain/audit.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/time_proto.h"

namespace cs::complaint {
namespace {

const absl::Time kNoon = absl::FromUnixSeconds(1'800'000'000);

v1::AuditRecord ListRecord() {
  auth::Principal officer{"officer-1",
                          auth::RoleSet{auth::Role::kComplaintOfficer},
                          "物流部"};
  return MakeAuditRecord(officer, v1::AUDIT_ACTION_LIST_COMPLAINTS_CLEAR,
                         {"complaints/甲", "complaints/乙"},
                         "01HV3K9Q2F8D6W0000000000AB", kNoon);
}

TEST(ComplaintAuditTest, RecordNamesActorComplaintsAndTime) {
  const v1::AuditRecord r = ListRecord();
  EXPECT_EQ(r.name(), "auditRecords/01HV3K9Q2F8D6W0000000000AB");
  EXPECT_EQ(r.actor(), "officer-1");
  EXPECT_THAT(r.actor_roles(), ::testing::ElementsAre("complaint_officer"));
  EXPECT_EQ(r.actor_department(), "物流部");
  EXPECT_THAT(r.resources(),
              ::testing::ElementsAre("complaints/甲", "complaints/乙"));
  EXPECT_EQ(FromProtoTime(r.time()), kNoon);
}

TEST(ComplaintAuditTest, FilterMatchesAnyNamedComplaintActorActionAndWindow) {
  const v1::AuditRecord r = ListRecord();
  AuditFilter f;
  EXPECT_TRUE(AuditMatches(f, r));
  f.resource = "complaints/乙";
  EXPECT_TRUE(AuditMatches(f, r));
  f.resource = "complaints/丙";
  EXPECT_FALSE(AuditMatches(f, r));
  f = AuditFilter{};
  f.actor = "sup-1";
  EXPECT_FALSE(AuditMatches(f, r));
  f = AuditFilter{};
  f.action = v1::AUDIT_ACTION_READ_COMPLAINT_CLEAR;
  EXPECT_FALSE(AuditMatches(f, r));
  f = AuditFilter{};
  f.start = kNoon;
  f.end = kNoon + absl::Seconds(1);
  EXPECT_TRUE(AuditMatches(f, r));
  f.start = kNoon - absl::Seconds(1);
  f.end = kNoon;  // exclusive
  EXPECT_FALSE(AuditMatches(f, r));
}

TEST(ComplaintAuditTest, BadListRequestsNameTheField) {
  v1::ListAuditRecordsRequest req;
  EXPECT_TRUE(ValidateListAuditRecords(req).ok());
  req.set_resource("tickets/1");
  EXPECT_THAT(std::string(ValidateListAuditRecords(req).message()),
              ::testing::HasSubstr("resource"));
  req.clear_resource();
  req.set_action(static_cast<v1::AuditAction>(99));
  EXPECT_THAT(std::string(ValidateListAuditRecords(req).message()),
              ::testing::HasSubstr("action"));
  req.clear_action();
  req.set_page_size(-1);
  EXPECT_EQ(ValidateListAuditRecords(req).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cs::complaint
