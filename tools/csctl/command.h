// The command framework of csctl: global options, the per-invocation context
// a command runs in, and the registry of commands.
//
// A command is a small class: it declares its own flags on a ConfigParser
// (the targets are its members) and runs against a CommandContext, writing
// to context.out() so tests can capture what it prints. Commands are grouped
// by their first word; each group lives in commands_<group>.cc and registers
// itself from Register<Group>Commands (see commands.h):
//
//   class InfoCommand final : public Command {
//    public:
//     void DefineFlags(ConfigParser& flags) override {
//       flags.AddString("name", &name_, "ticket name",
//       ConfigParser::kRequired);
//     }
//     absl::Status Run(CommandContext& context) override {
//       ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
//                        context.Channel());
//       grpc::ClientContext call;
//       context.PrepareCall(&call);
//       ...
//       context.out() << ...;
//       return absl::OkStatus();
//     }
//    private:
//     std::string name_;
//   };
//
//   void RegisterTicketCommands(CommandRegistry& registry) {
//     registry.Add<InfoCommand>({"ticket", "get"}, "show one ticket");
//   }
//
// Command flags follow the command words; they may also come from the
// environment as CSCTL_<WORDS>_<FLAG> (e.g. CSCTL_TOKEN_KEY_FILE). Global
// flags (GlobalOptions) may appear anywhere; a command must not define a flag
// with a global flag's name.
#ifndef CS_TOOLS_CSCTL_COMMAND_H_
#define CS_TOOLS_CSCTL_COMMAND_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/field_mask.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "libs/common/clock.h"
#include "libs/common/config.h"
#include "libs/common/time_proto.h"
#include "libs/common/tls.h"

namespace cs::csctl {

// Settings shared by every command. Each has a flag --<name> and an
// environment variable CSCTL_<NAME> (flag wins).
struct GlobalOptions {
  std::string addr = "127.0.0.1:50051";        // --addr: server host:port
  std::string token;                           // --token: bearer token
  bool json = false;                           // --json: protobuf JSON output
  absl::Duration timeout = absl::Seconds(10);  // --timeout: per-call deadline
  ClientTlsConfig tls;  // --tls-*: TLS/mTLS when a CA file is set
};

// Environment prefix of the global settings.
inline constexpr char kEnvPrefix[] = "CSCTL_";

// Registers the global settings on `parser`; `options` must outlive Parse.
void RegisterGlobalFlags(ConfigParser& parser, GlobalOptions* options);

// True when --`name` is a global flag; *takes_value says whether it consumes
// the next argument when written without "=".
bool IsGlobalFlag(absl::string_view name, bool* takes_value);

// The resource name of a command argument: `arg` itself when it already is a
// name ("tickets/01J…", "articles/a/versions/1.0"), else "{collection}/{arg}".
// A ULID in either case is written the way its server keeps its ids: upper
// case for tickets, complaints, cases and quality reviews, lower case for
// articles.
std::string ResourceNameIn(absl::string_view collection, absl::string_view arg);

class CommandContext;

// Whether --`flag` was given; if so, names `path` in `mask`, so that an
// update changes only the fields whose flags were given, an absent flag
// never clears one and an empty one ("--tags=") does.
bool FlagGiven(const CommandContext& context, absl::string_view flag,
               absl::string_view path, google::protobuf::FieldMask& mask);

// INVALID_ARGUMENT marked as a usage error (bad flags or arguments): csctl
// exits with 2 instead of 1. Server errors are never usage errors.
absl::Status UsageError(absl::string_view message);
bool IsUsageError(const absl::Status& status);

// The time of a flag --`flag` naming a point in time: an RFC 3339 time
// ("2026-11-30T18:00:00+08:00") or a date ("2026-11-30", its start in
// Asia/Shanghai). UsageError naming the flag and both forms otherwise.
absl::StatusOr<absl::Time> ParseTimeOrDateFlag(absl::string_view flag,
                                               absl::string_view text);

// The time of a --since/--until style flag --`flag`: as ParseTimeOrDateFlag,
// or a duration before `now` ("24h", "30m"). UsageError naming the flag
// otherwise.
absl::StatusOr<absl::Time> ParseTimeFlag(absl::string_view flag,
                                         const std::string& text,
                                         absl::Time now);

// "1200.50" yuan → 120050 fen (ParseMajorUnits, libs/common/money.h);
// INVALID_ARGUMENT starting with `what` (a flag or column name) otherwise.
absl::StatusOr<int64_t> ParseYuan(absl::string_view what,
                                  absl::string_view text);

// Sets `request`'s start_time from --since and end_time from --until
// (ParseTimeFlag; an empty flag leaves its field unset).
template <typename Request>
absl::Status SetTimeRangeFlags(const std::string& since,
                               const std::string& until, absl::Time now,
                               Request& request) {
  if (!since.empty()) {
    absl::StatusOr<absl::Time> t = ParseTimeFlag("since", since, now);
    if (!t.ok()) return t.status();
    *request.mutable_start_time() = ToProtoTime(*t);
  }
  if (!until.empty()) {
    absl::StatusOr<absl::Time> t = ParseTimeFlag("until", until, now);
    if (!t.ok()) return t.status();
    *request.mutable_end_time() = ToProtoTime(*t);
  }
  return absl::OkStatus();
}

// Everything one command invocation needs. Not thread-safe: one command
// uses it from one thread.
class CommandContext {
 public:
  // `out`, `err` and `clock` must outlive the context. `given_flags`: the
  // command's flags given a value, even an empty one.
  CommandContext(GlobalOptions options, std::vector<std::string> args,
                 std::set<std::string, std::less<>> given_flags,
                 std::ostream& out, std::ostream& err, const Clock& clock);

