// Validation of every TicketService request, and of the formats it relies on
// (phone numbers, ID cards, bank cards, resource names, identifiers).
//
// Each Validate* function checks one request completely and returns OK or
// INVALID_ARGUMENT built with cs::InvalidFields: every violation is listed
// with its field path relative to the request ("ticket.subject",
// "customer.phone", "reply.body", "sources[2]"), the message names the first.
// Error descriptions never repeat the offending value, so no personal data
// reaches logs through them.
//
//   RETURN_IF_ERROR(ValidateCreateTicket(request));
//   ASSIGN_OR_RETURN(std::vector<std::string> paths,
//   ValidateUpdateTicket(request));
//
// Text rules: valid UTF-8; lengths in characters (code points); no control
// characters (multi-line fields allow \n, \r, \t); required text must not be
// blank. Enums must be values the proto defines. Statefulness (is the ticket
// CLOSED? does the etag match?) is not checked here but in apply.h.
//
// All functions are pure and thread-safe.
#ifndef CS_SERVICES_TICKET_DOMAIN_VALIDATION_H_
#define CS_SERVICES_TICKET_DOMAIN_VALIDATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cs/ticket/v1/ticket.pb.h"

namespace cs::ticket {

// Limits, in characters unless stated.
inline constexpr size_t kMaxSubjectChars = 200;
inline constexpr size_t kMaxDescriptionChars = 10000;
inline constexpr size_t kMaxReplyChars = 10000;
inline constexpr size_t kMaxResolutionChars = 5000;
inline constexpr size_t kMaxReasonChars = 1000;
inline constexpr size_t kMaxCommentChars = 1000;
inline constexpr size_t kMaxDepartmentChars = 64;
inline constexpr size_t kMaxRegionChars = 64;
inline constexpr size_t kMaxPersonNameChars = 64;
inline constexpr size_t kMaxCategoryLevels = 5;
inline constexpr size_t kMaxCategoryChars = 32;
inline constexpr size_t kMinPiiReasonChars = 4;
inline constexpr size_t kMaxPiiReasonChars = 500;
inline constexpr size_t kMaxIdChars = 64;  // customer, agent and request ids
inline constexpr size_t kMaxMergeSources = 20;
inline constexpr int32_t kMaxAffectedCustomers = 100000000;
inline constexpr int64_t kMaxMoneyMinorUnits = 1000000000000000;  // 1e15

// ---- Formats -------------------------------------------------------------

// Canonical form of a phone number, or INVALID_ARGUMENT (no field path).
// Accepted: mainland mobile 1[3-9]xxxxxxxxx, optionally with +86 / 0086 and
// spaces or dashes → "13812341234"; landline with area code (010, 02x: three
// digits with the 0; all others four) and a 7–8 digit local number not
// starting with 0, optionally "(area)", dashes/spaces and a 1–6 digit
// extension → "010-12345678" / "0755-1234567-808".
absl::StatusOr<std::string> NormalizePhone(absl::string_view phone);
bool IsValidPhone(absl::string_view phone);
// Only the mobile form (after normalization).
bool IsMobilePhone(absl::string_view phone);

// 18 characters: 17 digits (region code not starting with 0, a real birth
// date 1900-01-01..2099-12-31) and the correct check character (x or X).
bool IsValidIdCard(absl::string_view id_card);
// Upper-cases a trailing 'x'; otherwise returns the input.
std::string NormalizeIdCard(absl::string_view id_card);

// Luhn checksum over a string of digits (false for empty or non-digits).
bool LuhnValid(absl::string_view digits);
// 12–19 digits after removing spaces and dashes, with a valid Luhn digit.
bool IsValidBankCard(absl::string_view bank_card);
// The digits only.
std::string NormalizeBankCard(absl::string_view bank_card);

// [A-Za-z0-9_-]{1,64}.
bool IsValidCustomerId(absl::string_view id);
// [A-Za-z0-9._@-]{1,64} (agent ids, assignees).
bool IsValidAgentId(absl::string_view id);
// 1–64 printable ASCII characters without spaces.
bool IsValidRequestId(absl::string_view id);

// ---- Resource names --------------------------------------------------------

std::string TicketName(absl::string_view ticket_id);      // "tickets/{id}"
std::string CustomerName(absl::string_view customer_id);  // "customers/{id}"

// The ULID of "tickets/{ULID}"; INVALID_ARGUMENT on `field` otherwise
// (empty: "is required").
absl::StatusOr<std::string> ParseTicketName(absl::string_view name,
                                            absl::string_view field = "name");
// The id of "customers/{id}"; INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<std::string> ParseCustomerName(absl::string_view name,
                                              absl::string_view field = "name");

// ---- Requests --------------------------------------------------------------

absl::Status ValidateCreateTicket(const v1::CreateTicketRequest& request);
absl::Status ValidateGetTicket(const v1::GetTicketRequest& request);
// Also rejects a negative page_size and create_time_from ≥ create_time_to.
absl::Status ValidateListTickets(const v1::ListTicketsRequest& request);

// Field paths UpdateTicket will apply, after expanding "*" (every mutable
// field) or an empty mask (every mutable or immutable field set in the
// ticket) and dropping OUTPUT_ONLY paths. May contain the IMMUTABLE paths
// "channel" / "customer_id" (ApplyUpdate accepts them only unchanged). An
// empty result means nothing to do. Only the values of these paths are
// validated. INVALID_ARGUMENT on "update_mask" for unknown or nested paths or
// "*" combined with others.
absl::StatusOr<std::vector<std::string>> ValidateUpdateTicket(
    const v1::UpdateTicketRequest& request);

absl::Status ValidateAssignTicket(const v1::AssignTicketRequest& request);
absl::Status ValidateAddReply(const v1::AddReplyRequest& request);
// status must be IN_PROGRESS or PENDING_CUSTOMER.
absl::Status ValidateChangeStatus(const v1::ChangeStatusRequest& request);
absl::Status ValidateResolveTicket(const v1::ResolveTicketRequest& request);
absl::Status ValidateCloseTicket(const v1::CloseTicketRequest& request);
absl::Status ValidateReopenTicket(const v1::ReopenTicketRequest& request);
absl::Status ValidateMergeTickets(const v1::MergeTicketsRequest& request);

absl::Status ValidateGetCustomer(const v1::GetCustomerRequest& request);
// Paths UpsertCustomer will apply (see UpsertCustomerRequest): an empty mask
// gives every mutable field, with id_card / bank_card only when non-empty;
// OUTPUT_ONLY paths are dropped. Whether full_name is present for a create is
// checked by ApplyUpsertCustomer, which knows whether the customer exists.
absl::StatusOr<std::vector<std::string>> ValidateUpsertCustomer(
    const v1::UpsertCustomerRequest& request);
absl::Status ValidateListCustomerHistory(
    const v1::ListCustomerHistoryRequest& request);

absl::Status ValidateSubmitFeedback(const v1::SubmitFeedbackRequest& request);
absl::Status ValidateRevealCustomerPii(
    const v1::RevealCustomerPiiRequest& request);
// page_size 0..kMaxRotatePageSize; page_token empty or a customer id (the
// last one examined).
inline constexpr int32_t kMaxRotatePageSize = 1000;
absl::Status ValidateRotatePiiKeys(const v1::RotatePiiKeysRequest& request);

}  // namespace cs::ticket

#endif  // CS_SERVICES_TICKET_DOMAIN_VALIDATION_H_
