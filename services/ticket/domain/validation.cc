#include "services/ticket/domain/validation.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "cs/common/v1/types.pb.h"
#include "libs/common/errors.h"
#include "libs/common/ids.h"
#include "libs/common/money.h"
#include "libs/common/pii_mask.h"
#include "libs/common/pii_text.h"
#include "libs/common/time_proto.h"
#include "libs/common/utf8.h"

namespace cs::ticket {
namespace {

using cs::FieldViolation;

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

std::string Without(absl::string_view s, absl::string_view chars) {
  std::string out;
  for (char c : s) {
    if (chars.find(c) == absl::string_view::npos) out.push_back(c);
  }
  return out;
}

// Area code length (with the leading 0) by the mainland numbering plan.
size_t AreaCodeLength(absl::string_view digits) {
  if (absl::StartsWith(digits, "010") || absl::StartsWith(digits, "02")) {
    return 3;
  }
  return 4;
}

bool IsValidArea(absl::string_view area) {
  return AllDigits(area) && area[0] == '0' && area.size() >= 3 &&
         area[1] != '0' && area.size() == AreaCodeLength(area);
}

bool IsValidLocal(absl::string_view local) {
  return AllDigits(local) && local.size() >= 7 && local.size() <= 8 &&
         local[0] != '0';
}

absl::Status BadPhone() {
  return absl::InvalidArgumentError(
      "must be a mainland mobile number (1[3-9] + 9 digits) or a landline "
      "with area code (e.g. 010-12345678)");
}

// Collects violations for one request.
class Checker {
 public:
  void Add(std::string field, std::string description) {
    violations_.push_back({std::move(field), std::move(description)});
  }

  struct TextRule {
    size_t min_chars = 0;  // 0 = optional
    size_t max_chars = 0;
    bool multiline = false;
  };

  void Text(const std::string& field, absl::string_view value, TextRule rule) {
    const Utf8Scan scan = ScanUtf8(value);
    if (!scan.valid) {
      Add(field, "must be valid UTF-8");
      return;
    }
    if (value.empty()) {
      if (rule.min_chars > 0) Add(field, "is required");
      return;
    }
    if (rule.multiline ? scan.control_besides_newlines : scan.control) {
      Add(field, rule.multiline
                     ? "must not contain control characters"
                     : "must be one line without control characters");
      return;
    }
    if (rule.min_chars > 0 && absl::StripAsciiWhitespace(value).empty()) {
      Add(field, "must not be blank");
      return;
    }
    if (scan.chars < rule.min_chars) {
      Add(field,
          absl::StrCat("must be at least ", rule.min_chars, " characters"));
    } else if (scan.chars > rule.max_chars) {
      Add(field, absl::StrCat("must be at most ", rule.max_chars,
                              " characters (has ", scan.chars, ")"));
    }
  }

  // A label that events, reports and metrics share with every role
  // (category, region, department) holds no personal data: only free text
  // may, and it is masked for callers without read_pii.
  void NoPersonalData(const std::string& field, absl::string_view value) {
    if (cs::ContainsPiiText(value)) {
      Add(field,
          "must not hold personal data (a phone, ID-card or bank-card number "
          "or an e-mail address): it is shared in events and reports");
    }
  }

  void EnumValue(const std::string& field, int value, bool (*is_valid)(int),
                 bool required) {
    if (!is_valid(value)) {
      Add(field, absl::StrCat("unknown value ", value));
    } else if (required && value == 0) {
      Add(field, "is required");
    }
  }

  void TicketNameField(const std::string& field, absl::string_view name) {
    absl::StatusOr<std::string> id = ParseTicketName(name, field);
    if (!id.ok()) Absorb(id.status());
  }

  void CustomerNameField(const std::string& field, absl::string_view name) {
    absl::StatusOr<std::string> id = ParseCustomerName(name, field);
    if (!id.ok()) Absorb(id.status());
  }

