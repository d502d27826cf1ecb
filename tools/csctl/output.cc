#include "tools/csctl/output.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "libs/common/status_macros.h"
#include "tools/csctl/payload_types.h"

namespace cs::csctl {

const absl::TimeZone& DisplayTimeZone() {
  static const absl::TimeZone* zone = [] {
    auto* tz = new absl::TimeZone;
    if (!absl::LoadTimeZone("Asia/Shanghai", tz)) {
      *tz = absl::FixedTimeZone(8 * 60 * 60);
    }
    return tz;
  }();
  return *zone;
}

std::string FormatDisplayTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*S%Ez", time, DisplayTimeZone());
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

std::string FormatDisplayTimestamp(
    const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
  return FormatDisplayTime(FromTimestamp(timestamp));
}

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message,
                                   JsonStyle style) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = style == JsonStyle::kFull;
  std::string json;
  auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("cannot print ",
                                            message.GetTypeName(),
                                            " as JSON: ", status.ToString()));
  }
  return json;
}

absl::Status PrintJson(std::ostream& out,
                       const google::protobuf::Message& message) {
  ASSIGN_OR_RETURN(std::string json, ToJson(message));
  out << json << "\n";
  return absl::OkStatus();
}

PayloadDecoder::PayloadDecoder()
    : factory_(google::protobuf::DescriptorPool::generated_pool()) {
  // Keeps the payload types linked in (see payload_types.h).
  (void)LinkedPayloadFiles();
}

std::string PayloadDecoder::TypeName(const google::protobuf::Any& any) {
  const std::string& url = any.type_url();
  size_t slash = url.rfind('/');
  return slash == std::string::npos ? url : url.substr(slash + 1);
}

absl::StatusOr<std::string> PayloadDecoder::ToJson(
    const google::protobuf::Any& any) {
  std::string type = TypeName(any);
  const google::protobuf::Descriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
          type);
  if (descriptor == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("payload type ", type, " is not known to csctl"));
  }
  std::unique_ptr<google::protobuf::Message> message(
      factory_.GetPrototype(descriptor)->New());
  if (!message->ParseFromString(any.value())) {
    return absl::DataLossError(
        absl::StrCat("payload does not parse as ", type));
  }
  return csctl::ToJson(*message, JsonStyle::kCompact);
}

absl::StatusOr<std::string> PayloadDecoder::EventToJson(
    const common::v1::Event& event) {
  bool known =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
          TypeName(event.payload())) != nullptr;
  if (known || !event.has_payload()) return csctl::ToJson(event);
  // An Any of an unknown type cannot be printed; show its type URL instead.
  common::v1::Event copy = event;
  copy.clear_payload();
  google::protobuf::Struct payload;
  (*payload.mutable_fields())["@type"].set_string_value(
      event.payload().type_url());
  ASSIGN_OR_RETURN(std::string head, csctl::ToJson(copy));
  ASSIGN_OR_RETURN(std::string tail, csctl::ToJson(payload));
  // head is a non-empty JSON object: splice the payload in before its '}'.
  head.pop_back();
  return absl::StrCat(head, head.size() > 1 ? "," : "", "\"payload\":", tail,
                      "}");
}

}  // namespace cs::csctl
