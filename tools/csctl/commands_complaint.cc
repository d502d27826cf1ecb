// complaint file|get|list|ack|investigate|propose|decide|approve|resolve|
// revisit|close|publish|root-cause|action add|action done|stats|audit list:
// the complaint
// service (cs.complaint.v1.ComplaintService, default port 50054: pass
// --addr 127.0.0.1:50054 or set CSCTL_ADDR).
//
//   csctl complaint file --request-id ivr-1 --customer c-1001
//         --channel phone --severity major --description 快递未送达 --item 物流
//   csctl complaint ack 01J… --department 物流部
//   csctl complaint investigate 01J… --classification non_quality --cause logistics
//   csctl complaint propose 01J… --solution 补偿运费 --remedy compensation:CNY:2000
//   csctl complaint decide 01J… --decision accepted
//   csctl complaint approve 01J… --remedy-index 0
//   csctl complaint resolve 01J… ; csctl complaint revisit 01J… --satisfaction 5
//   csctl complaint revisit 01J… --satisfaction 2 --not-solved   (new round)
//   csctl complaint close 01J… ; csctl complaint publish 01J…   (KB draft)
//   csctl complaint list --stage investigating ; csctl complaint stats
//   csctl complaint audit list --actor officer-1 --since 24h   (clear reads)
//
// Complaints are named "complaints/{id}" or just the id. Amounts are in
// minor units (CNY fen: 2000 = ¥20.00).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cs/common/v1/types.pb.h"
#include "cs/complaint/v1/complaint.grpc.pb.h"
#include "google/protobuf/descriptor.h"
#include "libs/common/grpc_status.h"
#include "libs/common/money.h"
#include "libs/common/status_macros.h"
#include "tools/csctl/audit_list.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/output.h"
#include "tools/csctl/paging.h"
#include "tools/csctl/rpc.h"
#include "tools/csctl/table.h"

