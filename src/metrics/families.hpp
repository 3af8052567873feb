// The families that modules below the controller record into, named as the Go projects whose
// dashboards people already have name them: controller-runtime's work queue metrics, client-go's
// REST client metrics, and notification deliveries.
//
// Each struct registers its families in a Registry (or finds them there) and holds references
// to them; it lives no longer than that Registry.
//
// Thread safety: every method may be called from any thread (the series are atomics).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "metrics/registry.hpp"

namespace plumb::metrics {

// controller-runtime's workqueue_* metrics of one queue (label name=<queue>).
class QueueMetrics {
 public:
  QueueMetrics(Registry& registry, const std::string& queue);

  // A key was queued (depth: how many wait now).
  void added(size_t depth);
  // A worker took a key that waited `waited`.
  void taken(size_t depth, std::chrono::steady_clock::duration waited);
  // A worker finished a key it held for `worked`.
  void finished(std::chrono::steady_clock::duration worked);
  // A key was queued again after a failure.
  void retried();

 private:
  Gauge& m_depth;
  Counter& m_adds;
  Histogram& m_queue_duration;
  Histogram& m_work_duration;
  Counter& m_retries;
};

// client-go's rest_client_request_duration_seconds{verb} and rest_client_requests_total
// {code,method}, for every request the Kubernetes client sends.
class RestClientMetrics {
 public:
  explicit RestClientMetrics(Registry& registry);

  // status: the HTTP status, 0 when no answer came (code "<error>", as client-go says it).
  void record(std::string_view method, long status, std::chrono::steady_clock::duration took);

 private:
  HistogramFamily& m_duration;
  CounterFamily& m_requests;
};

// plumb_notification_deliveries_total{provider_type,result}: one per delivery attempt's end.
class DeliveryMetrics {
 public:
  explicit DeliveryMetrics(Registry& registry);
  void record_delivery(std::string_view provider_type, bool ok);

 private:
  CounterFamily& m_deliveries;
};

}  // namespace plumb::metrics
