// The complaint service's application layer (投诉): one method per RPC of
// cs.complaint.v1.ComplaintService, with no gRPC server types.
//
//   ASSIGN_OR_RETURN(auto app, ComplaintApp::Create(host.store(),
//                        host.outbox(), host.clock(), limits, options));
//   app->Start();   // the command sender
//   ...
//   app->Stop();
//
// Every change commits the complaint, its analytics event and the commands
// it needs (routing-sla clocks on "complaints/{id}", escalation of serious
// complaints) in ONE WriteSet; the CommandSender delivers the commands after
// the commit, outside every lock, with retries. Deadlines:
//   File               start ACKNOWLEDGE (10m); serious → RequestEscalation
//   Acknowledge        fulfil ACKNOWLEDGE; start SOLUTION (24h), CLOSE (6d)
//   StartInvestigation start INVESTIGATION_REPORT (3d)
//   ProposeSolution    fulfil SOLUTION (every round), INVESTIGATION_REPORT
//   RecordCustomerDecision REJECTED: start SOLUTION (24h) for the new round
//   Resolve            start REVISIT (48h)
//   RecordRevisit      fulfil REVISIT
//   Close              fulfil CLOSE
//   PublishToKnowledgeBase  PublishCase → KnowledgeBaseService.CreateArticle
//                      (DRAFT), article name recorded as kb_article
//
// Reads (and every returned complaint) mask personal data in free texts
// unless the caller may read PII (pii_view.h: complaint officers,
// supervisors). Every response that carries complaints in clear first
// commits an AuditRecord (libs/audit): Get → READ_COMPLAINT_CLEAR, one per List
// call naming the complaints of the page → LIST_COMPLAINTS_CLEAR, File and
// the changes → WRITE_COMPLAINT_CLEAR (in the change's own WriteSet). When
// the audit write fails the call fails and returns nothing. Masked
// responses write no record. ListAuditRecords reads the trail.
//
// Permissions: complaint officers, supervisors, directors and admins act on
// complaints; service principals may also File (for channels), Get and List.
// Approvals need a role whose approval limit covers the amount.
//
// Locking: writes to one complaint are serialised by a lock stripe of its id
// (File by a stripe of its request_id). Thread-safe.
#ifndef CS_SERVICES_COMPLAINT_SERVICE_COMPLAINT_APP_H_
#define CS_SERVICES_COMPLAINT_SERVICE_COMPLAINT_APP_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cs/complaint/v1/complaint.pb.h"
#include "cs/complaint/v1/storage.pb.h"
#include "libs/auth/principal.h"
#include "libs/auth/roles.h"
#include "libs/common/clock.h"
#include "libs/common/departments.h"
#include "libs/common/lock_stripes.h"
#include "libs/events/outbox.h"
#include "libs/store/store.h"
#include "services/complaint/domain/complaint_rules.h"
#include "services/complaint/service/command_sender.h"
#include "services/complaint/store/complaint_store.h"

namespace cs::complaint {

class ComplaintApp {
 public:
  struct Options {
    // Delivers a pending command (routing-sla / escalation call); empty
    // keeps commands stored and unsent (unit tests inspect them).
    CommandSender::Deliver deliver;
    // Creates the knowledge-base draft of a closed complaint and returns the
    // article name ("articles/{id}"); called from the sender's thread, with
    // the same error rules as `deliver`. Empty: PublishCase commands wait
    // (UNAVAILABLE) until a publisher is configured.
    std::function<absl::StatusOr<std::string>(const v1::PublishCase&)> publish;
    CommandSender::Options sender;
    // The departments a complaint may be given (--departments-file); open by
    // default.
    DepartmentDirectory departments;
  };

  // Every RPC that acts on complaints.
  static constexpr auth::RoleSet kActors{
      auth::Role::kComplaintOfficer, auth::Role::kSupervisor,
      auth::Role::kDirector, auth::Role::kAdmin};
  // File, Get, List: actors and service principals (channels).
  static constexpr auth::RoleSet kFilers{
      auth::Role::kComplaintOfficer, auth::Role::kSupervisor,
      auth::Role::kDirector, auth::Role::kAdmin, auth::Role::kService};
  // ListAuditRecords: the ticket service's read_audit holders.
  static constexpr auth::RoleSet kAuditReaders{
      auth::Role::kSupervisor, auth::Role::kDirector, auth::Role::kAdmin};
  // GetStatistics: actors and quality assurance.
  static constexpr auth::RoleSet kAnalysts{
      auth::Role::kComplaintOfficer, auth::Role::kSupervisor,
      auth::Role::kDirector, auth::Role::kAdmin, auth::Role::kQa};

  // `store` (opened with ComplaintColumnFamilies()), `outbox`, `clock` must
  // outlive the app. NOT_FOUND when a family is missing.
  static absl::StatusOr<std::unique_ptr<ComplaintApp>> Create(
      Store& store, Outbox& outbox, Clock& clock, ApprovalLimits limits,
      Options options);
  ~ComplaintApp();

  // Starts the command sender (no-op without `deliver`).
  void Start();
  // Stops it. Idempotent.
  void Stop();

