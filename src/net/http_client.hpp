// An HTTP(S) client for what Plumb fetches besides the Kubernetes API: Helm repository
// indexes and charts, OCI registries. One request at a time per call, libcurl underneath
// (loaded on first use, net/curl.hpp), connections kept alive per thread.
//
// - Any HTTP status, 5xx included, is a response; an Error is a transport failure (refused
//   connection, unknown host, TLS, timeout) or a body past `max_response_bytes`. Errors name
//   the method and the URL without its user info, never credentials.
// - Credentials (Basic, or a bearer token) go to the request's host only: a redirect to
//   another host is followed without them, as Go's client and Flux do.
// - `ClientTls::ca_pem` is trusted in addition to the system's certificate authorities.
// - Only http and https, also for redirects (at most 10).
//
// Thread safety: an HttpClient is immutable after construction; send() may be called from
// several threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace plumb::net {

enum class Redirects { follow, refuse };

struct ClientTls {
  std::string ca_pem;  // PEM certificates trusted besides the system's
  bool insecure_skip_verify = false;
  std::string cert_pem, key_pem;  // a client certificate, when both are set
};

struct ClientOptions {
  ClientTls tls;
  Redirects redirects = Redirects::follow;
  size_t max_response_bytes = size_t(64) << 20;
  std::chrono::seconds timeout{60};  // the whole request
  std::chrono::seconds connect_timeout{10};
  std::string user_agent = "plumb";
  // An HTTP(S) proxy URL for every request; empty: libcurl's default (the proxy environment
  // variables).
  std::string proxy;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct ClientRequest {
  std::string method = "GET";  // GET, HEAD, PUT, POST, PATCH, DELETE
  std::string url;
  HeaderList headers;  // e.g. {"Accept", "application/json"}
  std::string body;
  // Basic authentication when either is set; a bearer token otherwise when set.
  std::string username, password;
  std::string bearer_token;
  // A cap for this response instead of the client's max_response_bytes (0: the client's).
  size_t max_response_bytes = 0;
  // When set and it turns true, the request ends (an Error) within about a second, also
  // while it waits for an answer: shutting down need not wait for a server that hangs.
  const std::atomic<bool>* cancel = nullptr;
};

struct ClientResponse {
  long status = 0;
  HeaderList headers;  // of the last response (after redirects); names lower-cased
  std::string body;
  std::string url;  // where the answer came from, after redirects

  // The first header with this name (any case), or "".
  std::string_view header(std::string_view name) const;
};

class HttpClient {
 public:
  explicit HttpClient(ClientOptions options = {});
  Result<ClientResponse> send(const ClientRequest& request) const;
  const ClientOptions& options() const { return m_options; }

 private:
  ClientOptions m_options;
  std::string m_ca_bundle;  // the system's authorities and ca_pem, when ca_pem is set
};

// The URL without user info ("https://user:pw@host/x" → "https://host/x"), for messages.
std::string redact_url(std::string_view url);

// Percent-encoding of a query value: everything but RFC 3986's unreserved characters.
std::string url_encode(std::string_view text);

// RFC 3986 reference resolution: `reference` (absolute, "//host/x", "/x", "x", "../x", "?q")
// against an absolute base URL, as Go's URL.ResolveReference does (fragments dropped).
std::string resolve_url(std::string_view base, std::string_view reference);

// "GET https://host/x: 404 Not Found" — for errors about an unexpected status.
std::string describe_status(const ClientRequest& request, const ClientResponse& response);

}  // namespace plumb::net
