// Test-only helpers for running csctl commands in-process and reading their
// key/value output.
//
//   CliResult r = RunCsctl(registry, addr, {"qa", "queue", ...}, token);
//   EXPECT_EQ(ValueOf(r.out, "state"), "DISPUTED");
#ifndef CS_TOOLS_CSCTL_TEST_UTIL_H_
#define CS_TOOLS_CSCTL_TEST_UTIL_H_

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tools/csctl/cli.h"
#include "tools/csctl/command.h"

namespace cs::csctl {

struct CliResult {
  int code;
  std::string out;
  std::string err;
};

// Runs `csctl --addr <addr> <args...>` with CSCTL_TOKEN = `token` added to
// `env`.
inline CliResult RunCsctl(const CommandRegistry& registry,
                          const std::string& addr,
                          const std::vector<std::string>& args,
                          const std::string& token, Environment env = {}) {
  std::vector<std::string> full = {"--addr", addr};
  full.insert(full.end(), args.begin(), args.end());
  env["CSCTL_TOKEN"] = token;
  std::ostringstream out, err;
  const int code = RunCli(registry, full, env, out, err);
  return {code, out.str(), err.str()};
}

// The value of the "key  value" line for `key` in PrintKeyValues output; ""
// when there is none.
inline std::string ValueOf(const std::string& out, absl::string_view key) {
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (absl::ConsumePrefix(&line, key) && absl::StartsWith(line, " ")) {
      return std::string(absl::StripLeadingAsciiWhitespace(line));
    }
  }
  return "";
}

}  // namespace cs::csctl

#endif  // CS_TOOLS_CSCTL_TEST_UTIL_H_