  absl::StatusOr<v1::Complaint> File(const auth::Principal& caller,
                                     const v1::FileRequest& req);
  absl::StatusOr<v1::Complaint> Get(const auth::Principal& caller,
                                    const v1::GetRequest& req);
  absl::StatusOr<v1::ListResponse> List(const auth::Principal& caller,
                                        const v1::ListRequest& req);
  absl::StatusOr<v1::Complaint> Acknowledge(const auth::Principal& caller,
                                            const v1::AcknowledgeRequest& req);
  absl::StatusOr<v1::Complaint> StartInvestigation(
      const auth::Principal& caller, const v1::StartInvestigationRequest& req);
  absl::StatusOr<v1::Complaint> ProposeSolution(
      const auth::Principal& caller, const v1::ProposeSolutionRequest& req);
  absl::StatusOr<v1::Complaint> RecordCustomerDecision(
      const auth::Principal& caller,
      const v1::RecordCustomerDecisionRequest& req);
  absl::StatusOr<v1::Complaint> ApproveRemedy(
      const auth::Principal& caller, const v1::ApproveRemedyRequest& req);
  absl::StatusOr<v1::Complaint> Resolve(const auth::Principal& caller,
                                        const v1::ResolveRequest& req);
  absl::StatusOr<v1::Complaint> RecordRevisit(
      const auth::Principal& caller, const v1::RecordRevisitRequest& req);
  absl::StatusOr<v1::Complaint> Close(const auth::Principal& caller,
                                      const v1::CloseRequest& req);
  absl::StatusOr<v1::Complaint> RecordRootCause(
      const auth::Principal& caller, const v1::RecordRootCauseRequest& req);
  absl::StatusOr<v1::Complaint> AddCorrectiveAction(
      const auth::Principal& caller, const v1::AddCorrectiveActionRequest& req);
  absl::StatusOr<v1::Complaint> CompleteCorrectiveAction(
      const auth::Principal& caller,
      const v1::CompleteCorrectiveActionRequest& req);
  // CLOSED only; see knowledge_case.h. Idempotent.
  absl::StatusOr<v1::Complaint> PublishToKnowledgeBase(
      const auth::Principal& caller,
      const v1::PublishToKnowledgeBaseRequest& req);
  absl::StatusOr<v1::Statistics> GetStatistics(
      const auth::Principal& caller, const v1::GetStatisticsRequest& req);
  // Newest first, filtered; signed page tokens.
  absl::StatusOr<ListAuditRecordsResponse> ListAuditRecords(
      const auth::Principal& caller, const ListAuditRecordsRequest& req);

  // ---- For tests.
  // The commands not yet delivered, in order.
  absl::StatusOr<std::vector<v1::PendingCommand>> PendingCommands() const;
  // Waits until the sender has nothing left (real time). True on success.
  bool WaitCommandsIdle(absl::Duration timeout) const;
  const ApprovalLimits& limits() const { return limits_; }

 private:
  // What a change of one complaint adds besides the record.
  struct Effects {
    std::vector<v1::PendingCommand> commands;
    std::vector<std::unique_ptr<google::protobuf::Message>> events;
  };
  using Mutation = std::function<absl::Status(v1::Complaint&, Effects&)>;

  ComplaintApp(Store& store, Outbox& outbox, Clock& clock,
               ApprovalLimits limits, Options options,
               std::unique_ptr<ComplaintStore> complaints);

  // Loads the complaint named `name` under its stripe, applies `mutate`,
  // and commits record + events + commands, and the WRITE_COMPLAINT_CLEAR
  // audit record when `reader` (nullptr: none) sees the result in clear.
  // NOT_FOUND when absent.
  absl::StatusOr<v1::Complaint> Mutate(const std::string& name,
                                       const Mutation& mutate,
                                       const auth::Principal* reader);
  // Mutate, returning what `caller` may see (ViewFor).
  absl::StatusOr<v1::Complaint> MutateFor(const auth::Principal& caller,
                                          const std::string& name,
                                          const Mutation& mutate);
  // Adds to `writes` the audit record of `caller` receiving `resources` in
  // clear; nothing when `caller` gets masked views or `resources` is empty.
  absl::Status StageAudit(WriteSet& writes, const auth::Principal& caller,
                          AuditAction action,
                          const std::vector<std::string>& resources);
  // StageAudit committed on its own.
  absl::Status CommitAudit(const auth::Principal& caller, AuditAction action,
                           const std::vector<std::string>& resources);
  // `record` with its free texts masked unless `caller` may read PII.
  v1::Complaint ViewFor(const auth::Principal& caller,
                        v1::Complaint record) const;
  // Delivers a PublishCase (from the sender's thread) and records the
  // article on the complaint.
  absl::Status DeliverPublishCase(const v1::PublishCase& command);
  // Adds `effects` and `record` to `writes` (command keys from the record's
  // command_sequence, which is advanced).
  void Stage(WriteSet& writes, const std::string& id, v1::Complaint& record,
             Effects& effects);

  Store& store_base_;
  Outbox& outbox_;
  Clock& clock_;
  const ApprovalLimits limits_;
  const Options options_;
  std::unique_ptr<ComplaintStore> store_;
  std::unique_ptr<CommandSender> sender_;
  LockStripes stripes_;
  LockStripes request_stripes_;
};

}  // namespace cs::complaint

#endif  // CS_SERVICES_COMPLAINT_SERVICE_COMPLAINT_APP_H_
