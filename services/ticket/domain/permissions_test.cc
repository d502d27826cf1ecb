#include "services/ticket/domain/permissions.h"

#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"

namespace cs::ticket {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr Scope N = Scope::kNone;
constexpr Scope O = Scope::kOwn;
constexpr Scope D = Scope::kDepartment;
constexpr Scope A = Scope::kAny;

// Expected defaults, written from the issue independently of the config text.
// The service role also creates tickets, adds (customer) replies and submits
// surveys: the channels that feed tickets in are services.
// Columns follow the Action enum order:
//   create read update reply status resolve assign close reopen_res
//   reopen_closed merge feedback r_cust w_cust history pii audit
//   rotate_pii_keys
const std::map<std::string, std::vector<Scope>> kExpectedDefaults = {
    {"agent", {D, D, D, D, D, O, N, N, D, N, N, D, A, A, A, N, N, N}},
    {"team_lead", {D, D, D, D, D, D, D, N, D, N, N, D, A, A, A, N, N, N}},
    {"supervisor", {A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A}},
    {"qa", {N, A, N, N, N, N, N, N, N, N, N, N, A, N, A, N, N, N}},
    {"kb_editor", {N, A, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N}},
    {"complaint_officer",
     {N, A, N, A, N, N, N, N, N, N, N, N, A, N, A, A, N, N}},
    {"director", {N, A, N, N, N, N, N, N, N, N, N, N, A, N, A, N, A, N}},
    {"admin", {N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, A, A}},
    {"service", {A, A, N, A, N, N, A, N, N, N, N, A, A, N, A, N, N, N}},
};

enum class Kind {
  kAssignedToMe,
  kCreatedByMe,
  kSameDept,
  kOtherDept,
  kUnrouted
};

Target TargetOfKind(Kind kind) {
  switch (kind) {
    case Kind::kAssignedToMe:
      return {"客服部", "u1", "someone"};
    case Kind::kCreatedByMe:
      return {"", "", "u1"};
    case Kind::kSameDept:
      return {"客服部", "agent-other", "someone"};
    case Kind::kOtherDept:
      return {"技术支持部", "agent-other", "someone"};
    case Kind::kUnrouted:
      return {"", "", "someone"};
  }
  return {};
}

bool Covers(Scope scope, Kind kind) {
  switch (scope) {
    case Scope::kAny:
      return true;
    case Scope::kDepartment:
      return kind == Kind::kAssignedToMe || kind == Kind::kCreatedByMe ||
             kind == Kind::kSameDept;
    case Scope::kOwn:
      return kind == Kind::kAssignedToMe || kind == Kind::kCreatedByMe;
    default:
      return false;
  }
}

TEST(PermissionsTest, DefaultsParseAndCoverEveryRole) {
  ASSERT_TRUE(PermissionTable::Parse(kDefaultPermissionsText).ok());
  EXPECT_THAT(
      PermissionTable::Defaults().Roles(),
      ElementsAre("admin", "agent", "complaint_officer", "director",
                  "kb_editor", "qa", "service", "supervisor", "team_lead"));
}

TEST(PermissionsTest, WholeDefaultMatrix) {
  const PermissionTable& table = PermissionTable::Defaults();
  ASSERT_EQ(AllActions().size(), 18u);
  for (const auto& [role, scopes] : kExpectedDefaults) {
    ASSERT_EQ(scopes.size(), AllActions().size()) << role;
    const Principal who{"u1", {role}, "客服部"};
    for (size_t i = 0; i < AllActions().size(); ++i) {
      const Action action = AllActions()[i];
      EXPECT_EQ(table.ScopeFor(role, action), scopes[i])
          << role << " " << ActionName(action);
      for (Kind kind : {Kind::kAssignedToMe, Kind::kCreatedByMe,
                        Kind::kSameDept, Kind::kOtherDept, Kind::kUnrouted}) {
        const bool expected = IsTicketAction(action) ? Covers(scopes[i], kind)
                                                     : scopes[i] == Scope::kAny;
        EXPECT_EQ(IsAllowed(table, who, action, TargetOfKind(kind)), expected)
            << role << " " << ActionName(action) << " kind "
            << static_cast<int>(kind);
      }
    }
  }
}

TEST(PermissionsTest, OnlySupervisorAndComplaintOfficerReadPii) {
  const PermissionTable& table = PermissionTable::Defaults();
  for (const std::string& role : table.Roles()) {
    const bool pii = role == "supervisor" || role == "complaint_officer";
    EXPECT_EQ(IsAllowed(table, {"u1", {role}, "客服部"}, Action::kReadPii), pii)
        << role;
  }
}

TEST(PermissionsTest, UnknownRoleAndEmptySubjectGetNothing) {
  const PermissionTable& table = PermissionTable::Defaults();
  EXPECT_FALSE(IsAllowed(table, {"u1", {"visitor"}, "客服部"},
                         Action::kReadTicket, {"客服部", "", ""}));
  EXPECT_FALSE(IsAllowed(table, {"", {"supervisor"}, ""}, Action::kReadTicket,
                         {"客服部", "", ""}));
  EXPECT_FALSE(IsAllowed(table, {"u1", {}, "客服部"}, Action::kReadCustomer));
}

TEST(PermissionsTest, SeveralRolesGetTheWidestScope) {
  const PermissionTable& table = PermissionTable::Defaults();
  const Principal who{"u1", {"agent", "qa"}, "客服部"};
  EXPECT_EQ(table.BestScope(who, Action::kReadTicket), Scope::kAny);
  EXPECT_TRUE(
      IsAllowed(table, who, Action::kReadTicket, {"技术支持部", "x", "y"}));
  // qa adds nothing for resolving: still only own tickets.
  EXPECT_FALSE(
      IsAllowed(table, who, Action::kResolveTicket, {"客服部", "x", "y"}));
}

TEST(PermissionsTest, AgentWithoutDepartmentOnlyReachesOwnTickets) {
  const PermissionTable& table = PermissionTable::Defaults();
  const Principal who{"u1", {"agent"}, ""};
  EXPECT_FALSE(IsAllowed(table, who, Action::kReadTicket, {"", "", "x"}));
  EXPECT_TRUE(IsAllowed(table, who, Action::kReadTicket, {"", "", "u1"}));
}

TEST(PermissionsTest, AuthorizeExplainsWithoutPersonalData) {
  const PermissionTable& table = PermissionTable::Defaults();
  absl::Status s = Authorize(table, {"agent-007", {"agent"}, "客服部"},
                             Action::kCloseTicket, {"客服部", "", ""});
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "missing permission close_ticket");
  EXPECT_EQ(cs::ErrorReasonOf(s), "MISSING_PERMISSION");
  s = Authorize(table, {"agent-007", {"agent"}, "客服部"},
                Action::kResolveTicket, {"客服部", "agent-008", ""});
  EXPECT_EQ(s.message(), "missing permission resolve_ticket for this ticket");
  EXPECT_TRUE(Authorize(table, {"agent-007", {"agent"}, "客服部"},
                        Action::kResolveTicket, {"客服部", "agent-007", ""})
                  .ok());
}

