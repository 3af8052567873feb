// The TLS side of the HTTP server: an SSL_CTX serving one certificate, and OpenSSL's error
// queue as text.
//
// Thread safety: a ServerTls is read-only after creation and may be shared by every
// connection thread; openssl_errors reads the calling thread's error queue.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"

typedef struct ssl_ctx_st SSL_CTX;

namespace plumb::net {

// An SSL_CTX serving the certificate (TLS 1.2+, HTTP/1.1 by ALPN).
class ServerTls {
 public:
  // From the PEM texts of the certificate and its private key.
  static Result<ServerTls> create(std::string_view cert_pem, std::string_view key_pem);
  SSL_CTX* context() const { return m_context.get(); }

 private:
  struct Free {
    void operator()(SSL_CTX* context) const;
  };
  std::shared_ptr<SSL_CTX> m_context;
};

// The OpenSSL error queue as text (for messages), emptied.
std::string openssl_errors();

}  // namespace plumb::net
