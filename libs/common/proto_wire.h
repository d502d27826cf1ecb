// Reads and trims the top-level fields of a serialized protobuf message
// without parsing it: no message objects, no allocation per field and no
// UTF-8 check. For serving a stored message as it is (GetTicket answers
// with the ticket's stored bytes) while still reading a few of its fields.
//
//   std::string department;
//   RETURN_IF_ERROR(proto_wire::ForEachField(stored, [&](const Field& f) {
//     if (f.number == v1::Ticket::kDepartmentFieldNumber) {
//       department = std::string(f.payload);
//     }
//   }));
//   ASSIGN_OR_RETURN(std::string basic,
//                    proto_wire::WithoutFields(stored, {35, 36}));
//
// Pure and thread-safe.
#ifndef CS_LIBS_COMMON_PROTO_WIRE_H_
#define CS_LIBS_COMMON_PROTO_WIRE_H_

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cs::proto_wire {

// One top-level field occurrence (a repeated field yields one per element,
// or one for a packed run).
struct Field {
  int number = 0;
  bool length_delimited = false;  // string, bytes, message or packed run
  absl::string_view payload;      // the length-delimited bytes, else empty
  bool is_varint = false;         // int, bool or enum
  uint64_t varint = 0;            // its value, else 0
  absl::string_view whole;        // tag and value, as they are on the wire
};

// Calls `visit` for each top-level field of `message`, in wire order.
// DATA_LOSS when `message` is not well-formed wire format (truncated, a bad
// tag or wire type, field number 0); fields visited before the fault were
// visited. Nested messages are not looked into.
absl::Status ForEachField(absl::string_view message,
                          absl::FunctionRef<void(const Field&)> visit);

// `message` with every occurrence of the fields numbered `numbers` removed
// and every other field kept byte for byte, in order. DATA_LOSS as
// ForEachField.
absl::StatusOr<std::string> WithoutFields(absl::string_view message,
                                          std::initializer_list<int> numbers);

// Appends field `number` with the length-delimited `payload` (a string,
// bytes or an embedded message's serialization) to `out`, as protobuf would
// serialize it.
void AppendLengthDelimited(int number, absl::string_view payload,
                           std::string* out);

}  // namespace cs::proto_wire

#endif  // CS_LIBS_COMMON_PROTO_WIRE_H_