  void Department(const std::string& field, absl::string_view value,
                  bool required) {
    if (!required && !value.empty() &&
        absl::StripAsciiWhitespace(value).empty()) {
      Add(field, "must not be blank");
      return;
    }
    Text(field, value, {required ? 1u : 0u, kMaxDepartmentChars, false});
    NoPersonalData(field, value);
  }

  void AgentId(const std::string& field, absl::string_view value) {
    if (!value.empty() && !IsValidAgentId(value)) {
      Add(field, "must be 1-64 of [A-Za-z0-9._@-]");
    }
  }

  void PageSize(int32_t page_size) {
    if (page_size < 0) Add("page_size", "must not be negative");
  }

  void Absorb(const absl::Status& status) {
    for (FieldViolation& v : cs::FieldViolationsOf(status)) {
      violations_.push_back(std::move(v));
    }
  }

  bool ok() const { return violations_.empty(); }

  absl::Status Finish() const {
    if (violations_.empty()) return absl::OkStatus();
    return cs::InvalidFields(violations_);
  }

 private:
  std::vector<FieldViolation> violations_;
};

bool ChannelIsValid(int v) { return cs::common::v1::Channel_IsValid(v); }
bool StageIsValid(int v) { return cs::common::v1::Stage_IsValid(v); }
bool GradeIsValid(int v) { return cs::common::v1::Grade_IsValid(v); }

void CheckMoney(Checker& c, const std::string& field,
                const cs::common::v1::Money& money) {
  if (!cs::IsCurrencyCode(money.currency_code())) {
    c.Add(field + ".currency_code", "must be an ISO 4217 code such as CNY");
  }
  if (money.minor_units() < 0) {
    c.Add(field + ".minor_units", "must not be negative");
  } else if (money.minor_units() > kMaxMoneyMinorUnits) {
    c.Add(field + ".minor_units", "is too large");
  }
}

// Value checks of one mutable (or create-time) ticket field.
void CheckTicketField(Checker& c, const v1::Ticket& t, absl::string_view path,
                      const std::string& prefix) {
  const std::string field = absl::StrCat(prefix, path);
  if (path == "channel") {
    c.EnumValue(field, t.channel(), &ChannelIsValid, true);
  } else if (path == "stage") {
    c.EnumValue(field, t.stage(), &StageIsValid, true);
  } else if (path == "grade") {
    c.EnumValue(field, t.grade(), &GradeIsValid, false);
  } else if (path == "category") {
    if (t.category_size() > static_cast<int>(kMaxCategoryLevels)) {
      c.Add(field,
            absl::StrCat("must have at most ", kMaxCategoryLevels, " levels"));
    }
    for (int i = 0; i < t.category_size(); ++i) {
      const std::string level = absl::StrCat(field, "[", i, "]");
      c.Text(level, t.category(i), {1, kMaxCategoryChars, false});
      c.NoPersonalData(level, t.category(i));
    }
  } else if (path == "affected_customer_count") {
    if (t.affected_customer_count() < 0) {
      c.Add(field, "must not be negative");
    } else if (t.affected_customer_count() > kMaxAffectedCustomers) {
      c.Add(field, absl::StrCat("must be at most ", kMaxAffectedCustomers));
    }
  } else if (path == "loss_estimate") {
    if (t.has_loss_estimate()) CheckMoney(c, field, t.loss_estimate());
  } else if (path == "department") {
    c.Department(field, t.department(), false);
  } else if (path == "subject") {
    c.Text(field, t.subject(), {1, kMaxSubjectChars, false});
  } else if (path == "description") {
    c.Text(field, t.description(), {1, kMaxDescriptionChars, true});
  } else if (path == "customer_id") {
    if (t.customer_id().empty()) {
      c.Add(field, "is required");
    } else if (!IsValidCustomerId(t.customer_id())) {
      c.Add(field, "must be 1-64 of [A-Za-z0-9_-]");
    }
  } else if (path == "customer_type") {
    c.EnumValue(field, t.customer_type(), &v1::CustomerType_IsValid, false);
  } else if (path == "region") {
    c.Text(field, t.region(), {0, kMaxRegionChars, false});
    c.NoPersonalData(field, t.region());
  }
}

// Ticket fields by behaviour on update.
const std::vector<std::string>& MutableTicketPaths() {
  static const auto* const paths = new std::vector<std::string>{
      "subject",       "description",   "stage",
      "category",      "grade",         "affected_customer_count",
      "loss_estimate", "customer_type", "region"};
  return *paths;
}
const std::set<std::string>& ImmutableTicketPaths() {
  static const auto* const paths =
      new std::set<std::string>{"channel", "customer_id"};
  return *paths;
}
const std::set<std::string>& OutputOnlyTicketPaths() {
  static const auto* const paths =
      new std::set<std::string>{"name",
                                "id",
                                "number",
                                "department",
                                "assignee",
                                "customer_display_name",
                                "customer_contact",
                                "status",
                                "resolution",
                                "solved_at_first_contact",
                                "satisfaction",
                                "create_time",
                                "update_time",
                                "first_response_time",
                                "resolve_time",
                                "close_time",
                                "service_duration",
                                "created_by",
                                "reopen_count",
                                "merged_into",
                                "merged_from",
                                "feedback",
                                "etag",
                                "replies",
                                "history"};
  return *paths;
}

bool TicketPathIsSet(const v1::Ticket& t, absl::string_view path) {
  if (path == "subject") return !t.subject().empty();
  if (path == "description") return !t.description().empty();
  if (path == "stage") return t.stage() != 0;
  if (path == "category") return t.category_size() > 0;
  if (path == "grade") return t.grade() != 0;
  if (path == "affected_customer_count")
    return t.affected_customer_count() != 0;
  if (path == "loss_estimate") return t.has_loss_estimate();
  if (path == "customer_type") return t.customer_type() != 0;
  if (path == "region") return !t.region().empty();
  if (path == "channel") return t.channel() != 0;
  if (path == "customer_id") return !t.customer_id().empty();
  return false;
}

const std::vector<std::string>& MutableCustomerPaths() {
  static const auto* const paths = new std::vector<std::string>{
      "type", "region", "full_name", "title", "phone", "id_card", "bank_card"};
  return *paths;
}
const std::set<std::string>& OutputOnlyCustomerPaths() {
  static const auto* const paths = new std::set<std::string>{
      "name",        "id",  "id_card_masked", "bank_card_masked", "create_time",
      "update_time", "etag"};
  return *paths;
}

void CheckCustomerField(Checker& c, const v1::Customer& cu,
                        absl::string_view path) {
  const std::string field = absl::StrCat("customer.", path);
  if (path == "type") {
    c.EnumValue(field, cu.type(), &v1::CustomerType_IsValid, false);
  } else if (path == "region") {
    c.Text(field, cu.region(), {0, kMaxRegionChars, false});
    c.NoPersonalData(field, cu.region());
  } else if (path == "full_name") {
    c.Text(field, cu.full_name(), {1, kMaxPersonNameChars, false});
  } else if (path == "title") {
    c.EnumValue(field, cu.title(), &v1::Title_IsValid, false);
  } else if (path == "phone") {
    if (!cu.phone().empty() && !IsValidPhone(cu.phone())) {
      c.Add(field, std::string(BadPhone().message()));
    }
  } else if (path == "id_card") {
    if (!cu.id_card().empty() && !IsValidIdCard(cu.id_card())) {
      c.Add(field,
            "must be an 18-character ID-card number with a valid birth date "
            "and check character");
    }
  } else if (path == "bank_card") {
    if (!cu.bank_card().empty() && !IsValidBankCard(cu.bank_card())) {
      c.Add(field, "must be 12-19 digits with a valid Luhn check digit");
    }
  }
}

// Shared handling of a FieldMask against known paths. Returns false (after
// adding violations) when the mask is malformed.
bool CheckMaskPaths(Checker& c, const google::protobuf::FieldMask& mask,
                    const std::vector<std::string>& mutable_paths,
                    const std::set<std::string>& immutable_paths,
                    const std::set<std::string>& output_only_paths) {
  bool ok = true;
  for (int i = 0; i < mask.paths_size(); ++i) {
    const std::string& path = mask.paths(i);
    const std::string field = absl::StrCat("update_mask.paths[", i, "]");
    if (path == "*") {
      if (mask.paths_size() != 1) {
        c.Add(field, "'*' must be the only path");
        ok = false;
      }
      continue;
    }
    if (absl::StrContains(path, '.')) {
      c.Add(field,
            "nested field paths are not supported; name the "
            "top-level field");
      ok = false;
      continue;
    }
    const bool known = std::find(mutable_paths.begin(), mutable_paths.end(),
                                 path) != mutable_paths.end() ||
                       immutable_paths.count(path) > 0 ||
                       output_only_paths.count(path) > 0;
    if (!known) {
      c.Add(field, "unknown field path");
      ok = false;
    }
  }
  return ok;
}

}  // namespace

// ---- Formats
// -----------------------------------------------------------------

absl::StatusOr<std::string> NormalizePhone(absl::string_view phone) {
  absl::string_view s = absl::StripAsciiWhitespace(phone);
  if (s.empty() || s.size() > 32) return BadPhone();
  bool international = false;
  if (absl::ConsumePrefix(&s, "+86") || absl::ConsumePrefix(&s, "0086")) {
    international = true;
  }
  const std::string compact = Without(s, " -()");
  if (!AllDigits(compact)) return BadPhone();
  // Mobile.
  if (compact.size() == 11 && compact[0] == '1' && compact[1] >= '3' &&
      compact[1] <= '9') {
    // A mobile number must not carry "(area)" parentheses.
    if (absl::StrContains(s, '(')) return BadPhone();
    return compact;
  }
  // Landline. Internationally written numbers drop the trunk 0.
  std::string body = Without(s, " ");
  if (international) {
    absl::string_view b = body;
    absl::ConsumePrefix(&b, "-");
    body = absl::StrCat("0", b);
  }
  std::string area, local, ext;
  if (absl::StartsWith(body, "(")) {
    const size_t close = body.find(')');
    if (close == std::string::npos) return BadPhone();
    area = body.substr(1, close - 1);
    absl::string_view rest = absl::string_view(body).substr(close + 1);
    absl::ConsumePrefix(&rest, "-");
    const size_t dash = rest.find('-');
    local = std::string(rest.substr(0, dash));
    if (dash != absl::string_view::npos)
      ext = std::string(rest.substr(dash + 1));
  } else if (body.find('-') != std::string::npos) {
    const size_t d1 = body.find('-');
    area = body.substr(0, d1);
    const size_t d2 = body.find('-', d1 + 1);
    local = body.substr(
        d1 + 1, d2 == std::string::npos ? std::string::npos : d2 - d1 - 1);
    if (d2 != std::string::npos) ext = body.substr(d2 + 1);
  } else {
    if (!AllDigits(body) || body[0] != '0') return BadPhone();
    const size_t n = AreaCodeLength(body);
    if (body.size() <= n) return BadPhone();
    area = body.substr(0, n);
    local = body.substr(n);
  }
  if (!IsValidArea(area) || !IsValidLocal(local)) return BadPhone();
  if (!ext.empty() && (!AllDigits(ext) || ext.size() > 6)) return BadPhone();
  std::string out = absl::StrCat(area, "-", local);
  if (!ext.empty()) absl::StrAppend(&out, "-", ext);
  return out;
}

bool IsValidPhone(absl::string_view phone) {
  return NormalizePhone(phone).ok();
}

bool IsMobilePhone(absl::string_view phone) {
  absl::StatusOr<std::string> n = NormalizePhone(phone);
  return n.ok() && n->size() == 11 && (*n)[0] == '1';
}

bool IsValidIdCard(absl::string_view id_card) {
  if (id_card.size() != 18) return false;
  const absl::string_view first17 = id_card.substr(0, 17);
  if (!AllDigits(first17) || first17[0] == '0') return false;
  int year = 0, month = 0, day = 0;
  if (!absl::SimpleAtoi(first17.substr(6, 4), &year) ||
      !absl::SimpleAtoi(first17.substr(10, 2), &month) ||
      !absl::SimpleAtoi(first17.substr(12, 2), &day)) {
    return false;
  }
  if (year < 1900 || year > 2099) return false;
  const absl::CivilDay birth(year, month, day);
  if (birth.year() != year || birth.month() != month || birth.day() != day) {
    return false;
  }
  char last = id_card[17];
  if (last == 'x') last = 'X';
  return last == IdCardCheckChar(first17);
}

std::string NormalizeIdCard(absl::string_view id_card) {
  std::string out(id_card);
  if (!out.empty() && out.back() == 'x') out.back() = 'X';
  return out;
}

bool LuhnValid(absl::string_view digits) {
  if (!AllDigits(digits)) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool IsValidBankCard(absl::string_view bank_card) {
  const std::string digits = Without(bank_card, " -");
  return digits.size() >= 12 && digits.size() <= 19 && LuhnValid(digits);
}

std::string NormalizeBankCard(absl::string_view bank_card) {
  return Without(bank_card, " -");
}

bool IsValidCustomerId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxIdChars) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           c == '-';
  });
}

