// The clusters Argo CD Applications deploy to, other than the one Plumb runs in: the cluster
// Secrets an application may name (argo/cluster.hpp) and a kube client for each of them.
//
//   std::vector<argo::Cluster> clusters = TRY(registry.clusters(app.namespace_));
//   argo::Cluster cluster = TRY(argo::destination_cluster(name, server, clusters));
//   ClusterConnection to = TRY(registry.connect(cluster));   // not for in-cluster
//
// Where the Secrets are: those labelled `argocd.argoproj.io/secret-type: cluster` in the
// application's namespace, then in `argocd` (Argo CD reads its control-plane namespace only;
// Plumb has none of its own and reads AppProjects the same way; the application's namespace is
// skipped when Plumb may not read its Secrets). They are read from the controller's watch cache
// when it has one (a watch of Secrets per namespace, started on first use), else listed by
// label on every call.
//
// Clients: one per server and Secret, made from the Secret's config (server, CA, client
// certificate, bearer token or basic auth, insecure, TLS server name), and made again when the
// Secret's resourceVersion changes; one whose Secret is gone is dropped. Each has its own watch
// cache: `ClusterConnection::watch` follows a resource on that cluster (cluster-wide, or in each of
// the cluster's namespaces), and every change there is handed to `on_change` (the controller queues
// the application the object's tracking id names). Before a connection is handed out the
// server must answer GET /version (the remote cache may hold what a cluster that went away
// last showed): one caller asks at a time, and a failure is the answer to every caller for
// 10 s, so a cluster that cannot be reached costs its other applications no more than that
// error, and no worker waits on it again meanwhile.
//
// Thread safety: all methods from any thread. on_change runs on a watch thread of the remote
// cluster's cache, without a lock of the registry.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "argo/cluster.hpp"
#include "argo/health.hpp"
#include "core/thread_annotations.hpp"
#include "kube/client.hpp"
#include "kube/watch_cache.hpp"

namespace plumb::controller {

// Where an application's objects live, for one reconcile.
struct ClusterConnection {
  argo::Cluster cluster;
  kube::Client* client = nullptr;           // every read and write of the destination's objects
  const kube::WatchCache* cache = nullptr;  // answers for what it follows; null: none
  // Starts following a resource on the destination (cache); may be empty.
  std::function<void(const kube::Resource&)> watch;
  bool local = true;  // the cluster Plumb runs in (the controller's drift watch serves it)
  // How this reconcile judges the health of those objects: the Lua scripts of the argocd-cm of
  // the application's namespace and of the controller's customization directory, then Argo's
  // built-ins (ApplicationReconciler sets it); empty: the built-ins and the app-of-apps check.
  argo::HealthOverride health;
  std::shared_ptr<const void> keep;  // a remote cluster's client and cache, alive while used
};

class ClusterRegistry {
 public:
  using OnChange = std::function<void(const Node& object)>;
  // local_cache: the controller's (Secrets are watched in it per namespace); null: listed.
  explicit ClusterRegistry(kube::Client& local, kube::WatchCache* local_cache = nullptr,
                           OnChange on_change = {});
  ~ClusterRegistry();
  ClusterRegistry(const ClusterRegistry&) = delete;
  ClusterRegistry& operator=(const ClusterRegistry&) = delete;

  // The clusters an application in app_namespace can name, its namespace's Secrets first.
  Result<std::vector<argo::Cluster>> clusters(std::string_view app_namespace) EXCLUDES(m_mutex);

  // A connection to a registered cluster (not in-cluster, which is the caller's own client):
  // "failed to get cluster info for "SERVER": …" when it cannot be reached.
  Result<ClusterConnection> connect(const argo::Cluster& cluster) EXCLUDES(m_mutex);

  // Ends every remote watch (before what on_change calls goes away).
  void stop() EXCLUDES(m_mutex);

 private:
  struct Remote;

  kube::Client& m_local;
  kube::WatchCache* m_local_cache;
  OnChange m_on_change;
  Mutex m_mutex;
  // By "SECRET SERVER": a server registered in two namespaces has a client for each.
  std::map<std::string, std::shared_ptr<Remote>> m_remotes GUARDED_BY(m_mutex);
  bool m_stopped GUARDED_BY(m_mutex) = false;
};

// The client configuration of a registered cluster's Secret.
kube::RestConfig rest_config(const argo::Cluster& cluster);

}  // namespace plumb::controller
