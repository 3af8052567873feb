#include "net/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/strings.hpp"
#include "net/curl.hpp"
#include "net/http.hpp"

namespace plumb::net {
namespace {

// Where the system's certificate authorities are, as libcurl was built to find them.
std::string system_ca_bundle() {
  static constexpr const char* k_paths[] = {"/etc/ssl/certs/ca-certificates.crt",
                                            "/etc/pki/tls/certs/ca-bundle.crt",
                                            "/etc/ssl/cert.pem"};
  for (const char* path : k_paths) {
    std::ifstream in(path);
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  return {};
}

struct Sink {
  ClientResponse* response;
  size_t limit;
  bool over_limit = false;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t n = size * count;
  if (sink->response->body.size() + n > sink->limit) {
    sink->over_limit = true;
    return 0;  // makes libcurl abort the transfer
  }
  sink->response->body.append(data, n);
  return n;
}

// libcurl's progress callback (at least once a second, also when idle): non-zero aborts.
int check_cancel(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
}

// Keeps the headers of the last response: a status line (each redirect, each 100 Continue)
// starts a new set.
size_t read_header(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<HeaderList*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  line = trim(line);
  if (line.starts_with("HTTP/")) {
    headers->clear();
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  for (char& c : name)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  headers->emplace_back(std::move(name), std::string(trim(line.substr(colon + 1))));
  return n;
}

// One handle per thread: libcurl keeps its connections (keep-alive) and TLS sessions there;
// connections are only reused for requests with the same TLS settings.
CURL* thread_handle() {
  thread_local CurlEasy handle(curl_easy_init());
  return handle.get();
}

}  // namespace

std::string_view ClientResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (equal_fold(key, name)) return value;
  }
  return {};
}

std::string redact_url(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  size_t start = scheme + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? end : end - start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, start)) + std::string(url.substr(start + at + 1));
}

namespace {

bool has_scheme(std::string_view url) {
  size_t colon = url.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  return std::all_of(url.begin(), url.begin() + colon, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
}

// RFC 3986 5.2.4.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> out;
  bool trailing = false;
  size_t start = path.starts_with('/') ? 1 : 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    bool last = end == path.size();
    if (segment == ".") {
      trailing = last;
    } else if (segment == "..") {
      if (!out.empty()) out.pop_back();
      trailing = last;
    } else {
      out.push_back(segment);
      trailing = false;
    }
    start = end + 1;
  }
  std::string result = path.starts_with('/') ? "/" : "";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0) result += '/';
    result += out[i];
  }
  if (trailing && !result.ends_with('/')) result += '/';
  return result;
}

}  // namespace

std::string url_encode(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += k_hex[byte >> 4];
      out += k_hex[byte & 15];
    }
  }
  return out;
}

std::string resolve_url(std::string_view base, std::string_view reference) {
  reference = reference.substr(0, reference.find('#'));
  base = base.substr(0, base.find('#'));
  if (has_scheme(reference)) return std::string(reference);
  size_t scheme_end = base.find("://");
  if (scheme_end == std::string_view::npos) return std::string(reference);
  std::string_view scheme = base.substr(0, scheme_end);
  size_t path_start = base.find_first_of("/?", scheme_end + 3);
  if (path_start == std::string_view::npos) path_start = base.size();
  std::string_view origin = base.substr(0, path_start);
  std::string_view rest = base.substr(path_start);
  std::string_view base_path = rest.substr(0, rest.find('?'));
  if (reference.starts_with("//")) return std::string(scheme) + ":" + std::string(reference);
  if (reference.empty()) return std::string(base);
  if (reference.starts_with('?'))
    return std::string(origin) + std::string(base_path) + std::string(reference);
  size_t query = reference.find('?');
  std::string_view ref_path = reference.substr(0, query);
  std::string_view ref_query = query == std::string_view::npos ? "" : reference.substr(query);
  std::string merged;
  if (ref_path.starts_with('/')) {
    merged = ref_path;
  } else {
    size_t slash = base_path.rfind('/');
    merged = slash == std::string_view::npos ? "/" : std::string(base_path.substr(0, slash + 1));
    merged += ref_path;
  }
  return std::string(origin) + remove_dot_segments(merged) + std::string(ref_query);
}

