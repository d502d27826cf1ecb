// import tickets | articles: bulk creation from CSV files (UTF-8, RFC 4180,
// header line with column names; see import_runner.h for the guarantees and
// the README's csctl sections for the columns).
//
//   csctl --addr 127.0.0.1:50051 import tickets deploy/demo/tickets.csv
//   CSCTL_IMPORT_ARTICLES_REVIEWER_TOKEN=… csctl --addr 127.0.0.1:50053
//       import articles deploy/demo/articles.csv --publish
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cs/common/v1/types.pb.h"
#include "cs/kb/v1/kb.grpc.pb.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "libs/common/status_macros.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/import_runner.h"
#include "tools/csctl/rpc.h"
#include "tools/csctl/ticket_view.h"

namespace cs::csctl {
namespace {

namespace tv1 = ::cs::ticket::v1;
namespace kv1 = ::cs::kb::v1;
using TicketStub = tv1::TicketService::Stub;
using KbStub = kv1::KnowledgeBaseService::Stub;

// A row value as an enum of `type`: like ParseEnumFlag, but the error names
// the column, not a flag.
absl::StatusOr<int> ParseEnumColumn(const google::protobuf::EnumDescriptor* type,
                                    absl::string_view prefix,
                                    absl::string_view column,
                                    absl::string_view text) {
  absl::StatusOr<int> value = ParseEnumFlag(
      type, prefix, column, absl::StripAsciiWhitespace(text));
  if (value.ok()) return value;
  return absl::InvalidArgumentError(
      absl::StripPrefix(value.status().message(), "--"));
}

// "a;b; c" → {"a", "b", "c"}.
std::vector<std::string> SplitColumnList(absl::string_view text) {
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(text, ';')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) items.emplace_back(item);
  }
  return items;
}

// ---- import tickets -----------------------------------------------------

class ImportTicketsCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    const ImportSpec spec{
        "tickets",
        {"customer_id", "channel", "stage", "subject", "description"},
        {"customer_name", "customer_title", "customer_phone", "customer_type",
         "customer_region", "category", "department", "region",
         "affected_customers", "loss_yuan"}};
    return RunImport(context, spec, context.args()[0],
                     [&](const ImportRow& row) { return Import(context, row); });
  }

 private:
  static absl::StatusOr<std::string> Import(CommandContext& context,
                                            const ImportRow& row) {
    // Everything is validated before the first call, so a bad row writes
    // nothing.
    ASSIGN_OR_RETURN(tv1::CreateTicketRequest ticket, TicketRequest(row));
    ASSIGN_OR_RETURN(std::optional<tv1::UpsertCustomerRequest> customer,
                     CustomerRequest(row));
    if (customer.has_value()) {
      // Created when missing; an existing profile is left as it is, so a
      // re-run changes nothing.
      tv1::GetCustomerRequest get;
      get.set_name(customer->customer().name());
      get.set_masked(true);  // only checks existence: no audited clear read
      absl::StatusOr<tv1::Customer> existing =
          CallRpc(context, &TicketStub::GetCustomer, get);
      if (absl::IsNotFound(existing.status())) {
        RETURN_IF_ERROR(
            CallRpc(context, &TicketStub::UpsertCustomer, *customer).status());
      } else if (!existing.ok()) {
        return existing.status();
      }
    }
    ASSIGN_OR_RETURN(tv1::Ticket created,
                     CallRpc(context, &TicketStub::CreateTicket, ticket));
    return created.name();
  }

  static absl::StatusOr<tv1::CreateTicketRequest> TicketRequest(
      const ImportRow& row) {
    tv1::CreateTicketRequest request;
    request.set_request_id(row.request_id());
    tv1::Ticket& t = *request.mutable_ticket();
    ASSIGN_OR_RETURN(int channel,
                     ParseEnumColumn(cs::common::v1::Channel_descriptor(),
                                     "CHANNEL_", "channel", row.Get("channel")));
    ASSIGN_OR_RETURN(int stage,
                     ParseEnumColumn(cs::common::v1::Stage_descriptor(),
                                     "STAGE_", "stage", row.Get("stage")));
    t.set_channel(static_cast<cs::common::v1::Channel>(channel));
    t.set_stage(static_cast<cs::common::v1::Stage>(stage));
    t.set_customer_id(std::string(absl::StripPrefix(
        absl::StripAsciiWhitespace(row.Get("customer_id")), "customers/")));
    t.set_subject(row.Get("subject"));
    t.set_description(row.Get("description"));
    t.set_department(std::string(absl::StripAsciiWhitespace(row.Get("department"))));
    t.set_region(std::string(absl::StripAsciiWhitespace(row.Get("region"))));
    SetCategoryPath(row.Get("category"), t);
    if (!row.Get("affected_customers").empty()) {
      RETURN_IF_ERROR(SetAffectedCustomers("affected_customers",
                                           row.Get("affected_customers"), t));
    }
    if (!row.Get("loss_yuan").empty()) {
      RETURN_IF_ERROR(SetLossYuan("loss_yuan", row.Get("loss_yuan"), t));
    }
    return request;
  }

  // The profile to create when the row names the customer.
  static absl::StatusOr<std::optional<tv1::UpsertCustomerRequest>>
  CustomerRequest(const ImportRow& row) {
    if (row.Get("customer_name").empty()) return std::nullopt;
    tv1::UpsertCustomerRequest request;
    tv1::Customer& c = *request.mutable_customer();
    c.set_name(absl::StrCat("customers/", absl::StripPrefix(absl::StripAsciiWhitespace(
                                                  row.Get("customer_id")),
                                              "customers/")));
    c.set_full_name(row.Get("customer_name"));
    c.set_phone(std::string(absl::StripAsciiWhitespace(row.Get("customer_phone"))));
    c.set_region(row.Get("customer_region"));
    ASSIGN_OR_RETURN(int title,
                     ParseEnumColumn(tv1::Title_descriptor(), "TITLE_",
                                     "customer_title", row.Get("customer_title")));
    ASSIGN_OR_RETURN(int type, ParseEnumColumn(tv1::CustomerType_descriptor(),
                                               "CUSTOMER_TYPE_", "customer_type",
                                               row.Get("customer_type")));
    c.set_title(static_cast<tv1::Title>(title));
    c.set_type(static_cast<tv1::CustomerType>(type));
    return request;
  }
};