bool IsValidAgentId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxIdChars) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           c == '-' || c == '.' || c == '@';
  });
}

bool IsValidRequestId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxIdChars) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return c > 0x20 && c < 0x7F; });
}

// ---- Resource names
// ----------------------------------------------------------

std::string TicketName(absl::string_view ticket_id) {
  return absl::StrCat("tickets/", ticket_id);
}
std::string CustomerName(absl::string_view customer_id) {
  return absl::StrCat("customers/", customer_id);
}
absl::StatusOr<std::string> ParseTicketName(absl::string_view name,
                                            absl::string_view field) {
  if (name.empty()) return cs::InvalidField(field, "is required");
  std::optional<std::string> ulid = cs::UlidOfName(name, "tickets/");
  if (!ulid.has_value()) {
    return cs::InvalidField(field, "must be a ticket name tickets/{ULID}");
  }
  return *std::move(ulid);
}

absl::StatusOr<std::string> ParseCustomerName(absl::string_view name,
                                              absl::string_view field) {
  if (name.empty()) return cs::InvalidField(field, "is required");
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, "customers/") || !IsValidCustomerId(id)) {
    return cs::InvalidField(
        field,
        "must be a customer name customers/{id}, id 1-64 of "
        "[A-Za-z0-9_-]");
  }
  return std::string(id);
}