std::string describe_status(const ClientRequest& request, const ClientResponse& response) {
  return request.method + " " + redact_url(request.url) + ": " + std::to_string(response.status) +
         " " + std::string(status_text(int(response.status)));
}

HttpClient::HttpClient(ClientOptions options) : m_options(std::move(options)) {
  curl_global_init_once();
  if (!m_options.tls.ca_pem.empty()) {
    m_ca_bundle = system_ca_bundle();
    if (!m_ca_bundle.empty() && m_ca_bundle.back() != '\n') m_ca_bundle += '\n';
    m_ca_bundle += m_options.tls.ca_pem;
  }
}

Result<ClientResponse> HttpClient::send(const ClientRequest& request) const {
  ClientResponse response;
  size_t limit =
      request.max_response_bytes ? request.max_response_bytes : m_options.max_response_bytes;
  Sink sink{&response, limit};
  CURL* curl = thread_handle();
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  char detail[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, long(m_options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, long(m_options.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // what libcurl can decode
  curl_easy_setopt(curl, CURLOPT_USERAGENT, m_options.user_agent.c_str());
  if (!m_options.proxy.empty()) curl_easy_setopt(curl, CURLOPT_PROXY, m_options.proxy.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limit));
  if (request.cancel) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, check_cancel);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA,
                     const_cast<void*>(static_cast<const void*>(request.cancel)));
  }
  if (m_options.redirects == Redirects::follow) {
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  }

  const ClientTls& tls = m_options.tls;
  if (tls.insecure_skip_verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  curl_blob ca{const_cast<char*>(m_ca_bundle.data()), m_ca_bundle.size(), CURL_BLOB_NOCOPY};
  if (!m_ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &ca);
  curl_blob cert{const_cast<char*>(tls.cert_pem.data()), tls.cert_pem.size(), CURL_BLOB_NOCOPY};
  curl_blob key{const_cast<char*>(tls.key_pem.data()), tls.key_pem.size(), CURL_BLOB_NOCOPY};
  if (!tls.cert_pem.empty() && !tls.key_pem.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(curl, CURLOPT_SSLCERT_BLOB, &cert);
    curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
    curl_easy_setopt(curl, CURLOPT_SSLKEY_BLOB, &key);
  }

  // libcurl sends these to the request's host only, never after a redirect elsewhere.
  if (!request.username.empty() || !request.password.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, long(CURLAUTH_BASIC));
    curl_easy_setopt(curl, CURLOPT_USERNAME, request.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, request.password.c_str());
  } else if (!request.bearer_token.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, long(CURLAUTH_BEARER));
    curl_easy_setopt(curl, CURLOPT_XOAUTH2_BEARER, request.bearer_token.c_str());
  }

  CurlHeaders headers;
  auto add = [&](const std::string& line) {
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  };
  for (const auto& [name, value] : request.headers)
    add(name + ": " + value);
  add("Expect:");  // no 100-continue round trip for large bodies
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());

  curl_set_method(curl, request.method, request.body);

  CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  std::string where = request.method + " " + redact_url(request.url);
  if (sink.over_limit || code == CURLE_FILESIZE_EXCEEDED) {
    return fail(where, ": the response is larger than ", std::to_string(limit), " bytes");
  }
  if (code != CURLE_OK) {
    std::string why = curl_easy_strerror(code);
    if (code == CURLE_COULDNT_CONNECT) {
      long os_error = 0;
      curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_error);
      if (os_error != 0) why += std::string(" (") + std::strerror(int(os_error)) + ")";
    } else if (*detail) {
      why += std::string(": ") + detail;
    }
    return fail(where, ": ", why);
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  char* effective = nullptr;
  curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &effective);
  response.url = effective ? effective : request.url;
  return response;
}

}  // namespace plumb::net
