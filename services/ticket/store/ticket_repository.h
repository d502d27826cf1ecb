// The ticket service's storage layout: every key the service writes is built
// here, on top of the suite's Store seam (libs/store; no RocksDB types).
//
//   ASSIGN_OR_RETURN(auto repo, TicketRepository::Open(host.store()));
//   ASSIGN_OR_RETURN(v1::Ticket current, repo->LoadTicket(id));
//   cs::WriteSet writes;
//   repo->PutTicket(writes, &current, change.ticket, change.wire);  // + index
//   outbox.Append(writes, ...);                        // same batch
//   RETURN_IF_ERROR(repo->store().Commit(writes));
//
// Column families and keys (BE = 8-byte big-endian, ids are 26-char ULIDs):
//   tickets       <ticket id>                          → v1::Ticket (FULL view)
//   ticket_index  c/<create BE micros><id>             → "" (all tickets)
//                 u/<customer_id>\0<create BE><id>     → ""
//                 d/<department>\0<create BE><id>      → "" (routed only)
//                 a/<assignee>\0<create BE><id>        → "" (assigned only)
//                 s/<status byte><create BE><id>       → ""
//                 n/<yyyymmdd>/<sequence BE>           → ticket id
//                 m/permissions                        → canonical text of the
//                                                       last recorded table
//   customers     <customer id>                        → v1::StoredCustomer
//   audit         <audit record ULID>                  →
//   common::v1::AuditRecord idempotency   (built-in, libs/store/idempotency.h)
//   scope "ticket.create",
//                 key request_id → serialized v1::CreateRequestRecord
// Index entries are written in the same WriteSet as the record whenever an
// indexed field changes, so a committed state is always consistently
// indexed. Within every index prefix keys sort by create time, then id.
//
// Thread-safety: all methods are thread-safe. Writers serialise
// read-modify-write of one record themselves (see ticket_app.h).
#ifndef CS_SERVICES_TICKET_STORE_TICKET_REPOSITORY_H_
#define CS_SERVICES_TICKET_STORE_TICKET_REPOSITORY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "cs/ticket/v1/storage.pb.h"
#include "cs/ticket/v1/ticket.pb.h"
#include "libs/audit/audit_log.h"
#include "libs/store/store.h"
#include "services/ticket/domain/audit.h"

namespace cs::ticket {

inline constexpr char kTicketsFamily[] = "tickets";
inline constexpr char kTicketIndexFamily[] = "ticket_index";
inline constexpr char kCustomersFamily[] = "customers";
inline constexpr char kAuditFamily[] = "audit";
// Idempotency scope of CreateTicket request ids.
inline constexpr char kCreateRequestScope[] = "ticket.create";
// Default bound on index entries examined for one page.
inline constexpr size_t kDefaultMaxScannedPerPage = 2000;

// Stored (or assembled from stored) bytes parsed as a `Message`; DATA_LOSS
// naming `what` when they do not parse.
template <typename Message>
absl::StatusOr<Message> ParseStored(absl::string_view bytes,
                                    absl::string_view what) {
  Message message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat("stored ", what, " does not parse"));
  }
  return message;
}

// The column families to open the store with (ServiceHost::Create),
// including the quality module's "quality".
std::vector<std::string> TicketColumnFamilies();

// One page of a ticket list as the repository sees it.
struct TicketListQuery {
  // Applied exactly (domain MatchesFilter) to every candidate.
  v1::TicketFilter filter;
  bool descending = true;
  // The last index key of the previous page (from a page token); "" = start.
  std::string after_key;
  int page_size = 50;
  // At most this many index entries are examined; a page cut short by it
  // still has a next_after_key.
  size_t max_scanned = kDefaultMaxScannedPerPage;
};

struct TicketListPage {
  // Serialized v1.Ticket, FULL view, as stored (not parsed).
  std::vector<std::string> tickets;
  std::string next_after_key;       // "" when there is nothing more
};

class TicketRepository {
 public:
  // Looks up the families (the store must have been opened with
  // TicketColumnFamilies()); NOT_FOUND naming a missing family. `store` must
  // outlive the repository.
  static absl::StatusOr<std::unique_ptr<TicketRepository>> Open(Store& store);

  Store& store() { return store_; }

