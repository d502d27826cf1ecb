#include "libs/events/consumer.h"

#include <algorithm>
#include <deque>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cs/events/v1/event_stream.grpc.pb.h"
#include "libs/common/grpc_status.h"
#include "libs/common/log.h"
#include "libs/common/status_macros.h"
#include "libs/common/thread_name.h"
#include "libs/store/commit_group.h"

namespace cs {
namespace {

std::string CursorKey(absl::string_view name) {
  return absl::StrCat("cursor/", name);
}

std::string DeadLetterKey(absl::string_view name, uint64_t sequence) {
  return absl::StrCat("dead/", name, "/", EncodeBigEndian64(sequence));
}

// Events read from the stream and not yet applied. Bounded, so a slow
// handler pushes back on the stream (gRPC flow control) instead of memory.
class Inbox {
 public:
  // Reads until the stream ends or Close().
  void Fill(grpc::ClientReaderInterface<common::v1::Event>& reader) {
    common::v1::Event event;
    while (reader.Read(&event)) {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &Inbox::HasRoomOrClosed));
      if (closed_) break;
      events_.push_back(std::move(event));
    }
    absl::MutexLock lock(&mu_);
    ended_ = true;
  }

  // Waits for events; moves up to `max` into `out`. False when the stream
  // ended (or Close()) and everything was taken.
  bool Take(size_t max, std::vector<common::v1::Event>* out) {
    out->clear();
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &Inbox::HasEventsOrEnded));
    while (!events_.empty() && out->size() < max) {
      out->push_back(std::move(events_.front()));
      events_.pop_front();
    }
    return !out->empty();
  }

  void Close() {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }

 private:
  static constexpr size_t kCapacity = 4096;
  bool HasRoomOrClosed() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closed_ || events_.size() < kCapacity;
  }
  bool HasEventsOrEnded() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !events_.empty() || ended_ || closed_;
  }

  absl::Mutex mu_;
  std::deque<common::v1::Event> events_ ABSL_GUARDED_BY(mu_);
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

EventConsumer::EventConsumer(Store& store, Options options, Handler handler)
    : store_(store),
      options_(std::move(options)),
      handler_(std::move(handler)),
      cursor_family_(*store.Family(Store::kCursorFamily)) {}

EventConsumer::~EventConsumer() { Stop(); }

absl::StatusOr<uint64_t> EventConsumer::StoredCursor(const Store& store,
                                                     absl::string_view name) {
  ASSIGN_OR_RETURN(ColumnFamily family, store.Family(Store::kCursorFamily));
  absl::StatusOr<std::string> value = store.Get(family, CursorKey(name));
  if (absl::IsNotFound(value.status())) return 0;
  if (!value.ok()) return value.status();
  uint64_t cursor = 0;
  if (!DecodeBigEndian64(*value, &cursor)) {
    return absl::DataLossError(absl::StrCat("cursor of ", name, " is corrupt"));
  }
  return cursor;
}

absl::Status EventConsumer::Start() {
  if (thread_.joinable()) {
    return absl::FailedPreconditionError("consumer already started");
  }
  ASSIGN_OR_RETURN(uint64_t cursor, StoredCursor(store_, options_.name));
  {
    absl::MutexLock lock(&mu_);
    cursor_ = cursor;
    stopping_ = false;
  }
  thread_ = std::thread([this] {
    NameThisThread(absl::StrCat("cs-apply ", options_.name));
    Run();
  });
  return absl::OkStatus();
}

void EventConsumer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (active_context_ != nullptr) active_context_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

uint64_t EventConsumer::cursor() const {
  absl::MutexLock lock(&mu_);
  return cursor_;
}

bool EventConsumer::connected() const {
  absl::MutexLock lock(&mu_);
  return connected_;
}

uint64_t EventConsumer::dead_lettered() const {
  absl::MutexLock lock(&mu_);
  return dead_lettered_;
}

bool EventConsumer::WaitForCursor(uint64_t sequence,
                                  absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto reached = [this, sequence]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return cursor_ >= sequence;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
}

