#include "controller/webhook.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>

#include "core/json.hpp"
#include "net/http.hpp"

namespace plumb::controller {
namespace {

using net::HttpRequest;
using net::ResponseWriter;

constexpr std::string_view k_hook_prefix = "/hook/";
constexpr std::string_view k_signature_prefix = "sha256=";
constexpr size_t k_max_threads = 16;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
  return out;
}

std::string hex(const unsigned char* data, size_t size) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out += k_digits[data[i] >> 4];
    out += k_digits[data[i] & 15];
  }
  return out;
}

std::array<unsigned char, SHA256_DIGEST_LENGTH> sha256(std::string_view text) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

// A Kubernetes object name or namespace: lower-case letters, digits, '-' and '.'.
bool valid_name(std::string_view name) {
  return !name.empty() && name.size() <= 253 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

// --- URL normalisation ---

struct SchemeInfo {
  std::string_view scheme;
  std::string_view default_port;
};
// Schemes that reach one repository over the network; their normal form drops the scheme.
constexpr SchemeInfo k_network_schemes[] = {{"https", "443"}, {"http", "80"},    {"ssh", "22"},
                                            {"git", "9418"},  {"git+ssh", "22"}, {"ssh+git", "22"}};
// Hosts whose repository paths are case-insensitive.
constexpr std::string_view k_case_insensitive_hosts[] = {"github.com", "www.github.com"};

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n'))
    text.remove_prefix(1);
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

// Drops trailing "/" and ".git" ("repo.git/" → "repo").
std::string_view trim_repo_suffix(std::string_view path) {
  for (;;) {
    if (path.ends_with('/')) {
      path.remove_suffix(1);
    } else if (path.ends_with(".git")) {
      path.remove_suffix(4);
    } else {
      return path;
    }
  }
}

const SchemeInfo* network_scheme(std::string_view scheme) {
  for (const SchemeInfo& info : k_network_schemes) {
    if (info.scheme == scheme) return &info;
  }
  return nullptr;
}

// host[:port] without user info, lower-cased, the scheme's default port dropped.
std::string normalize_authority(std::string_view authority, const SchemeInfo* scheme) {
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string host = lower(authority);
  size_t colon = host.rfind(':');
  bool has_port = colon != std::string::npos && host.find(']', colon) == std::string::npos;
  if (has_port && scheme && std::string_view(host).substr(colon + 1) == scheme->default_port)
    host.resize(colon);
  return host;
}

}  // namespace

std::string normalize_git_url(std::string_view url) {
  url = trim_spaces(url);
  std::string scheme;
  std::string rest;
  size_t separator = url.find("://");
  size_t colon = url.find(':');
  size_t slash = url.find('/');
  if (separator != std::string_view::npos && separator == colon) {
    scheme = lower(url.substr(0, separator));
    rest = url.substr(separator + 3);
  } else if (colon != std::string_view::npos && colon > 0 &&
             (slash == std::string_view::npos || colon < slash)) {
    // scp-like "[user@]host:path".
    scheme = "ssh";
    std::string_view path = url.substr(colon + 1);
    rest =
        std::string(url.substr(0, colon)) + (path.starts_with('/') ? "" : "/") + std::string(path);
  } else {
    scheme = "file";  // a local path
    rest = url;
  }
  if (scheme == "file") return "file://" + std::string(trim_repo_suffix(rest));

  std::string_view remainder = rest;
  size_t path_start = std::min(remainder.find('/'), remainder.size());
  const SchemeInfo* info = network_scheme(scheme);
  std::string host = normalize_authority(remainder.substr(0, path_start), info);
  std::string path(trim_repo_suffix(remainder.substr(path_start)));
  if (std::ranges::find(k_case_insensitive_hosts, host) != std::end(k_case_insensitive_hosts))
    path = lower(path);
  if (info) return host + path;
  return scheme + "://" + host + path;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Comparing digests makes the time independent of where, and of whether the lengths,
  // differ.
  auto da = sha256(a);
  auto db = sha256(b);
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

std::string github_signature(std::string_view secret, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &size);
  return std::string(k_signature_prefix) + hex(mac, size);
}

bool github_signature_valid(std::string_view secret, std::string_view body,
                            std::string_view header) {
  if (!header.starts_with(k_signature_prefix)) return false;
  std::string given =
      std::string(k_signature_prefix) + lower(header.substr(k_signature_prefix.size()));
  return constant_time_equal(github_signature(secret, body), given);
}

namespace {

// The request handler; shared by the server's connection threads, read-only.
class Receiver {
 public:
  Receiver(WebhookOptions options, WebhookTargets targets)
      : m_options(std::move(options)), m_targets(std::move(targets)) {}

  void handle(const HttpRequest& request, ResponseWriter& out) const {
    std::string_view path = request.path;
    if (path == "/healthz") {
      if (request.method != "GET" && request.method != "HEAD") return reply(out, 405, "use GET");
      return reply(out, 200, "ok");
    }
    if (!path.starts_with(k_hook_prefix)) return reply(out, 404, "not found");
    std::string_view rest = path.substr(k_hook_prefix.size());
    size_t slash = rest.find('/');
    bool github = rest == "github";
    bool by_url = rest == "git";
    bool generic = slash != std::string_view::npos && rest.find('/', slash + 1) == rest.npos;
    if (!github && !by_url && !generic) return reply(out, 404, "not found");
    if (request.method != "POST") return reply(out, 405, "use POST");
    if (github) return handle_github(request, out);
    if (by_url) return handle_url(request, out);
    handle_generic(rest.substr(0, slash), rest.substr(slash + 1), request, out);
  }