  // ---- Reads. NOT_FOUND names the resource ("tickets/{id}"); DATA_LOSS when
  // a stored value does not parse; other storage errors as Store reports.
  absl::StatusOr<v1::Ticket> LoadTicket(absl::string_view id) const;
  // A stored ticket's bytes (LoadTicketBytes, a TicketListPage) parsed;
  // DATA_LOSS when they do not parse.
  static absl::StatusOr<v1::Ticket> ParseTicket(absl::string_view bytes);
  // The stored ticket as its serialized v1.Ticket, not parsed (nor checked).
  absl::StatusOr<std::string> LoadTicketBytes(absl::string_view id) const;
  absl::StatusOr<v1::StoredCustomer> LoadCustomer(
      absl::string_view customer_id) const;
  // The record of an earlier CreateTicket with `request_id`, if any.
  absl::StatusOr<std::optional<v1::CreateRequestRecord>> FindCreateRequest(
      absl::string_view request_id) const;
  // Id of the ticket numbered (day, sequence); NOT_FOUND when none.
  absl::StatusOr<std::string> FindTicketByNumber(absl::CivilDay day,
                                                 uint64_t sequence) const;

  // ---- Writes into `writes` (nothing lands until it is committed).
  // Puts `after`; with `before` (the stored state) only the index entries
  // that changed are rewritten, without it every entry is added (a new
  // ticket). `before` and `after` must have the same id and create_time.
  // `after_wire` is `after` serialized (TicketChange::wire): what is stored.
  void PutTicket(WriteSet& writes, const v1::Ticket* before,
                 const v1::Ticket& after, absl::string_view after_wire) const;
  // The number-index entry of a new ticket.
  void PutNumber(WriteSet& writes, absl::CivilDay day, uint64_t sequence,
                 absl::string_view ticket_id) const;
  void PutCustomer(WriteSet& writes, const v1::StoredCustomer& customer) const;
  void PutCreateRequest(WriteSet& writes,
                        const v1::CreateRequestRecord& record) const;
  // The permission table recorded last (PermissionTable::ToText()); "" when
  // none was recorded yet.
  absl::StatusOr<std::string> LoadRecordedPermissions() const;
  void PutRecordedPermissions(WriteSet& writes, absl::string_view text) const;

  // ---- Customers in id order: calls `visit` for up to `limit` customers
  // with id > `after_id` ("" = from the first) until it returns false.
  // DATA_LOSS when a record does not parse.
  absl::Status ScanCustomers(
      absl::string_view after_id, size_t limit,
      const std::function<bool(const v1::StoredCustomer&)>& visit) const;

  // ---- Ticket numbers.
  // The next sequence of `day` (starting at 1). The first call for a day
  // finds the highest sequence stored for it; later calls count in memory.
  // A sequence handed out whose ticket never commits is a harmless gap; a
  // committed one is never handed out again, also after a restart.
  absl::StatusOr<uint64_t> NextDailySequence(absl::CivilDay day);

  // ---- The audit trail (ids, writes, ListAuditRecords pages).
  AuditLog& audit() { return audit_; }

  // ---- Lists.
  // Picks the most selective index for the filter (customer > assignee >
  // department > single status > create time), bounded by the filter's
  // create-time range, and walks it in create-time order. INVALID_ARGUMENT on
  // "page_token" when after_key does not belong to that index range.
  absl::StatusOr<TicketListPage> ListTickets(
      const TicketListQuery& query) const;

  // ---- Key layout, exposed for tests.
  static std::string DayKey(absl::CivilDay day);  // "20261123"
  static std::set<std::string> IndexKeys(const v1::Ticket& ticket);

 private:
  TicketRepository(Store& store, ColumnFamily tickets, ColumnFamily index,
                   ColumnFamily customers, ColumnFamily audit);

  Store& store_;
  const ColumnFamily tickets_;
  const ColumnFamily index_;
  const ColumnFamily customers_;
  AuditLog audit_;

  absl::Mutex sequence_mu_;
  // Next sequence to hand out per day, initialised lazily from the store.
  std::map<absl::CivilDay, uint64_t> next_sequence_
      ABSL_GUARDED_BY(sequence_mu_);
};

}  // namespace cs::ticket

#endif  // CS_SERVICES_TICKET_STORE_TICKET_REPOSITORY_H_
