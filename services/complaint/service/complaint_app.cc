#include "services/complaint/service/complaint_app.h"

#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cs/complaint/v1/events.pb.h"
#include "libs/common/errors.h"
#include "libs/common/ids.h"
#include "libs/common/page_token.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "libs/store/idempotency.h"
#include "services/complaint/domain/audit.h"
#include "services/complaint/domain/knowledge_case.h"
#include "services/complaint/domain/pii_view.h"

namespace cs::complaint {
namespace {

namespace rv1 = cs::routing::v1;

constexpr absl::string_view kFileScope = "complaints.file";

common::v1::Grade GradeOf(const v1::Complaint& c) {
  return c.severity() == v1::SEVERITY_SERIOUS ? common::v1::GRADE_A
                                              : common::v1::GRADE_B;
}

v1::PendingCommand StartClock(const v1::Complaint& c, rv1::ClockKind kind,
                              absl::Time at, const std::string& reason) {
  v1::PendingCommand command;
  rv1::StartClockRequest* req = command.mutable_start_clock();
  req->set_subject(c.name());
  req->set_kind(kind);
  req->set_grade(GradeOf(c));
  req->set_department(c.department());
  req->set_assignee(c.officer());
  *req->mutable_start_time() = ToProtoTime(at);
  req->set_reason(reason);
  return command;
}

v1::PendingCommand FulfilClock(const v1::Complaint& c, rv1::ClockKind kind,
                               const std::string& reason) {
  v1::PendingCommand command;
  rv1::UpdateClockRequest* req = command.mutable_update_clock();
  req->set_subject(c.name());
  req->set_kind(kind);
  req->set_transition(rv1::CLOCK_TRANSITION_FULFIL);
  req->set_reason(reason);
  return command;
}

template <typename T>
T* AddEvent(std::vector<std::unique_ptr<google::protobuf::Message>>& events) {
  auto event = std::make_unique<T>();
  T* raw = event.get();
  events.push_back(std::move(event));
  return raw;
}

const v1::Round& Current(const v1::Complaint& c) {
  return *c.rounds().rbegin();
}

void AddCounts(const std::map<std::string, int64_t>& counts,
               google::protobuf::RepeatedPtrField<v1::Count>* out) {
  for (const auto& [key, count] : counts) {
    v1::Count* c = out->Add();
    c->set_key(key);
    c->set_count(count);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<ComplaintApp>> ComplaintApp::Create(
    Store& store, Outbox& outbox, Clock& clock, ApprovalLimits limits,
    Options options) {
  ASSIGN_OR_RETURN(std::unique_ptr<ComplaintStore> complaints,
                   ComplaintStore::Open(store));
  return std::unique_ptr<ComplaintApp>(
      new ComplaintApp(store, outbox, clock, std::move(limits),
                       std::move(options), std::move(complaints)));
}

ComplaintApp::ComplaintApp(Store& store, Outbox& outbox, Clock& clock,
                           ApprovalLimits limits, Options options,
                           std::unique_ptr<ComplaintStore> complaints)
    : store_base_(store),
      outbox_(outbox),
      clock_(clock),
      limits_(std::move(limits)),
      options_(std::move(options)),
      store_(std::move(complaints)) {
  if (options_.deliver) {
    sender_ = std::make_unique<CommandSender>(
        store_base_, store_->commands(),
        [this](const v1::PendingCommand& command) {
          if (command.has_publish_case()) {
            return DeliverPublishCase(command.publish_case());
          }
          return options_.deliver(command);
        },
        options_.sender);
  }
}

ComplaintApp::~ComplaintApp() { Stop(); }

void ComplaintApp::Start() {
  if (sender_) sender_->Start();
}

void ComplaintApp::Stop() {
  if (sender_) sender_->Stop();
}

bool ComplaintApp::WaitCommandsIdle(absl::Duration timeout) const {
  return sender_ == nullptr || sender_->WaitIdle(timeout);
}

absl::StatusOr<std::vector<v1::PendingCommand>> ComplaintApp::PendingCommands()
    const {
  std::vector<v1::PendingCommand> out;
  RETURN_IF_ERROR(store_base_.Scan(
      store_->commands(), "", "", 0,
      [&](absl::string_view, absl::string_view value) {
        v1::PendingCommand command;
        if (command.ParseFromArray(value.data(),
                                   static_cast<int>(value.size()))) {
          out.push_back(std::move(command));
        }
        return true;
      }));
  return out;
}

void ComplaintApp::Stage(WriteSet& writes, const std::string& id,
                         v1::Complaint& record, Effects& effects) {
  std::string first_command;  // the smallest key written (sequences grow)
  for (const v1::PendingCommand& command : effects.commands) {
    const int64_t sequence = record.command_sequence() + 1;
    record.set_command_sequence(sequence);
    std::string key = store_->PutCommand(writes, id, sequence, command);
    if (first_command.empty()) first_command = std::move(key);
  }
  store_->Put(writes, id, record);
  for (const auto& event : effects.events) {
    outbox_.Append(writes, record.name(), *event);
  }
  if (sender_ && !effects.commands.empty()) {
    CommandSender* sender = sender_.get();
    writes.OnCommit([sender, first_command](bool ok) {
      if (ok) sender->WakeFor(first_command);
    });
  }
}

absl::StatusOr<v1::Complaint> ComplaintApp::Mutate(
    const std::string& name, const Mutation& mutate,
    const auth::Principal* reader) {
  ASSIGN_OR_RETURN(std::string id, ParseComplaintName(name));
  absl::MutexLock lock(&stripes_.For(id));
  ASSIGN_OR_RETURN(std::optional<v1::Complaint> record, store_->Get(id));
  if (!record) {
    return absl::NotFoundError(absl::StrCat("complaint ", name, " not found"));
  }
  Effects effects;
  RETURN_IF_ERROR(mutate(*record, effects));
  WriteSet writes;
  Stage(writes, id, *record, effects);
  if (reader != nullptr) {
    RETURN_IF_ERROR(StageAudit(writes, *reader,
                               common::v1::AUDIT_ACTION_WRITE_COMPLAINT_CLEAR,
                               {record->name()}));
  }
  RETURN_IF_ERROR(store_base_.Commit(writes));
  return *std::move(record);
}

absl::Status ComplaintApp::StageAudit(
    WriteSet& writes, const auth::Principal& caller, AuditAction action,
    const std::vector<std::string>& resources) {
  if (!MayReadPii(caller) || resources.empty()) return absl::OkStatus();
  return store_->audit()
      .Stage(writes, MakeAuditRecord({caller.subject, caller.roles.Names(),
                                      caller.department},
                                     action, resources, "", clock_.Now()))
      .status();
}

absl::Status ComplaintApp::CommitAudit(
    const auth::Principal& caller, AuditAction action,
    const std::vector<std::string>& resources) {
  WriteSet writes;
  RETURN_IF_ERROR(StageAudit(writes, caller, action, resources));
  if (writes.empty()) return absl::OkStatus();
  return store_base_.Commit(writes);
}

v1::Complaint ComplaintApp::ViewFor(const auth::Principal& caller,
                                    v1::Complaint record) const {
  if (!MayReadPii(caller)) MaskPersonalData(record);
  return record;
}

absl::StatusOr<v1::Complaint> ComplaintApp::MutateFor(
    const auth::Principal& caller, const std::string& name,
    const Mutation& mutate) {
  ASSIGN_OR_RETURN(v1::Complaint record, Mutate(name, mutate, &caller));
  return ViewFor(caller, std::move(record));
}

absl::StatusOr<v1::Complaint> ComplaintApp::File(const auth::Principal& caller,
                                                 const v1::FileRequest& req) {
  RETURN_IF_ERROR(ValidateFile(req));
  RETURN_IF_ERROR(options_.departments.Check("complaint.department",
                                             req.complaint().department()));
  absl::MutexLock lock(&request_stripes_.For(req.request_id()));
  const std::string fingerprint = RequestFingerprint(req);
  ASSIGN_OR_RETURN(std::optional<std::string> previous,
                   FindIdempotentResult(store_base_, kFileScope,
                                        req.request_id(), fingerprint));
  if (previous) {
    ASSIGN_OR_RETURN(std::optional<v1::Complaint> existing,
                     store_->Get(*previous));
    if (existing) {
      RETURN_IF_ERROR(
          CommitAudit(caller, common::v1::AUDIT_ACTION_WRITE_COMPLAINT_CLEAR,
                      {existing->name()}));
      return ViewFor(caller, *std::move(existing));
    }
    return absl::InternalError("idempotency record names a missing complaint");
  }
  const absl::Time now = clock_.Now();
  const std::string id = NewUlid(now);
  v1::Complaint record = NewComplaint(req, id, caller.subject, now);
  Effects effects;
  effects.commands.push_back(
      StartClock(record, rv1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE, now, "filed"));
  if (record.severity() == v1::SEVERITY_SERIOUS) {
    v1::PendingCommand escalate;
    auto* r = escalate.mutable_request_escalation();
    r->set_subject(record.name());
    r->set_severity("serious");
    r->set_reason("serious complaint filed");
    r->set_department(record.department());
    effects.commands.push_back(std::move(escalate));
    record.set_escalated(true);
  }
  auto* filed = AddEvent<v1::ComplaintFiled>(effects.events);
  filed->set_complaint(record.name());
  filed->set_channel(record.channel());
  filed->set_severity(record.severity());
  filed->set_department(record.department());
  filed->set_ticket(record.ticket());
  WriteSet writes;
  Stage(writes, id, record, effects);
  RecordIdempotentResult(store_base_, writes, kFileScope, req.request_id(), id,
                         fingerprint);
  RETURN_IF_ERROR(StageAudit(writes, caller,
                             common::v1::AUDIT_ACTION_WRITE_COMPLAINT_CLEAR,
                             {record.name()}));
  RETURN_IF_ERROR(store_base_.Commit(writes));
  return ViewFor(caller, std::move(record));
}

absl::StatusOr<v1::Complaint> ComplaintApp::Get(const auth::Principal& caller,
                                                const v1::GetRequest& req) {
  ASSIGN_OR_RETURN(std::string id, ParseComplaintName(req.name()));
  ASSIGN_OR_RETURN(std::optional<v1::Complaint> record, store_->Get(id));
  if (!record) {
    return absl::NotFoundError(
        absl::StrCat("complaint ", req.name(), " not found"));
  }
  RETURN_IF_ERROR(CommitAudit(
      caller, common::v1::AUDIT_ACTION_READ_COMPLAINT_CLEAR, {record->name()}));
  return ViewFor(caller, *std::move(record));
}

absl::StatusOr<v1::ListResponse> ComplaintApp::List(
    const auth::Principal& caller, const v1::ListRequest& req) {
  RETURN_IF_ERROR(ValidateList(req));
  v1::ListRequest filter = req;
  filter.clear_page_size();
  filter.clear_page_token();
  const uint64_t fingerprint = QueryFingerprint("complaints", filter);
  ASSIGN_OR_RETURN(std::string after,
                   DecodePageToken(req.page_token(), fingerprint));
  ASSIGN_OR_RETURN(const int32_t size, CheckedPageSize(req.page_size()));
  v1::ListResponse response;
  std::string last;
  bool more = false;
  // Bounded scan per page: at most 20 pages' worth of records examined.
  int64_t examined = 0;
  const int64_t budget = static_cast<int64_t>(size) * 20;
  RETURN_IF_ERROR(store_->Scan(
      after, [&](const std::string& id, const v1::Complaint& record) {
        if (response.complaints_size() >= size || examined >= budget) {
          more = true;
          return false;
        }
        ++examined;
        last = id;
        if (Matches(record, req)) {
          *response.add_complaints() = ViewFor(caller, record);
        }
        return true;
      }));
  std::vector<std::string> shown;
  for (const v1::Complaint& c : response.complaints()) shown.push_back(c.name());
  RETURN_IF_ERROR(CommitAudit(
      caller, common::v1::AUDIT_ACTION_LIST_COMPLAINTS_CLEAR, shown));
  if (more) response.set_next_page_token(EncodePageToken(last, fingerprint));
  return response;
}

absl::StatusOr<v1::Complaint> ComplaintApp::Acknowledge(
    const auth::Principal& caller, const v1::AcknowledgeRequest& req) {
  RETURN_IF_ERROR(options_.departments.Check("department", req.department()));
  return MutateFor(
      caller, req.name(), [&](v1::Complaint& c, Effects& e) -> absl::Status {
        const absl::Time now = clock_.Now();
        RETURN_IF_ERROR(ApplyAcknowledge(c, req, caller, now));
        e.commands.push_back(FulfilClock(
            c, rv1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE, "acknowledged"));
        e.commands.push_back(StartClock(c, rv1::CLOCK_KIND_COMPLAINT_SOLUTION,
                                        now, "acknowledged"));
        e.commands.push_back(StartClock(c, rv1::CLOCK_KIND_COMPLAINT_CLOSE, now,
                                        "acknowledged"));
        auto* event = AddEvent<v1::ComplaintAcknowledged>(e.events);
        event->set_complaint(c.name());
        event->set_officer(c.officer());
        event->set_department(c.department());
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Complaint> ComplaintApp::StartInvestigation(
    const auth::Principal& caller, const v1::StartInvestigationRequest& req) {
  return MutateFor(
      caller, req.name(), [&](v1::Complaint& c, Effects& e) -> absl::Status {
        const absl::Time now = clock_.Now();
        RETURN_IF_ERROR(ApplyStartInvestigation(c, req, now));
        e.commands.push_back(
            StartClock(c, rv1::CLOCK_KIND_COMPLAINT_INVESTIGATION_REPORT, now,
                       "investigating"));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Complaint> ComplaintApp::ProposeSolution(
    const auth::Principal& caller, const v1::ProposeSolutionRequest& req) {
  return MutateFor(
      caller, req.name(), [&](v1::Complaint& c, Effects& e) -> absl::Status {
        RETURN_IF_ERROR(
            ApplyProposeSolution(c, req, caller, limits_, clock_.Now()));
        // Every round has its own solution clock (a rejection starts the next).
        e.commands.push_back(FulfilClock(c, rv1::CLOCK_KIND_COMPLAINT_SOLUTION,
                                         "solution proposed"));
        if (c.rounds_size() == 1) {
          e.commands.push_back(
              FulfilClock(c, rv1::CLOCK_KIND_COMPLAINT_INVESTIGATION_REPORT,
                          "solution proposed"));
        }
        const v1::Round& round = Current(c);
        bool pending = false;
        for (const v1::Remedy& r : round.remedies()) {
          pending |= r.approval_state() == v1::APPROVAL_STATE_PENDING;
        }
        auto* event = AddEvent<v1::ComplaintSolutionProposed>(e.events);
        event->set_complaint(c.name());
        event->set_round(round.number());
        event->set_remedies(round.remedies_size());
        event->set_approval_pending(pending);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Complaint> ComplaintApp::RecordCustomerDecision(
    const auth::Principal& caller,
    const v1::RecordCustomerDecisionRequest& req) {
  return MutateFor(
      caller, req.name(), [&](v1::Complaint& c, Effects& e) -> absl::Status {
        const int32_t round = Current(c).number();
        const absl::Time now = clock_.Now();
        RETURN_IF_ERROR(ApplyCustomerDecision(c, req, now));
        if (req.decision() == v1::CUSTOMER_DECISION_REJECTED) {
          // The rejected round's solution clock was fulfilled when its solution
          // was proposed; the new round gets a fresh one (routing-sla starts a
          // new clock once the earlier one of the kind is no longer open).
          e.commands.push_back(StartClock(
              c, rv1::CLOCK_KIND_COMPLAINT_SOLUTION, now,
              absl::StrCat("round ", round + 1, " after rejection")));
          auto* event = AddEvent<v1::ComplaintRejected>(e.events);
          event->set_complaint(c.name());
          event->set_round(round);
          event->set_new_round(Current(c).number());
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Complaint> ComplaintApp::ApproveRemedy(
    const auth::Principal& caller, const v1::ApproveRemedyRequest& req) {
  return MutateFor(
      caller, req.name(), [&](v1::Complaint& c, Effects& e) -> absl::Status {
        ASSIGN_OR_RETURN(
            v1::Remedy remedy,
            ApplyApproveRemedy(c, req, caller, limits_, clock_.Now()));
        auto* event = AddEvent<v1::RemedyApproved>(e.events);
        event->set_complaint(c.name());
        event->set_round(Current(c).number());
        event->set_kind(remedy.kind());
        *event->mutable_amount() = remedy.amount();
        event->set_approver_role(remedy.approval().role());
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Complaint> ComplaintApp::Resolve(
    const auth::Principal& caller, const v1::ResolveRequest& req) {
  return MutateFor(
      caller, req.name(), [&](v1::Complaint& c, Effects& e) -> absl::Status {
        const absl::Time now = clock_.Now();
        RETURN_IF_ERROR(ApplyResolve(c, now));
        e.commands.push_back(
            StartClock(c, rv1::CLOCK_KIND_COMPLAINT_REVISIT, now, "resolved"));
        auto* event = AddEvent<v1::ComplaintResolved>(e.events);
        event->set_complaint(c.name());
        event->set_rounds(c.rounds_size());
        event->set_cause(c.cause());
        event->set_department(c.department());
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Complaint> ComplaintApp::RecordRevisit(
    const auth::Principal& caller, const v1::RecordRevisitRequest& req) {
  return MutateFor(
      caller, req.name(), [&](v1::Complaint& c, Effects& e) -> absl::Status {
        const int32_t round = Current(c).number();
        const absl::Time now = clock_.Now();
        RETURN_IF_ERROR(ApplyRevisit(c, req, now));
        e.commands.push_back(
            FulfilClock(c, rv1::CLOCK_KIND_COMPLAINT_REVISIT, "revisited"));
        if (req.not_solved()) {
          // As after a rejection: the new round gets a fresh solution clock.
          e.commands.push_back(StartClock(
              c, rv1::CLOCK_KIND_COMPLAINT_SOLUTION, now,
              absl::StrCat("round ", round + 1, " after unsolved revisit")));
          auto* event = AddEvent<v1::ComplaintReopened>(e.events);
          event->set_complaint(c.name());
          event->set_round(round);
          event->set_new_round(Current(c).number());
          event->set_satisfaction(req.satisfaction());
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Complaint> ComplaintApp::Close(const auth::Principal& caller,
                                                  const v1::CloseRequest& req) {
  return MutateFor(
      caller, req.name(), [&](v1::Complaint& c, Effects& e) -> absl::Status {
        RETURN_IF_ERROR(ApplyClose(c, clock_.Now()));
        e.commands.push_back(
            FulfilClock(c, rv1::CLOCK_KIND_COMPLAINT_CLOSE, "closed"));
        auto* event = AddEvent<v1::ComplaintClosed>(e.events);
        event->set_complaint(c.name());
        event->set_satisfaction(c.revisit_satisfaction());
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Complaint> ComplaintApp::RecordRootCause(
    const auth::Principal& caller, const v1::RecordRootCauseRequest& req) {
  return MutateFor(caller, req.name(), [&](v1::Complaint& c, Effects&) {
    return ApplyRootCause(c, req, caller.subject, clock_.Now());
  });
}

absl::StatusOr<v1::Complaint> ComplaintApp::AddCorrectiveAction(
    const auth::Principal& caller, const v1::AddCorrectiveActionRequest& req) {
  return MutateFor(caller, req.name(), [&](v1::Complaint& c, Effects&) {
    return ApplyAddCorrectiveAction(c, req, clock_.Now());
  });
}

absl::StatusOr<v1::Complaint> ComplaintApp::CompleteCorrectiveAction(
    const auth::Principal& caller,
    const v1::CompleteCorrectiveActionRequest& req) {
  return MutateFor(caller, req.name(), [&](v1::Complaint& c, Effects&) {
    return ApplyCompleteCorrectiveAction(c, req, clock_.Now());
  });
}

absl::StatusOr<v1::Complaint> ComplaintApp::PublishToKnowledgeBase(
    const auth::Principal& caller,
    const v1::PublishToKnowledgeBaseRequest& req) {
  return MutateFor(caller, req.name(), [&](v1::Complaint& c, Effects& e) {
    RETURN_IF_ERROR(CheckPublishable(c));
    // Requested once; the command creates the article once (its request_id).
    if (c.has_kb_publish_time()) return absl::OkStatus();
    *c.mutable_kb_publish_time() = ToProtoTime(clock_.Now());
    v1::PendingCommand command;
    *command.mutable_publish_case() = BuildPublishCase(c);
    e.commands.push_back(std::move(command));
    return absl::OkStatus();
  });
}

absl::Status ComplaintApp::DeliverPublishCase(const v1::PublishCase& command) {
  if (!options_.publish) {
    return absl::UnavailableError("no knowledge-base publisher configured");
  }
  absl::StatusOr<std::string> article = options_.publish(command);
  const bool final_error =
      !article.ok() && IsFinalCommandError(article.status());
  if (!article.ok() && !final_error) return article.status();
  // Record the article, or forget the request after a final error so that
  // PublishToKnowledgeBase can be called again.
  absl::StatusOr<v1::Complaint> recorded = Mutate(
      command.complaint(),
      [&](v1::Complaint& c, Effects&) {
        if (final_error) {
          if (c.kb_article().empty()) c.clear_kb_publish_time();
        } else if (c.kb_article().empty()) {
          c.set_kb_article(*article);
        }
        return absl::OkStatus();
      },
      /*reader=*/nullptr);
  if (!recorded.ok()) return recorded.status();
  return article.status();
}

absl::StatusOr<v1::Statistics> ComplaintApp::GetStatistics(
    const auth::Principal&, const v1::GetStatisticsRequest& req) {
  if (req.has_start_time() && !IsValidProtoTime(req.start_time())) {
    return InvalidField("start_time", "is not a valid time");
  }
  if (req.has_end_time() && !IsValidProtoTime(req.end_time())) {
    return InvalidField("end_time", "is not a valid time");
  }
  const absl::Time start = req.has_start_time()
                               ? FromProtoTime(req.start_time())
                               : absl::InfinitePast();
  const absl::Time end = req.has_end_time() ? FromProtoTime(req.end_time())
                                            : absl::InfiniteFuture();
  if (end < start) return InvalidField("end_time", "is before start_time");
  std::map<std::string, int64_t> cause, department, classification, stage;
  v1::Statistics stats;
  // Reads only the complaints filed in the period (the id range of it).
  RETURN_IF_ERROR(store_->ScanFiled(
      start, end, [&](const std::string&, const v1::Complaint& c) {
        stats.set_total(stats.total() + 1);
        ++cause[v1::CauseCategory_Name(c.cause())];
        ++department[c.department().empty() ? "(none)" : c.department()];
        ++classification[v1::Classification_Name(c.classification())];
        ++stage[v1::ComplaintStage_Name(c.stage())];
        return true;
      }));
  AddCounts(cause, stats.mutable_by_cause());
  AddCounts(department, stats.mutable_by_department());
  AddCounts(classification, stats.mutable_by_classification());
  AddCounts(stage, stats.mutable_by_stage());
  return stats;
}

absl::StatusOr<ListAuditRecordsResponse> ComplaintApp::ListAuditRecords(
    const auth::Principal& caller, const ListAuditRecordsRequest& req) {
  // Bounded scan per page, as List.
  ASSIGN_OR_RETURN(
      ListAuditRecordsResponse page,
      store_->audit().List(
          req, static_cast<size_t>(EffectivePageSize(req.page_size())) * 20));
  if (!MayReadPii(caller)) MaskAuditText(page);
  return page;
}

}  // namespace cs::complaint
