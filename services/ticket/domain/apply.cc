#include "services/ticket/domain/apply.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "cs/common/v1/types.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/common/errors.h"
#include "libs/common/fingerprint.h"
#include "libs/common/proto_wire.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "services/ticket/domain/audit.h"
#include "services/ticket/domain/customer_crypto.h"
#include "services/ticket/domain/lifecycle.h"
#include "services/ticket/domain/masking.h"
#include "services/ticket/domain/validation.h"

namespace cs::ticket {
namespace {

using google::protobuf::util::MessageDifferencer;

std::string StripPrefix(std::string name, absl::string_view prefix) {
  absl::string_view v = name;
  if (absl::ConsumePrefix(&v, prefix)) return std::string(v);
  return name;
}

std::string ChannelText(int v) {
  return StripPrefix(cs::common::v1::Channel_Name(v), "CHANNEL_");
}
std::string StageText(int v) {
  return StripPrefix(cs::common::v1::Stage_Name(v), "STAGE_");
}
std::string GradeText(int v) {
  return StripPrefix(cs::common::v1::Grade_Name(v), "GRADE_");
}
std::string CustomerTypeText(int v) {
  return StripPrefix(v1::CustomerType_Name(v), "CUSTOMER_TYPE_");
}
std::string StatusText(v1::TicketStatus s) {
  return std::string(StatusName(s));
}

std::string MoneyText(const v1::Ticket& t) {
  if (!t.has_loss_estimate()) return "";
  const cs::common::v1::Money& m = t.loss_estimate();
  const int64_t units = m.minor_units();
  return absl::StrFormat("%s %s%d.%02d", m.currency_code(),
                         units < 0 ? "-" : "", std::llabs(units) / 100,
                         std::llabs(units) % 100);
}

// Display value of a ticket field for history.
std::string FieldText(const v1::Ticket& t, absl::string_view path) {
  if (path == "subject") return t.subject();
  if (path == "description") return t.description();
  if (path == "stage") return StageText(t.stage());
  if (path == "category") return absl::StrJoin(t.category(), " › ");
  if (path == "grade") return GradeText(t.grade());
  if (path == "affected_customer_count") {
    return absl::StrCat(t.affected_customer_count());
  }
  if (path == "loss_estimate") return MoneyText(t);
  if (path == "customer_type") return CustomerTypeText(t.customer_type());
  if (path == "region") return t.region();
  if (path == "channel") return ChannelText(t.channel());
  if (path == "customer_id") return t.customer_id();
  return "";
}

bool FieldEquals(const v1::Ticket& a, const v1::Ticket& b,
                 absl::string_view path) {
  if (path == "category") {
    return std::equal(a.category().begin(), a.category().end(),
                      b.category().begin(), b.category().end());
  }
  if (path == "loss_estimate") {
    return a.has_loss_estimate() == b.has_loss_estimate() &&
           MessageDifferencer::Equals(a.loss_estimate(), b.loss_estimate());
  }
  return FieldText(a, path) == FieldText(b, path);
}

void CopyField(const v1::Ticket& from, absl::string_view path, v1::Ticket* to) {
  if (path == "subject") {
    to->set_subject(from.subject());
  } else if (path == "description") {
    to->set_description(from.description());
  } else if (path == "stage") {
    to->set_stage(from.stage());
  } else if (path == "category") {
    *to->mutable_category() = from.category();
  } else if (path == "grade") {
    to->set_grade(from.grade());
  } else if (path == "affected_customer_count") {
    to->set_affected_customer_count(from.affected_customer_count());
  } else if (path == "loss_estimate") {
    if (from.has_loss_estimate()) {
      *to->mutable_loss_estimate() = from.loss_estimate();
    } else {
      to->clear_loss_estimate();
    }
  } else if (path == "customer_type") {
    to->set_customer_type(from.customer_type());
  } else if (path == "region") {
    to->set_region(from.region());
  }
}

bool IsGradingInput(absl::string_view path) {
  return path == "stage" || path == "category" ||
         path == "affected_customer_count" || path == "loss_estimate" ||
         path == "customer_type";
}

void AddChange(v1::HistoryEntry* entry, absl::string_view field,
               std::string old_value, std::string new_value) {
  v1::FieldChange* c = entry->add_changes();
  c->set_field(std::string(field));
  c->set_old_value(std::move(old_value));
  c->set_new_value(std::move(new_value));
}

v1::HistoryEntry* AddHistory(v1::Ticket* t, v1::HistoryAction action,
                             const Principal& actor, absl::Time now,
                             absl::string_view note = "") {
  v1::HistoryEntry* e = t->add_history();
  *e->mutable_time() = ToProtoTime(now);
  e->set_actor(actor.subject);
  e->set_action(action);
  e->set_note(std::string(note));
  return e;
}

// The masked name and phone of a stored customer. The profile holds the
// masked forms, except in records written before contact encryption, which
// hold the clear values.
ContactText MaskedContact(const v1::StoredCustomer& stored) {
  const v1::Customer& profile = stored.profile();
  ContactText masked{profile.full_name(), profile.phone()};
  if (stored.full_name_ciphertext().empty()) {
    masked.full_name = MaskName(profile.full_name(), profile.title());
  }
  if (stored.phone_ciphertext().empty()) {
    masked.phone = MaskPhone(profile.phone());
  }
  return masked;
}

// Common tail of every ticket mutation: sets the update time and the etag,
// and returns the ticket's wire bytes. The bytes hashed for the etag are
// reused for the record, with the etag field appended (protobuf accepts
// fields in any order), so a change serialises the ticket once.
std::string Stamp(v1::Ticket* t, absl::Time now) {
  *t->mutable_update_time() = ToProtoTime(now);
  t->clear_etag();
  std::string wire = DeterministicBytes(*t);
  t->set_etag(Fingerprint64Hex(wire));
  proto_wire::AppendLengthDelimited(v1::Ticket::kEtagFieldNumber, t->etag(),
                                    &wire);
  return wire;
}

void AddStatusChanged(const v1::Ticket& t, v1::TicketStatus previous,
                      const Principal& actor,
                      std::vector<PendingEvent>* events) {
  if (previous == t.status()) return;
  v1::TicketStatusChanged e;
  *e.mutable_facts() = MakeFacts(t);
  e.set_previous_status(previous);
  e.set_status(t.status());
  e.set_changed_by(actor.subject);
  events->push_back(MakeEvent(e, t.name()));
}

absl::Status TicketClosedError(const v1::Ticket& t, absl::string_view what) {
  return cs::WithErrorInfo(absl::FailedPreconditionError(absl::StrCat(
                               "ticket ", t.name(), " is CLOSED; ", what)),
                           "TICKET_CLOSED",
                           {{"ticket", t.name()}, {"current", "CLOSED"}});
}

absl::Status TicketMergedError(const v1::Ticket& t) {
  return cs::WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(
          "ticket ", t.name(), " was merged into ", t.merged_into())),
      "TICKET_MERGED",
      {{"ticket", t.name()}, {"merged_into", t.merged_into()}});
}

}  // namespace