// ---- Requests
// ----------------------------------------------------------------

absl::Status ValidateCreateTicket(const v1::CreateTicketRequest& request) {
  Checker c;
  if (!request.has_ticket()) {
    c.Add("ticket", "is required");
    return c.Finish();
  }
  const v1::Ticket& t = request.ticket();
  for (absl::string_view path :
       {"channel", "stage", "category", "grade", "affected_customer_count",
        "loss_estimate", "department", "subject", "description", "customer_id",
        "customer_type", "region"}) {
    CheckTicketField(c, t, path, "ticket.");
  }
  if (!request.request_id().empty() &&
      !IsValidRequestId(request.request_id())) {
    c.Add("request_id",
          "must be 1-64 printable ASCII characters without spaces");
  }
  return c.Finish();
}

absl::Status ValidateGetTicket(const v1::GetTicketRequest& request) {
  Checker c;
  c.TicketNameField("name", request.name());
  c.EnumValue("view", request.view(), &v1::TicketView_IsValid, false);
  return c.Finish();
}

absl::Status ValidateListTickets(const v1::ListTicketsRequest& request) {
  Checker c;
  c.PageSize(request.page_size());
  const v1::TicketFilter& f = request.filter();
  for (int i = 0; i < f.statuses_size(); ++i) {
    c.EnumValue(absl::StrCat("filter.statuses[", i, "]"), f.statuses(i),
                &v1::TicketStatus_IsValid, true);
  }
  for (int i = 0; i < f.channels_size(); ++i) {
    c.EnumValue(absl::StrCat("filter.channels[", i, "]"), f.channels(i),
                &ChannelIsValid, true);
  }
  for (int i = 0; i < f.grades_size(); ++i) {
    c.EnumValue(absl::StrCat("filter.grades[", i, "]"), f.grades(i),
                &GradeIsValid, false);
  }
  c.Department("filter.department", f.department(), false);
  c.AgentId("filter.assignee", f.assignee());
  if (!f.customer_id().empty() && !IsValidCustomerId(f.customer_id())) {
    c.Add("filter.customer_id", "must be 1-64 of [A-Za-z0-9_-]");
  }
  if (f.has_create_time_from() && !IsValidProtoTime(f.create_time_from())) {
    c.Add("filter.create_time_from", "is not a valid timestamp");
  }
  if (f.has_create_time_to() && !IsValidProtoTime(f.create_time_to())) {
    c.Add("filter.create_time_to", "is not a valid timestamp");
  }
  if (c.ok() && f.has_create_time_from() && f.has_create_time_to() &&
      FromProtoTime(f.create_time_from()) >=
          FromProtoTime(f.create_time_to())) {
    c.Add("filter.create_time_to", "must be after filter.create_time_from");
  }
  c.EnumValue("order_by", request.order_by(), &v1::TicketOrder_IsValid, false);
  return c.Finish();
}

