#include "net/tls.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace plumb::net {
namespace {

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;
using Pkey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

Bio memory_bio(std::string_view text) {
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), &BIO_free);
}

}  // namespace

std::string openssl_errors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

void ServerTls::Free::operator()(SSL_CTX* context) const {
  SSL_CTX_free(context);
}

Result<ServerTls> ServerTls::create(std::string_view cert_pem, std::string_view key_pem) {
  SSL_CTX* raw = SSL_CTX_new(TLS_server_method());
  if (raw == nullptr) return fail("TLS context: ", openssl_errors());
  ServerTls tls;
  tls.m_context = std::shared_ptr<SSL_CTX>(raw, Free{});
  SSL_CTX_set_min_proto_version(raw, TLS1_2_VERSION);

  Bio cert_bio = memory_bio(cert_pem);
  Cert cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr), &X509_free);
  Bio key_bio = memory_bio(key_pem);
  Pkey key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (!cert || !key) return fail("TLS certificate or key is not valid PEM: ", openssl_errors());
  if (SSL_CTX_use_certificate(raw, cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(raw, key.get()) != 1 || SSL_CTX_check_private_key(raw) != 1)
    return fail("TLS certificate and key: ", openssl_errors());
  // Offer only HTTP/1.1, so Go clients never try HTTP/2.
  SSL_CTX_set_alpn_select_cb(
      raw,
      [](SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
         unsigned int inlen, void*) -> int {
        static const unsigned char k_http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
        unsigned char* selected = nullptr;
        if (SSL_select_next_proto(&selected, outlen, k_http11, sizeof k_http11, in, inlen) ==
            OPENSSL_NPN_NEGOTIATED) {
          *out = selected;
          return SSL_TLSEXT_ERR_OK;
        }
        return SSL_TLSEXT_ERR_NOACK;
      },
      nullptr);
  return tls;
}

}  // namespace plumb::net