// ---- Helpers
// -----------------------------------------------------------------

absl::Status CheckEtag(absl::string_view current, absl::string_view requested) {
  if (requested.empty() || requested == current) return absl::OkStatus();
  return cs::WithErrorInfo(
      absl::AbortedError(
          "etag mismatch: the resource changed since it was read; read it "
          "again and retry"),
      "ETAG_MISMATCH", {{"current_etag", std::string(current)}});
}

std::string ComputeEtag(const v1::Ticket& ticket) {
  v1::Ticket copy = ticket;
  copy.clear_etag();
  return Fingerprint64Hex(DeterministicBytes(copy));
}

std::string ComputeEtag(const v1::StoredCustomer& customer) {
  v1::StoredCustomer copy = customer;
  copy.mutable_profile()->clear_etag();
  return Fingerprint64Hex(DeterministicBytes(copy));
}

v1::TicketFacts MakeFacts(const v1::Ticket& t) {
  v1::TicketFacts f;
  f.set_ticket(t.name());
  f.set_number(t.number());
  f.set_channel(t.channel());
  f.set_stage(t.stage());
  *f.mutable_category() = t.category();
  f.set_grade(t.grade());
  f.set_affected_customer_count(t.affected_customer_count());
  if (t.has_loss_estimate()) *f.mutable_loss_estimate() = t.loss_estimate();
  f.set_customer_id(t.customer_id());
  f.set_customer_type(t.customer_type());
  f.set_region(t.region());
  f.set_department(t.department());
  f.set_assignee(t.assignee());
  f.set_status(t.status());
  if (t.has_create_time()) *f.mutable_create_time() = t.create_time();
  if (t.has_first_response_time()) {
    *f.mutable_first_response_time() = t.first_response_time();
  }
  if (t.has_resolve_time()) *f.mutable_resolve_time() = t.resolve_time();
  if (t.has_close_time()) *f.mutable_close_time() = t.close_time();
  f.set_solved_at_first_contact(t.solved_at_first_contact());
  f.set_reopen_count(t.reopen_count());
  return f;
}

PendingEvent MakeEvent(const google::protobuf::Message& payload,
                       absl::string_view subject) {
  PendingEvent e;
  e.type = payload.GetDescriptor()->name();
  e.subject = std::string(subject);
  e.payload.PackFrom(payload);
  return e;
}