absl::StatusOr<std::vector<std::string>> ValidateUpdateTicket(
    const v1::UpdateTicketRequest& request) {
  Checker c;
  if (!request.has_ticket()) {
    c.Add("ticket", "is required");
    return c.Finish();
  }
  const v1::Ticket& t = request.ticket();
  c.TicketNameField("ticket.name", t.name());
  const google::protobuf::FieldMask& mask = request.update_mask();
  if (!CheckMaskPaths(c, mask, MutableTicketPaths(), ImmutableTicketPaths(),
                      OutputOnlyTicketPaths())) {
    return c.Finish();
  }
  std::vector<std::string> paths;
  if (mask.paths_size() == 1 && mask.paths(0) == "*") {
    paths = MutableTicketPaths();
  } else if (mask.paths_size() == 0) {
    for (const std::string& p : MutableTicketPaths()) {
      if (TicketPathIsSet(t, p)) paths.push_back(p);
    }
    for (const std::string& p : ImmutableTicketPaths()) {
      if (TicketPathIsSet(t, p)) paths.push_back(p);
    }
  } else {
    for (const std::string& p : mask.paths()) {
      if (OutputOnlyTicketPaths().count(p)) continue;
      if (std::find(paths.begin(), paths.end(), p) == paths.end()) {
        paths.push_back(p);
      }
    }
  }
  for (const std::string& p : paths) CheckTicketField(c, t, p, "ticket.");
  if (!c.ok()) return c.Finish();
  return paths;
}

