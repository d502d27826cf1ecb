// kb …: the knowledge-base service (cs.kb.v1.KnowledgeBaseService, default
// port 50053: pass --addr 127.0.0.1:50053 or set CSCTL_ADDR).
//
//   csctl kb category create 手机类
//   csctl kb category create 信号问题 --parent categories/…
//   csctl kb category list
//   csctl kb category rename categories/… 移动终端
//   csctl kb category delete categories/…
//   csctl kb article create --title 手机信号弱怎么办 --body-file steps.md
//         --markdown --category categories/… --tags 信号
//         [--channels PHONE,ONLINE_CHAT] [--customer-types VIP]
//   csctl kb article update articles/… --body-file steps.md --tags 信号,SIM卡
//   csctl kb article list [--state draft]
//   csctl kb article submit articles/… --note 初稿
//   csctl kb article approve articles/… [--major]
//   csctl kb article reject articles/… --comment 请补充
//   csctl kb article get | archive | restore | versions | confirm articles/…
//   csctl kb article diff articles/… 1.0 V1.1
//   csctl kb article rollback articles/… 1.0
//   csctl kb search 手机信号弱 [--category …] [--tags a,b]
//   csctl kb suggest --subject … --description …
//   csctl kb share articles/… tickets/… [--internal]
//   csctl kb feedback articles/… --helpful | --not-helpful
//   csctl kb gaps | stale | report-missing 查询
//
// Articles are named "articles/{id}" or just the id; their versions
// "articles/{id}/versions/1.0", or after the article "1.0" or "V1.0" as
// `versions` prints them.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cs/kb/v1/kb.grpc.pb.h"
#include "libs/common/files.h"
#include "libs/common/grpc_status.h"
#include "libs/common/status_macros.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/output.h"
#include "tools/csctl/paging.h"
#include "tools/csctl/rpc.h"
#include "tools/csctl/table.h"

namespace cs::csctl {
namespace {

namespace v1 = ::cs::kb::v1;
using KbStub = v1::KnowledgeBaseService::Stub;

// The version `arg` of `article`: "1.0" and "V1.0" name
// "articles/{id}/versions/1.0"; a full version name is kept as is.
std::string VersionNameOf(absl::string_view article, absl::string_view arg) {
  if (absl::StrContains(arg, '/')) return std::string(arg);
  if (!arg.empty() && (arg.front() == 'V' || arg.front() == 'v')) {
    arg.remove_prefix(1);
  }
  return absl::StrCat(ResourceNameIn("articles", article), "/versions/", arg);
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view part :
       absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    out.emplace_back(absl::StripAsciiWhitespace(part));
  }
  return out;
}

std::string StateName(v1::ArticleState state) {
  const std::string& full = v1::ArticleState_Name(state);
  absl::string_view name = full;
  absl::ConsumePrefix(&name, "ARTICLE_STATE_");
  return std::string(name);
}

// "V1.3" as `versions` lists it and DESIGN names versions; "" before the
// first publish.
std::string VersionLabel(const std::string& published_version) {
  return published_version.empty() ? "" : absl::StrCat("V", published_version);
}

absl::Status PrintArticle(CommandContext& context, const v1::Article& a) {
  if (context.options().json) return PrintJson(context.out(), a);
  PrintKeyValues(
      context.out(),
      {{"name", a.name()},
       {"state", StateName(a.state())},
       {"title", SanitizeCell(a.content().title())},
       {"category", SanitizeCell(absl::StrJoin(a.category_path(), " › "))},
       {"tags", SanitizeCell(absl::StrJoin(a.content().tags(), ","))},
       {"channels", SanitizeCell(absl::StrJoin(a.content().channels(), ","))},
       {"customer_types",
        SanitizeCell(absl::StrJoin(a.content().customer_types(), ","))},
       {"language", a.content().language()},
       {"version", VersionLabel(a.published_version())},
       {"owner", a.owner()},
       {"review_by", FormatDisplayTimestamp(a.review_by())},
       {"review_comment", SanitizeCell(a.review_comment())},
       {"usage",
        absl::StrCat(a.view_count(), " views, ", a.share_count(), " shares, +",
                     a.helpful_count(), "/-", a.not_helpful_count())},
       {"etag", a.etag()}});
  context.out() << "\n" << a.content().body() << "\n";
  return absl::OkStatus();
}

absl::Status PrintHits(
    CommandContext& context,
    const google::protobuf::RepeatedPtrField<v1::SearchHit>& hits) {
  Table table({"ARTICLE", "VERSION", "SCORE", "TITLE", "SNIPPET"});
  for (const v1::SearchHit& h : hits) {
    table.AddRow({h.article(), VersionLabel(h.version()),
                  absl::StrFormat("%.2f", h.score()),
                  SanitizeCell(h.highlighted_title()),
                  SanitizeCell(h.snippet())});
  }
  table.Print(context.out());
  return absl::OkStatus();
}

// ---- kb category ------------------------------------------------------------

class CategoryCreateCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("parent", &parent_, "parent category (categories/{id})");
  }
  absl::Status Run(CommandContext& context) override {
    v1::CreateCategoryRequest request;
    request.set_display_name(context.args()[0]);
    request.set_parent(parent_);
    ASSIGN_OR_RETURN(v1::Category c,
                     CallRpc(context, &KbStub::CreateCategory, request));
    if (context.options().json) return PrintJson(context.out(), c);
    context.out() << c.name() << "  " << absl::StrJoin(c.path(), " › ") << "\n";
    return absl::OkStatus();
  }

 private:
  std::string parent_;
};

class CategoryListCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    ASSIGN_OR_RETURN(
        v1::ListCategoriesResponse r,
        CallRpc(context, &KbStub::ListCategories, v1::ListCategoriesRequest()));
    if (context.options().json) return PrintJson(context.out(), r);
    Table table({"NAME", "PATH"});
    for (const v1::Category& c : r.categories()) {
      table.AddRow({c.name(), SanitizeCell(absl::StrJoin(c.path(), " › "))});
    }
    table.Print(context.out());
    return absl::OkStatus();
  }
};

class CategoryRenameCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::RenameCategoryRequest request;
    request.set_name(context.args()[0]);
    request.set_display_name(context.args()[1]);
    ASSIGN_OR_RETURN(v1::Category c,
                     CallRpc(context, &KbStub::RenameCategory, request));
    if (context.options().json) return PrintJson(context.out(), c);
    context.out() << c.name() << "  " << absl::StrJoin(c.path(), " › ") << "\n";
    return absl::OkStatus();
  }
};

class CategoryDeleteCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::DeleteCategoryRequest request;
    request.set_name(context.args()[0]);
    RETURN_IF_ERROR(
        CallRpc(context, &KbStub::DeleteCategory, request).status());
    context.out() << "deleted " << request.name() << "\n";
    return absl::OkStatus();
  }
};

// ---- kb article
// ---------------------------------------------------------------

// The flags of an article's content, shared by create and update: update
// sends only the fields whose flags were given (each adds its path to the
// update mask), so an absent flag never clears a field.
struct ArticleContentFlags {
  std::string title, body, body_file, format, category, tags, language,
      channels, customer_types;

  void Define(ConfigParser& flags, bool required) {
    flags.AddString("title", &title, "title", required);
    flags.AddString("body", &body, "body text (or --body-file)");
    flags.AddString("body-file", &body_file, "read the body from this file");
    flags.AddString("format", &format, "plain_text or markdown");
    flags.AddString("category", &category, "categories/{id}", required);
    flags.AddString("tags", &tags, "comma-separated tags");
    flags.AddString("language", &language, "language (default zh-CN)");
    flags.AddString("channels", &channels,
                    "comma-separated channels it applies to (default all)");
    flags.AddString("customer-types", &customer_types,
                    "comma-separated customer types (default all)");
  }

