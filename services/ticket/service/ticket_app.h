// The ticket service's application layer: one method per TicketService RPC,
// taking the authenticated caller and the request and returning the response
// or a canonical status. No gRPC types; the glue (ticket_grpc_service.h) only
// authenticates and forwards.
//
//   ASSIGN_OR_RETURN(auto app, TicketApp::Create(host.store(), host.outbox(),
//                                                host.commits(), host.clock(),
//                                                std::move(table),
//                                                std::move(keyring), {}));
//   ASSIGN_OR_RETURN(v1::Ticket t, app->GetTicket(principal, request));
//
// Sensitive reads are audited: RevealCustomerPii and GetCustomer returning a
// clear name/phone (a read_pii holder) commit an AuditRecord before they
// answer; so do key rotation runs and, at start-up, permission changes.
//
// Every write runs in this order, and nothing is written unless all of it
// succeeds:
//   1. validate the request (INVALID_ARGUMENT naming the field);
//   2. check that the caller could do this to *some* ticket (else
//      PERMISSION_DENIED, before anything is read);
//   3. load (NOT_FOUND) and authorize against the ticket as stored
//      (PERMISSION_DENIED). A caller whose grant is narrower than `any` gets
//      the same PERMISSION_DENIED for a missing ticket as for one outside its
//      scope, so a denied call never reveals whether a ticket exists;
//   4. domain Apply* (ABORTED on a stale etag, FAILED_PRECONDITION for an
//      illegal transition, …);
//   5. one WriteSet with the record, its index changes, the outbox events
//      and the idempotency record, committed atomically (durably with sync).
// Writes answer with the BASIC view of the ticket. A write that resolves a
// ticket also emits ServiceRecordChecked (services/ticket/quality/
// record_completeness.h) and, for the sampled share, SurveyRequested; a write
// that completes a resolved ticket's record emits ServiceRecordChecked.
//
// Locking (all in-process; a store is never shared between processes):
//   * a read-modify-write of one ticket claims its id in `ticket_claims_`
//     from before the read until its writes are applied (visible) — for a
//     write through the commit pipeline that is on the committer thread, so
//     a claim, not a mutex; the next writer then reads the new state;
//   * MergeTickets claims every ticket it changes, in id order, so two
//     merges cannot wait for each other; a single-ticket writer holds one
//     claim and waits for none while holding it;
//   * CreateTicket with a request_id claims that id in `request_claims_`
//     for the check-then-insert of the idempotency record, until the insert
//     is durable (it writes only a new ticket, so it needs no ticket lock);
//   * UpsertCustomer holds the customer's stripe of `customer_locks_`.
// No path holds a customer stripe and a ticket claim together.
//
// Thread-safe.
#ifndef CS_SERVICES_TICKET_SERVICE_TICKET_APP_H_
#define CS_SERVICES_TICKET_SERVICE_TICKET_APP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cs/ticket/v1/ticket.pb.h"
#include "libs/auth/principal.h"
#include "libs/common/clock.h"
#include "libs/common/departments.h"
#include "libs/common/key_claims.h"
#include "libs/common/lock_stripes.h"
#include "libs/common/reply.h"
#include "libs/events/outbox.h"
#include "libs/store/commit_pipeline.h"
#include "libs/store/store.h"
#include "services/ticket/domain/apply.h"
#include "services/ticket/domain/permissions.h"
#include "services/ticket/domain/pii_cipher.h"
#include "services/ticket/store/ticket_repository.h"

