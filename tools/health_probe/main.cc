// cs-health-probe: exit 0 only when a gRPC server's grpc.health.v1 Check
// answers SERVING. See health_probe.h.
#include <iostream>
#include <string>
#include <vector>

#include "libs/common/config.h"
#include "tools/health_probe/health_probe.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return cs::health_probe::RunHealthProbe(args, cs::ProcessEnvironment(),
                                          std::cout, std::cerr);
}
