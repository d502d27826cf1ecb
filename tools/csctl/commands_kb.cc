// kb …: the knowledge-base service (cs.kb.v1.KnowledgeBaseService, default
// port 50053: pass --addr 127.0.0.1:50053 or set CSCTL_ADDR).
//
//   csctl --addr 127.0.0.1:50053 kb category create 手机类
//   csctl --addr 127.0.0.1:50053 kb category create 信号问题 --parent
//   categories/… csctl --addr 127.0.0.1:50053 kb category list csctl --addr
//   127.0.0.1:50053 kb category rename categories/… 移动终端
//   csctl --addr 127.0.0.1:50053 kb category delete categories/…
//   csctl --addr 127.0.0.1:50053 kb article create --title 手机信号弱怎么办
//         --body-file steps.md --markdown --category categories/… --tags 信号
//         [--channels PHONE,ONLINE_CHAT] [--customer-types VIP]
//   csctl --addr 127.0.0.1:50053 kb article restore articles/…
//   csctl --addr 127.0.0.1:50053 kb article submit articles/… --note 初稿
//   csctl --addr 127.0.0.1:50053 kb article approve articles/… [--major]
//   csctl --addr 127.0.0.1:50053 kb article reject articles/… --comment 请补充
//   csctl --addr 127.0.0.1:50053 kb article get|archive|versions articles/…
//   csctl --addr 127.0.0.1:50053 kb article diff articles/…/versions/1.0
//   articles/…/versions/1.1 csctl --addr 127.0.0.1:50053 kb article rollback
//   articles/… articles/…/versions/1.0 csctl --addr 127.0.0.1:50053 kb search
//   手机信号弱 [--category …] [--tags a,b] csctl --addr 127.0.0.1:50053 kb
//   suggest --subject … --description … csctl --addr 127.0.0.1:50053 kb share
//   articles/… tickets/… [--internal] csctl --addr 127.0.0.1:50053 kb feedback
//   articles/… --helpful|--not-helpful csctl --addr 127.0.0.1:50053 kb gaps |
//   kb stale | kb report-missing 查询
//
// Articles are named "articles/{id}" or just the id.
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
#include "tools/csctl/rpc.h"
#include "tools/csctl/table.h"

namespace cs::csctl {
namespace {

namespace v1 = ::cs::kb::v1;
using KbStub = v1::KnowledgeBaseService::Stub;

std::string ArticleArg(absl::string_view arg) {
  if (absl::StrContains(arg, '/')) return std::string(arg);
  return absl::StrCat("articles/", arg);
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view part :
       absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    out.emplace_back(absl::StripAsciiWhitespace(part));
  }
  return out;
}

std::string When(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  return FormatDisplayTime(FromTimestamp(ts));
}

std::string StateName(v1::ArticleState state) {
  const std::string& full = v1::ArticleState_Name(state);
  absl::string_view name = full;
  absl::ConsumePrefix(&name, "ARTICLE_STATE_");
  return std::string(name);
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
       {"language", a.content().language()},
       {"version", a.published_version()},
       {"owner", a.owner()},
       {"review_by", When(a.review_by())},
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
    table.AddRow({h.article(), h.version(), absl::StrFormat("%.2f", h.score()),
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

class ArticleCreateCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("title", &title_, "title", ConfigParser::kRequired);
    flags.AddString("body", &body_, "body text (or --body-file)");
    flags.AddString("body-file", &body_file_, "read the body from this file");
    flags.AddBool("markdown", &markdown_, "the body is Markdown");
    flags.AddString("category", &category_, "categories/{id}",
                    ConfigParser::kRequired);
    flags.AddString("tags", &tags_, "comma-separated tags");
    flags.AddString("language", &language_, "language (default zh-CN)");
    flags.AddString("channels", &channels_,
                    "comma-separated channels it applies to (default all)");
    flags.AddString("customer-types", &customer_types_,
                    "comma-separated customer types (default all)");
    flags.AddString("request-id", &request_id_, "idempotency key");
  }
  absl::Status Run(CommandContext& context) override {
    v1::CreateArticleRequest request;
    v1::ArticleContent* c = request.mutable_content();
    c->set_title(title_);
    if (!body_file_.empty()) {
      ASSIGN_OR_RETURN(body_, ReadFileToString(body_file_));
    }
    c->set_body(body_);
    c->set_format(markdown_ ? v1::BODY_FORMAT_MARKDOWN
                            : v1::BODY_FORMAT_PLAIN_TEXT);
    c->set_category(category_);
    for (std::string& t : SplitList(tags_)) c->add_tags(std::move(t));
    c->set_language(language_);
    for (std::string& v : SplitList(channels_)) c->add_channels(std::move(v));
    for (std::string& v : SplitList(customer_types_)) {
      c->add_customer_types(std::move(v));
    }
    request.set_request_id(request_id_);
    ASSIGN_OR_RETURN(v1::Article a,
                     CallRpc(context, &KbStub::CreateArticle, request));
    return PrintArticle(context, a);
  }

 private:
  std::string title_, body_, body_file_, category_, tags_, language_,
      channels_, customer_types_, request_id_;
  bool markdown_ = false;
};

class ArticleGetCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::GetArticleRequest request;
    request.set_name(ArticleArg(context.args()[0]));
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
    request.set_name(ArticleArg(context.args()[0]));
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
    request.set_name(ArticleArg(context.args()[0]));
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
    request.set_name(ArticleArg(context.args()[0]));
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
    request.set_name(ArticleArg(context.args()[0]));
    ASSIGN_OR_RETURN(v1::Article a,
                     CallRpc(context, &KbStub::RestoreArticle, request));
    return PrintArticle(context, a);
  }
};

class ArticleVersionsCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::ListVersionsRequest request;
    request.set_name(ArticleArg(context.args()[0]));
    ASSIGN_OR_RETURN(v1::ListVersionsResponse r,
                     CallRpc(context, &KbStub::ListVersions, request));
    if (context.options().json) return PrintJson(context.out(), r);
    Table table({"VERSION", "PUBLISHED", "AUTHOR", "APPROVER", "NOTE"});
    for (const v1::ArticleVersion& v : r.versions()) {
      table.AddRow({absl::StrCat("V", v.major(), ".", v.minor()),
                    When(v.publish_time()), v.author(), v.approver(),
                    SanitizeCell(v.change_note())});
    }
    table.Print(context.out());
    return absl::OkStatus();
  }
};

class ArticleDiffCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::DiffVersionsRequest request;
    request.set_from_version(context.args()[0]);
    request.set_to_version(context.args()[1]);
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
    request.set_name(ArticleArg(context.args()[0]));
    request.set_version(context.args()[1]);
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
    request.set_article(ArticleArg(context.args()[0]));
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
    request.set_article(ArticleArg(context.args()[0]));
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
                    absl::StrCat(g.report_count()), When(g.last_seen())});
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
      table.AddRow({a.name(), a.published_version(), When(a.review_by()),
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
  registry.Add<ArticleVersionsCommand>({"kb", "article", "versions"},
                                       "list published versions", one);
  registry.Add<ArticleDiffCommand>({"kb", "article", "diff"},
                                   "line diff of two versions",
                                   {"FROM_VERSION TO_VERSION", 2, 2});
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
