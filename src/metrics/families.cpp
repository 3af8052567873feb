#include "metrics/families.hpp"

namespace plumb::metrics {

namespace {

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// controller-runtime's: 10ns to 1000s, by tens.
std::vector<double> queue_buckets() {
  return exponential_buckets(10e-9, 10, 12);
}

}  // namespace

QueueMetrics::QueueMetrics(Registry& registry, const std::string& queue)
    : m_depth(
          registry.gauge("workqueue_depth", "Current depth of workqueue", {"name"}).with({queue})),
      m_adds(registry
                 .counter("workqueue_adds_total", "Total number of adds handled by workqueue",
                          {"name"})
                 .with({queue})),
      m_queue_duration(registry
                           .histogram("workqueue_queue_duration_seconds",
                                      "How long in seconds an item stays in workqueue before "
                                      "being requested",
                                      {"name"}, queue_buckets())
                           .with({queue})),
      m_work_duration(registry
                          .histogram("workqueue_work_duration_seconds",
                                     "How long in seconds processing an item from workqueue takes.",
                                     {"name"}, queue_buckets())
                          .with({queue})),
      m_retries(registry
                    .counter("workqueue_retries_total",
                             "Total number of retries handled by workqueue", {"name"})
                    .with({queue})) {}

void QueueMetrics::added(size_t depth) {
  m_adds.inc();
  m_depth.set(double(depth));
}

void QueueMetrics::taken(size_t depth, std::chrono::steady_clock::duration waited) {
  m_depth.set(double(depth));
  m_queue_duration.observe(seconds(waited));
}

void QueueMetrics::finished(std::chrono::steady_clock::duration worked) {
  m_work_duration.observe(seconds(worked));
}

void QueueMetrics::retried() {
  m_retries.inc();
}

RestClientMetrics::RestClientMetrics(Registry& registry)
    : m_duration(registry.histogram("rest_client_request_duration_seconds",
                                    "Request latency in seconds. Broken down by verb.", {"verb"},
                                    {0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60})),
      m_requests(registry.counter("rest_client_requests_total",
                                  "Number of HTTP requests, partitioned by status code and method.",
                                  {"code", "method"})) {}

void RestClientMetrics::record(std::string_view method, long status,
                               std::chrono::steady_clock::duration took) {
  std::string verb(method);
  m_duration.with({verb}).observe(seconds(took));
  m_requests.with({status > 0 ? std::to_string(status) : "<error>", verb}).inc();
}

DeliveryMetrics::DeliveryMetrics(Registry& registry)
    : m_deliveries(registry.counter("plumb_notification_deliveries_total",
                                    "Notifications delivered to providers, by provider type and "
                                    "result (success, failure).",
                                    {"provider_type", "result"})) {}

void DeliveryMetrics::record_delivery(std::string_view provider_type, bool ok) {
  m_deliveries.with({std::string(provider_type), ok ? "success" : "failure"}).inc();
}

}  // namespace plumb::metrics
