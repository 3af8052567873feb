// Private to the sealed module: owning handles for the OpenSSL objects it uses, and the PEM
// readers the sealing code and the key code share. Pure functions (any thread).
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace plumb::sealed::detail {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
using Certificate = std::unique_ptr<X509, X509Free>;

inline const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
inline unsigned char* bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

// `result` with `what: ` put in front of its error.
template <typename T>
Result<T> in_context(Result<T> result, std::string_view what) {
  if (!result) return std::unexpected(std::move(result).error().context(what));
  return result;
}

// OpenSSL failing on well-formed input (allocation) leaves nothing sensible to return.
[[noreturn]] void openssl_broken();

std::string random_bytes(size_t n);

// The first CERTIFICATE block of a PEM text.
Result<Certificate> read_certificate(std::string_view pem);
// The RSA public key of a PEM certificate, or of a PEM "PUBLIC KEY" block.
Result<Pkey> read_public_key(std::string_view pem);
// An RSA private key, PKCS#1 ("RSA PRIVATE KEY") or PKCS#8 ("PRIVATE KEY").
Result<Pkey> read_private_key(std::string_view pem);

std::chrono::system_clock::time_point not_before(const X509* cert);
std::chrono::system_clock::time_point not_after(const X509* cert);

}  // namespace plumb::sealed::detail
