// Fuzz-target helper: parses request bytes as a server does and checks
// that the request guard's wire check agrees with protobuf's parser.
#ifndef CS_FUZZ_GUARDED_PARSE_H_
#define CS_FUZZ_GUARDED_PARSE_H_

#include <string>

#include "fuzz/fuzz_input.h"
#include "libs/server/request_check.h"

namespace cs::fuzz {

// Whether `bytes` parse into `request`; aborts (a finding) when
// CheckRequestBytes accepts what protobuf refuses or the other way round.
template <typename Request>
bool GuardedParse(const std::string& bytes, Request& request) {
  const bool parsed = request.ParseFromString(bytes);
  FUZZ_CHECK(cs::CheckRequestBytes(bytes, *Request::descriptor()).ok() ==
             parsed);
  return parsed;
}

}  // namespace cs::fuzz

#endif  // CS_FUZZ_GUARDED_PARSE_H_
