// The certificate authorities of a GitRepository Secret's `ca.crt`, trusted for that one
// remote in addition to the system roots (as Flux does: its Git client adds ca.crt to the
// system pool). libgit2 checks the server against the system roots first; when that fails,
// `verify` checks the certificate it presented against these CAs with OpenSSL, so nothing
// process-wide changes and remotes fetched in parallel keep their own trust.
//
// As in Go's certificate pools, every certificate in ca.crt is a trust anchor (an
// intermediate CA may be given alone); the server's name is checked against the
// certificate's DNS or IP subject alternative names only, and the certificate must allow
// TLS server use.
//
// Thread safety: a CaTrust is immutable once parsed; `verify` may be called from several
// threads.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace plumb::source {

class CaTrust {
 public:
  // The certificates of a PEM bundle; nullopt for an empty one; an error naming ca.crt when
  // it holds no certificate or a broken one.
  static Result<std::optional<CaTrust>> parse(std::string_view pem);

  // Whether the DER certificate `leaf` is signed by one of the CAs and names host (a DNS
  // name or an IP address); the error says why not ("unable to get local issuer
  // certificate", "hostname mismatch", "certificate has expired", ...).
  Result<void> verify(std::span<const unsigned char> leaf, const std::string& host) const;

 private:
  struct Store;
  std::shared_ptr<const Store> m_store;
};

}  // namespace plumb::source
