#include "services/ticket/store/ticket_repository.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/errors.h"
#include "libs/common/ids.h"
#include "libs/common/status_macros.h"
#include "libs/store/idempotency.h"
#include "services/ticket/domain/query.h"
#include "libs/common/time_proto.h"

namespace cs::ticket {
namespace {

constexpr size_t kIdLength = 26;  // ULID
constexpr size_t kTimeLength = 8;
constexpr char kSeparator = '\0';

uint64_t FloorMicros(absl::Time t) {
  if (t <= absl::UnixEpoch()) return 0;
  return static_cast<uint64_t>(absl::ToUnixMicros(t));
}

uint64_t CeilMicros(absl::Time t) {
  if (t <= absl::UnixEpoch()) return 0;
  uint64_t micros = static_cast<uint64_t>(absl::ToUnixMicros(t));
  if (absl::FromUnixMicros(static_cast<int64_t>(micros)) < t) ++micros;
  return micros;
}

std::string CreateKeyPart(const v1::Ticket& ticket) {
  return EncodeBigEndian64(FloorMicros(FromProtoTime(ticket.create_time())));
}

std::string Separated(absl::string_view tag, absl::string_view value) {
  return absl::StrCat(tag, value, absl::string_view(&kSeparator, 1));
}

std::string StatusPrefix(int status) {
  return absl::StrCat("s/", std::string(1, static_cast<char>(status)));
}

// The index prefix that serves `filter` best (see ListTickets).
std::string ChoosePrefix(const v1::TicketFilter& filter) {
  if (!filter.customer_id().empty()) {
    return Separated("u/", filter.customer_id());
  }
  if (!filter.assignee().empty()) return Separated("a/", filter.assignee());
  if (!filter.department().empty()) {
    return Separated("d/", filter.department());
  }
  if (filter.statuses_size() == 1) return StatusPrefix(filter.statuses(0));
  return "c/";
}

std::string NumberPrefix(absl::CivilDay day) {
  return absl::StrCat("n/", TicketRepository::DayKey(day), "/");
}

absl::Status BadPageToken() {
  return cs::InvalidField("page_token",
                          "is not a token returned by this service");
}

}  // namespace

std::vector<std::string> TicketColumnFamilies() {
  // "quality" is the quality module's own key space
  // (services/ticket/quality/quality_repository.h); this repository never
  // reads or writes it.
  return {kTicketsFamily, kTicketIndexFamily, kCustomersFamily, kAuditFamily,
          "quality"};
}

absl::StatusOr<std::unique_ptr<TicketRepository>> TicketRepository::Open(
    Store& store) {
  ASSIGN_OR_RETURN(ColumnFamily tickets, store.Family(kTicketsFamily));
  ASSIGN_OR_RETURN(ColumnFamily index, store.Family(kTicketIndexFamily));
  ASSIGN_OR_RETURN(ColumnFamily customers, store.Family(kCustomersFamily));
  ASSIGN_OR_RETURN(ColumnFamily audit, store.Family(kAuditFamily));
  return std::unique_ptr<TicketRepository>(
      new TicketRepository(store, tickets, index, customers, audit));
}

TicketRepository::TicketRepository(Store& store, ColumnFamily tickets,
                                   ColumnFamily index, ColumnFamily customers,
                                   ColumnFamily audit)
    : store_(store),
      tickets_(tickets),
      index_(index),
      customers_(customers),
      audit_(store, audit,
             {kAuditListName, CheckAuditResource, /*upgrade=*/nullptr,
              TicketAuditActions()}) {}

// ---- Reads ----------------------------------------------------------------

absl::StatusOr<v1::Ticket> TicketRepository::LoadTicket(
    absl::string_view id) const {
  ASSIGN_OR_RETURN(std::string bytes, LoadTicketBytes(id));
  return ParseTicket(bytes);
}

absl::StatusOr<v1::Ticket> TicketRepository::ParseTicket(
    absl::string_view bytes) {
  return ParseStored<v1::Ticket>(bytes, "ticket");
}

absl::StatusOr<std::string> TicketRepository::LoadTicketBytes(
    absl::string_view id) const {
  absl::StatusOr<std::string> bytes = store_.Get(tickets_, id);
  if (absl::IsNotFound(bytes.status())) {
    return absl::NotFoundError(absl::StrCat("tickets/", id, " not found"));
  }
  return bytes;
}

absl::StatusOr<v1::StoredCustomer> TicketRepository::LoadCustomer(
    absl::string_view customer_id) const {
  absl::StatusOr<std::string> bytes = store_.Get(customers_, customer_id);
  if (absl::IsNotFound(bytes.status())) {
    return absl::NotFoundError(
        absl::StrCat("customers/", customer_id, " not found"));
  }
  if (!bytes.ok()) return bytes.status();
  return ParseStored<v1::StoredCustomer>(*bytes, "customer");
}

absl::StatusOr<std::optional<v1::CreateRequestRecord>>
TicketRepository::FindCreateRequest(absl::string_view request_id) const {
  ASSIGN_OR_RETURN(
      std::optional<std::string> bytes,
      FindIdempotentResult(store_, kCreateRequestScope, request_id));
  if (!bytes.has_value()) return std::nullopt;
  ASSIGN_OR_RETURN(
      v1::CreateRequestRecord record,
      ParseStored<v1::CreateRequestRecord>(*bytes, "request record"));
  return std::optional<v1::CreateRequestRecord>(std::move(record));
}

absl::StatusOr<std::string> TicketRepository::FindTicketByNumber(
    absl::CivilDay day, uint64_t sequence) const {
  absl::StatusOr<std::string> id = store_.Get(
      index_, absl::StrCat(NumberPrefix(day), EncodeBigEndian64(sequence)));
  if (absl::IsNotFound(id.status())) {
    return absl::NotFoundError("no ticket has that number");
  }
  return id;
}

// ---- Writes ---------------------------------------------------------------

std::string TicketRepository::DayKey(absl::CivilDay day) {
  return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
}

std::set<std::string> TicketRepository::IndexKeys(const v1::Ticket& ticket) {
  const std::string tail = absl::StrCat(CreateKeyPart(ticket), ticket.id());
  std::set<std::string> keys;
  keys.insert(absl::StrCat("c/", tail));
  keys.insert(absl::StrCat(Separated("u/", ticket.customer_id()), tail));
  if (!ticket.department().empty()) {
    keys.insert(absl::StrCat(Separated("d/", ticket.department()), tail));
  }
  if (!ticket.assignee().empty()) {
    keys.insert(absl::StrCat(Separated("a/", ticket.assignee()), tail));
  }
  keys.insert(absl::StrCat(StatusPrefix(ticket.status()), tail));
  return keys;
}

void TicketRepository::PutTicket(WriteSet& writes, const v1::Ticket* before,
                                 const v1::Ticket& after,
                                 absl::string_view after_wire) const {
  writes.Put(tickets_, after.id(), after_wire);
  const std::set<std::string> new_keys = IndexKeys(after);
  const std::set<std::string> old_keys =
      before != nullptr ? IndexKeys(*before) : std::set<std::string>();
  for (const std::string& key : old_keys) {
    if (new_keys.count(key) == 0) writes.Delete(index_, key);
  }
  for (const std::string& key : new_keys) {
    if (old_keys.count(key) == 0) writes.Put(index_, key, "");
  }
}

void TicketRepository::PutNumber(WriteSet& writes, absl::CivilDay day,
                                 uint64_t sequence,
                                 absl::string_view ticket_id) const {
  writes.Put(index_,
             absl::StrCat(NumberPrefix(day), EncodeBigEndian64(sequence)),
             ticket_id);
}

void TicketRepository::PutCustomer(WriteSet& writes,
                                   const v1::StoredCustomer& customer) const {
  writes.PutProto(customers_, customer.profile().id(), customer);
}

void TicketRepository::PutCreateRequest(
    WriteSet& writes, const v1::CreateRequestRecord& record) const {
  RecordIdempotentResult(store_, writes, kCreateRequestScope,
                         record.request_id(), record.SerializeAsString());
}

namespace {
constexpr char kPermissionsKey[] = "m/permissions";
}  // namespace

absl::StatusOr<std::string> TicketRepository::LoadRecordedPermissions() const {
  absl::StatusOr<std::string> text = store_.Get(index_, kPermissionsKey);
  if (absl::IsNotFound(text.status())) return std::string();
  return text;
}

void TicketRepository::PutRecordedPermissions(WriteSet& writes,
                                              absl::string_view text) const {
  writes.Put(index_, kPermissionsKey, text);
}

absl::Status TicketRepository::ScanCustomers(
    absl::string_view after_id, size_t limit,
    const std::function<bool(const v1::StoredCustomer&)>& visit) const {
  v1::StoredCustomer customer;
  return store_.ScanProtos(customers_, ResumeAfter(after_id), "", limit,
                           "customer", &customer,
                           [&](absl::string_view) { return visit(customer); });
}

// ---- Numbers --------------------------------------------------------------

absl::StatusOr<uint64_t> TicketRepository::NextDailySequence(
    absl::CivilDay day) {
  absl::MutexLock lock(&sequence_mu_);
  auto it = next_sequence_.find(day);
  if (it == next_sequence_.end()) {
    const std::string prefix = NumberPrefix(day);
    uint64_t last = 0;
    absl::Status bad_key;
    RETURN_IF_ERROR(store_.ScanReverse(
        index_, prefix, PrefixEnd(prefix), 1,
        [&](absl::string_view key, absl::string_view) {
          if (!DecodeBigEndian64(key.substr(prefix.size()), &last)) {
            bad_key = absl::DataLossError("malformed ticket-number key");
          }
          return false;
        }));
    RETURN_IF_ERROR(bad_key);
    it = next_sequence_.emplace(day, last + 1).first;
  }
  return it->second++;
}

// ---- Lists ----------------------------------------------------------------

absl::StatusOr<TicketListPage> TicketRepository::ListTickets(
    const TicketListQuery& query) const {
  const v1::TicketFilter& filter = query.filter;
  const std::string prefix = ChoosePrefix(filter);
  std::string start = prefix;
  std::string end = PrefixEnd(prefix);
  if (filter.has_create_time_from()) {
    start = absl::StrCat(prefix, EncodeBigEndian64(FloorMicros(FromProtoTime(
                                     filter.create_time_from()))));
  }
  if (filter.has_create_time_to()) {
    end = absl::StrCat(
        prefix,
        EncodeBigEndian64(CeilMicros(FromProtoTime(filter.create_time_to()))));
  }
  if (!query.after_key.empty()) {
    const std::string& after = query.after_key;
    if (!absl::StartsWith(after, prefix) ||
        after.size() != prefix.size() + kTimeLength + kIdLength) {
      return BadPageToken();
    }
    if (query.descending) {
      end = std::min(end, after);
    } else {
      start = std::max(start, ResumeAfter(after));
    }
  }

  TicketListPage page;
  if (start >= end) return page;
  const size_t page_size = static_cast<size_t>(std::max(query.page_size, 1));
  size_t scanned = 0;
  bool more = false;
  std::string last_key;
  absl::Status load_error;
  auto visit = [&](absl::string_view key, absl::string_view) {
    if (page.tickets.size() >= page_size || scanned >= query.max_scanned) {
      more = true;  // an entry exists beyond what this page covers
      return false;
    }
    ++scanned;
    last_key = std::string(key);
    if (key.size() < prefix.size() + kTimeLength + kIdLength) return true;
    absl::StatusOr<std::string> ticket =
        LoadTicketBytes(key.substr(key.size() - kIdLength));
    if (absl::IsNotFound(ticket.status())) return true;  // raced a rewrite
    absl::StatusOr<bool> matches = ticket.ok()
                                       ? MatchesFilterOnWire(*ticket, filter)
                                       : absl::StatusOr<bool>(ticket.status());
    if (!matches.ok()) {
      load_error = matches.status();
      return false;
    }
    if (*matches) page.tickets.push_back(*std::move(ticket));
    return true;
  };
  RETURN_IF_ERROR(query.descending
                      ? store_.ScanReverse(index_, start, end, 0, visit)
                      : store_.Scan(index_, start, end, 0, visit));
  RETURN_IF_ERROR(load_error);
  if (more) page.next_after_key = std::move(last_key);
  return page;
}

}  // namespace cs::ticket