Target TargetOf(const v1::Ticket& ticket) {
  return {ticket.department(), ticket.assignee(), ticket.created_by()};
}

absl::StatusOr<Target> TargetOfWire(absl::string_view ticket) {
  Target target;
  RETURN_IF_ERROR(
      proto_wire::ForEachField(ticket, [&](const proto_wire::Field& field) {
        // Protobuf keeps a field of the wrong wire type as unknown.
        if (!field.length_delimited) return;
        switch (field.number) {
          case v1::Ticket::kDepartmentFieldNumber:
            target.department = std::string(field.payload);
            break;
          case v1::Ticket::kAssigneeFieldNumber:
            target.assignee = std::string(field.payload);
            break;
          case v1::Ticket::kCreatedByFieldNumber:
            target.created_by = std::string(field.payload);
            break;
        }
      }));
  return target;
}

Target CreateTargetOf(const v1::CreateTicketRequest& request,
                      const Principal& creator) {
  return {request.ticket().department(), "", creator.subject};
}

namespace {

std::string CanonicalFingerprint(const v1::CreateTicketRequest& request) {
  return Sha256(DeterministicBytes(request.ticket()));
}

}  // namespace

std::string CreateRequestFingerprint(const v1::CreateTicketRequest& request,
                                     absl::string_view received) {
  absl::string_view ticket;
  int occurrences = 0;
  const absl::Status read =
      proto_wire::ForEachField(received, [&](const proto_wire::Field& field) {
        if (field.number == v1::CreateTicketRequest::kTicketFieldNumber) {
          ticket = field.payload;
          ++occurrences;
        }
      });
  // Several occurrences merge into one ticket when parsed; hash what they
  // mean rather than how they were split.
  if (!read.ok() || occurrences != 1) return CanonicalFingerprint(request);
  return Sha256(ticket);
}

absl::Status CheckCreateReplay(const v1::CreateRequestRecord& record,
                               const v1::CreateTicketRequest& request,
                               absl::string_view received) {
  if (record.fingerprint() == CreateRequestFingerprint(request, received) ||
      record.fingerprint() == CanonicalFingerprint(request)) {
    return absl::OkStatus();
  }
  return cs::InvalidField("request_id",
                          "was already used for a different request");
}

v1::CreateRequestRecord MakeCreateRequestRecord(
    const v1::CreateTicketRequest& request, absl::string_view received,
    absl::string_view ticket_id, absl::Time now) {
  v1::CreateRequestRecord record;
  record.set_request_id(request.request_id());
  record.set_ticket_id(std::string(ticket_id));
  record.set_fingerprint(CreateRequestFingerprint(request, received));
  *record.mutable_create_time() = ToProtoTime(now);
  return record;
}

// ---- Tickets
// -------------------------------------------------------------------

absl::StatusOr<TicketChange> ApplyCreate(const v1::CreateTicketRequest& request,
                                         const v1::StoredCustomer& stored,
                                         absl::string_view id,
                                         absl::string_view number,
                                         const Principal& actor,
                                         absl::Time now) {
  const v1::Ticket& in = request.ticket();
  const v1::Customer& customer = stored.profile();
  if (customer.name() != CustomerName(in.customer_id())) {
    return absl::InternalError(
        "customer profile does not match ticket.customer_id");
  }
  TicketChange change;
  v1::Ticket& t = change.ticket;
  t.set_name(TicketName(id));
  t.set_id(std::string(id));
  t.set_number(std::string(number));
  t.set_channel(in.channel());
  t.set_stage(in.stage());
  *t.mutable_category() = in.category();
  t.set_grade(in.grade());
  t.set_affected_customer_count(in.affected_customer_count());
  if (in.has_loss_estimate()) *t.mutable_loss_estimate() = in.loss_estimate();
  t.set_department(in.department());
  t.set_subject(in.subject());
  t.set_description(in.description());
  t.set_customer_id(in.customer_id());
  ContactText masked = MaskedContact(stored);
  t.set_customer_display_name(std::move(masked.full_name));
  t.set_customer_contact(std::move(masked.phone));
  t.set_customer_type(in.customer_type() != v1::CUSTOMER_TYPE_UNSPECIFIED
                          ? in.customer_type()
                          : customer.type());
  t.set_region(!in.region().empty() ? in.region() : customer.region());
  t.set_status(v1::TICKET_STATUS_NEW);
  *t.mutable_create_time() = ToProtoTime(now);
  t.set_created_by(actor.subject);
  v1::HistoryEntry* h = AddHistory(&t, v1::HISTORY_ACTION_CREATE, actor, now);
  AddChange(h, "status", "", StatusText(t.status()));
  change.wire = Stamp(&t, now);
  change.changed = true;

  v1::TicketCreated e;
  *e.mutable_facts() = MakeFacts(t);
  e.set_created_by(actor.subject);
  change.events.push_back(MakeEvent(e, t.name()));
  return change;
}

