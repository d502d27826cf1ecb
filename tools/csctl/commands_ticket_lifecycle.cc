// ticket update | assign | status | close | reopen | merge: changing a
// ticket after it was opened (cs.ticket.v1.TicketService).
//
//   csctl ticket update 01J… --grade b --affected-customers 40
//         --loss-yuan 1200.50 --category 手机类/信号问题
//   csctl ticket assign 01J… --department 技术支持部 --assignee agent-9
//   csctl ticket status 01J… pending_customer --reason 等待客户提供截图
//   csctl ticket close 01J… --reason 客户未再联系
//   csctl ticket reopen 01J… --reason 客户反馈问题仍存在
//   csctl ticket merge 01J…(target) 01K… 01M… --reason 重复工单
//
// Each takes --etag: the change is then refused (ABORTED, reason ETAG_MISMATCH)
// when the ticket changed since that etag was read. Every command prints the
// ticket as it is after the change.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cs/common/v1/types.pb.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "libs/common/status_macros.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/output.h"
#include "tools/csctl/rpc.h"
#include "tools/csctl/table.h"
#include "tools/csctl/ticket_view.h"

namespace cs::csctl {
namespace {

namespace v1 = ::cs::ticket::v1;
using Stub = v1::TicketService::Stub;

constexpr char kEtagHelp[] = "fail unless the ticket still has this etag";

// Sends only the fields whose flags were given: each one adds its path to
// the update mask, so an absent flag never clears a field.
class UpdateCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("subject", &subject_, "one-line subject");
    flags.AddString("description", &description_, "the customer's request");
    flags.AddString("stage", &stage_, "pre_sale, in_sale or after_sale");
    flags.AddString("category", &category_,
                    "category path separated by '/' (e.g. 手机类/信号问题)");
    flags.AddString("grade", &grade_, "a, b or c");
    flags.AddString("affected-customers", &affected_,
                    "customers affected (0 = unknown)");
    flags.AddString("loss-yuan", &loss_yuan_,
                    "estimated loss in yuan (e.g. 1200.50)");
    flags.AddString("customer-type", &customer_type_, "new, returning or vip");
    flags.AddString("region", &region_, "region (e.g. 广东省深圳市)");
    flags.AddString("etag", &etag_, kEtagHelp);
  }

  absl::Status Run(CommandContext& context) override {
    v1::UpdateTicketRequest request;
    v1::Ticket* t = request.mutable_ticket();
    t->set_name(TicketNameOf(context.args()[0]));
    t->set_etag(etag_);
    google::protobuf::FieldMask& mask = *request.mutable_update_mask();
    auto given = [&](const char* flag, const char* path) {
      return FlagGiven(context, flag, path, mask);
    };
    if (given("subject", "subject")) t->set_subject(subject_);
    if (given("description", "description")) t->set_description(description_);
    if (given("region", "region")) t->set_region(region_);
    if (given("category", "category")) SetCategoryPath(category_, *t);
    if (given("stage", "stage")) {
      ASSIGN_OR_RETURN(
          int stage, ParseEnumFlag(cs::common::v1::Stage_descriptor(), "STAGE_",
                                   "stage", stage_));
      t->set_stage(static_cast<cs::common::v1::Stage>(stage));
    }
    if (given("grade", "grade")) {
      ASSIGN_OR_RETURN(
          int grade, ParseEnumFlag(cs::common::v1::Grade_descriptor(), "GRADE_",
                                   "grade", grade_));
      t->set_grade(static_cast<cs::common::v1::Grade>(grade));
    }
    if (given("customer-type", "customer_type")) {
      ASSIGN_OR_RETURN(
          int type,
          ParseEnumFlag(v1::CustomerType_descriptor(), "CUSTOMER_TYPE_",
                        "customer-type", customer_type_));
      t->set_customer_type(static_cast<v1::CustomerType>(type));
    }
    // An empty count or loss ("--loss-yuan=") clears it.
    if (given("affected-customers", "affected_customer_count") &&
        !affected_.empty()) {
      absl::Status set =
          SetAffectedCustomers("--affected-customers", affected_, *t);
      if (!set.ok()) return UsageError(set.message());
    }
    if (given("loss-yuan", "loss_estimate") && !loss_yuan_.empty()) {
      absl::Status set = SetLossYuan("--loss-yuan", loss_yuan_, *t);
      if (!set.ok()) return UsageError(set.message());
    }
    if (mask.paths_size() == 0) {
      return UsageError("csctl ticket update: give at least one field");
    }
    ASSIGN_OR_RETURN(v1::Ticket ticket,
                     CallRpc(context, &Stub::UpdateTicket, request));
    return PrintTicket(context, ticket);
  }

 private:
  std::string subject_, description_, stage_, category_, grade_, affected_,
      loss_yuan_, customer_type_, region_, etag_;
};

class AssignCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("department", &department_, "department (e.g. 技术支持部)",
                    ConfigParser::kRequired);
    flags.AddString("assignee", &assignee_,
                    "agent id (none: the department's queue)");
    flags.AddString("grade", &grade_, "a, b or c, set with the assignment");
    flags.AddString("note", &note_, "why (kept in the history)");
    flags.AddString("etag", &etag_, kEtagHelp);
  }

  absl::Status Run(CommandContext& context) override {
    v1::AssignTicketRequest request;
    request.set_name(TicketNameOf(context.args()[0]));
    request.set_department(department_);
    request.set_assignee(assignee_);
    if (!grade_.empty()) {
      ASSIGN_OR_RETURN(
          int grade, ParseEnumFlag(cs::common::v1::Grade_descriptor(), "GRADE_",
                                   "grade", grade_));
      request.set_grade(static_cast<cs::common::v1::Grade>(grade));
    }
    request.set_note(note_);
    request.set_etag(etag_);
    ASSIGN_OR_RETURN(v1::Ticket ticket,
                     CallRpc(context, &Stub::AssignTicket, request));
    return PrintTicket(context, ticket);
  }

 private:
  std::string department_, assignee_, grade_, note_, etag_;
};

class StatusCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("reason", &reason_, "why (kept in the history)");
    flags.AddString("etag", &etag_, kEtagHelp);
  }

  absl::Status Run(CommandContext& context) override {
    ASSIGN_OR_RETURN(int status, ParseEnumFlag(v1::TicketStatus_descriptor(),
                                               "TICKET_STATUS_", "STATUS",
                                               context.args()[1]));
    // The other statuses have their own commands; saying so here beats the
    // server's generic refusal.
    if (status != v1::TICKET_STATUS_IN_PROGRESS &&
        status != v1::TICKET_STATUS_PENDING_CUSTOMER) {
      return UsageError(
          "STATUS: in_progress or pending_customer (use ticket assign, "
          "resolve, close or reopen for the others)");
    }
    v1::ChangeStatusRequest request;
    request.set_name(TicketNameOf(context.args()[0]));
    request.set_status(static_cast<v1::TicketStatus>(status));
    request.set_reason(reason_);
    request.set_etag(etag_);
    ASSIGN_OR_RETURN(v1::Ticket ticket,
                     CallRpc(context, &Stub::ChangeStatus, request));
    return PrintTicket(context, ticket);
  }

 private:
  std::string reason_, etag_;
};

class CloseCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("reason", &reason_, "why (kept in the history)");
    flags.AddString("etag", &etag_, kEtagHelp);
  }

  absl::Status Run(CommandContext& context) override {
    v1::CloseTicketRequest request;
    request.set_name(TicketNameOf(context.args()[0]));
    request.set_reason(reason_);
    request.set_etag(etag_);
    ASSIGN_OR_RETURN(v1::Ticket ticket,
                     CallRpc(context, &Stub::CloseTicket, request));
    return PrintTicket(context, ticket);
  }

 private:
  std::string reason_, etag_;
};

class ReopenCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("reason", &reason_, "why the problem is not solved",
                    ConfigParser::kRequired);
    flags.AddString("etag", &etag_, kEtagHelp);
  }

  absl::Status Run(CommandContext& context) override {
    v1::ReopenTicketRequest request;
    request.set_name(TicketNameOf(context.args()[0]));
    request.set_reason(reason_);
    request.set_etag(etag_);
    ASSIGN_OR_RETURN(v1::Ticket ticket,
                     CallRpc(context, &Stub::ReopenTicket, request));
    return PrintTicket(context, ticket);
  }

 private:
  std::string reason_, etag_;
};

class MergeCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("reason", &reason_, "why (kept in the history)");
    flags.AddString("etag", &etag_, "fail unless the target still has it");
  }

  absl::Status Run(CommandContext& context) override {
    v1::MergeTicketsRequest request;
    request.set_target(TicketNameOf(context.args()[0]));
    for (size_t i = 1; i < context.args().size(); ++i) {
      request.add_sources(TicketNameOf(context.args()[i]));
    }
    request.set_reason(reason_);
    request.set_target_etag(etag_);
    ASSIGN_OR_RETURN(v1::MergeTicketsResponse response,
                     CallRpc(context, &Stub::MergeTickets, request));
    if (context.options().json) return PrintJson(context.out(), response);
    RETURN_IF_ERROR(PrintTicket(context, response.target()));
    context.out() << "\n";
    Table merged({"MERGED", "NUMBER", "STATUS"});
    for (const v1::Ticket& source : response.sources()) {
      merged.AddRow(
          {source.name(), source.number(), TicketStatusLabel(source.status())});
    }
    merged.Print(context.out());
    return absl::OkStatus();
  }

 private:
  std::string reason_, etag_;
};

}  // namespace

void RegisterTicketLifecycleCommands(CommandRegistry& registry) {
  registry.Add<UpdateCommand>({"ticket", "update"},
                              "change a ticket's subject, grade, loss, …",
                              {"TICKET", 1, 1});
  registry.Add<AssignCommand>({"ticket", "assign"},
                              "route to a department and optionally an agent",
                              {"TICKET", 1, 1});
  registry.Add<StatusCommand>({"ticket", "status"},
                              "mark in_progress or pending_customer",
                              {"TICKET STATUS", 2, 2});
  registry.Add<CloseCommand>({"ticket", "close"}, "close a ticket",
                             {"TICKET", 1, 1});
  registry.Add<ReopenCommand>({"ticket", "reopen"},
                              "reopen a resolved or closed ticket",
                              {"TICKET", 1, 1});
  registry.Add<MergeCommand>({"ticket", "merge"},
                             "merge duplicates into the first ticket",
                             {"TARGET SOURCE…", 2, 21});
}

}  // namespace cs::csctl
