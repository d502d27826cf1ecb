#include "services/complaint/domain/complaint_rules.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/common/config_lines.h"
#include "libs/common/errors.h"
#include "libs/common/files.h"
#include "libs/common/ids.h"
#include "libs/common/money.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "libs/common/utf8.h"

namespace cs::complaint {
namespace {

using v1::ComplaintStage;

// Checks a free-text field: valid UTF-8, no control characters (newlines
// allowed when `multiline`), at most `max_chars`; empty fails when
// `required`.
absl::Status CheckText(absl::string_view value, absl::string_view field,
                       size_t max_chars, bool required, bool multiline) {
  if (value.empty()) {
    if (required) return InvalidField(field, "is required");
    return absl::OkStatus();
  }
  if (required && absl::StripAsciiWhitespace(value).empty()) {
    return InvalidField(field, "must not be blank");
  }
  if (!IsValidUtf8(value)) return InvalidField(field, "is not valid UTF-8");
  if (HasControlChars(value, multiline)) {
    return InvalidField(field, "contains control characters");
  }
  if (CharLength(value) > max_chars) {
    return InvalidField(field,
                        absl::StrCat("is longer than ", max_chars, " characters"));
  }
  return absl::OkStatus();
}

absl::Status CheckId(absl::string_view value, absl::string_view field,
                     bool required) {
  RETURN_IF_ERROR(CheckText(value, field, 64, required, false));
  for (char ch : value) {
    if (absl::ascii_isspace(static_cast<unsigned char>(ch))) {
      return InvalidField(field, "must not contain spaces");
    }
  }
  return absl::OkStatus();
}

bool AllDigits(absl::string_view s, size_t min, size_t max) {
  return s.size() >= min && s.size() <= max &&
         std::all_of(s.begin(), s.end(), [](char ch) {
           return absl::ascii_isdigit(static_cast<unsigned char>(ch));
         });
}

// A complaint's ticket in its stored form: "tickets/{ULID}" (the ULID in
// upper case, as issued) or a ticket number "T20261123-0-000042".
// INVALID_ARGUMENT on `field` for anything else: the reference travels in
// ComplaintFiled, which carries ids only.
absl::StatusOr<std::string> CanonicalTicketReference(absl::string_view value,
                                                     absl::string_view field) {
  absl::string_view rest = value;
  if (std::optional<std::string> ulid = UlidOfName(value, "tickets/")) {
    return absl::StrCat("tickets/", *ulid);
  }
  if (absl::ConsumePrefix(&rest, "T")) {
    const std::vector<absl::string_view> parts = absl::StrSplit(rest, '-');
    if (parts.size() == 3 && AllDigits(parts[0], 8, 8) &&
        AllDigits(parts[1], 1, 4) && AllDigits(parts[2], 1, 12)) {
      return std::string(value);
    }
  }
  return InvalidField(field,
                      "must be tickets/{ULID} or a ticket number such as "
                      "T20261123-0-000042");
}

v1::Round& CurrentRound(v1::Complaint& c) { return *c.mutable_rounds()->rbegin(); }

// Moves the current round (and the complaint) to `to`.
absl::Status Move(v1::Complaint& c, ComplaintStage to, absl::Time now) {
  RETURN_IF_ERROR(CheckTransition(c.stage(), to));
  c.set_stage(to);
  if (c.rounds_size() > 0) CurrentRound(c).set_stage(to);
  *c.mutable_update_time() = ToProtoTime(now);
  return absl::OkStatus();
}

// Ends the current round where it stands (REJECTED or REVISITED; it is never
// rewritten) and continues the case in round n+1, INVESTIGATING.
void StartNextRound(v1::Complaint& c, absl::Time now) {
  const int32_t previous = CurrentRound(c).number();
  v1::Round* next = c.add_rounds();
  next->set_number(previous + 1);
  next->set_previous_round(previous);
  next->set_stage(v1::COMPLAINT_STAGE_INVESTIGATING);
  *next->mutable_start_time() = ToProtoTime(now);
  c.set_stage(v1::COMPLAINT_STAGE_INVESTIGATING);
}

bool IsOpen(const v1::Complaint& c) {
  return c.stage() != v1::COMPLAINT_STAGE_CLOSED;
}

}  // namespace

absl::string_view StageName(ComplaintStage stage) {
  switch (stage) {
    case v1::COMPLAINT_STAGE_UNSPECIFIED: return "UNSPECIFIED";
    case v1::COMPLAINT_STAGE_RECEIVED: return "RECEIVED";
    case v1::COMPLAINT_STAGE_ACKNOWLEDGED: return "ACKNOWLEDGED";
    case v1::COMPLAINT_STAGE_INVESTIGATING: return "INVESTIGATING";
    case v1::COMPLAINT_STAGE_SOLUTION_PROPOSED: return "SOLUTION_PROPOSED";
    case v1::COMPLAINT_STAGE_ACCEPTED: return "ACCEPTED";
    case v1::COMPLAINT_STAGE_REJECTED: return "REJECTED";
    case v1::COMPLAINT_STAGE_RESOLVED: return "RESOLVED";
    case v1::COMPLAINT_STAGE_REVISITED: return "REVISITED";
    case v1::COMPLAINT_STAGE_CLOSED: return "CLOSED";
    default: return "UNKNOWN";
  }
}

bool IsTransitionAllowed(ComplaintStage from, ComplaintStage to) {
  switch (from) {
    case v1::COMPLAINT_STAGE_RECEIVED:
      return to == v1::COMPLAINT_STAGE_ACKNOWLEDGED;
    case v1::COMPLAINT_STAGE_ACKNOWLEDGED:
      return to == v1::COMPLAINT_STAGE_INVESTIGATING;
    case v1::COMPLAINT_STAGE_INVESTIGATING:
      return to == v1::COMPLAINT_STAGE_SOLUTION_PROPOSED;
    case v1::COMPLAINT_STAGE_SOLUTION_PROPOSED:
      return to == v1::COMPLAINT_STAGE_ACCEPTED ||
             to == v1::COMPLAINT_STAGE_REJECTED;
    case v1::COMPLAINT_STAGE_REJECTED:  // the next round
      return to == v1::COMPLAINT_STAGE_INVESTIGATING;
    case v1::COMPLAINT_STAGE_ACCEPTED:
      return to == v1::COMPLAINT_STAGE_RESOLVED;
    case v1::COMPLAINT_STAGE_RESOLVED:
      return to == v1::COMPLAINT_STAGE_REVISITED;
    case v1::COMPLAINT_STAGE_REVISITED:  // closed, or not solved: next round
      return to == v1::COMPLAINT_STAGE_CLOSED ||
             to == v1::COMPLAINT_STAGE_INVESTIGATING;
    default:
      return false;
  }
}

absl::Status CheckTransition(ComplaintStage from, ComplaintStage to) {
  if (IsTransitionAllowed(from, to)) return absl::OkStatus();
  return WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat("complaint is ",
                                                 StageName(from),
                                                 "; it cannot become ",
                                                 StageName(to))),
      "ILLEGAL_TRANSITION",
      {{"current", std::string(StageName(from))},
       {"requested", std::string(StageName(to))}});
}

