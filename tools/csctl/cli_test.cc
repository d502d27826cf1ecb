#include "tools/csctl/cli.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "tools/csctl/command.h"
#include "tools/csctl/commands.h"

namespace cs::csctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Prints what it was given: "<flag>|<count>|<args joined by ,>".
class ProbeCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddString("flag", &flag_, "a string flag");
    flags.AddInt("count", &count_, "an int flag", 0, 10);
    flags.AddBool("verbose", &verbose_, "a bool flag");
  }
  absl::Status Run(CommandContext& context) override {
    context.out() << flag_ << "|" << count_ << "|" << verbose_ << "|"
                  << absl::StrJoin(context.args(), ",") << "\n";
    return absl::OkStatus();
  }

 private:
  std::string flag_ = "default";
  int count_ = 0;
  bool verbose_ = false;
};

class CliTest : public ::testing::Test {
 protected:
  CliTest() {
    RegisterAllCommands(registry_);
    registry_.Add<ProbeCommand>({"probe", "run"}, "test probe",
                                {"[ARG...]", 0, 3});
  }

  struct Result {
    int code;
    std::string out;
    std::string err;
  };
  Result Run(const std::vector<std::string>& args,
             const Environment& env = {}) {
    std::ostringstream out, err;
    int code = RunCli(registry_, args, env, out, err);
    return {code, out.str(), err.str()};
  }

  CommandRegistry registry_;
};

