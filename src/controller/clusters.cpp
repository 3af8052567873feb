#include "controller/clusters.hpp"

#include <algorithm>

#include "controller/application.hpp"

namespace plumb::controller {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

const kube::Resource k_secrets{"", "v1", "Secret", "secrets", true};
// How long a cluster that did not answer GET /version is taken as unreachable by every
// application of it. An answer is not reused: the watch cache of a cluster that went away
// still holds what it last saw.
constexpr auto k_unreachable_for = 10s;
// A cluster that does not answer is given up sooner than the cluster Plumb runs in: one
// request is retried twice, not five times.
constexpr int k_remote_retries = 2;

}  // namespace

kube::RestConfig rest_config(const argo::Cluster& cluster) {
  kube::RestConfig config;
  config.server = cluster.server;
  config.ca_pem = cluster.config.ca_pem;
  config.client_cert_pem = cluster.config.cert_pem;
  config.client_key_pem = cluster.config.key_pem;
  config.token = cluster.config.bearer_token;
  config.username = cluster.config.username;
  config.password = cluster.config.password;
  config.insecure_skip_tls_verify = cluster.config.insecure;
  config.tls_server_name = cluster.config.server_name;
  return config;
}

struct ClusterRegistry::Remote {
  Remote(argo::Cluster c, kube::ClientOptions options)
      : cluster(std::move(c)),
        client(rest_config(cluster), kube::make_curl_transport(rest_config(cluster)), options),
        cache(client) {}
  ~Remote() { cache.stop(); }

  // Follows a resource where the cluster is managed: everywhere, or in each of its namespaces
  // (cluster-scoped kinds only with clusterResources), as Argo's cluster cache lists them. A
  // watch that cannot start leaves reads to the client.
  void watch(const kube::Resource& resource) {
    if (cluster.namespaces.empty() || (!resource.namespaced && cluster.cluster_resources)) {
      (void)cache.watch(resource);
      return;
    }
    if (!resource.namespaced) return;
    for (const std::string& ns : cluster.namespaces)
      (void)cache.watch(resource, ns);
  }

  Result<void> reachable() EXCLUDES(probe_mutex) {
    LockGuard lock(probe_mutex);
    if (!probe_error || Clock::now() - probed_at >= k_unreachable_for) {
      auto answer =
          client.request(kube::HttpRequest{.target = "/version", .timeout_seconds = 10}, "version");
      probed_at = Clock::now();
      probe_error.reset();
      if (!answer) probe_error = std::move(answer).error();
    }
    if (probe_error)
      return fail("failed to get cluster info for \"", cluster.server,
                  "\": ", probe_error->message());
    return {};
  }

  const argo::Cluster cluster;
  kube::Client client;
  kube::WatchCache cache;  // after client: stopped and destroyed first
  Mutex probe_mutex;
  Clock::time_point probed_at GUARDED_BY(probe_mutex);
  std::optional<Error> probe_error GUARDED_BY(probe_mutex);
};

ClusterRegistry::ClusterRegistry(kube::Client& local, kube::WatchCache* local_cache,
                                 OnChange on_change)
    : m_local(local), m_local_cache(local_cache), m_on_change(std::move(on_change)) {}

ClusterRegistry::~ClusterRegistry() {
  stop();
}

void ClusterRegistry::stop() {
  std::map<std::string, std::shared_ptr<Remote>> remotes;
  {
    LockGuard lock(m_mutex);
    m_stopped = true;
    remotes.swap(m_remotes);
  }
  for (auto& [server, remote] : remotes)
    remote->cache.stop();
}

Result<std::vector<argo::Cluster>> ClusterRegistry::clusters(std::string_view app_namespace) {
  std::vector<std::string> namespaces;
  if (!app_namespace.empty()) namespaces.emplace_back(app_namespace);
  if (app_namespace != k_argo_namespace) namespaces.emplace_back(k_argo_namespace);
  std::vector<Node> secrets;
  std::vector<std::string_view> read;  // the namespaces whose Secrets were read
  for (const std::string& ns : namespaces) {
    if (m_local_cache && m_local_cache->watch(k_secrets, ns)) {
      for (Node& s : m_local_cache->list(k_secrets, ns))
        secrets.push_back(std::move(s));
      read.push_back(ns);
      continue;
    }
    std::string selector =
        std::string(argo::k_secret_type_label) + "=" + std::string(argo::k_secret_type_cluster);
    auto list = m_local.list(k_secrets, ns, selector);
    // Argo CD's own namespace must be readable; the application's is Plumb's addition, read
    // when Plumb may.
    if (!list && ns != k_argo_namespace) continue;
    if (!list) return std::unexpected(list.error());
    if (const Node* items = list->find("items"); items && items->is_list())
      for (const Node& s : items->items())
        secrets.push_back(s);
    read.push_back(ns);
  }
  std::vector<argo::Cluster> out = argo::clusters_of(secrets);
  // Clients made for a Secret of these namespaces that is gone or changed are dropped (and
  // their watches ended, outside the lock).
  std::vector<std::shared_ptr<Remote>> dropped;
  {
    LockGuard lock(m_mutex);
    std::erase_if(m_remotes, [&](const auto& entry) {
      const argo::Cluster& made = entry.second->cluster;
      std::string_view secret_ns = std::string_view(made.secret).substr(0, made.secret.find('/'));
      if (std::find(read.begin(), read.end(), secret_ns) == read.end()) return false;
      bool current = std::any_of(out.begin(), out.end(), [&](const argo::Cluster& c) {
        return c.secret == made.secret && c.resource_version == made.resource_version &&
               c.server == made.server;
      });
      if (!current) dropped.push_back(entry.second);
      return !current;
    });
  }
  dropped.clear();
  return out;
}

Result<ClusterConnection> ClusterRegistry::connect(const argo::Cluster& cluster) {
  if (cluster.invalid) return std::unexpected(*cluster.invalid);
  std::shared_ptr<Remote> remote;
  std::shared_ptr<Remote> replaced;
  {
    LockGuard lock(m_mutex);
    if (m_stopped) return fail("cluster ", cluster.server, ": the controller is stopping");
    // One per server and Secret (two namespaces may register one server each their way).
    std::shared_ptr<Remote>& slot = m_remotes[cluster.secret + " " + cluster.server];
    if (!slot || slot->cluster.resource_version != cluster.resource_version) {
      replaced = std::move(slot);
      kube::ClientOptions options;
      options.max_retries = k_remote_retries;
      slot = std::make_shared<Remote>(cluster, options);
      if (m_on_change)
        slot->cache.subscribe(
            [on_change = m_on_change](const kube::WatchEvent& event, const kube::Resource&) {
              on_change(event.object);
            });
    }
    remote = slot;
  }
  replaced.reset();  // its watches end here, outside the lock
  TRY_VOID(remote->reachable());
  ClusterConnection out;
  out.cluster = remote->cluster;
  out.client = &remote->client;
  out.cache = &remote->cache;
  out.watch = [r = remote.get()](const kube::Resource& resource) { r->watch(resource); };
  out.local = false;
  out.keep = remote;
  return out;
}

}  // namespace plumb::controller
