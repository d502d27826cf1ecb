#include "libs/timers/timer_engine.h"

#include <algorithm>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/common/log.h"
#include "libs/common/thread_name.h"

namespace cs {
namespace {

constexpr uint64_t kSignBit = uint64_t{1} << 63;

// Value layout: 8-byte big-endian due (Unix micros, sign bit flipped so byte
// order matches time order, should the value ever be used as a key) + payload.
std::string EncodeValue(int64_t due, absl::string_view payload) {
  std::string value = EncodeBigEndian64(static_cast<uint64_t>(due) ^ kSignBit);
  value.append(payload.data(), payload.size());
  return value;
}

bool DecodeValue(absl::string_view value, int64_t* due,
                 absl::string_view* payload) {
  uint64_t raw = 0;
  if (value.size() < 8 || !DecodeBigEndian64(value.substr(0, 8), &raw)) {
    return false;
  }
  *due = static_cast<int64_t>(raw ^ kSignBit);
  *payload = value.substr(8);
  return true;
}

// Ids are opaque bytes; log them escaped so a line stays one line.
std::string Printable(absl::string_view id) { return absl::CHexEscape(id); }

}  // namespace

TimerEngine::TimerEngine(Store& store, ColumnFamily family, Clock& clock,
                         FireHandler handler)
    : TimerEngine(store, family, clock, std::move(handler), Options()) {}

TimerEngine::TimerEngine(Store& store, ColumnFamily family, Clock& clock,
                         FireHandler handler, Options options)
    : store_(store),
      family_(family),
      clock_(clock),
      handler_(std::move(handler)),
      options_(std::move(options)) {}

TimerEngine::~TimerEngine() { Stop(); }

std::string TimerEngine::Key(absl::string_view id) const {
  return absl::StrCat(options_.key_prefix, id);
}

// ---------------------------------------------------------------------------
// Arm / Cancel: writes go into the caller's WriteSet; the index follows the
// commit through OnCommit.

absl::Status TimerEngine::Arm(WriteSet& writes, absl::string_view id,
                              absl::Time due, absl::string_view payload) {
  if (id.empty()) {
    return absl::InvalidArgumentError("timer id must not be empty");
  }
  if (id.size() > options_.max_id_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("timer id is ", id.size(), " bytes; at most ",
                     options_.max_id_bytes, " allowed"));
  }
  if (due == absl::InfiniteFuture() || due == absl::InfinitePast()) {
    return absl::InvalidArgumentError(
        absl::StrCat("due time of timer ", Printable(id), " must be finite"));
  }
  if (payload.size() > options_.max_payload_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("payload of timer ", Printable(id), " is ",
                     payload.size(), " bytes; at most ",
                     options_.max_payload_bytes, " allowed"));
  }
  const int64_t micros = absl::ToUnixMicros(due);
  writes.Put(family_, Key(id), EncodeValue(micros, payload));
  writes.OnCommit([this, id = std::string(id), micros](bool committed) {
    if (!committed) return;
    absl::MutexLock lock(&mu_);
    Upsert(id, micros);
  });
  return absl::OkStatus();
}

void TimerEngine::Cancel(WriteSet& writes, absl::string_view id) {
  // Such an id can never have been armed.
  if (id.empty() || id.size() > options_.max_id_bytes) return;
  writes.Delete(family_, Key(id));
  writes.OnCommit([this, id = std::string(id)](bool committed) {
    if (!committed) return;
    absl::MutexLock lock(&mu_);
    Remove(id);
  });
}

// ---------------------------------------------------------------------------
// Start / Stop.

absl::Status TimerEngine::Start() {
  absl::MutexLock life(&lifecycle_mu_);
  if (thread_.joinable()) {
    return absl::FailedPreconditionError(
        absl::StrCat("timer engine ", options_.name, " already started"));
  }
  {
    // Holding mu_ across the scan keeps commit callbacks out: a commit whose
    // callback ran before we got here is in the scan's snapshot, and one
    // whose callback runs after we finish is applied on top of it.
    absl::MutexLock lock(&mu_);
    const std::string& prefix = options_.key_prefix;
    Index loaded;
    uint32_t generation = next_generation_;
    absl::Status corrupt;
    absl::Status scanned = store_.Scan(
        family_, prefix, PrefixEnd(prefix), /*limit=*/0,
        [&](absl::string_view key, absl::string_view value) {
          absl::string_view id = key.substr(prefix.size());
          int64_t due = 0;
          absl::string_view payload;
          if (!DecodeValue(value, &due, &payload)) {
            corrupt = absl::DataLossError(absl::StrCat(
                "timer record ", Printable(id), " does not decode"));
            return false;
          }
          loaded.try_emplace(std::string(id), Entry{due, 0, ++generation});
          return true;
        });
    if (!scanned.ok()) return scanned;
    if (!corrupt.ok()) return corrupt;

    next_generation_ = generation;
    index_ = std::move(loaded);  // node addresses survive the move
    heap_.clear();
    heap_.shrink_to_fit();
    heap_.reserve(index_.size());
    for (Node& node : index_) {
      node.second.heap_pos = static_cast<uint32_t>(heap_.size());
      heap_.push_back(&node);
    }
    for (size_t pos = heap_.size() / 2; pos-- > 0;) SiftDown(pos);
    ++epoch_;
    stopping_ = false;
    Log(LogLevel::kInfo, "timers",
        absl::StrCat(options_.name, ": loaded ", index_.size(), " timers"));
  }
  thread_ = std::thread([this] {
    NameThisThread(absl::StrCat("cs-timers ", options_.name));
    Run();
  });
  return absl::OkStatus();
}

