#include "libs/audit/audit_record.h"

#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/time_proto.h"

namespace cs {
namespace {

using common::v1::AUDIT_ACTION_LIST_COMPLAINTS_CLEAR;
using common::v1::AUDIT_ACTION_READ_COMPLAINT_CLEAR;
using ::testing::ElementsAre;
using ::testing::Eq;
using ::testing::HasSubstr;

const absl::Time kNoon = absl::FromUnixSeconds(1'800'000'000);

AuditRecord ListRecord() {
  return MakeAuditRecord({"投诉专员-1", {"complaint_officer"}, "物流部"},
                         AUDIT_ACTION_LIST_COMPLAINTS_CLEAR,
                         {"complaints/甲", "complaints/乙"},
                         "01HV3K9Q2F8D6W0000000000AB", kNoon);
}

TEST(AuditRecordTest, NamesActorResourcesAndTime) {
  const AuditRecord r = ListRecord();
  EXPECT_EQ(r.name(), "auditRecords/01HV3K9Q2F8D6W0000000000AB");
  EXPECT_EQ(r.id(), "01HV3K9Q2F8D6W0000000000AB");
  EXPECT_EQ(r.actor(), "投诉专员-1");
  EXPECT_THAT(r.actor_roles(), ElementsAre("complaint_officer"));
  EXPECT_EQ(r.actor_department(), "物流部");
  EXPECT_THAT(r.resources(), ElementsAre("complaints/甲", "complaints/乙"));
  EXPECT_EQ(FromProtoTime(r.time()), kNoon);
}

TEST(AuditRecordTest, EmptyIdLeavesNameAndIdForTheLog) {
  const AuditRecord r =
      MakeAuditRecord({"主管-1", {}, ""}, AUDIT_ACTION_READ_COMPLAINT_CLEAR,
                      {"complaints/甲"}, "", kNoon);
  EXPECT_TRUE(r.id().empty());
  EXPECT_TRUE(r.name().empty());
}

TEST(AuditRecordTest, FilterMatchesAnyNamedResourceActorActionAndWindow) {
  const AuditRecord r = ListRecord();
  AuditFilter f;
  EXPECT_TRUE(AuditMatches(f, r));
  f.resource = "complaints/乙";
  EXPECT_TRUE(AuditMatches(f, r));
  f.resource = "complaints/丙";
  EXPECT_FALSE(AuditMatches(f, r));
  f = AuditFilter{};
  f.actor = "投诉专员-1";
  EXPECT_TRUE(AuditMatches(f, r));
  f.actor = "投诉专员-2";
  EXPECT_FALSE(AuditMatches(f, r));
  f = AuditFilter{};
  f.action = AUDIT_ACTION_LIST_COMPLAINTS_CLEAR;
  EXPECT_TRUE(AuditMatches(f, r));
  f.action = AUDIT_ACTION_READ_COMPLAINT_CLEAR;
  EXPECT_FALSE(AuditMatches(f, r));
  f = AuditFilter{};
  f.start = kNoon;
  f.end = kNoon + absl::Seconds(1);
  EXPECT_TRUE(AuditMatches(f, r));
  f.start = kNoon + absl::Seconds(1);
  f.end = kNoon + absl::Seconds(2);
  EXPECT_FALSE(AuditMatches(f, r));
  f.start = kNoon - absl::Seconds(1);
  f.end = kNoon;  // exclusive
  EXPECT_FALSE(AuditMatches(f, r));
}

TEST(AuditRecordTest, FilterOfRequestTakesEveryField) {
  ListAuditRecordsRequest req;
  req.set_resource("complaints/甲");
  req.set_actor("主管-1");
  req.set_action(AUDIT_ACTION_READ_COMPLAINT_CLEAR);
  *req.mutable_start_time() = ToProtoTime(kNoon);
  const AuditFilter f = AuditFilterOf(req);
  EXPECT_EQ(f.resource, "complaints/甲");
  EXPECT_EQ(f.actor, "主管-1");
  EXPECT_EQ(f.action, AUDIT_ACTION_READ_COMPLAINT_CLEAR);
  EXPECT_EQ(f.start, kNoon);
  EXPECT_EQ(f.end, absl::InfiniteFuture());
}

absl::Status OnlyComplaints(absl::string_view resource) {
  if (absl::StartsWith(resource, "complaints/")) return absl::OkStatus();
  return InvalidField("resource", "must be complaints/{id}");
}

// The field an INVALID_ARGUMENT names ("field: why").
std::string FieldOf(const absl::Status& status) {
  const absl::string_view m = status.message();
  return std::string(m.substr(0, m.find(':')));
}

TEST(AuditRecordTest, MaskingCoversReasonAndDetailOfEveryRecord) {
  ListAuditRecordsResponse page;
  for (int i = 0; i < 2; ++i) {
    AuditRecord* r = page.add_audit_records();
    r->set_reason("核实身份：客户来电18698765432要求退款");
    r->set_detail("field id_card; 备注 lisi@example.com");
    r->add_resources("customers/c-1");
  }
  MaskAuditText(page);
  for (const AuditRecord& r : page.audit_records()) {
    EXPECT_EQ(r.reason(), "核实身份：客户来电186****5432要求退款");
    EXPECT_EQ(r.detail(), "field id_card; 备注 l***@example.com");
    EXPECT_EQ(r.resources(0), "customers/c-1");
  }
}

TEST(AuditRecordTest, BadListRequestsNameTheField) {
  ListAuditRecordsRequest req;
  EXPECT_TRUE(ValidateListAuditRecords(req, OnlyComplaints).ok());
  req.set_resource("tickets/1");
  EXPECT_THAT(FieldOf(ValidateListAuditRecords(req, OnlyComplaints)),
              Eq("resource"));
  req.set_resource("complaints/甲");
  req.set_actor(std::string(129, 'a'));
  EXPECT_THAT(FieldOf(ValidateListAuditRecords(req, OnlyComplaints)),
              Eq("actor"));
  req.set_actor(std::string("\xff"));
  EXPECT_THAT(FieldOf(ValidateListAuditRecords(req, OnlyComplaints)),
              Eq("actor"));
  req.set_actor("主管-1");
  req.set_action(static_cast<AuditAction>(99));
  EXPECT_THAT(FieldOf(ValidateListAuditRecords(req, OnlyComplaints)),
              Eq("action"));
  // Another service's action: this trail never holds it.
  req.set_action(common::v1::AUDIT_ACTION_REVEAL_PII);
  EXPECT_TRUE(ValidateListAuditRecords(req, OnlyComplaints).ok());
  const absl::Status other = ValidateListAuditRecords(
      req, OnlyComplaints, {common::v1::AUDIT_ACTION_READ_COMPLAINT_CLEAR});
  EXPECT_THAT(FieldOf(other), Eq("action"));
  EXPECT_THAT(std::string(other.message()),
              HasSubstr("AUDIT_ACTION_READ_COMPLAINT_CLEAR"));
  req.set_action(common::v1::AUDIT_ACTION_READ_COMPLAINT_CLEAR);
  EXPECT_TRUE(
      ValidateListAuditRecords(req, OnlyComplaints,
                               {common::v1::AUDIT_ACTION_READ_COMPLAINT_CLEAR})
          .ok());
  req.clear_action();
  *req.mutable_start_time() = ToProtoTime(kNoon);
  *req.mutable_end_time() = ToProtoTime(kNoon);
  EXPECT_THAT(FieldOf(ValidateListAuditRecords(req, OnlyComplaints)),
              Eq("end_time"));
  req.mutable_start_time()->set_nanos(-1);
  EXPECT_THAT(FieldOf(ValidateListAuditRecords(req, OnlyComplaints)),
              Eq("start_time"));
  req.clear_start_time();
  req.set_page_size(-1);
  EXPECT_EQ(ValidateListAuditRecords(req, OnlyComplaints).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cs
