#include "tools/csctl/command.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "libs/auth/grpc_auth.h"
#include "libs/common/ids.h"
#include "libs/common/money.h"
#include "libs/common/status_macros.h"
#include "tools/csctl/output.h"
#include "tools/csctl/table.h"

namespace cs::csctl {
namespace {

// Payload marking a status as a usage error (never sent over the wire).
constexpr absl::string_view kUsageErrorUrl = "csctl/usage-error";

struct GlobalFlag {
  absl::string_view name;
  bool takes_value;
};
// Must list exactly the settings RegisterGlobalFlags adds.
constexpr GlobalFlag kGlobalFlags[] = {
    {"addr", true},
    {"token", true},
    {"json", false},
    {"timeout", true},
    {"tls-ca-file", true},
    {"tls-client-cert-file", true},
    {"tls-client-key-file", true},
    {"tls-server-name", true},
};

bool IsPrefix(const std::vector<std::string>& prefix,
              const std::vector<std::string>& path) {
  return prefix.size() <= path.size() &&
         std::equal(prefix.begin(), prefix.end(), path.begin());
}

}  // namespace

void RegisterGlobalFlags(ConfigParser& parser, GlobalOptions* options) {
  parser.AddString("addr", &options->addr, "server address, host:port");
  parser.AddString("token", &options->token,
                   "bearer token sent with every call (prefer the "
                   "environment variable: flags show up in ps)");
  parser.AddBool("json", &options->json,
                 "print protobuf JSON instead of tables");
  parser.AddDuration("timeout", &options->timeout, "deadline of each call",
                     absl::Milliseconds(1), absl::Hours(24));
  RegisterClientTlsFlags(parser, &options->tls);
  parser.AddString("tls-server-name", &options->tls.server_name,
                   "name expected in the server certificate (default: host "
                   "of --addr)");
}

bool IsGlobalFlag(absl::string_view name, bool* takes_value) {
  for (const GlobalFlag& flag : kGlobalFlags) {
    if (flag.name == name) {
      *takes_value = flag.takes_value;
      return true;
    }
  }
  return false;
}

bool CommandContext::err_is_terminal() const {
  return &err_ == &std::cerr && isatty(STDERR_FILENO) == 1;
}

std::string ResourceNameIn(absl::string_view collection,
                           absl::string_view arg) {
  const std::string name = absl::StrContains(arg, '/')
                               ? std::string(arg)
                               : absl::StrCat(collection, "/", arg);
  // Crockford base32 ignores case and people type ULIDs in lower case; each
  // server keeps its ids in one case.
  std::vector<std::string> segments = absl::StrSplit(name, '/');
  for (size_t i = 1; i < segments.size(); ++i) {
    std::string& id = segments[i];
    if (!IsUlid(absl::AsciiStrToUpper(id))) continue;
    const std::string& owner = segments[i - 1];
    if (owner == "articles" || owner == "categories") {
      absl::AsciiStrToLower(&id);
    } else if (owner == "tickets" || owner == "complaints" ||
               owner == "cases" || owner == "qualityReviews") {
      absl::AsciiStrToUpper(&id);
    }
  }
  return absl::StrJoin(segments, "/");
}

bool FlagGiven(const CommandContext& context, absl::string_view flag,
               absl::string_view path, google::protobuf::FieldMask& mask) {
  if (!context.flag_given(flag)) return false;
  mask.add_paths(std::string(path));
  return true;
}

absl::Status UsageError(absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kUsageErrorUrl, absl::Cord("1"));
  return status;
}

bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsageErrorUrl).has_value();
}

namespace {

// A time, or the start of a date in the display time zone; years 1970–9999
// only (what a protobuf Timestamp of the suite's services can hold).
bool ParseTimeOrDate(absl::string_view text, absl::Time* time) {
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, time, &error)) {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(text, &day)) return false;
    *time = absl::FromCivil(day, DisplayTimeZone());
  }
  const absl::CivilYear year = absl::ToCivilYear(*time, DisplayTimeZone());
  return year.year() >= 1970 && year.year() <= 9999;
}

}  // namespace

absl::StatusOr<absl::Time> ParseTimeOrDateFlag(absl::string_view flag,
                                               absl::string_view text) {
  absl::Time time;
  if (ParseTimeOrDate(text, &time)) return time;
  return UsageError(absl::StrCat("--", flag, ": \"", text,
                                 "\" is neither an RFC 3339 time "
                                 "(2026-11-30T18:00:00+08:00) nor a date "
                                 "(2026-11-30) in the years 1970-9999"));
}