// ---- import articles ----------------------------------------------------

class ImportArticlesCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddBool("publish", &publish_,
                  "submit each article for review and approve it with "
                  "--reviewer-token (nobody approves their own submission)");
    flags.AddString("reviewer-token", &reviewer_token_,
                    "a second kb_editor's token for --publish (prefer the "
                    "env var CSCTL_IMPORT_ARTICLES_REVIEWER_TOKEN)");
  }

  absl::Status Run(CommandContext& context) override {
    if (publish_ && reviewer_token_.empty()) {
      return UsageError("--publish needs --reviewer-token of another editor");
    }
    GlobalOptions reviewer_options = context.options();
    reviewer_options.token = reviewer_token_;
    CommandContext reviewer(reviewer_options, {}, {}, context.out(),
                            context.err(), context.clock());
    const ImportSpec spec{"articles",
                          {"title", "body", "category"},
                          {"format", "tags", "channels", "customer_types",
                           "language"}};
    return RunImport(context, spec, context.args()[0],
                     [&](const ImportRow& row) {
                       return Import(context, reviewer, row);
                     });
  }

 private:
  absl::StatusOr<std::string> Import(CommandContext& context,
                                     CommandContext& reviewer,
                                     const ImportRow& row) {
    kv1::CreateArticleRequest request;
    request.set_request_id(row.request_id());
    kv1::ArticleContent& c = *request.mutable_content();
    c.set_title(row.Get("title"));
    c.set_body(row.Get("body"));
    const std::string format =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(row.Get("format")));
    if (format == "markdown") {
      c.set_format(kv1::BODY_FORMAT_MARKDOWN);
    } else if (format.empty() || format == "plain" || format == "plain_text") {
      c.set_format(kv1::BODY_FORMAT_PLAIN_TEXT);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "format: \"", row.Get("format"), "\" is not plain or markdown"));
    }
    for (std::string& tag : SplitColumnList(row.Get("tags"))) c.add_tags(tag);
    for (std::string& ch : SplitColumnList(row.Get("channels"))) {
      c.add_channels(absl::AsciiStrToUpper(ch));
    }
    for (std::string& type : SplitColumnList(row.Get("customer_types"))) {
      c.add_customer_types(absl::AsciiStrToUpper(type));
    }
    c.set_language(std::string(absl::StripAsciiWhitespace(row.Get("language"))));
    std::vector<std::string> created_levels;
    ASSIGN_OR_RETURN(std::string category,
                     Category(context, row.Get("category"), created_levels));
    c.set_category(category);
    absl::StatusOr<kv1::Article> created =
        CallRpc(context, &KbStub::CreateArticle, request);
    if (!created.ok()) {
      // The server refused the row (an unknown channel, say): the levels
      // made for it would be left behind empty.
      RemoveCategories(context, created_levels);
      return created.status();
    }
    kv1::Article article = *std::move(created);
    if (!publish_) return article.name();
    // Each step is skipped when a previous run already took it.
    if (article.state() == kv1::ARTICLE_STATE_DRAFT) {
      kv1::SubmitForReviewRequest submit;
      submit.set_name(article.name());
      submit.set_change_note("csctl import");
      ASSIGN_OR_RETURN(article,
                       CallRpc(context, &KbStub::SubmitForReview, submit));
    }
    if (article.state() == kv1::ARTICLE_STATE_IN_REVIEW) {
      kv1::ReviewArticleRequest review;
      review.set_name(article.name());
      review.set_approve(true);
      ASSIGN_OR_RETURN(article,
                       CallRpc(reviewer, &KbStub::ReviewArticle, review));
    }
    return article.name();
  }

  // The name of the category at `path` ("手机类/信号问题"), creating missing
  // levels; appends the names of the levels it created to `created`, parents
  // first. Looked up once per run, then cached.
  absl::StatusOr<std::string> Category(CommandContext& context,
                                       absl::string_view path,
                                       std::vector<std::string>& created) {
    std::vector<std::string> levels;
    for (absl::string_view level : absl::StrSplit(path, '/')) {
      level = absl::StripAsciiWhitespace(level);
      if (!level.empty()) levels.emplace_back(level);
    }
    if (levels.empty()) {
      return absl::InvalidArgumentError(
          "category: empty (write a path such as 手机类/信号问题)");
    }
    if (!categories_loaded_) {
      ASSIGN_OR_RETURN(kv1::ListCategoriesResponse all,
                       CallRpc(context, &KbStub::ListCategories,
                               kv1::ListCategoriesRequest()));
      for (const kv1::Category& category : all.categories()) {
        categories_[absl::StrJoin(category.path(), "/")] = category.name();
      }
      categories_loaded_ = true;
    }
    std::string parent, key;
    for (const std::string& level : levels) {
      key = key.empty() ? level : absl::StrCat(key, "/", level);
      auto it = categories_.find(key);
      if (it == categories_.end()) {
        kv1::CreateCategoryRequest create;
        create.set_parent(parent);
        create.set_display_name(level);
        ASSIGN_OR_RETURN(kv1::Category category,
                         CallRpc(context, &KbStub::CreateCategory, create));
        it = categories_.emplace(key, category.name()).first;
        created.push_back(category.name());
      }
      parent = it->second;
    }
    return parent;
  }

  // Deletes `names` (children after their parents, as Category lists them)
  // and forgets them. Best effort: the server refuses to delete a category
  // that anything uses, so a failure leaves nothing inconsistent.
  void RemoveCategories(CommandContext& context,
                        const std::vector<std::string>& names) {
    for (auto name = names.rbegin(); name != names.rend(); ++name) {
      kv1::DeleteCategoryRequest request;
      request.set_name(*name);
      if (!CallRpc(context, &KbStub::DeleteCategory, request).ok()) return;
      for (auto it = categories_.begin(); it != categories_.end();) {
        it = it->second == *name ? categories_.erase(it) : std::next(it);
      }
    }
  }

  bool publish_ = false;
  std::string reviewer_token_;
  bool categories_loaded_ = false;
  std::map<std::string, std::string> categories_;  // "a/b" → categories/{id}
};

}  // namespace

void RegisterImportCommands(CommandRegistry& registry) {
  registry.Add<ImportTicketsCommand>(
      {"import", "tickets"},
      "create tickets (and missing customers) from a CSV file, idempotently",
      {"FILE.csv", 1, 1});
  registry.Add<ImportArticlesCommand>(
      {"import", "articles"},
      "create knowledge-base articles from a CSV file, idempotently",
      {"FILE.csv", 1, 1});
}

}  // namespace cs::csctl