namespace cs::csctl {
namespace {

namespace v1 = ::cs::complaint::v1;
using Stub = v1::ComplaintService::Stub;

std::string StageName(int stage) {
  return EnumLabel(v1::ComplaintStage_descriptor(), stage, "COMPLAINT_STAGE_");
}

// An enum value's label in lower case ("refund", "quality").
std::string LowerLabel(const google::protobuf::EnumDescriptor* type, int value,
                       absl::string_view prefix) {
  return absl::AsciiStrToLower(EnumLabel(type, value, prefix));
}

std::string RemedyText(const v1::Remedy& r) {
  std::string text =
      LowerLabel(v1::RemedyKind_descriptor(), r.kind(), "REMEDY_KIND_");
  if (r.amount().minor_units() != 0) {
    absl::StrAppend(&text, " ", FormatMoney(r.amount()));
  }
  absl::StrAppend(&text, " [",
                  LowerLabel(v1::ApprovalState_descriptor(), r.approval_state(),
                             "APPROVAL_STATE_"),
                  r.approval().approver().empty()
                      ? ""
                      : absl::StrCat(" by ", r.approval().approver()),
                  "]");
  return text;
}

absl::Status PrintComplaint(CommandContext& context, const v1::Complaint& c) {
  if (context.options().json) return PrintJson(context.out(), c);
  std::vector<std::pair<std::string, std::string>> rows = {
      {"name", c.name()},
      {"stage", StageName(c.stage())},
      {"customer", c.customer_id()},
      {"severity",
       EnumLabel(v1::Severity_descriptor(), c.severity(), "SEVERITY_")},
      {"cause",
       EnumLabel(v1::CauseCategory_descriptor(), c.cause(), "CAUSE_CATEGORY_")},
      {"department", SanitizeCell(c.department())},
      {"officer", c.officer()},
      {"channel", EnumLabel(cs::common::v1::Channel_descriptor(), c.channel(),
                            "CHANNEL_")},
      {"rounds", absl::StrCat(c.rounds_size())},
      {"escalated_at_filing", c.escalated() ? "yes (serious)" : "no"},
      {"filed", FormatDisplayTimestamp(c.create_time())},
      {"description", SanitizeCell(c.description())}};
  // What the complaint is about and what the customer asks for, when given.
  auto add_if = [&](const char* key, const std::string& value) {
    if (!value.empty()) rows.push_back({key, SanitizeCell(value)});
  };
  add_if("items", absl::StrJoin(c.items(), "; "));
  add_if("ticket", c.ticket());
  add_if("order", c.order_id());
  add_if("product", c.product_id());
  add_if("impact", c.impact());
  if (c.requested_remedy() != v1::REMEDY_KIND_UNSPECIFIED) {
    rows.push_back(
        {"remedy sought", LowerLabel(v1::RemedyKind_descriptor(),
                                     c.requested_remedy(), "REMEDY_KIND_")});
  }
  if (c.classification() != v1::CLASSIFICATION_UNSPECIFIED) {
    rows.push_back(
        {"classification", LowerLabel(v1::Classification_descriptor(),
                                      c.classification(), "CLASSIFICATION_")});
  }
  if (c.has_root_cause()) {
    rows.push_back(
        {"root cause",
         SanitizeCell(absl::StrCat(
             LowerLabel(v1::FishboneCategory_descriptor(),
                        c.root_cause().category(), "FISHBONE_CATEGORY_"),
             ": ", c.root_cause().analysis(), " (", c.root_cause().analyst(),
             ")"))});
  }
  for (const v1::Round& round : c.rounds()) {
    std::vector<std::string> remedies;
    for (const v1::Remedy& r : round.remedies()) {
      remedies.push_back(RemedyText(r));
    }
    rows.push_back({absl::StrCat("round ", round.number()),
                    SanitizeCell(absl::StrCat(
                        StageName(round.stage()),
                        round.solution().empty() ? "" : ": ",
                        round.solution(),
                        remedies.empty() ? "" : " — ",
                        absl::StrJoin(remedies, "; ")))});
  }
  for (const v1::CorrectiveAction& a : c.corrective_actions()) {
    rows.push_back(
        {absl::StrCat("action ", a.number()),
         SanitizeCell(absl::StrCat(
             a.done() ? "[done] " : "[open] ", a.description(), " (", a.owner(),
             ", due ", FormatDisplayTimestamp(a.due_time()), ")"))});
  }
  if (c.revisit_satisfaction() > 0) {
    rows.push_back({"satisfaction", absl::StrCat(c.revisit_satisfaction())});
  }
  if (!c.kb_article().empty() || c.has_kb_publish_time()) {
    rows.push_back({"kb article",
                    c.kb_article().empty() ? "pending" : c.kb_article()});
  }
  PrintKeyValues(context.out(), rows);
  return absl::OkStatus();
}

// "compensation:CNY:20.00" (20 yuan, sent as 2000 minor units) or "apology".
absl::StatusOr<v1::Remedy> ParseRemedy(absl::string_view text) {
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  v1::Remedy remedy;
  ASSIGN_OR_RETURN(int kind, ParseEnumFlag(v1::RemedyKind_descriptor(),
                                       "REMEDY_KIND_", "remedy", parts[0]));
  remedy.set_kind(static_cast<v1::RemedyKind>(kind));
  if (parts.size() == 3) {
    absl::StatusOr<int64_t> minor_units = ParseYuan("--remedy", parts[2]);
    if (!minor_units.ok()) return UsageError(minor_units.status().message());
    remedy.mutable_amount()->set_currency_code(parts[1]);
    remedy.mutable_amount()->set_minor_units(*minor_units);
  } else if (parts.size() != 1) {
    return UsageError("--remedy: use KIND or KIND:CURRENCY:AMOUNT");
  }
  return remedy;
}

class FileCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("request-id", &request_id_, "idempotency key",
                    ConfigParser::kRequired);
    flags.AddString("customer", &customer_, "customer id",
                    ConfigParser::kRequired);
    flags.AddString("channel", &channel_, "phone, online_chat, email, …",
                    ConfigParser::kRequired);
    flags.AddString("severity", &severity_, "minor, major or serious",
                    ConfigParser::kRequired);
    flags.AddString("description", &description_, "what happened",
                    ConfigParser::kRequired);
    flags.AddString("item", &item_, "item complained about");
    flags.AddString("ticket", &ticket_, "linked ticket");
    flags.AddString("order", &order_, "linked order");
    flags.AddString("product", &product_, "linked product");
    flags.AddString("department", &department_, "responsible department");
    flags.AddString("wants", &wants_, "remedy the customer seeks");
  }
  absl::Status Run(CommandContext& context) override {
    v1::FileRequest request;
    request.set_request_id(request_id_);
    v1::Complaint* c = request.mutable_complaint();
    c->set_customer_id(customer_);
    ASSIGN_OR_RETURN(int channel,
                     ParseEnumFlag(cs::common::v1::Channel_descriptor(),
                               "CHANNEL_", "channel", channel_));
    c->set_channel(static_cast<cs::common::v1::Channel>(channel));
    ASSIGN_OR_RETURN(int severity, ParseEnumFlag(v1::Severity_descriptor(),
                                             "SEVERITY_", "severity",
                                             severity_));
    c->set_severity(static_cast<v1::Severity>(severity));
    ASSIGN_OR_RETURN(int wants, ParseEnumFlag(v1::RemedyKind_descriptor(),
                                          "REMEDY_KIND_", "wants", wants_));
    c->set_requested_remedy(static_cast<v1::RemedyKind>(wants));
    c->set_description(description_);
    if (!item_.empty()) c->add_items(item_);
    c->set_ticket(ticket_);
    c->set_order_id(order_);
    c->set_product_id(product_);
    c->set_department(department_);
    ASSIGN_OR_RETURN(v1::Complaint out,
                     CallRpc(context, &Stub::File, request));
    return PrintComplaint(context, out);
  }

