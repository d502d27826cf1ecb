// Pure state transitions of the ticket service: each Apply* function takes
// the current stored state and a request that already passed validation.h,
// checks the state-dependent rules (etag, lifecycle, once-only feedback, …),
// and returns the new state plus the events to publish. Nothing here does
// I/O, reads a clock or generates ids: time and ids are parameters, so the
// repository/glue stays a thin "load → Apply → write state + events in one
// WriteBatch" loop and everything here is unit-tested directly.
//
//   RETURN_IF_ERROR(ValidateResolveTicket(request));
//   ASSIGN_OR_RETURN(v1::Ticket current, repo.Load(id));
//   RETURN_IF_ERROR(Authorize(table, principal, Action::kResolveTicket,
//                             TargetOf(current)));
//   ASSIGN_OR_RETURN(TicketChange change,
//                    ApplyResolve(current, request, principal, clock.Now()));
//   if (change.changed) RETURN_IF_ERROR(repo.Commit(change.ticket,
//   change.events));
//
// Every change that is made: bumps update_time to `now`, appends one
// HistoryEntry (actor = principal.subject), recomputes the etag, and emits
// the action's event followed, when the status changed, by
// TicketStatusChanged (see events.proto). A request whose non-empty etag
// differs from the current one fails with ABORTED before anything else
// state-dependent is checked.
//
// Status codes: ABORTED (etag), FAILED_PRECONDITION (lifecycle, with
// ErrorInfo reasons ILLEGAL_TRANSITION, TICKET_CLOSED, TICKET_MERGED,
// TICKET_NOT_RESOLVED, CUSTOMER_MISMATCH), ALREADY_EXISTS (second feedback),
// RESOURCE_EXHAUSTED (reply limit), INVALID_ARGUMENT (immutable field changed,
// full_name missing on customer create), PERMISSION_DENIED / NOT_FOUND /
// DATA_LOSS (RevealCustomerPii).
//
// All functions are pure and thread-safe; inputs are not modified.
#ifndef CS_SERVICES_TICKET_DOMAIN_APPLY_H_
#define CS_SERVICES_TICKET_DOMAIN_APPLY_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cs/ticket/v1/events.pb.h"
#include "cs/ticket/v1/storage.pb.h"
#include "cs/ticket/v1/ticket.pb.h"
#include "google/protobuf/any.pb.h"
#include "services/ticket/domain/permissions.h"
#include "services/ticket/domain/pii_cipher.h"

