// Feeds the inspection queue's complaint-linked and SLA-breached signals:
// follows routing-sla's EventStream (SlaBreached, consumer
// "ticket<-routing") and complaint's (ComplaintFiled, "ticket<-complaint")
// and records each fact under the ticket in the quality column family
// (QualityRepository::PutSignal). Each fact commits in the same batch as the
// consumer's cursor, so a crash neither loses nor repeats one; a repeated
// delivery rewrites the same key.
//
//   ASSIGN_OR_RETURN(auto feed, InspectionSignalFeed::Create(
//       host.store(), app->repository(),
//       {.routing_target = "127.0.0.1:50052",
//        .complaint_target = "127.0.0.1:50054",
//        .token = [&host] { return host.ServiceToken(); }}));
//   RETURN_IF_ERROR(feed->Start());   // after the host has started
//   ...
//   feed->Stop();                     // before the host shuts down
//
// An empty target means no consumer for that producer. A producer that is
// down is retried with backoff (EventConsumer); the queue simply lacks its
// signals meanwhile. Events about tickets this store does not hold (another
// partition, a ticket number typed wrongly on the complaint, clocks of
// complaints) are skipped.
//
// Thread-safe.
#ifndef CS_SERVICES_TICKET_QUALITY_SIGNAL_FEED_H_
#define CS_SERVICES_TICKET_QUALITY_SIGNAL_FEED_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cs/common/v1/event.pb.h"
#include "libs/common/tls.h"
#include "libs/events/consumer.h"
#include "libs/store/store.h"
#include "services/ticket/quality/quality_repository.h"
#include "services/ticket/store/ticket_repository.h"

namespace cs::ticket::quality {

class InspectionSignalFeed {
 public:
  static constexpr char kRoutingConsumer[] = "ticket<-routing";
  static constexpr char kComplaintConsumer[] = "ticket<-complaint";

  struct Options {
    std::string routing_target;    // host:port of routing-sla; "" = none
    std::string complaint_target;  // host:port of complaint; "" = none
    // Channels to the producers (TLS/mTLS by flag; plaintext by default).
    ChannelFactory channels;
    // Bearer token for the producers' EventStream (service role).
    std::function<std::string()> token;
    absl::Duration initial_backoff = absl::Milliseconds(50);
    // Export each consumer's cursor (ServiceHost::ConsumerCursorGauge); may
    // be empty.
    std::function<void(uint64_t)> on_routing_cursor;
    std::function<void(uint64_t)> on_complaint_cursor;
    // Count each consumer's dead letters
    // (ServiceHost::ConsumerDeadLetterCounter); may be empty.
    std::function<void()> on_routing_dead_letter;
    std::function<void()> on_complaint_dead_letter;
  };

  // `store` (with kQualityFamily) and `tickets` must outlive the feed.
  static absl::StatusOr<std::unique_ptr<InspectionSignalFeed>> Create(
      Store& store, const TicketRepository& tickets, Options options);

  // Starts the consumers (none when both targets are empty).
  absl::Status Start();
  // Stops them; idempotent.
  void Stop();

  // Block until the consumer has applied the producer's event `sequence`
  // (false on timeout or when that consumer is not configured). For tests.
  bool WaitForRouting(uint64_t sequence, absl::Duration timeout) const;
  bool WaitForComplaints(uint64_t sequence, absl::Duration timeout) const;

  // The handler of both consumers: adds the event's fact (if any) to
  // `writes`. Errors are storage errors or an unparseable payload.
  absl::Status Apply(const common::v1::Event& event, WriteSet& writes) const;

 private:
  InspectionSignalFeed(const TicketRepository& tickets,
                       std::unique_ptr<QualityRepository> repo)
      : tickets_(tickets), repo_(std::move(repo)) {}

  // Id of the ticket `ref` names in this store: "tickets/{id}" or a ticket
  // number. nullopt when it names none here.
  absl::StatusOr<std::optional<std::string>> Resolve(
      absl::string_view ref) const;

  const TicketRepository& tickets_;
  std::unique_ptr<QualityRepository> repo_;
  std::unique_ptr<EventConsumer> routing_;
  std::unique_ptr<EventConsumer> complaints_;
};

}  // namespace cs::ticket::quality

#endif  // CS_SERVICES_TICKET_QUALITY_SIGNAL_FEED_H_