namespace cs::ticket {

// The domain's view of an authenticated caller: subject, role wire names,
// department.
Principal ToDomainPrincipal(const auth::Principal& principal);

class TicketApp {
 public:
  struct Options {
    // Partition number printed in ticket numbers (DESIGN §7).
    uint32_t partition = 0;
    // Index entries a List call examines at most per page.
    size_t max_scanned_per_page = kDefaultMaxScannedPerPage;
    // Share (0–1) of resolutions that also emit SurveyRequested, sampled by
    // a hash of the ticket id (quality/follow_up.h SampledForSurvey).
    double survey_share = 0;
    // The departments a create or an assignment may name (--departments-file);
    // open by default.
    DepartmentDirectory departments;
  };
  // RotatePiiKeys page size when the request leaves it 0.
  static constexpr size_t kDefaultRotatePageSize = 100;

  // `store` (opened with TicketColumnFamilies()), `outbox`, `commits` (on
  // `store`) and `clock` must outlive the app. NOT_FOUND when a column family
  // is missing; INVALID_ARGUMENT when the partition is out of range. Records a
  // change of the permission table since the last start in the audit trail
  // (storage errors fail the start).
  static absl::StatusOr<std::unique_ptr<TicketApp>> Create(
      Store& store, Outbox& outbox, CommitPipeline& commits, const Clock& clock,
      PermissionTable permissions, Keyring keyring, Options options);

  // ---- Tickets
  // Answers through `reply`, on the calling thread when the request is
  // refused or replayed, otherwise from the commit pipeline's thread once
  // the new ticket is durable: the calling thread never waits for the disk.
  // The answer is the serialized v1.Ticket (BASIC view), cut from the bytes
  // stored, so a create serialises the ticket once. `received` is the
  // request's wire bytes as they arrived, which `req` was parsed from (the
  // idempotency fingerprint is taken of them; see CreateRequestFingerprint).
  // `req` and `received` are read during the call only.
  void CreateTicket(const auth::Principal& caller,
                    const v1::CreateTicketRequest& req,
                    absl::string_view received, Reply<std::string> reply);
  absl::StatusOr<v1::Ticket> GetTicket(const auth::Principal& caller,
                                       const v1::GetTicketRequest& req);
  // GetTicket's answer as the serialized v1.Ticket, made from the stored
  // bytes without parsing them (the gRPC glue serves it as it is).
  absl::StatusOr<std::string> GetTicketBytes(const auth::Principal& caller,
                                             const v1::GetTicketRequest& req);
  absl::StatusOr<v1::ListTicketsResponse> ListTickets(
      const auth::Principal& caller, const v1::ListTicketsRequest& req);
  // ListTickets' answer as the serialized v1.ListTicketsResponse, assembled
  // from the stored tickets' bytes without parsing them.
  absl::StatusOr<std::string> ListTicketsBytes(
      const auth::Principal& caller, const v1::ListTicketsRequest& req);
  // The single-ticket writes below answer like CreateTicket: once the
  // change is durable, from the commit pipeline's thread (at once when it is
  // refused or changes nothing).
  void UpdateTicket(const auth::Principal& caller,
                    const v1::UpdateTicketRequest& req,
                    Reply<v1::Ticket> reply);
  void AssignTicket(const auth::Principal& caller,
                    const v1::AssignTicketRequest& req,
                    Reply<v1::Ticket> reply);
  void AddReply(const auth::Principal& caller, const v1::AddReplyRequest& req,
                Reply<v1::AddReplyResponse> reply);
  void ChangeStatus(const auth::Principal& caller,
                    const v1::ChangeStatusRequest& req,
                    Reply<v1::Ticket> reply);
  void ResolveTicket(const auth::Principal& caller,
                     const v1::ResolveTicketRequest& req,
                     Reply<v1::Ticket> reply);
  void CloseTicket(const auth::Principal& caller,
                   const v1::CloseTicketRequest& req, Reply<v1::Ticket> reply);
  void ReopenTicket(const auth::Principal& caller,
                    const v1::ReopenTicketRequest& req,
                    Reply<v1::Ticket> reply);
  absl::StatusOr<v1::MergeTicketsResponse> MergeTickets(
      const auth::Principal& caller, const v1::MergeTicketsRequest& req);

