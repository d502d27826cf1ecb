#include "libs/events/command_outbox.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/log.h"
#include "libs/common/thread_name.h"

namespace cs {
namespace {

// The lower of a pass's starting point and `key`.
std::optional<std::string> LowerFloor(std::optional<std::string> floor,
                                      absl::string_view key) {
  if (!floor.has_value() || key < *floor) return std::string(key);
  return floor;
}

}  // namespace

bool IsFinalDeliveryError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kAlreadyExists:
      return true;
    default:
      return false;
  }
}

CommandOutbox::CommandOutbox(Store& store, ColumnFamily family, Deliver deliver,
                             Options options)
    : CommandOutbox(store, family, std::move(deliver), nullptr,
                    std::move(options)) {}

CommandOutbox::CommandOutbox(Store& store, ColumnFamily family,
                             StartDelivery start, Options options)
    : CommandOutbox(store, family, nullptr, std::move(start),
                    std::move(options)) {}

CommandOutbox::CommandOutbox(Store& store, ColumnFamily family, Deliver deliver,
                             StartDelivery start, Options options)
    : store_(store),
      family_(family),
      deliver_(std::move(deliver)),
      start_(std::move(start)),
      options_(std::move(options)) {}

CommandOutbox::~CommandOutbox() { Stop(); }

void CommandOutbox::Start() {
  if (thread_.joinable()) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = false;
    woken_ = true;
    floor_ = std::string();
  }
  {
    absl::MutexLock lock(&wave_mu_);
    senders_stopping_ = false;
  }
  // The worker makes one of the calls of each wave itself, or starts them
  // all when they are asynchronous.
  for (int i = 1; i < options_.max_in_flight && !start_; ++i) {
    senders_.emplace_back([this] {
      NameThisThread(absl::StrCat("cs-send ", options_.name));
      SenderLoop();
    });
  }
  thread_ = std::thread([this] {
    NameThisThread(absl::StrCat("cs-outbox ", options_.name));
    Run();
  });
}

void CommandOutbox::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  {
    absl::MutexLock lock(&wave_mu_);
    senders_stopping_ = true;
  }
  for (std::thread& sender : senders_) sender.join();
  senders_.clear();
}

void CommandOutbox::Wake() { WakeFor(""); }

void CommandOutbox::WakeFor(absl::string_view key) {
  absl::MutexLock lock(&mu_);
  woken_ = true;
  floor_ = LowerFloor(std::move(floor_), key);
}

bool CommandOutbox::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

bool CommandOutbox::WaitIdle(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !woken_ && !in_pass_ && idle_;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&idle), timeout);
}

uint64_t CommandOutbox::delivered() const {
  absl::MutexLock lock(&mu_);
  return delivered_;
}

uint64_t CommandOutbox::rejected() const {
  absl::MutexLock lock(&mu_);
  return rejected_;
}

std::string CommandOutbox::GroupOf(const std::string& key) const {
  return options_.ordered_groups ? key.substr(0, key.find('/')) : key;
}

void CommandOutbox::DeleteIfUnchanged(
    const std::vector<const Record*>& delivered,
    std::set<std::string>& deleted) {
  if (delivered.empty()) return;
  std::optional<absl::MutexLock> lock;
  if (options_.writers_mu != nullptr) lock.emplace(options_.writers_mu);
  WriteSet writes;
  std::vector<const std::string*> unchanged;
  for (const Record* record : delivered) {
    absl::StatusOr<std::string> current = store_.Get(family_, record->key);
    if (!current.ok() || *current != record->value) continue;  // replaced
    writes.Delete(family_, record->key);
    unchanged.push_back(&record->key);
  }
  if (writes.empty()) return;
  // Unsynced: a power loss that drops the deletion only delivers the records
  // again (at-least-once), and the writers' synced commits of this store do
  // not wait behind an fsync for it.
  if (absl::Status committed = store_.CommitUnsynced(writes); !committed.ok()) {
    // The records stay and are delivered again later: harmless (idempotent).
    Log(LogLevel::kWarning, options_.name,
        absl::StrCat("deleting ", delivered.size(),
                     " delivered records failed: ", committed.ToString()));
    return;
  }
  for (const std::string* key : unchanged) deleted.insert(*key);
}

