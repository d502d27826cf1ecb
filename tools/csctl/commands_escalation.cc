// escalation cases list|get|ack|resolve, escalation request|policies|watch: the
// escalation service (cs.escalation.v1.EscalationService, default port 50056:
// pass --addr 127.0.0.1:50056 or set CSCTL_ADDR).
//
//   csctl --addr 127.0.0.1:50056 escalation cases list --state open --grade a
//   csctl --addr 127.0.0.1:50056 escalation cases get 01J…
//   csctl --addr 127.0.0.1:50056 escalation cases ack 01J… --note 已接手
//   csctl --addr 127.0.0.1:50056 escalation cases resolve 01J…
//   csctl --addr 127.0.0.1:50056 escalation request complaints/CP-1 ...
//         --severity serious --reason 重大投诉
//   csctl --addr 127.0.0.1:50056 escalation policies
//   csctl --addr 127.0.0.1:50056 escalation watch --role team_lead
//   csctl --addr 127.0.0.1:50056 escalation watch --recipient ceo --from 42
//
// Cases are named "cases/{id}" or just the id. `watch` prints stored
// notifications after --from, then new ones as they come (until --limit or
// Ctrl-C); pass the last SEQ printed as --from to resume without loss.
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "cs/common/v1/types.pb.h"
#include "cs/escalation/v1/escalation.grpc.pb.h"
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

namespace v1 = ::cs::escalation::v1;
using Stub = v1::EscalationService::Stub;

std::string GradeName(int grade) {
  return EnumLabel(cs::common::v1::Grade_descriptor(), grade, "GRADE_");
}

std::string StateName(int state) {
  return EnumLabel(v1::CaseState_descriptor(), state, "CASE_STATE_");
}

absl::Status PrintCase(CommandContext& context, const v1::EscalationCase& c) {
  if (context.options().json) return PrintJson(context.out(), c);
  std::string level = absl::StrCat(c.level(), "/", c.chain_size());
  if (c.level() >= 1 && c.level() <= c.chain_size()) {
    absl::StrAppend(&level, " ", c.chain(c.level() - 1).title());
  }
  if (c.chain_exhausted()) absl::StrAppend(&level, " (chain ended)");
  PrintKeyValues(context.out(),
                 {{"name", c.name()},
                  {"state", StateName(c.state())},
                  {"subject", c.subject()},
                  {"clock", c.clock()},
                  {"grade", GradeName(c.grade())},
                  {"severity", SanitizeCell(c.severity())},
                  {"department", SanitizeCell(c.department())},
                  {"assignee", c.assignee()},
                  {"policy", c.policy()},
                  {"level", SanitizeCell(level)},
                  {"reason", SanitizeCell(c.reason())},
                  {"opened", FormatDisplayTimestamp(c.open_time())},
                  {"ack_due", FormatDisplayTimestamp(c.ack_due_time())},
                  {"acknowledged_by", c.acknowledged_by()},
                  {"acknowledge_note", SanitizeCell(c.acknowledge_note())},
                  {"closed", FormatDisplayTimestamp(c.close_time())},
                  {"close_reason", SanitizeCell(c.close_reason())}});
  return absl::OkStatus();
}

// ---- escalation cases
// --------------------------------------------------------

class CasesListCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("state", &state_, "open, acknowledged or closed");
    flags.AddString("grade", &grade_, "a, b or c");
    flags.AddInt("level", &level_, "only cases at this level (1-based)", 0,
                 100);
    flags.AddString("department", &department_, "only this department");
    paging_.Define(flags, "cases");
  }

  absl::Status Run(CommandContext& context) override {
    v1::ListCasesRequest request;
    ASSIGN_OR_RETURN(int state, ParseEnumFlag(v1::CaseState_descriptor(),
                                          "CASE_STATE_", "state", state_));
    ASSIGN_OR_RETURN(int grade, ParseEnumFlag(cs::common::v1::Grade_descriptor(),
                                          "GRADE_", "grade", grade_));
    request.set_state(static_cast<v1::CaseState>(state));
    request.set_grade(static_cast<cs::common::v1::Grade>(grade));
    request.set_level(level_);
    request.set_department(department_);
    return ListPages(
        context, &Stub::ListCases, request, paging_,
        [](const auto& page) -> const auto& { return page.cases(); },
        Table({"NAME", "STATE", "SUBJECT", "GRADE", "LEVEL", "DEPARTMENT",
               "OPENED", "ACK DUE"}),
        [](Table& table, const v1::EscalationCase& c) {
          table.AddRow({c.name(), StateName(c.state()), c.subject(),
                        GradeName(c.grade()),
                        absl::StrCat(c.level(), "/", c.chain_size()),
                        SanitizeCell(c.department()),
                        FormatDisplayTimestamp(c.open_time()),
                        FormatDisplayTimestamp(c.ack_due_time())});
        });
  }

 private:
  std::string state_, grade_, department_;
  int level_ = 0;
  PageFlags paging_;
};

class CasesGetCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::GetCaseRequest request;
    request.set_name(ResourceNameIn("cases", context.args()[0]));
    ASSIGN_OR_RETURN(v1::EscalationCase c,
                     CallRpc(context, &Stub::GetCase, request));
    return PrintCase(context, c);
  }
};

class CasesAckCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("note", &note_, "what you are doing about it");
  }
  absl::Status Run(CommandContext& context) override {
    v1::AcknowledgeRequest request;
    request.set_name(ResourceNameIn("cases", context.args()[0]));
    request.set_note(note_);
    ASSIGN_OR_RETURN(v1::EscalationCase c,
                     CallRpc(context, &Stub::Acknowledge, request));
    return PrintCase(context, c);
  }

 private:
  std::string note_;
};

class CasesResolveCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("note", &note_, "how it was resolved");
  }
  absl::Status Run(CommandContext& context) override {
    v1::ResolveRequest request;
    request.set_name(ResourceNameIn("cases", context.args()[0]));
    request.set_note(note_);
    ASSIGN_OR_RETURN(v1::EscalationCase c,
                     CallRpc(context, &Stub::Resolve, request));
    return PrintCase(context, c);
  }

 private:
  std::string note_;
};

class RequestCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("severity", &severity_, "e.g. serious",
                    ConfigParser::kRequired);
    flags.AddString("reason", &reason_, "why");
    flags.AddString("department", &department_,
                    "department concerned (default: your token's)");
  }
  absl::Status Run(CommandContext& context) override {
    v1::RequestEscalationRequest request;
    request.set_subject(context.args()[0]);
    request.set_severity(severity_);
    request.set_reason(reason_);
    request.set_department(department_);
    ASSIGN_OR_RETURN(
        v1::EscalationCase c,
        CallRpc(context, &Stub::RequestEscalation, request));
    return PrintCase(context, c);
  }

 private:
  std::string severity_, reason_, department_;
};

class PoliciesCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    ASSIGN_OR_RETURN(v1::ListPoliciesResponse response,
                     CallRpc(context, &Stub::ListPolicies,
                                    v1::ListPoliciesRequest()));
    if (context.options().json) return PrintJson(context.out(), response);
    Table table({"POLICY", "GRADE/SEVERITY", "LEVEL", "TITLE", "ROLE", "PEOPLE",
                 "ACK WITHIN"});
    for (const v1::EscalationPolicy& p : response.policies()) {
      const std::string scope = p.severity().empty()
                                    ? GradeName(p.grade())
                                    : SanitizeCell(p.severity());
      for (int i = 0; i < p.levels_size(); ++i) {
        const v1::EscalationLevel& l = p.levels(i);
        std::vector<std::string> people(l.people().begin(), l.people().end());
        if (l.notify_assignee()) people.push_back("(assignee)");
        table.AddRow(
            {p.name(), scope, absl::StrCat(i + 1), SanitizeCell(l.title()),
             l.role(), SanitizeCell(absl::StrJoin(people, ",")),
             absl::FormatDuration(absl::Seconds(l.ack_within().seconds()))});
      }
    }
    context.out() << "version " << response.version() << "; warnings go to "
                  << response.warning_role() << "\n";
    table.Print(context.out());
    return absl::OkStatus();
  }
};

