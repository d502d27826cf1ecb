// routing agent register|get|list|online|offline, routing ticket, routing
// queue, sla clocks|policies|start|update: the routing & SLA service
// (cs.routing.v1.RoutingService and SlaService, default port 50052: pass
// --addr 127.0.0.1:50052 or set CSCTL_ADDR).
//
//   csctl --addr 127.0.0.1:50052 routing agent register wang --department
//   客服部
//         --skills 手机类,退款 --capacity 5 --display-name 王小明
//   csctl --addr 127.0.0.1:50052 routing agent online wang
//   csctl --addr 127.0.0.1:50052 routing agent list --department 客服部
//   csctl --addr 127.0.0.1:50052 routing ticket 01J…      # grade, department,
//   why csctl --addr 127.0.0.1:50052 routing queue --department 客服部 csctl
//   --addr 127.0.0.1:50052 sla clocks 01J… --ledger # SLA clocks of a ticket
//   csctl --addr 127.0.0.1:50052 sla clocks complaints/CP-1
//   csctl --addr 127.0.0.1:50052 sla policies
//   csctl --addr 127.0.0.1:50052 sla start complaints/CP-1 --kind
//   complaint_acknowledge csctl --addr 127.0.0.1:50052 sla update
//   complaints/CP-1
//         --kind complaint_acknowledge --transition fulfil
//
// Agents are named "agents/{id}" or just the id; tickets "tickets/{id}" or
// the id; other clock subjects in full ("complaints/{id}"). Enum flags take
// the value name without its prefix, in any case.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "cs/common/v1/types.pb.h"
#include "cs/routing/v1/routing.grpc.pb.h"
#include "google/protobuf/descriptor.h"
#include "libs/common/grpc_status.h"
#include "libs/common/status_macros.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/output.h"
#include "tools/csctl/paging.h"
#include "tools/csctl/rpc.h"
#include "tools/csctl/table.h"

namespace cs::csctl {
namespace {

namespace v1 = ::cs::routing::v1;
using RoutingStub = v1::RoutingService::Stub;
using SlaStub = v1::SlaService::Stub;

// ---- Helpers ----------------------------------------------------------------

std::string Span(const google::protobuf::Duration& d) {
  absl::Duration duration =
      absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
  return absl::FormatDuration(absl::Trunc(duration, absl::Seconds(1)));
}

std::string GradeName(int grade) {
  return EnumLabel(cs::common::v1::Grade_descriptor(), grade, "GRADE_");
}

absl::Status PrintAgent(CommandContext& context, const v1::Agent& a) {
  if (context.options().json) return PrintJson(context.out(), a);
  PrintKeyValues(
      context.out(),
      {{"name", a.name()},
       {"display_name", SanitizeCell(a.display_name())},
       {"department", SanitizeCell(a.department())},
       {"skills", SanitizeCell(absl::StrJoin(a.skills(), ","))},
       {"availability", EnumLabel(v1::Availability_descriptor(),
                                  a.availability(), "AVAILABILITY_")},
       {"load", absl::StrCat(a.active_tickets(), "/", a.capacity())},
       {"last_assigned", FormatDisplayTimestamp(a.last_assigned_time())},
       {"updated", FormatDisplayTimestamp(a.update_time())}});
  return absl::OkStatus();
}

void AddRoutingRow(Table& table, const v1::TicketRouting& r) {
  table.AddRow({r.ticket(), GradeName(r.grade()), SanitizeCell(r.department()),
                r.assignee(), r.queued() ? "yes" : "",
                FormatDisplayTimestamp(r.routed_time())});
}

// ---- routing agent ----------------------------------------------------------

class AgentRegisterCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("department", &department_, "department (e.g. 客服部)",
                    ConfigParser::kRequired);
    flags.AddInt("capacity", &capacity_,
                 "maximum simultaneously active tickets (1-200)", 1, 200);
    flags.AddString("skills", &skills_,
                    "comma-separated skill tags (e.g. 手机类,退款)");
    flags.AddString("display-name", &display_name_, "name shown to people");
  }

  absl::Status Run(CommandContext& context) override {
    v1::RegisterAgentRequest request;
    v1::Agent* agent = request.mutable_agent();
    agent->set_name(ResourceNameIn("agents", context.args()[0]));
    agent->set_department(department_);
    agent->set_capacity(capacity_);
    agent->set_display_name(display_name_);
    for (absl::string_view skill :
         absl::StrSplit(skills_, ',', absl::SkipWhitespace())) {
      agent->add_skills(std::string(absl::StripAsciiWhitespace(skill)));
    }
    ASSIGN_OR_RETURN(
        v1::Agent registered,
        CallRpc(context, &RoutingStub::RegisterAgent, request));
    return PrintAgent(context, registered);
  }

