// Typed configuration from command-line flags and the environment, read once
// in main and validated before anything starts.
//
//   struct Config { int port = 50051; std::string data_dir; };
//   Config config;
//   cs::ConfigParser parser("ticket-server");
//   parser.AddInt("port", &config.port, "gRPC port", 0, 65535);
//   parser.AddString("data-dir", &config.data_dir, "RocksDB directory",
//                    cs::ConfigParser::kRequired);
//   absl::Status s = parser.Parse(argc, argv, cs::ProcessEnvironment());
//   if (!s.ok()) { std::cerr << s.message() << "\n" << parser.Usage(); return 2; }
//
// Precedence: `--name=value` (or `--name value`) beats the environment
// variable CS_NAME (upper case, '-' → '_'), which beats the default (the value
// the target already holds). Unknown flags, malformed values, out-of-range
// numbers and missing required settings are errors that name the setting and
// where its value came from. `--help` sets help_requested().
#ifndef CS_LIBS_COMMON_CONFIG_H_
#define CS_LIBS_COMMON_CONFIG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cs {

using Environment = std::map<std::string, std::string>;

// A snapshot of the process environment. Only main() should call this.
Environment ProcessEnvironment();

class ConfigParser {
 public:
  static constexpr bool kRequired = true;

  explicit ConfigParser(std::string program, std::string env_prefix = "CS_");

  // Each Add* registers one setting named `name` (lower-case kebab-case).
  // The target must outlive Parse(); its current value is the default.
  void AddString(absl::string_view name, std::string* target,
                 absl::string_view help, bool required = false);
  void AddInt(absl::string_view name, int* target, absl::string_view help,
              int64_t min, int64_t max);
  void AddInt64(absl::string_view name, int64_t* target,
                absl::string_view help, int64_t min, int64_t max);
  void AddBool(absl::string_view name, bool* target, absl::string_view help);
  // Accepts absl durations: "250ms", "30s", "1h30m".
  void AddDuration(absl::string_view name, absl::Duration* target,
                   absl::string_view help, absl::Duration min,
                   absl::Duration max);
  // One of `choices`.
  void AddChoice(absl::string_view name, std::string* target,
                 absl::string_view help, std::vector<std::string> choices);

  // Fills every target. On error returns INVALID_ARGUMENT naming the setting;
  // targets may then be partly filled and must not be used. Arguments that do
  // not start with "--" are collected as positional().
  absl::Status Parse(int argc, const char* const* argv, const Environment& env);

  bool help_requested() const { return help_requested_; }
  // The settings the last Parse found a value for, by flag or environment,
  // even an empty one: "--tags=" was given, an absent --tags was not.
  const std::set<std::string, std::less<>>& given() const { return given_; }
  const std::vector<std::string>& positional() const { return positional_; }
  // One line per setting: flag, environment variable, default, help.
  std::string Usage() const;
  // Name of the environment variable for setting `name`.
  std::string EnvName(absl::string_view name) const;

 private:
  struct Setting {
    std::string name;
    std::string help;
    std::string default_text;
    bool required = false;
    bool is_bool = false;
    // Parses and stores a value; returns a description of what is wrong.
    std::function<absl::Status(absl::string_view)> set;
  };
  void Add(Setting setting);

  std::string program_;
  std::string env_prefix_;
  std::vector<Setting> settings_;
  bool help_requested_ = false;
  std::set<std::string, std::less<>> given_;
  std::vector<std::string> positional_;
};

}  // namespace cs

#endif  // CS_LIBS_COMMON_CONFIG_H_