absl::Status ValidateAssignTicket(const v1::AssignTicketRequest& request) {
  Checker c;
  c.TicketNameField("name", request.name());
  c.Department("department", request.department(), true);
  c.AgentId("assignee", request.assignee());
  c.EnumValue("grade", request.grade(), &GradeIsValid, false);
  c.Text("note", request.note(), {0, kMaxReasonChars, true});
  return c.Finish();
}

absl::Status ValidateAddReply(const v1::AddReplyRequest& request) {
  Checker c;
  c.TicketNameField("name", request.name());
  if (!request.has_reply()) {
    c.Add("reply", "is required");
    return c.Finish();
  }
  const v1::Reply& r = request.reply();
  c.EnumValue("reply.author_kind", r.author_kind(), &v1::AuthorKind_IsValid,
              true);
  c.EnumValue("reply.visibility", r.visibility(), &v1::ReplyVisibility_IsValid,
              true);
  if (r.author_kind() == v1::AUTHOR_KIND_CUSTOMER &&
      r.visibility() == v1::REPLY_VISIBILITY_INTERNAL) {
    c.Add("reply.visibility", "customer replies must be PUBLIC");
  }
  c.Text("reply.body", r.body(), {1, kMaxReplyChars, true});
  return c.Finish();
}

absl::Status ValidateChangeStatus(const v1::ChangeStatusRequest& request) {
  Checker c;
  c.TicketNameField("name", request.name());
  if (request.status() != v1::TICKET_STATUS_IN_PROGRESS &&
      request.status() != v1::TICKET_STATUS_PENDING_CUSTOMER) {
    c.Add("status",
          request.status() == v1::TICKET_STATUS_UNSPECIFIED
              ? "is required"
              : "must be IN_PROGRESS or PENDING_CUSTOMER (use AssignTicket, "
                "ResolveTicket, CloseTicket or ReopenTicket for the others)");
  }
  c.Text("reason", request.reason(), {0, kMaxReasonChars, true});
  return c.Finish();
}

