#include "services/complaint/service/command_sender.h"

#include <utility>

namespace cs::complaint {

CommandSender::CommandSender(Store& store, ColumnFamily family,
                             Deliver deliver, Options options)
    : outbox_(
          store, family,
          [deliver = std::move(deliver)](absl::string_view key,
                                         absl::string_view value) {
            v1::PendingCommand command;
            if (!command.ParseFromArray(value.data(),
                                        static_cast<int>(value.size()))) {
              return absl::InvalidArgumentError(
                  "pending command does not parse");
            }
            return deliver(command);
          },
          // Commands of one complaint ("<complaint>/<seq>") go out in order.
          {.initial_backoff = options.initial_backoff,
           .max_backoff = options.max_backoff,
           .ordered_groups = true,
           .name = "commands"}) {}

}  // namespace cs::complaint
