// The reconcilers of Flux's GitRepository and Kustomization objects. Each reads its object,
// does its work (fetch; render → plan → apply → prune → health), and writes the status Flux
// users know (conditions Ready/Reconciling/Stalled, artifact, lastAppliedRevision,
// lastAttemptedRevision, inventory). A failure applies nothing and prunes nothing; the
// message on Ready names the file, object or field.
//
// Thread safety: Reconcilers may be called from several workers at once for different
// objects; the source cache serializes access to each repository.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "controller/flux_types.hpp"
#include "controller/render_cache.hpp"
#include "core/error.hpp"
#include "kube/client.hpp"
#include "kube/watch_cache.hpp"
#include "source/git.hpp"
#include "sync/plan.hpp"
#include "sync/result.hpp"

namespace plumb::controller {

extern const kube::Resource k_git_repositories;
extern const kube::Resource k_kustomizations;

// The CustomResourceDefinitions of GitRepository and Kustomization, as Plumb installs them
// when missing.
std::vector<Node> flux_crds();

// Installs the two CRDs when the cluster lacks them.
Result<void> install_flux_crds(kube::Client& client);

// Bare repository caches, one per URL, shared by the reconcilers.
class SourceCache {
 public:
  explicit SourceCache(std::string dir) : m_dir(std::move(dir)) {}
  // Runs fn with the source of url locked for this thread.
  template <typename Fn>
  auto with(const std::string& url, Fn&& fn) -> decltype(fn(std::declval<source::GitSource&>()));

 private:
  struct Entry {
    std::mutex mutex;
    std::optional<source::GitSource> source;
  };
  std::string m_dir;
  std::mutex m_mutex;
  std::map<std::string, std::unique_ptr<Entry>> m_entries;
};

// What a Kustomization reconcile did. With HealthWait::deferred and objects to judge, the
// status is left Ready=Unknown ("Progressing") and health_targets say what the caller must
// watch before calling finish_kustomization — unless the sync wrote nothing and the cache
// already shows every target Current: then Ready=True is written at once and health_targets
// is empty.
struct KustomizationOutcome {
  sync::SyncResult result;
  std::string revision;
  bool suspended = false;
  bool render_reused = false;  // the revision's tree held the same inputs: not rendered again
  sync::Plan plan;             // what was applied
  std::vector<sync::PlannedObject> health_targets;  // spec.wait: all; else spec.healthChecks
  std::chrono::milliseconds timeout{0};
};

// Whether reconcile_kustomization waits for health itself (one-shot runs) or hands the wait
// to the caller (the controller, so that waiting holds no worker).
enum class HealthWait : bool { inline_wait, deferred };

// Called after a Kustomization's objects were applied and before anything is pruned: the
// controller moves its drift watch to the new set here, so a prune is not taken for drift.
using AppliedHook =
    std::function<void(const std::string& ns, const std::string& name, const sync::Plan& plan)>;

// The annotation `flux reconcile` sets; status.lastHandledReconcileAt echoes it when done.
inline constexpr std::string_view k_requested_at = "reconcile.fluxcd.io/requestedAt";

class Reconcilers {
 public:
  // With a cache (the controller's watches), Flux objects and the live objects of the
  // resources it follows are read from it instead of being fetched; a Flux object whose
  // status this reconciler wrote is read from the cache only once the cache holds that write.
  Reconcilers(kube::Client& client, SourceCache& sources, AppliedHook on_applied = {},
              const kube::WatchCache* cache = nullptr)
      : m_client(client), m_sources(sources), m_on_applied(std::move(on_applied)), m_cache(cache) {}

  // Fetches the repository when its remote moved; status.artifact.revision names the commit.
  Result<std::string> reconcile_source(const std::string& ns, const std::string& name);
  // Renders the source's revision at spec.path and syncs it.
  Result<KustomizationOutcome> reconcile_kustomization(
      const std::string& ns, const std::string& name,
      HealthWait health_wait = HealthWait::inline_wait, std::string* failure_reason = nullptr);
  // Ends a deferred health wait: Ready=True, or Ready=False (HealthCheckFailed) with
  // health_error.
  // What Flux does when a Kustomization with prune: true is deleted: deletes every object of
  // its last inventory (`object` is the Kustomization as it was last seen).
  Result<sync::SyncResult> garbage_collect(const Node& object);
  Result<void> finish_kustomization(const std::string& ns, const std::string& name,
                                    const KustomizationOutcome& outcome,
                                    const std::string& health_error);

 private:
  Result<source::GitAuth> auth_from_secret(const std::string& ns, const std::string& name);
  Result<void> write_status(const kube::Resource& resource, const Node& object, Node status);
  // True when the sync wrote nothing and the cache shows every health target Current.
  bool healthy_without_changes(const KustomizationOutcome& outcome) const;
  // A Flux object, from the cache when it is fresh enough (see the constructor), else GET.
  Result<std::optional<Node>> read(const kube::Resource& resource, const std::string& ns,
                                   const std::string& name);

  Result<std::vector<sync::PlannedObject>> health_targets(const KustomizationSpec& spec,
                                                          const std::string& ns,
                                                          const sync::Plan& plan);

  kube::Client& m_client;
  SourceCache& m_sources;
  AppliedHook m_on_applied;
  RenderCache m_renders;
  const kube::WatchCache* m_cache;
  std::mutex m_written_mutex;
  // The resourceVersion of the last status written, by "plural/namespace/name".
  std::map<std::string, std::string> m_written;
};

template <typename Fn>
auto SourceCache::with(const std::string& url, Fn&& fn)
    -> decltype(fn(std::declval<source::GitSource&>())) {
  Entry* entry;
  {
    std::lock_guard lock(m_mutex);
    auto& slot = m_entries[url];
    if (!slot) slot = std::make_unique<Entry>();
    entry = slot.get();
  }
  std::lock_guard lock(entry->mutex);
  if (!entry->source) {
    auto opened = source::GitSource::open(m_dir, url);
    if (!opened) return std::unexpected(opened.error());
    entry->source.emplace(std::move(*opened));
  }
  return fn(*entry->source);
}

}  // namespace plumb::controller
