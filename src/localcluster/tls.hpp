// TLS material for the embedded API server: a self-signed CA and a serving certificate for
// 127.0.0.1 and localhost, generated on first start (ECDSA P-256, OpenSSL 3) and reused from
// a directory when one is given, so a kubeconfig written earlier keeps verifying.
//
// The SSL_CTX that serves them is net/tls.hpp's ServerTls.
//
// Thread safety: the functions are independent.
#pragma once

#include <string>

#include "core/error.hpp"

namespace plumb::localcluster {

struct Credentials {
  std::string ca_cert_pem;
  std::string ca_key_pem;
  std::string server_cert_pem;
  std::string server_key_pem;
  std::string token;  // the bearer token clients present
};

// Fresh CA, serving certificate (SANs 127.0.0.1, ::1 and localhost) and token.
Result<Credentials> generate_credentials();

// Reads ca.crt, ca.key, server.crt, server.key and token from `dir`; when none exist, generates
// them and writes them there (keys mode 0600). A partial set is an error naming the file.
Result<Credentials> load_or_create_credentials(const std::string& dir);

}  // namespace plumb::localcluster