  // ---- Customers
  absl::StatusOr<v1::Customer> GetCustomer(const auth::Principal& caller,
                                           const v1::GetCustomerRequest& req);
  absl::StatusOr<v1::Customer> UpsertCustomer(
      const auth::Principal& caller, const v1::UpsertCustomerRequest& req);
  absl::StatusOr<v1::ListCustomerHistoryResponse> ListCustomerHistory(
      const auth::Principal& caller, const v1::ListCustomerHistoryRequest& req);
  // Its answer serialized, as ListTicketsBytes.
  absl::StatusOr<std::string> ListCustomerHistoryBytes(
      const auth::Principal& caller, const v1::ListCustomerHistoryRequest& req);

  // ---- Feedback, PII, audit
  // Answers once the feedback is durable, as the ticket writes above.
  void SubmitFeedback(const auth::Principal& caller,
                      const v1::SubmitFeedbackRequest& req,
                      Reply<v1::Feedback> reply);
  // The audit record is committed (durably) before the value is returned;
  // when that commit fails the call fails and returns no value.
  absl::StatusOr<v1::RevealCustomerPiiResponse> RevealCustomerPii(
      const auth::Principal& caller, const v1::RevealCustomerPiiRequest& req);
  absl::StatusOr<common::v1::ListAuditRecordsResponse> ListAuditRecords(
      const auth::Principal& caller,
      const common::v1::ListAuditRecordsRequest& req);

  // ---- Key rotation (ticket.proto RotatePiiKeys / GetPiiKeyUsage). Each
  // customer is re-encrypted under its lock and committed on its own, so a
  // failed call leaves every customer either rotated or untouched, and the
  // next call (same page_token) carries on.
  absl::StatusOr<v1::RotatePiiKeysResponse> RotatePiiKeys(
      const auth::Principal& caller, const v1::RotatePiiKeysRequest& req);
  absl::StatusOr<v1::GetPiiKeyUsageResponse> GetPiiKeyUsage(
      const auth::Principal& caller, const v1::GetPiiKeyUsageRequest& req);

  // ---- For the quality module (services/ticket/quality), which authorises
  // its own callers. Reopens RESOLVED or CLOSED ticket `id` as `actor` with
  // `reason` (no permission check), adding `extra(writes, current)` — the
  // module's own records and events, placed before the ticket's — to the
  // same commit. NOT_FOUND when absent; ApplyReopen's FAILED_PRECONDITION
  // (open or merged ticket). Answers the BASIC view.
  absl::StatusOr<v1::Ticket> ReopenOnBehalf(
      absl::string_view actor, const std::string& id, const std::string& reason,
      const std::function<void(WriteSet&, const v1::Ticket&)>& extra);

  const PermissionTable& permissions() const { return permissions_; }
  TicketRepository& repository() { return *repo_; }
  // Whether `who` sees free text in clear (read_pii); otherwise answers
  // carry it masked (text_masking.h; quality reviews: MaskReviewText).
  bool SeesClearText(const Principal& who) const;

 private:
  // Which permission a single-ticket write needs, and how to check it once
  // the ticket is loaded (default: Authorize(gate, TargetOf(ticket))).
  struct TicketAccess {
    std::vector<Action> gates;  // the caller must hold one of these
    std::function<absl::Status(const v1::Ticket&)> check;
  };
  using Mutation = std::function<absl::StatusOr<TicketChange>(
      const v1::Ticket& current, absl::Time now)>;

  TicketApp(Store& store, Outbox& outbox, CommitPipeline& commits,
            const Clock& clock, PermissionTable permissions, Keyring keyring,
            Options options, std::unique_ptr<TicketRepository> repo);

