// Requests and responses of a method registered raw (the generated
// WithRawCallbackMethod_X): gRPC hands over wire bytes and sends back the
// bytes it is given. A hot read serves a stored message this way as it is,
// never parsed into a message nor serialized again (ServeAppRaw in
// serve_app.h).
//
//   v1::GetTicketRequest parsed;
//   RETURN_IF_ERROR(ParseRawRequest(*request, &parsed));
//   *response = RawResponse(stored_bytes);
#ifndef CS_LIBS_SERVER_RAW_MESSAGE_H_
#define CS_LIBS_SERVER_RAW_MESSAGE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/byte_buffer.h"

namespace cs {

// The bytes `buffer` holds, in one string.
std::string BufferBytes(const grpc::ByteBuffer& buffer);

// Parses `buffer` into `request`. INVALID_ARGUMENT as the request guard
// answers for a typed method (request_guard.h): naming the string field
// that is not UTF-8, or saying the request is malformed.
absl::Status ParseRawRequest(const grpc::ByteBuffer& buffer,
                             google::protobuf::Message* request);
// The same for the bytes of a buffer (BufferBytes).
absl::Status ParseRawRequest(absl::string_view bytes,
                             google::protobuf::Message* request);

// A response buffer holding `bytes`, a serialized response message.
grpc::ByteBuffer RawResponse(absl::string_view bytes);

}  // namespace cs

#endif  // CS_LIBS_SERVER_RAW_MESSAGE_H_
