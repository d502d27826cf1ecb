#include "libs/common/proto_wire.h"

#include <algorithm>
#include <cstdint>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace cs::proto_wire {
namespace {

using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;
using google::protobuf::io::CodedOutputStream;

absl::Status Malformed() {
  return absl::DataLossError("stored message is not well-formed protobuf");
}

}  // namespace

absl::Status ForEachField(absl::string_view message,
                          absl::FunctionRef<void(const Field&)> visit) {
  CodedInputStream input(reinterpret_cast<const uint8_t*>(message.data()),
                         static_cast<int>(message.size()));
  for (;;) {
    const int start = input.CurrentPosition();
    const uint32_t tag = input.ReadTag();
    if (tag == 0) {
      // ReadTag answers 0 both at the end and for a literal tag 0.
      return input.ConsumedEntireMessage() ? absl::OkStatus() : Malformed();
    }
    Field field;
    field.number = WireFormatLite::GetTagFieldNumber(tag);
    if (field.number == 0) return Malformed();
    if (WireFormatLite::GetTagWireType(tag) ==
        WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t length = 0;
      if (!input.ReadVarint32(&length)) return Malformed();
      const int at = input.CurrentPosition();
      if (length > message.size() - at ||
          !input.Skip(static_cast<int>(length))) {
        return Malformed();
      }
      field.length_delimited = true;
      field.payload = message.substr(at, length);
    } else if (WireFormatLite::GetTagWireType(tag) ==
               WireFormatLite::WIRETYPE_VARINT) {
      if (!input.ReadVarint64(&field.varint)) return Malformed();
      field.is_varint = true;
    } else if (!WireFormatLite::SkipField(&input, tag)) {
      return Malformed();
    }
    field.whole = message.substr(start, input.CurrentPosition() - start);
    visit(field);
  }
}

absl::StatusOr<std::string> WithoutFields(absl::string_view message,
                                          std::initializer_list<int> numbers) {
  std::string kept;
  kept.reserve(message.size());
  absl::Status walked = ForEachField(message, [&](const Field& field) {
    if (std::find(numbers.begin(), numbers.end(), field.number) ==
        numbers.end()) {
      kept.append(field.whole.data(), field.whole.size());
    }
  });
  if (!walked.ok()) return walked;
  return kept;
}

void AppendLengthDelimited(int number, absl::string_view payload,
                           std::string* out) {
  uint8_t head[10];  // two varint32s
  uint8_t* end = CodedOutputStream::WriteVarint32ToArray(
      WireFormatLite::MakeTag(number,
                              WireFormatLite::WIRETYPE_LENGTH_DELIMITED),
      head);
  end = CodedOutputStream::WriteVarint32ToArray(
      static_cast<uint32_t>(payload.size()), end);
  out->append(reinterpret_cast<const char*>(head), end - head);
  out->append(payload.data(), payload.size());
}

}  // namespace cs::proto_wire