absl::StatusOr<TicketChange> ApplyUpdate(const v1::Ticket& current,
                                         const v1::UpdateTicketRequest& request,
                                         const std::vector<std::string>& paths,
                                         const Principal& actor,
                                         absl::Time now) {
  RETURN_IF_ERROR(CheckEtag(current.etag(), request.ticket().etag()));
  if (current.status() == v1::TICKET_STATUS_CLOSED) {
    return TicketClosedError(current, "it cannot be updated (reopen it first)");
  }
  const v1::Ticket& in = request.ticket();
  TicketChange change;
  change.ticket = current;
  v1::Ticket& t = change.ticket;
  std::vector<std::string> changed_fields;
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>>
      changes;
  bool grading = false;
  for (const std::string& path : paths) {
    if (path == "channel" || path == "customer_id") {
      if (!FieldEquals(current, in, path)) {
        return cs::InvalidField(absl::StrCat("ticket.", path),
                                "is immutable and cannot be changed");
      }
      continue;
    }
    if (FieldEquals(current, in, path)) continue;
    changes.push_back({path, {FieldText(current, path), FieldText(in, path)}});
    CopyField(in, path, &t);
    changed_fields.push_back(path);
    grading = grading || IsGradingInput(path);
  }
  if (changed_fields.empty()) {
    change.changed = false;
    return change;
  }
  v1::HistoryEntry* h = AddHistory(&t, v1::HISTORY_ACTION_UPDATE, actor, now);
  for (auto& [field, values] : changes) {
    AddChange(h, field, std::move(values.first), std::move(values.second));
  }
  change.wire = Stamp(&t, now);
  change.changed = true;

  v1::TicketUpdated e;
  *e.mutable_facts() = MakeFacts(t);
  for (const std::string& f : changed_fields) e.add_changed_fields(f);
  e.set_grading_inputs_changed(grading);
  e.set_updated_by(actor.subject);
  change.events.push_back(MakeEvent(e, t.name()));
  return change;
}

absl::StatusOr<TicketChange> ApplyAssign(const v1::Ticket& current,
                                         const v1::AssignTicketRequest& request,
                                         const Principal& actor,
                                         absl::Time now) {
  RETURN_IF_ERROR(CheckEtag(current.etag(), request.etag()));
  absl::StatusOr<v1::TicketStatus> next =
      StatusAfterAssignment(current.status(), !request.assignee().empty());
  if (!next.ok()) return next.status();
  const bool grade_change =
      request.grade() != cs::common::v1::GRADE_UNSPECIFIED &&
      request.grade() != current.grade();
  TicketChange change;
  change.ticket = current;
  v1::Ticket& t = change.ticket;
  if (request.department() == current.department() &&
      request.assignee() == current.assignee() && !grade_change &&
      *next == current.status()) {
    change.changed = false;
    return change;
  }
  v1::HistoryEntry* h =
      AddHistory(&t, v1::HISTORY_ACTION_ASSIGN, actor, now, request.note());
  if (request.department() != current.department()) {
    AddChange(h, "department", current.department(), request.department());
  }
  if (request.assignee() != current.assignee()) {
    AddChange(h, "assignee", current.assignee(), request.assignee());
  }
  if (grade_change) {
    AddChange(h, "grade", GradeText(current.grade()),
              GradeText(request.grade()));
    t.set_grade(request.grade());
  }
  if (*next != current.status()) {
    AddChange(h, "status", StatusText(current.status()), StatusText(*next));
  }
  t.set_department(request.department());
  t.set_assignee(request.assignee());
  t.set_status(*next);
  change.wire = Stamp(&t, now);
  change.changed = true;

  v1::TicketAssigned e;
  *e.mutable_facts() = MakeFacts(t);
  e.set_previous_department(current.department());
  e.set_previous_assignee(current.assignee());
  e.set_previous_grade(current.grade());
  e.set_assigned_by(actor.subject);
  change.events.push_back(MakeEvent(e, t.name()));
  AddStatusChanged(t, current.status(), actor, &change.events);
  return change;
}

