#include "services/escalation/service/escalation_app.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "cs/routing/v1/routing.pb.h"
#include "libs/common/errors.h"
#include "libs/common/ids.h"
#include "libs/common/log.h"
#include "libs/common/page_token.h"
#include "libs/common/pii_text.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "libs/common/utf8.h"
#include "services/escalation/domain/requests.h"

namespace cs::escalation {
namespace {

constexpr absl::string_view kCasesPrefix = "cases/";
constexpr size_t kMaxTextChars = 500;

std::string CaseName(absl::string_view id) {
  return absl::StrCat(kCasesPrefix, id);
}

// A caller's text as a case keeps it. Cases, their events, notifications
// and webhooks reach roles that may not read personal data, and a case
// needs none: a phone, ID-card or bank-card number or e-mail address in it
// is stored masked; the ticket or complaint keeps the clear value for
// read_pii holders.
std::string CaseText(absl::string_view text) {
  return Utf8Prefix(MaskPiiText(text), kMaxTextChars);
}

const v1::EscalationLevel& CurrentLevel(const v1::EscalationCase& record) {
  const int index =
      std::clamp(record.level(), 1, std::max(1, record.chain_size())) - 1;
  return record.chain(index);
}

int CallerRank(const auth::Principal& caller) {
  int rank = 0;
  for (auth::Role role : caller.roles.ToVector()) {
    rank = std::max(rank, RoleRank(auth::RoleName(role)));
  }
  return rank;
}

std::string GradeLetter(common::v1::Grade grade) {
  switch (grade) {
    case common::v1::GRADE_A:
      return "A";
    case common::v1::GRADE_B:
      return "B";
    case common::v1::GRADE_C:
      return "C";
    default:
      return "-";
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<EscalationApp>> EscalationApp::Create(
    Store& store, Outbox& outbox, Clock& clock, EscalationSettings settings,
    Options options) {
  ASSIGN_OR_RETURN(std::unique_ptr<EscalationStore> esc_store,
                   EscalationStore::Open(store));
  return std::unique_ptr<EscalationApp>(
      new EscalationApp(store, outbox, clock, std::move(settings),
                        std::move(options), std::move(esc_store)));
}

EscalationApp::EscalationApp(Store& store, Outbox& outbox, Clock& clock,
                             EscalationSettings settings, Options options,
                             std::unique_ptr<EscalationStore> esc_store)
    : store_base_(store),
      outbox_(outbox),
      clock_(clock),
      settings_(std::move(settings)),
      options_(std::move(options)),
      store_(std::move(esc_store)) {
  TimerEngine::Options timer_options = options_.timers;
  if (timer_options.name == "timers") timer_options.name = "escalation-timers";
  timers_ = std::make_unique<TimerEngine>(
      store, store_->timers(), clock,
      [this](const Timer& timer, WriteSet& writes) {
        return HandleTimer(timer, writes);
      },
      timer_options);
  if (!options_.routing_events_target.empty()) {
    EventConsumer::Options consumer_options;
    consumer_options.name = std::string(kConsumerName);
    consumer_options.target = options_.routing_events_target;
    consumer_options.channels = options_.channels;
    consumer_options.types = {"SlaWarning", "SlaBreached", "SlaClockFulfilled",
                              "SlaClockStopped"};
    consumer_options.token = options_.token;
    consumer_options.initial_backoff = options_.consumer_initial_backoff;
    consumer_options.on_cursor = options_.on_cursor;
    consumer_options.on_dead_letter = options_.on_dead_letter;
    consumer_ = std::make_unique<EventConsumer>(
        store, std::move(consumer_options),
        [this](const common::v1::Event& event, WriteSet& writes) {
          return HandleRoutingEvent(event, writes);
        });
  }
}

EscalationApp::~EscalationApp() { Stop(); }

absl::Status EscalationApp::Start() {
  absl::MutexLock lifecycle(&lifecycle_mu_);
  if (running_) return absl::OkStatus();
  RETURN_IF_ERROR(timers_->Start());
  if (consumer_ != nullptr) {
    if (absl::Status started = consumer_->Start(); !started.ok()) {
      timers_->Stop();
      return started;
    }
  }
  running_ = true;
  return absl::OkStatus();
}

void EscalationApp::Stop() {
  absl::MutexLock lifecycle(&lifecycle_mu_);
  if (!running_) return;
  if (consumer_ != nullptr) consumer_->Stop();
  timers_->Stop();
  running_ = false;
}

bool EscalationApp::WaitForRoutingEvents(uint64_t sequence,
                                         absl::Duration timeout) const {
  return consumer_ != nullptr && consumer_->WaitForCursor(sequence, timeout);
}

bool EscalationApp::WaitTimersIdle(absl::Duration timeout) const {
  return timers_->WaitIdle(timeout);
}

// ---------------------------------------------------------------------------
// Cases and notifications

void EscalationApp::Notify(WriteSet& writes, v1::Notification notification) {
  v1::EscalationNotified event;
  *event.mutable_notification() = std::move(notification);
  const std::string subject = event.notification().case_name().empty()
                                  ? event.notification().subject()
                                  : event.notification().case_name();
  outbox_.Append(writes, subject, event);
}

void EscalationApp::NotifyLevel(WriteSet& writes,
                                const v1::EscalationCase& record,
                                v1::NotificationKind kind,
                                const std::string& text, absl::Time at) {
  const v1::EscalationLevel& level = CurrentLevel(record);
  v1::Notification base;
  base.set_kind(kind);
  base.set_case_name(record.name());
  base.set_subject(record.subject());
  base.set_clock(record.clock());
  base.set_grade(record.grade());
  base.set_department(record.department());
  base.set_level(record.level());
  base.set_level_title(level.title());
  base.set_text(Utf8Prefix(text, kMaxTextChars));
  *base.mutable_time() = ToProtoTime(at);
  if (record.has_ack_due_time()) {
    *base.mutable_ack_due_time() = record.ack_due_time();
  }
  std::vector<std::string> people(level.people().begin(), level.people().end());
  if (level.notify_assignee() && !record.assignee().empty() &&
      std::find(people.begin(), people.end(), record.assignee()) ==
          people.end()) {
    people.push_back(record.assignee());
  }
  for (const std::string& person : people) {
    v1::Notification n = base;
    n.set_recipient(person);
    Notify(writes, std::move(n));
  }
  if (!level.role().empty()) {
    v1::Notification n = base;
    n.set_role(level.role());
    Notify(writes, std::move(n));
  }
}

absl::StatusOr<v1::EscalationCase> EscalationApp::OpenCase(
    WriteSet& writes, const std::string& dedup_key, bool once,
    const v1::EscalationPolicy& policy, v1::EscalationCase seed,
    absl::Time at) {
  ASSIGN_OR_RETURN(std::optional<std::string> existing_id,
                   store_->CaseFor(dedup_key));
  if (existing_id) {
    ASSIGN_OR_RETURN(std::optional<v1::EscalationCase> existing,
                     store_->GetCase(*existing_id));
    if (existing && (once || existing->state() != v1::CASE_STATE_CLOSED)) {
      return *existing;  // already opened: one case per dedup key
    }
  }
  const absl::Time now = clock_.Now();
  const std::string id = NewUlid(now);
  v1::EscalationCase record = std::move(seed);
  record.set_name(CaseName(id));
  record.set_policy(policy.name());
  *record.mutable_chain() = policy.levels();
  record.set_state(v1::CASE_STATE_OPEN);
  record.set_level(1);
  record.set_dedup_key(dedup_key);
  *record.mutable_open_time() = ToProtoTime(now);
  *record.mutable_level_time() = ToProtoTime(at);
  const absl::Time due = at + FromProtoDuration(record.chain(0).ack_within());
  *record.mutable_ack_due_time() = ToProtoTime(due);
  RETURN_IF_ERROR(timers_->Arm(writes, id, due));
  store_->PutCase(writes, id, record);
  store_->PutDedup(writes, dedup_key, id);
  v1::EscalationOpened opened;
  *opened.mutable_escalation_case() = record;
  outbox_.Append(writes, record.name(), opened);
  NotifyLevel(writes, record, v1::NOTIFICATION_KIND_ESCALATION,
              absl::StrCat("升级 escalation level 1 (", record.chain(0).title(),
                           ") for ", record.subject(), ": ", record.reason()),
              now);
  return record;
}

void EscalationApp::CloseCase(WriteSet& writes, const std::string& id,
                              v1::EscalationCase& record,
                              const std::string& reason, absl::Time at) {
  record.set_state(v1::CASE_STATE_CLOSED);
  *record.mutable_close_time() = ToProtoTime(at);
  record.set_close_reason(Utf8Prefix(reason, kMaxTextChars));
  record.clear_ack_due_time();
  timers_->Cancel(writes, id);
  store_->PutCase(writes, id, record);
  v1::EscalationClosed closed;
  *closed.mutable_escalation_case() = record;
  outbox_.Append(writes, record.name(), closed);
  NotifyLevel(writes, record, v1::NOTIFICATION_KIND_CASE_CLOSED,
              absl::StrCat("closed: ", reason), at);
}

// ---------------------------------------------------------------------------
// Handlers

absl::Status EscalationApp::HandleRoutingEvent(const common::v1::Event& event,
                                               WriteSet& writes) {
  // Held until `writes` is written (or dropped) by the consumer.
  auto lock = std::make_shared<absl::MutexLock>(&state_mu_);
  writes.OnWritten([lock] {});
  return ApplyRoutingEvent(event, writes);
}

absl::Status EscalationApp::ApplyRoutingEvent(const common::v1::Event& event,
                                              WriteSet& writes) {
  const std::string& type = event.type();
  const absl::Time now = clock_.Now();
  if (type == "SlaWarning") {
    routing::v1::SlaWarning warning;
    if (!event.payload().UnpackTo(&warning)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "event ", event.sequence(), ": SlaWarning does not parse"));
    }
    const routing::v1::SlaClock& clock = warning.clock();
    v1::Notification base;
    base.set_kind(v1::NOTIFICATION_KIND_SLA_WARNING);
    base.set_subject(clock.subject());
    base.set_clock(clock.name());
    base.set_grade(clock.grade());
    base.set_department(clock.department());
    base.set_text(absl::StrCat(
        "SLA 预警 warning: ", clock.subject(), " ",
        absl::StripPrefix(routing::v1::ClockKind_Name(clock.kind()),
                          "CLOCK_KIND_"),
        " (grade ", GradeLetter(clock.grade()), ") is due soon"));
    *base.mutable_time() =
        warning.has_due_time() ? warning.due_time() : ToProtoTime(now);
    if (clock.has_due_time()) *base.mutable_ack_due_time() = clock.due_time();
    if (!clock.assignee().empty()) {
      v1::Notification n = base;
      n.set_recipient(clock.assignee());
      Notify(writes, std::move(n));
    }
    v1::Notification n = base;
    n.set_role(settings_.WarningRole());
    Notify(writes, std::move(n));
    return absl::OkStatus();
  }
  if (type == "SlaBreached") {
    routing::v1::SlaBreached breached;
    if (!event.payload().UnpackTo(&breached)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "event ", event.sequence(), ": SlaBreached does not parse"));
    }
    const routing::v1::SlaClock& clock = breached.clock();
    const v1::EscalationPolicy* policy =
        settings_.ForBreach(clock.grade(), clock.kind());
    if (policy == nullptr) {
      Log(LogLevel::kInfo, "escalation",
          absl::StrCat("breach of ", clock.name(), " (grade ",
                       GradeLetter(clock.grade()), "): no policy; no case"));
      return absl::OkStatus();
    }
    v1::EscalationCase seed;
    seed.set_subject(clock.subject());
    seed.set_clock(clock.name());
    seed.set_kind(clock.kind());
    seed.set_grade(clock.grade());
    seed.set_department(clock.department());
    seed.set_assignee(clock.assignee());
    seed.set_reason(absl::StrCat(
        "SLA breached: ",
        absl::StripPrefix(routing::v1::ClockKind_Name(clock.kind()),
                          "CLOCK_KIND_")));
    // The chain starts at the true breach instant (after an outage of
    // routing or of this service, overdue levels follow at once).
    const absl::Time at = breached.has_breach_time()
                              ? FromProtoTime(breached.breach_time())
                              : now;
    return OpenCase(writes, absl::StrCat(clock.name(), "/breach"), true,
                    *policy, std::move(seed), at)
        .status();
  }
  if (type == "SlaClockFulfilled" || type == "SlaClockStopped") {
    routing::v1::SlaClock clock;
    if (type == "SlaClockFulfilled") {
      routing::v1::SlaClockFulfilled fulfilled;
      if (!event.payload().UnpackTo(&fulfilled)) {
        return absl::InvalidArgumentError("SlaClockFulfilled does not parse");
      }
      clock = fulfilled.clock();
    } else {
      routing::v1::SlaClockStopped stopped;
      if (!event.payload().UnpackTo(&stopped)) {
        return absl::InvalidArgumentError("SlaClockStopped does not parse");
      }
      clock = stopped.clock();
    }
    ASSIGN_OR_RETURN(std::optional<std::string> id,
                     store_->CaseFor(absl::StrCat(clock.name(), "/breach")));
    if (!id) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::optional<v1::EscalationCase> record,
                     store_->GetCase(*id));
    if (!record || record->state() == v1::CASE_STATE_CLOSED) {
      return absl::OkStatus();
    }
    CloseCase(writes, *id, *record,
              type == "SlaClockFulfilled" ? "SLA clock fulfilled"
                                          : "SLA clock stopped (ticket closed)",
              now);
    return absl::OkStatus();
  }
  return absl::OkStatus();  // not a type escalation reacts to
}