ApprovalLimits ApprovalLimits::Defaults() {
  return ApprovalLimits({{auth::Role::kComplaintOfficer, 50'000},
                         {auth::Role::kSupervisor, 500'000},
                         {auth::Role::kDirector, 5'000'000},
                         {auth::Role::kAdmin, 100'000'000}});
}

int64_t ApprovalLimits::LimitOf(const auth::Principal& caller) const {
  int64_t best = 0;
  for (const auto& [role, limit] : limits_) {
    if (caller.HasRole(role)) best = std::max(best, limit);
  }
  return best;
}

std::string ApprovalLimits::BestRoleOf(const auth::Principal& caller) const {
  std::string role_name;
  int64_t best = -1;
  for (const auto& [role, limit] : limits_) {
    if (caller.HasRole(role) && limit > best) {
      best = limit;
      role_name = std::string(auth::RoleName(role));
    }
  }
  return role_name;
}

absl::StatusOr<ApprovalLimits> ParseApprovalLimits(absl::string_view text,
                                                   absl::string_view origin) {
  std::map<auth::Role, int64_t> limits;
  for (const ConfigLine& config_line : ConfigLines(text)) {
    const absl::string_view line = config_line.text;
    const int line_number = config_line.number;
    std::vector<absl::string_view> parts =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, ":", line_number, ": ", why));
    };
    if (parts.size() != 2) return bad("expected \"<role> <limit in minor units>\"");
    absl::StatusOr<auth::Role> role = auth::RoleFromName(parts[0]);
    if (!role.ok()) return bad(role.status().message());
    int64_t limit = 0;
    if (!absl::SimpleAtoi(parts[1], &limit) || limit < 0 ||
        limit > kMaxAmountMinorUnits) {
      return bad(absl::StrCat("limit \"", parts[1],
                              "\" is not a number in [0, ",
                              kMaxAmountMinorUnits, "]"));
    }
    if (!limits.emplace(*role, limit).second) {
      return bad(absl::StrCat("role ", parts[0], " appears twice"));
    }
  }
  return ApprovalLimits(std::move(limits));
}

