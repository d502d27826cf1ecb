#include "tools/csctl/ticket_view.h"

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cs/common/v1/types.pb.h"
#include "libs/common/money.h"
#include "libs/common/status_macros.h"
#include "tools/csctl/output.h"
#include "tools/csctl/rpc.h"
#include "tools/csctl/table.h"

namespace cs::csctl {

namespace v1 = ::cs::ticket::v1;

std::string TicketStatusLabel(int status) {
  return EnumLabel(v1::TicketStatus_descriptor(), status, "TICKET_STATUS_");
}

std::string TicketNameOf(absl::string_view arg) {
  return ResourceNameIn("tickets", arg);
}

std::string CustomerNameOf(absl::string_view arg) {
  return ResourceNameIn("customers", arg);
}

absl::Status PrintTicket(CommandContext& context, const v1::Ticket& t) {
  if (context.options().json) return PrintJson(context.out(), t);
  std::vector<std::pair<std::string, std::string>> rows = {
      {"name", t.name()},
      {"number", t.number()},
      {"status", TicketStatusLabel(t.status())},
      {"channel", EnumLabel(cs::common::v1::Channel_descriptor(), t.channel(),
                            "CHANNEL_")},
      {"stage",
       EnumLabel(cs::common::v1::Stage_descriptor(), t.stage(), "STAGE_")},
      {"category", absl::StrJoin(t.category(), " › ")},
      {"grade",
       EnumLabel(cs::common::v1::Grade_descriptor(), t.grade(), "GRADE_")},
      {"region", t.region()},
      {"department", t.department()},
      {"assignee", t.assignee()},
      {"customer",
       absl::StrCat(t.customer_display_name(), " (", t.customer_id(), ")")},
      {"contact", t.customer_contact()},
      {"subject", SanitizeCell(t.subject())},
      {"description", SanitizeCell(t.description())},
      {"resolution", SanitizeCell(t.resolution())},
      {"satisfaction",
       t.satisfaction() > 0 ? absl::StrCat(t.satisfaction()) : ""},
      {"created", FormatDisplayTimestamp(t.create_time())},
      {"updated", FormatDisplayTimestamp(t.update_time())},
      {"created_by", t.created_by()},
      {"etag", t.etag()},
  };
  if (t.affected_customer_count() > 0) {
    rows.push_back({"affected", absl::StrCat(t.affected_customer_count())});
  }
  if (t.has_loss_estimate()) {
    rows.push_back({"loss", FormatMoney(t.loss_estimate())});
  }
  if (t.reopen_count() > 0) {
    rows.push_back({"reopens", absl::StrCat(t.reopen_count())});
  }
  if (!t.merged_into().empty()) {
    rows.push_back({"merged_into", t.merged_into()});
  }
  if (t.merged_from_size() > 0) {
    rows.push_back({"merged_from", absl::StrJoin(t.merged_from(), ", ")});
  }
  PrintKeyValues(context.out(), rows);
  if (t.replies_size() > 0) {
    context.out() << "\n";
    Table replies({"TIME", "AUTHOR", "KIND", "VISIBILITY", "BODY"});
    for (const v1::Reply& r : t.replies()) {
      replies.AddRow({FormatDisplayTimestamp(r.create_time()), r.author(),
                      EnumLabel(v1::AuthorKind_descriptor(), r.author_kind(),
                                "AUTHOR_KIND_"),
                      EnumLabel(v1::ReplyVisibility_descriptor(),
                                r.visibility(), "REPLY_VISIBILITY_"),
                      SanitizeCell(r.body())});
    }
    replies.Print(context.out());
  }
  if (t.history_size() > 0) {
    context.out() << "\n";
    Table history({"TIME", "ACTOR", "ACTION", "CHANGES", "NOTE"});
    for (const v1::HistoryEntry& h : t.history()) {
      std::vector<std::string> changes;
      for (const v1::FieldChange& c : h.changes()) {
        changes.push_back(
            absl::StrCat(c.field(), ": ", c.old_value(), " → ", c.new_value()));
      }
      history.AddRow({FormatDisplayTimestamp(h.time()), h.actor(),
                      EnumLabel(v1::HistoryAction_descriptor(), h.action(),
                                "HISTORY_ACTION_"),
                      SanitizeCell(absl::StrJoin(changes, "; ")),
                      SanitizeCell(h.note())});
    }
    history.Print(context.out());
  }
  return absl::OkStatus();
}

absl::Status PrintCustomer(CommandContext& context, const v1::Customer& c) {
  if (context.options().json) return PrintJson(context.out(), c);
  PrintKeyValues(context.out(),
                 {{"name", c.name()},
                  {"full_name", c.full_name()},
                  {"type", EnumLabel(v1::CustomerType_descriptor(), c.type(),
                                     "CUSTOMER_TYPE_")},
                  {"region", c.region()},
                  {"phone", c.phone()},
                  {"id_card", c.id_card_masked()},
                  {"bank_card", c.bank_card_masked()},
                  {"created", FormatDisplayTimestamp(c.create_time())},
                  {"updated", FormatDisplayTimestamp(c.update_time())},
                  {"etag", c.etag()}});
  return absl::OkStatus();
}

void SetCategoryPath(absl::string_view path, v1::Ticket& ticket) {
  if (absl::StripAsciiWhitespace(path).empty()) return;
  // An empty level ("手机类//信号") is sent as it is, for the server to name.
  for (absl::string_view level : absl::StrSplit(path, '/')) {
    ticket.add_category(std::string(absl::StripAsciiWhitespace(level)));
  }
}

absl::Status SetAffectedCustomers(absl::string_view what,
                                  absl::string_view text, v1::Ticket& ticket) {
  int64_t count = 0;
  if (!absl::SimpleAtoi(text, &count) || count < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": \"", text, "\" is not a whole number"));
  }
  constexpr int64_t kMost = std::numeric_limits<int32_t>::max();
  if (count > kMost) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": ", text, " is more than ", kMost));
  }
  ticket.set_affected_customer_count(static_cast<int32_t>(count));
  return absl::OkStatus();
}

absl::Status SetLossYuan(absl::string_view what, absl::string_view text,
                         v1::Ticket& ticket) {
  ASSIGN_OR_RETURN(int64_t fen, ParseYuan(what, text));
  ticket.mutable_loss_estimate()->set_currency_code("CNY");
  ticket.mutable_loss_estimate()->set_minor_units(fen);
  return absl::OkStatus();
}

Table TicketTable() {
  return Table({"NUMBER", "ID", "STATUS", "GRADE", "CHANNEL", "DEPARTMENT",
                "ASSIGNEE", "CREATED", "SUBJECT"});
}

void AddTicketRow(Table& table, const v1::Ticket& t) {
  table.AddRow(
      {t.number(), t.id(), TicketStatusLabel(t.status()),
       EnumLabel(cs::common::v1::Grade_descriptor(), t.grade(), "GRADE_"),
       EnumLabel(cs::common::v1::Channel_descriptor(), t.channel(), "CHANNEL_"),
       SanitizeCell(t.department()), t.assignee(),
       FormatDisplayTimestamp(t.create_time()), SanitizeCell(t.subject())});
}

}  // namespace cs::csctl
