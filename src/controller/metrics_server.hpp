// /metrics over plain HTTP on 127.0.0.1 (or the host given): the Registry's text exposition for
// Prometheus to scrape. GET or HEAD /metrics only; anything else is 404 or 405.
//
// Thread safety: start from one thread; scrapes are served concurrently (Registry::text is
// thread-safe); stop is idempotent.
#pragma once

#include <memory>
#include <string>

#include "core/error.hpp"
#include "metrics/registry.hpp"
#include "net/http.hpp"

namespace plumb::controller {

struct MetricsServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
};

class MetricsServer {
 public:
  // registry: not owned; outlives the server.
  static Result<std::unique_ptr<MetricsServer>> start(const MetricsServerOptions& options,
                                                      const metrics::Registry& registry);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const;
  void stop();

 private:
  MetricsServer() = default;
  std::unique_ptr<net::HttpServer> m_http;
};

}  // namespace plumb::controller