void TimerEngine::Stop() {
  absl::MutexLock life(&lifecycle_mu_);
  if (!thread_.joinable()) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

// ---------------------------------------------------------------------------
// The firing thread.

void TimerEngine::Run() {
  absl::Duration backoff = options_.initial_backoff;
  while (true) {
    Pick pick;
    {
      absl::MutexLock lock(&mu_);
      while (true) {
        if (stopping_) return;
        if (!heap_.empty() &&
            heap_[0]->second.due <= absl::ToUnixMicros(clock_.Now())) {
          pick = {heap_[0]->first, heap_[0]->second.due,
                  heap_[0]->second.generation};
          firing_ = true;
          break;
        }
        // Sleep until the earliest due time, or until the earliest timer
        // changes (an earlier one was armed) or Stop().
        const uint64_t epoch = epoch_;
        const absl::Time deadline =
            heap_.empty() ? absl::InfiniteFuture()
                          : absl::FromUnixMicros(heap_[0]->second.due);
        auto wake = [this, epoch]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return stopping_ || epoch_ != epoch;
        };
        clock_.AwaitWithDeadline(&mu_, absl::Condition(&wake), deadline);
      }
    }

    const Outcome outcome = FireOne(pick);

    absl::MutexLock lock(&mu_);
    firing_ = false;
    if (outcome != Outcome::kFailed) {
      backoff = options_.initial_backoff;
      continue;
    }
    ++failures_;
    // Backoff is operational pacing, not business time: real time is right.
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), backoff)) return;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

TimerEngine::Outcome TimerEngine::FireOne(const Pick& pick) {
  const std::string key = Key(pick.id);
  // The store is the truth: the index can lag a commit whose callback has
  // not run yet.
  absl::StatusOr<std::string> stored = store_.Get(family_, key);
  if (absl::IsNotFound(stored.status())) {
    absl::MutexLock lock(&mu_);
    if (Current(pick)) Remove(pick.id);  // cancelled; callback still to come
    return Outcome::kSkipped;
  }
  if (!stored.ok()) {
    Log(LogLevel::kWarning, "timers",
        absl::StrCat(options_.name, ": reading timer ", Printable(pick.id),
                     " failed: ", stored.status().ToString(), "; retrying"));
    return Outcome::kFailed;
  }
  int64_t due = 0;
  absl::string_view payload;
  if (!DecodeValue(*stored, &due, &payload)) {
    Log(LogLevel::kError, "timers",
        absl::StrCat(options_.name, ": timer record ", Printable(pick.id),
                     " does not decode; not fired (Start() will refuse it)"));
    absl::MutexLock lock(&mu_);
    if (Current(pick)) Remove(pick.id);
    return Outcome::kSkipped;
  }
  if (due != pick.due) {
    absl::MutexLock lock(&mu_);
    if (Current(pick)) Upsert(pick.id, due);  // re-armed; callback to come
    return Outcome::kSkipped;
  }

  WriteSet writes;
  // Before the handler's writes, so that a handler re-arming its own id wins.
  writes.Delete(family_, key);
  writes.OnCommit([this, pick](bool committed) {
    if (!committed) return;
    absl::MutexLock lock(&mu_);
    ++fired_;
    if (Current(pick)) Remove(pick.id);
  });
  Timer timer{pick.id, absl::FromUnixMicros(due), std::string(payload)};
  absl::Status handled = handler_(timer, writes);
  if (!handled.ok()) {
    Log(LogLevel::kWarning, "timers",
        absl::StrCat(options_.name, ": handler for timer ", Printable(pick.id),
                     " due ", absl::FormatTime(absl::RFC3339_full, timer.due,
                                      absl::UTCTimeZone()), " failed: ",
                     handled.ToString(), "; retrying"));
    return Outcome::kFailed;  // `writes` is dropped uncommitted
  }
  bool current;
  {
    absl::MutexLock lock(&mu_);
    current = Current(pick);
  }
  // Another commit cancelled or re-armed the timer while the handler ran:
  // its effects were computed for a timer that no longer exists.
  if (!current) return Outcome::kSkipped;
  absl::Status committed = store_.Commit(writes);
  if (!committed.ok()) {
    Log(LogLevel::kWarning, "timers",
        absl::StrCat(options_.name, ": committing timer ", Printable(pick.id),
                     " failed: ", committed.ToString(), "; retrying"));
    return Outcome::kFailed;
  }
  return Outcome::kFired;
}