 private:
  std::string department_, skills_, display_name_;
  int capacity_ = 10;
};

class AgentGetCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::GetAgentRequest request;
    request.set_name(ResourceNameIn("agents", context.args()[0]));
    ASSIGN_OR_RETURN(v1::Agent agent,
                     CallRpc(context, &RoutingStub::GetAgent, request));
    return PrintAgent(context, agent);
  }
};

class AgentListCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("department", &department_, "only this department");
    paging_.Define(flags, "agents");
  }

  absl::Status Run(CommandContext& context) override {
    v1::ListAgentsRequest request;
    request.set_department(department_);
    return ListPages(
        context, &RoutingStub::ListAgents, request, paging_,
        [](const auto& page) -> const auto& { return page.agents(); },
        Table({"NAME", "DISPLAY", "DEPARTMENT", "SKILLS", "AVAILABILITY",
               "LOAD", "LAST ASSIGNED"}),
        [](Table& table, const v1::Agent& a) {
          table.AddRow({a.name(), SanitizeCell(a.display_name()),
                        SanitizeCell(a.department()),
                        SanitizeCell(absl::StrJoin(a.skills(), ",")),
                        EnumLabel(v1::Availability_descriptor(),
                                  a.availability(), "AVAILABILITY_"),
                        absl::StrCat(a.active_tickets(), "/", a.capacity()),
                        FormatDisplayTimestamp(a.last_assigned_time())});
        });
  }

 private:
  std::string department_;
  PageFlags paging_;
};

template <v1::Availability kAvailability>
class AgentAvailabilityCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::SetAgentAvailabilityRequest request;
    request.set_name(ResourceNameIn("agents", context.args()[0]));
    request.set_availability(kAvailability);
    ASSIGN_OR_RETURN(
        v1::Agent agent,
        CallRpc(context, &RoutingStub::SetAgentAvailability, request));
    return PrintAgent(context, agent);
  }
};

// ---- routing ticket / queue -------------------------------------------------

class TicketRoutingCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::GetTicketRoutingRequest request;
    request.set_ticket(ResourceNameIn("tickets", context.args()[0]));
    ASSIGN_OR_RETURN(
        v1::TicketRouting r,
        CallRpc(context, &RoutingStub::GetTicketRouting, request));
    if (context.options().json) return PrintJson(context.out(), r);
    PrintKeyValues(
        context.out(),
        {{"ticket", r.ticket()},
         {"grade", GradeName(r.grade())},
         {"why", SanitizeCell(absl::StrJoin(r.grade_reasons(), "; "))},
         {"department", SanitizeCell(r.department())},
         {"collaborating",
          SanitizeCell(absl::StrJoin(r.collaborating_departments(), ","))},
         {"assignee", r.assignee()},
         {"queued", r.queued() ? "yes" : "no"},
         {"routed", FormatDisplayTimestamp(r.routed_time())},
         {"config_version", absl::StrCat(r.config_version())}});
    return absl::OkStatus();
  }
};

class QueueCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("department", &department_, "only this department");
    paging_.Define(flags, "tickets");
  }

  absl::Status Run(CommandContext& context) override {
    v1::ListQueueRequest request;
    request.set_department(department_);
    return ListPages(
        context, &RoutingStub::ListQueue, request, paging_,
        [](const auto& page) -> const auto& { return page.tickets(); },
        Table(
            {"TICKET", "GRADE", "DEPARTMENT", "ASSIGNEE", "QUEUED", "ROUTED"}),
        [](Table& table, const v1::TicketRouting& r) {
          AddRoutingRow(table, r);
        });
  }

 private:
  std::string department_;
  PageFlags paging_;
};

// ---- sla --------------------------------------------------------------------

std::string KindName(int kind) {
  return EnumLabel(v1::ClockKind_descriptor(), kind, "CLOCK_KIND_");
}

