// One csctl invocation from start to end: split the arguments into global
// flags, command words, command flags and positional arguments; run the
// command; turn its status into an exit code. main() is a thin wrapper and
// tests call RunCli directly with their own streams and environment:
//
//   cs::csctl::CommandRegistry registry;
//   cs::csctl::RegisterAllCommands(registry);
//   std::ostringstream out, err;
//   int code = cs::csctl::RunCli(registry, {"--addr", addr, "health"},
//                                /*env=*/{}, out, err);
//
// Exit codes: 0 success, 1 the command failed (server error, file refused,
// ...), 2 usage error (unknown command or flag, missing required flag, bad
// value).
#ifndef CS_TOOLS_CSCTL_CLI_H_
#define CS_TOOLS_CSCTL_CLI_H_

#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/common/clock.h"
#include "libs/common/config.h"
#include "tools/csctl/command.h"

namespace cs::csctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// A parsed command line, ready to run.
struct Invocation {
  GlobalOptions global;
  const CommandSpec* spec = nullptr;  // null only when help_text is set
  std::unique_ptr<Command> command;   // flags already filled
  std::vector<std::string> args;      // positional arguments
  // The command's flags given a value, even an empty one (ConfigParser::given).
  std::set<std::string, std::less<>> given_flags;
  // Set when --help was given (or csctl ran without a command): print it
  // and exit 0 instead of running anything.
  std::string help_text;
};

// Parses `args` (without the program name). Global flags may appear
// anywhere; the command's own flags must follow its words. Returns a
// UsageError naming the offending word or flag: unknown command, group
// without subcommand, unknown flag, missing required flag, bad value, wrong
// number of positional arguments. Reads nothing but `env`.
absl::StatusOr<Invocation> ParseInvocation(const CommandRegistry& registry,
                                           const std::vector<std::string>& args,
                                           const Environment& env);

// Overall help: synopsis, commands and global flags.
std::string TopLevelHelp(const CommandRegistry& registry);

// 0 for OK, 2 for usage errors, 1 otherwise.
int ExitCodeFor(const absl::Status& status);

// Writes `status` to `err`: "error: <message>" for usage errors, otherwise
// "error: <CODE>: <message>", then one "  field <path>: <description>" line
// per google.rpc.BadRequest field violation (none when the only violation
// is the message itself) and "  reason: <REASON>" for an ErrorInfo detail.
// Nothing for OK.
void PrintError(const absl::Status& status, std::ostream& err);

// Parses, runs and reports one invocation; returns the exit code. Output
// goes to `out`, errors to `err`. `clock` stamps what commands create.
int RunCli(const CommandRegistry& registry,
           const std::vector<std::string>& args, const Environment& env,
           std::ostream& out, std::ostream& err,
           const Clock& clock = SystemClock::Get());

}  // namespace cs::csctl

#endif  // CS_TOOLS_CSCTL_CLI_H_