absl::StatusOr<TicketChange> ApplyReply(const v1::Ticket& current,
                                        const v1::AddReplyRequest& request,
                                        absl::string_view reply_id,
                                        const Principal& actor,
                                        absl::Time now) {
  RETURN_IF_ERROR(CheckEtag(current.etag(), request.etag()));
  const v1::Reply& in = request.reply();
  absl::StatusOr<v1::TicketStatus> next =
      StatusAfterReply(current.status(), in.author_kind(), in.visibility());
  if (!next.ok()) return next.status();
  if (current.replies_size() >= kMaxRepliesPerTicket) {
    return cs::WithErrorInfo(absl::ResourceExhaustedError(absl::StrCat(
                                 "ticket ", current.name(), " already has ",
                                 kMaxRepliesPerTicket, " replies")),
                             "TOO_MANY_REPLIES",
                             {{"limit", absl::StrCat(kMaxRepliesPerTicket)}});
  }
  TicketChange change;
  change.ticket = current;
  v1::Ticket& t = change.ticket;
  const bool is_public = in.visibility() == v1::REPLY_VISIBILITY_PUBLIC;
  const bool is_customer = in.author_kind() == v1::AUTHOR_KIND_CUSTOMER;

  v1::Reply* reply = t.add_replies();
  reply->set_id(std::string(reply_id));
  reply->set_author_kind(in.author_kind());
  reply->set_author(is_customer ? CustomerName(current.customer_id())
                                : actor.subject);
  reply->set_visibility(in.visibility());
  reply->set_body(in.body());
  *reply->mutable_create_time() = ToProtoTime(now);

  const bool first_response = is_public &&
                              in.author_kind() == v1::AUTHOR_KIND_AGENT &&
                              !current.has_first_response_time();
  if (first_response) *t.mutable_first_response_time() = ToProtoTime(now);

  v1::HistoryEntry* h =
      AddHistory(&t, v1::HISTORY_ACTION_REPLY, actor, now,
                 is_public ? "public reply" : "internal note");
  AddChange(h, "replies", "", std::string(reply_id));
  if (*next != current.status()) {
    AddChange(h, "status", StatusText(current.status()), StatusText(*next));
  }
  t.set_status(*next);
  change.wire = Stamp(&t, now);
  change.changed = true;

  v1::TicketReplied e;
  *e.mutable_facts() = MakeFacts(t);
  e.set_reply_id(std::string(reply_id));
  e.set_author_kind(in.author_kind());
  e.set_is_public(is_public);
  e.set_first_response(first_response);
  if (!is_customer) e.set_agent(actor.subject);
  *e.mutable_reply_time() = ToProtoTime(now);
  change.events.push_back(MakeEvent(e, t.name()));
  AddStatusChanged(t, current.status(), actor, &change.events);
  return change;
}

absl::StatusOr<TicketChange> ApplyChangeStatus(
    const v1::Ticket& current, const v1::ChangeStatusRequest& request,
    const Principal& actor, absl::Time now) {
  RETURN_IF_ERROR(CheckEtag(current.etag(), request.etag()));
  RETURN_IF_ERROR(CheckTransition(current.status(), request.status()));
  TicketChange change;
  change.ticket = current;
  v1::Ticket& t = change.ticket;
  v1::HistoryEntry* h = AddHistory(&t, v1::HISTORY_ACTION_CHANGE_STATUS, actor,
                                   now, request.reason());
  AddChange(h, "status", StatusText(current.status()),
            StatusText(request.status()));
  t.set_status(request.status());
  change.wire = Stamp(&t, now);
  change.changed = true;
  AddStatusChanged(t, current.status(), actor, &change.events);
  return change;
}

absl::StatusOr<TicketChange> ApplyResolve(
    const v1::Ticket& current, const v1::ResolveTicketRequest& request,
    const Principal& actor, absl::Time now) {
  RETURN_IF_ERROR(CheckEtag(current.etag(), request.etag()));
  RETURN_IF_ERROR(
      CheckTransition(current.status(), v1::TICKET_STATUS_RESOLVED));
  TicketChange change;
  change.ticket = current;
  v1::Ticket& t = change.ticket;
  const bool fcr =
      request.solved_at_first_contact() && current.reopen_count() == 0;
  v1::HistoryEntry* h = AddHistory(&t, v1::HISTORY_ACTION_RESOLVE, actor, now);
  AddChange(h, "status", StatusText(current.status()), "RESOLVED");
  AddChange(h, "resolution", current.resolution(), request.resolution());
  AddChange(h, "solved_at_first_contact",
            current.solved_at_first_contact() ? "true" : "false",
            fcr ? "true" : "false");
  t.set_status(v1::TICKET_STATUS_RESOLVED);
  t.set_resolution(request.resolution());
  t.set_solved_at_first_contact(fcr);
  *t.mutable_resolve_time() = ToProtoTime(now);
  *t.mutable_service_duration() =
      ToProtoDuration(now - FromProtoTime(current.create_time()));
  change.wire = Stamp(&t, now);
  change.changed = true;

  v1::TicketResolved e;
  *e.mutable_facts() = MakeFacts(t);
  e.set_resolved_by(actor.subject);
  e.set_previous_status(current.status());
  change.events.push_back(MakeEvent(e, t.name()));
  AddStatusChanged(t, current.status(), actor, &change.events);
  return change;
}

