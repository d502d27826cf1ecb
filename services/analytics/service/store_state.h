// AggregateState on the analytics store, used for one event: a write-back
// cache so the event reads its own writes, and Flush adds every change to
// the consumer's WriteSet. It also keeps each day's counters (the day's
// cells summed, without value lists) in family an_days, so the alert check
// reads one key instead of scanning the day's cells.
#ifndef CS_SERVICES_ANALYTICS_SERVICE_STORE_STATE_H_
#define CS_SERVICES_ANALYTICS_SERVICE_STORE_STATE_H_

#include <map>
#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "cs/analytics/v1/analytics.pb.h"
#include "libs/store/store.h"
#include "services/analytics/domain/aggregates.h"

namespace cs::analytics {

// `b` without its value lists and category map: the additive counters.
v1::Bucket Counters(const v1::Bucket& b);
// The KPIs of a day's counters: as Summarize, except that response and
// resolution times are undefined (-1) and the customer wait comes from the
// phone / online wait sums.
v1::MetricsRow SummarizeCounters(const v1::Bucket& counters);

class StoreState : public AggregateState {
 public:
  // `store` must outlive the state; the families are the service's.
  StoreState(Store& store, ColumnFamily tickets, ColumnFamily buckets,
             ColumnFamily seen, ColumnFamily days);

  absl::StatusOr<std::optional<v1::TicketRecord>> GetTicket(
      const std::string& ticket) override;
  void PutTicket(const std::string& ticket,
                 const v1::TicketRecord& record) override;
  absl::StatusOr<v1::Bucket> GetBucket(const std::string& key) override;
  // Callers read a bucket (GetBucket) before they put it, as ApplyEvent does.
  void PutBucket(const std::string& key, const v1::Bucket& bucket) override;
  absl::StatusOr<bool> Seen(const std::string& key) override;
  void MarkSeen(const std::string& key) override;

  // The counters of `day` as they will be after Flush.
  absl::StatusOr<v1::Bucket> DayCounters(const std::string& day) const;
  // Adds every change (records, cells, day counters, seen keys) to `writes`.
  absl::Status Flush(WriteSet& writes) const;

 private:
  Store& store_;
  ColumnFamily tickets_, buckets_, seen_, days_;
  std::map<std::string, v1::TicketRecord> tickets_cache_;
  std::map<std::string, v1::Bucket> buckets_cache_;
  // Each changed cell as stored before this event.
  std::map<std::string, v1::Bucket> original_;
  std::set<std::string> seen_cache_;
};

}  // namespace cs::analytics

#endif  // CS_SERVICES_ANALYTICS_SERVICE_STORE_STATE_H_
