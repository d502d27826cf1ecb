#include "services/ticket/domain/text_masking.h"

#include <utility>

#include "absl/types/span.h"
#include "libs/common/pii_text.h"
#include "libs/common/proto_wire.h"
#include "libs/common/status_macros.h"

namespace cs::ticket {
namespace {

void Mask(std::string* text) {
  if (ContainsPiiText(*text)) *text = MaskPiiText(*text);
}

// Where free text sits in a message: its string fields, and nested message
// fields with free text of their own.
struct TextFields;
struct NestedText {
  int number;
  const TextFields* fields;
};
struct TextFields {
  absl::Span<const int> strings;
  absl::Span<const NestedText> nested;
};

constexpr int kFieldChangeStrings[] = {v1::FieldChange::kOldValueFieldNumber,
                                       v1::FieldChange::kNewValueFieldNumber};
constexpr TextFields kFieldChangeText{kFieldChangeStrings, {}};
constexpr int kHistoryStrings[] = {v1::HistoryEntry::kNoteFieldNumber};
constexpr NestedText kHistoryNested[] = {
    {v1::HistoryEntry::kChangesFieldNumber, &kFieldChangeText}};
constexpr TextFields kHistoryText{kHistoryStrings, kHistoryNested};
constexpr int kReplyStrings[] = {v1::Reply::kBodyFieldNumber};
constexpr TextFields kReplyText{kReplyStrings, {}};
constexpr int kFeedbackStrings[] = {v1::Feedback::kCommentFieldNumber};
constexpr TextFields kFeedbackText{kFeedbackStrings, {}};
constexpr int kTicketStrings[] = {v1::Ticket::kSubjectFieldNumber,
                                  v1::Ticket::kDescriptionFieldNumber,
                                  v1::Ticket::kResolutionFieldNumber};
constexpr NestedText kTicketNested[] = {
    {v1::Ticket::kRepliesFieldNumber, &kReplyText},
    {v1::Ticket::kHistoryFieldNumber, &kHistoryText},
    {v1::Ticket::kFeedbackFieldNumber, &kFeedbackText}};
constexpr TextFields kTicketText{kTicketStrings, kTicketNested};

// Whether any free text of `message`, laid out as `fields` says, holds a
// value to mask. Reads the wire without parsing.
absl::StatusOr<bool> HoldsPiiText(absl::string_view message,
                                  const TextFields& fields) {
  bool found = false;
  absl::Status nested_status;
  RETURN_IF_ERROR(
      proto_wire::ForEachField(message, [&](const proto_wire::Field& field) {
        if (found || !field.length_delimited) return;
        for (int number : fields.strings) {
          if (field.number == number && ContainsPiiText(field.payload)) {
            found = true;
            return;
          }
        }
        for (const NestedText& nested : fields.nested) {
          if (field.number != nested.number) continue;
          absl::StatusOr<bool> held =
              HoldsPiiText(field.payload, *nested.fields);
          if (!held.ok()) {
            nested_status = held.status();
          } else {
            found = *held;
          }
          return;
        }
      }));
  RETURN_IF_ERROR(nested_status);
  return found;
}

}  // namespace

void MaskTicketText(v1::Ticket& ticket) {
  Mask(ticket.mutable_subject());
  Mask(ticket.mutable_description());
  Mask(ticket.mutable_resolution());
  for (v1::Reply& reply : *ticket.mutable_replies()) Mask(reply.mutable_body());
  for (v1::HistoryEntry& entry : *ticket.mutable_history()) {
    Mask(entry.mutable_note());
    for (v1::FieldChange& change : *entry.mutable_changes()) {
      Mask(change.mutable_old_value());
      Mask(change.mutable_new_value());
    }
  }
  if (ticket.has_feedback()) MaskTicketText(*ticket.mutable_feedback());
}

void MaskTicketText(v1::Feedback& feedback) {
  Mask(feedback.mutable_comment());
}

void MaskTicketText(v1::AddReplyResponse& response) {
  Mask(response.mutable_reply()->mutable_body());
  MaskTicketText(*response.mutable_ticket());
}

absl::StatusOr<std::string> MaskTicketTextInWire(std::string ticket) {
  ASSIGN_OR_RETURN(bool holds, HoldsPiiText(ticket, kTicketText));
  if (!holds) return ticket;
  v1::Ticket parsed;
  if (!parsed.ParseFromString(ticket)) {
    return absl::DataLossError("stored ticket does not parse");
  }
  MaskTicketText(parsed);
  return parsed.SerializeAsString();
}

}  // namespace cs::ticket
