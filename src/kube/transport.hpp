// The HTTP seam between the Kubernetes client and the network. CurlTransport speaks HTTPS to
// a real API server (libcurl, connections kept alive per thread); tests may pass their own.
//
// Thread safety: send() and stream() may be called from several threads at once.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "kube/kubeconfig.hpp"

namespace plumb::kube {

struct HttpRequest {
  std::string method = "GET";
  std::string target;  // path and query, e.g. /api/v1/namespaces/default/pods?limit=500
  std::string body;
  std::string content_type;  // of the body
  std::string accept = "application/json";
  long timeout_seconds = 60;  // 0: none (watches)
  // When set, the request is abandoned soon (within about a second) after it becomes true;
  // for watches that must stop when their owner does.
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  // The server classified the request for API Priority and Fairness (it answered with an
  // X-Kubernetes-PF-FlowSchema-UID header): it does flow control itself.
  bool flow_control = false;
};

// Called with each piece of a streamed body as it arrives; return false to stop reading.
using ChunkHandler = std::function<bool(std::string_view chunk)>;

class Transport {
 public:
  virtual ~Transport() = default;
  // A transport error (connection refused, TLS failure, timeout) is an Error; any HTTP
  // status, 5xx included, is a response.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
  // For watches: a 2xx body is passed to on_chunk as it comes (the returned body is empty);
  // any other body is returned whole.
  virtual Result<HttpResponse> stream(const HttpRequest& request, const ChunkHandler& on_chunk) = 0;
};

std::unique_ptr<Transport> make_curl_transport(const RestConfig& config);

}  // namespace plumb::kube