absl::StatusOr<TicketChange> ApplyClose(const v1::Ticket& current,
                                        const v1::CloseTicketRequest& request,
                                        const Principal& actor,
                                        absl::Time now) {
  RETURN_IF_ERROR(CheckEtag(current.etag(), request.etag()));
  RETURN_IF_ERROR(CheckTransition(current.status(), v1::TICKET_STATUS_CLOSED));
  TicketChange change;
  change.ticket = current;
  v1::Ticket& t = change.ticket;
  v1::HistoryEntry* h =
      AddHistory(&t, v1::HISTORY_ACTION_CLOSE, actor, now, request.reason());
  AddChange(h, "status", StatusText(current.status()), "CLOSED");
  t.set_status(v1::TICKET_STATUS_CLOSED);
  *t.mutable_close_time() = ToProtoTime(now);
  change.wire = Stamp(&t, now);
  change.changed = true;

  v1::TicketClosed e;
  *e.mutable_facts() = MakeFacts(t);
  e.set_closed_by(actor.subject);
  e.set_previous_status(current.status());
  change.events.push_back(MakeEvent(e, t.name()));
  AddStatusChanged(t, current.status(), actor, &change.events);
  return change;
}

absl::StatusOr<TicketChange> ApplyReopen(const v1::Ticket& current,
                                         const v1::ReopenTicketRequest& request,
                                         const Principal& actor,
                                         absl::Time now) {
  RETURN_IF_ERROR(CheckEtag(current.etag(), request.etag()));
  if (!current.merged_into().empty()) return TicketMergedError(current);
  RETURN_IF_ERROR(
      CheckTransition(current.status(), v1::TICKET_STATUS_REOPENED));
  TicketChange change;
  change.ticket = current;
  v1::Ticket& t = change.ticket;
  v1::HistoryEntry* h =
      AddHistory(&t, v1::HISTORY_ACTION_REOPEN, actor, now, request.reason());
  AddChange(h, "status", StatusText(current.status()), "REOPENED");
  AddChange(h, "reopen_count", absl::StrCat(current.reopen_count()),
            absl::StrCat(current.reopen_count() + 1));
  t.set_status(v1::TICKET_STATUS_REOPENED);
  t.set_reopen_count(current.reopen_count() + 1);
  t.clear_resolution();
  t.clear_resolve_time();
  t.clear_close_time();
  t.clear_service_duration();
  t.set_solved_at_first_contact(false);
  change.wire = Stamp(&t, now);
  change.changed = true;

  v1::TicketReopened e;
  *e.mutable_facts() = MakeFacts(t);
  e.set_reopened_by(actor.subject);
  e.set_previous_status(current.status());
  change.events.push_back(MakeEvent(e, t.name()));
  AddStatusChanged(t, current.status(), actor, &change.events);
  return change;
}

absl::StatusOr<MergeChange> ApplyMerge(const v1::Ticket& target,
                                       const std::vector<v1::Ticket>& sources,
                                       const v1::MergeTicketsRequest& request,
                                       const Principal& actor, absl::Time now) {
  RETURN_IF_ERROR(CheckEtag(target.etag(), request.target_etag()));
  if (target.status() == v1::TICKET_STATUS_CLOSED) {
    return TicketClosedError(target, "tickets cannot be merged into it");
  }
  for (const v1::Ticket& source : sources) {
    if (source.status() == v1::TICKET_STATUS_CLOSED) {
      return TicketClosedError(source, "it cannot be merged");
    }
    if (source.customer_id() != target.customer_id()) {
      return cs::WithErrorInfo(
          absl::FailedPreconditionError(absl::StrCat(
              "ticket ", source.name(), " belongs to another customer than ",
              target.name(), "; only one customer's tickets can be merged")),
          "CUSTOMER_MISMATCH", {{"ticket", source.name()}});
    }
  }
  MergeChange change;
  change.target = target;
  v1::Ticket& t = change.target;
  v1::HistoryEntry* th =
      AddHistory(&t, v1::HISTORY_ACTION_MERGE, actor, now, request.reason());
  v1::TicketMerged merged;
  for (const v1::Ticket& source : sources) {
    t.add_merged_from(source.name());
    AddChange(th, "merged_from", "", source.name());
    merged.add_sources(source.name());

    v1::Ticket s = source;
    v1::HistoryEntry* sh =
        AddHistory(&s, v1::HISTORY_ACTION_MERGE, actor, now, request.reason());
    AddChange(sh, "status", StatusText(source.status()), "CLOSED");
    AddChange(sh, "merged_into", "", target.name());
    s.set_status(v1::TICKET_STATUS_CLOSED);
    s.set_merged_into(target.name());
    *s.mutable_close_time() = ToProtoTime(now);
    change.source_wires.push_back(Stamp(&s, now));
    change.sources.push_back(std::move(s));
  }
  change.target_wire = Stamp(&t, now);

  *merged.mutable_facts() = MakeFacts(t);
  merged.set_merged_by(actor.subject);
  change.events.push_back(MakeEvent(merged, t.name()));
  for (size_t i = 0; i < sources.size(); ++i) {
    const v1::Ticket& s = change.sources[i];
    v1::TicketClosed closed;
    *closed.mutable_facts() = MakeFacts(s);
    closed.set_closed_by(actor.subject);
    closed.set_previous_status(sources[i].status());
    closed.set_merged_into(target.name());
    change.events.push_back(MakeEvent(closed, s.name()));
    AddStatusChanged(s, sources[i].status(), actor, &change.events);
  }
  return change;
}

