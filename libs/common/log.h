// Minimal structured logging to stderr (Abseil 20220623 has no absl/log).
// One line per call: RFC 3339 UTC time, level, component, message. UTF-8 is
// written as is; never log personal data (names, phones, ID or card numbers).
//
//   cs::Log(cs::LogLevel::kWarning, "consumer", "stream broke: " + status);
#ifndef CS_LIBS_COMMON_LOG_H_
#define CS_LIBS_COMMON_LOG_H_

#include "absl/strings/string_view.h"

namespace cs {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Thread-safe; lines from different threads never interleave.
void Log(LogLevel level, absl::string_view component, absl::string_view message);

// Lines below `level` are dropped (default kInfo).
void SetMinLogLevel(LogLevel level);

// Sends the protobuf library's own messages (such as "String field ...
// contains invalid UTF-8 data" for a request that then fails validation)
// through Log, component "protobuf", instead of raw to stderr, so they carry
// the time and format of every other line. Their level is lowered to at most
// `max_level`: a client that reports the server's answer anyway passes
// kDebug. Call once at start-up.
void RouteProtobufLogs(LogLevel max_level);

}  // namespace cs

#endif  // CS_LIBS_COMMON_LOG_H_