void CommandOutbox::SenderLoop() {
  for (;;) {
    {
      absl::MutexLock lock(&wave_mu_);
      auto work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(wave_mu_) {
        return senders_stopping_ ||
               (wave_.records != nullptr && wave_.next < wave_.records->size());
      };
      wave_mu_.Await(absl::Condition(&work));
      if (senders_stopping_) return;
    }
    RunWaveCalls();
  }
}

void CommandOutbox::RunWaveCalls() {
  for (;;) {
    const Record* record;
    size_t index;
    {
      absl::MutexLock lock(&wave_mu_);
      if (wave_.records == nullptr || wave_.next >= wave_.records->size()) {
        return;
      }
      index = wave_.next++;
      record = (*wave_.records)[index];
    }
    absl::Status status = deliver_(record->key, record->value);
    absl::MutexLock lock(&wave_mu_);
    (*wave_.results)[index] = std::move(status);
    --wave_.remaining;
  }
}

std::vector<absl::Status> CommandOutbox::DeliverWave(
    const std::vector<const Record*>& records) {
  if (start_) return StartWave(records);
  std::vector<absl::Status> results(records.size());
  if (records.size() == 1) {
    results[0] = deliver_(records[0]->key, records[0]->value);
    return results;
  }
  {
    absl::MutexLock lock(&wave_mu_);
    wave_ = Wave{&records, &results, 0, records.size()};
  }
  RunWaveCalls();
  absl::MutexLock lock(&wave_mu_);
  auto finished = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(wave_mu_) {
    return wave_.remaining == 0;
  };
  wave_mu_.Await(absl::Condition(&finished));
  wave_ = Wave{};
  return results;
}

std::vector<absl::Status> CommandOutbox::StartWave(
    const std::vector<const Record*>& records) {
  // Shared with the callbacks: the last one may still be unlocking the
  // mutex after this thread has seen the count reach zero and returned.
  struct Outcomes {
    absl::Mutex mu;
    std::vector<absl::Status> results ABSL_GUARDED_BY(mu);
    size_t remaining ABSL_GUARDED_BY(mu) = 0;
  };
  auto outcomes = std::make_shared<Outcomes>();
  {
    absl::MutexLock lock(&outcomes->mu);
    outcomes->results.resize(records.size());
    outcomes->remaining = records.size();
  }
  for (size_t i = 0; i < records.size(); ++i) {
    start_(records[i]->key, records[i]->value,
           [outcomes, i](absl::Status status) {
             absl::MutexLock lock(&outcomes->mu);
             outcomes->results[i] = std::move(status);
             --outcomes->remaining;
           });
  }
  absl::MutexLock lock(&outcomes->mu);
  auto finished = [&outcomes]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(outcomes->mu) {
    return outcomes->remaining == 0;
  };
  outcomes->mu.Await(absl::Condition(&finished));
  return std::move(outcomes->results);
}

void CommandOutbox::DeliverChunk(const std::vector<Record>& chunk,
                                 std::set<std::string>& blocked,
                                 absl::Time& next_look, bool* waiting,
                                 std::set<std::string>& deleted) {
  const size_t max_wave =
      static_cast<size_t>(std::max(1, options_.max_in_flight));
  std::vector<bool> settled(chunk.size(), false);
  uint64_t delivered = 0, rejected = 0;
  while (!stopping()) {
    // A wave: the first unsettled record of each group not held back.
    std::vector<const Record*> wave;
    std::set<std::string> in_wave;
    for (size_t i = 0; i < chunk.size() && wave.size() < max_wave; ++i) {
      if (settled[i]) continue;
      const Record& record = chunk[i];
      const std::string group = GroupOf(record.key);
      if (blocked.count(group) > 0) {
        settled[i] = true;
        *waiting = true;
        continue;
      }
      if (!in_wave.insert(group).second) continue;  // after its predecessor
      auto backoff = backoff_.find(record.key);
      if (backoff != backoff_.end() && backoff->second.value == record.value &&
          backoff->second.next > absl::Now()) {
        next_look = std::min(next_look, backoff->second.next);
        *waiting = true;
        blocked.insert(group);
        settled[i] = true;
        continue;
      }
      wave.push_back(&record);
      settled[i] = true;
    }
    if (wave.empty()) break;
    std::vector<absl::Status> results = DeliverWave(wave);
    std::vector<const Record*> done;
    for (size_t w = 0; w < wave.size(); ++w) {
      const Record& record = *wave[w];
      const absl::Status& status = results[w];
      if (status.ok() || IsFinalDeliveryError(status)) {
        if (status.ok()) {
          ++delivered;
        } else {
          ++rejected;
          Log(LogLevel::kWarning, options_.name,
              absl::StrCat("record ", record.key,
                           " refused: ", status.ToString(), "; dropped"));
        }
        backoff_.erase(record.key);
        done.push_back(&record);
        continue;
      }
      Backoff& b = backoff_[record.key];
      if (b.value != record.value) b = Backoff{record.value, 0, absl::Time()};
      ++b.attempts;
      absl::Duration delay = options_.initial_backoff;
      for (int i = 1; i < b.attempts && delay < options_.max_backoff; ++i) {
        delay *= 2;
      }
      delay = std::min(delay, options_.max_backoff);
      b.next = absl::Now() + delay;
      next_look = std::min(next_look, b.next);
      *waiting = true;
      blocked.insert(GroupOf(record.key));
      Log(LogLevel::kWarning, options_.name,
          absl::StrCat("record ", record.key, " failed (attempt ", b.attempts,
                       "): ", status.ToString(), "; retrying in ",
                       absl::FormatDuration(delay)));
    }
    DeleteIfUnchanged(done, deleted);
  }
  absl::MutexLock lock(&mu_);
  delivered_ += delivered;
  rejected_ += rejected;
}