absl::Status EscalationApp::HandleTimer(const Timer& timer, WriteSet& writes) {
  auto lock = std::make_shared<absl::MutexLock>(&state_mu_);
  writes.OnWritten([lock] {});
  ASSIGN_OR_RETURN(std::optional<v1::EscalationCase> record,
                   store_->GetCase(timer.id));
  if (!record || record->state() != v1::CASE_STATE_OPEN ||
      record->chain_exhausted()) {
    return absl::OkStatus();
  }
  const absl::Time now = clock_.Now();
  if (record->level() >= record->chain_size()) {
    record->set_chain_exhausted(true);
    record->clear_ack_due_time();
    store_->PutCase(writes, timer.id, *record);
    return absl::OkStatus();
  }
  const int previous = record->level();
  record->set_level(previous + 1);
  // The level starts at the TRUE deadline, even when it fires late.
  *record->mutable_level_time() = ToProtoTime(timer.due);
  const absl::Time due =
      timer.due + FromProtoDuration(CurrentLevel(*record).ack_within());
  *record->mutable_ack_due_time() = ToProtoTime(due);
  RETURN_IF_ERROR(timers_->Arm(writes, timer.id, due));
  store_->PutCase(writes, timer.id, *record);
  v1::EscalationLevelRaised raised;
  *raised.mutable_escalation_case() = *record;
  raised.set_previous_level(previous);
  outbox_.Append(writes, record->name(), raised);
  NotifyLevel(
      writes, *record, v1::NOTIFICATION_KIND_ESCALATION,
      absl::StrCat("升级 escalation level ", record->level(), " (",
                   CurrentLevel(*record).title(), ") for ", record->subject(),
                   ": level ", previous, " did not acknowledge in time"),
      now);
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// RPCs

absl::StatusOr<std::pair<std::string, v1::EscalationCase>>
EscalationApp::LoadCase(const std::string& name) const {
  std::optional<std::string> ulid = UlidOfName(name, kCasesPrefix);
  if (!ulid.has_value()) {
    return InvalidField("name", absl::StrCat("must be \"cases/{id}\", got \"",
                                             Utf8Prefix(name, 80), "\""));
  }
  ASSIGN_OR_RETURN(std::optional<v1::EscalationCase> record,
                   store_->GetCase(*ulid));
  if (!record) return absl::NotFoundError(absl::StrCat(name, " not found"));
  return std::make_pair(*std::move(ulid), *std::move(record));
}

absl::Status EscalationApp::CheckActor(const auth::Principal& caller,
                                       const v1::EscalationCase& record) const {
  if (caller.HasRole(auth::Role::kAdmin)) return absl::OkStatus();
  const v1::EscalationLevel& level = CurrentLevel(record);
  for (int i = 0; i < record.level() && i < record.chain_size(); ++i) {
    const v1::EscalationLevel& notified = record.chain(i);
    for (const std::string& person : notified.people()) {
      if (person == caller.subject) return absl::OkStatus();
    }
    if (notified.notify_assignee() && !record.assignee().empty() &&
        record.assignee() == caller.subject) {
      return absl::OkStatus();
    }
  }
  const int needed = RoleRank(level.role());
  const int rank = CallerRank(caller);
  if (needed > 0 && rank >= needed) {
    // Agents and team leads work in one department, as in routing-sla (a
    // lead's agents) and quality (a lead's disputes); supervisors and above
    // are not scoped.
    if (rank < RoleRank(auth::RoleName(auth::Role::kSupervisor)) &&
        (caller.department.empty() ||
         caller.department != record.department())) {
      return WithErrorInfo(
          absl::PermissionDeniedError(absl::StrCat(
              "an agent or team lead may only act on escalation cases of "
              "their own department (",
              caller.department.empty() ? "none" : caller.department, "), not ",
              record.department().empty() ? "a case without a department"
                                          : record.department(),
              " (", record.name(), ")")),
          "DEPARTMENT_SCOPE", {{"department", record.department()}});
    }
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat("only the people notified at level ", record.level(), " (",
                   level.title(), ")",
                   level.role().empty()
                       ? std::string()
                       : absl::StrCat(" or role ", level.role(), " or higher"),
                   " may act on ", record.name()));
}

absl::StatusOr<v1::EscalationCase> EscalationApp::RequestEscalation(
    const auth::Principal& caller, const v1::RequestEscalationRequest& req) {
  RETURN_IF_ERROR(ValidateRequestEscalation(req));
  // A service passes on the department of what it escalates (a complaint),
  // checked where it was written: a department taken out of the file still
  // gets its serious complaints escalated.
  if (!caller.HasRole(auth::Role::kService)) {
    RETURN_IF_ERROR(options_.departments.Check("department", req.department()));
  }
  const v1::EscalationPolicy* policy = settings_.ForSeverity(req.severity());
  if (policy == nullptr) {
    const std::vector<std::string> covered = settings_.Severities();
    return InvalidField(
        "severity",
        absl::StrCat("no escalation policy for \"", req.severity(), "\" (",
                     covered.empty()
                         ? "no policy covers a severity"
                         : absl::StrCat("policies cover: ",
                                        absl::StrJoin(covered, ", ")),
                     ")"));
  }
  v1::EscalationCase seed;
  seed.set_subject(req.subject());
  seed.set_severity(req.severity());
  // Without one, the case is the requester's department's: its team leads
  // may act on it and `cases list --department` finds it.
  seed.set_department(req.department().empty() ? caller.department
                                               : req.department());
  seed.set_reason(absl::StrCat(CaseText(req.reason()), " (requested by ",
                               caller.subject, ")"));
  absl::MutexLock lock(&state_mu_);
  WriteSet writes;
  ASSIGN_OR_RETURN(
      v1::EscalationCase record,
      OpenCase(writes, absl::StrCat(req.subject(), "/request/", req.severity()),
               false, *policy, std::move(seed), clock_.Now()));
  if (!writes.empty()) RETURN_IF_ERROR(store_base_.Commit(writes));
  return record;
}

absl::StatusOr<v1::EscalationCase> EscalationApp::GetCase(
    const auth::Principal& caller, const v1::GetCaseRequest& req) {
  ASSIGN_OR_RETURN(auto loaded, LoadCase(req.name()));
  return std::move(loaded.second);
}

absl::StatusOr<v1::ListCasesResponse> EscalationApp::ListCases(
    const auth::Principal& caller, const v1::ListCasesRequest& req) {
  RETURN_IF_ERROR(ValidateListCases(req));
  v1::ListCasesRequest query = req;
  query.clear_page_size();
  query.clear_page_token();
  const uint64_t fingerprint = QueryFingerprint("escalation-cases", query);
  ASSIGN_OR_RETURN(std::string after,
                   DecodePageToken(req.page_token(), fingerprint));
  ASSIGN_OR_RETURN(const int32_t page_size, CheckedPageSize(req.page_size()));
  v1::ListCasesResponse response;
  std::string last;
  bool more = false;
  auto visit = [&](const std::string& id, const v1::EscalationCase& record) {
    if (req.state() != v1::CASE_STATE_UNSPECIFIED &&
        record.state() != req.state())
      return true;
    if (req.grade() != common::v1::GRADE_UNSPECIFIED &&
        record.grade() != req.grade())
      return true;
    if (req.level() != 0 && record.level() != req.level()) return true;
    if (!req.department().empty() && record.department() != req.department())
      return true;
    if (response.cases_size() >= page_size) {
      more = true;
      return false;
    }
    *response.add_cases() = record;
    last = id;
    return true;
  };
  // Open cases are few and closed ones accumulate: read the index of open
  // cases when only they can match.
  const bool only_open = req.state() == v1::CASE_STATE_OPEN ||
                         req.state() == v1::CASE_STATE_ACKNOWLEDGED;
  RETURN_IF_ERROR(only_open ? store_->ScanOpenCases(after, visit)
                            : store_->ScanCases(after, visit));
  if (more) response.set_next_page_token(EncodePageToken(last, fingerprint));
  return response;
}

absl::StatusOr<v1::EscalationCase> EscalationApp::Acknowledge(
    const auth::Principal& caller, const v1::AcknowledgeRequest& req) {
  absl::MutexLock lock(&state_mu_);
  ASSIGN_OR_RETURN(auto loaded, LoadCase(req.name()));
  auto& [id, record] = loaded;
  if (record.state() == v1::CASE_STATE_CLOSED) {
    return absl::FailedPreconditionError(
        absl::StrCat(req.name(), " is closed"));
  }
  RETURN_IF_ERROR(CheckActor(caller, record));
  if (record.state() == v1::CASE_STATE_ACKNOWLEDGED) {
    // A retry of the same acknowledgement answers the case; a new note
    // would be dropped without a word.
    if (req.note().empty() ||
        CaseText(req.note()) == record.acknowledge_note()) {
      return record;
    }
    return WithErrorInfo(
        absl::FailedPreconditionError(
            absl::StrCat(req.name(), " was already acknowledged by ",
                         record.acknowledged_by(),
                         "; its note stays (resolve it with a note instead)")),
        "ALREADY_ACKNOWLEDGED",
        {{"acknowledged_by", record.acknowledged_by()}});
  }
  const absl::Time now = clock_.Now();
  record.set_state(v1::CASE_STATE_ACKNOWLEDGED);
  record.set_acknowledged_by(caller.subject);
  *record.mutable_acknowledge_time() = ToProtoTime(now);
  record.set_acknowledge_note(CaseText(req.note()));
  record.clear_ack_due_time();
  WriteSet writes;
  timers_->Cancel(writes, id);
  store_->PutCase(writes, id, record);
  v1::EscalationAcknowledged event;
  *event.mutable_escalation_case() = record;
  outbox_.Append(writes, record.name(), event);
  RETURN_IF_ERROR(store_base_.Commit(writes));
  return record;
}

absl::StatusOr<v1::EscalationCase> EscalationApp::Resolve(
    const auth::Principal& caller, const v1::ResolveRequest& req) {
  absl::MutexLock lock(&state_mu_);
  ASSIGN_OR_RETURN(auto loaded, LoadCase(req.name()));
  auto& [id, record] = loaded;
  if (record.state() == v1::CASE_STATE_CLOSED) {
    return absl::FailedPreconditionError(
        absl::StrCat(req.name(), " is already closed"));
  }
  RETURN_IF_ERROR(CheckActor(caller, record));
  WriteSet writes;
  std::string reason = absl::StrCat("resolved by ", caller.subject);
  if (!req.note().empty()) {
    absl::StrAppend(&reason, ": ", CaseText(req.note()));
  }
  CloseCase(writes, id, record, reason, clock_.Now());
  RETURN_IF_ERROR(store_base_.Commit(writes));
  return record;
}

absl::StatusOr<v1::ListPoliciesResponse> EscalationApp::ListPolicies(
    const auth::Principal& caller, const v1::ListPoliciesRequest& req) {
  v1::ListPoliciesResponse response;
  response.set_version(settings_.proto.version());
  *response.mutable_policies() = settings_.proto.policies();
  response.set_warning_role(settings_.WarningRole());
  return response;
}

absl::Status EscalationApp::CheckWatch(
    const auth::Principal& caller,
    const v1::WatchNotificationsRequest& req) const {
  if (req.recipient().empty() == req.role().empty()) {
    return InvalidField("recipient", "set exactly one of recipient and role");
  }
  if (!req.recipient().empty()) {
    if (req.recipient() == caller.subject ||
        caller.HasAnyRole({auth::Role::kSupervisor, auth::Role::kDirector,
                           auth::Role::kAdmin})) {
      return absl::OkStatus();
    }
    return absl::PermissionDeniedError(
        "only supervisors, directors and admins may watch another person's "
        "notifications");
  }
  absl::StatusOr<auth::Role> role = auth::RoleFromName(req.role());
  if (!role.ok()) {
    return InvalidField("role", absl::StrCat("unknown role \"",
                                             Utf8Prefix(req.role(), 40), "\""));
  }
  if (caller.HasRole(*role) || caller.HasRole(auth::Role::kAdmin)) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "role ", req.role(), " required to watch its notifications"));
}

std::optional<v1::Notification> EscalationApp::NotificationFor(
    const v1::WatchNotificationsRequest& req, const common::v1::Event& event) {
  if (event.type() != "EscalationNotified") return std::nullopt;
  v1::EscalationNotified notified;
  if (!event.payload().UnpackTo(&notified)) return std::nullopt;
  const v1::Notification& n = notified.notification();
  const bool match =
      req.recipient().empty()
          ? (!n.role().empty() && n.role() == req.role())
          : (!n.recipient().empty() && n.recipient() == req.recipient());
  if (!match) return std::nullopt;
  v1::Notification out = n;
  out.set_sequence(event.sequence());
  return out;
}

}  // namespace cs::escalation
