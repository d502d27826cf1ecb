#include "services/routing/service/assigner.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "cs/ticket/v1/ticket.pb.h"

namespace cs::routing {

Assigner::Assigner(Store& store, ColumnFamily family, TicketClient& client,
                   absl::Mutex& state_mu, Options options)
    : outbox_(
          store, family,
          [&client](absl::string_view key, absl::string_view value,
                    CommandOutbox::Done done) {
            ticket::v1::AssignTicketRequest request;
            if (!request.ParseFromArray(value.data(),
                                        static_cast<int>(value.size()))) {
              done(absl::InvalidArgumentError(absl::StrCat(
                  "pending assignment of ticket ", key, " does not parse")));
              return;
            }
            client.AssignAsync(std::move(request), std::move(done));
          },
          {.initial_backoff = options.initial_backoff,
           .max_backoff = options.max_backoff,
           .writers_mu = &state_mu,
           .name = "assigner",
           .max_in_flight = options.max_in_flight}) {}

}  // namespace cs::routing
