#include "services/ticket/domain/audit.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace cs::ticket {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1795400000);

TEST(AuditTest, PermissionDiffListsAddedThenRemovedGrants) {
  EXPECT_EQ(PermissionDiff("agent: read_ticket@department\n",
                           "agent: read_ticket@department\n"),
            "");
  EXPECT_EQ(PermissionDiff("# x\nagent: read_ticket@department read_pii@any\n"
                           "qa: read_ticket@any\n",
                           "agent: read_ticket@any\nqa: read_ticket@any\n"
                           "admin: read_audit@any\n"),
            "+admin: read_audit@any\n+agent: read_ticket@any\n"
            "-agent: read_pii@any\n-agent: read_ticket@department");
  // Nothing recorded yet: every grant is added.
  EXPECT_EQ(PermissionDiff("", "qa: read_ticket@any\n"),
            "+qa: read_ticket@any");
}

TEST(AuditTest, RecordNamesOneCustomerAndTheActor) {
  common::v1::AuditRecord r = MakeAuditRecord(
      {"主管-1", {"supervisor"}, "客服部"},
      common::v1::AUDIT_ACTION_READ_CONTACT, "customers/c-1", "01J0", kNow);
  EXPECT_EQ(r.name(), "auditRecords/01J0");
  EXPECT_EQ(r.actor(), "主管-1");
  EXPECT_EQ(r.actor_roles(0), "supervisor");
  EXPECT_EQ(r.actor_department(), "客服部");
  ASSERT_EQ(r.resources_size(), 1);
  EXPECT_EQ(r.resources(0), "customers/c-1");
}

TEST(AuditTest, ResourceFilterIsACustomerOrTheTwoServerResources) {
  EXPECT_TRUE(CheckAuditResource("customers/c-1001").ok());
  EXPECT_TRUE(CheckAuditResource(kPermissionsResource).ok());
  EXPECT_TRUE(CheckAuditResource(kPiiKeysResource).ok());
  common::v1::ListAuditRecordsRequest a;
  a.set_resource("tickets/x");
  const absl::Status bad = ValidateListAuditRecords(a, CheckAuditResource);
  EXPECT_TRUE(absl::IsInvalidArgument(bad));
  EXPECT_TRUE(absl::StartsWith(bad.message(), "resource")) << bad;
}

}  // namespace
}  // namespace cs::ticket
