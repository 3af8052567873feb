#include "controller/metrics_server.hpp"

namespace plumb::controller {

namespace {

// Scrapes are few (one per interval per Prometheus): a handful of threads is plenty.
constexpr size_t k_max_threads = 8;

void serve(const metrics::Registry& registry, const net::HttpRequest& request,
           net::ResponseWriter& out) {
  if (request.path != "/metrics") return out.send(404, "text/plain", "404 page not found\n");
  if (request.method != "GET" && request.method != "HEAD") {
    out.add_header("Allow", "GET, HEAD");
    return out.send(405, "text/plain", "method not allowed\n");
  }
  std::string text = registry.text();
  out.send(200, metrics::k_text_content_type, request.method == "HEAD" ? "" : text);
}

}  // namespace

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const MetricsServerOptions& options,
                                                            const metrics::Registry& registry) {
  net::HttpServerOptions http{.host = options.host,
                              .port = options.port,
                              .max_threads = k_max_threads,
                              .max_body_bytes = 4096};
  auto server = net::HttpServer::start_plain(
      http, [&registry](const net::HttpRequest& request, net::ResponseWriter& out) {
        serve(registry, request, out);
      });
  if (!server) return std::unexpected(server.error().context("metrics server"));
  std::unique_ptr<MetricsServer> metrics(new MetricsServer());
  metrics->m_http = std::move(*server);
  return metrics;
}

MetricsServer::~MetricsServer() {
  stop();
}

int MetricsServer::port() const {
  return m_http->port();
}

void MetricsServer::stop() {
  if (m_http) m_http->stop();
}

}  // namespace plumb::controller
