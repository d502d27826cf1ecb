#include "services/ticket/service/ticket_app.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/ids.h"
#include "libs/common/pii_text.h"
#include "libs/common/proto_wire.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "services/ticket/domain/audit.h"
#include "services/ticket/domain/customer_crypto.h"
#include "services/ticket/domain/query.h"
#include "services/ticket/domain/text_masking.h"
#include "services/ticket/domain/ticket_number.h"
#include "services/ticket/domain/validation.h"
#include "services/ticket/quality/follow_up.h"
#include "services/ticket/quality/record_completeness.h"

namespace cs::ticket {
namespace {

v1::Ticket Basic(v1::Ticket ticket) {
  ApplyView(v1::TICKET_VIEW_BASIC, &ticket);
  return ticket;
}

// The typed answer of a method that answers with serialized bytes (the
// gRPC glue serves those as they are).
template <typename Message>
absl::StatusOr<Message> ParseAnswer(absl::StatusOr<std::string> bytes) {
  if (!bytes.ok()) return bytes.status();
  return ParseStored<Message>(*bytes, Message::descriptor()->name());
}

Scope WidestScope(const PermissionTable& table, const Principal& who,
                  const std::vector<Action>& actions, Action* widest) {
  Scope best = Scope::kNone;
  *widest = actions.front();
  for (Action action : actions) {
    Scope scope = table.BestScope(who, action);
    if (static_cast<int>(scope) > static_cast<int>(best)) {
      best = scope;
      *widest = action;
    }
  }
  if (who.subject.empty()) best = Scope::kNone;
  return best;
}

}  // namespace

Principal ToDomainPrincipal(const auth::Principal& principal) {
  return Principal{principal.subject, principal.roles.Names(),
                   principal.department};
}

absl::StatusOr<std::unique_ptr<TicketApp>> TicketApp::Create(
    Store& store, Outbox& outbox, CommitPipeline& commits, const Clock& clock,
    PermissionTable permissions, Keyring keyring, Options options) {
  if (options.partition > kMaxPartition) {
    return absl::InvalidArgumentError(
        absl::StrCat("partition must be at most ", kMaxPartition));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<TicketRepository> repo,
                   TicketRepository::Open(store));
  std::unique_ptr<TicketApp> app(
      new TicketApp(store, outbox, commits, clock, std::move(permissions),
                    std::move(keyring), options, std::move(repo)));
  RETURN_IF_ERROR(app->RecordPermissionChanges());
  return app;
}

TicketApp::TicketApp(Store& store, Outbox& outbox, CommitPipeline& commits,
                     const Clock& clock, PermissionTable permissions,
                     Keyring keyring, Options options,
                     std::unique_ptr<TicketRepository> repo)
    : store_(store),
      outbox_(outbox),
      clock_(clock),
      permissions_(std::move(permissions)),
      keyring_(std::move(keyring)),
      options_(options),
      repo_(std::move(repo)),
      commits_(commits) {}

// ---- Shared steps ---------------------------------------------------------

absl::Status TicketApp::CheckCouldAct(const Principal& who,
                                      const std::vector<Action>& gates) const {
  Action widest;
  if (WidestScope(permissions_, who, gates, &widest) != Scope::kNone) {
    return absl::OkStatus();
  }
  return Authorize(permissions_, who, widest);
}

absl::Status TicketApp::CheckTicketAccess(
    const Principal& who, const std::vector<Action>& gates,
    const absl::StatusOr<Target>& target) const {
  Action widest;
  const Scope best = WidestScope(permissions_, who, gates, &widest);
  const auto denied = [&]() -> absl::Status {
    absl::Status status = Authorize(permissions_, who, widest, Target{});
    if (status.ok()) status = absl::PermissionDeniedError("permission denied");
    return status;
  };
  if (absl::IsNotFound(target.status())) {
    return best == Scope::kAny ? target.status() : denied();
  }
  if (!target.ok()) return target.status();
  const bool covered = std::any_of(gates.begin(), gates.end(), [&](Action a) {
    return IsAllowed(permissions_, who, a, *target);
  });
  return covered ? absl::OkStatus() : denied();
}

absl::StatusOr<v1::Ticket> TicketApp::LoadForAccess(
    const Principal& who, const std::string& id,
    const TicketAccess& access) const {
  absl::StatusOr<v1::Ticket> ticket = repo_->LoadTicket(id);
  RETURN_IF_ERROR(
      CheckTicketAccess(who, access.gates,
                        ticket.ok() ? absl::StatusOr<Target>(TargetOf(*ticket))
                                    : ticket.status()));
  if (access.check) RETURN_IF_ERROR(access.check(*ticket));
  return ticket;
}

void TicketApp::AddTicketWrites(WriteSet& writes, const v1::Ticket* before,
                                const v1::Ticket& after,
                                absl::string_view after_wire,
                                const std::vector<PendingEvent>& events) {
  repo_->PutTicket(writes, before, after, after_wire);
  bool resolved = false;
  for (const PendingEvent& event : events) {
    outbox_.AppendPacked(writes, event.subject, event.type, event.payload);
    if (event.type != "TicketResolved") continue;
    resolved = true;
    if (quality::SampledForSurvey(after.id(), options_.survey_share)) {
      outbox_.Append(writes, event.subject,
                     quality::SurveyRequestedEvent(after));
    }
  }
  // The service record is checked at every resolution, and again when a
  // later change completes the record of a resolved ticket.
  auto handled = [](const v1::Ticket& t) {
    return t.status() == v1::TICKET_STATUS_RESOLVED ||
           t.status() == v1::TICKET_STATUS_CLOSED;
  };
  const quality::RecordCheck check = quality::CheckServiceRecord(after);
  const bool completed_later = before != nullptr && handled(*before) &&
                               handled(after) && check.complete() &&
                               !quality::CheckServiceRecord(*before).complete();
  if (resolved || completed_later) {
    outbox_.Append(writes, after.name(),
                   quality::ServiceRecordCheckedEvent(after, check));
  }
}

absl::StatusOr<v1::Ticket> TicketApp::ReopenOnBehalf(
    absl::string_view actor, const std::string& id, const std::string& reason,
    const std::function<void(WriteSet&, const v1::Ticket&)>& extra) {
  KeyClaims::Claim claim = ticket_claims_.Acquire(id);
  ASSIGN_OR_RETURN(v1::Ticket current, repo_->LoadTicket(id));
  v1::ReopenTicketRequest request;
  request.set_name(TicketName(id));
  request.set_reason(reason);
  ASSIGN_OR_RETURN(
      TicketChange change,
      ApplyReopen(current, request, Principal{std::string(actor), {}, ""},
                  clock_.Now()));
  WriteSet writes;
  extra(writes, current);
  AddTicketWrites(writes, &current, change.ticket, change.wire, change.events);
  RETURN_IF_ERROR(store_.Commit(writes));
  return Basic(std::move(change.ticket));
}

absl::StatusOr<TicketApp::TicketWrite> TicketApp::PrepareMutation(
    const Principal& who, const std::string& id, const TicketAccess& access,
    const Mutation& mutate) {
  RETURN_IF_ERROR(CheckCouldAct(who, access.gates));
  auto claim = std::make_shared<KeyClaims::Claim>(ticket_claims_.Acquire(id));
  ASSIGN_OR_RETURN(v1::Ticket current, LoadForAccess(who, id, access));
  ASSIGN_OR_RETURN(TicketChange change, mutate(current, clock_.Now()));
  TicketWrite write{std::move(change.ticket), WriteSet(), std::move(claim)};
  if (change.changed) {
    AddTicketWrites(write.writes, &current, write.ticket, change.wire,
                    change.events);
  }
  return write;
}

bool TicketApp::SeesClearText(const Principal& who) const {
  return IsAllowed(permissions_, who, Action::kReadPii);
}

absl::StatusOr<std::string> TicketApp::TextAsSeenBy(const Principal& who,
                                                    std::string ticket) const {
  if (SeesClearText(who)) return ticket;
  return MaskTicketTextInWire(std::move(ticket));
}

template <typename Response>
void TicketApp::CommitThenReply(const auth::Principal& caller,
                                absl::StatusOr<TicketWrite> write,
                                Response (*shape)(v1::Ticket),
                                Reply<Response> reply) {
  if (!write.ok()) return reply(write.status());
  if (!SeesClearText(ToDomainPrincipal(caller))) {
    reply = [reply = std::move(reply)](absl::StatusOr<Response> answer) {
      if (answer.ok()) MaskTicketText(*answer);
      reply(std::move(answer));
    };
  }
  if (write->writes.empty()) {
    write->claim->Release();
    return reply(shape(std::move(write->ticket)));
  }
  // The next writer of this ticket may read it as soon as it is applied.
  std::shared_ptr<KeyClaims::Claim> claim = std::move(write->claim);
  write->writes.OnWritten([claim] { claim->Release(); });
  commits_.Submit(std::move(write->writes), [reply = std::move(reply), shape,
                                             ticket = std::move(write->ticket)](
                                                absl::Status durable) mutable {
    if (!durable.ok()) return reply(durable);
    reply(shape(std::move(ticket)));
  });
}

absl::StatusOr<std::string> TicketApp::ListByFilter(
    const Principal& who, const v1::TicketFilter& filter, v1::TicketOrder order,
    uint64_t fingerprint, int32_t page_size, const std::string& page_token) {
  ASSIGN_OR_RETURN(std::string after, DecodePageToken(page_token, fingerprint));
  TicketListQuery query;
  query.filter = filter;
  query.descending = EffectiveOrder(order) == v1::TICKET_ORDER_CREATE_TIME_DESC;
  query.after_key = std::move(after);
  query.page_size = EffectivePageSize(page_size);
  query.max_scanned = options_.max_scanned_per_page;
  ASSIGN_OR_RETURN(TicketListPage page, repo_->ListTickets(query));
  std::string response;
  for (std::string& stored : page.tickets) {
    ASSIGN_OR_RETURN(std::string basic,
                     ApplyViewToWire(v1::TICKET_VIEW_BASIC, std::move(stored)));
    ASSIGN_OR_RETURN(basic, TextAsSeenBy(who, std::move(basic)));
    proto_wire::AppendLengthDelimited(
        v1::ListTicketsResponse::kTicketsFieldNumber, basic, &response);
  }
  if (!page.next_after_key.empty()) {
    proto_wire::AppendLengthDelimited(
        v1::ListTicketsResponse::kNextPageTokenFieldNumber,
        EncodePageToken(page.next_after_key, fingerprint), &response);
  }
  return response;
}

// ---- Tickets --------------------------------------------------------------

void TicketApp::CreateTicket(const auth::Principal& caller,
                             const v1::CreateTicketRequest& req,
                             absl::string_view received,
                             Reply<std::string> reply) {
  const Principal who = ToDomainPrincipal(caller);
  absl::Status allowed = ValidateCreateTicket(req);
  if (allowed.ok()) {
    allowed = options_.departments.Check("ticket.department",
                                         req.ticket().department());
  }
  if (allowed.ok()) {
    allowed = Authorize(permissions_, who, Action::kCreateTicket,
                        CreateTargetOf(req, who));
  }
  if (!allowed.ok()) return reply(allowed);
  // Check-then-insert of the idempotency record, per request_id: the claim
  // is held until the insert is durable, so a retry arriving meanwhile
  // waits and then replays.
  std::shared_ptr<KeyClaims::Claim> claim;
  if (!req.request_id().empty()) {
    claim = std::make_shared<KeyClaims::Claim>(
        request_claims_.Acquire(req.request_id()));
    absl::StatusOr<std::optional<v1::CreateRequestRecord>> record =
        repo_->FindCreateRequest(req.request_id());
    if (!record.ok()) return reply(record.status());
    if (record->has_value()) {
      return reply(ReplayCreate(who, **record, req, received));
    }
  }
  absl::StatusOr<NewTicket> created = PrepareInsert(who, req, received);
  if (!created.ok()) return reply(created.status());
  if (claim != nullptr) {
    created->writes.OnCommit([claim](bool) { claim->Release(); });
  }
  commits_.Submit(
      std::move(created->writes),
      [reply = std::move(reply),
       answer = std::move(created->answer)](absl::Status durable) mutable {
        if (!durable.ok()) return reply(durable);
        reply(std::move(answer));
      });
}

absl::StatusOr<std::string> TicketApp::ReplayCreate(
    const Principal& who, const v1::CreateRequestRecord& record,
    const v1::CreateTicketRequest& req, absl::string_view received) {
  RETURN_IF_ERROR(CheckCreateReplay(record, req, received));
  ASSIGN_OR_RETURN(std::string stored,
                   repo_->LoadTicketBytes(record.ticket_id()));
  // The creator gets their ticket back wherever it was routed since; anyone
  // else sending the same request only if they may read that ticket.
  ASSIGN_OR_RETURN(Target target, TargetOfWire(stored));
  if (target.created_by != who.subject) {
    RETURN_IF_ERROR(CheckTicketAccess(who, {Action::kReadTicket}, target));
  }
  ASSIGN_OR_RETURN(std::string basic,
                   ApplyViewToWire(v1::TICKET_VIEW_BASIC, std::move(stored)));
  return TextAsSeenBy(who, std::move(basic));
}

absl::StatusOr<TicketApp::NewTicket> TicketApp::PrepareInsert(
    const Principal& who, const v1::CreateTicketRequest& req,
    absl::string_view received) {
  absl::StatusOr<v1::StoredCustomer> customer =
      repo_->LoadCustomer(req.ticket().customer_id());
  if (absl::IsNotFound(customer.status())) {
    return absl::NotFoundError(
        absl::StrCat("ticket.customer_id: ", customer.status().message(),
                     "; create it with UpsertCustomer first"));
  }
  if (!customer.ok()) return customer.status();
  const absl::Time now = clock_.Now();
  const absl::CivilDay day = CentreDay(now);
  ASSIGN_OR_RETURN(uint64_t sequence, repo_->NextDailySequence(day));
  ASSIGN_OR_RETURN(std::string number,
                   FormatTicketNumber(day, options_.partition, sequence));
  const std::string id = NewUlid(now);
  ASSIGN_OR_RETURN(TicketChange change,
                   ApplyCreate(req, *customer, id, number, who, now));
  NewTicket created;
  AddTicketWrites(created.writes, nullptr, change.ticket, change.wire,
                  change.events);
  repo_->PutNumber(created.writes, day, sequence, id);
  if (!req.request_id().empty()) {
    repo_->PutCreateRequest(created.writes,
                            MakeCreateRequestRecord(req, received, id, now));
  }
  ASSIGN_OR_RETURN(std::string basic, ApplyViewToWire(v1::TICKET_VIEW_BASIC,
                                                      std::move(change.wire)));
  ASSIGN_OR_RETURN(created.answer, TextAsSeenBy(who, std::move(basic)));
  return created;
}

absl::StatusOr<v1::Ticket> TicketApp::GetTicket(
    const auth::Principal& caller, const v1::GetTicketRequest& req) {
  return ParseAnswer<v1::Ticket>(GetTicketBytes(caller, req));
}

absl::StatusOr<std::string> TicketApp::GetTicketBytes(
    const auth::Principal& caller, const v1::GetTicketRequest& req) {
  RETURN_IF_ERROR(ValidateGetTicket(req));
  ASSIGN_OR_RETURN(std::string id, ParseTicketName(req.name()));
  const Principal who = ToDomainPrincipal(caller);
  const std::vector<Action> gates = {Action::kReadTicket};
  RETURN_IF_ERROR(CheckCouldAct(who, gates));
  absl::StatusOr<std::string> stored = repo_->LoadTicketBytes(id);
  RETURN_IF_ERROR(
      CheckTicketAccess(who, gates,
                        stored.ok() ? TargetOfWire(*stored)
                                    : absl::StatusOr<Target>(stored.status())));
  ASSIGN_OR_RETURN(std::string view,
                   ApplyViewToWire(req.view(), *std::move(stored)));
  return TextAsSeenBy(who, std::move(view));
}

absl::StatusOr<v1::ListTicketsResponse> TicketApp::ListTickets(
    const auth::Principal& caller, const v1::ListTicketsRequest& req) {
  return ParseAnswer<v1::ListTicketsResponse>(ListTicketsBytes(caller, req));
}

absl::StatusOr<std::string> TicketApp::ListTicketsBytes(
    const auth::Principal& caller, const v1::ListTicketsRequest& req) {
  RETURN_IF_ERROR(ValidateListTickets(req));
  const Principal who = ToDomainPrincipal(caller);
  v1::TicketFilter filter = req.filter();
  RETURN_IF_ERROR(ConstrainFilterToScope(permissions_, who, &filter));
  const v1::TicketOrder order = EffectiveOrder(req.order_by());
  return ListByFilter(who, filter, order, TicketQueryFingerprint(filter, order),
                      req.page_size(), req.page_token());
}

void TicketApp::UpdateTicket(const auth::Principal& caller,
                             const v1::UpdateTicketRequest& req,
                             Reply<v1::Ticket> reply) {
  CommitThenReply(
      caller,
      [&]() -> absl::StatusOr<TicketWrite> {
        ASSIGN_OR_RETURN(std::vector<std::string> paths,
                         ValidateUpdateTicket(req));
        ASSIGN_OR_RETURN(std::string id,
                         ParseTicketName(req.ticket().name(), "ticket.name"));
        const Principal who = ToDomainPrincipal(caller);
        return PrepareMutation(
            who, id, {{Action::kUpdateTicket}, nullptr},
            [&](const v1::Ticket& current, absl::Time now) {
              if (SeesClearText(who)) {
                return ApplyUpdate(current, req, paths, who, now);
              }
              // This caller was shown the text masked: the masked values
              // it kept, edited around or sent back unchanged, keep their
              // clear originals.
              v1::UpdateTicketRequest unmasked = req;
              v1::Ticket& t = *unmasked.mutable_ticket();
              t.set_subject(RestoreMaskedPii(current.subject(), t.subject()));
              t.set_description(
                  RestoreMaskedPii(current.description(), t.description()));
              return ApplyUpdate(current, unmasked, paths, who, now);
            });
      }(),
      &Basic, std::move(reply));
}

void TicketApp::AssignTicket(const auth::Principal& caller,
                             const v1::AssignTicketRequest& req,
                             Reply<v1::Ticket> reply) {
  CommitThenReply(
      caller,
      [&]() -> absl::StatusOr<TicketWrite> {
        RETURN_IF_ERROR(ValidateAssignTicket(req));
        RETURN_IF_ERROR(
            options_.departments.Check("department", req.department()));
        ASSIGN_OR_RETURN(std::string id, ParseTicketName(req.name()));
        const Principal who = ToDomainPrincipal(caller);
        // Where the ticket goes does not depend on the ticket: check it first.
        Target destination;
        destination.department = req.department();
        RETURN_IF_ERROR(
            Authorize(permissions_, who, Action::kAssignTicket, destination));
        TicketAccess access{{Action::kAssignTicket}, [&](const v1::Ticket& t) {
                              return AuthorizeAssignment(permissions_, who,
                                                         TargetOf(t),
                                                         req.department());
                            }};
        return PrepareMutation(who, id, access,
                               [&](const v1::Ticket& current, absl::Time now) {
                                 return ApplyAssign(current, req, who, now);
                               });
      }(),
      &Basic, std::move(reply));
}

void TicketApp::AddReply(const auth::Principal& caller,
                         const v1::AddReplyRequest& req,
                         Reply<v1::AddReplyResponse> reply) {
  CommitThenReply(
      caller,
      [&]() -> absl::StatusOr<TicketWrite> {
        RETURN_IF_ERROR(ValidateAddReply(req));
        ASSIGN_OR_RETURN(std::string id, ParseTicketName(req.name()));
        const Principal who = ToDomainPrincipal(caller);
        return PrepareMutation(who, id, {{Action::kReplyTicket}, nullptr},
                               [&](const v1::Ticket& current, absl::Time now) {
                                 return ApplyReply(current, req, NewUlid(now),
                                                   who, now);
                               });
      }(),
      +[](v1::Ticket ticket) {
        v1::AddReplyResponse response;
        if (ticket.replies_size() > 0) {
          *response.mutable_reply() = ticket.replies(ticket.replies_size() - 1);
        }
        *response.mutable_ticket() = Basic(std::move(ticket));
        return response;
      },
      std::move(reply));
}

void TicketApp::ChangeStatus(const auth::Principal& caller,
                             const v1::ChangeStatusRequest& req,
                             Reply<v1::Ticket> reply) {
  CommitThenReply(
      caller,
      [&]() -> absl::StatusOr<TicketWrite> {
        RETURN_IF_ERROR(ValidateChangeStatus(req));
        ASSIGN_OR_RETURN(std::string id, ParseTicketName(req.name()));
        const Principal who = ToDomainPrincipal(caller);
        return PrepareMutation(who, id, {{Action::kChangeStatus}, nullptr},
                               [&](const v1::Ticket& current, absl::Time now) {
                                 return ApplyChangeStatus(current, req, who,
                                                          now);
                               });
      }(),
      &Basic, std::move(reply));
}

void TicketApp::ResolveTicket(const auth::Principal& caller,
                              const v1::ResolveTicketRequest& req,
                              Reply<v1::Ticket> reply) {
  CommitThenReply(
      caller,
      [&]() -> absl::StatusOr<TicketWrite> {
        RETURN_IF_ERROR(ValidateResolveTicket(req));
        ASSIGN_OR_RETURN(std::string id, ParseTicketName(req.name()));
        const Principal who = ToDomainPrincipal(caller);
        return PrepareMutation(who, id, {{Action::kResolveTicket}, nullptr},
                               [&](const v1::Ticket& current, absl::Time now) {
                                 return ApplyResolve(current, req, who, now);
                               });
      }(),
      &Basic, std::move(reply));
}

void TicketApp::CloseTicket(const auth::Principal& caller,
                            const v1::CloseTicketRequest& req,
                            Reply<v1::Ticket> reply) {
  CommitThenReply(
      caller,
      [&]() -> absl::StatusOr<TicketWrite> {
        RETURN_IF_ERROR(ValidateCloseTicket(req));
        ASSIGN_OR_RETURN(std::string id, ParseTicketName(req.name()));
        const Principal who = ToDomainPrincipal(caller);
        return PrepareMutation(who, id, {{Action::kCloseTicket}, nullptr},
                               [&](const v1::Ticket& current, absl::Time now) {
                                 return ApplyClose(current, req, who, now);
                               });
      }(),
      &Basic, std::move(reply));
}

void TicketApp::ReopenTicket(const auth::Principal& caller,
                             const v1::ReopenTicketRequest& req,
                             Reply<v1::Ticket> reply) {
  CommitThenReply(
      caller,
      [&]() -> absl::StatusOr<TicketWrite> {
        RETURN_IF_ERROR(ValidateReopenTicket(req));
        ASSIGN_OR_RETURN(std::string id, ParseTicketName(req.name()));
        const Principal who = ToDomainPrincipal(caller);
        // In scope for either reopen permission first (so nothing about tickets
        // outside the caller's scope leaks), then the one the status needs.
        TicketAccess access{
            {Action::kReopenResolved, Action::kReopenClosed},
            [&](const v1::Ticket& t) {
              return Authorize(
                  permissions_, who,
                  ReopenAction(t.status() == v1::TICKET_STATUS_CLOSED),
                  TargetOf(t));
            }};
        return PrepareMutation(who, id, access,
                               [&](const v1::Ticket& current, absl::Time now) {
                                 return ApplyReopen(current, req, who, now);
                               });
      }(),
      &Basic, std::move(reply));
}

absl::StatusOr<v1::MergeTicketsResponse> TicketApp::MergeTickets(
    const auth::Principal& caller, const v1::MergeTicketsRequest& req) {
  RETURN_IF_ERROR(ValidateMergeTickets(req));
  ASSIGN_OR_RETURN(std::string target_id,
                   ParseTicketName(req.target(), "target"));
  std::vector<std::string> source_ids;
  for (int i = 0; i < req.sources_size(); ++i) {
    ASSIGN_OR_RETURN(
        std::string id,
        ParseTicketName(req.sources(i), absl::StrCat("sources[", i, "]")));
    source_ids.push_back(std::move(id));
  }
  const Principal who = ToDomainPrincipal(caller);
  const TicketAccess access{{Action::kMergeTickets}, nullptr};
  RETURN_IF_ERROR(CheckCouldAct(who, access.gates));
  // Every ticket involved is claimed, in id order so that two merges over
  // the same tickets cannot each wait for the other.
  std::set<std::string> involved(source_ids.begin(), source_ids.end());
  involved.insert(target_id);
  std::vector<KeyClaims::Claim> claims;
  for (const std::string& id : involved) {
    claims.push_back(ticket_claims_.Acquire(id));
  }
  ASSIGN_OR_RETURN(v1::Ticket target, LoadForAccess(who, target_id, access));
  std::vector<v1::Ticket> sources;
  for (const std::string& id : source_ids) {
    ASSIGN_OR_RETURN(v1::Ticket source, LoadForAccess(who, id, access));
    sources.push_back(std::move(source));
  }
  ASSIGN_OR_RETURN(MergeChange change,
                   ApplyMerge(target, sources, req, who, clock_.Now()));
  WriteSet writes;
  repo_->PutTicket(writes, &target, change.target, change.target_wire);
  for (size_t i = 0; i < sources.size(); ++i) {
    repo_->PutTicket(writes, &sources[i], change.sources[i],
                     change.source_wires[i]);
  }
  for (const PendingEvent& event : change.events) {
    outbox_.AppendPacked(writes, event.subject, event.type, event.payload);
  }
  RETURN_IF_ERROR(store_.Commit(writes));
  v1::MergeTicketsResponse response;
  *response.mutable_target() = Basic(std::move(change.target));
  for (v1::Ticket& source : change.sources) {
    *response.add_sources() = Basic(std::move(source));
  }
  if (!SeesClearText(who)) {
    MaskTicketText(*response.mutable_target());
    for (v1::Ticket& source : *response.mutable_sources()) {
      MaskTicketText(source);
    }
  }
  return response;
}

// ---- Customers ------------------------------------------------------------

absl::StatusOr<v1::Customer> TicketApp::GetCustomer(
    const auth::Principal& caller, const v1::GetCustomerRequest& req) {
  RETURN_IF_ERROR(ValidateGetCustomer(req));
  ASSIGN_OR_RETURN(std::string id, ParseCustomerName(req.name()));
  const Principal who = ToDomainPrincipal(caller);
  RETURN_IF_ERROR(Authorize(permissions_, who, Action::kReadCustomer));
  ASSIGN_OR_RETURN(v1::StoredCustomer stored, repo_->LoadCustomer(id));
  const bool reveal =
      !req.masked() && IsAllowed(permissions_, who, Action::kReadPii);
  ASSIGN_OR_RETURN(v1::Customer view, CustomerView(stored, reveal, keyring_));
  if (reveal && (!view.full_name().empty() || !view.phone().empty())) {
    // A clear name/phone is a sensitive read: audited before it is returned.
    RETURN_IF_ERROR(
        CommitAudit(MakeAuditRecord(who, common::v1::AUDIT_ACTION_READ_CONTACT,
                                    stored.profile().name(), "", clock_.Now()))
            .status());
  }
  return view;
}

absl::StatusOr<v1::Customer> TicketApp::UpsertCustomer(
    const auth::Principal& caller, const v1::UpsertCustomerRequest& req) {
  ASSIGN_OR_RETURN(std::vector<std::string> paths, ValidateUpsertCustomer(req));
  ASSIGN_OR_RETURN(std::string id,
                   ParseCustomerName(req.customer().name(), "customer.name"));
  const Principal who = ToDomainPrincipal(caller);
  RETURN_IF_ERROR(Authorize(permissions_, who, Action::kWriteCustomer));
  absl::MutexLock lock(&customer_locks_.For(id));
  absl::StatusOr<v1::StoredCustomer> existing = repo_->LoadCustomer(id);
  if (!existing.ok() && !absl::IsNotFound(existing.status())) {
    return existing.status();
  }
  ASSIGN_OR_RETURN(CustomerChange change,
                   ApplyUpsertCustomer(existing.ok() ? &*existing : nullptr,
                                       req, paths, keyring_, clock_.Now()));
  if (change.changed) {
    WriteSet writes;
    repo_->PutCustomer(writes, change.stored);
    RETURN_IF_ERROR(store_.Commit(writes));
  }
  // Always masked: clear values are read through the audited GetCustomer.
  return CustomerView(change.stored, false, keyring_);
}

absl::StatusOr<v1::ListCustomerHistoryResponse> TicketApp::ListCustomerHistory(
    const auth::Principal& caller, const v1::ListCustomerHistoryRequest& req) {
  return ParseAnswer<v1::ListCustomerHistoryResponse>(
      ListCustomerHistoryBytes(caller, req));
}

absl::StatusOr<std::string> TicketApp::ListCustomerHistoryBytes(
    const auth::Principal& caller, const v1::ListCustomerHistoryRequest& req) {
  RETURN_IF_ERROR(ValidateListCustomerHistory(req));
  ASSIGN_OR_RETURN(std::string id,
                   ParseCustomerName(req.customer(), "customer"));
  const Principal who = ToDomainPrincipal(caller);
  RETURN_IF_ERROR(Authorize(permissions_, who, Action::kReadCustomerHistory));
  RETURN_IF_ERROR(repo_->LoadCustomer(id).status());
  v1::TicketFilter filter;
  filter.set_customer_id(id);
  const uint64_t fingerprint =
      QueryFingerprint(absl::StrCat("history|", CustomerName(id)));
  return ListByFilter(who, filter, v1::TICKET_ORDER_CREATE_TIME_DESC,
                      fingerprint, req.page_size(), req.page_token());
}

// ---- Feedback, PII, audit -------------------------------------------------

void TicketApp::SubmitFeedback(const auth::Principal& caller,
                               const v1::SubmitFeedbackRequest& req,
                               Reply<v1::Feedback> reply) {
  CommitThenReply(
      caller,
      [&]() -> absl::StatusOr<TicketWrite> {
        RETURN_IF_ERROR(ValidateSubmitFeedback(req));
        ASSIGN_OR_RETURN(std::string id, ParseTicketName(req.name()));
        const Principal who = ToDomainPrincipal(caller);
        return PrepareMutation(who, id, {{Action::kSubmitFeedback}, nullptr},
                               [&](const v1::Ticket& current, absl::Time now) {
                                 return ApplyFeedback(current, req, who, now);
                               });
      }(),
      +[](v1::Ticket ticket) { return std::move(*ticket.mutable_feedback()); },
      std::move(reply));
}

absl::StatusOr<v1::RevealCustomerPiiResponse> TicketApp::RevealCustomerPii(
    const auth::Principal& caller, const v1::RevealCustomerPiiRequest& req) {
  RETURN_IF_ERROR(ValidateRevealCustomerPii(req));
  ASSIGN_OR_RETURN(std::string id, ParseCustomerName(req.name()));
  const Principal who = ToDomainPrincipal(caller);
  // Before the lookup, so a denied caller learns nothing about the customer.
  RETURN_IF_ERROR(Authorize(permissions_, who, Action::kReadPii));
  ASSIGN_OR_RETURN(v1::StoredCustomer stored, repo_->LoadCustomer(id));
  const absl::Time now = clock_.Now();
  ASSIGN_OR_RETURN(std::string audit_id, repo_->audit().NewId(now));
  ASSIGN_OR_RETURN(PiiReveal reveal,
                   cs::ticket::RevealCustomerPii(permissions_, who, stored, req,
                                                 keyring_, audit_id, now));
  // The audit record is durable before anyone sees the value.
  ASSIGN_OR_RETURN(std::string audit_name,
                   CommitAudit(std::move(reveal.audit)));
  v1::RevealCustomerPiiResponse response;
  response.set_value(std::move(reveal.value));
  response.set_audit_record(std::move(audit_name));
  return response;
}

absl::StatusOr<common::v1::ListAuditRecordsResponse>
TicketApp::ListAuditRecords(const auth::Principal& caller,
                            const common::v1::ListAuditRecordsRequest& req) {
  RETURN_IF_ERROR(
      ValidateListAuditRecords(req, CheckAuditResource, TicketAuditActions()));
  const Principal who = ToDomainPrincipal(caller);
  RETURN_IF_ERROR(Authorize(permissions_, who, Action::kReadAudit));
  ASSIGN_OR_RETURN(common::v1::ListAuditRecordsResponse page,
                   repo_->audit().List(req, options_.max_scanned_per_page));
  if (!SeesClearText(who)) MaskAuditText(page);
  return page;
}

// ---- Key rotation -----------------------------------------------------------

absl::StatusOr<v1::RotatePiiKeysResponse> TicketApp::RotatePiiKeys(
    const auth::Principal& caller, const v1::RotatePiiKeysRequest& req) {
  RETURN_IF_ERROR(ValidateRotatePiiKeys(req));
  const Principal who = ToDomainPrincipal(caller);
  RETURN_IF_ERROR(Authorize(permissions_, who, Action::kRotatePiiKeys));
  const size_t page_size =
      req.page_size() == 0 ? kDefaultRotatePageSize : req.page_size();
  std::vector<std::string> ids;
  RETURN_IF_ERROR(repo_->ScanCustomers(req.page_token(), page_size,
                                       [&](const v1::StoredCustomer& c) {
                                         ids.push_back(c.profile().id());
                                         return true;
                                       }));
  v1::RotatePiiKeysResponse response;
  response.set_current_key(KeyLabel(keyring_.current()));
  for (const std::string& id : ids) {
    // Under the customer's lock, so a concurrent upsert is not overwritten.
    absl::MutexLock lock(&customer_locks_.For(id));
    ASSIGN_OR_RETURN(v1::StoredCustomer stored, repo_->LoadCustomer(id));
    response.set_examined(response.examined() + 1);
    if (!NeedsReencryption(stored, keyring_.current())) continue;
    RETURN_IF_ERROR(ReencryptCustomer(keyring_, &stored));
    WriteSet writes;
    repo_->PutCustomer(writes, stored);
    RETURN_IF_ERROR(store_.Commit(writes));
    response.set_reencrypted(response.reencrypted() + 1);
  }
  if (ids.size() == page_size) response.set_next_page_token(ids.back());
  common::v1::AuditRecord audit =
      MakeAuditRecord(who, common::v1::AUDIT_ACTION_ROTATE_PII_KEYS,
                      kPiiKeysResource, "", clock_.Now());
  audit.set_detail(absl::StrCat(
      "to ", response.current_key(), ": examined ", response.examined(),
      ", re-encrypted ", response.reencrypted(), ", from customer '",
      req.page_token(), "'",
      response.next_page_token().empty() ? ", done" : ""));
  ASSIGN_OR_RETURN(std::string audit_name, CommitAudit(std::move(audit)));
  response.set_audit_record(std::move(audit_name));
  return response;
}

absl::StatusOr<v1::GetPiiKeyUsageResponse> TicketApp::GetPiiKeyUsage(
    const auth::Principal& caller, const v1::GetPiiKeyUsageRequest&) {
  const Principal who = ToDomainPrincipal(caller);
  if (!IsAllowed(permissions_, who, Action::kReadAudit)) {
    RETURN_IF_ERROR(Authorize(permissions_, who, Action::kRotatePiiKeys));
  }
  std::map<std::string, int64_t> usage;
  int64_t customers = 0;
  RETURN_IF_ERROR(repo_->ScanCustomers("", 0, [&](const v1::StoredCustomer& c) {
    ++customers;
    CountKeyUsage(c, &usage);
    return true;
  }));
  std::set<std::string> in_ring;
  for (const KeyRef& key : keyring_.keys()) {
    in_ring.insert(KeyLabel(key));
    usage.emplace(KeyLabel(key), 0);  // keys no value uses yet, too
  }
  const std::string current = KeyLabel(keyring_.current());
  v1::GetPiiKeyUsageResponse response;
  response.set_customers(customers);
  for (const auto& [key, values] : usage) {
    v1::PiiKeyUsage* u = response.add_usage();
    u->set_key(key);
    u->set_values(values);
    u->set_current(key == current);
    u->set_in_keyring(in_ring.count(key) > 0);
  }
  return response;
}

// ---- Audit ----------------------------------------------------------------

absl::StatusOr<std::string> TicketApp::CommitAudit(
    common::v1::AuditRecord record) {
  return repo_->audit().Commit(std::move(record));
}

absl::Status TicketApp::RecordPermissionChanges() {
  ASSIGN_OR_RETURN(std::string recorded, repo_->LoadRecordedPermissions());
  const std::string current = permissions_.ToText();
  const std::string diff = PermissionDiff(recorded, current);
  if (diff.empty()) return absl::OkStatus();
  const absl::Time now = clock_.Now();
  ASSIGN_OR_RETURN(std::string id, repo_->audit().NewId(now));
  common::v1::AuditRecord audit =
      MakeAuditRecord(Principal{kSystemActor, {}, ""},
                      common::v1::AUDIT_ACTION_PERMISSIONS_CHANGED,
                      kPermissionsResource, id, now);
  audit.set_detail(diff);
  audit.set_reason(recorded.empty() ? "first start: initial permission table"
                                    : "permission table changed since the "
                                      "last start");
  // The record and the new baseline land together.
  WriteSet writes;
  RETURN_IF_ERROR(repo_->audit().Stage(writes, audit).status());
  repo_->PutRecordedPermissions(writes, current);
  return store_.Commit(writes);
}

}  // namespace cs::ticket
