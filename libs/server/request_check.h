// The wire-format check behind the request guard (request_guard.h), free of
// gRPC so that fuzzers and tests can call it directly.
#ifndef CS_LIBS_SERVER_REQUEST_CHECK_H_
#define CS_LIBS_SERVER_REQUEST_CHECK_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace cs {

// OK when `bytes` parse as `type`; otherwise INVALID_ARGUMENT naming the
// first string field (path relative to the request, e.g. "ticket.subject",
// "ticket.category[1]") that is not valid UTF-8, or saying the request is
// malformed. Accepts exactly what protobuf's parser accepts (it parses the
// bytes once to decide). Pure and thread-safe.
absl::Status CheckRequestBytes(absl::string_view bytes,
                               const google::protobuf::Descriptor& type);

// Why a parser refused `bytes` as `type`: CheckRequestBytes' answer, or
// INVALID_ARGUMENT saying the request is malformed should that check accept
// them (a refusal is never turned into OK).
absl::Status ExplainRefusedRequest(absl::string_view bytes,
                                   const google::protobuf::Descriptor& type);

}  // namespace cs

#endif  // CS_LIBS_SERVER_REQUEST_CHECK_H_
