#include "libs/server/raw_message.h"

#include <vector>

#include "grpcpp/support/slice.h"
#include "libs/server/request_check.h"

namespace cs {

std::string BufferBytes(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) return bytes;
  bytes.reserve(buffer.Length());
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return bytes;
}

absl::Status ParseRawRequest(const grpc::ByteBuffer& buffer,
                             google::protobuf::Message* request) {
  return ParseRawRequest(BufferBytes(buffer), request);
}

absl::Status ParseRawRequest(absl::string_view bytes,
                             google::protobuf::Message* request) {
  if (request->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::OkStatus();
  }
  request->Clear();
  return ExplainRefusedRequest(bytes, *request->GetDescriptor());
}

grpc::ByteBuffer RawResponse(absl::string_view bytes) {
  grpc::Slice slice(bytes.data(), bytes.size());
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace cs