absl::StatusOr<ApprovalLimits> LoadApprovalLimitsFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) {
    return absl::NotFoundError(
        absl::StrCat("cannot read ", path, ": ", text.status().message()));
  }
  return ParseApprovalLimits(*text, path);
}

absl::Status ValidateRemedy(const v1::Remedy& remedy, absl::string_view field) {
  if (!v1::RemedyKind_IsValid(remedy.kind()) ||
      remedy.kind() == v1::REMEDY_KIND_UNSPECIFIED) {
    return InvalidField(absl::StrCat(field, ".kind"), "is required");
  }
  const int64_t amount = remedy.amount().minor_units();
  if (remedy.kind() == v1::REMEDY_KIND_APOLOGY && amount != 0) {
    return InvalidField(absl::StrCat(field, ".amount"),
                        "must be empty for an apology (pay money as a "
                        "refund or compensation)");
  }
  if (amount < 0) {
    return InvalidField(absl::StrCat(field, ".amount.minor_units"),
                        "must not be negative");
  }
  if (amount > kMaxAmountMinorUnits) {
    return InvalidField(absl::StrCat(field, ".amount.minor_units"),
                        absl::StrCat("must not exceed ", kMaxAmountMinorUnits));
  }
  // Approval limits are amounts in yuan; a remedy in another currency
  // would be compared with them as if it were yuan.
  if (amount > 0 && remedy.amount().currency_code() != kRemedyCurrency) {
    return InvalidField(
        absl::StrCat(field, ".amount.currency_code"),
        absl::StrCat("must be ", kRemedyCurrency,
                     ": remedies are paid, and approval limits (核决权限) "
                     "set, in yuan"));
  }
  return CheckText(remedy.note(), absl::StrCat(field, ".note"), 500, false,
                   true);
}

absl::Status ValidateFile(const v1::FileRequest& request) {
  RETURN_IF_ERROR(CheckId(request.request_id(), "request_id", true));
  const v1::Complaint& c = request.complaint();
  RETURN_IF_ERROR(CheckId(c.customer_id(), "complaint.customer_id", true));
  if (!c.ticket().empty()) {
    RETURN_IF_ERROR(
        CanonicalTicketReference(c.ticket(), "complaint.ticket").status());
  }
  RETURN_IF_ERROR(CheckId(c.order_id(), "complaint.order_id", false));
  RETURN_IF_ERROR(CheckId(c.product_id(), "complaint.product_id", false));
  if (c.channel() == 0 || !common::v1::Channel_IsValid(c.channel())) {
    return InvalidField("complaint.channel", "is required");
  }
  if (c.severity() == 0 || !v1::Severity_IsValid(c.severity())) {
    return InvalidField("complaint.severity", "is required");
  }
  if (!v1::RemedyKind_IsValid(c.requested_remedy())) {
    return InvalidField("complaint.requested_remedy", "is not a known remedy");
  }
  if (!v1::Classification_IsValid(c.classification())) {
    return InvalidField("complaint.classification", "is not known");
  }
  if (!v1::CauseCategory_IsValid(c.cause())) {
    return InvalidField("complaint.cause", "is not known");
  }
  RETURN_IF_ERROR(
      CheckText(c.description(), "complaint.description", 4000, true, true));
  RETURN_IF_ERROR(CheckText(c.impact(), "complaint.impact", 500, false, true));
  RETURN_IF_ERROR(
      CheckText(c.department(), "complaint.department", 64, false, false));
  RETURN_IF_ERROR(CheckId(c.officer(), "complaint.officer", false));
  if (c.items_size() > 50) {
    return InvalidField("complaint.items", "has more than 50 entries");
  }
  for (int i = 0; i < c.items_size(); ++i) {
    RETURN_IF_ERROR(CheckText(c.items(i), absl::StrCat("complaint.items[", i, "]"),
                              200, true, false));
  }
  if (c.has_occurred_time() && !IsValidProtoTime(c.occurred_time())) {
    return InvalidField("complaint.occurred_time", "is not a valid time");
  }
  return absl::OkStatus();
}