  // Steps 2–3 above for ticket `id`.
  absl::Status CheckCouldAct(const Principal& who,
                             const std::vector<Action>& gates) const;
  absl::StatusOr<v1::Ticket> LoadForAccess(const Principal& who,
                                           const std::string& id,
                                           const TicketAccess& access) const;
  // Whether `who` holding one of `gates` may act on the ticket whose
  // permission target (or load error) is `target`. A caller without `any`
  // scope hears PERMISSION_DENIED both for a ticket outside its scope and
  // for one that does not exist.
  absl::Status CheckTicketAccess(const Principal& who,
                                 const std::vector<Action>& gates,
                                 const absl::StatusOr<Target>& target) const;
  // One ticket's change, ready to commit: the ticket after it, its writes
  // (empty when nothing changed) and the claim on the ticket, to be held
  // until the writes are applied.
  struct TicketWrite {
    v1::Ticket ticket;
    WriteSet writes;
    std::shared_ptr<KeyClaims::Claim> claim;
  };
  // Claims ticket `id`, then loads, authorizes and applies `mutate`.
  absl::StatusOr<TicketWrite> PrepareMutation(const Principal& who,
                                              const std::string& id,
                                              const TicketAccess& access,
                                              const Mutation& mutate);
  // Commits `write` through the pipeline, releases its claim once the
  // writes are applied, and answers `reply` with shape(ticket) once they are
  // durable; answers errors (and unchanged tickets) at once.
  // The answer's free text is masked unless `caller` holds read_pii.
  template <typename Response>
  void CommitThenReply(const auth::Principal& caller,
                       absl::StatusOr<TicketWrite> write,
                       Response (*shape)(v1::Ticket), Reply<Response> reply);
  // `ticket` (serialized) as `who` may see it.
  absl::StatusOr<std::string> TextAsSeenBy(const Principal& who,
                                           std::string ticket) const;
  // Adds a change (ticket and its wire bytes, index diff against `before`,
  // events) to `writes`.
  void AddTicketWrites(WriteSet& writes, const v1::Ticket* before,
                       const v1::Ticket& after, absl::string_view after_wire,
                       const std::vector<PendingEvent>& events);
  // The answer of a create replayed by its request_id (as CreateTicket's).
  absl::StatusOr<std::string> ReplayCreate(
      const Principal& who, const v1::CreateRequestRecord& record,
      const v1::CreateTicketRequest& req, absl::string_view received);
  // Everything of a create but the commit: the answer (the serialized
  // ticket, BASIC view) and the writes that insert it.
  struct NewTicket {
    std::string answer;
    WriteSet writes;
  };
  absl::StatusOr<NewTicket> PrepareInsert(const Principal& who,
                                          const v1::CreateTicketRequest& req,
                                          absl::string_view received);
  // Commits `record` durably on its own (assigning a fresh id when it has
  // none) and returns its name.
  absl::StatusOr<std::string> CommitAudit(common::v1::AuditRecord record);
  // At start-up: when the permission table differs from the one recorded
  // last (or none was), writes a PERMISSIONS_CHANGED record listing the
  // added/removed grants, with the new table as the next baseline.
  absl::Status RecordPermissionChanges();
  // One page of tickets (BASIC view, as `who` may see them) as the
  // serialized ListTicketsResponse, which ListCustomerHistoryResponse shares
  // field for field.
  absl::StatusOr<std::string> ListByFilter(const Principal& who,
                                           const v1::TicketFilter& filter,
                                           v1::TicketOrder order,
                                           uint64_t fingerprint,
                                           int32_t page_size,
                                           const std::string& page_token);

  Store& store_;
  Outbox& outbox_;
  const Clock& clock_;
  const PermissionTable permissions_;
  const Keyring keyring_;
  const Options options_;
  std::unique_ptr<TicketRepository> repo_;

  KeyClaims ticket_claims_;
  KeyClaims request_claims_;
  LockStripes customer_locks_;
  CommitPipeline& commits_;
};

}  // namespace cs::ticket

#endif  // CS_SERVICES_TICKET_SERVICE_TICKET_APP_H_
