// customer upsert | get | history | reveal: customer profiles of the ticket
// service (cs.ticket.v1.TicketService).
//
//   csctl customer upsert c-1001 --full-name 张三 --title mr
//         --phone 13812341234 --region 广东省深圳市
//   csctl customer get c-1001
//   csctl customer history c-1001 --all
//   csctl customer reveal c-1001 id_card --reason 核实身份：退款申请
//
// Customers are named by "customers/{id}" or the id. Name and phone are shown
// masked unless the caller holds read_pii; ID-card and bank-card numbers only
// through `reveal`, which the server audits. They are better passed to
// upsert through the environment (CSCTL_CUSTOMER_UPSERT_ID_CARD, …) than as
// flags, which show up in ps.
#include <string>

#include "cs/common/v1/audit.pb.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "libs/common/status_macros.h"
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

class CustomerUpsertCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("full-name", &full_name_,
                    "full name (required to create a customer)");
    flags.AddString("title", &title_, "mr or ms (shown as 先生 / 女士)");
    flags.AddString("phone", &phone_, "mobile or landline number");
    flags.AddString("region", &region_, "region (e.g. 广东省深圳市)");
    flags.AddString("type", &type_, "new, returning or vip");
    flags.AddString("id-card", &id_card_,
                    "ID-card number (stored encrypted; prefer the env var)");
    flags.AddString("bank-card", &bank_card_,
                    "bank-card number (stored encrypted; prefer the env var)");
    flags.AddString("etag", &etag_, "fail unless the customer still has it");
  }

  absl::Status Run(CommandContext& context) override {
    v1::UpsertCustomerRequest request;
    v1::Customer* c = request.mutable_customer();
    c->set_name(CustomerNameOf(context.args()[0]));
    c->set_etag(etag_);
    // Only the fields given change (update_mask of the flags given).
    google::protobuf::FieldMask& mask = *request.mutable_update_mask();
    auto given = [&](const char* flag, const char* path) {
      return FlagGiven(context, flag, path, mask);
    };
    if (given("full-name", "full_name")) c->set_full_name(full_name_);
    if (given("phone", "phone")) c->set_phone(phone_);
    if (given("region", "region")) c->set_region(region_);
    if (given("id-card", "id_card")) c->set_id_card(id_card_);
    if (given("bank-card", "bank_card")) c->set_bank_card(bank_card_);
    if (given("title", "title")) {
      ASSIGN_OR_RETURN(int title, ParseEnumFlag(v1::Title_descriptor(),
                                                "TITLE_", "title", title_));
      c->set_title(static_cast<v1::Title>(title));
    }
    if (given("type", "type")) {
      ASSIGN_OR_RETURN(int type,
                       ParseEnumFlag(v1::CustomerType_descriptor(),
                                     "CUSTOMER_TYPE_", "type", type_));
      c->set_type(static_cast<v1::CustomerType>(type));
    }
    if (mask.paths_size() == 0) {
      return UsageError("csctl customer upsert: give at least one field");
    }
    ASSIGN_OR_RETURN(v1::Customer customer,
                     CallRpc(context, &Stub::UpsertCustomer, request));
    return PrintCustomer(context, customer);
  }

 private:
  std::string full_name_, title_, phone_, region_, type_, id_card_, bank_card_,
      etag_;
};

class CustomerGetCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::GetCustomerRequest request;
    request.set_name(CustomerNameOf(context.args()[0]));
    ASSIGN_OR_RETURN(v1::Customer customer,
                     CallRpc(context, &Stub::GetCustomer, request));
    return PrintCustomer(context, customer);
  }
};

class CustomerHistoryCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    paging_.Define(flags, "tickets");
  }

  absl::Status Run(CommandContext& context) override {
    v1::ListCustomerHistoryRequest request;
    request.set_customer(CustomerNameOf(context.args()[0]));
    return ListPages(
        context, &Stub::ListCustomerHistory, request, paging_,
        [](const auto& page) -> const auto& { return page.tickets(); },
        TicketTable(), AddTicketRow);
  }

 private:
  PageFlags paging_;
};

// Prints one decrypted field. The server writes the audit record before it
// answers, so the record's name is printed with the value.
class CustomerRevealCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString(
        "reason", &reason_,
        "why you need it, 4–500 characters (e.g. 核实身份：退款申请)",
        ConfigParser::kRequired);
  }

  absl::Status Run(CommandContext& context) override {
    ASSIGN_OR_RETURN(int field,
                     ParseEnumFlag(cs::common::v1::PiiField_descriptor(),
                                   "PII_FIELD_", "FIELD", context.args()[1]));
    // Name and phone are not revealed one by one: `customer get` shows
    // them in clear to read_pii holders.
    if (field != cs::common::v1::PII_FIELD_ID_CARD &&
        field != cs::common::v1::PII_FIELD_BANK_CARD) {
      return UsageError(
          "FIELD: id_card or bank_card (customer get shows name and phone "
          "in clear to read_pii holders)");
    }
    v1::RevealCustomerPiiRequest request;
    request.set_name(CustomerNameOf(context.args()[0]));
    request.set_field(static_cast<cs::common::v1::PiiField>(field));
    request.set_reason(reason_);
    ASSIGN_OR_RETURN(v1::RevealCustomerPiiResponse response,
                     CallRpc(context, &Stub::RevealCustomerPii, request));
    if (context.options().json) return PrintJson(context.out(), response);
    PrintKeyValues(context.out(), {{"value", response.value()},
                                   {"audit_record", response.audit_record()}});
    return absl::OkStatus();
  }

 private:
  std::string reason_;
};

}  // namespace

void RegisterCustomerCommands(CommandRegistry& registry) {
  registry.Add<CustomerUpsertCommand>({"customer", "upsert"},
                                      "create or update a customer profile",
                                      {"CUSTOMER", 1, 1});
  registry.Add<CustomerGetCommand>({"customer", "get"},
                                   "show a customer (masked without read_pii)",
                                   {"CUSTOMER", 1, 1});
  registry.Add<CustomerHistoryCommand>(
      {"customer", "history"}, "every ticket of a customer, newest first",
      {"CUSTOMER", 1, 1});
  registry.Add<CustomerRevealCommand>(
      {"customer", "reveal"},
      "decrypt the id_card or bank_card (read_pii; audited)",
      {"CUSTOMER FIELD", 2, 2});
}

}  // namespace cs::csctl
