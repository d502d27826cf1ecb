#include "libs/common/log.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/stubs/logging.h"

namespace cs {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "?";
}

std::atomic<int> protobuf_max_level{static_cast<int>(LogLevel::kWarning)};

void ProtobufLogHandler(google::protobuf::LogLevel level, const char* filename,
                        int line, const std::string& message) {
  LogLevel ours = level == google::protobuf::LOGLEVEL_INFO ? LogLevel::kInfo
                  : level == google::protobuf::LOGLEVEL_WARNING
                      ? LogLevel::kWarning
                      : LogLevel::kError;
  ours = static_cast<LogLevel>(
      std::min(static_cast<int>(ours),
               protobuf_max_level.load(std::memory_order_relaxed)));
  Log(ours, "protobuf", absl::StrCat(message, " (", filename, ":", line, ")"));
}

}  // namespace

void Log(LogLevel level, absl::string_view component,
         absl::string_view message) {
  if (static_cast<int>(level) < min_level.load(std::memory_order_relaxed)) {
    return;
  }
  // Log lines carry wall time on purpose: they are read by people next to
  // other systems' logs, not used for business decisions.
  std::string line = absl::StrCat(
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
      " ", LevelName(level), " [", component, "] ", message, "\n");
  // One fwrite per line: stdio locks the stream, so lines stay whole.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void SetMinLogLevel(LogLevel level) {
  min_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

void RouteProtobufLogs(LogLevel max_level) {
  protobuf_max_level.store(static_cast<int>(max_level),
                           std::memory_order_relaxed);
  google::protobuf::SetLogHandler(&ProtobufLogHandler);
}

}  // namespace cs
