// qa review create|get|list|dispute|amend|confirm, qa queue, followup record:
// the ticket server's QualityService (cs.ticket.v1.QualityService, same port
// as the ticket service, default 50051).
//
//   csctl qa review create 01J… --scores service_language=9,attitude=10,tone=6,
//         understanding=9,adaptability=8,process_compliance=10
//         --comment 语气略生硬 --coaching "参加服务用语培训;复听优秀录音"
//   csctl qa review list --agent agent-007 ; csctl qa review get 01J…
//   csctl qa review dispute 01J… --reason 客户情绪激动，请复听录音
//   csctl qa review amend 01J… --scores … --note 复听后上调语气分
//   csctl qa review confirm 01J… --note 维持原评分
//   csctl qa queue --period 2026-11 [--department 客服部] [--per-agent 3]
//   csctl followup record 01J… --reached --solved=false --satisfaction 2
//
// Reviews are named "qualityReviews/{id}" or just the id; tickets
// "tickets/{id}" or just the id.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cs/ticket/v1/quality.grpc.pb.h"
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
using Stub = v1::QualityService::Stub;

std::string ReviewNameOf(absl::string_view arg) {
  return ResourceNameIn("qualityReviews", arg);
}

std::string StateName(int state) {
  return EnumLabel(v1::ReviewState_descriptor(), state, "REVIEW_STATE_");
}

// "service_language=9,attitude=10" → one ItemScore per pair.
absl::Status ParseScores(
    absl::string_view text,
    google::protobuf::RepeatedPtrField<v1::ItemScore>* out) {
  for (absl::string_view pair : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::vector<absl::string_view> kv = absl::StrSplit(pair, '=');
    int score = 0;
    if (kv.size() != 2 || !absl::SimpleAtoi(kv[1], &score)) {
      return UsageError(
          absl::StrCat("--scores: \"", pair, "\" is not ITEM=SCORE"));
    }
    v1::ItemScore* s = out->Add();
    s->set_item(std::string(kv[0]));
    s->set_score(score);
  }
  return absl::OkStatus();
}

void AddCoaching(absl::string_view text,
                 google::protobuf::RepeatedPtrField<std::string>* out) {
  for (absl::string_view a : absl::StrSplit(text, ';', absl::SkipEmpty())) {
    out->Add(std::string(a));
  }
}

absl::Status PrintReview(CommandContext& context, const v1::QualityReview& r) {
  if (context.options().json) return PrintJson(context.out(), r);
  std::vector<std::pair<std::string, std::string>> rows = {
      {"name", r.name()},
      {"ticket", absl::StrCat(r.ticket(), " (", r.ticket_number(), ")")},
      {"agent", r.agent()},
      {"department", SanitizeCell(r.department())},
      {"reviewer", r.reviewer()},
      {"state", StateName(r.state())},
      {"total", absl::StrCat(r.current().total())},
      {"version", absl::StrCat(r.current().version())}};
  for (const v1::ItemScore& s : r.current().scores()) {
    rows.push_back({absl::StrCat("  ", s.item()),
                    SanitizeCell(absl::StrCat(
                        s.score(), s.note().empty() ? "" : " — ", s.note()))});
  }
  rows.push_back({"comment", SanitizeCell(r.current().comment())});
  for (const std::string& a : r.current().coaching_actions()) {
    rows.push_back({"coaching", SanitizeCell(a)});
  }
  for (const v1::ReviewVersion& v : r.versions()) {
    rows.push_back({absl::StrCat("version ", v.version()),
                    absl::StrCat(v.total(), " by ", v.author(), " at ",
                                 FormatDisplayTimestamp(v.time()))});
  }
  for (const v1::Dispute& d : r.disputes()) {
    rows.push_back(
        {"dispute",
         SanitizeCell(absl::StrCat(
             d.raised_by(), ": ", d.reason(),
             d.resolved_by().empty()
                 ? " [open]"
                 : absl::StrCat(" → ",
                                EnumLabel(v1::DisputeOutcome_descriptor(),
                                          d.outcome(), "DISPUTE_OUTCOME_"),
                                " by ", d.resolved_by(),
                                d.resolution_note().empty() ? "" : ": ",
                                d.resolution_note())))});
  }
  PrintKeyValues(context.out(), rows);
  return absl::OkStatus();
}

class ReviewCreateCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("scores", &scores_, "ITEM=SCORE,… for every scorecard item",
                    ConfigParser::kRequired);
    flags.AddString("comment", &comment_, "overall comment");
    flags.AddString("coaching", &coaching_,
                    "coaching actions separated by ';'");
  }
  absl::Status Run(CommandContext& context) override {
    v1::CreateReviewRequest request;
    request.set_ticket(TicketNameOf(context.args()[0]));
    RETURN_IF_ERROR(ParseScores(scores_, request.mutable_scores()));
    request.set_comment(comment_);
    AddCoaching(coaching_, request.mutable_coaching_actions());
    ASSIGN_OR_RETURN(v1::QualityReview r,
                     CallRpc(context, &Stub::CreateReview, request));
    return PrintReview(context, r);
  }

 private:
  std::string scores_, comment_, coaching_;
};

class ReviewGetCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    v1::GetReviewRequest request;
    request.set_name(ReviewNameOf(context.args()[0]));
    ASSIGN_OR_RETURN(v1::QualityReview r,
                     CallRpc(context, &Stub::GetReview, request));
    return PrintReview(context, r);
  }
};

class ReviewListCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("agent", &agent_, "only this agent (agents: only you)");
    flags.AddString("state", &state_, "reviewed, disputed, confirmed, amended");
    paging_.Define(flags, "reviews");
  }
  absl::Status Run(CommandContext& context) override {
    v1::ListReviewsRequest request;
    request.set_agent(agent_);
    ASSIGN_OR_RETURN(
        int state, ParseEnumFlag(v1::ReviewState_descriptor(), "REVIEW_STATE_",
                                 "state", state_));
    request.set_state(static_cast<v1::ReviewState>(state));
    return ListPages(
        context, &Stub::ListReviews, request, paging_,
        [](const auto& page) -> const auto& { return page.reviews(); },
        Table({"NAME", "TICKET", "AGENT", "TOTAL", "STATE", "REVIEWER",
               "CREATED"}),
        [](Table& table, const v1::QualityReview& r) {
          table.AddRow({r.name(), r.ticket_number(), r.agent(),
                        absl::StrCat(r.current().total()), StateName(r.state()),
                        r.reviewer(), FormatDisplayTimestamp(r.create_time())});
        });
  }

 private:
  std::string agent_, state_;
  PageFlags paging_;
};

class ReviewDisputeCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("reason", &reason_, "why the score is contested",
                    ConfigParser::kRequired);
  }
  absl::Status Run(CommandContext& context) override {
    v1::DisputeReviewRequest request;
    request.set_name(ReviewNameOf(context.args()[0]));
    request.set_reason(reason_);
    ASSIGN_OR_RETURN(v1::QualityReview r,
                     CallRpc(context, &Stub::DisputeReview, request));
    return PrintReview(context, r);
  }

 private:
  std::string reason_;
};

// `amend` (new scores) or `confirm` (keep them) closes the open dispute.
class ReviewResolveCommand final : public Command {
 public:
  explicit ReviewResolveCommand(bool amend) : amend_(amend) {}
  void DefineFlags(ConfigParser& flags) override {
    if (amend_) {
      flags.AddString("scores", &scores_, "ITEM=SCORE,… for every item",
                      ConfigParser::kRequired);
      flags.AddString("comment", &comment_, "new comment (default: keep)");
      flags.AddString("coaching", &coaching_,
                      "new coaching actions separated by ';' (default: keep)");
    }
    flags.AddString("note", &note_, "the team lead's note");
  }
  absl::Status Run(CommandContext& context) override {
    v1::ResolveDisputeRequest request;
    request.set_name(ReviewNameOf(context.args()[0]));
    request.set_outcome(amend_ ? v1::DISPUTE_OUTCOME_AMENDED
                               : v1::DISPUTE_OUTCOME_CONFIRMED);
    if (amend_) {
      RETURN_IF_ERROR(ParseScores(scores_, request.mutable_scores()));
      request.set_comment(comment_);
      AddCoaching(coaching_, request.mutable_coaching_actions());
    }
    request.set_note(note_);
    ASSIGN_OR_RETURN(v1::QualityReview r,
                     CallRpc(context, &Stub::ResolveDispute, request));
    return PrintReview(context, r);
  }

 private:
  const bool amend_;
  std::string scores_, comment_, coaching_, note_;
};

class QueueCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("period", &period_, "month YYYY-MM",
                    ConfigParser::kRequired);
    flags.AddString("department", &department_, "only this department");
    flags.AddInt("per-agent", &per_agent_,
                 "reviews wanted per agent (default: configured)", 0, 100);
  }
  absl::Status Run(CommandContext& context) override {
    v1::ListInspectionQueueRequest request;
    request.set_period(period_);
    request.set_department(department_);
    request.set_reviews_per_agent(per_agent_);
    ASSIGN_OR_RETURN(v1::ListInspectionQueueResponse response,
                     CallRpc(context, &Stub::ListInspectionQueue, request));
    if (context.options().json) return PrintJson(context.out(), response);
    Table queue({"TICKET", "NUMBER", "AGENT", "PRIORITY", "REASONS", "CSAT",
                 "BREACHED", "COMPLAINTS"});
    auto joined = [](const auto& values) {
      return values.empty() ? std::string("-") : absl::StrJoin(values, ",");
    };
    for (const v1::InspectionCandidate& c : response.candidates()) {
      queue.AddRow({c.ticket(), c.ticket_number(), c.agent(),
                    absl::StrCat(c.priority()), absl::StrJoin(c.reasons(), ","),
                    c.csat() > 0 ? absl::StrCat(c.csat()) : "-",
                    joined(c.breached_clocks()), joined(c.complaints())});
    }
    queue.Print(context.out());
    context.out() << "\n";
    Table coverage({"AGENT", "DEPARTMENT", "HANDLED", "REVIEWS", "REQUIRED",
                    "PROPOSED", "SHORTFALL"});
    for (const v1::AgentCoverage& c : response.coverage()) {
      coverage.AddRow({c.agent(), SanitizeCell(c.department()),
                       absl::StrCat(c.handled_tickets()),
                       absl::StrCat(c.reviews()), absl::StrCat(c.required()),
                       absl::StrCat(c.proposed()),
                       absl::StrCat(c.shortfall())});
    }
    coverage.Print(context.out());
    if (response.truncated()) {
      context.out() << "(only the first tickets of the month were examined)\n";
    }
    return absl::OkStatus();
  }

 private:
  std::string period_, department_;
  int per_agent_ = 0;
};

class FollowUpRecordCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddBool("reached", &reached_, "the customer was reached");
    flags.AddBool("solved", &solved_,
                  "the problem is truly solved (not solved reopens the "
                  "ticket)");
    flags.AddInt("satisfaction", &satisfaction_, "1–5, 0 = not asked", 0, 5);
    flags.AddString("note", &note_, "what the customer said");
  }
  absl::Status Run(CommandContext& context) override {
    v1::RecordFollowUpRequest request;
    request.set_ticket(TicketNameOf(context.args()[0]));
    request.set_reached(reached_);
    request.set_solved(solved_);
    request.set_satisfaction(satisfaction_);
    request.set_note(note_);
    ASSIGN_OR_RETURN(v1::FollowUp f,
                     CallRpc(context, &Stub::RecordFollowUp, request));
    if (context.options().json) return PrintJson(context.out(), f);
    PrintKeyValues(context.out(),
                   {{"name", f.name()},
                    {"ticket", f.ticket()},
                    {"reached", f.reached() ? "yes" : "no"},
                    {"solved", f.solved() ? "yes" : "no"},
                    {"satisfaction", absl::StrCat(f.satisfaction())},
                    {"reopened ticket", f.reopened_ticket() ? "yes" : "no"}});
    return absl::OkStatus();
  }

 private:
  bool reached_ = false, solved_ = false;
  int satisfaction_ = 0;
  std::string note_;
};

}  // namespace

void RegisterQualityCommands(CommandRegistry& registry) {
  registry.Add<ReviewCreateCommand>({"qa", "review", "create"},
                                    "review a handled ticket (qa role)",
                                    {"TICKET", 1, 1});
  registry.Add<ReviewGetCommand>({"qa", "review", "get"}, "one review",
                                 {"REVIEW", 1, 1});
  registry.Add<ReviewListCommand>({"qa", "review", "list"},
                                  "reviews, newest first");
  registry.Add<ReviewDisputeCommand>({"qa", "review", "dispute"},
                                     "contest your review (agent)",
                                     {"REVIEW", 1, 1});
  registry.Add(CommandSpec{
      {"qa", "review", "amend"},
      "resolve a dispute with new scores (team lead)",
      {"REVIEW", 1, 1},
      [] { return std::make_unique<ReviewResolveCommand>(/*amend=*/true); }});
  registry.Add(CommandSpec{
      {"qa", "review", "confirm"},
      "resolve a dispute keeping the scores (team lead)",
      {"REVIEW", 1, 1},
      [] { return std::make_unique<ReviewResolveCommand>(/*amend=*/false); }});
  registry.Add<QueueCommand>({"qa", "queue"},
                             "tickets to inspect this month, and coverage");
  registry.Add<FollowUpRecordCommand>({"followup", "record"},
                                      "record a follow-up visit (回访)",
                                      {"TICKET", 1, 1});
}

}  // namespace cs::csctl