absl::Status PrintClocks(CommandContext& context,
                         const std::vector<v1::SlaClock>& clocks, bool ledger) {
  Table table({"CLOCK", "KIND", "STATE", "GRADE", "TARGET", "ELAPSED",
               "REMAINING", "DUE", "WARNED", "BREACHED", "CALENDAR", "POLICY",
               "ASSIGNEE"});
  for (const v1::SlaClock& c : clocks) {
    table.AddRow(
        {c.name(), KindName(c.kind()),
         EnumLabel(v1::ClockState_descriptor(), c.state(), "CLOCK_STATE_"),
         GradeName(c.grade()), Span(c.target()), Span(c.elapsed()),
         Span(c.remaining()), FormatDisplayTimestamp(c.due_time()),
         c.warned() ? "yes" : "", c.breached() ? "yes" : "", c.calendar(),
         absl::StrCat(c.policy(), " v", c.policy_version()), c.assignee()});
  }
  table.Print(context.out());
  if (!ledger) return absl::OkStatus();
  for (const v1::SlaClock& c : clocks) {
    context.out() << "\n" << c.name() << "\n";
    Table entries({"TIME", "TRANSITION", "ELAPSED", "VERSION", "REASON"});
    for (const v1::ClockLedgerEntry& e : c.ledger()) {
      entries.AddRow({FormatDisplayTimestamp(e.time()),
                      EnumLabel(v1::ClockTransition_descriptor(),
                                e.transition(), "CLOCK_TRANSITION_"),
                      Span(e.elapsed()), absl::StrCat(e.policy_version()),
                      SanitizeCell(e.reason())});
    }
    entries.Print(context.out());
  }
  return absl::OkStatus();
}

class ClocksCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddBool("ledger", &ledger_, "also print every clock's ledger");
  }

  absl::Status Run(CommandContext& context) override {
    v1::GetTicketClocksRequest request;
    request.set_subject(ResourceNameIn("tickets", context.args()[0]));
    ASSIGN_OR_RETURN(v1::GetTicketClocksResponse response,
                     CallRpc(context, &SlaStub::GetTicketClocks, request));
    if (context.options().json) return PrintJson(context.out(), response);
    return PrintClocks(
        context, {response.clocks().begin(), response.clocks().end()}, ledger_);
  }

 private:
  bool ledger_ = false;
};

class PoliciesCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    ASSIGN_OR_RETURN(
        v1::ListPoliciesResponse response,
        CallRpc(context, &SlaStub::ListPolicies, v1::ListPoliciesRequest()));
    if (context.options().json) return PrintJson(context.out(), response);
    Table table({"POLICY", "KIND", "STAGES", "CHANNELS", "GRADES", "TARGET",
                 "CALENDAR", "WARN AT"});
    auto names = [](const auto& values, const auto* descriptor,
                    absl::string_view prefix) {
      std::vector<std::string> out;
      for (int v : values) out.push_back(EnumLabel(descriptor, v, prefix));
      return out.empty() ? std::string("any") : absl::StrJoin(out, ",");
    };
    for (const v1::SlaPolicyView& p : response.policies()) {
      table.AddRow(
          {p.name(), KindName(p.kind()),
           names(p.stages(), cs::common::v1::Stage_descriptor(), "STAGE_"),
           names(p.channels(), cs::common::v1::Channel_descriptor(),
                 "CHANNEL_"),
           names(p.grades(), cs::common::v1::Grade_descriptor(), "GRADE_"),
           Span(p.target()), p.calendar(),
           absl::StrCat(static_cast<int>(p.warning_fraction() * 100 + 0.5),
                        "%")});
    }
    table.Print(context.out());
    context.out() << "configuration version " << response.config_version()
                  << "\n";
    return absl::OkStatus();
  }
};

class StartClockCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("kind", &kind_, "clock kind (e.g. complaint_acknowledge)",
                    ConfigParser::kRequired);
    flags.AddString("target", &target_,
                    "target override (e.g. 30m, 2h); default: the policy's");
    flags.AddString("calendar", &calendar_, "calendar name (e.g. always)");
    flags.AddString("grade", &grade_, "a, b or c");
    flags.AddString("department", &department_, "department");
    flags.AddString("assignee", &assignee_, "agent id");
    flags.AddString("reason", &reason_, "why (kept in the ledger)");
  }

  absl::Status Run(CommandContext& context) override {
    v1::StartClockRequest request;
    request.set_subject(ResourceNameIn("tickets", context.args()[0]));
    ASSIGN_OR_RETURN(int kind, ParseEnumFlag(v1::ClockKind_descriptor(),
                                         "CLOCK_KIND_", "kind", kind_));
    request.set_kind(static_cast<v1::ClockKind>(kind));
    if (!target_.empty()) {
      absl::Duration target;
      if (!absl::ParseDuration(target_, &target)) {
        return UsageError(
            absl::StrCat("--target: \"", target_, "\" is not a duration"));
      }
      *request.mutable_target() = ToProtoDuration(target);
    }
    if (!grade_.empty()) {
      ASSIGN_OR_RETURN(int grade, ParseEnumFlag(cs::common::v1::Grade_descriptor(),
                                            "GRADE_", "grade", grade_));
      request.set_grade(static_cast<cs::common::v1::Grade>(grade));
    }
    request.set_calendar(calendar_);
    request.set_department(department_);
    request.set_assignee(assignee_);
    request.set_reason(reason_);
    ASSIGN_OR_RETURN(v1::SlaClock clock,
                     CallRpc(context, &SlaStub::StartClock, request));
    if (context.options().json) return PrintJson(context.out(), clock);
    return PrintClocks(context, {clock}, false);
  }

 private:
  std::string kind_, target_, calendar_, grade_, department_, assignee_,
      reason_;
};

class UpdateClockCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("kind", &kind_, "clock kind (e.g. complaint_solution)",
                    ConfigParser::kRequired);
    flags.AddString("transition", &transition_, "pause, resume, fulfil or stop",
                    ConfigParser::kRequired);
    flags.AddString("reason", &reason_, "why (kept in the ledger)");
  }

  absl::Status Run(CommandContext& context) override {
    v1::UpdateClockRequest request;
    request.set_subject(ResourceNameIn("tickets", context.args()[0]));
    ASSIGN_OR_RETURN(int kind, ParseEnumFlag(v1::ClockKind_descriptor(),
                                         "CLOCK_KIND_", "kind", kind_));
    request.set_kind(static_cast<v1::ClockKind>(kind));
    ASSIGN_OR_RETURN(int transition,
                     ParseEnumFlag(v1::ClockTransition_descriptor(),
                               "CLOCK_TRANSITION_", "transition", transition_));
    request.set_transition(static_cast<v1::ClockTransition>(transition));
    request.set_reason(reason_);
    ASSIGN_OR_RETURN(v1::SlaClock clock,
                     CallRpc(context, &SlaStub::UpdateClock, request));
    if (context.options().json) return PrintJson(context.out(), clock);
    return PrintClocks(context, {clock}, true);
  }

 private:
  std::string kind_, transition_, reason_;
};

}  // namespace

void RegisterRoutingCommands(CommandRegistry& registry) {
  registry.Add<AgentRegisterCommand>(
      {"routing", "agent", "register"},
      "create or replace an agent's profile (skills, capacity)",
      {"AGENT", 1, 1});
  registry.Add<AgentGetCommand>({"routing", "agent", "get"},
                                "show an agent with its load", {"AGENT", 1, 1});
  registry.Add<AgentListCommand>({"routing", "agent", "list"},
                                 "list agents with availability and load");
  registry.Add<AgentAvailabilityCommand<v1::AVAILABILITY_ONLINE>>(
      {"routing", "agent", "online"},
      "put an agent online (queued tickets are assigned)", {"AGENT", 1, 1});
  registry.Add<AgentAvailabilityCommand<v1::AVAILABILITY_OFFLINE>>(
      {"routing", "agent", "offline"}, "take an agent offline",
      {"AGENT", 1, 1});
  registry.Add<TicketRoutingCommand>(
      {"routing", "ticket"}, "how a ticket was graded and routed, and why",
      {"TICKET", 1, 1});
  registry.Add<QueueCommand>({"routing", "queue"},
                             "tickets waiting for an agent, oldest first");
  registry.Add<ClocksCommand>(
      {"sla", "clocks"},
      "SLA clocks of a ticket (id) or other subject (complaints/…)",
      {"SUBJECT", 1, 1});
  registry.Add<PoliciesCommand>({"sla", "policies"},
                                "the SLA policies in force");
  registry.Add<StartClockCommand>({"sla", "start"},
                                  "start a complaint or custom clock on a "
                                  "subject (idempotent; service or admin "
                                  "token)",
                                  {"SUBJECT", 1, 1});
  registry.Add<UpdateClockCommand>(
      {"sla", "update"},
      "pause, resume, fulfil or stop a complaint or custom clock (service or "
      "admin token; ticket clocks follow the ticket)",
      {"SUBJECT", 1, 1});
}

}  // namespace cs::csctl
