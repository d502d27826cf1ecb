// Server streams that follow an Outbox: each replays the log from a sequence,
// then tails new events as they commit, woken by the outbox, never by
// polling. What a stream sends for an event is its owner's choice (the event
// itself, a notification derived from it, or nothing).
//
// Backpressure: each stream has at most one write in flight and reads at
// most kReadAhead events ahead of the network; a slow reader slows only its
// own stream, and events wait in the store, not in memory.
//
//   OutboxStreams<Event> streams(outbox);
//   auto everything = [](std::shared_ptr<const Event> e) { return e; };
//   return streams.Open(from, everything);  // from a Subscribe-like handler
//   ...
//   streams.Stop();  // before the gRPC server shuts down: streams end
#ifndef CS_LIBS_EVENTS_OUTBOX_STREAM_H_
#define CS_LIBS_EVENTS_OUTBOX_STREAM_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cs/common/v1/event.pb.h"
#include "grpcpp/support/server_callback.h"
#include "libs/common/grpc_status.h"
#include "libs/events/outbox.h"

namespace cs {

template <typename Message>
class OutboxStreams {
 public:
  // What a stream sends for one committed event; null sends nothing. Called
  // with the stream's lock held, so it must not block.
  using Translate = std::function<std::shared_ptr<const Message>(
      std::shared_ptr<const common::v1::Event> event)>;
  // What a stream sends when it has caught up with the log after reading
  // events it sent nothing for, `last_read` being the newest of them (a
  // progress marker); null sends nothing.
  using CaughtUp =
      std::function<std::shared_ptr<const Message>(uint64_t last_read)>;

  // How many events one stream reads ahead of the network.
  static constexpr size_t kReadAhead = 64;

  // `outbox` must outlive this object. Thread-safe.
  explicit OutboxStreams(Outbox& outbox) : outbox_(outbox) {}
  // Stops, then waits (up to 5 s) for open streams to finish; the gRPC
  // server has normally finished them already.
  ~OutboxStreams();

  // A stream of what `translate` makes of each event from sequence `from`
  // on, or one that ends at once with UNAVAILABLE after Stop(). The caller
  // checks `from` against outbox.FirstSequence() (retention) first.
  grpc::ServerWriteReactor<Message>* Open(uint64_t from, Translate translate,
                                          CaughtUp caught_up = nullptr);

  // A stream that ends at once with `status` (a refused request).
  static grpc::ServerWriteReactor<Message>* Finished(
      const absl::Status& status);

  // Ends every open stream with UNAVAILABLE and refuses new ones. Call before
  // shutting the gRPC server down, so shutdown does not wait for streams that
  // never end on their own. Idempotent.
  void Stop();

  // Number of open streams (for metrics and tests).
  size_t Active() const;

 private:
  class Reactor;
  class FinishedReactor;
  void Forget(Reactor* reactor);

