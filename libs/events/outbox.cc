#include "libs/events/outbox.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "libs/common/ids.h"
#include "libs/common/status_macros.h"

namespace cs {

absl::StatusOr<std::unique_ptr<Outbox>> Outbox::Open(Store& store,
                                                     Options options,
                                                     const Clock& clock) {
  ASSIGN_OR_RETURN(ColumnFamily family, store.Family(Store::kOutboxFamily));
  uint64_t first = 0, last = 0;
  RETURN_IF_ERROR(store.Scan(family, "", "", 1,
                             [&](absl::string_view key, absl::string_view) {
                               DecodeBigEndian64(key, &first);
                               return false;
                             }));
  RETURN_IF_ERROR(store.ScanReverse(family, "", "", 1,
                                    [&](absl::string_view key, absl::string_view) {
                                      DecodeBigEndian64(key, &last);
                                      return false;
                                    }));
  return std::unique_ptr<Outbox>(
      new Outbox(store, family, std::move(options), clock, first, last));
}

Outbox::Outbox(Store& store, ColumnFamily family, Options options,
               const Clock& clock, uint64_t first, uint64_t last)
    : store_(store),
      family_(family),
      options_(std::move(options)),
      clock_(clock),
      next_sequence_(last + 1),
      first_sequence_(first == 0 ? last + 1 : first),
      visible_(last),
      cache_first_(last + 1) {}

uint64_t Outbox::Append(WriteSet& writes, absl::string_view subject,
                        const google::protobuf::Message& payload) {
  google::protobuf::Any packed;
  packed.PackFrom(payload);
  return AppendPacked(writes, subject, payload.GetDescriptor()->name(),
                      packed);
}

uint64_t Outbox::AppendPacked(WriteSet& writes, absl::string_view subject,
                              absl::string_view type,
                              const google::protobuf::Any& payload) {
  absl::Time now = clock_.Now();
  uint64_t sequence;
  {
    absl::MutexLock lock(&mu_);
    sequence = next_sequence_++;
    in_flight_.insert(sequence);
  }
  common::v1::Event event;
  event.set_sequence(sequence);
  event.set_event_id(NewUlid(now));
  event.set_type(std::string(type));
  event.set_subject(std::string(subject));
  int64_t nanos = absl::ToUnixNanos(now);
  event.mutable_occurred_time()->set_seconds(nanos / 1000000000);
  event.mutable_occurred_time()->set_nanos(
      static_cast<int32_t>(nanos % 1000000000));
  event.set_producer(options_.producer);
  event.set_partition(options_.partition);
  *event.mutable_payload() = payload;
  writes.PutProto(family_, EncodeBigEndian64(sequence), event);
  std::shared_ptr<const common::v1::Event> cached;
  if (options_.cached_events > 0) {
    cached = std::make_shared<const common::v1::Event>(std::move(event));
  }
  // Whether the batch lands or not, the sequence stops holding readers back.
  writes.OnCommit([this, sequence, cached = std::move(cached)](bool landed) {
    Release(sequence, landed ? cached : nullptr);
  });
  return sequence;
}

void Outbox::Release(uint64_t sequence,
                     std::shared_ptr<const common::v1::Event> committed) {
  bool advanced = false;
  {
    absl::MutexLock lock(&mu_);
    in_flight_.erase(sequence);
    if (committed != nullptr && sequence >= cache_first_) {
      cache_.emplace(sequence, std::move(committed));
      while (cache_.size() > options_.cached_events) {
        cache_first_ = cache_.begin()->first + 1;
        cache_.erase(cache_.begin());
      }
    }
    uint64_t watermark =
        in_flight_.empty() ? next_sequence_ - 1 : *in_flight_.begin() - 1;
    if (watermark > visible_) {
      visible_ = watermark;
      advanced = true;
    }
  }
  if (!advanced) return;
  absl::MutexLock lock(&listeners_mu_);
  for (auto& [id, listener] : listeners_) listener();
}

bool Outbox::ReadCached(
    uint64_t from, uint64_t visible, size_t limit,
    std::vector<std::shared_ptr<const common::v1::Event>>* out) const {
  absl::MutexLock lock(&mu_);
  // Every committed sequence in [cache_first_, visible_] is in the cache,
  // and `visible` <= visible_ (with a cache at all).
  if (options_.cached_events == 0 || from < cache_first_) return false;
  for (auto it = cache_.lower_bound(from);
       it != cache_.end() && it->first <= visible &&
       (limit == 0 || out->size() < limit);
       ++it) {
    out->push_back(it->second);
  }
  return true;
}

absl::StatusOr<uint64_t> Outbox::Read(
    uint64_t from, size_t limit,
    const std::function<void(const common::v1::Event&)>& visit) const {
  return ReadShared(
      from, limit,
      [&](std::shared_ptr<const common::v1::Event> event) { visit(*event); });
}

absl::StatusOr<uint64_t> Outbox::ReadShared(
    uint64_t from, size_t limit,
    const std::function<void(std::shared_ptr<const common::v1::Event>)>& visit)
    const {
  uint64_t visible = VisibleSequence();
  if (from == 0) from = 1;
  if (from > visible) return from;
  uint64_t next = from;
  size_t visited = 0;
  auto take = [&](std::shared_ptr<const common::v1::Event> event) {
    next = event->sequence() + 1;
    ++visited;
    visit(std::move(event));
  };
  // Visited outside the cache's lock: `visit` may take its caller's locks.
  std::vector<std::shared_ptr<const common::v1::Event>> cached;
  if (ReadCached(from, visible, limit, &cached)) {
    for (auto& event : cached) take(std::move(event));
  } else {
    common::v1::Event event;
    RETURN_IF_ERROR(store_.ScanProtos(
        family_, EncodeBigEndian64(from), EncodeBigEndian64(visible + 1), limit,
        "event", &event, [&](absl::string_view) {
          take(std::make_shared<const common::v1::Event>(std::move(event)));
          return true;
        }));
  }
  // Fewer than `limit` events means the whole visible range was read, gaps
  // included, so the next read starts after the watermark.
  if (limit == 0 || visited < limit) next = visible + 1;
  return next;
}

uint64_t Outbox::VisibleSequence() const {
  absl::MutexLock lock(&mu_);
  return visible_;
}

uint64_t Outbox::FirstSequence() const {
  absl::MutexLock lock(&mu_);
  return first_sequence_;
}

int Outbox::AddListener(std::function<void()> listener) {
  absl::MutexLock lock(&listeners_mu_);
  int id = next_listener_id_++;
  listeners_.emplace(id, std::move(listener));
  return id;
}

void Outbox::RemoveListener(int id) {
  absl::MutexLock lock(&listeners_mu_);
  listeners_.erase(id);
}

absl::StatusOr<uint64_t> Outbox::TrimBefore(absl::Time cutoff) {
  uint64_t visible = VisibleSequence();
  uint64_t trim_end = 0;  // first sequence to keep
  RETURN_IF_ERROR(store_.Scan(
      family_, EncodeBigEndian64(FirstSequence()), EncodeBigEndian64(visible),
      0, [&](absl::string_view key, absl::string_view value) {
        common::v1::Event event;
        if (!event.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return false;
        }
        absl::Time occurred =
            absl::FromUnixSeconds(event.occurred_time().seconds());
        if (occurred >= cutoff) return false;
        trim_end = event.sequence() + 1;
        return true;
      }));
  if (trim_end == 0) return 0;
  uint64_t first = FirstSequence();
  WriteSet writes;
  writes.DeleteRange(family_, EncodeBigEndian64(first),
                     EncodeBigEndian64(trim_end));
  RETURN_IF_ERROR(store_.Commit(writes));
  absl::MutexLock lock(&mu_);
  first_sequence_ = trim_end;
  cache_.erase(cache_.begin(), cache_.lower_bound(trim_end));
  cache_first_ = std::max(cache_first_, trim_end);
  return trim_end - first;
}

}  // namespace cs
