#include "tools/csctl/payload_types.h"

#include "cs/routing/v1/routing.pb.h"
#include "cs/ticket/v1/events.pb.h"

namespace cs::csctl {

const std::vector<const google::protobuf::FileDescriptor*>&
LinkedPayloadFiles() {
  static const auto* files =
      new std::vector<const google::protobuf::FileDescriptor*>{
          ticket::v1::TicketCreated::descriptor()->file(),
          routing::v1::TicketRouted::descriptor()->file(),
      };
  return *files;
}

}  // namespace cs::csctl
