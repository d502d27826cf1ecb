#include "services/routing/store/routing_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/common/status_macros.h"

namespace cs::routing {
namespace {

constexpr char kSeparator = '\0';
constexpr char kLastAssignedMark = '\1';

std::string Micros(absl::Time t) {
  int64_t micros = absl::ToUnixMicros(t);
  return EncodeBigEndian64(static_cast<uint64_t>(std::max<int64_t>(micros, 0)));
}

template <typename Message>
absl::StatusOr<std::optional<Message>> GetOptional(const Store& store,
                                                   ColumnFamily family,
                                                   absl::string_view key) {
  Message message;
  absl::Status status = store.GetProto(family, key, &message);
  if (absl::IsNotFound(status)) return std::nullopt;
  RETURN_IF_ERROR(status);
  return message;
}

}  // namespace

std::vector<std::string> RoutingColumnFamilies() {
  return {std::string(kAgentsFamily),      std::string(kRoutingFamily),
          std::string(kQueueFamily),       std::string(kClocksFamily),
          std::string(kAssignmentsFamily), std::string(kLoadsFamily),
          std::string(kTimersFamily)};
}

std::string QueueKey(absl::string_view department, absl::Time queued,
                     absl::string_view ticket_id) {
  return absl::StrCat(QueuePrefix(department), Micros(queued), ticket_id);
}

std::string QueuePrefix(absl::string_view department) {
  return absl::StrCat(department, absl::string_view(&kSeparator, 1));
}

bool ParseQueueKey(absl::string_view key, std::string* department,
                   std::string* ticket_id) {
  size_t separator = key.find(kSeparator);
  if (separator == absl::string_view::npos) return false;
  absl::string_view rest = key.substr(separator + 1);
  if (rest.size() <= 8) return false;
  *department = std::string(key.substr(0, separator));
  *ticket_id = std::string(rest.substr(8));
  return true;
}

namespace {

constexpr absl::string_view kTicketsPrefix = "tickets/";
constexpr absl::string_view kComplaintsPrefix = "complaints/";

// The number a ClockId ends with; 0 when it ends otherwise.
int ClockNumber(absl::string_view clock_id) {
  int n = 0;
  const size_t dot = clock_id.rfind('.');
  if (dot == absl::string_view::npos ||
      !absl::SimpleAtoi(clock_id.substr(dot + 1), &n)) {
    return 0;
  }
  return n;
}

}  // namespace

std::string ClockIdPrefix(absl::string_view subject) {
  absl::string_view id = subject;
  absl::string_view collection = "x";
  if (absl::ConsumePrefix(&id, kTicketsPrefix)) {
    collection = "t";
  } else if (absl::ConsumePrefix(&id, kComplaintsPrefix)) {
    collection = "c";
  }
  return absl::StrCat(collection, ".", id, ".");
}

std::string ClockKindText(v1::ClockKind kind) {
  return absl::AsciiStrToLower(
      absl::StripPrefix(v1::ClockKind_Name(kind), "CLOCK_KIND_"));
}

std::string ClockId(absl::string_view subject, v1::ClockKind kind, int n) {
  return absl::StrCat(ClockIdPrefix(subject), ClockKindText(kind), ".", n);
}

std::string LoadKey(absl::string_view agent_id, absl::string_view ticket_id) {
  return absl::StrCat(agent_id, absl::string_view(&kSeparator, 1), ticket_id);
}

std::string LastAssignedKey(absl::string_view agent_id) {
  return absl::StrCat(agent_id, absl::string_view(&kLastAssignedMark, 1));
}

absl::StatusOr<std::unique_ptr<RoutingStore>> RoutingStore::Open(Store& store) {
  std::unique_ptr<RoutingStore> s(new RoutingStore(store));
  ASSIGN_OR_RETURN(s->routing_, store.Family(kRoutingFamily));
  ASSIGN_OR_RETURN(s->queue_, store.Family(kQueueFamily));
  ASSIGN_OR_RETURN(s->clocks_, store.Family(kClocksFamily));
  ASSIGN_OR_RETURN(s->assignments_, store.Family(kAssignmentsFamily));
  ASSIGN_OR_RETURN(s->loads_, store.Family(kLoadsFamily));
  ASSIGN_OR_RETURN(s->timers_, store.Family(kTimersFamily));
  return s;
}

absl::StatusOr<std::optional<v1::StoredRouting>> RoutingStore::GetRouting(
    absl::string_view ticket_id) const {
  return GetOptional<v1::StoredRouting>(store_, routing_, ticket_id);
}

void RoutingStore::PutRouting(WriteSet& writes, absl::string_view ticket_id,
                              const v1::StoredRouting& record) const {
  writes.PutProto(routing_, ticket_id, record);
}

absl::StatusOr<std::optional<v1::StoredClock>> RoutingStore::GetClock(
    absl::string_view clock_id) const {
  return GetOptional<v1::StoredClock>(store_, clocks_, clock_id);
}

void RoutingStore::PutClock(WriteSet& writes, absl::string_view clock_id,
                            const v1::StoredClock& clock) const {
  writes.PutProto(clocks_, clock_id, clock);
}

absl::StatusOr<std::vector<std::pair<std::string, v1::StoredClock>>>
RoutingStore::ClocksOf(absl::string_view subject) const {
  const std::string prefix = ClockIdPrefix(subject);
  std::vector<std::pair<std::string, v1::StoredClock>> clocks;
  v1::StoredClock stored;
  RETURN_IF_ERROR(store_.ScanProtos(
      clocks_, prefix, PrefixEnd(prefix), 0, "clock", &stored,
      [&](absl::string_view key) {
        if (stored.clock().subject() == subject) {
          clocks.emplace_back(std::string(key), std::move(stored));
        }
        return true;
      }));
  auto order = [](const auto& clock) {
    return std::make_pair(static_cast<int>(clock.second.clock().kind()),
                          ClockNumber(clock.first));
  };
  std::sort(clocks.begin(), clocks.end(),
            [&](const auto& a, const auto& b) { return order(a) < order(b); });
  return clocks;
}

absl::StatusOr<std::vector<std::string>> RoutingStore::QueueKeys(
    absl::string_view department, absl::string_view from, size_t limit) const {
  const std::string prefix = QueuePrefix(department);
  std::vector<std::string> keys;
  RETURN_IF_ERROR(store_.Scan(queue_, std::max<absl::string_view>(prefix, from),
                              PrefixEnd(prefix), limit,
                              [&](absl::string_view key, absl::string_view) {
                                keys.emplace_back(key);
                                return true;
                              }));
  return keys;
}

absl::StatusOr<std::vector<std::string>> RoutingStore::QueuedDepartments()
    const {
  std::vector<std::string> departments;
  std::string from;
  while (true) {
    std::string found;
    RETURN_IF_ERROR(store_.Scan(queue_, from, "", 1,
                                [&](absl::string_view key, absl::string_view) {
                                  found = std::string(key);
                                  return false;
                                }));
    std::string department, ticket_id;
    if (found.empty() || !ParseQueueKey(found, &department, &ticket_id)) break;
    departments.push_back(department);
    from = PrefixEnd(QueuePrefix(department));  // skip to the next department
    if (from.empty()) break;
  }
  return departments;
}

void RoutingStore::PutAssignment(
    WriteSet& writes, absl::string_view ticket_id,
    const ticket::v1::AssignTicketRequest& request) const {
  writes.PutProto(assignments_, ticket_id, request);
}

void RoutingStore::DeleteAssignment(WriteSet& writes,
                                    absl::string_view ticket_id) const {
  writes.Delete(assignments_, ticket_id);
}

void RoutingStore::PutLoad(WriteSet& writes, absl::string_view agent_id,
                           absl::string_view ticket_id, absl::Time when) const {
  writes.Put(loads_, LoadKey(agent_id, ticket_id), "");
  writes.Put(loads_, LastAssignedKey(agent_id), Micros(when));
}

void RoutingStore::DeleteLoad(WriteSet& writes, absl::string_view agent_id,
                              absl::string_view ticket_id) const {
  writes.Delete(loads_, LoadKey(agent_id, ticket_id));
}

namespace {

// Adds one "loads" record to `loads`.
void AddLoadRecord(absl::string_view key, absl::string_view value,
                   std::map<std::string, StoredLoad>* loads) {
  size_t mark = key.find_first_of(absl::string_view("\0\1", 2));
  if (mark == absl::string_view::npos) return;
  StoredLoad& load = (*loads)[std::string(key.substr(0, mark))];
  if (key[mark] == kSeparator) {
    ++load.active;
    return;
  }
  uint64_t micros = 0;
  if (DecodeBigEndian64(value, &micros)) {
    load.last_assigned = absl::FromUnixMicros(static_cast<int64_t>(micros));
  }
}

}  // namespace

absl::StatusOr<std::map<std::string, StoredLoad>> RoutingStore::Loads() const {
  std::map<std::string, StoredLoad> loads;
  RETURN_IF_ERROR(store_.Scan(
      loads_, "", "", 0, [&](absl::string_view key, absl::string_view value) {
        AddLoadRecord(key, value, &loads);
        return true;
      }));
  return loads;
}

absl::StatusOr<StoredLoad> RoutingStore::LoadOf(
    absl::string_view agent_id) const {
  std::map<std::string, StoredLoad> loads;
  // Both "<agent>\0…" and "<agent>\1" sort between these bounds; other
  // agents' ids cannot, since ids never contain \0 or \1.
  const std::string from = absl::StrCat(agent_id, absl::string_view("\0", 1));
  const std::string to = absl::StrCat(agent_id, absl::string_view("\2", 1));
  RETURN_IF_ERROR(store_.Scan(
      loads_, from, to, 0, [&](absl::string_view key, absl::string_view value) {
        AddLoadRecord(key, value, &loads);
        return true;
      }));
  auto it = loads.find(std::string(agent_id));
  return it == loads.end() ? StoredLoad{} : it->second;
}

}  // namespace cs::routing