 private:
  std::string request_id_, customer_, channel_, severity_, description_, item_,
      ticket_, order_, product_, department_, wants_;
};

class GetCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::GetRequest request;
    request.set_name(ResourceNameIn("complaints", context.args()[0]));
    ASSIGN_OR_RETURN(v1::Complaint c,
                     CallRpc(context, &Stub::Get, request));
    return PrintComplaint(context, c);
  }
};

class ListCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("stage", &stage_, "e.g. investigating");
    flags.AddString("department", &department_, "only this department");
    flags.AddString("customer", &customer_, "only this customer");
    flags.AddString("officer", &officer_, "only this officer");
    paging_.Define(flags, "complaints");
  }
  absl::Status Run(CommandContext& context) override {
    v1::ListRequest request;
    ASSIGN_OR_RETURN(int stage, ParseEnumFlag(v1::ComplaintStage_descriptor(),
                                          "COMPLAINT_STAGE_", "stage", stage_));
    request.set_stage(static_cast<v1::ComplaintStage>(stage));
    request.set_department(department_);
    request.set_customer_id(customer_);
    request.set_officer(officer_);
    return ListPages(
        context, &Stub::List, request, paging_,
        [](const auto& page) -> const auto& { return page.complaints(); },
        Table({"NAME", "STAGE", "SEVERITY", "CUSTOMER", "DEPARTMENT", "OFFICER",
               "ROUNDS", "FILED"}),
        [](Table& table, const v1::Complaint& c) {
          table.AddRow(
              {c.name(), StageName(c.stage()),
               EnumLabel(v1::Severity_descriptor(), c.severity(), "SEVERITY_"),
               c.customer_id(), SanitizeCell(c.department()), c.officer(),
               absl::StrCat(c.rounds_size()),
               FormatDisplayTimestamp(c.create_time())});
        });
  }

 private:
  std::string stage_, department_, customer_, officer_;
  PageFlags paging_;
};

class AckCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("officer", &officer_, "complaint officer (default: you)");
    flags.AddString("department", &department_, "responsible department");
  }
  absl::Status Run(CommandContext& context) override {
    v1::AcknowledgeRequest request;
    request.set_name(ResourceNameIn("complaints", context.args()[0]));
    request.set_officer(officer_);
    request.set_department(department_);
    ASSIGN_OR_RETURN(v1::Complaint c,
                     CallRpc(context, &Stub::Acknowledge, request));
    return PrintComplaint(context, c);
  }

 private:
  std::string officer_, department_;
};

class InvestigateCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("classification", &classification_,
                    "quality or non_quality");
    flags.AddString("cause", &cause_,
                    "service_attitude, process, product_quality, logistics, "
                    "other");
  }
  absl::Status Run(CommandContext& context) override {
    v1::StartInvestigationRequest request;
    request.set_name(ResourceNameIn("complaints", context.args()[0]));
    ASSIGN_OR_RETURN(int classification,
                     ParseEnumFlag(v1::Classification_descriptor(),
                               "CLASSIFICATION_", "classification",
                               classification_));
    ASSIGN_OR_RETURN(int cause, ParseEnumFlag(v1::CauseCategory_descriptor(),
                                          "CAUSE_CATEGORY_", "cause", cause_));
    request.set_classification(
        static_cast<v1::Classification>(classification));
    request.set_cause(static_cast<v1::CauseCategory>(cause));
    ASSIGN_OR_RETURN(v1::Complaint c,
                     CallRpc(context, &Stub::StartInvestigation, request));
    return PrintComplaint(context, c);
  }

 private:
  std::string classification_, cause_;
};

class ProposeCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("solution", &solution_, "the proposed solution",
                    ConfigParser::kRequired);
    flags.AddString("remedy", &remedies_,
                    "comma-separated KIND[:CURRENCY:AMOUNT], the amount in "
                    "yuan, e.g. refund:CNY:99.00,apology");
  }
  absl::Status Run(CommandContext& context) override {
    v1::ProposeSolutionRequest request;
    request.set_name(ResourceNameIn("complaints", context.args()[0]));
    request.set_solution(solution_);
    if (!remedies_.empty()) {
      for (absl::string_view text : absl::StrSplit(remedies_, ',')) {
        ASSIGN_OR_RETURN(*request.add_remedies(), ParseRemedy(text));
      }
    }
    ASSIGN_OR_RETURN(v1::Complaint c,
                     CallRpc(context, &Stub::ProposeSolution, request));
    return PrintComplaint(context, c);
  }

 private:
  std::string solution_, remedies_;
};

class DecideCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("decision", &decision_, "accepted or rejected",
                    ConfigParser::kRequired);
    flags.AddString("note", &note_, "the customer's words");
  }
  absl::Status Run(CommandContext& context) override {
    v1::RecordCustomerDecisionRequest request;
    request.set_name(ResourceNameIn("complaints", context.args()[0]));
    ASSIGN_OR_RETURN(int decision,
                     ParseEnumFlag(v1::CustomerDecision_descriptor(),
                               "CUSTOMER_DECISION_", "decision", decision_));
    request.set_decision(static_cast<v1::CustomerDecision>(decision));
    request.set_note(note_);
    ASSIGN_OR_RETURN(
        v1::Complaint c,
        CallRpc(context, &Stub::RecordCustomerDecision, request));
    return PrintComplaint(context, c);
  }

 private:
  std::string decision_, note_;
};

class ApproveCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddInt("remedy-index", &index_,
                 "0-based remedy of the current round", 0, 100);
  }
  absl::Status Run(CommandContext& context) override {
    v1::ApproveRemedyRequest request;
    request.set_name(ResourceNameIn("complaints", context.args()[0]));
    request.set_remedy_index(index_);
    ASSIGN_OR_RETURN(v1::Complaint c,
                     CallRpc(context, &Stub::ApproveRemedy, request));
    return PrintComplaint(context, c);
  }

 private:
  int index_ = 0;
};

class ResolveCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::ResolveRequest request;
    request.set_name(ResourceNameIn("complaints", context.args()[0]));
    ASSIGN_OR_RETURN(v1::Complaint c,
                     CallRpc(context, &Stub::Resolve, request));
    return PrintComplaint(context, c);
  }
};

class RevisitCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddInt("satisfaction", &satisfaction_,
                 "satisfaction with the handling, 1–5", 0, 100);
    flags.AddString("note", &note_, "what the customer said");
    flags.AddBool("not-solved", &not_solved_,
                  "the problem is not solved: a new round starts");
  }
  absl::Status Run(CommandContext& context) override {
    v1::RecordRevisitRequest request;
    request.set_name(ResourceNameIn("complaints", context.args()[0]));
    request.set_satisfaction(satisfaction_);
    request.set_note(note_);
    request.set_not_solved(not_solved_);
    ASSIGN_OR_RETURN(v1::Complaint c,
                     CallRpc(context, &Stub::RecordRevisit, request));
    return PrintComplaint(context, c);
  }

 private:
  int satisfaction_ = 0;
  std::string note_;
  bool not_solved_ = false;
};

class CloseCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::CloseRequest request;
    request.set_name(ResourceNameIn("complaints", context.args()[0]));
    ASSIGN_OR_RETURN(v1::Complaint c,
                     CallRpc(context, &Stub::Close, request));
    return PrintComplaint(context, c);
  }
};

class PublishCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::PublishToKnowledgeBaseRequest request;
    request.set_name(ResourceNameIn("complaints", context.args()[0]));
    ASSIGN_OR_RETURN(v1::Complaint c,
                     CallRpc(context, &Stub::PublishToKnowledgeBase, request));
    return PrintComplaint(context, c);
  }
};

class RootCauseCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("category", &category_,
                    "people, process, product, system or environment",
                    ConfigParser::kRequired);
    flags.AddString("analysis", &analysis_, "the analysis",
                    ConfigParser::kRequired);
  }
  absl::Status Run(CommandContext& context) override {
    v1::RecordRootCauseRequest request;
    request.set_name(ResourceNameIn("complaints", context.args()[0]));
    ASSIGN_OR_RETURN(int category,
                     ParseEnumFlag(v1::FishboneCategory_descriptor(),
                               "FISHBONE_CATEGORY_", "category", category_));
    request.set_category(static_cast<v1::FishboneCategory>(category));
    request.set_analysis(analysis_);
    ASSIGN_OR_RETURN(v1::Complaint c,
                     CallRpc(context, &Stub::RecordRootCause, request));
    return PrintComplaint(context, c);
  }

 private:
  std::string category_, analysis_;
};

class ActionAddCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("description", &description_, "what will be done",
                    ConfigParser::kRequired);
    flags.AddString("owner", &owner_, "who does it", ConfigParser::kRequired);
    flags.AddString("due", &due_, "due time, RFC 3339 or a date (2026-11-30)",
                    ConfigParser::kRequired);
  }
  absl::Status Run(CommandContext& context) override {
    v1::AddCorrectiveActionRequest request;
    request.set_name(ResourceNameIn("complaints", context.args()[0]));
    request.set_description(description_);
    request.set_owner(owner_);
    ASSIGN_OR_RETURN(absl::Time due, ParseTimeOrDateFlag("due", due_));
    request.mutable_due_time()->set_seconds(absl::ToUnixSeconds(due));
    ASSIGN_OR_RETURN(
        v1::Complaint c,
        CallRpc(context, &Stub::AddCorrectiveAction, request));
    return PrintComplaint(context, c);
  }

 private:
  std::string description_, owner_, due_;
};

class ActionDoneCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddInt("number", &number_, "the action's number (1-based)", 0, 1000);
  }
  absl::Status Run(CommandContext& context) override {
    v1::CompleteCorrectiveActionRequest request;
    request.set_name(ResourceNameIn("complaints", context.args()[0]));
    request.set_number(number_);
    ASSIGN_OR_RETURN(
        v1::Complaint c,
        CallRpc(context, &Stub::CompleteCorrectiveAction, request));
    return PrintComplaint(context, c);
  }

 private:
  int number_ = 0;
};

class StatsCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("from", &from_,
                    "period start, RFC 3339 or a date (default: all)");
    flags.AddString("to", &to_, "period end, RFC 3339 or a date (exclusive)");
  }
  absl::Status Run(CommandContext& context) override {
    v1::GetStatisticsRequest request;
    for (auto [text, flag, ts] :
         {std::make_tuple(&from_, "from", request.mutable_start_time()),
          std::make_tuple(&to_, "to", request.mutable_end_time())}) {
      if (text->empty()) continue;
      ASSIGN_OR_RETURN(absl::Time t, ParseTimeOrDateFlag(flag, *text));
      ts->set_seconds(absl::ToUnixSeconds(t));
    }
    if (from_.empty()) request.clear_start_time();
    if (to_.empty()) request.clear_end_time();
    ASSIGN_OR_RETURN(v1::Statistics stats,
                     CallRpc(context, &Stub::GetStatistics, request));
    if (context.options().json) return PrintJson(context.out(), stats);
    context.out() << "total " << stats.total() << "\n";
    Table table({"DIMENSION", "KEY", "COUNT"});
    // Enum keys are shown without their prefix, as csctl shows enums
    // elsewhere (LOGISTICS, not CAUSE_CATEGORY_LOGISTICS).
    auto add = [&](absl::string_view dimension,
                   const google::protobuf::RepeatedPtrField<v1::Count>& counts,
                   absl::string_view enum_prefix) {
      for (const v1::Count& c : counts) {
        table.AddRow({std::string(dimension),
                      SanitizeCell(absl::StripPrefix(c.key(), enum_prefix)),
                      absl::StrCat(c.count())});
      }
    };
    add("cause", stats.by_cause(), "CAUSE_CATEGORY_");
    add("department", stats.by_department(), "");
    add("classification", stats.by_classification(), "CLASSIFICATION_");
    add("stage", stats.by_stage(), "COMPLAINT_STAGE_");
    table.Print(context.out());
    return absl::OkStatus();
  }

 private:
  std::string from_, to_;
};

const AuditListSpec kComplaintAuditList = {
    "read_complaint_clear, list_complaints_clear or write_complaint_clear",
    "complaints/{id} (or the id)",
    [](absl::string_view arg) { return ResourceNameIn("complaints", arg); },
    "COMPLAINTS", false};

class ComplaintAuditListCommand final : public AuditListCommand<Stub> {
 public:
  ComplaintAuditListCommand() : AuditListCommand(kComplaintAuditList) {}
};

}  // namespace

void RegisterComplaintCommands(CommandRegistry& registry) {
  registry.Add<FileCommand>({"complaint", "file"},
                            "file a complaint (idempotent per --request-id)");
  registry.Add<GetCommand>({"complaint", "get"}, "one complaint",
                           {"COMPLAINT", 1, 1});
  registry.Add<ListCommand>({"complaint", "list"}, "complaints, oldest first");
  registry.Add<AckCommand>({"complaint", "ack"}, "acknowledge (受理)",
                           {"COMPLAINT", 1, 1});
  registry.Add<InvestigateCommand>({"complaint", "investigate"},
                                   "start the investigation",
                                   {"COMPLAINT", 1, 1});
  registry.Add<ProposeCommand>({"complaint", "propose"},
                               "propose a solution with remedies",
                               {"COMPLAINT", 1, 1});
  registry.Add<DecideCommand>({"complaint", "decide"},
                              "record the customer's decision (rejected "
                              "opens a new round)",
                              {"COMPLAINT", 1, 1});
  registry.Add<ApproveCommand>({"complaint", "approve"},
                               "approve a remedy above the proposer's limit",
                               {"COMPLAINT", 1, 1});
  registry.Add<ResolveCommand>({"complaint", "resolve"}, "mark resolved",
                               {"COMPLAINT", 1, 1});
  registry.Add<RevisitCommand>({"complaint", "revisit"},
                               "record the revisit (回访) and satisfaction",
                               {"COMPLAINT", 1, 1});
  registry.Add<CloseCommand>({"complaint", "close"}, "close the case",
                             {"COMPLAINT", 1, 1});
  registry.Add<PublishCommand>({"complaint", "publish"},
                               "publish a CLOSED case to the knowledge base "
                               "as a draft (once)",
                               {"COMPLAINT", 1, 1});
  registry.Add<RootCauseCommand>({"complaint", "root-cause"},
                                 "record the root-cause analysis (fishbone)",
                                 {"COMPLAINT", 1, 1});
  registry.Add<ActionAddCommand>({"complaint", "action", "add"},
                                 "add a corrective action",
                                 {"COMPLAINT", 1, 1});
  registry.Add<ActionDoneCommand>({"complaint", "action", "done"},
                                  "mark a corrective action done",
                                  {"COMPLAINT", 1, 1});
  registry.Add<StatsCommand>({"complaint", "stats"},
                             "counts by cause, department, classification");
  registry.Add<ComplaintAuditListCommand>(
      {"complaint", "audit", "list"},
      "audit trail: who saw which complaints in clear (supervisor, director, "
      "admin)");
}

}  // namespace cs::csctl
