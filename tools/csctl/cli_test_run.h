// For csctl tests: one captured csctl invocation against a server, as the
// holder of a token. Header-only; tests only.
//
//   CliRun r = RunCliAs(registry, "127.0.0.1:50051", {"ticket", "list"}, token);
//   EXPECT_EQ(r.code, kExitOk) << r.err;
#ifndef CS_TOOLS_CSCTL_CLI_TEST_RUN_H_
#define CS_TOOLS_CSCTL_CLI_TEST_RUN_H_

#include <sstream>
#include <string>
#include <vector>

#include "tools/csctl/cli.h"

namespace cs::csctl {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

// Runs `csctl --addr <addr> <args...>` with CSCTL_TOKEN=`token`.
inline CliRun RunCliAs(const CommandRegistry& registry, const std::string& addr,
                       const std::vector<std::string>& args,
                       const std::string& token) {
  std::vector<std::string> full = {"--addr", addr};
  full.insert(full.end(), args.begin(), args.end());
  std::ostringstream out, err;
  const int code = RunCli(registry, full, {{"CSCTL_TOKEN", token}}, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace cs::csctl

#endif  // CS_TOOLS_CSCTL_CLI_TEST_RUN_H_
