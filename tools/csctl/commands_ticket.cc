// ticket create | get | list | reply | resolve | feedback: the everyday
// ticket commands of the ticket service (cs.ticket.v1.TicketService). The
// other lifecycle changes are in commands_ticket_lifecycle.cc, customers in
// commands_customer.cc.
//
//   csctl ticket create --customer c-1001 --channel phone
//         --stage after_sale --subject 手机信号弱 --description 地下车库无信号
//   csctl ticket list --status new,open --department 客服部
//   csctl ticket get 01J… --view full
//   csctl ticket reply 01J… --body "您好，已为您处理"
//   csctl ticket resolve 01J… --resolution "已更换SIM卡" --fcr
//   csctl ticket feedback 01J… --csat 5 --nps 9
//
// Tickets are named by "tickets/{id}" or just the id. Enum flags take the
// value name without its prefix, in any case (phone, AFTER_SALE,
// very_satisfied).
#include <cstdint>
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
#include "cs/common/v1/types.pb.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "google/protobuf/descriptor.h"
#include "libs/common/grpc_status.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/output.h"
#include "tools/csctl/paging.h"
#include "tools/csctl/rpc.h"
#include "tools/csctl/table.h"
#include "tools/csctl/ticket_view.h"

namespace cs::csctl {
namespace {

namespace v1 = ::cs::ticket::v1;
using Stub = v1::TicketService::Stub;

// ---- ticket -----------------------------------------------------------------

class CreateCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("customer", &customer_, "customer id (e.g. c-1001)",
                    ConfigParser::kRequired);
    flags.AddString("subject", &subject_, "one-line subject",
                    ConfigParser::kRequired);
    flags.AddString("description", &description_, "the customer's request",
                    ConfigParser::kRequired);
    flags.AddString("channel", &channel_,
                    "phone, online_chat, app, mini_program, email, social, "
                    "walk_in",
                    ConfigParser::kRequired);
    flags.AddString("stage", &stage_, "pre_sale, in_sale or after_sale",
                    ConfigParser::kRequired);
    flags.AddString("department", &department_, "department (e.g. 客服部)");
    flags.AddString("category", &category_,
                    "category path separated by '/' (e.g. 手机类/信号问题)");
    flags.AddString("region", &region_, "region (default: the customer's)");
    // The grading inputs, so an A-grade ticket is graded and routed as one
    // from the start.
    flags.AddString("affected-customers", &affected_,
                    "customers affected (grading input)");
    flags.AddString("loss-yuan", &loss_yuan_,
                    "estimated loss in yuan, e.g. 1200.50 (grading input)");
    flags.AddString("customer-type", &customer_type_,
                    "new, returning or vip (default: the customer's)");
    flags.AddString("request-id", &request_id_,
                    "idempotency key: a retry with it creates no second "
                    "ticket");
  }

  absl::Status Run(CommandContext& context) override {
    v1::CreateTicketRequest request;
    v1::Ticket* t = request.mutable_ticket();
    ASSIGN_OR_RETURN(int channel,
                     ParseEnumFlag(cs::common::v1::Channel_descriptor(),
                                   "CHANNEL_", "channel", channel_));
    ASSIGN_OR_RETURN(int stage,
                     ParseEnumFlag(cs::common::v1::Stage_descriptor(), "STAGE_",
                                   "stage", stage_));
    t->set_channel(static_cast<cs::common::v1::Channel>(channel));
    t->set_stage(static_cast<cs::common::v1::Stage>(stage));
    t->set_customer_id(std::string(
        absl::StripPrefix(absl::string_view(customer_), "customers/")));
    t->set_subject(subject_);
    t->set_description(description_);
    t->set_department(department_);
    t->set_region(region_);
    SetCategoryPath(category_, *t);
    if (!affected_.empty()) {
      absl::Status set =
          SetAffectedCustomers("--affected-customers", affected_, *t);
      if (!set.ok()) return UsageError(set.message());
    }
    if (!loss_yuan_.empty()) {
      absl::Status set = SetLossYuan("--loss-yuan", loss_yuan_, *t);
      if (!set.ok()) return UsageError(set.message());
    }
    if (!customer_type_.empty()) {
      ASSIGN_OR_RETURN(
          int type,
          ParseEnumFlag(v1::CustomerType_descriptor(), "CUSTOMER_TYPE_",
                        "customer-type", customer_type_));
      t->set_customer_type(static_cast<v1::CustomerType>(type));
    }
    request.set_request_id(request_id_);
    ASSIGN_OR_RETURN(v1::Ticket ticket,
                     CallRpc(context, &Stub::CreateTicket, request));
    return PrintTicket(context, ticket);
  }

 private:
  std::string customer_, subject_, description_, channel_, stage_, department_,
      category_, region_, affected_, loss_yuan_, customer_type_, request_id_;
};

class GetCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("view", &view_,
                    "basic, or full (with replies and history)");
  }

  absl::Status Run(CommandContext& context) override {
    v1::GetTicketRequest request;
    request.set_name(TicketNameOf(context.args()[0]));
    ASSIGN_OR_RETURN(int view, ParseEnumFlag(v1::TicketView_descriptor(),
                                             "TICKET_VIEW_", "view", view_));
    request.set_view(static_cast<v1::TicketView>(view));
    ASSIGN_OR_RETURN(v1::Ticket ticket,
                     CallRpc(context, &Stub::GetTicket, request));
    return PrintTicket(context, ticket);
  }

 private:
  std::string view_ = "basic";
};

class ListCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("status", &statuses_,
                    "comma-separated statuses (e.g. new,open,in_progress)");
    flags.AddString("channel", &channels_, "comma-separated channels");
    flags.AddString("grade", &grades_, "comma-separated grades: a, b, c");
    flags.AddString("department", &department_, "department");
    flags.AddString("assignee", &assignee_, "agent id");
    flags.AddString("customer", &customer_, "customer id");
    flags.AddString("since", &since_,
                    "created at or after: RFC 3339, a date (2026-11-30, "
                    "Beijing time) or a duration back from now (24h)");
    flags.AddString("until", &until_, "created before (the same forms)");
    flags.AddString("order", &order_, "create_time_desc or create_time_asc");
    paging_.Define(flags, "tickets");
  }

  absl::Status Run(CommandContext& context) override {
    v1::ListTicketsRequest request;
    v1::TicketFilter* f = request.mutable_filter();
    ASSIGN_OR_RETURN(std::vector<int> statuses,
                     ParseEnumListFlag(v1::TicketStatus_descriptor(),
                                       "TICKET_STATUS_", "status", statuses_));
    for (int s : statuses) f->add_statuses(static_cast<v1::TicketStatus>(s));
    ASSIGN_OR_RETURN(std::vector<int> channels,
                     ParseEnumListFlag(cs::common::v1::Channel_descriptor(),
                                       "CHANNEL_", "channel", channels_));
    for (int c : channels) {
      f->add_channels(static_cast<cs::common::v1::Channel>(c));
    }
    ASSIGN_OR_RETURN(std::vector<int> grades,
                     ParseEnumListFlag(cs::common::v1::Grade_descriptor(),
                                       "GRADE_", "grade", grades_));
    for (int g : grades) f->add_grades(static_cast<cs::common::v1::Grade>(g));
    const absl::Time now = context.clock().Now();
    if (!since_.empty()) {
      ASSIGN_OR_RETURN(absl::Time from, ParseTimeFlag("since", since_, now));
      *f->mutable_create_time_from() = ToProtoTime(from);
    }
    if (!until_.empty()) {
      ASSIGN_OR_RETURN(absl::Time to, ParseTimeFlag("until", until_, now));
      *f->mutable_create_time_to() = ToProtoTime(to);
    }
    f->set_department(department_);
    f->set_assignee(assignee_);
    f->set_customer_id(std::string(
        absl::StripPrefix(absl::string_view(customer_), "customers/")));
    if (!order_.empty()) {
      ASSIGN_OR_RETURN(int order,
                       ParseEnumFlag(v1::TicketOrder_descriptor(),
                                     "TICKET_ORDER_", "order", order_));
      request.set_order_by(static_cast<v1::TicketOrder>(order));
    }
    return ListPages(
        context, &Stub::ListTickets, request, paging_,
        [](const auto& page) -> const auto& { return page.tickets(); },
        TicketTable(), AddTicketRow);
  }

 private:
  std::string statuses_, channels_, grades_, department_, assignee_, customer_,
      since_, until_, order_;
  PageFlags paging_;
};

class ReplyCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("body", &body_, "the reply text", ConfigParser::kRequired);
    flags.AddString("author", &author_, "agent, customer or system");
    flags.AddBool("internal", &internal_, "an internal note, not sent");
    flags.AddString("etag", &etag_, "fail unless the ticket still has it");
  }

  absl::Status Run(CommandContext& context) override {
    v1::AddReplyRequest request;
    request.set_name(TicketNameOf(context.args()[0]));
    ASSIGN_OR_RETURN(int author,
                     ParseEnumFlag(v1::AuthorKind_descriptor(), "AUTHOR_KIND_",
                                   "author", author_));
    request.mutable_reply()->set_author_kind(
        static_cast<v1::AuthorKind>(author));
    request.mutable_reply()->set_visibility(internal_
                                                ? v1::REPLY_VISIBILITY_INTERNAL
                                                : v1::REPLY_VISIBILITY_PUBLIC);
    request.mutable_reply()->set_body(body_);
    request.set_etag(etag_);
    ASSIGN_OR_RETURN(v1::AddReplyResponse response,
                     CallRpc(context, &Stub::AddReply, request));
    if (context.options().json) return PrintJson(context.out(), response);
    PrintKeyValues(context.out(),
                   {{"reply", response.reply().id()},
                    {"ticket", response.ticket().name()},
                    {"status", TicketStatusLabel(response.ticket().status())},
                    {"etag", response.ticket().etag()}});
    return absl::OkStatus();
  }

 private:
  std::string body_, author_ = "agent", etag_;
  bool internal_ = false;
};

class ResolveCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("resolution", &resolution_, "what was done (处理结果)",
                    ConfigParser::kRequired);
    flags.AddBool("fcr", &fcr_, "solved at the first contact");
    flags.AddString("etag", &etag_, "fail unless the ticket still has it");
  }

  absl::Status Run(CommandContext& context) override {
    v1::ResolveTicketRequest request;
    request.set_name(TicketNameOf(context.args()[0]));
    request.set_resolution(resolution_);
    request.set_solved_at_first_contact(fcr_);
    request.set_etag(etag_);
    ASSIGN_OR_RETURN(v1::Ticket ticket,
                     CallRpc(context, &Stub::ResolveTicket, request));
    return PrintTicket(context, ticket);
  }

 private:
  std::string resolution_, etag_;
  bool fcr_ = false;
};

class FeedbackCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddInt("csat", &csat_, "satisfaction 1 (very dissatisfied) … 5", 1,
                 5);
    flags.AddInt("nps", &nps_, "likelihood to recommend 0–10 (-1: not asked)",
                 -1, 10);
    flags.AddString("attitude", &attitude_, kRatingHelp);
    flags.AddString("skill", &skill_, kRatingHelp);
    flags.AddString("timeliness", &timeliness_, kRatingHelp);
    flags.AddString("promises-kept", &promises_kept_, kRatingHelp);
    flags.AddString("comment", &comment_, "free-text comment");
  }

  absl::Status Run(CommandContext& context) override {
    if (csat_ == 0) return UsageError("--csat (1-5) is required");
    v1::SubmitFeedbackRequest request;
    request.set_name(TicketNameOf(context.args()[0]));
    v1::Feedback* f = request.mutable_feedback();
    f->set_csat(csat_);
    if (nps_ >= 0) f->set_nps(nps_);
    const std::vector<std::pair<const std::string*, std::string>> ratings = {
        {&attitude_, "attitude"},
        {&skill_, "skill"},
        {&timeliness_, "timeliness"},
        {&promises_kept_, "promises-kept"}};
    for (const auto& [text, flag] : ratings) {
      if (text->empty()) continue;
      ASSIGN_OR_RETURN(int rating, ParseEnumFlag(v1::AgentRating_descriptor(),
                                                 "AGENT_RATING_", flag, *text));
      const auto value = static_cast<v1::AgentRating>(rating);
      if (flag == "attitude") f->set_attitude(value);
      if (flag == "skill") f->set_skill(value);
      if (flag == "timeliness") f->set_timeliness(value);
      if (flag == "promises-kept") f->set_promises_kept(value);
    }
    f->set_comment(comment_);
    ASSIGN_OR_RETURN(v1::Feedback feedback,
                     CallRpc(context, &Stub::SubmitFeedback, request));
    if (context.options().json) return PrintJson(context.out(), feedback);
    PrintKeyValues(
        context.out(),
        {{"csat", absl::StrCat(feedback.csat())},
         {"nps", feedback.has_nps() ? absl::StrCat(feedback.nps()) : ""},
         {"submitted", FormatDisplayTimestamp(feedback.submit_time())}});
    return absl::OkStatus();
  }

 private:
  static constexpr char kRatingHelp[] =
      "very_satisfied, satisfied, average or poor";
  int csat_ = 0;
  int nps_ = -1;
  std::string attitude_, skill_, timeliness_, promises_kept_, comment_;
};

}  // namespace

void RegisterTicketCommands(CommandRegistry& registry) {
  registry.Add<CreateCommand>({"ticket", "create"}, "open a ticket (工单)");
  registry.Add<GetCommand>({"ticket", "get"}, "show one ticket",
                           {"TICKET", 1, 1});
  registry.Add<ListCommand>({"ticket", "list"},
                            "list tickets, newest first, with filters");
  registry.Add<ReplyCommand>(
      {"ticket", "reply"}, "add a reply or an internal note", {"TICKET", 1, 1});
  registry.Add<ResolveCommand>({"ticket", "resolve"},
                               "resolve a ticket with what was done",
                               {"TICKET", 1, 1});
  registry.Add<FeedbackCommand>({"ticket", "feedback"},
                                "record the customer's satisfaction survey",
                                {"TICKET", 1, 1});
}

}  // namespace cs::csctl
