#include "services/ticket/domain/audit.h"

#include "gtest/gtest.h"
#include "libs/common/time_proto.h"

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

TEST(AuditTest, FilterMatchesEveryGivenPart) {
  v1::AuditRecord r = MakeAuditRecord({"sup-1", {"supervisor"}, "客服部"},
                                      v1::AUDIT_ACTION_READ_CONTACT,
                                      "customers/c-1", "01J0", kNow);
  EXPECT_EQ(r.name(), "auditRecords/01J0");
  EXPECT_EQ(r.actor_roles(0), "supervisor");
  AuditFilter f;
  EXPECT_TRUE(AuditMatches(f, r));
  f.actor = "sup-1";
  f.action = v1::AUDIT_ACTION_READ_CONTACT;
  f.resource = "customers/c-1";
  f.start = kNow;
  f.end = kNow + absl::Seconds(1);
  EXPECT_TRUE(AuditMatches(f, r));
  AuditFilter late = f;
  late.start = kNow + absl::Seconds(1);
  EXPECT_FALSE(AuditMatches(late, r));
  AuditFilter early = f;
  early.end = kNow;  // exclusive
  EXPECT_FALSE(AuditMatches(early, r));
  AuditFilter other = f;
  other.action = v1::AUDIT_ACTION_REVEAL_PII;
  EXPECT_FALSE(AuditMatches(other, r));
  other = f;
  other.actor = "sup-2";
  EXPECT_FALSE(AuditMatches(other, r));
}

}  // namespace
}  // namespace cs::ticket