void EventConsumer::Run() {
  // One channel for the consumer's life: gRPC reconnects it underneath.
  auto channel = options_.channels.Connect(options_.target);
  auto stub = events::v1::EventStream::NewStub(channel);
  absl::Duration backoff = options_.initial_backoff;
  while (true) {
    bool progressed = false;
    {
      grpc::ClientContext context;
      if (options_.token) {
        std::string token = options_.token();
        if (!token.empty()) {
          context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
        }
      }
      events::v1::SubscribeRequest request;
      {
        absl::MutexLock lock(&mu_);
        if (stopping_) return;
        active_context_ = &context;
        request.set_from_sequence(cursor_ + 1);
      }
      for (const auto& type : options_.types) request.add_types(type);
      // Skipped events still move the cursor (and the lag) to the log's end.
      request.set_progress_markers(true);
      auto reader = stub->Subscribe(&context, request);
      // A reader thread fills the inbox while this thread applies whatever
      // has arrived as one group with one fsync (see CommitGroup), so a
      // consumer catching up is not bound by the disk's sync latency.
      Inbox inbox;
      std::thread read_thread([&] {
        NameThisThread(absl::StrCat("cs-read ", options_.name));
        inbox.Fill(*reader);
      });
      absl::Status failure;
      std::vector<common::v1::Event> arrived;
      while (inbox.Take(kMaxGroup, &arrived)) {
        CommitGroup group(store_);
        uint64_t last = 0;
        int parked = 0;
        {
          absl::MutexLock lock(&mu_);
          connected_ = true;
          last = cursor_;
        }
        for (const common::v1::Event& event : arrived) {
          if (event.sequence() <= last) continue;  // redelivery
          if (event.type().empty()) {
            // A progress marker: nothing to apply and nothing to store (on
            // a restart the stream skips the same unwanted events again).
            last = event.sequence();
            continue;
          }
          bool dead_lettered = false;
          failure = Apply(event, group, &dead_lettered);
          if (!failure.ok()) break;
          last = event.sequence();
          parked += dead_lettered ? 1 : 0;
        }
        if (absl::Status synced = group.Sync(); failure.ok()) failure = synced;
        Advance(last, parked);
        if (!failure.ok()) break;
        progressed = true;
      }
      context.TryCancel();
      inbox.Close();
      read_thread.join();
      grpc::Status finished = reader->Finish();
      {
        absl::MutexLock lock(&mu_);
        active_context_ = nullptr;
        connected_ = false;
        if (stopping_) return;
      }
      if (failure.ok()) failure = FromGrpcStatus(finished);
      Log(LogLevel::kWarning, "consumer",
          absl::StrCat(options_.name, ": stream from ", options_.target,
                       " ended: ", failure.ToString(), "; retrying"));
    }
    if (progressed) backoff = options_.initial_backoff;
    absl::MutexLock lock(&mu_);
    // Backoff is operational pacing, not business time: real time is right.
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), backoff)) return;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

absl::Status EventConsumer::Apply(const common::v1::Event& event,
                                  CommitGroup& group, bool* dead_lettered) {
  WriteSet writes;
  WriteSet parked;  // used instead of `writes` when the event is given up
  absl::Status handled = handler_(event, writes);
  if (!handled.ok()) {
    if (event.sequence() != failing_sequence_) {
      failing_sequence_ = event.sequence();
      failures_ = 0;
    }
    if (++failures_ < options_.max_attempts) return handled;
    Log(LogLevel::kError, "consumer",
        absl::StrCat(options_.name, ": event ", event.sequence(), " (",
                     event.type(), ") failed ", failures_,
                     " times; dead-lettered: ", handled.ToString()));
    parked.Put(cursor_family_, DeadLetterKey(options_.name, event.sequence()),
               event.SerializeAsString());
  }
  // The failed handler's partial writes are dropped with `writes`.
  WriteSet& batch = handled.ok() ? writes : parked;
  batch.Put(cursor_family_, CursorKey(options_.name),
            EncodeBigEndian64(event.sequence()));
  RETURN_IF_ERROR(group.Commit(std::move(batch)));
  *dead_lettered = !handled.ok();
  failures_ = 0;
  return absl::OkStatus();
}

void EventConsumer::Advance(uint64_t cursor, int dead_lettered) {
  {
    absl::MutexLock lock(&mu_);
    if (cursor <= cursor_) return;
  }
  // The hooks (metrics) run before the cursor is published, so whoever
  // waits for the cursor (WaitForCursor) also sees what they counted. Only
  // the Run thread advances, so the cursor cannot move meanwhile.
  if (options_.on_cursor) options_.on_cursor(cursor);
  if (options_.on_dead_letter) {
    for (int i = 0; i < dead_lettered; ++i) options_.on_dead_letter();
  }
  absl::MutexLock lock(&mu_);
  cursor_ = cursor;
  dead_lettered_ += dead_lettered;
}

}  // namespace cs