  Outbox& outbox_;
  mutable absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  std::set<Reactor*> reactors_ ABSL_GUARDED_BY(mu_);
  absl::CondVar all_done_;
};

// ---------------------------------------------------------------------------
// Implementation.

template <typename Message>
class OutboxStreams<Message>::FinishedReactor final
    : public grpc::ServerWriteReactor<Message> {
 public:
  explicit FinishedReactor(const absl::Status& status) {
    this->Finish(ToGrpcStatus(status));
  }
  void OnDone() override { delete this; }
};

template <typename Message>
class OutboxStreams<Message>::Reactor final
    : public grpc::ServerWriteReactor<Message> {
 public:
  Reactor(OutboxStreams* streams, uint64_t from, Translate translate,
          CaughtUp caught_up)
      : streams_(streams),
        outbox_(streams->outbox_),
        translate_(std::move(translate)),
        caught_up_(std::move(caught_up)),
        next_(from),
        sent_(from - 1) {}

  // Starts delivering; called once the streams have registered the reactor.
  void Begin() {
    listener_id_ = outbox_.AddListener([this] { Pump(); });
    Pump();
  }

  // Ends the stream with `status` (once a write in flight completes).
  void End(const absl::Status& status) {
    absl::MutexLock lock(&mu_);
    EndLocked(status);
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!buffer_.empty()) buffer_.pop_front();
      if (!ok) {
        EndLocked(absl::CancelledError("the reader went away"));
        return;
      }
      if (pending_end_.has_value()) {
        EndLocked(*pending_end_);
        return;
      }
    }
    Pump();
  }

  void OnCancel() override { End(absl::CancelledError("stream cancelled")); }

  void OnDone() override {
    outbox_.RemoveListener(listener_id_);  // no listener Pump() from now on
    streams_->Forget(this);                // no End() from Stop() from now on
    // A thread that called Finish() may still be releasing mu_.
    { absl::MutexLock lock(&mu_); }
    delete this;
  }

 private:
  struct Pending {
    uint64_t sequence;  // of the event it stands for (last read, for markers)
    std::shared_ptr<const Message> message;
  };

  // Sends the next buffered message, refilling the buffer from the outbox
  // when it is empty. Safe to call from any thread at any time.
  void Pump() {
    absl::MutexLock lock(&mu_);
    if (ended_ || writing_ || pending_end_.has_value()) return;
    while (buffer_.empty() && next_ <= outbox_.VisibleSequence()) {
      absl::StatusOr<uint64_t> next = outbox_.ReadShared(
          next_, kReadAhead,
          [this](std::shared_ptr<const common::v1::Event> event) {
            const uint64_t sequence = event->sequence();
            if (auto message = translate_(std::move(event))) {
              buffer_.push_back({sequence, std::move(message)});
            }
          });
      if (!next.ok()) {
        EndLocked(next.status());
        return;
      }
      next_ = *next;
    }
    if (buffer_.empty() && caught_up_ && next_ - 1 > sent_) {
      if (auto marker = caught_up_(next_ - 1)) {
        buffer_.push_back({next_ - 1, std::move(marker)});
      }
    }
    if (buffer_.empty()) return;  // caught up: the outbox listener wakes us
    sent_ = buffer_.front().sequence;
    writing_ = true;
    this->StartWrite(buffer_.front().message.get());
  }

  void EndLocked(const absl::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (ended_) return;
    if (writing_) {
      if (!pending_end_.has_value()) pending_end_ = status;
      return;
    }
    ended_ = true;
    this->Finish(ToGrpcStatus(status));
  }

  OutboxStreams* const streams_;
  Outbox& outbox_;
  const Translate translate_;
  const CaughtUp caught_up_;
  int listener_id_ = -1;

  absl::Mutex mu_;
  uint64_t next_ ABSL_GUARDED_BY(mu_);
  uint64_t sent_ ABSL_GUARDED_BY(mu_);  // sequence of the last write started
  std::deque<Pending> buffer_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Status> pending_end_ ABSL_GUARDED_BY(mu_);
};

template <typename Message>
OutboxStreams<Message>::~OutboxStreams() {
  Stop();
  absl::MutexLock lock(&mu_);
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (!reactors_.empty()) {
    if (all_done_.WaitWithDeadline(&mu_, deadline)) break;
  }
}

template <typename Message>
grpc::ServerWriteReactor<Message>* OutboxStreams<Message>::Open(
    uint64_t from, Translate translate, CaughtUp caught_up) {
  auto* reactor =
      new Reactor(this, from, std::move(translate), std::move(caught_up));
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) {
      delete reactor;
      return Finished(absl::UnavailableError("server is shutting down"));
    }
    reactors_.insert(reactor);
  }
  reactor->Begin();
  return reactor;
}

template <typename Message>
grpc::ServerWriteReactor<Message>* OutboxStreams<Message>::Finished(
    const absl::Status& status) {
  return new FinishedReactor(status);
}

template <typename Message>
void OutboxStreams<Message>::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
  // Holding mu_ keeps every reactor alive: OnDone must Forget it first.
  for (Reactor* reactor : reactors_) {
    reactor->End(absl::UnavailableError("server is shutting down"));
  }
}

template <typename Message>
size_t OutboxStreams<Message>::Active() const {
  absl::MutexLock lock(&mu_);
  return reactors_.size();
}

template <typename Message>
void OutboxStreams<Message>::Forget(Reactor* reactor) {
  absl::MutexLock lock(&mu_);
  reactors_.erase(reactor);
  if (reactors_.empty()) all_done_.SignalAll();
}

}  // namespace cs

#endif  // CS_LIBS_EVENTS_OUTBOX_STREAM_H_
