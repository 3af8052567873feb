// The webhook receiver: an HTTP endpoint (plain, loopback by default) that asks the
// controller to fetch a GitRepository now instead of at its next interval.
//
//   POST /hook/<namespace>/<name>  generic; with a token, `Authorization: Bearer <token>`
//                                  is required (401). 202 when the GitRepository exists,
//                                  404 naming it otherwise.
//   POST /hook/git                 the body is a repository URL (a local repository's
//                                  post-commit hook sends its own): every GitRepository whose
//                                  spec.url is that repository (normalize_git_url) → 202, 404
//                                  naming the URL when none is. Bearer token as above.
//   POST /hook/github              GitHub webhooks: `ping` → 200; `push` → every
//                                  GitRepository whose spec.url is the pushed repository
//                                  (clone_url, ssh_url, git_url or html_url, compared with
//                                  normalize_git_url) → 202, or 200 when none matches; other
//                                  events → 200 ignored. With a secret, `X-Hub-Signature-256`
//                                  must be the HMAC-SHA256 of the raw body (401).
//   GET  /healthz                  200.
// Anything else 404, a wrong method 405, a body over 1 MiB 413. Tokens and signatures are
// compared in constant time and never appear in responses or logs.
//
// Thread safety: the targets are called concurrently from the server's connection threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace plumb::net {
class HttpServer;
}

namespace plumb::controller {

struct WebhookOptions {
  std::string host = "127.0.0.1";
  int port = 0;               // 0: any free port
  std::string token;          // required by the generic endpoint when set
  std::string github_secret;  // required signature of GitHub deliveries when set
};

struct WebhookTargets {
  // Asks the controller to fetch GitRepository ns/name now; false when there is none.
  // delivery: what asked, for the journal ("/hook/github delivery <X-GitHub-Delivery>").
  std::function<bool(const std::string& ns, const std::string& name, const std::string& delivery)>
      refresh;
  // Asks the controller to fetch every GitRepository whose spec.url is one of urls
  // (compare with normalize_git_url); returns how many matched.
  std::function<int(const std::vector<std::string>& urls, const std::string& delivery)>
      refresh_by_url;
};

inline constexpr size_t k_webhook_max_body_bytes = 1u << 20;

class WebhookServer {
 public:
  static Result<std::unique_ptr<WebhookServer>> start(WebhookOptions options,
                                                      WebhookTargets targets);
  ~WebhookServer();
  WebhookServer(const WebhookServer&) = delete;
  WebhookServer& operator=(const WebhookServer&) = delete;

  int port() const;
  // Closes the listener and every connection; idempotent.
  void stop();

 private:
  WebhookServer() = default;
  std::unique_ptr<net::HttpServer> m_http;
};

// One form for the URLs of one repository, so that the https, ssh (`ssh://` and scp-like
// `git@host:path`), git and http forms compare equal: user info, default ports, a trailing
// "/" and ".git" dropped, scheme and host lower-cased, and the network scheme itself dropped
// ("github.com/org/repo"); GitHub paths are case-insensitive and lower-cased too. file://
// URLs and local paths keep their "file://" form.
std::string normalize_git_url(std::string_view url);

// "sha256=<hex>" of HMAC-SHA256(secret, body), as GitHub's X-Hub-Signature-256.
std::string github_signature(std::string_view secret, std::string_view body);
// Whether `header` is the right X-Hub-Signature-256 for body; constant time.
bool github_signature_valid(std::string_view secret, std::string_view body,
                            std::string_view header);
// Equality that takes the same time wherever the strings differ (and whatever their lengths).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace plumb::controller