absl::StatusOr<TicketChange> ApplyFeedback(
    const v1::Ticket& current, const v1::SubmitFeedbackRequest& request,
    const Principal& actor, absl::Time now) {
  if (current.has_feedback()) {
    return cs::WithErrorInfo(
        absl::AlreadyExistsError(
            absl::StrCat("ticket ", current.name(), " already has feedback")),
        "FEEDBACK_EXISTS", {{"ticket", current.name()}});
  }
  if (!current.merged_into().empty()) return TicketMergedError(current);
  if (current.status() != v1::TICKET_STATUS_RESOLVED &&
      current.status() != v1::TICKET_STATUS_CLOSED) {
    return cs::WithErrorInfo(
        absl::FailedPreconditionError(
            absl::StrCat("ticket is ", StatusName(current.status()),
                         "; feedback needs a RESOLVED or CLOSED ticket")),
        "TICKET_NOT_RESOLVED",
        {{"current", std::string(StatusName(current.status()))}});
  }
  TicketChange change;
  change.ticket = current;
  v1::Ticket& t = change.ticket;
  v1::Feedback* f = t.mutable_feedback();
  *f = request.feedback();
  *f->mutable_submit_time() = ToProtoTime(now);
  t.set_satisfaction(f->csat());
  v1::HistoryEntry* h = AddHistory(&t, v1::HISTORY_ACTION_FEEDBACK, actor, now);
  AddChange(h, "satisfaction", "", absl::StrCat(f->csat()));
  change.wire = Stamp(&t, now);
  change.changed = true;

  v1::FeedbackSubmitted e;
  *e.mutable_facts() = MakeFacts(t);
  e.set_csat(f->csat());
  if (f->has_nps()) e.set_nps(f->nps());
  e.set_attitude(f->attitude());
  e.set_skill(f->skill());
  e.set_timeliness(f->timeliness());
  e.set_promises_kept(f->promises_kept());
  *e.mutable_submit_time() = f->submit_time();
  change.events.push_back(MakeEvent(e, t.name()));
  return change;
}

// ---- Customers
// -----------------------------------------------------------------

