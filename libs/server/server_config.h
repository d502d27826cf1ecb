// Settings every server binary shares, filled once in main from flags and
// CS_* environment variables (see libs/common/config.h for precedence).
#ifndef CS_LIBS_SERVER_SERVER_CONFIG_H_
#define CS_LIBS_SERVER_SERVER_CONFIG_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/common/config.h"
#include "libs/common/tls.h"

namespace cs {

struct ServerConfig {
  std::string service_name;          // "ticket", "routing", ...
  std::string host = "127.0.0.1";    // bind address (0.0.0.0 in containers)
  int port = 0;                      // gRPC port; 0 picks a free one
  int metrics_port = 0;              // /metrics port; -1 disables HTTP
  std::string data_dir;              // RocksDB lives in <data_dir>/<service>
  int partition = 0;                 // this instance's partition (DESIGN §7)
  bool sync = true;                  // fsync every acknowledged write
  std::string auth_key_file;         // HS256 key shared by the suite
  std::string auth_issuer = "cs-suite";
  std::string auth_audience = "cs-suite";
  ServerTlsConfig tls;         // TLS when cert and key are set
  ClientTlsConfig client_tls;  // for calls to other services
  int max_message_bytes = 4 << 20;
  // Threads blocked in fsync cost no CPU and make RocksDB's commit groups
  // larger: 32 gave 1.6× durable create throughput over 8 on 2 cores.
  int worker_threads = 32;
  int worker_queue = 1024;
  absl::Duration shutdown_grace = absl::Seconds(10);
  std::string clock = "system";      // "manual" serves cs.admin.v1.TestClock
  absl::Duration event_retention = absl::Hours(24 * 7);  // 0 keeps forever
  std::string rate_limit;  // per-principal limits; "" = off
  // The suite's departments (libs/common/departments.h); "" accepts any.
  std::string departments_file;

  // Test hook, no flag: false stores table files uncompressed
  // (Store::Options::compress) for tests that scan the files' bytes.
  bool store_compression = true;
};

// Registers the shared settings on `parser`, with `defaults` holding the
// service's default ports and name. `config` must outlive the parse.
void RegisterServerFlags(ConfigParser& parser, ServerConfig* config);

// Cross-field checks after parsing (e.g. TLS cert without key), the TLS
// files' presence and the --rate-limit syntax (libs/auth/rate_limiter.h).
// The message names the settings involved.
absl::Status ValidateServerConfig(const ServerConfig& config);

}  // namespace cs

#endif  // CS_LIBS_SERVER_SERVER_CONFIG_H_
