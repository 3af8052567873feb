// A Kubernetes API client: REST mapping from discovery, get/list/apply/delete/watch, retries
// with backoff on 429, 5xx and dropped connections, and a client-side rate limit.
//
// Failed calls return an Error whose code() is the HTTP status (404, 409, 422 ...) and whose
// message is the API server's own, prefixed with the object it concerns.
// Thread safety: all methods may be called from several threads. No lock is held during a
// request: discovery is made by one caller at a time, outside the lock, while callers whose
// kind is in the cache are answered at once and those that need the discovery in flight wait
// for it (without holding the lock).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"
#include "core/thread_annotations.hpp"
#include "kube/kubeconfig.hpp"
#include "kube/transport.hpp"

namespace plumb::metrics {
class RestClientMetrics;
}

namespace plumb::kube {

// A served resource: what discovery says about a kind.
struct Resource {
  std::string group;  // "" for the core group
  std::string version;
  std::string kind;
  std::string name;  // plural, e.g. "deployments"
  bool namespaced = false;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
};

// The path of a collection or object of a resource: /api/v1/namespaces/ns/pods[/name].
std::string resource_path(const Resource& resource, std::string_view ns, std::string_view name);

// Splits "apps/v1" into {"apps", "v1"} and "v1" into {"", "v1"}.
std::pair<std::string_view, std::string_view> split_api_version(std::string_view api_version);

enum class Force : bool { no, yes };
enum class DryRun : bool { no, yes };
enum class Propagation { background, foreground, orphan };

// What an API server that does flow control itself does to the client-side rate limit.
enum class ServerFlowControl {
  lifts_limit,  // no client-side limit once an answer shows it (Flux, controller-runtime)
  ignored,      // the limit stays (it was asked for explicitly)
};

struct ClientOptions {
  double qps = 500;  // sustained requests per second; 0: no limit
  int burst = 1000;
  // The client-side limit protects API servers without flow control. One that answers with
  // API Priority and Fairness headers queues and rejects (429, retried) on its own, and the
  // client-side limit would only slow a controller's necessary writes.
  ServerFlowControl server_flow_control = ServerFlowControl::lifts_limit;
  int max_retries = 5;
  std::chrono::milliseconds first_backoff{100};
};

// Request counters by verb, for benchmarks and tests ("no write request" on a no-op sync).
struct RequestCounts {
  std::atomic<uint64_t> reads{0};   // GET (get, list, discovery)
  std::atomic<uint64_t> writes{0};  // apply, create, update, delete without dryRun
  std::atomic<uint64_t> dry_runs{0};
  std::atomic<uint64_t> watches{0};
  std::atomic<uint64_t> retries{0};
};

// One watch event: type ADDED, MODIFIED, DELETED, BOOKMARK or ERROR, and the object.
struct WatchEvent {
  std::string type;
  Node object;
};

class Client {
 public:
  Client(RestConfig config, std::unique_ptr<Transport> transport, ClientOptions options = {});
  static Result<std::unique_ptr<Client>> connect(const KubeconfigOptions& options,
                                                 ClientOptions client_options = {});

  const RestConfig& config() const { return m_config; }
  const RequestCounts& counts() const { return m_counts; }
  // Where each request's latency and status go (client-go's rest_client_* metrics); not
  // owned, null for none. May be set or cleared while requests run.
  void set_metrics(metrics::RestClientMetrics* metrics) { m_metrics = metrics; }
  // True once an answer showed the server does flow control (and the limit was lifted).
  bool rate_limit_lifted() const { return m_limit_lifted; }

  // The resource serving apiVersion/kind; discovery is read on first use and read again once
  // when a kind is unknown (it may come from a CRD created since). 404 when not served.
  Result<Resource> resource_for(std::string_view api_version, std::string_view kind)
      EXCLUDES(m_discovery_mutex);
  // The resource serving group/kind in the version discovery lists first (the preferred one).
  Result<Resource> resource_for_group_kind(std::string_view group, std::string_view kind)
      EXCLUDES(m_discovery_mutex);
  // Forgets the discovery cache (after CRDs were created): a discovery in flight does not
  // count either.
  void invalidate_discovery() EXCLUDES(m_discovery_mutex);

  // The object, or nullopt when it does not exist.
  Result<std::optional<Node>> get(const Resource& resource, std::string_view ns,
                                  std::string_view name);
  // All objects (following continue tokens); ns "" means all namespaces. Returns the List
  // object with its `items` and `metadata.resourceVersion`.
  Result<Node> list(const Resource& resource, std::string_view ns,
                    std::string_view label_selector = {});
  // Server-side apply of a whole object; returns the object the server holds after it.
  Result<Node> apply(const Resource& resource, const Node& object, std::string_view field_manager,
                     Force force, DryRun dry_run);
  // Server-side apply of an object's status (the status subresource).
  Result<Node> apply_status(const Resource& resource, const Node& object,
                            std::string_view field_manager);
  // Deletes; an object already gone is success (returns false).
  Result<bool> remove(const Resource& resource, std::string_view ns, std::string_view name,
                      Propagation propagation = Propagation::background);
  // Watches from a resourceVersion until on_event returns false or the server ends the
  // stream; returns the last resourceVersion seen. A 410 Gone is an Error with code 410.
  Result<std::string> watch(const Resource& resource, std::string_view ns,
                            std::string_view resource_version,
                            const std::function<bool(const WatchEvent&)>& on_event,
                            long timeout_seconds = 300, const std::atomic<bool>* cancel = nullptr);

  // A raw request with retries and rate limiting; the body parsed as JSON. Non-2xx → Error.
  Result<Node> request(HttpRequest request, std::string_view what);

 private:
  // Asks the API server which resources it serves (several requests).
  Result<std::vector<Resource>> discover() EXCLUDES(m_discovery_mutex);
  Result<Resource> find_resource(const std::function<bool(const Resource&)>& match,
                                 std::string_view what) EXCLUDES(m_discovery_mutex);
  Result<HttpResponse> send_with_retries(const HttpRequest& request);
  void wait_for_rate_limit() EXCLUDES(m_rate_mutex);

  RestConfig m_config;
  std::unique_ptr<Transport> m_transport;
  ClientOptions m_options;
  RequestCounts m_counts;
  std::atomic<metrics::RestClientMetrics*> m_metrics{nullptr};

  // Discoveries are numbered in the order they start; one runs at a time.
  Mutex m_discovery_mutex;
  CondVar m_discovery_done;  // a discovery finished (m_discovering became false)
  std::shared_ptr<const std::vector<Resource>> m_resources GUARDED_BY(m_discovery_mutex);
  uint64_t m_resources_from GUARDED_BY(m_discovery_mutex) = 0;  // its discovery; 0: none
  uint64_t m_valid_from GUARDED_BY(m_discovery_mutex) = 1;      // older ones were invalidated
  uint64_t m_discoveries GUARDED_BY(m_discovery_mutex) = 0;     // started so far
  bool m_discovering GUARDED_BY(m_discovery_mutex) = false;
  uint64_t m_failed_from GUARDED_BY(m_discovery_mutex) = 0;  // the last failed discovery
  std::optional<Error> m_discovery_error GUARDED_BY(m_discovery_mutex);  // and its error

  std::atomic<bool> m_limit_lifted{false};
  Mutex m_rate_mutex;
  double m_tokens GUARDED_BY(m_rate_mutex) = 0;
  std::chrono::steady_clock::time_point m_last_refill GUARDED_BY(m_rate_mutex);
};

// The Error for a failed API response, from its Status body when there is one.
Error api_error(const HttpResponse& response, std::string_view what);

}  // namespace plumb::kube
