#include "libs/server/test_certs.h"

#include <atomic>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "openssl/pem.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"

namespace cs::testing {
namespace {

using Cert = std::unique_ptr<X509, decltype(&X509_free)>;
using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;

std::shared_ptr<EVP_PKEY> NewKey() {
  std::shared_ptr<EVP_PKEY> key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  EXPECT_NE(key, nullptr);
  return key;
}

// Certificates of one test run need distinct serials per issuer.
long NextSerial() {
  static std::atomic<long> serial{1};
  return serial++;
}

template <typename Write>
std::string ToPem(Write write) {
  Bio bio(BIO_new(BIO_s_mem()), &BIO_free);
  EXPECT_EQ(write(bio.get()), 1);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

// Signs a certificate for `subject` holding `key`, issued by `issuer_name`
// with `issuer_key`, carrying the X.509v3 `extensions` (nid, value).
PemPair Sign(const std::string& subject, EVP_PKEY* key,
             const std::string& issuer_name, EVP_PKEY* issuer_key,
             std::initializer_list<std::pair<int, std::string>> extensions) {
  Cert cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), NextSerial());
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  auto name = [](const std::string& cn) {
    X509_NAME* n = X509_NAME_new();
    X509_NAME_add_entry_by_txt(
        n, "CN", MBSTRING_UTF8,
        reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    return n;
  };
  X509_NAME* subject_name = name(subject);
  X509_NAME* issuer = name(issuer_name);
  X509_set_subject_name(cert.get(), subject_name);
  X509_set_issuer_name(cert.get(), issuer);
  X509_NAME_free(subject_name);
  X509_NAME_free(issuer);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : extensions) {
    X509_EXTENSION* ext =
        X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    EXPECT_NE(ext, nullptr) << value;
    if (ext == nullptr) continue;
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  EXPECT_GT(X509_sign(cert.get(), issuer_key, EVP_sha256()), 0);
  return {ToPem([&](BIO* bio) {
            return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0,
                                            nullptr, nullptr);
          }),
          ToPem([&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); })};
}

}  // namespace

TestCa::TestCa(const std::string& name) : key_(NewKey()), name_(name) {
  self_ = Sign(name_, key_.get(), name_, key_.get(),
               {{NID_basic_constraints, "critical,CA:TRUE"},
                {NID_key_usage, "critical,keyCertSign,cRLSign"}});
}

PemPair TestCa::Issue(const std::string& common_name) const {
  std::shared_ptr<EVP_PKEY> key = NewKey();
  return Sign(common_name, key.get(), name_, key_.get(),
              {{NID_basic_constraints, "critical,CA:FALSE"},
               {NID_ext_key_usage, "serverAuth,clientAuth"},
               {NID_subject_alt_name,
                absl::StrCat("DNS:localhost,IP:127.0.0.1,DNS:", common_name)}});
}

PemPair SelfSignedCertificate() {
  std::shared_ptr<EVP_PKEY> key = NewKey();
  return Sign("localhost", key.get(), "localhost", key.get(),
              {{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
               {NID_basic_constraints, "critical,CA:TRUE"}});
}

}  // namespace cs::testing