namespace cs::ticket {

inline constexpr int kMaxRepliesPerTicket = 1000;

// An event to append to the outbox in the same write as the state change.
// The glue wraps it into cs.common.v1.Event (sequence, event_id,
// occurred_time = the `now` given to Apply*, producer "ticket", partition).
struct PendingEvent {
  std::string type;     // payload message name, e.g. "TicketCreated"
  std::string subject;  // "tickets/{id}"
  google::protobuf::Any payload;
};

// Result of a ticket mutation.
struct TicketChange {
  v1::Ticket ticket;     // the new state (FULL view, as stored)
  bool changed = false;  // false: a no-op; write nothing, answer `ticket`
  std::vector<PendingEvent> events;
  // When changed: `ticket`'s wire bytes, etag included, from the one
  // serialisation that also computed the etag. What the repository stores.
  std::string wire;
};

// Result of MergeTickets.
struct MergeChange {
  v1::Ticket target;
  std::vector<v1::Ticket> sources;  // request order, now CLOSED
  std::vector<PendingEvent> events;
  // Their wire bytes, as TicketChange::wire (`source_wires` parallel to
  // `sources`).
  std::string target_wire;
  std::vector<std::string> source_wires;
};

// Result of UpsertCustomer.
struct CustomerChange {
  v1::StoredCustomer stored;
  bool created = false;
  bool changed = false;
};

// Result of RevealCustomerPii. The glue must persist `audit` durably before it
// returns `value`; if that fails it returns the error and not the value.
struct PiiReveal {
  std::string value;
  common::v1::AuditRecord audit;
};

// ---- Small helpers
// -----------------------------------------------------------

// ABORTED "etag mismatch: …" (ErrorInfo reason "ETAG_MISMATCH") when
// `requested` is non-empty and differs from `current`.
absl::Status CheckEtag(absl::string_view current, absl::string_view requested);

// Etag of a ticket / stored customer: a fingerprint of its content with the
// etag field cleared.
std::string ComputeEtag(const v1::Ticket& ticket);
std::string ComputeEtag(const v1::StoredCustomer& customer);

// The facts published with every event (no personal data).
v1::TicketFacts MakeFacts(const v1::Ticket& ticket);

// Wraps `payload` for the outbox; type is the payload's message name.
PendingEvent MakeEvent(const google::protobuf::Message& payload,
                       absl::string_view subject);

// Permission targets: the ticket as stored, and a ticket about to be created
// by `creator`.
Target TargetOf(const v1::Ticket& ticket);
// TargetOf a serialized ticket, read off the wire without parsing it;
// DATA_LOSS when `ticket` is not well-formed.
absl::StatusOr<Target> TargetOfWire(absl::string_view ticket);
Target CreateTargetOf(const v1::CreateTicketRequest& request,
                      const Principal& creator);

// Idempotency of CreateTicket. The fingerprint covers the request's ticket
// (not the request_id). `received` is the request's wire bytes as they
// arrived, `request` what they parse into; the fingerprint is the SHA-256 of
// the ticket's bytes in `received` (no second serialisation), or, when
// `received` does not hold the ticket exactly once, of the ticket's
// deterministic serialisation. For a request serialised by protobuf the two
// are equal. CheckCreateReplay returns OK when `request` is a retry of the
// call recorded in `record` (answer with the ticket it created): its ticket
// arrived as the same bytes, or serialises deterministically to the same
// bytes (which also matches records made before fingerprints were taken of
// the received bytes). INVALID_ARGUMENT on "request_id" when the id was used
// for another request.
std::string CreateRequestFingerprint(const v1::CreateTicketRequest& request,
                                     absl::string_view received);
absl::Status CheckCreateReplay(const v1::CreateRequestRecord& record,
                               const v1::CreateTicketRequest& request,
                               absl::string_view received);
v1::CreateRequestRecord MakeCreateRequestRecord(
    const v1::CreateTicketRequest& request, absl::string_view received,
    absl::string_view ticket_id, absl::Time now);

// ---- Tickets
// -------------------------------------------------------------------

// A new ticket in status NEW with the given id (ULID) and number (see
// ticket_number.h). `customer` is the stored record of
// request.ticket.customer_id: its masked name and contact are snapshotted
// (no key is needed: the record keeps them masked), and its type/region are
// used when the request leaves them unset. INTERNAL when `customer` is not
// that customer (a caller bug). Emits TicketCreated.
absl::StatusOr<TicketChange> ApplyCreate(const v1::CreateTicketRequest& request,
                                         const v1::StoredCustomer& customer,
                                         absl::string_view id,
                                         absl::string_view number,
                                         const Principal& actor,
                                         absl::Time now);

// Applies `paths` (from ValidateUpdateTicket) of request.ticket. CLOSED
// tickets: FAILED_PRECONDITION TICKET_CLOSED. An IMMUTABLE path with a
// different value: INVALID_ARGUMENT on "ticket.<path>". No value changed:
// changed = false. Emits TicketUpdated.
absl::StatusOr<TicketChange> ApplyUpdate(const v1::Ticket& current,
                                         const v1::UpdateTicketRequest& request,
                                         const std::vector<std::string>& paths,
                                         const Principal& actor,
                                         absl::Time now);

// Sets department, assignee and (when given) grade; status per
// StatusAfterAssignment. Same department, assignee and grade: changed =
// false. Emits TicketAssigned (+ TicketStatusChanged).
absl::StatusOr<TicketChange> ApplyAssign(const v1::Ticket& current,
                                         const v1::AssignTicketRequest& request,
                                         const Principal& actor,
                                         absl::Time now);

// Appends the reply (it is the last element of change.ticket.replies()) with
// id `reply_id`; status per StatusAfterReply; the first public AGENT reply
// sets first_response_time. RESOURCE_EXHAUSTED (TOO_MANY_REPLIES) past
// kMaxRepliesPerTicket. Emits TicketReplied (+ TicketStatusChanged).
absl::StatusOr<TicketChange> ApplyReply(const v1::Ticket& current,
                                        const v1::AddReplyRequest& request,
                                        absl::string_view reply_id,
                                        const Principal& actor, absl::Time now);

// IN_PROGRESS / PENDING_CUSTOMER per the transition table. Emits
// TicketStatusChanged.
absl::StatusOr<TicketChange> ApplyChangeStatus(
    const v1::Ticket& current, const v1::ChangeStatusRequest& request,
    const Principal& actor, absl::Time now);

// → RESOLVED: resolution, resolve_time, service_duration,
// solved_at_first_contact (false once reopened). Emits TicketResolved +
// TicketStatusChanged.
absl::StatusOr<TicketChange> ApplyResolve(
    const v1::Ticket& current, const v1::ResolveTicketRequest& request,
    const Principal& actor, absl::Time now);

// → CLOSED, close_time. Emits TicketClosed + TicketStatusChanged.
absl::StatusOr<TicketChange> ApplyClose(const v1::Ticket& current,
                                        const v1::CloseTicketRequest& request,
                                        const Principal& actor, absl::Time now);

// RESOLVED/CLOSED → REOPENED: reopen_count + 1; resolution, resolve_time,
// close_time, service_duration and solved_at_first_contact are cleared.
// FAILED_PRECONDITION TICKET_MERGED for a ticket closed by a merge. Emits
// TicketReopened + TicketStatusChanged.
absl::StatusOr<TicketChange> ApplyReopen(const v1::Ticket& current,
                                         const v1::ReopenTicketRequest& request,
                                         const Principal& actor,
                                         absl::Time now);

// `sources` are the stored tickets named by request.sources, in that order.
// FAILED_PRECONDITION when the target or a source is CLOSED (TICKET_CLOSED) or
// a source belongs to another customer (CUSTOMER_MISMATCH). Each source is
// CLOSED with merged_into; the target gets merged_from. Emits TicketMerged
// (target) and, per source, TicketClosed + TicketStatusChanged.
absl::StatusOr<MergeChange> ApplyMerge(const v1::Ticket& target,
                                       const std::vector<v1::Ticket>& sources,
                                       const v1::MergeTicketsRequest& request,
                                       const Principal& actor, absl::Time now);

// Records the survey; sets satisfaction = csat. ALREADY_EXISTS when the
// ticket has feedback; FAILED_PRECONDITION TICKET_NOT_RESOLVED unless RESOLVED
// or CLOSED, TICKET_MERGED for a merged ticket. Emits FeedbackSubmitted.
absl::StatusOr<TicketChange> ApplyFeedback(
    const v1::Ticket& current, const v1::SubmitFeedbackRequest& request,
    const Principal& actor, absl::Time now);

// ---- Customers
// -----------------------------------------------------------------

// Creates (`existing` == nullptr) or updates a stored customer with `paths`
// (from ValidateUpsertCustomer). Name, phone (normalized), ID-card and
// bank-card numbers are encrypted with `keyring` (AAD PiiAad(name, field))
// and kept only as ciphertext + masked form (customer_crypto.h); an update
// decrypts the stored name/phone to compare and re-seal them. Update:
// ABORTED on etag mismatch. Create: INVALID_ARGUMENT on "customer.full_name"
// when it is missing. changed = false when nothing differs (a submitted
// id_card/bank_card always counts as a change: stored values are never
// decrypted for comparison).
absl::StatusOr<CustomerChange> ApplyUpsertCustomer(
    const v1::StoredCustomer* existing,
    const v1::UpsertCustomerRequest& request,
    const std::vector<std::string>& paths, const Keyring& keyring,
    absl::Time now);

// The API form of a stored customer: id_card/bank_card empty (only their
// masked forms), full_name and phone masked unless `reveal_contact` (the
// caller holds read_pii: pass IsAllowed(table, principal, Action::kReadPii)),
// in which case they are decrypted with `keyring` (Keyring::Decrypt errors).
// The masked view never decrypts and never fails.
absl::StatusOr<v1::Customer> CustomerView(const v1::StoredCustomer& stored,
                                          bool reveal_contact,
                                          const Keyring& keyring);

// The audited read of one encrypted field: PERMISSION_DENIED unless
// `principal` holds read_pii; NOT_FOUND when the customer has no such value;
// Keyring::Decrypt errors (DATA_LOSS, FAILED_PRECONDITION UNKNOWN_KEY)
// otherwise. On success returns the value and the audit record (id
// `audit_id`, time `now`) that must be stored before answering.
absl::StatusOr<PiiReveal> RevealCustomerPii(
    const PermissionTable& table, const Principal& principal,
    const v1::StoredCustomer& stored,
    const v1::RevealCustomerPiiRequest& request, const Keyring& keyring,
    absl::string_view audit_id, absl::Time now);

}  // namespace cs::ticket

#endif  // CS_SERVICES_TICKET_DOMAIN_APPLY_H_
