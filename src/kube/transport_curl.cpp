#include <algorithm>
#include <cctype>
#include <cstring>

#include "core/thread_annotations.hpp"
#include "kube/transport.hpp"
#include "net/curl.hpp"

namespace plumb::kube {
namespace {

using net::CurlEasy;
using Headers = net::CurlHeaders;

struct BodySink {
  CURL* curl = nullptr;
  std::string* body = nullptr;
  const ChunkHandler* on_chunk = nullptr;  // for 2xx bodies when set
  bool stopped = false;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(sink->curl, CURLINFO_RESPONSE_CODE, &status);
  bool streamed = sink->on_chunk && status >= 200 && status < 300;
  if (!streamed) {
    sink->body->append(data, n);
  } else if (!(*sink->on_chunk)(std::string_view(data, n))) {
    sink->stopped = true;
    return 0;  // makes libcurl abort the transfer
  }
  return n;
}

// Notes whether the response carries API Priority and Fairness headers.
size_t read_header(char* data, size_t size, size_t count, void* user) {
  static constexpr std::string_view k_flow_schema = "x-kubernetes-pf-flowschema-uid:";
  size_t n = size * count;
  std::string_view line(data, n);
  if (line.size() >= k_flow_schema.size() &&
      std::equal(k_flow_schema.begin(), k_flow_schema.end(), line.begin(),
                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }))
    *static_cast<bool*>(user) = true;
  return n;
}

int check_cancel(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(flag)->load() ? 1 : 0;
}

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(RestConfig config) : m_config(std::move(config)) {
    net::curl_global_init_once();
  }

  Result<HttpResponse> send(const HttpRequest& request) override {
    HttpResponse response;
    Lease lease(*this);
    BodySink sink{lease.get(), &response.body, nullptr};
    response.status = TRY(perform(request, sink, response.flow_control));
    return response;
  }

  Result<HttpResponse> stream(const HttpRequest& request, const ChunkHandler& on_chunk) override {
    HttpResponse response;
    Lease lease(*this);
    BodySink sink{lease.get(), &response.body, &on_chunk};
    response.status = TRY(perform(request, sink, response.flow_control));
    return response;
  }

 private:
  // An easy handle (and its kept-alive connection) borrowed from the transport's idle ones
  // for one request, or made when none is idle, and given back after it. Shared by every
  // thread: a short-lived thread (a sync's parallel dry runs and applies) reuses an open
  // connection instead of a TLS handshake of its own. Handles are reset before each request.
  class Lease {
   public:
    explicit Lease(CurlTransport& transport) : m_transport(transport) {
      LockGuard lock(transport.m_idle_mutex);
      if (!transport.m_idle.empty()) {
        m_easy = std::move(transport.m_idle.back());
        transport.m_idle.pop_back();
      }
      if (!m_easy) m_easy = CurlEasy(curl_easy_init());
    }
    ~Lease() {
      LockGuard lock(m_transport.m_idle_mutex);
      m_transport.m_idle.push_back(std::move(m_easy));
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    CURL* get() const { return m_easy.get(); }

   private:
    CurlTransport& m_transport;
    CurlEasy m_easy;
  };

  Result<long> perform(const HttpRequest& request, BodySink& sink, bool& flow_control) {
    CURL* curl = sink.curl;
    curl_easy_reset(curl);
    std::string url = m_config.server + request.target;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    char detail[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, request.timeout_seconds);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &flow_control);
    if (request.cancel) {
      curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
      curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, check_cancel);
      curl_easy_setopt(curl, CURLOPT_XFERINFODATA, request.cancel);
    }
    configure_tls(curl);

    Headers headers;
    auto add = [&](const std::string& line) {
      headers.reset(curl_slist_append(headers.release(), line.c_str()));
    };
    add("Accept: " + request.accept);
    add("User-Agent: plumb");
    if (!request.content_type.empty()) add("Content-Type: " + request.content_type);
    if (!m_config.token.empty()) add("Authorization: Bearer " + m_config.token);
    add("Expect:");  // no 100-continue round trip for large bodies
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    if (!m_config.username.empty()) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, m_config.username.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, m_config.password.c_str());
    }

    net::curl_set_method(curl, request.method, request.body);

    CURLcode code = curl_easy_perform(curl);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    bool canceled = code == CURLE_ABORTED_BY_CALLBACK && request.cancel && request.cancel->load();
    if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && sink.stopped) && !canceled) {
      if (code == CURLE_COULDNT_CONNECT) {
        long os_error = 0;
        curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_error);
        return fail(unreachable(os_error != 0 ? std::strerror(int(os_error)) : detail));
      }
      return fail(request.method, " ", m_config.server, request.target, ": ",
                  curl_easy_strerror(code));
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    return status;
  }

  // What a user needs when nothing answers: which server, from which context, and — for a
  // server on this machine, most often a stopped `plumb up` — how to start one.
  std::string unreachable(std::string_view detail) const {
    std::string message = "cannot connect to the API server " + m_config.server;
    if (!m_config.context.empty()) message += " (kubeconfig context \"" + m_config.context + "\")";
    message += ": ";
    message += detail.empty() ? "connection failed" : detail;
    if (on_this_machine(m_config.server)) {
      message +=
          "; is the cluster running? `plumb up` starts one (`plumb cluster` an API "
          "server alone)";
    }
    return message;
  }

  static bool on_this_machine(std::string_view server) {
    size_t scheme = server.find("://");
    std::string_view host = scheme == std::string_view::npos ? server : server.substr(scheme + 3);
    return host.starts_with("127.") || host.starts_with("localhost") || host.starts_with("[::1]");
  }

  void configure_tls(CURL* curl) {
    if (m_config.insecure_skip_tls_verify) {
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!m_config.ca_pem.empty()) {
      curl_blob ca{m_config.ca_pem.data(), m_config.ca_pem.size(), CURL_BLOB_NOCOPY};
      curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &ca);
    }
    if (!m_config.client_cert_pem.empty()) {
      curl_blob cert{m_config.client_cert_pem.data(), m_config.client_cert_pem.size(),
                     CURL_BLOB_NOCOPY};
      curl_blob key{m_config.client_key_pem.data(), m_config.client_key_pem.size(),
                    CURL_BLOB_NOCOPY};
      curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
      curl_easy_setopt(curl, CURLOPT_SSLCERT_BLOB, &cert);
      curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
      curl_easy_setopt(curl, CURLOPT_SSLKEY_BLOB, &key);
    }
  }

  RestConfig m_config;
  Mutex m_idle_mutex;
  std::vector<CurlEasy> m_idle GUARDED_BY(m_idle_mutex);  // handles no request holds
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport(const RestConfig& config) {
  return std::make_unique<CurlTransport>(config);
}

}  // namespace plumb::kube