absl::Time CommandOutbox::Pass(std::optional<std::string> floor,
                               bool* waiting) {
  absl::Time next_look = absl::InfiniteFuture();
  // Where the next pass must start: the first record this one leaves.
  std::optional<std::string> left;
  auto leave_from = [&](const std::string& key) {
    absl::MutexLock lock(&mu_);
    floor_ = LowerFloor(std::move(floor_), key);
  };
  if (!floor.has_value()) return next_look;  // no record anywhere
  std::set<std::string> blocked;  // groups with a record still waiting
  std::string start = *std::move(floor);  // the smallest key not read yet
  // No record lies before the floor, so neither do their backoffs.
  backoff_.erase(backoff_.begin(), backoff_.lower_bound(start));
  const size_t chunk_limit = std::max<size_t>(1, options_.scan_chunk);
  while (true) {
    if (stopping()) {
      if (!left.has_value()) leave_from(start);
      break;
    }
    std::vector<Record> chunk;
    absl::Status scanned =
        store_.Scan(family_, start, "", chunk_limit,
                    [&](absl::string_view key, absl::string_view value) {
                      chunk.push_back({std::string(key), std::string(value)});
                      return true;
                    });
    if (!scanned.ok()) {
      Log(LogLevel::kWarning, options_.name,
          absl::StrCat("reading pending records failed: ", scanned.ToString()));
      if (!left.has_value()) leave_from(start);
      *waiting = true;
      return absl::Now() + options_.initial_backoff;
    }
    // Forget backoffs of records that are gone: every key from `start` up
    // to the chunk's last one (or all the rest after the last chunk).
    const bool last = chunk.size() < chunk_limit;
    auto first = backoff_.lower_bound(start);
    auto end = last ? backoff_.end() : backoff_.upper_bound(chunk.back().key);
    for (auto it = first; it != end;) {
      auto found = std::lower_bound(
          chunk.begin(), chunk.end(), it->first,
          [](const Record& r, const std::string& key) { return r.key < key; });
      const bool present = found != chunk.end() && found->key == it->first;
      it = present ? std::next(it) : backoff_.erase(it);
    }
    std::set<std::string> deleted;
    DeliverChunk(chunk, blocked, next_look, waiting, deleted);
    for (const Record& record : chunk) {
      if (left.has_value()) break;
      if (deleted.count(record.key) == 0) {
        left = record.key;
        leave_from(record.key);
      }
    }
    if (last) break;
    start = ResumeAfter(chunk.back().key);
  }
  return next_look;
}

void CommandOutbox::Run() {
  while (true) {
    std::optional<std::string> floor;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      woken_ = false;
      in_pass_ = true;
      floor = std::exchange(floor_, std::nullopt);
    }
    bool waiting = false;
    absl::Time next_look = Pass(std::move(floor), &waiting);
    absl::MutexLock lock(&mu_);
    in_pass_ = false;
    idle_ = !waiting;
    auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return woken_ || stopping_;
    };
    if (next_look == absl::InfiniteFuture()) {
      mu_.Await(absl::Condition(&wake));
    } else {
      mu_.AwaitWithDeadline(absl::Condition(&wake), next_look);
    }
  }
}

}  // namespace cs
