// Makes sure the event payload types of the suite's services are compiled
// into csctl, so `events tail` can print their payloads as JSON.
//
// Generated protobuf types register themselves in the generated descriptor
// pool from a static initializer in their .pb.cc — which the linker drops
// from a static library unless something references it. This unit
// references one message of every payload .proto file.
//
// To add a service: include its events .pb.h in payload_types.cc, add one
// line to LinkedPayloadFiles(), and link its proto target in
// tools/csctl/CMakeLists.txt (CSCTL_PAYLOAD_PROTOS).
#ifndef CS_TOOLS_CSCTL_PAYLOAD_TYPES_H_
#define CS_TOOLS_CSCTL_PAYLOAD_TYPES_H_

#include <vector>

#include "google/protobuf/descriptor.h"

namespace cs::csctl {

// The .proto files of the linked payload types. Thread-safe.
const std::vector<const google::protobuf::FileDescriptor*>&
LinkedPayloadFiles();

}  // namespace cs::csctl

#endif  // CS_TOOLS_CSCTL_PAYLOAD_TYPES_H_
