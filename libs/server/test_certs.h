// Test-only certificates made at runtime with OpenSSL (nothing committed):
// a CA and the leaf certificates it signs, for TLS and mutual-TLS tests on
// loopback.
//
//   cs::testing::TestCa ca("测试 CA");
//   cs::testing::PemPair server = ca.Issue("ticket");
//   // server.cert_pem / server.key_pem into files; ca.cert_pem() as roots.
#ifndef CS_LIBS_SERVER_TEST_CERTS_H_
#define CS_LIBS_SERVER_TEST_CERTS_H_

#include <memory>
#include <string>

#include "openssl/evp.h"

namespace cs::testing {

struct PemPair {
  std::string key_pem;   // PKCS#8 P-256 private key
  std::string cert_pem;  // X.509 certificate
};

// A self-signed P-256 CA valid from an hour ago for a day. Failures of
// OpenSSL are reported as gtest failures (and yield empty PEM).
class TestCa {
 public:
  explicit TestCa(const std::string& name);

  const std::string& cert_pem() const { return self_.cert_pem; }

  // A leaf certificate signed by this CA for `common_name` (a DNS name), with
  // subject alternative names localhost, 127.0.0.1 and `common_name`, usable
  // by servers and clients alike.
  PemPair Issue(const std::string& common_name) const;

 private:
  std::shared_ptr<EVP_PKEY> key_;
  std::string name_;
  PemPair self_;
};

// A self-signed certificate for localhost/127.0.0.1 that is its own CA.
PemPair SelfSignedCertificate();

}  // namespace cs::testing

#endif  // CS_LIBS_SERVER_TEST_CERTS_H_
