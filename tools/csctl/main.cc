// csctl: command-line client of the customer-service suite. See cli.h for
// how a command line is parsed and commands.h for the command groups.
#include <iostream>
#include <string>
#include <vector>

#include "libs/common/config.h"
#include "libs/common/log.h"
#include "tools/csctl/cli.h"
#include "tools/csctl/commands.h"

int main(int argc, char** argv) {
  // The server's answer names the offending field; protobuf's own complaint
  // about the request (e.g. invalid UTF-8) would only repeat it, raw.
  cs::RouteProtobufLogs(cs::LogLevel::kDebug);
  cs::csctl::CommandRegistry registry;
  cs::csctl::RegisterAllCommands(registry);
  std::vector<std::string> args(argv + 1, argv + argc);
  return cs::csctl::RunCli(registry, args, cs::ProcessEnvironment(), std::cout,
                           std::cerr);
}