absl::StatusOr<absl::Time> ParseTimeFlag(absl::string_view flag,
                                         const std::string& text,
                                         absl::Time now) {
  absl::Duration back;
  if (absl::ParseDuration(text, &back) && back >= absl::ZeroDuration()) {
    return now - back;
  }
  absl::Time time;
  if (ParseTimeOrDate(text, &time)) return time;
  return UsageError(absl::StrCat("--", flag, ": \"", text,
                                 "\" is neither an RFC 3339 time "
                                 "(2026-11-23T09:00:00+08:00), a date "
                                 "(2026-11-23) in the years 1970-9999 nor a "
                                 "duration (24h)"));
}

absl::StatusOr<int64_t> ParseYuan(absl::string_view what,
                                  absl::string_view text) {
  absl::StatusOr<int64_t> minor_units = ParseMajorUnits(text);
  if (minor_units.ok()) return minor_units;
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": ", minor_units.status().message()));
}

CommandContext::CommandContext(GlobalOptions options,
                               std::vector<std::string> args,
                               std::set<std::string, std::less<>> given_flags,
                               std::ostream& out, std::ostream& err,
                               const Clock& clock)
    : options_(std::move(options)),
      args_(std::move(args)),
      given_flags_(std::move(given_flags)),
      out_(out),
      err_(err),
      clock_(clock) {}

absl::StatusOr<std::shared_ptr<grpc::Channel>> CommandContext::Channel() {
  if (channel_ != nullptr) return channel_;
  RETURN_IF_ERROR(ValidateClientTlsConfig(options_.tls));
  channel_ = ChannelFactory(options_.tls).Connect(options_.addr);
  return channel_;
}

void CommandContext::PrepareCall(grpc::ClientContext* call) const {
  PrepareCall(call, absl::Now() + options_.timeout);
}

void CommandContext::PrepareCall(grpc::ClientContext* call,
                                 absl::Time deadline) const {
  if (!options_.token.empty()) auth::AttachBearerToken(call, options_.token);
  if (deadline != absl::InfiniteFuture()) {
    call->set_deadline(absl::ToChronoTime(deadline));
  }
}

std::string CommandSpec::Name() const { return absl::StrJoin(path, " "); }

void CommandRegistry::Add(CommandSpec spec) {
  auto fail = [&](absl::string_view why) {
    std::fprintf(stderr, "csctl: cannot register command \"%s\": %s\n",
                 spec.Name().c_str(), std::string(why).c_str());
    std::abort();
  };
  if (spec.path.empty()) fail("empty path");
  if (spec.make == nullptr) fail("no factory");
  if (spec.args.max < spec.args.min) fail("args.max < args.min");
  for (const CommandSpec& other : commands_) {
    if (other.path == spec.path) fail("registered twice");
    if (IsPrefix(other.path, spec.path) || IsPrefix(spec.path, other.path)) {
      fail(absl::StrCat("clashes with \"", other.Name(),
                        "\": a command cannot also be a group"));
    }
  }
  auto at = std::upper_bound(commands_.begin(), commands_.end(), spec,
                             [](const CommandSpec& a, const CommandSpec& b) {
                               return a.path < b.path;
                             });
  commands_.insert(at, std::move(spec));
}

const CommandSpec* CommandRegistry::Find(
    const std::vector<std::string>& words) const {
  for (const CommandSpec& spec : commands_) {
    if (spec.path == words) return &spec;
  }
  return nullptr;
}

bool CommandRegistry::IsGroup(const std::vector<std::string>& words) const {
  for (const CommandSpec& spec : commands_) {
    if (spec.path.size() > words.size() && IsPrefix(words, spec.path)) {
      return true;
    }
  }
  return false;
}

std::vector<const CommandSpec*> CommandRegistry::Under(
    const std::vector<std::string>& prefix) const {
  std::vector<const CommandSpec*> result;
  for (const CommandSpec& spec : commands_) {
    if (IsPrefix(prefix, spec.path)) result.push_back(&spec);
  }
  return result;
}

std::string CommandRegistry::CommandList(
    const std::vector<std::string>& prefix) const {
  Table table({});
  for (const CommandSpec* spec : Under(prefix)) {
    std::string usage = spec->Name();
    if (!spec->args.usage.empty())
      absl::StrAppend(&usage, " ", spec->args.usage);
    table.AddRow({"  " + usage, spec->summary});
  }
  std::ostringstream out;
  out << "Commands:\n";
  table.Print(out);
  return out.str();
}

}  // namespace cs::csctl
