#include "libs/auth/roles.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/auth/principal.h"
#include "libs/common/errors.h"

namespace cs::auth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(RolesTest, NamesRoundTrip) {
  const std::vector<std::string> expected = {
      "agent",    "team_lead", "supervisor",
      "qa",       "kb_editor", "complaint_officer",
      "director", "admin",     "service"};
  ASSERT_EQ(AllRoles().size(), expected.size());
  ASSERT_EQ(static_cast<int>(expected.size()), kRoleCount);
  for (size_t i = 0; i < expected.size(); ++i) {
    Role role = AllRoles()[i];
    EXPECT_EQ(RoleName(role), expected[i]);
    absl::StatusOr<Role> parsed = RoleFromName(expected[i]);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, role);
  }
  EXPECT_EQ(RoleName(Role::kComplaintOfficer), "complaint_officer");
  EXPECT_EQ(RoleName(static_cast<Role>(200)), "unknown");
}

TEST(RolesTest, UnknownNamesAreRejected) {
  for (const char* bad : {"", "Agent", " agent", "agent ", "root", "AGENT",
                          "team-lead", "unknown"}) {
    absl::StatusOr<Role> role = RoleFromName(bad);
    EXPECT_EQ(role.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  absl::StatusOr<Role> role = RoleFromName("superuser");
  EXPECT_THAT(role.status().message(), HasSubstr("superuser"));
}

TEST(RolesTest, UnknownNameIsEscapedAndTruncatedInMessage) {
  std::string long_name(100, 'x');
  std::string message(RoleFromName(long_name).status().message());
  EXPECT_THAT(message, HasSubstr("..."));
  EXPECT_EQ(message.find(long_name), std::string::npos);
  message = std::string(RoleFromName("a\nb").status().message());
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(RoleSetTest, BasicOperations) {
  RoleSet set;
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.size(), 0);
  EXPECT_EQ(set.ToString(), "");
  set.Add(Role::kDirector);
  set.Add(Role::kAgent);
  set.Add(Role::kAgent);
  EXPECT_EQ(set.size(), 2);
  EXPECT_TRUE(set.Contains(Role::kAgent));
  EXPECT_FALSE(set.Contains(Role::kAdmin));
  EXPECT_EQ(set.ToString(), "agent, director");
  EXPECT_THAT(set.ToVector(), ElementsAre(Role::kAgent, Role::kDirector));
  set.Remove(Role::kAgent);
  EXPECT_EQ(set, RoleSet{Role::kDirector});
  EXPECT_NE(set, RoleSet{});
}

TEST(RoleSetTest, SetAlgebra) {
  constexpr RoleSet kLeads{Role::kTeamLead, Role::kSupervisor};
  constexpr RoleSet kBoss{Role::kSupervisor, Role::kDirector};
  static_assert(kLeads.Intersects(kBoss));
  static_assert(!kLeads.Intersects(RoleSet{Role::kAdmin}));
  EXPECT_EQ((kLeads | kBoss).size(), 3);
  EXPECT_EQ(kLeads & kBoss, RoleSet{Role::kSupervisor});
  EXPECT_EQ(RoleSet::All().size(), kRoleCount);
  EXPECT_FALSE(RoleSet{}.Intersects(RoleSet::All()));
}

TEST(RoleSetTest, FromNames) {
  absl::StatusOr<RoleSet> set = RoleSet::FromNames({"qa", "kb_editor", "qa"});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(*set, (RoleSet{Role::kQa, Role::kKbEditor}));
  EXPECT_EQ(set->Names(), (std::vector<std::string>{"qa", "kb_editor"}));
  EXPECT_EQ(RoleSet::FromNames({"qa", "god"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(RoleSet::FromNames({})->empty());
}

TEST(PrincipalTest, HasRole) {
  Principal p;
  p.roles = {Role::kAgent, Role::kQa};
  EXPECT_TRUE(p.HasRole(Role::kAgent));
  EXPECT_FALSE(p.HasRole(Role::kAdmin));
  EXPECT_TRUE(p.HasAnyRole({Role::kQa, Role::kDirector}));
  EXPECT_FALSE(p.HasAnyRole({Role::kDirector}));
  EXPECT_FALSE(p.HasAnyRole({}));
}

TEST(PrincipalTest, RequireAnyRole) {
  Principal agent;
  agent.roles = {Role::kAgent};
  EXPECT_TRUE(RequireAnyRole(agent, {Role::kAgent, Role::kSupervisor}).ok());

  absl::Status one = RequireAnyRole(agent, {Role::kSupervisor});
  EXPECT_EQ(one.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(one.message(), "role supervisor required");
  EXPECT_EQ(cs::ErrorReasonOf(one), "ROLE_REQUIRED");

  absl::Status two = RequireAnyRole(agent, {Role::kDirector, Role::kQa});
  EXPECT_EQ(two.message(), "one of roles qa, director required");

  EXPECT_EQ(RequireAnyRole(agent, {}).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(PrincipalTest, AdminIsNotImplicit) {
  Principal admin;
  admin.roles = {Role::kAdmin};
  EXPECT_EQ(RequireAnyRole(admin, {Role::kAgent}).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(RequireAnyRole(admin, {Role::kAgent, Role::kAdmin}).ok());
}

}  // namespace
}  // namespace cs::auth
