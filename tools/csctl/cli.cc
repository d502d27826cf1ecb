#include "tools/csctl/cli.h"

#include <algorithm>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "libs/common/errors.h"

namespace cs::csctl {
namespace {

// ConfigParser::Usage without its first ("Usage: ...") line.
std::string FlagLines(const ConfigParser& parser) {
  std::string usage = parser.Usage();
  size_t newline = usage.find('\n');
  return newline == std::string::npos ? "" : usage.substr(newline + 1);
}

std::string GlobalFlagLines() {
  GlobalOptions defaults;
  ConfigParser parser("csctl", kEnvPrefix);
  RegisterGlobalFlags(parser, &defaults);
  return FlagLines(parser);
}

// CSCTL_EVENTS_TAIL_ for {"events", "tail"}.
std::string CommandEnvPrefix(const CommandSpec& spec) {
  std::string words = absl::StrJoin(spec.path, "_");
  return absl::StrCat(
      kEnvPrefix,
      absl::AsciiStrToUpper(absl::StrReplaceAll(words, {{"-", "_"}})), "_");
}

std::string CommandHelp(const CommandSpec& spec, const ConfigParser& flags) {
  std::string help = absl::StrCat("Usage: csctl ", spec.Name(), " [flags]");
  if (!spec.args.usage.empty()) absl::StrAppend(&help, " ", spec.args.usage);
  absl::StrAppend(&help, "\n", spec.summary, "\n");
  std::string own = FlagLines(flags);
  if (!own.empty()) absl::StrAppend(&help, "\nFlags:\n", own);
  absl::StrAppend(&help, "\nGlobal flags:\n", GlobalFlagLines());
  return help;
}

std::string GroupHelp(const CommandRegistry& registry,
                      const std::vector<std::string>& words) {
  return absl::StrCat("Usage: csctl ", absl::StrJoin(words, " "),
                      " <command> [flags]\n\n", registry.CommandList(words),
                      "\nGlobal flags:\n", GlobalFlagLines());
}

std::string Quoted(const std::vector<std::string>& words) {
  return absl::StrCat("\"", absl::StrJoin(words, " "), "\"");
}

}  // namespace

std::string TopLevelHelp(const CommandRegistry& registry) {
  return absl::StrCat(
      "csctl: command-line client of the customer-service suite\n\n"
      "Usage: csctl [global flags] <command> [flags] [args]\n\n",
      registry.CommandList({}),
      "\nGlobal flags (anywhere on the line; environment variable shown):\n",
      GlobalFlagLines(),
      "\nCommand flags follow the command and may also come from "
      "CSCTL_<COMMAND>_<FLAG>.\nRun 'csctl <command> --help' for a "
      "command's flags.\n");
}

absl::StatusOr<Invocation> ParseInvocation(const CommandRegistry& registry,
                                           const std::vector<std::string>& args,
                                           const Environment& env) {
  Invocation invocation;
  std::vector<std::string> global_argv = {"csctl"};
  std::vector<std::string> command_argv = {""};  // program name set below
  std::vector<std::string> words;
  bool help = false;

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (absl::StartsWith(arg, "--")) {
      absl::string_view name(arg);
      name.remove_prefix(2);
      bool has_value = false;
      if (size_t eq = name.find('='); eq != absl::string_view::npos) {
        name = name.substr(0, eq);
        has_value = true;
      }
      if (name == "help") {
        help = true;
        continue;
      }
      bool takes_value = false;
      if (IsGlobalFlag(name, &takes_value)) {
        global_argv.push_back(arg);
        if (takes_value && !has_value && i + 1 < args.size()) {
          global_argv.push_back(args[++i]);
        }
        continue;
      }
      if (invocation.spec == nullptr) {
        return UsageError(absl::StrCat(
            "unknown flag --", name,
            words.empty() ? " (run 'csctl --help' for the global flags)"
                          : " (a command's flags go after the command)"));
      }
      command_argv.push_back(arg);
      continue;
    }
    if (invocation.spec != nullptr) {
      command_argv.push_back(arg);
      continue;
    }
    words.push_back(arg);
    invocation.spec = registry.Find(words);
    if (invocation.spec == nullptr && !registry.IsGroup(words)) {
      if (words.size() == 1 && words[0] == "help") {
        help = true;
        words.clear();
        continue;
      }
      return UsageError(absl::StrCat("unknown command ", Quoted(words),
                                     " (run 'csctl --help' for the list)"));
    }
  }

