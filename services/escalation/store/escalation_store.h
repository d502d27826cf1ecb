// Storage layout of the escalation service on the suite's Store seam (never
// includes RocksDB).
//
//   family        key                     value
//   cases         case id (ULID)          v1::EscalationCase
//   case_dedup    dedup key               case id ("clocks/x/breach",
//                                         "complaints/y/request/serious")
//   esc_timers    TimerEngine records ("t/" + case id): the current level's
//                 acknowledgement deadline
//   open_cases    case id                 "" while the case is not CLOSED
//                                         (what ListCases of OPEN or
//                                         ACKNOWLEDGED cases reads, so it
//                                         costs the open cases, not every
//                                         case ever opened)
//
// A store written before open_cases existed gets it built once, at Open()
// (marked by kOpenIndexBuiltKey in the dedup family).
//
// Notifications are not a family of their own: each is an EscalationNotified
// event in the outbox, whose sequence is the WatchNotifications cursor.
//
//   ASSIGN_OR_RETURN(auto store, EscalationStore::Open(host.store()));
//   ASSIGN_OR_RETURN(std::optional<v1::EscalationCase> c, store->GetCase(id));
//
// Thread-safe (reads of consistent snapshots, or operations added to a
// caller-owned WriteSet; callers serialise read-modify-write).
#ifndef CS_SERVICES_ESCALATION_STORE_ESCALATION_STORE_H_
#define CS_SERVICES_ESCALATION_STORE_ESCALATION_STORE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cs/escalation/v1/escalation.pb.h"
#include "libs/store/store.h"

namespace cs::escalation {

inline constexpr absl::string_view kCasesFamily = "cases";
inline constexpr absl::string_view kDedupFamily = "case_dedup";
inline constexpr absl::string_view kTimersFamily = "esc_timers";
inline constexpr absl::string_view kOpenCasesFamily = "open_cases";
// In the dedup family once open_cases was built (readable dedup paths never
// start with a zero byte).
inline constexpr absl::string_view kOpenIndexBuiltKey("\0index/open_cases", 18);

// Every family the escalation service opens.
std::vector<std::string> EscalationColumnFamilies();

class EscalationStore {
 public:
  // NOT_FOUND when `store` was opened without EscalationColumnFamilies().
  // Builds the open_cases index when the store has none yet (one durable
  // commit). Call before anything writes cases. `store` must outlive the
  // result.
  static absl::StatusOr<std::unique_ptr<EscalationStore>> Open(Store& store);

  Store& store() const { return store_; }
  ColumnFamily timers() const { return timers_; }

  // nullopt when absent; DATA_LOSS when the record does not parse.
  absl::StatusOr<std::optional<v1::EscalationCase>> GetCase(
      absl::string_view case_id) const;
  // Writes the case and keeps the open_cases index in step with its state.
  void PutCase(WriteSet& writes, absl::string_view case_id,
               const v1::EscalationCase& record) const;

  // The case id recorded under `dedup_key`; nullopt when none.
  absl::StatusOr<std::optional<std::string>> CaseFor(
      absl::string_view dedup_key) const;
  void PutDedup(WriteSet& writes, absl::string_view dedup_key,
                absl::string_view case_id) const;

  // Calls `visit(id, case)` for cases with id > `after`, in id (= opening)
  // order, until it returns false.
  absl::Status ScanCases(
      absl::string_view after,
      const std::function<bool(const std::string& id,
                               const v1::EscalationCase& record)>& visit) const;
  // The same over the cases that are not CLOSED only.
  absl::Status ScanOpenCases(
      absl::string_view after,
      const std::function<bool(const std::string& id,
                               const v1::EscalationCase& record)>& visit) const;

 private:
  explicit EscalationStore(Store& store) : store_(store) {}

  // Indexes every case that is not CLOSED, unless that was done before.
  absl::Status BuildOpenIndexOnce();

  Store& store_;
  ColumnFamily cases_, dedup_, timers_, open_;
};

}  // namespace cs::escalation

#endif  // CS_SERVICES_ESCALATION_STORE_ESCALATION_STORE_H_