absl::Status ValidateList(const v1::ListRequest& request) {
  if (!v1::ComplaintStage_IsValid(request.stage())) {
    return InvalidField("stage", "is not a known stage");
  }
  if (!v1::CauseCategory_IsValid(request.cause())) {
    return InvalidField("cause", "is not known");
  }
  RETURN_IF_ERROR(
      CheckText(request.department(), "department", 64, false, false));
  RETURN_IF_ERROR(CheckId(request.customer_id(), "customer_id", false));
  return CheckId(request.officer(), "officer", false);
}

absl::StatusOr<std::string> ParseComplaintName(absl::string_view name,
                                               absl::string_view field) {
  // Complaint ids are ULIDs, issued upper case; one typed in lower case
  // names the same complaint. Anything else names no complaint at all.
  absl::string_view id = name;
  std::optional<std::string> ulid;
  if (absl::ConsumePrefix(&id, "complaints/")) ulid = CanonicalUlid(id);
  if (!ulid.has_value()) {
    return InvalidField(field,
                        "must be \"complaints/{id}\" with a 26-character "
                        "ULID id");
  }
  return *std::move(ulid);
}

v1::Complaint NewComplaint(const v1::FileRequest& request,
                           const std::string& id, const std::string& filed_by,
                           absl::Time now) {
  v1::Complaint c;
  const v1::Complaint& in = request.complaint();
  c.set_customer_id(in.customer_id());
  if (!in.ticket().empty()) {
    // Validated by ValidateFile.
    c.set_ticket(CanonicalTicketReference(in.ticket(), "complaint.ticket")
                     .value_or(in.ticket()));
  }
  c.set_order_id(in.order_id());
  c.set_product_id(in.product_id());
  c.set_channel(in.channel());
  if (in.has_occurred_time()) *c.mutable_occurred_time() = in.occurred_time();
  *c.mutable_items() = in.items();
  c.set_description(in.description());
  c.set_requested_remedy(in.requested_remedy());
  c.set_severity(in.severity());
  c.set_impact(in.impact());
  c.set_classification(in.classification());
  c.set_cause(in.cause());
  c.set_department(in.department());
  c.set_officer(in.officer());
  c.set_name(absl::StrCat("complaints/", id));
  c.set_stage(v1::COMPLAINT_STAGE_RECEIVED);
  v1::Round* round = c.add_rounds();
  round->set_number(1);
  round->set_stage(v1::COMPLAINT_STAGE_RECEIVED);
  *round->mutable_start_time() = ToProtoTime(now);
  *c.mutable_create_time() = ToProtoTime(now);
  *c.mutable_update_time() = ToProtoTime(now);
  c.set_filed_by(filed_by);
  return c;
}