TEST_F(CliTest, UnknownCommandIsAUsageError) {
  Result r = Run({"frobnicate"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, StartsWith("error: unknown command \"frobnicate\""));
  EXPECT_EQ(r.out, "");

  r = Run({"events", "tial"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("unknown command \"events tial\""));
}

TEST_F(CliTest, GroupWithoutSubcommandListsThem) {
  Result r = Run({"events"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("\"events\" needs a subcommand, one of: "
                               "consumers, info, tail"));
}

TEST_F(CliTest, NoCommandIsAUsageErrorWithHelp) {
  Result r = Run({});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("missing command"));
  EXPECT_THAT(r.err, HasSubstr("events tail"));
}

TEST_F(CliTest, MissingRequiredFlagIsNamed) {
  Result r = Run({"token", "--sub", "alice"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--key-file"));
  EXPECT_THAT(r.err, HasSubstr("required"));

  r = Run({"keygen"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--out"));
}

TEST_F(CliTest, UnknownAndMalformedFlags) {
  Result r = Run({"health", "--colour"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("unknown flag --colour"));

  r = Run({"--from", "3", "events", "tail"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("unknown flag --from"));

  r = Run({"health", "--timeout", "soon"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--timeout"));

  r = Run({"events", "tail", "--limit", "-1"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--limit"));

  r = Run({"token", "--key-file", "k", "--roles", "agent,wizard"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--roles"));
  EXPECT_THAT(r.err, HasSubstr("wizard"));
}

TEST_F(CliTest, PositionalArgumentCounts) {
  Result r = Run({"clock", "advance"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("expects DURATION"));

  r = Run({"clock", "get", "now"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("unexpected argument \"now\""));

  r = Run({"clock", "advance", "soon"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("\"soon\" is not a duration"));
}

TEST_F(CliTest, GlobalFlagsGoAnywhereCommandFlagsAfterTheCommand) {
  // A command flag before the command is complete is rejected by name.
  absl::StatusOr<Invocation> invocation =
      ParseInvocation(registry_, {"probe", "--flag", "x", "run"}, {});
  EXPECT_EQ(ExitCodeFor(invocation.status()), kExitUsage);
  EXPECT_THAT(std::string(invocation.status().message()),
              HasSubstr("unknown flag --flag"));

  invocation =
      ParseInvocation(registry_,
                      {"--addr", "db:7", "probe", "run", "--json", "--flag",
                       "x", "a", "--timeout=3s", "--verbose", "b", "--count=4"},
                      {});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->global.addr, "db:7");
  EXPECT_TRUE(invocation->global.json);
  EXPECT_EQ(invocation->global.timeout, absl::Seconds(3));
  EXPECT_EQ(invocation->spec->Name(), "probe run");
  EXPECT_EQ(invocation->args, (std::vector<std::string>{"a", "b"}));

  Result r = Run({"probe", "--addr", "h:1", "run", "--flag", "万", "--verbose",
                  "p", "--count", "2"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "万|2|1|p\n");

  r = Run({"probe", "run", "a", "b", "c", "d"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("expects [ARG...]"));
}

TEST_F(CliTest, EnvironmentFallbackAndPrecedence) {
  Environment env = {{"CSCTL_ADDR", "env-host:1"},
                     {"CSCTL_TOKEN", "t0ken"},
                     {"CSCTL_JSON", "true"},
                     {"CSCTL_TIMEOUT", "250ms"},
                     {"CSCTL_PROBE_RUN_FLAG", "from-env"}};
  absl::StatusOr<Invocation> invocation =
      ParseInvocation(registry_, {"probe", "run"}, env);
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->global.addr, "env-host:1");
  EXPECT_EQ(invocation->global.token, "t0ken");
  EXPECT_TRUE(invocation->global.json);
  EXPECT_EQ(invocation->global.timeout, absl::Milliseconds(250));

  invocation =
      ParseInvocation(registry_, {"--addr=flag-host:2", "probe", "run"}, env);
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->global.addr, "flag-host:2");

  Result r = Run({"probe", "run"}, env);
  EXPECT_EQ(r.out, "from-env|0|0|\n");

  // Defaults when nothing is set.
  invocation = ParseInvocation(registry_, {"health"}, {});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->global.addr, "127.0.0.1:50051");
  EXPECT_EQ(invocation->global.timeout, absl::Seconds(10));
  EXPECT_FALSE(invocation->global.json);
  EXPECT_EQ(invocation->global.tls.ca_file, "");
}

TEST_F(CliTest, HelpExitsZero) {
  Result r = Run({"--help"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_THAT(r.out, HasSubstr("clock advance DURATION"));
  EXPECT_THAT(r.out, HasSubstr("CSCTL_ADDR"));

  r = Run({"token", "--help"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_THAT(r.out, HasSubstr("Usage: csctl token"));
  EXPECT_THAT(r.out, HasSubstr("--key-file"));
  EXPECT_THAT(r.out, HasSubstr("CSCTL_TOKEN_KEY_FILE"));

  r = Run({"events", "--help"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_THAT(r.out, HasSubstr("events tail"));
  EXPECT_THAT(r.out, Not(HasSubstr("keygen")));

  r = Run({"help"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_THAT(r.out, HasSubstr("Commands:"));
}

TEST(PrintErrorTest, CodeMessageAndFieldViolations) {
  std::ostringstream err;
  PrintError(InvalidFields({{"ticket.subject", "must not be empty"},
                            {"ticket.customer.phone", "不是有效的手机号"}}),
             err);
  EXPECT_THAT(err.str(), StartsWith("error: INVALID_ARGUMENT: "));
  EXPECT_THAT(err.str(),
              HasSubstr("\n  field ticket.subject: must not be empty\n"));
  EXPECT_THAT(err.str(),
              HasSubstr("\n  field ticket.customer.phone: 不是有效的手机号\n"));

  err.str("");
  PrintError(InvalidField("ticket.subject", "must not be empty"), err);
  EXPECT_EQ(err.str(),
            "error: INVALID_ARGUMENT: ticket.subject: must not be empty\n");

  err.str("");
  PrintError(WithErrorInfo(absl::PermissionDeniedError("role admin required"),
                           "ROLE_REQUIRED"),
             err);
  EXPECT_EQ(err.str(),
            "error: PERMISSION_DENIED: role admin required\n"
            "  reason: ROLE_REQUIRED\n");

  err.str("");
  PrintError(absl::OkStatus(), err);
  EXPECT_EQ(err.str(), "");
}

TEST(ExitCodeTest, MapsStatuses) {
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), 0);
  EXPECT_EQ(ExitCodeFor(UsageError("bad flag")), 2);
  EXPECT_EQ(ExitCodeFor(absl::InvalidArgumentError("from the server")), 1);
  EXPECT_EQ(ExitCodeFor(absl::UnavailableError("down")), 1);
}

TEST(GlobalFlagsTest, SplitterKnowsExactlyTheRegisteredFlags) {
  GlobalOptions options;
  ConfigParser parser("csctl", kEnvPrefix);
  RegisterGlobalFlags(parser, &options);
  const std::string usage = parser.Usage();
  for (const char* name : {"addr", "token", "json", "timeout", "tls-ca-file"}) {
    bool takes_value = false;
    EXPECT_TRUE(IsGlobalFlag(name, &takes_value)) << name;
    EXPECT_THAT(usage, HasSubstr(absl::StrCat("--", name, " "))) << name;
  }
  bool takes_value = true;
  EXPECT_TRUE(IsGlobalFlag("json", &takes_value));
  EXPECT_FALSE(takes_value);
  EXPECT_FALSE(IsGlobalFlag("from", &takes_value));
}

TEST(ResourceNameInTest, PrefixesBareIdsAndWritesUlidsInTheirServersCase) {
  EXPECT_EQ(ResourceNameIn("tickets", "01kaz3xq9f8w2m5n7p4r6t8v0y"),
            "tickets/01KAZ3XQ9F8W2M5N7P4R6T8V0Y");
  EXPECT_EQ(ResourceNameIn("tickets", "tickets/01kaz3xq9f8w2m5n7p4r6t8v0y"),
            "tickets/01KAZ3XQ9F8W2M5N7P4R6T8V0Y");
  EXPECT_EQ(ResourceNameIn("articles",
                           "articles/01KAZ3XQ9F8W2M5N7P4R6T8V0Y/versions/1.0"),
            "articles/01kaz3xq9f8w2m5n7p4r6t8v0y/versions/1.0");
  // Customer and agent ids are the caller's own and keep their case.
  EXPECT_EQ(ResourceNameIn("customers", "abcdefghjkmnpqrstvwxyz0123"),
            "customers/abcdefghjkmnpqrstvwxyz0123");
  EXPECT_EQ(ResourceNameIn("tickets", "not-a-ulid"), "tickets/not-a-ulid");
}

TEST(RegistryDeathTest, RejectsDuplicatesAndCommandGroupClashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        CommandRegistry registry;
        registry.Add<ProbeCommand>({"a", "b"}, "x");
        registry.Add<ProbeCommand>({"a", "b"}, "y");
      },
      "registered twice");
  EXPECT_DEATH(
      {
        CommandRegistry registry;
        registry.Add<ProbeCommand>({"a", "b"}, "x");
        registry.Add<ProbeCommand>({"a"}, "y");
      },
      "cannot also be a group");
}

}  // namespace
}  // namespace cs::csctl
