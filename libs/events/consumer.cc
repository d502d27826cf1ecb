#include "libs/events/consumer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cs/events/v1/event_stream.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "libs/common/grpc_status.h"
#include "libs/common/log.h"
#include "libs/common/status_macros.h"

namespace cs {
namespace {

std::string CursorKey(absl::string_view name) {
  return absl::StrCat("cursor/", name);
}

std::string DeadLetterKey(absl::string_view name, uint64_t sequence) {
  return absl::StrCat("dead/", name, "/", EncodeBigEndian64(sequence));
}

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
  thread_ = std::thread([this] { Run(); });
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
  auto channel =
      grpc::CreateChannel(options_.target, grpc::InsecureChannelCredentials());
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
      auto reader = stub->Subscribe(&context, request);
      common::v1::Event event;
      absl::Status failure;
      while (reader->Read(&event)) {
        {
          absl::MutexLock lock(&mu_);
          connected_ = true;
          if (event.sequence() <= cursor_) continue;  // redelivery
        }
        failure = Apply(event);
        if (!failure.ok()) break;
        progressed = true;
      }
      context.TryCancel();
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

absl::Status EventConsumer::Apply(const common::v1::Event& event) {
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
  RETURN_IF_ERROR(store_.Commit(batch));
  {
    absl::MutexLock lock(&mu_);
    cursor_ = event.sequence();
    if (!handled.ok()) ++dead_lettered_;
  }
  failures_ = 0;
  if (options_.on_cursor) options_.on_cursor(event.sequence());
  return absl::OkStatus();
}

}  // namespace cs