  // Sets the given fields of `content` and names them in `mask`.
  absl::Status Fill(const CommandContext& context, v1::ArticleContent& content,
                    google::protobuf::FieldMask& mask) {
    if (!body_file.empty()) {
      if (!body.empty()) return UsageError("give --body or --body-file");
      absl::StatusOr<std::string> read = ReadFileToString(body_file);
      if (!read.ok()) {
        return UsageError(
            absl::StrCat("--body-file: ", read.status().message()));
      }
      body = *std::move(read);
    }
    auto given = [&](const char* flag, const char* path) {
      return FlagGiven(context, flag, path, mask);
    };
    if (given("title", "title")) content.set_title(title);
    if (given("body", "body") || given("body-file", "body")) {
      content.set_body(body);
    }
    if (given("category", "category")) {
      content.set_category(ResourceNameIn("categories", category));
    }
    if (given("language", "language")) content.set_language(language);
    if (given("format", "format")) {
      ASSIGN_OR_RETURN(
          int value, ParseEnumFlag(v1::BodyFormat_descriptor(), "BODY_FORMAT_",
                                   "format", format));
      content.set_format(static_cast<v1::BodyFormat>(value));
    }
    // An empty list ("--tags=") clears it.
    if (given("tags", "tags")) {
      for (std::string& t : SplitList(tags)) content.add_tags(std::move(t));
    }
    if (given("channels", "channels")) {
      for (std::string& v : SplitList(channels)) {
        content.add_channels(std::move(v));
      }
    }
    if (given("customer-types", "customer_types")) {
      for (std::string& v : SplitList(customer_types)) {
        content.add_customer_types(std::move(v));
      }
    }
    return absl::OkStatus();
  }
};

class ArticleCreateCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    content_.Define(flags, ConfigParser::kRequired);
    flags.AddBool("markdown", &markdown_, "the body is Markdown (--format)");
    flags.AddString("request-id", &request_id_, "idempotency key");
  }
  absl::Status Run(CommandContext& context) override {
    v1::CreateArticleRequest request;
    google::protobuf::FieldMask unused;
    RETURN_IF_ERROR(content_.Fill(context, *request.mutable_content(), unused));
    if (markdown_)
      request.mutable_content()->set_format(v1::BODY_FORMAT_MARKDOWN);
    request.set_request_id(request_id_);
    ASSIGN_OR_RETURN(v1::Article a,
                     CallRpc(context, &KbStub::CreateArticle, request));
    return PrintArticle(context, a);
  }

 private:
  ArticleContentFlags content_;
  bool markdown_ = false;
  std::string request_id_;
};

class ArticleUpdateCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    content_.Define(flags, false);
    flags.AddString("etag", &etag_, "fail unless the article still has it");
  }
  absl::Status Run(CommandContext& context) override {
    v1::UpdateArticleRequest request;
    request.set_name(ResourceNameIn("articles", context.args()[0]));
    RETURN_IF_ERROR(content_.Fill(context, *request.mutable_content(),
                                  *request.mutable_update_mask()));
    if (request.update_mask().paths_size() == 0) {
      return UsageError("csctl kb article update: give at least one field");
    }
    request.set_etag(etag_);
    ASSIGN_OR_RETURN(v1::Article a,
                     CallRpc(context, &KbStub::UpdateArticle, request));
    return PrintArticle(context, a);
  }

 private:
  ArticleContentFlags content_;
  std::string etag_;
};

class ArticleListCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("state", &state_,
                    "draft, in_review, published or archived (editors)");
    paging_.Define(flags, "articles");
  }
  absl::Status Run(CommandContext& context) override {
    v1::ListArticlesRequest request;
    if (!state_.empty()) {
      ASSIGN_OR_RETURN(int state,
                       ParseEnumFlag(v1::ArticleState_descriptor(),
                                     "ARTICLE_STATE_", "state", state_));
      request.set_state(static_cast<v1::ArticleState>(state));
    }
    return ListPages(
        context, &KbStub::ListArticles, request, paging_,
        [](const auto& page) -> const auto& { return page.articles(); },
        Table({"ARTICLE", "STATE", "VERSION", "UPDATED", "CATEGORY", "TITLE"}),
        [](Table& table, const v1::Article& a) {
          table.AddRow({a.name(), StateName(a.state()),
                        VersionLabel(a.published_version()),
                        FormatDisplayTimestamp(a.update_time()),
                        SanitizeCell(absl::StrJoin(a.category_path(), " › ")),
                        SanitizeCell(a.content().title())});
        });
  }

 private:
  std::string state_;
  PageFlags paging_;
};

class ArticleConfirmCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::ConfirmArticleFreshRequest request;
    request.set_name(ResourceNameIn("articles", context.args()[0]));
    ASSIGN_OR_RETURN(v1::Article a,
                     CallRpc(context, &KbStub::ConfirmArticleFresh, request));
    return PrintArticle(context, a);
  }
};

class ArticleGetCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::GetArticleRequest request;
    request.set_name(ResourceNameIn("articles", context.args()[0]));
    ASSIGN_OR_RETURN(v1::Article a,
                     CallRpc(context, &KbStub::GetArticle, request));
    return PrintArticle(context, a);
  }
};

class ArticleSubmitCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("note", &note_, "what changed");
  }
  absl::Status Run(CommandContext& context) override {
    v1::SubmitForReviewRequest request;
    request.set_name(ResourceNameIn("articles", context.args()[0]));
    request.set_change_note(note_);
    ASSIGN_OR_RETURN(v1::Article a,
                     CallRpc(context, &KbStub::SubmitForReview, request));
    return PrintArticle(context, a);
  }

 private:
  std::string note_;
};

class ArticleReviewCommand : public Command {
 public:
  explicit ArticleReviewCommand(bool approve) : approve_(approve) {}
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("comment", &comment_,
                    approve_ ? "review comment" : "why (required)", !approve_);
    if (approve_) flags.AddBool("major", &major_, "publish as a major version");
  }
  absl::Status Run(CommandContext& context) override {
    v1::ReviewArticleRequest request;
    request.set_name(ResourceNameIn("articles", context.args()[0]));
    request.set_approve(approve_);
    request.set_comment(comment_);
    request.set_major_version(major_);
    ASSIGN_OR_RETURN(v1::Article a,
                     CallRpc(context, &KbStub::ReviewArticle, request));
    return PrintArticle(context, a);
  }

 private:
  const bool approve_;
  std::string comment_;
  bool major_ = false;
};
class ArticleApproveCommand final : public ArticleReviewCommand {
 public:
  ArticleApproveCommand() : ArticleReviewCommand(true) {}
};
class ArticleRejectCommand final : public ArticleReviewCommand {
 public:
  ArticleRejectCommand() : ArticleReviewCommand(false) {}
};

class ArticleArchiveCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("reason", &reason_, "why");
  }
  absl::Status Run(CommandContext& context) override {
    v1::ArchiveArticleRequest request;
    request.set_name(ResourceNameIn("articles", context.args()[0]));
    request.set_reason(reason_);
    ASSIGN_OR_RETURN(v1::Article a,
                     CallRpc(context, &KbStub::ArchiveArticle, request));
    return PrintArticle(context, a);
  }

 private:
  std::string reason_;
};

class ArticleRestoreCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::RestoreArticleRequest request;
    request.set_name(ResourceNameIn("articles", context.args()[0]));
    ASSIGN_OR_RETURN(v1::Article a,
                     CallRpc(context, &KbStub::RestoreArticle, request));
    return PrintArticle(context, a);
  }
};

class ArticleVersionsCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::ListVersionsRequest request;
    request.set_name(ResourceNameIn("articles", context.args()[0]));
    ASSIGN_OR_RETURN(v1::ListVersionsResponse r,
                     CallRpc(context, &KbStub::ListVersions, request));
    if (context.options().json) return PrintJson(context.out(), r);
    Table table({"VERSION", "PUBLISHED", "AUTHOR", "APPROVER", "NOTE"});
    for (const v1::ArticleVersion& v : r.versions()) {
      table.AddRow({VersionLabel(absl::StrCat(v.major(), ".", v.minor())),
                    FormatDisplayTimestamp(v.publish_time()), v.author(),
                    v.approver(), SanitizeCell(v.change_note())});
    }
    table.Print(context.out());
    return absl::OkStatus();
  }
};

class ArticleDiffCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    // ARTICLE FROM TO, or (as before) the two full version names.
    const std::vector<std::string>& args = context.args();
    v1::DiffVersionsRequest request;
    if (args.size() == 3) {
      request.set_from_version(VersionNameOf(args[0], args[1]));
      request.set_to_version(VersionNameOf(args[0], args[2]));
    } else if (absl::StrContains(args[0], "/versions/") &&
               absl::StrContains(args[1], "/versions/")) {
      request.set_from_version(args[0]);
      request.set_to_version(args[1]);
    } else {
      return UsageError(
          "csctl kb article diff: give ARTICLE FROM TO (e.g. articles/… 1.0 "
          "1.1) or two full version names");
    }
    ASSIGN_OR_RETURN(v1::DiffVersionsResponse r,
                     CallRpc(context, &KbStub::DiffVersions, request));
    if (context.options().json) return PrintJson(context.out(), r);
    for (const v1::DiffLine& line : r.lines()) {
      const char* mark = line.op() == v1::DiffLine::OP_INSERT   ? "+ "
                         : line.op() == v1::DiffLine::OP_DELETE ? "- "
                                                                : "  ";
      context.out() << mark << line.text() << "\n";
    }
    return absl::OkStatus();
  }
};

class ArticleRollbackCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::RollbackArticleRequest request;
    request.set_name(ResourceNameIn("articles", context.args()[0]));
    request.set_version(VersionNameOf(context.args()[0], context.args()[1]));
    ASSIGN_OR_RETURN(v1::Article a,
                     CallRpc(context, &KbStub::RollbackArticle, request));
    return PrintArticle(context, a);
  }
};

// ---- kb search, suggest, share, feedback, gaps ------------------------------

class SearchCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("category", &category_, "only this category (and below)");
    flags.AddString("tags", &tags_, "comma-separated tags, all required");
    flags.AddString("language", &language_, "language, e.g. zh-CN");
    flags.AddString("channel", &channel_, "only articles for this channel");
    flags.AddString("customer-type", &customer_type_,
                    "only articles for this customer type");
    flags.AddInt("page-size", &page_size_, "hits per page", 0, 50);
    flags.AddString("page-token", &page_token_, "next_page_token of a search");
  }
  absl::Status Run(CommandContext& context) override {
    v1::SearchRequest request;
    request.set_query(absl::StrJoin(context.args(), " "));
    request.set_category(category_);
    for (std::string& t : SplitList(tags_)) request.add_tags(std::move(t));
    request.set_language(language_);
    request.set_channel(channel_);
    request.set_customer_type(customer_type_);
    request.set_page_size(page_size_);
    request.set_page_token(page_token_);
    ASSIGN_OR_RETURN(v1::SearchResponse r,
                     CallRpc(context, &KbStub::Search, request));
    if (context.options().json) return PrintJson(context.out(), r);
    RETURN_IF_ERROR(PrintHits(context, r.hits()));
    context.out() << r.total_hits() << " hits";
    if (!r.next_page_token().empty()) {
      context.out() << "; next page: --page-token " << r.next_page_token();
    }
    context.out() << "\n";
    return absl::OkStatus();
  }

 private:
  std::string category_, tags_, language_, channel_, customer_type_,
      page_token_;
  int page_size_ = 0;
};

class SuggestCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("subject", &subject_, "ticket subject");
    flags.AddString("description", &description_, "ticket description");
    flags.AddInt("max", &max_, "at most this many articles", 0, 20);
  }
  absl::Status Run(CommandContext& context) override {
    v1::SuggestRequest request;
    request.set_subject(subject_);
    request.set_description(description_);
    request.set_max_results(max_);
    ASSIGN_OR_RETURN(v1::SuggestResponse r,
                     CallRpc(context, &KbStub::Suggest, request));
    if (context.options().json) return PrintJson(context.out(), r);
    return PrintHits(context, r.hits());
  }

 private:
  std::string subject_, description_;
  int max_ = 0;
};

class ShareCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddBool("internal", &internal_, "post as an internal note");
  }
  absl::Status Run(CommandContext& context) override {
    v1::ShareToTicketRequest request;
    request.set_article(ResourceNameIn("articles", context.args()[0]));
    std::string ticket = context.args()[1];
    if (!absl::StrContains(ticket, '/')) ticket = "tickets/" + ticket;
    request.set_ticket(ticket);
    request.set_visibility(internal_ ? v1::SHARE_VISIBILITY_INTERNAL
                                     : v1::SHARE_VISIBILITY_PUBLIC);
    ASSIGN_OR_RETURN(v1::ShareToTicketResponse r,
                     CallRpc(context, &KbStub::ShareToTicket, request));
    if (context.options().json) return PrintJson(context.out(), r);
    context.out() << "reply " << r.reply_id() << " (V" << r.version() << ")\n\n"
                  << r.rendered_text() << "\n";
    return absl::OkStatus();
  }

 private:
  bool internal_ = false;
};

class FeedbackCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddBool("helpful", &helpful_, "the article helped");
    flags.AddBool("not-helpful", &not_helpful_, "the article did not help");
    flags.AddString("comment", &comment_, "optional comment");
  }
  absl::Status Run(CommandContext& context) override {
    if (helpful_ == not_helpful_) {
      return UsageError("give exactly one of --helpful, --not-helpful");
    }
    v1::SubmitFeedbackRequest request;
    request.set_article(ResourceNameIn("articles", context.args()[0]));
    request.set_helpful(helpful_);
    request.set_comment(comment_);
    ASSIGN_OR_RETURN(v1::ArticleFeedback r,
                     CallRpc(context, &KbStub::SubmitFeedback, request));
    if (context.options().json) return PrintJson(context.out(), r);
    context.out() << "recorded for " << r.article() << " V" << r.version()
                  << "\n";
    return absl::OkStatus();
  }

 private:
  bool helpful_ = false, not_helpful_ = false;
  std::string comment_;
};

class GapsCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddInt("limit", &limit_, "at most this many gaps", 0, 200);
  }
  absl::Status Run(CommandContext& context) override {
    v1::ListGapsRequest request;
    request.set_page_size(limit_);
    ASSIGN_OR_RETURN(v1::ListGapsResponse r,
                     CallRpc(context, &KbStub::ListGaps, request));
    if (context.options().json) return PrintJson(context.out(), r);
    Table table({"QUERY", "SEARCHES", "REPORTS", "LAST SEEN"});
    for (const v1::Gap& g : r.gaps()) {
      table.AddRow({SanitizeCell(g.query()), absl::StrCat(g.search_count()),
                    absl::StrCat(g.report_count()),
                    FormatDisplayTimestamp(g.last_seen())});
    }
    table.Print(context.out());
    return absl::OkStatus();
  }

 private:
  int limit_ = 0;
};

class ReportMissingCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("ticket", &ticket_, "tickets/{id} where it was missing");
    flags.AddString("comment", &comment_, "what the customer asked");
  }
  absl::Status Run(CommandContext& context) override {
    v1::ReportMissingAnswerRequest request;
    request.set_query(absl::StrJoin(context.args(), " "));
    request.set_ticket(ticket_);
    request.set_comment(comment_);
    ASSIGN_OR_RETURN(v1::Gap g,
                     CallRpc(context, &KbStub::ReportMissingAnswer, request));
    if (context.options().json) return PrintJson(context.out(), g);
    context.out() << "reported \"" << g.query() << "\" (" << g.report_count()
                  << " reports, " << g.search_count() << " empty searches)\n";
    return absl::OkStatus();
  }

 private:
  std::string ticket_, comment_;
};

class StaleCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    ASSIGN_OR_RETURN(v1::ListStaleArticlesResponse r,
                     CallRpc(context, &KbStub::ListStaleArticles,
                            v1::ListStaleArticlesRequest()));
    if (context.options().json) return PrintJson(context.out(), r);
    Table table({"ARTICLE", "VERSION", "REVIEW BY", "TITLE"});
    for (const v1::Article& a : r.articles()) {
      table.AddRow({a.name(), VersionLabel(a.published_version()),
                    FormatDisplayTimestamp(a.review_by()),
                    SanitizeCell(a.content().title())});
    }
    table.Print(context.out());
    return absl::OkStatus();
  }
};

}  // namespace

void RegisterKbCommands(CommandRegistry& registry) {
  const PositionalArgs one{"ARTICLE", 1, 1};
  registry.Add<CategoryCreateCommand>({"kb", "category", "create"},
                                      "create a category",
                                      {"DISPLAY_NAME", 1, 1});
  registry.Add<CategoryListCommand>({"kb", "category", "list"},
                                    "list the category tree");
  registry.Add<CategoryRenameCommand>({"kb", "category", "rename"},
                                      "rename a category",
                                      {"CATEGORY DISPLAY_NAME", 2, 2});
  registry.Add<CategoryDeleteCommand>({"kb", "category", "delete"},
                                      "delete an empty category",
                                      {"CATEGORY", 1, 1});
  registry.Add<ArticleCreateCommand>({"kb", "article", "create"},
                                     "create a draft article");
  registry.Add<ArticleGetCommand>({"kb", "article", "get"}, "show an article",
                                  one);
  registry.Add<ArticleSubmitCommand>({"kb", "article", "submit"},
                                     "submit a draft for review", one);
  registry.Add<ArticleApproveCommand>({"kb", "article", "approve"},
                                      "approve and publish", one);
  registry.Add<ArticleRejectCommand>({"kb", "article", "reject"},
                                     "reject back to draft", one);
  registry.Add<ArticleArchiveCommand>({"kb", "article", "archive"},
                                      "archive (removes from search)", one);
  registry.Add<ArticleRestoreCommand>(
      {"kb", "article", "restore"},
      "archived → draft (searchable again once republished)", one);
  registry.Add<ArticleUpdateCommand>(
      {"kb", "article", "update"},
      "edit the working copy (a published article returns to draft)", one);
  registry.Add<ArticleListCommand>({"kb", "article", "list"},
                                   "list articles (editors: every state)");
  registry.Add<ArticleConfirmCommand>(
      {"kb", "article", "confirm"},
      "mark a published article as checked (review_by moves on)", one);
  registry.Add<ArticleVersionsCommand>({"kb", "article", "versions"},
                                       "list published versions", one);
  registry.Add<ArticleDiffCommand>({"kb", "article", "diff"},
                                   "line diff of two versions",
                                   {"ARTICLE FROM TO", 2, 3});
  registry.Add<ArticleRollbackCommand>({"kb", "article", "rollback"},
                                       "republish an old version",
                                       {"ARTICLE VERSION", 2, 2});
  registry.Add<SearchCommand>({"kb", "search"}, "search published articles",
                              {"QUERY", 1, 20});
  registry.Add<SuggestCommand>({"kb", "suggest"},
                               "best articles for a ticket's text");
  registry.Add<ShareCommand>({"kb", "share"}, "post an article to a ticket",
                             {"ARTICLE TICKET", 2, 2});
  registry.Add<FeedbackCommand>({"kb", "feedback"}, "rate an article", one);
  registry.Add<GapsCommand>({"kb", "gaps"}, "most frequent unanswered queries");
  registry.Add<ReportMissingCommand>(
      {"kb", "report-missing"}, "report a missing answer", {"QUERY", 1, 20});
  registry.Add<StaleCommand>({"kb", "stale"},
                             "published articles past their review date");
}

}  // namespace cs::csctl