  const GlobalOptions& options() const { return options_; }
  // Positional arguments after the command words (e.g. "30m").
  const std::vector<std::string>& args() const { return args_; }
  // Whether the command's --`flag` was given (by flag or environment), even
  // as "".
  bool flag_given(absl::string_view flag) const {
    return given_flags_.count(flag) > 0;
  }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  // True when err() is the process's stderr and that is a terminal (worth
  // drawing progress on).
  bool err_is_terminal() const;
  // Business time for things the command creates (token issue times).
  // Deadlines use real time.
  const Clock& clock() const { return clock_; }

  // The channel to --addr: TLS verified against --tls-ca-file when set
  // (mutual with --tls-client-cert-file), otherwise insecure. Created on
  // first use and then shared. ValidateClientTlsConfig's error (naming the
  // flag or file) when the TLS files are wrong or unreadable.
  absl::StatusOr<std::shared_ptr<grpc::Channel>> Channel();

  // Prepares `call` for one RPC: the bearer token when --token is set, and a
  // deadline of now + --timeout (or `deadline` when given; InfiniteFuture
  // means none). `call` must not be null and not yet used.
  void PrepareCall(grpc::ClientContext* call) const;
  void PrepareCall(grpc::ClientContext* call, absl::Time deadline) const;

 private:
  GlobalOptions options_;
  std::vector<std::string> args_;
  std::set<std::string, std::less<>> given_flags_;
  std::ostream& out_;
  std::ostream& err_;
  const Clock& clock_;
  std::shared_ptr<grpc::Channel> channel_;
};

// One command, created fresh for each invocation.
class Command {
 public:
  virtual ~Command() = default;
  // Registers the command's flags; targets must be members of this object.
  virtual void DefineFlags(ConfigParser& flags) {}
  // Runs the command. Non-OK statuses are printed by the caller as
  // "error: CODE: message" (exit 1, or 2 for UsageError).
  virtual absl::Status Run(CommandContext& context) = 0;
};

// Positional arguments a command accepts after its words.
struct PositionalArgs {
  std::string usage;  // e.g. "DURATION"; shown in help
  size_t min = 0;
  size_t max = 0;
};

struct CommandSpec {
  std::vector<std::string> path;  // e.g. {"events", "tail"}
  std::string summary;            // one line, shown in the command list
  PositionalArgs args;
  std::function<std::unique_ptr<Command>()> make;

  // "events tail"
  std::string Name() const;
};

// The set of commands csctl knows. Filled once at start-up, then read-only
// (const methods are safe from many threads).
class CommandRegistry {
 public:
  // Adds a command. Registering the same path twice, an empty path, or a
  // path that is also a prefix of another command's path is a programming
  // error and aborts with a message naming the path (every test that builds
  // the registry catches it).
  void Add(CommandSpec spec);

  template <typename C>
  void Add(std::vector<std::string> path, std::string summary,
           PositionalArgs args = {}) {
    Add(CommandSpec{std::move(path), std::move(summary), std::move(args),
                    [] { return std::make_unique<C>(); }});
  }

  // The command whose path is exactly `words`; null when there is none.
  const CommandSpec* Find(const std::vector<std::string>& words) const;
  // True when `words` is a strict prefix of at least one command's path
  // (a group such as {"events"}; the empty prefix is the root group).
  bool IsGroup(const std::vector<std::string>& words) const;
  // Every command under `prefix`, in path order.
  std::vector<const CommandSpec*> Under(
      const std::vector<std::string>& prefix) const;

  // "Commands:" listing of every command under `prefix`, one per line.
  std::string CommandList(const std::vector<std::string>& prefix) const;

 private:
  std::vector<CommandSpec> commands_;  // sorted by path
};

}  // namespace cs::csctl

#endif  // CS_TOOLS_CSCTL_COMMAND_H_
