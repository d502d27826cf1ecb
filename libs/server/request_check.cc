#include "libs/server/request_check.h"

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/message.h"
#include "google/protobuf/wire_format_lite.h"
#include "libs/common/errors.h"
#include "libs/common/utf8.h"

namespace cs {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;
using google::protobuf::io::CodedInputStream;
using google::protobuf::internal::WireFormatLite;

constexpr int kMaxDepth = 100;  // protobuf's own recursion limit

absl::Status NotAValid(const Descriptor& type) {
  return absl::InvalidArgumentError(
      absl::StrCat("request is not a valid ", type.full_name()));
}

// Walks the wire format of one message. Returns false on malformed bytes;
// sets *bad to the first invalid-UTF-8 string field found.
bool Walk(absl::string_view bytes, const Descriptor& type,
          const std::string& prefix, int depth, absl::Status* bad) {
  if (depth > kMaxDepth) return false;
  CodedInputStream input(reinterpret_cast<const uint8_t*>(bytes.data()),
                         static_cast<int>(bytes.size()));
  std::map<int, int> seen;  // field number → occurrences, for [i] paths
  for (;;) {
    const uint32_t tag = input.ReadTag();
    if (tag == 0) return input.ConsumedEntireMessage();  // end, or tag 0
    if (WireFormatLite::GetTagFieldNumber(tag) == 0) return false;
    if (WireFormatLite::GetTagWireType(tag) !=
        WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      if (!WireFormatLite::SkipField(&input, tag)) return false;
      continue;
    }
    uint32_t length = 0;
    std::string value;
    if (!input.ReadVarint32(&length) ||
        !input.ReadString(&value, static_cast<int>(length))) {
      return false;
    }
    const int number = WireFormatLite::GetTagFieldNumber(tag);
    const FieldDescriptor* field = type.FindFieldByNumber(number);
    if (field == nullptr) continue;  // unknown fields are kept, not checked
    const int index = seen[number]++;
    const std::string path =
        field->is_repeated()
            ? absl::StrCat(prefix, field->name(), "[", index, "]")
            : absl::StrCat(prefix, field->name());
    if (field->type() == FieldDescriptor::TYPE_STRING &&
        field->file()->syntax() == FileDescriptor::SYNTAX_PROTO3 &&
        !IsValidUtf8(value)) {
      if (bad->ok()) *bad = InvalidField(path, "must be valid UTF-8");
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE &&
               !Walk(value, *field->message_type(), path + ".", depth + 1,
                     bad)) {
      return false;
    }
  }
}

}  // namespace

absl::Status CheckRequestBytes(absl::string_view bytes,
                               const Descriptor& type) {
  // Protobuf's own parser decides what parses (its wire-format corner cases
  // — tag length, field 0, group nesting — are many); the walk below only
  // explains a refusal.
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(
          &type);
  if (prototype != nullptr) {
    std::unique_ptr<google::protobuf::Message> message(prototype->New());
    if (message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return absl::OkStatus();
    }
  }
  absl::Status bad;
  if (!Walk(bytes, type, "", 0, &bad) || (prototype != nullptr && bad.ok())) {
    return NotAValid(type);
  }
  return bad;
}

absl::Status ExplainRefusedRequest(absl::string_view bytes,
                                   const Descriptor& type) {
  absl::Status why = CheckRequestBytes(bytes, type);
  return why.ok() ? NotAValid(type) : why;
}

}  // namespace cs
