#include "tools/csctl/payload_types.h"

#include "cs/analytics/v1/analytics.pb.h"
#include "cs/complaint/v1/events.pb.h"
#include "cs/escalation/v1/escalation.pb.h"
#include "cs/kb/v1/events.pb.h"
#include "cs/routing/v1/routing.pb.h"
#include "cs/ticket/v1/events.pb.h"

namespace cs::csctl {

const std::vector<const google::protobuf::FileDescriptor*>&
LinkedPayloadFiles() {
  static const auto* files =
      new std::vector<const google::protobuf::FileDescriptor*>{
          ticket::v1::TicketCreated::descriptor()->file(),
          routing::v1::TicketRouted::descriptor()->file(),
          kb::v1::ArticlePublished::descriptor()->file(),
          escalation::v1::EscalationOpened::descriptor()->file(),
          complaint::v1::ComplaintFiled::descriptor()->file(),
          analytics::v1::KpiThresholdBreached::descriptor()->file(),
      };
  return *files;
}

}  // namespace cs::csctl