TEST(PermissionsTest, TeamLeadAssignsOnlyWithinDepartment) {
  const PermissionTable& table = PermissionTable::Defaults();
  const Principal lead{"lead-1", {"team_lead"}, "客服部"};
  const Target mine{"客服部", "agent-1", "x"};
  EXPECT_TRUE(AuthorizeAssignment(table, lead, mine, "客服部").ok());
  EXPECT_EQ(AuthorizeAssignment(table, lead, mine, "技术支持部").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_FALSE(
      AuthorizeAssignment(table, lead, {"技术支持部", "a", "x"}, "客服部")
          .ok());
  const Principal routing{"routing-sla", {"service"}, ""};
  EXPECT_TRUE(
      AuthorizeAssignment(table, routing, {"", "", "x"}, "技术支持部").ok());
  const Principal agent{"agent-1", {"agent"}, "客服部"};
  EXPECT_FALSE(AuthorizeAssignment(table, agent, mine, "客服部").ok());
}

TEST(PermissionsTest, ReopenActionDependsOnStatus) {
  EXPECT_EQ(ReopenAction(true), Action::kReopenClosed);
  EXPECT_EQ(ReopenAction(false), Action::kReopenResolved);
}

TEST(PermissionsTest, ParseCustomTable) {
  auto table = PermissionTable::Parse(
      "# 本地配置\n"
      "\n"
      "agent: read_ticket@own   reply_ticket@department  # 评论\n"
      "auditor: read_audit\n"
      "nobody:\n");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->ScopeFor("agent", Action::kReadTicket), Scope::kOwn);
  EXPECT_EQ(table->ScopeFor("agent", Action::kReplyTicket), Scope::kDepartment);
  EXPECT_EQ(table->ScopeFor("agent", Action::kResolveTicket), Scope::kNone);
  EXPECT_EQ(table->ScopeFor("auditor", Action::kReadAudit), Scope::kAny);
  EXPECT_THAT(table->Roles(), ElementsAre("agent", "auditor", "nobody"));
}

TEST(PermissionsTest, ToTextRoundTrips) {
  const PermissionTable& defaults = PermissionTable::Defaults();
  auto reparsed = PermissionTable::Parse(defaults.ToText());
  ASSERT_TRUE(reparsed.ok()) << reparsed.status();
  EXPECT_TRUE(*reparsed == defaults);
  EXPECT_THAT(defaults.ToText(),
              HasSubstr("admin: read_audit@any rotate_pii_keys@any\n"));
}

TEST(PermissionsTest, ParseErrorsNameTheLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"agent: read_ticket\nqa read_ticket\n", "line 2: expected"},
      {"\n\nAgent: read_ticket\n", "line 3: invalid role name 'Agent'"},
      {"agent: read_ticket\nagent: reply_ticket\n",
       "line 2: role 'agent' already defined on line 1"},
      {"agent: read_tickets\n", "line 1: unknown action 'read_tickets'"},
      {"agent: read_ticket@team\n", "line 1: unknown scope 'team'"},
      {"agent: read_ticket read_ticket@own\n",
       "line 1: action 'read_ticket' listed twice"},
      {"agent: * read_pii\n", "line 1: action 'read_pii' listed twice"},
      {"# x\nagent: read_pii@department\n",
       "line 2: action 'read_pii' only supports scope 'any'"},
      {"agent: *@own\n", "line 1: action 'read_customer' only supports"},
  };
  for (const Case& c : cases) {
    auto table = PermissionTable::Parse(c.text);
    ASSERT_FALSE(table.ok()) << c.text;
    EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(table.status().message(), HasSubstr(c.message)) << c.text;
  }
}

TEST(PermissionsTest, ActionNamesRoundTrip) {
  for (Action a : AllActions()) {
    ASSERT_TRUE(ParseAction(ActionName(a)).has_value());
    EXPECT_EQ(*ParseAction(ActionName(a)), a);
  }
  EXPECT_FALSE(ParseAction("fly").has_value());
}

}  // namespace
}  // namespace cs::ticket
