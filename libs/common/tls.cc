#include "libs/common/tls.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_certificate_verifier.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "libs/common/files.h"
#include "libs/common/status_macros.h"

namespace cs {
namespace {

using grpc::experimental::FileWatcherCertificateProvider;

// Fails fast at start-up on what the file watcher would only log later.
absl::Status CheckPemFile(const std::string& path, absl::string_view flag) {
  ASSIGN_OR_RETURN(std::string pem, ReadFileToString(path));
  if (!absl::StrContains(pem, "-----BEGIN ")) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": ", path, " holds no PEM data"));
  }
  return absl::OkStatus();
}

absl::Status CheckInterval(absl::Duration interval) {
  if (interval < absl::Seconds(1)) {
    return absl::InvalidArgumentError(
        "--tls-reload-interval must be at least 1s");
  }
  return absl::OkStatus();
}

unsigned int Seconds(absl::Duration interval) {
  return static_cast<unsigned int>(absl::ToInt64Seconds(interval));
}

}  // namespace

void RegisterClientTlsFlags(ConfigParser& parser, ClientTlsConfig* config) {
  parser.AddString("tls-ca-file", &config->ca_file,
                   "PEM roots for the servers this process calls; set: TLS");
  parser.AddString("tls-client-cert-file", &config->cert_file,
                   "PEM certificate presented to servers (mutual TLS)");
  parser.AddString("tls-client-key-file", &config->key_file,
                   "PEM private key of --tls-client-cert-file");
}

absl::Status ValidateServerTlsConfig(const ServerTlsConfig& config) {
  if (config.cert_file.empty() != config.key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls-cert-file and --tls-key-file must be given together");
  }
  if (!config.client_ca_file.empty() && config.cert_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls-client-ca-file needs --tls-cert-file and --tls-key-file "
        "(mutual TLS requires TLS)");
  }
  if (config.cert_file.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(CheckInterval(config.reload_interval));
  RETURN_IF_ERROR(CheckPemFile(config.cert_file, "tls-cert-file"));
  RETURN_IF_ERROR(CheckPemFile(config.key_file, "tls-key-file"));
  if (!config.client_ca_file.empty()) {
    RETURN_IF_ERROR(CheckPemFile(config.client_ca_file, "tls-client-ca-file"));
  }
  return absl::OkStatus();
}

absl::Status ValidateClientTlsConfig(const ClientTlsConfig& config) {
  if (config.cert_file.empty() != config.key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls-client-cert-file and --tls-client-key-file must be given "
        "together");
  }
  if (!config.cert_file.empty() && config.ca_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls-client-cert-file needs --tls-ca-file (client certificates "
        "are only sent over TLS)");
  }
  if (config.ca_file.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(CheckInterval(config.reload_interval));
  RETURN_IF_ERROR(CheckPemFile(config.ca_file, "tls-ca-file"));
  if (!config.cert_file.empty()) {
    RETURN_IF_ERROR(CheckPemFile(config.cert_file, "tls-client-cert-file"));
    RETURN_IF_ERROR(CheckPemFile(config.key_file, "tls-client-key-file"));
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(
    const ServerTlsConfig& config) {
  if (config.cert_file.empty()) return grpc::InsecureServerCredentials();
  const bool mutual = !config.client_ca_file.empty();
  auto provider = std::make_shared<FileWatcherCertificateProvider>(
      config.key_file, config.cert_file, mutual ? config.client_ca_file : "",
      Seconds(config.reload_interval));
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (mutual) {
    options.watch_root_certs();
    options.set_cert_request_type(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

ChannelFactory::ChannelFactory()
    : credentials_(grpc::InsecureChannelCredentials()) {}

ChannelFactory::ChannelFactory(const ClientTlsConfig& config)
    : ChannelFactory() {
  if (config.ca_file.empty()) return;
  auto provider = std::make_shared<FileWatcherCertificateProvider>(
      config.key_file, config.cert_file, config.ca_file,
      Seconds(config.reload_interval));
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(provider);
  options.watch_root_certs();
  if (!config.cert_file.empty()) options.watch_identity_key_cert_pairs();
  options.set_verify_server_certs(true);
  // Explicit: the chain alone would accept any server the CA ever signed.
  options.set_certificate_verifier(
      std::make_shared<grpc::experimental::HostNameCertificateVerifier>());
  credentials_ = grpc::experimental::TlsCredentials(options);
  server_name_ = config.server_name;
  tls_ = true;
}

std::shared_ptr<grpc::Channel> ChannelFactory::Connect(
    const std::string& target, grpc::ChannelArguments args) const {
  if (!server_name_.empty()) args.SetSslTargetNameOverride(server_name_);
  return grpc::CreateCustomChannel(target, credentials_, args);
}

}  // namespace cs