absl::Status ValidateResolveTicket(const v1::ResolveTicketRequest& request) {
  Checker c;
  c.TicketNameField("name", request.name());
  c.Text("resolution", request.resolution(), {1, kMaxResolutionChars, true});
  return c.Finish();
}

absl::Status ValidateCloseTicket(const v1::CloseTicketRequest& request) {
  Checker c;
  c.TicketNameField("name", request.name());
  c.Text("reason", request.reason(), {0, kMaxReasonChars, true});
  return c.Finish();
}

absl::Status ValidateReopenTicket(const v1::ReopenTicketRequest& request) {
  Checker c;
  c.TicketNameField("name", request.name());
  c.Text("reason", request.reason(), {1, kMaxReasonChars, true});
  return c.Finish();
}

absl::Status ValidateMergeTickets(const v1::MergeTicketsRequest& request) {
  Checker c;
  c.TicketNameField("target", request.target());
  if (request.sources_size() == 0) {
    c.Add("sources", "is required");
  } else if (request.sources_size() > static_cast<int>(kMaxMergeSources)) {
    c.Add("sources",
          absl::StrCat("must list at most ", kMaxMergeSources, " tickets"));
  }
  for (int i = 0; i < request.sources_size(); ++i) {
    const std::string field = absl::StrCat("sources[", i, "]");
    const std::string& source = request.sources(i);
    c.TicketNameField(field, source);
    if (source == request.target()) {
      c.Add(field, "must differ from target");
      continue;
    }
    for (int j = 0; j < i; ++j) {
      if (request.sources(j) == source) {
        c.Add(field, absl::StrCat("duplicates sources[", j, "]"));
        break;
      }
    }
  }
  c.Text("reason", request.reason(), {0, kMaxReasonChars, true});
  return c.Finish();
}

absl::Status ValidateGetCustomer(const v1::GetCustomerRequest& request) {
  Checker c;
  c.CustomerNameField("name", request.name());
  return c.Finish();
}