absl::Status ApplyAcknowledge(v1::Complaint& c,
                              const v1::AcknowledgeRequest& req,
                              const auth::Principal& caller, absl::Time now) {
  RETURN_IF_ERROR(CheckId(req.officer(), "officer", false));
  RETURN_IF_ERROR(CheckText(req.department(), "department", 64, false, false));
  RETURN_IF_ERROR(Move(c, v1::COMPLAINT_STAGE_ACKNOWLEDGED, now));
  c.set_officer(!req.officer().empty() ? req.officer()
                : !c.officer().empty() ? c.officer()
                                       : caller.subject);
  if (!req.department().empty()) c.set_department(req.department());
  *c.mutable_acknowledge_time() = ToProtoTime(now);
  return absl::OkStatus();
}

absl::Status ApplyStartInvestigation(v1::Complaint& c,
                                     const v1::StartInvestigationRequest& req,
                                     absl::Time now) {
  if (!v1::Classification_IsValid(req.classification())) {
    return InvalidField("classification", "is not known");
  }
  if (!v1::CauseCategory_IsValid(req.cause())) {
    return InvalidField("cause", "is not known");
  }
  // Later rounds start by themselves (rejection, unsolved revisit); only an
  // acknowledged complaint starts its first investigation here.
  if (c.stage() != v1::COMPLAINT_STAGE_ACKNOWLEDGED) {
    RETURN_IF_ERROR(
        CheckTransition(c.stage(), v1::COMPLAINT_STAGE_INVESTIGATING));
    return WithErrorInfo(
        absl::FailedPreconditionError(absl::StrCat(
            "complaint is ", StageName(c.stage()),
            "; its next round starts with the customer's decision or revisit")),
        "ILLEGAL_TRANSITION",
        {{"current", std::string(StageName(c.stage()))},
         {"requested", "INVESTIGATING"}});
  }
  RETURN_IF_ERROR(Move(c, v1::COMPLAINT_STAGE_INVESTIGATING, now));
  if (req.classification() != 0) c.set_classification(req.classification());
  if (req.cause() != 0) c.set_cause(req.cause());
  return absl::OkStatus();
}

namespace {

// What a round's remedies pay in total. Approval limits apply to this sum,
// so that splitting a payment into several remedies needs the same
// approval as paying it at once.
int64_t RoundTotal(
    const google::protobuf::RepeatedPtrField<v1::Remedy>& remedies) {
  int64_t total = 0;  // at most 10 × kMaxAmountMinorUnits: no overflow
  for (const v1::Remedy& remedy : remedies) {
    total += remedy.amount().minor_units();
  }
  return total;
}

}  // namespace

absl::Status ApplyProposeSolution(v1::Complaint& c,
                                  const v1::ProposeSolutionRequest& req,
                                  const auth::Principal& caller,
                                  const ApprovalLimits& limits,
                                  absl::Time now) {
  RETURN_IF_ERROR(CheckText(req.solution(), "solution", 4000, true, true));
  if (req.remedies_size() > 10) {
    return InvalidField("remedies", "has more than 10 entries");
  }
  for (int i = 0; i < req.remedies_size(); ++i) {
    RETURN_IF_ERROR(
        ValidateRemedy(req.remedies(i), absl::StrCat("remedies[", i, "]")));
  }
  RETURN_IF_ERROR(Move(c, v1::COMPLAINT_STAGE_SOLUTION_PROPOSED, now));
  const bool within_limit =
      RoundTotal(req.remedies()) <= limits.LimitOf(caller);
  v1::Round& round = CurrentRound(c);
  round.set_solution(req.solution());
  round.clear_remedies();
  for (const v1::Remedy& in : req.remedies()) {
    v1::Remedy* remedy = round.add_remedies();
    remedy->set_kind(in.kind());
    *remedy->mutable_amount() = in.amount();
    remedy->set_note(in.note());
    remedy->set_approval_state(in.amount().minor_units() > 0 && !within_limit
                                   ? v1::APPROVAL_STATE_PENDING
                                   : v1::APPROVAL_STATE_NOT_REQUIRED);
  }
  round.set_proposed_by(caller.subject);
  *round.mutable_proposed_time() = ToProtoTime(now);
  return absl::OkStatus();
}