bool TimerEngine::Current(const Pick& pick) const {
  auto it = index_.find(pick.id);
  return it != index_.end() && it->second.generation == pick.generation;
}

// ---------------------------------------------------------------------------
// Observers.

size_t TimerEngine::size() const {
  absl::MutexLock lock(&mu_);
  return index_.size();
}

std::optional<absl::Time> TimerEngine::NextDue() const {
  absl::MutexLock lock(&mu_);
  if (heap_.empty()) return std::nullopt;
  return absl::FromUnixMicros(heap_[0]->second.due);
}

std::optional<absl::Time> TimerEngine::DueOf(absl::string_view id) const {
  absl::MutexLock lock(&mu_);
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return absl::FromUnixMicros(it->second.due);
}

uint64_t TimerEngine::fired() const {
  absl::MutexLock lock(&mu_);
  return fired_;
}

uint64_t TimerEngine::failures() const {
  absl::MutexLock lock(&mu_);
  return failures_;
}

bool TimerEngine::WaitIdle(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  const int64_t now = absl::ToUnixMicros(clock_.Now());
  auto idle = [this, now]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !firing_ && (heap_.empty() || heap_[0]->second.due > now);
  };
  return mu_.AwaitWithTimeout(absl::Condition(&idle), timeout);
}

// ---------------------------------------------------------------------------
// The deadline index: a binary min-heap of pointers into the id map, ordered
// by (due, id); each entry knows its heap position so that re-arm and cancel
// are O(log n).

bool TimerEngine::Earlier(const Node* a, const Node* b) {
  if (a->second.due != b->second.due) return a->second.due < b->second.due;
  return a->first < b->first;
}

void TimerEngine::Place(size_t pos, Node* node) {
  heap_[pos] = node;
  node->second.heap_pos = static_cast<uint32_t>(pos);
}

void TimerEngine::SiftUp(size_t pos) {
  Node* node = heap_[pos];
  while (pos > 0) {
    size_t parent = (pos - 1) / 2;
    if (!Earlier(node, heap_[parent])) break;
    Place(pos, heap_[parent]);
    pos = parent;
  }
  Place(pos, node);
}

void TimerEngine::SiftDown(size_t pos) {
  const size_t n = heap_.size();
  Node* node = heap_[pos];
  while (true) {
    size_t child = 2 * pos + 1;
    if (child >= n) break;
    if (child + 1 < n && Earlier(heap_[child + 1], heap_[child])) ++child;
    if (!Earlier(heap_[child], node)) break;
    Place(pos, heap_[child]);
    pos = child;
  }
  Place(pos, node);
}

void TimerEngine::NoteFront(const Node* before, int64_t before_due) {
  const Node* after = heap_.empty() ? nullptr : heap_[0];
  if (after != before || (after != nullptr && after->second.due != before_due)) {
    ++epoch_;
  }
}

void TimerEngine::Upsert(absl::string_view id, int64_t due) {
  const Node* before = heap_.empty() ? nullptr : heap_[0];
  const int64_t before_due = before == nullptr ? 0 : before->second.due;
  auto [it, inserted] = index_.try_emplace(std::string(id));
  Node* node = &*it;
  node->second.due = due;
  node->second.generation = ++next_generation_;
  if (inserted) {
    heap_.push_back(node);
    node->second.heap_pos = static_cast<uint32_t>(heap_.size() - 1);
    SiftUp(heap_.size() - 1);
  } else {
    SiftUp(node->second.heap_pos);
    SiftDown(node->second.heap_pos);
  }
  NoteFront(before, before_due);
}

void TimerEngine::Remove(absl::string_view id) {
  auto it = index_.find(id);
  if (it == index_.end()) return;
  const Node* before = heap_[0];
  const int64_t before_due = before->second.due;
  const size_t pos = it->second.heap_pos;
  Node* last = heap_.back();
  heap_.pop_back();
  if (pos < heap_.size()) {
    Place(pos, last);
    SiftUp(pos);
    SiftDown(last->second.heap_pos);
  }
  index_.erase(it);
  NoteFront(before, before_due);
}

}  // namespace cs