absl::StatusOr<CustomerChange> ApplyUpsertCustomer(
    const v1::StoredCustomer* existing,
    const v1::UpsertCustomerRequest& request,
    const std::vector<std::string>& paths, const Keyring& keyring,
    absl::Time now) {
  const v1::Customer& in = request.customer();
  CustomerChange change;
  change.created = existing == nullptr;
  if (existing != nullptr) {
    RETURN_IF_ERROR(CheckEtag(existing->profile().etag(), in.etag()));
    change.stored = *existing;
  } else {
    const bool has_name =
        std::find(paths.begin(), paths.end(), "full_name") != paths.end() &&
        !in.full_name().empty();
    if (!has_name) {
      return cs::InvalidField("customer.full_name",
                              "is required when creating a customer");
    }
    absl::StatusOr<std::string> id =
        ParseCustomerName(in.name(), "customer.name");
    if (!id.ok()) return id.status();
    v1::Customer* p = change.stored.mutable_profile();
    p->set_name(in.name());
    p->set_id(*id);
    *p->mutable_create_time() = ToProtoTime(now);
  }
  v1::StoredCustomer& stored = change.stored;
  // Work on the clear name and phone; they are sealed again below.
  ContactText contact;
  if (existing != nullptr) {
    ASSIGN_OR_RETURN(contact, OpenContact(stored, keyring));
  }
  v1::Customer* p = stored.mutable_profile();
  const v1::StoredCustomer before = stored;
  const ContactText contact_before = contact;
  bool secret_written = false;
  for (const std::string& path : paths) {
    if (path == "type") {
      p->set_type(in.type());
    } else if (path == "region") {
      p->set_region(in.region());
    } else if (path == "full_name") {
      contact.full_name =
          std::string(absl::StripAsciiWhitespace(in.full_name()));
    } else if (path == "title") {
      p->set_title(in.title());
    } else if (path == "phone") {
      if (in.phone().empty()) {
        contact.phone.clear();
      } else {
        absl::StatusOr<std::string> phone = NormalizePhone(in.phone());
        if (!phone.ok()) {
          return cs::InvalidField("customer.phone", phone.status().message());
        }
        contact.phone = *std::move(phone);
      }
    } else if (path == "id_card" || path == "bank_card") {
      const bool id_card = path == "id_card";
      const std::string& value = id_card ? in.id_card() : in.bank_card();
      std::string* ciphertext = id_card ? stored.mutable_id_card_ciphertext()
                                        : stored.mutable_bank_card_ciphertext();
      std::string* masked =
          id_card ? p->mutable_id_card_masked() : p->mutable_bank_card_masked();
      if (value.empty()) {
        ciphertext->clear();
        masked->clear();
        continue;
      }
      const std::string normalized =
          id_card ? NormalizeIdCard(value) : NormalizeBankCard(value);
      absl::StatusOr<std::string> sealed = keyring.Encrypt(
          normalized,
          PiiAad(p->name(), id_card ? common::v1::PII_FIELD_ID_CARD
                                    : common::v1::PII_FIELD_BANK_CARD));
      if (!sealed.ok()) return sealed.status();
      *ciphertext = *std::move(sealed);
      *masked = id_card ? MaskIdCard(normalized) : MaskBankCard(normalized);
      secret_written = true;
    }
  }
  p->clear_id_card();
  p->clear_bank_card();
  const bool contact_changed = contact.full_name != contact_before.full_name ||
                               contact.phone != contact_before.phone;
  change.changed = change.created || secret_written || contact_changed ||
                   !MessageDifferencer::Equals(before, stored);
  if (!change.changed) return change;
  // Re-sealed on every write (fresh nonce, current key; the masked name
  // follows a changed title).
  RETURN_IF_ERROR(SealContact(contact, keyring, &stored));
  p = stored.mutable_profile();  // SealContact replaced the message
  *p->mutable_update_time() = ToProtoTime(now);
  p->set_etag(ComputeEtag(stored));
  return change;
}

absl::StatusOr<v1::Customer> CustomerView(const v1::StoredCustomer& stored,
                                          bool reveal_contact,
                                          const Keyring& keyring) {
  v1::Customer out = stored.profile();
  out.clear_id_card();
  out.clear_bank_card();
  if (reveal_contact) {
    ASSIGN_OR_RETURN(ContactText contact, OpenContact(stored, keyring));
    out.set_full_name(std::move(contact.full_name));
    out.set_phone(std::move(contact.phone));
    return out;
  }
  ContactText masked = MaskedContact(stored);
  out.set_full_name(std::move(masked.full_name));
  out.set_phone(std::move(masked.phone));
  return out;
}

absl::StatusOr<PiiReveal> RevealCustomerPii(
    const PermissionTable& table, const Principal& principal,
    const v1::StoredCustomer& stored,
    const v1::RevealCustomerPiiRequest& request, const Keyring& keyring,
    absl::string_view audit_id, absl::Time now) {
  RETURN_IF_ERROR(Authorize(table, principal, Action::kReadPii));
  const v1::Customer& profile = stored.profile();
  const bool id_card = request.field() == common::v1::PII_FIELD_ID_CARD;
  const std::string& ciphertext =
      id_card ? stored.id_card_ciphertext() : stored.bank_card_ciphertext();
  if (ciphertext.empty()) {
    return absl::NotFoundError(absl::StrCat(profile.name(), " has no ",
                                            id_card ? "id_card" : "bank_card"));
  }
  absl::StatusOr<std::string> value =
      keyring.Decrypt(ciphertext, PiiAad(profile.name(), request.field()));
  if (!value.ok()) return value.status();
  PiiReveal out;
  out.value = *std::move(value);
  out.audit = MakeAuditRecord(principal, common::v1::AUDIT_ACTION_REVEAL_PII,
                              profile.name(), audit_id, now);
  out.audit.set_field(request.field());
  out.audit.set_reason(request.reason());
  return out;
}

}  // namespace cs::ticket