 private:
  static void reply(ResponseWriter& out, int status, std::string_view message) {
    out.send(status, "text/plain; charset=utf-8", std::string(message) + "\n");
  }

  bool bearer_ok(const HttpRequest& request) const {
    if (m_options.token.empty()) return true;
    std::string_view header = request.header("authorization");
    constexpr std::string_view k_scheme = "bearer ";
    if (header.size() < k_scheme.size() || lower(header.substr(0, k_scheme.size())) != k_scheme)
      return false;
    return constant_time_equal(header.substr(k_scheme.size()), m_options.token);
  }

  void handle_generic(std::string_view ns, std::string_view name, const HttpRequest& request,
                      ResponseWriter& out) const {
    if (!bearer_ok(request)) return reply(out, 401, "missing or wrong bearer token");
    if (!valid_name(ns) || !valid_name(name))
      return reply(out, 404, "not a GitRepository namespace/name");
    std::string what = "GitRepository " + std::string(ns) + "/" + std::string(name);
    if (!m_targets.refresh(std::string(ns), std::string(name), delivery(request)))
      return reply(out, 404, what + " not found");
    reply(out, 202, "fetching " + what);
  }

  void handle_url(const HttpRequest& request, ResponseWriter& out) const {
    if (!bearer_ok(request)) return reply(out, 401, "missing or wrong bearer token");
    std::string url(trim_spaces(request.body));
    if (url.empty()) return reply(out, 400, "the body must be a repository URL");
    int matched = m_targets.refresh_by_url({url}, delivery(request));
    if (matched == 0) return reply(out, 404, "no GitRepository has the url " + url);
    reply(out, 202, fetching(matched));
  }

  // What the journal says triggered the fetch: the path and GitHub's delivery id, if any.
  static std::string delivery(const HttpRequest& request) {
    std::string out(request.path);
    std::string_view id = request.header("x-github-delivery");
    if (!id.empty()) out += " delivery " + std::string(id.substr(0, 64));
    return out;
  }

  static std::string fetching(int count) {
    return "fetching " + std::to_string(count) + " GitRepositor" + (count == 1 ? "y" : "ies");
  }

  void handle_github(const HttpRequest& request, ResponseWriter& out) const {
    if (!m_options.github_secret.empty()) {
      std::string_view signature = request.header("x-hub-signature-256");
      if (signature.empty()) return reply(out, 401, "missing X-Hub-Signature-256");
      if (!github_signature_valid(m_options.github_secret, request.body, signature))
        return reply(out, 401, "X-Hub-Signature-256 does not match the body");
    }
    std::string_view event = request.header("x-github-event");
    if (event == "ping") return reply(out, 200, "pong");
    if (event != "push") return reply(out, 200, "event ignored");

    auto payload = parse_json(push_payload(request), "push payload");
    if (!payload) return reply(out, 400, payload.error().message());
    std::vector<std::string> urls;
    for (std::string_view field : {"clone_url", "ssh_url", "git_url", "html_url"}) {
      std::string_view url = payload->string_at({"repository", field});
      if (!url.empty()) urls.emplace_back(url);
    }
    if (urls.empty()) return reply(out, 400, "push payload: no repository URL");
    int matched = m_targets.refresh_by_url(urls, delivery(request));
    if (matched == 0) return reply(out, 200, "no GitRepository matches " + urls.front());
    reply(out, 202, fetching(matched));
  }

  // GitHub sends the JSON as the body, or as the `payload` field of a form (a JSON body sent
  // with a form content type, as `curl --data` does, is taken as it is).
  static std::string push_payload(const HttpRequest& request) {
    if (!request.header("content-type").starts_with("application/x-www-form-urlencoded"))
      return request.body;
    std::string_view form = request.body;
    while (!form.empty()) {
      size_t amp = form.find('&');
      std::string_view pair = form.substr(0, amp);
      form = amp == std::string_view::npos ? std::string_view() : form.substr(amp + 1);
      if (pair.starts_with("payload=")) return net::url_decode(pair.substr(8), true);
    }
    return request.body;
  }

  WebhookOptions m_options;
  WebhookTargets m_targets;
};

}  // namespace

Result<std::unique_ptr<WebhookServer>> WebhookServer::start(WebhookOptions options,
                                                            WebhookTargets targets) {
  if (!targets.refresh || !targets.refresh_by_url)
    return fail("webhook receiver: refresh and refresh_by_url are required");
  net::HttpServerOptions http{.host = options.host,
                              .port = options.port,
                              .max_threads = k_max_threads,
                              .max_body_bytes = k_webhook_max_body_bytes};
  auto receiver = std::make_shared<const Receiver>(std::move(options), std::move(targets));
  auto server = net::HttpServer::start_plain(
      http, [receiver](const HttpRequest& request, ResponseWriter& out) {
        receiver->handle(request, out);
      });
  if (!server) return std::unexpected(server.error().context("webhook receiver"));
  std::unique_ptr<WebhookServer> webhook(new WebhookServer());
  webhook->m_http = std::move(*server);
  return webhook;
}

WebhookServer::~WebhookServer() {
  stop();
}

int WebhookServer::port() const {
  return m_http->port();
}

void WebhookServer::stop() {
  if (m_http) m_http->stop();
}

}  // namespace plumb::controller