absl::StatusOr<std::vector<std::string>> ValidateUpsertCustomer(
    const v1::UpsertCustomerRequest& request) {
  Checker c;
  if (!request.has_customer()) {
    c.Add("customer", "is required");
    return c.Finish();
  }
  const v1::Customer& cu = request.customer();
  c.CustomerNameField("customer.name", cu.name());
  const google::protobuf::FieldMask& mask = request.update_mask();
  if (!CheckMaskPaths(c, mask, MutableCustomerPaths(), {},
                      OutputOnlyCustomerPaths())) {
    return c.Finish();
  }
  std::vector<std::string> paths;
  if (mask.paths_size() == 0 ||
      (mask.paths_size() == 1 && mask.paths(0) == "*")) {
    for (const std::string& p : MutableCustomerPaths()) {
      if (p == "id_card" && cu.id_card().empty()) continue;
      if (p == "bank_card" && cu.bank_card().empty()) continue;
      paths.push_back(p);
    }
  } else {
    for (const std::string& p : mask.paths()) {
      if (OutputOnlyCustomerPaths().count(p)) continue;
      if (std::find(paths.begin(), paths.end(), p) == paths.end()) {
        paths.push_back(p);
      }
    }
  }
  for (const std::string& p : paths) CheckCustomerField(c, cu, p);
  if (!c.ok()) return c.Finish();
  return paths;
}

absl::Status ValidateListCustomerHistory(
    const v1::ListCustomerHistoryRequest& request) {
  Checker c;
  c.CustomerNameField("customer", request.customer());
  c.PageSize(request.page_size());
  return c.Finish();
}

absl::Status ValidateSubmitFeedback(const v1::SubmitFeedbackRequest& request) {
  Checker c;
  c.TicketNameField("name", request.name());
  if (!request.has_feedback()) {
    c.Add("feedback", "is required");
    return c.Finish();
  }
  const v1::Feedback& f = request.feedback();
  if (f.csat() == 0) {
    c.Add("feedback.csat", "is required (1-5)");
  } else if (f.csat() < 1 || f.csat() > 5) {
    c.Add("feedback.csat", "must be between 1 and 5");
  }
  if (f.has_nps() && (f.nps() < 0 || f.nps() > 10)) {
    c.Add("feedback.nps", "must be between 0 and 10");
  }
  c.EnumValue("feedback.attitude", f.attitude(), &v1::AgentRating_IsValid,
              false);
  c.EnumValue("feedback.skill", f.skill(), &v1::AgentRating_IsValid, false);
  c.EnumValue("feedback.timeliness", f.timeliness(), &v1::AgentRating_IsValid,
              false);
  c.EnumValue("feedback.promises_kept", f.promises_kept(),
              &v1::AgentRating_IsValid, false);
  c.Text("feedback.comment", f.comment(), {0, kMaxCommentChars, true});
  return c.Finish();
}

absl::Status ValidateRevealCustomerPii(
    const v1::RevealCustomerPiiRequest& request) {
  Checker c;
  c.CustomerNameField("name", request.name());
  if (request.field() != common::v1::PII_FIELD_ID_CARD &&
      request.field() != common::v1::PII_FIELD_BANK_CARD) {
    c.Add("field", request.field() == common::v1::PII_FIELD_UNSPECIFIED
                       ? "is required"
                       : "must be ID_CARD or BANK_CARD");
  }
  c.Text("reason", request.reason(),
         {kMinPiiReasonChars, kMaxPiiReasonChars, true});
  return c.Finish();
}

absl::Status ValidateRotatePiiKeys(const v1::RotatePiiKeysRequest& request) {
  Checker c;
  c.PageSize(request.page_size());
  if (request.page_size() > kMaxRotatePageSize) {
    c.Add("page_size", absl::StrCat("must be at most ", kMaxRotatePageSize));
  }
  if (request.page_token().size() > 64 ||
      (!request.page_token().empty() &&
       !IsValidCustomerId(request.page_token()))) {
    c.Add("page_token", "is not a token from RotatePiiKeys");
  }
  return c.Finish();
}

}  // namespace cs::ticket
