#include "source/ca_trust.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace plumb::source {

struct CaTrust::Store {
  X509_STORE* store = X509_STORE_new();
  ~Store() { X509_STORE_free(store); }
};

namespace {

bool is_ip_address(const std::string& host) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

std::string openssl_error() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

// The name the certificate must carry, as Go checks it: subject alternative names only.
Result<void> expect_host(X509_STORE_CTX* ctx, const std::string& host) {
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
  int ok = is_ip_address(host) ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                               : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  if (ok != 1) return fail("cannot check the certificate against host ", host);
  return {};
}

}  // namespace

Result<std::optional<CaTrust>> CaTrust::parse(std::string_view pem) {
  if (pem.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::nullopt;
  auto store = std::make_shared<Store>();
  BIO* bio = BIO_new_mem_buf(pem.data(), int(pem.size()));
  int count = 0;
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store->store, cert);
    X509_free(cert);
    ++count;
  }
  // Reading stops with "no start line" at the end of the input; anything else is damage.
  unsigned long last = ERR_peek_last_error();
  bool clean_end = ERR_GET_REASON(last) == PEM_R_NO_START_LINE;
  BIO_free(bio);
  if (count == 0) {
    ERR_clear_error();
    return fail("ca.crt: no PEM certificate found");
  }
  if (last != 0 && !clean_end)
    return fail("ca.crt: certificate ", std::to_string(count + 1), ": ", openssl_error());
  ERR_clear_error();
  CaTrust trust;
  trust.m_store = std::move(store);
  return trust;
}

Result<void> CaTrust::verify(std::span<const unsigned char> leaf, const std::string& host) const {
  const unsigned char* der = leaf.data();
  X509* cert = d2i_X509(nullptr, &der, long(leaf.size()));
  if (!cert) return fail("the server's certificate cannot be read: ", openssl_error());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  Result<void> out;
  if (X509_STORE_CTX_init(ctx, m_store->store, cert, nullptr) != 1) {
    out = fail("cannot verify the server's certificate: ", openssl_error());
  } else if (out = expect_host(ctx, host); out) {
    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
    X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_PARTIAL_CHAIN);
    if (X509_verify_cert(ctx) != 1) {
      out = fail(X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
    }
  }
  X509_STORE_CTX_free(ctx);
  X509_free(cert);
  ERR_clear_error();
  return out;
}

}  // namespace plumb::source