absl::Status ApplyCustomerDecision(v1::Complaint& c,
                                   const v1::RecordCustomerDecisionRequest& req,
                                   absl::Time now) {
  if (req.decision() != v1::CUSTOMER_DECISION_ACCEPTED &&
      req.decision() != v1::CUSTOMER_DECISION_REJECTED) {
    return InvalidField("decision", "must be ACCEPTED or REJECTED");
  }
  RETURN_IF_ERROR(CheckText(req.note(), "note", 1000, false, true));
  const bool accepted = req.decision() == v1::CUSTOMER_DECISION_ACCEPTED;
  RETURN_IF_ERROR(Move(c,
                       accepted ? v1::COMPLAINT_STAGE_ACCEPTED
                                : v1::COMPLAINT_STAGE_REJECTED,
                       now));
  v1::Round& round = CurrentRound(c);
  round.set_decision(req.decision());
  round.set_decision_note(req.note());
  *round.mutable_decided_time() = ToProtoTime(now);
  if (!accepted) {
    StartNextRound(c, now);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Remedy> ApplyApproveRemedy(
    v1::Complaint& c, const v1::ApproveRemedyRequest& req,
    const auth::Principal& caller, const ApprovalLimits& limits,
    absl::Time now) {
  v1::Round& round = CurrentRound(c);
  if (req.remedy_index() < 0 || req.remedy_index() >= round.remedies_size()) {
    return InvalidField("remedy_index",
                        absl::StrCat("must name one of the ",
                                     round.remedies_size(),
                                     " remedies of the current round"));
  }
  if (c.stage() != v1::COMPLAINT_STAGE_SOLUTION_PROPOSED &&
      c.stage() != v1::COMPLAINT_STAGE_ACCEPTED) {
    return WithErrorInfo(
        absl::FailedPreconditionError(absl::StrCat(
            "complaint is ", StageName(c.stage()),
            "; remedies are approved while SOLUTION_PROPOSED or ACCEPTED")),
        "ILLEGAL_TRANSITION", {{"current", std::string(StageName(c.stage()))}});
  }
  v1::Remedy& remedy = *round.mutable_remedies(req.remedy_index());
  if (remedy.approval_state() != v1::APPROVAL_STATE_PENDING) {
    return WithErrorInfo(
        absl::FailedPreconditionError("the remedy is not waiting for approval"),
        "REMEDY_NOT_PENDING");
  }
  const int64_t limit = limits.LimitOf(caller);
  const int64_t total = RoundTotal(round.remedies());
  if (total > limit) {
    const std::string& currency = remedy.amount().currency_code();
    return WithErrorInfo(
        absl::PermissionDeniedError(absl::StrCat(
            "the round's remedies total ", FormatMinorUnits(currency, total),
            ", which exceeds the caller's approval limit ",
            FormatMinorUnits(currency, limit))),
        "APPROVAL_LIMIT_EXCEEDED",
        {{"amount", absl::StrCat(total)}, {"limit", absl::StrCat(limit)}});
  }
  remedy.set_approval_state(v1::APPROVAL_STATE_APPROVED);
  v1::Approval* approval = remedy.mutable_approval();
  approval->set_approver(caller.subject);
  approval->set_role(limits.BestRoleOf(caller));
  *approval->mutable_time() = ToProtoTime(now);
  *c.mutable_update_time() = ToProtoTime(now);
  return remedy;
}

absl::Status ApplyResolve(v1::Complaint& c, absl::Time now) {
  RETURN_IF_ERROR(CheckTransition(c.stage(), v1::COMPLAINT_STAGE_RESOLVED));
  for (const v1::Remedy& remedy : CurrentRound(c).remedies()) {
    if (remedy.approval_state() == v1::APPROVAL_STATE_PENDING) {
      return WithErrorInfo(
          absl::FailedPreconditionError(
              "a remedy of the accepted solution still waits for approval"),
          "REMEDY_APPROVAL_PENDING");
    }
  }
  RETURN_IF_ERROR(Move(c, v1::COMPLAINT_STAGE_RESOLVED, now));
  *c.mutable_resolve_time() = ToProtoTime(now);
  return absl::OkStatus();
}

absl::Status ApplyRevisit(v1::Complaint& c, const v1::RecordRevisitRequest& req,
                          absl::Time now) {
  if (req.satisfaction() < 1 || req.satisfaction() > 5) {
    return InvalidField("satisfaction", "must be between 1 and 5");
  }
  RETURN_IF_ERROR(CheckText(req.note(), "note", 1000, false, true));
  RETURN_IF_ERROR(Move(c, v1::COMPLAINT_STAGE_REVISITED, now));
  c.set_revisit_satisfaction(req.satisfaction());
  c.set_revisit_note(req.note());
  if (req.not_solved()) StartNextRound(c, now);
  return absl::OkStatus();
}

absl::Status ApplyClose(v1::Complaint& c, absl::Time now) {
  RETURN_IF_ERROR(Move(c, v1::COMPLAINT_STAGE_CLOSED, now));
  *c.mutable_close_time() = ToProtoTime(now);
  return absl::OkStatus();
}

absl::Status ApplyRootCause(v1::Complaint& c,
                            const v1::RecordRootCauseRequest& req,
                            const std::string& analyst, absl::Time now) {
  if (req.category() == 0 || !v1::FishboneCategory_IsValid(req.category())) {
    return InvalidField("category", "is required");
  }
  RETURN_IF_ERROR(CheckText(req.analysis(), "analysis", 4000, true, true));
  if (!IsOpen(c)) {
    return absl::FailedPreconditionError(
        "complaint is CLOSED: its root cause is recorded before it closes "
        "(corrective actions can still be added)");
  }
  v1::RootCause* rc = c.mutable_root_cause();
  rc->set_category(req.category());
  rc->set_analysis(req.analysis());
  rc->set_analyst(analyst);
  *rc->mutable_time() = ToProtoTime(now);
  *c.mutable_update_time() = ToProtoTime(now);
  return absl::OkStatus();
}

absl::Status ApplyAddCorrectiveAction(v1::Complaint& c,
                                      const v1::AddCorrectiveActionRequest& req,
                                      absl::Time now) {
  RETURN_IF_ERROR(CheckText(req.description(), "description", 1000, true, true));
  RETURN_IF_ERROR(CheckId(req.owner(), "owner", true));
  if (!req.has_due_time() || !IsValidProtoTime(req.due_time())) {
    return InvalidField("due_time", "is required");
  }
  if (FromProtoTime(req.due_time()) <= now) {
    return InvalidField("due_time", "must be in the future");
  }
  if (c.corrective_actions_size() >= 50) {
    return InvalidField("name", "already has 50 corrective actions");
  }
  v1::CorrectiveAction* action = c.add_corrective_actions();
  action->set_number(c.corrective_actions_size());
  action->set_description(req.description());
  action->set_owner(req.owner());
  *action->mutable_due_time() = req.due_time();
  *c.mutable_update_time() = ToProtoTime(now);
  return absl::OkStatus();
}

absl::Status ApplyCompleteCorrectiveAction(
    v1::Complaint& c, const v1::CompleteCorrectiveActionRequest& req,
    absl::Time now) {
  if (req.number() < 1 || req.number() > c.corrective_actions_size()) {
    return InvalidField("number", "names no corrective action");
  }
  v1::CorrectiveAction* action = c.mutable_corrective_actions(req.number() - 1);
  if (action->done()) {
    return absl::FailedPreconditionError("the corrective action is done");
  }
  action->set_done(true);
  *action->mutable_done_time() = ToProtoTime(now);
  *c.mutable_update_time() = ToProtoTime(now);
  return absl::OkStatus();
}

bool Matches(const v1::Complaint& c, const v1::ListRequest& f) {
  if (f.stage() != 0 && c.stage() != f.stage()) return false;
  if (!f.department().empty() && c.department() != f.department()) return false;
  if (f.cause() != 0 && c.cause() != f.cause()) return false;
  if (!f.customer_id().empty() && c.customer_id() != f.customer_id()) {
    return false;
  }
  if (!f.officer().empty() && c.officer() != f.officer()) return false;
  return true;
}

}  // namespace cs::complaint