  if (invocation.spec == nullptr) {
    if (help || words.empty()) {
      if (!help && words.empty()) {
        return UsageError(
            absl::StrCat("missing command\n\n", TopLevelHelp(registry)));
      }
      invocation.help_text =
          words.empty() ? TopLevelHelp(registry) : GroupHelp(registry, words);
      return invocation;
    }
    std::vector<std::string> names;
    for (const CommandSpec* spec : registry.Under(words)) {
      names.push_back(spec->path[words.size()]);
    }
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return UsageError(absl::StrCat(
        Quoted(words),
        " needs a subcommand, one of: ", absl::StrJoin(names, ", ")));
  }

  const CommandSpec& spec = *invocation.spec;
  std::string program = absl::StrCat("csctl ", spec.Name());
  invocation.command = spec.make();
  ConfigParser command_flags(program, CommandEnvPrefix(spec));
  invocation.command->DefineFlags(command_flags);
  if (help) {
    invocation.help_text = CommandHelp(spec, command_flags);
    return invocation;
  }

  ConfigParser global_flags("csctl", kEnvPrefix);
  RegisterGlobalFlags(global_flags, &invocation.global);
  std::vector<const char*> global_c;
  for (const std::string& a : global_argv) global_c.push_back(a.c_str());
  if (absl::Status s = global_flags.Parse(static_cast<int>(global_c.size()),
                                          global_c.data(), env);
      !s.ok()) {
    return UsageError(s.message());
  }
  if (invocation.global.addr.empty()) {
    return UsageError("csctl: --addr (or CSCTL_ADDR) must not be empty");
  }

  command_argv[0] = program;
  std::vector<const char*> command_c;
  for (const std::string& a : command_argv) command_c.push_back(a.c_str());
  if (absl::Status s = command_flags.Parse(static_cast<int>(command_c.size()),
                                           command_c.data(), env);
      !s.ok()) {
    return UsageError(absl::StrCat(s.message(), " (run '", program,
                                   " --help' for its flags)"));
  }
  invocation.args = command_flags.positional();
  invocation.given_flags = command_flags.given();
  size_t n = invocation.args.size();
  if (n < spec.args.min || n > spec.args.max) {
    if (spec.args.max == 0) {
      return UsageError(absl::StrCat(program, ": unexpected argument \"",
                                     invocation.args[0], "\""));
    }
    return UsageError(absl::StrCat(program, ": expects ", spec.args.usage,
                                   ", got ", n, " argument",
                                   n == 1 ? "" : "s"));
  }
  return invocation;
}

int ExitCodeFor(const absl::Status& status) {
  if (status.ok()) return kExitOk;
  return IsUsageError(status) ? kExitUsage : kExitFailure;
}

void PrintError(const absl::Status& status, std::ostream& err) {
  if (status.ok()) return;
  if (IsUsageError(status)) {
    err << "error: " << status.message() << "\n";
    return;
  }
  err << "error: " << absl::StatusCodeToString(status.code()) << ": "
      << status.message() << "\n";
  const std::vector<FieldViolation> violations = FieldViolationsOf(status);
  // A single violation is usually the message itself ("f: why"); saying it
  // twice only hides the line that matters.
  const bool message_is_the_violation =
      violations.size() == 1 &&
      status.message() ==
          absl::StrCat(violations[0].field, ": ", violations[0].description);
  for (const FieldViolation& violation : violations) {
    if (message_is_the_violation) break;
    err << "  field " << violation.field << ": " << violation.description
        << "\n";
  }
  if (std::string reason = ErrorReasonOf(status); !reason.empty()) {
    err << "  reason: " << reason << "\n";
  }
}

int RunCli(const CommandRegistry& registry,
           const std::vector<std::string>& args, const Environment& env,
           std::ostream& out, std::ostream& err, const Clock& clock) {
  absl::StatusOr<Invocation> invocation = ParseInvocation(registry, args, env);
  if (!invocation.ok()) {
    PrintError(invocation.status(), err);
    return ExitCodeFor(invocation.status());
  }
  if (!invocation->help_text.empty()) {
    out << invocation->help_text;
    return kExitOk;
  }
  CommandContext context(std::move(invocation->global),
                         std::move(invocation->args),
                         std::move(invocation->given_flags), out, err, clock);
  absl::Status status = invocation->command->Run(context);
  out.flush();
  PrintError(status, err);
  return ExitCodeFor(status);
}

}  // namespace cs::csctl