// ---- escalation watch
// ---------------------------------------------------------

class WatchCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("recipient", &recipient_,
                    "a person's id (your own unless supervisor+)");
    flags.AddString("role", &role_, "a role you hold, e.g. team_lead");
    flags.AddInt64("from", &from_,
                   "print notifications after this sequence (0: all)", 0,
                   std::numeric_limits<int64_t>::max());
    flags.AddInt64("limit", &limit_,
                   "stop after this many notifications (0: no limit)", 0,
                   std::numeric_limits<int64_t>::max());
  }

  absl::Status Run(CommandContext& context) override {
    if (recipient_.empty() == role_.empty()) {
      return UsageError("pass exactly one of --recipient and --role");
    }
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, context.Channel());
    std::unique_ptr<Stub> stub = v1::EscalationService::NewStub(channel);
    v1::WatchNotificationsRequest request;
    request.set_recipient(recipient_);
    request.set_role(role_);
    request.set_from_cursor(static_cast<uint64_t>(from_));
    grpc::ClientContext call;
    context.PrepareCall(&call, absl::InfiniteFuture());
    std::unique_ptr<grpc::ClientReader<v1::Notification>> reader =
        stub->WatchNotifications(&call, request);
    v1::Notification n;
    int64_t printed = 0;
    bool done = false;
    while (!done && reader->Read(&n)) {
      if (context.options().json) {
        RETURN_IF_ERROR(PrintJson(context.out(), n));
      } else {
        context.out() << n.sequence() << "  "
                      << FormatDisplayTimestamp(n.time()) << "  "
                      << EnumLabel(v1::NotificationKind_descriptor(), n.kind(),
                                   "NOTIFICATION_KIND_")
                      << "  " << (n.case_name().empty() ? "-" : n.case_name())
                      << "  " << n.subject()
                      << "  level " << n.level() << "  "
                      << SanitizeCell(n.text()) << "\n";
      }
      context.out().flush();
      if (limit_ > 0 && ++printed >= limit_) done = true;
    }
    if (done) {
      call.TryCancel();
      while (reader->Read(&n)) {
      }
      reader->Finish();
      return absl::OkStatus();
    }
    return FromGrpcStatus(reader->Finish());
  }

 private:
  std::string recipient_, role_;
  int64_t from_ = 0;
  int64_t limit_ = 0;
};

}  // namespace

void RegisterEscalationCommands(CommandRegistry& registry) {
  registry.Add<CasesListCommand>({"escalation", "cases", "list"},
                                 "escalation cases, oldest first");
  registry.Add<CasesGetCommand>({"escalation", "cases", "get"},
                                "one escalation case", {"CASE", 1, 1});
  registry.Add<CasesAckCommand>({"escalation", "cases", "ack"},
                                "acknowledge a case (stops the climb)",
                                {"CASE", 1, 1});
  registry.Add<CasesResolveCommand>({"escalation", "cases", "resolve"},
                                    "close a case", {"CASE", 1, 1});
  registry.Add<RequestCommand>(
      {"escalation", "request"},
      "open (or return) the case of a subject at a severity, e.g. a serious "
      "complaint",
      {"SUBJECT", 1, 1});
  registry.Add<PoliciesCommand>({"escalation", "policies"},
                                "the escalation chains in force");
  registry.Add<WatchCommand>(
      {"escalation", "watch"},
      "stream notifications for a person or role (replay, then live)");
}

}  // namespace cs::csctl
