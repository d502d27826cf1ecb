// Formatting helpers shared by csctl commands: protobuf JSON (UTF-8 kept as
// is, so Chinese stays readable), times in the centre's zone, and decoding of
// google.protobuf.Any payloads through the generated descriptor pool.
//
//   ASSIGN_OR_RETURN(std::string json, cs::csctl::ToJson(info));
//   context.out() << json << "\n";
//   context.out() <<
//   cs::csctl::FormatDisplayTime(cs::csctl::FromTimestamp(ts));
#ifndef CS_TOOLS_CSCTL_OUTPUT_H_
#define CS_TOOLS_CSCTL_OUTPUT_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cs/common/v1/event.pb.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace cs::csctl {

// The time zone csctl prints times in: Asia/Shanghai (UTC+08:00 without
// daylight saving; the fixed offset is used when the system has no zone
// database).
const absl::TimeZone& DisplayTimeZone();

// RFC 3339 in DisplayTimeZone(), fractional seconds only when present:
// "2023-11-15T06:13:20+08:00", "2023-11-15T06:13:20.25+08:00".
std::string FormatDisplayTime(absl::Time time);

absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);

// FormatDisplayTime of `timestamp`, or "" when it is unset (all zero).
std::string FormatDisplayTimestamp(
    const google::protobuf::Timestamp& timestamp);

enum class JsonStyle {
  kFull,     // every field, defaults included (for --json)
  kCompact,  // only set fields (for payloads inside a table line)
};

// Proto3 JSON of `message` on one line. Non-ASCII UTF-8 is written as is,
// never as \uXXXX (protobuf 3.21 escapes only control characters and <, >,
// which JsonPrintOptions cannot change). INTERNAL naming the problem when an
// Any inside holds a type missing from the message's pool.
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message,
                                   JsonStyle style = JsonStyle::kFull);

// Writes ToJson(message) and a newline to `out`.
absl::Status PrintJson(std::ostream& out,
                       const google::protobuf::Message& message);

// Decodes Any payloads whose type is compiled into csctl (the generated
// pool; see payload_types.h for which service protos are linked). Not
// thread-safe; create one per command.
class PayloadDecoder {
 public:
  PayloadDecoder();

  // "cs.ticket.v1.TicketCreated" for
  // "type.googleapis.com/cs.ticket.v1.TicketCreated".
  static std::string TypeName(const google::protobuf::Any& any);

  // Compact JSON of the payload. NOT_FOUND naming the type when it is not in
  // the generated pool; DATA_LOSS when the bytes do not parse as that type.
  absl::StatusOr<std::string> ToJson(const google::protobuf::Any& any);

  // JSON of a whole event (JsonStyle::kFull). A payload of an unknown type
  // is rendered as {"@type": "<url>"} instead of failing.
  absl::StatusOr<std::string> EventToJson(const common::v1::Event& event);

 private:
  google::protobuf::DynamicMessageFactory factory_;
};

}  // namespace cs::csctl

#endif  // CS_TOOLS_CSCTL_OUTPUT_H_
