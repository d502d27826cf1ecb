// TLS for the suite's gRPC servers and clients, from PEM files that are
// re-read while the process runs (gRPC's FileWatcherCertificateProvider), so
// rotating certificates needs no restart. Replace files atomically (write a
// new file and rename it over the old one, or swap a directory symlink): a
// key and certificate caught half-written are skipped until the next check.
//
//   ClientTlsConfig tls;                       // filled from --tls-* flags
//   RETURN_IF_ERROR(ValidateClientTlsConfig(tls));
//   ChannelFactory channels(tls);
//   auto stub = v1::TicketService::NewStub(channels.Connect("ticket:50051"));
//
// Without a CA file everything is plaintext, as before TLS existed.
#ifndef CS_LIBS_COMMON_TLS_H_
#define CS_LIBS_COMMON_TLS_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "libs/common/config.h"

namespace cs {

// How often certificate files are checked for changes by default.
inline constexpr absl::Duration kDefaultTlsReloadInterval = absl::Seconds(60);

struct ServerTlsConfig {
  std::string cert_file;       // PEM chain; TLS when set (with key_file)
  std::string key_file;        // PEM private key
  std::string client_ca_file;  // set: clients must present a cert it signed
  absl::Duration reload_interval = kDefaultTlsReloadInterval;  // >= 1s
};

struct ClientTlsConfig {
  std::string ca_file;    // roots that sign the servers' certs; TLS when set
  std::string cert_file;  // client certificate for mTLS (with key_file)
  std::string key_file;
  // Name the server certificate must carry; empty: the target's host.
  std::string server_name;
  absl::Duration reload_interval = kDefaultTlsReloadInterval;  // >= 1s
};

// Registers --tls-ca-file, --tls-client-cert-file and --tls-client-key-file
// (the credentials this process presents to the servers it calls).
void RegisterClientTlsFlags(ConfigParser& parser, ClientTlsConfig* config);

// INVALID_ARGUMENT naming the flags when files are paired wrongly (a client
// CA without a server cert, a cert without its key, a client cert without a
// CA) or the interval is below 1s; the error of reading a file (NOT_FOUND,
// PERMISSION_DENIED with its path) when one is unreadable or holds no PEM.
absl::Status ValidateServerTlsConfig(const ServerTlsConfig& config);
absl::Status ValidateClientTlsConfig(const ClientTlsConfig& config);

// Insecure credentials without a cert file; otherwise TLS whose files are
// re-read every reload_interval, requiring and verifying client certificates
// when client_ca_file is set. Validate first: a file that disappears later
// fails handshakes (logged by gRPC), not this call.
std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(
    const ServerTlsConfig& config);

// Channels to the suite's servers with one set of credentials (one file
// watcher, shared by every channel). Copyable; thread-safe.
class ChannelFactory {
 public:
  // Plaintext.
  ChannelFactory();
  // TLS when config.ca_file is set, verifying the server's chain and name;
  // mTLS when a client cert is also set. Validate the config first.
  explicit ChannelFactory(const ClientTlsConfig& config);

  // A channel to `target` ("host:port") with `args` plus the server name
  // override. Never fails: connection problems show on the first call.
  std::shared_ptr<grpc::Channel> Connect(
      const std::string& target,
      grpc::ChannelArguments args = grpc::ChannelArguments()) const;

  bool tls() const { return tls_; }

 private:
  std::shared_ptr<grpc::ChannelCredentials> credentials_;
  std::string server_name_;
  bool tls_ = false;
};

}  // namespace cs

#endif  // CS_LIBS_COMMON_TLS_H_
