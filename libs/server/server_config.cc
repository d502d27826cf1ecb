#include "libs/server/server_config.h"

#include "libs/auth/rate_limiter.h"
#include "libs/common/status_macros.h"

namespace cs {

void RegisterServerFlags(ConfigParser& parser, ServerConfig* config) {
  parser.AddString("host", &config->host, "address to bind");
  parser.AddInt("port", &config->port, "gRPC port (0 = any free port)", 0,
                65535);
  parser.AddInt("metrics-port", &config->metrics_port,
                "Prometheus /metrics port (0 = any, -1 = off)", -1, 65535);
  parser.AddString("data-dir", &config->data_dir,
                   "directory for this service's RocksDB store",
                   ConfigParser::kRequired);
  parser.AddInt("partition", &config->partition,
                "partition this instance serves (0-9999); stamped on its events and ids",
                0, 9999);
  parser.AddBool("sync", &config->sync,
                 "fsync each acknowledged write (off: a machine crash may lose "
                 "the last writes)");
  parser.AddString("auth-key-file", &config->auth_key_file,
                   "file holding the token signing key (>= 32 bytes)",
                   ConfigParser::kRequired);
  parser.AddString("auth-issuer", &config->auth_issuer,
                   "required token issuer (iss)");
  parser.AddString("auth-audience", &config->auth_audience,
                   "required token audience (aud)");
  parser.AddString("tls-cert-file", &config->tls.cert_file,
                   "PEM certificate chain; with --tls-key-file enables TLS");
  parser.AddString("tls-key-file", &config->tls.key_file, "PEM private key");
  parser.AddString("tls-client-ca-file", &config->tls.client_ca_file,
                   "PEM roots; set: clients must present a cert they signed");
  parser.AddDuration("tls-reload-interval", &config->tls.reload_interval,
                     "how often TLS files are re-read (no restart needed)",
                     absl::Seconds(1), absl::Hours(24));
  RegisterClientTlsFlags(parser, &config->client_tls);
  parser.AddInt("max-message-bytes", &config->max_message_bytes,
                "largest request or response accepted", 1024, 64 << 20);
  parser.AddInt("worker-threads", &config->worker_threads,
                "threads for blocking work", 1, 256);
  parser.AddInt("worker-queue", &config->worker_queue,
                "requests that may wait before RESOURCE_EXHAUSTED", 1,
                1 << 20);
  parser.AddDuration("shutdown-grace", &config->shutdown_grace,
                     "time in-flight calls get to finish on SIGTERM",
                     absl::ZeroDuration(), absl::Minutes(10));
  parser.AddChoice("clock", &config->clock,
                   "business clock; manual serves cs.admin.v1.TestClock",
                   {"system", "manual"});
  parser.AddDuration("event-retention", &config->event_retention,
                     "how long events stay in the log (0 = forever)",
                     absl::ZeroDuration(), absl::Hours(24 * 3650));
  parser.AddString("rate-limit", &config->rate_limit,
                   "calls per token subject, by role: e.g. "
                   "default=200/s:burst=400,service=0 (0 = unlimited; "
                   "\"\" = off)");
  parser.AddString("departments-file", &config->departments_file,
                   "the departments tickets, agents, complaints and cases may "
                   "name, one per line (deploy/config/departments.conf; "
                   "default: any name)");
}

absl::Status ValidateServerConfig(const ServerConfig& config) {
  RETURN_IF_ERROR(ValidateServerTlsConfig(config.tls));
  RETURN_IF_ERROR(ValidateClientTlsConfig(config.client_tls));
  RETURN_IF_ERROR(auth::ParseRateLimitSpec(config.rate_limit).status());
  if (config.service_name.empty()) {
    return absl::InvalidArgumentError("service name must be set in main");
  }
  return absl::OkStatus();
}

}  // namespace cs
