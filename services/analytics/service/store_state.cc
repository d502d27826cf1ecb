#include "services/analytics/service/store_state.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"

namespace cs::analytics {

v1::Bucket Counters(const v1::Bucket& b) {
  v1::Bucket c = b;
  c.clear_response_seconds();
  c.clear_resolution_seconds();
  c.clear_wait_seconds();
  c.clear_tickets_by_category();
  return c;
}

v1::MetricsRow SummarizeCounters(const v1::Bucket& counters) {
  v1::MetricsRow row = Summarize(counters, v1::Bucket(), v1::Bucket());
  auto mean = [](int64_t sum, int64_t n) {
    return n == 0 ? -1.0 : static_cast<double>(sum) / static_cast<double>(n);
  };
  const double p = mean(counters.phone_wait_sum(), counters.phone_waited());
  const double o = mean(counters.online_wait_sum(), counters.online_waited());
  row.set_customer_wait_seconds(p < 0 ? o : (o < 0 ? p : (p + o) / 2));
  return row;
}

StoreState::StoreState(Store& store, ColumnFamily tickets,
                       ColumnFamily buckets, ColumnFamily seen,
                       ColumnFamily days)
    : store_(store),
      tickets_(tickets),
      buckets_(buckets),
      seen_(seen),
      days_(days) {}

absl::StatusOr<std::optional<v1::TicketRecord>> StoreState::GetTicket(
    const std::string& ticket) {
  if (auto it = tickets_cache_.find(ticket); it != tickets_cache_.end()) {
    return it->second;
  }
  v1::TicketRecord record;
  absl::Status s = store_.GetProto(tickets_, ticket, &record);
  if (absl::IsNotFound(s)) return std::nullopt;
  RETURN_IF_ERROR(s);
  return record;
}

void StoreState::PutTicket(const std::string& ticket,
                           const v1::TicketRecord& record) {
  tickets_cache_[ticket] = record;
}

absl::StatusOr<v1::Bucket> StoreState::GetBucket(const std::string& key) {
  if (auto it = buckets_cache_.find(key); it != buckets_cache_.end()) {
    return it->second;
  }
  v1::Bucket bucket;
  absl::Status s = store_.GetProto(buckets_, key, &bucket);
  if (!absl::IsNotFound(s)) RETURN_IF_ERROR(s);
  original_.emplace(key, bucket);
  return bucket;
}

void StoreState::PutBucket(const std::string& key, const v1::Bucket& bucket) {
  buckets_cache_[key] = bucket;
}

absl::StatusOr<bool> StoreState::Seen(const std::string& key) {
  if (seen_cache_.count(key) > 0) return true;
  absl::StatusOr<std::string> v = store_.Get(seen_, key);
  if (absl::IsNotFound(v.status())) return false;
  RETURN_IF_ERROR(v.status());
  return true;
}

void StoreState::MarkSeen(const std::string& key) { seen_cache_.insert(key); }

absl::StatusOr<v1::Bucket> StoreState::DayCounters(
    const std::string& day) const {
  v1::Bucket total;
  absl::Status s = store_.GetProto(days_, day, &total);
  if (!absl::IsNotFound(s)) RETURN_IF_ERROR(s);
  const std::string prefix = absl::StrCat(day, "|");
  for (auto it = buckets_cache_.lower_bound(prefix);
       it != buckets_cache_.end() && absl::StartsWith(it->first, prefix);
       ++it) {
    const v1::Bucket empty;
    auto was = original_.find(it->first);
    const v1::Bucket& before = was == original_.end() ? empty : was->second;
    AddBucket(Counters(it->second), total);
    SubtractBucket(Counters(before), total);
    const std::string channel = CellOf(it->first).channel();
    int64_t sum = 0;
    for (int64_t v : it->second.wait_seconds()) sum += v;
    for (int64_t v : before.wait_seconds()) sum -= v;
    const int64_t n =
        it->second.wait_seconds_size() - before.wait_seconds_size();
    if (IsPhone(channel)) {
      total.set_phone_wait_sum(total.phone_wait_sum() + sum);
      total.set_phone_waited(total.phone_waited() + n);
    } else if (IsOnline(channel)) {
      total.set_online_wait_sum(total.online_wait_sum() + sum);
      total.set_online_waited(total.online_waited() + n);
    }
  }
  return total;
}

absl::Status StoreState::Flush(WriteSet& writes) const {
  for (const auto& [k, r] : tickets_cache_) writes.PutProto(tickets_, k, r);
  std::set<std::string> days;
  for (const auto& [k, b] : buckets_cache_) {
    if (IsEmptyBucket(b)) {
      writes.Delete(buckets_, k);
    } else {
      writes.PutProto(buckets_, k, b);
    }
    days.insert(CellOf(k).day());
  }
  for (const std::string& day : days) {
    ASSIGN_OR_RETURN(v1::Bucket total, DayCounters(day));
    if (IsEmptyBucket(total)) {
      writes.Delete(days_, day);
    } else {
      writes.PutProto(days_, day, total);
    }
  }
  for (const auto& k : seen_cache_) writes.Put(seen_, k, "");
  return absl::OkStatus();
}

}  // namespace cs::analytics
