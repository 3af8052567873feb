// The reconcilers of Flux's GitRepository and Kustomization objects. Each reads its object,
// does its work (fetch; render → plan → apply → prune → health), and writes the status Flux
// users know (conditions Ready/Reconciling/Stalled, artifact, lastAppliedRevision,
// lastAttemptedRevision, inventory). A failure applies nothing and prunes nothing; the
// message on Ready names the file, object or field.
//
// Thread safety: Reconcilers may be called from several workers at once for different
// objects; the source cache serializes access to each repository.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/error.hpp"
#include "kube/client.hpp"
#include "source/git.hpp"
#include "sync/result.hpp"

namespace plumb::controller {

extern const kube::Resource k_git_repositories;
extern const kube::Resource k_kustomizations;

// The CustomResourceDefinitions of GitRepository and Kustomization, as Plumb installs them
// when missing.
std::vector<Node> flux_crds();

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

struct KustomizationOutcome {
  sync::SyncResult result;
  std::string revision;
};

class Reconcilers {
 public:
  Reconcilers(kube::Client& client, SourceCache& sources) : m_client(client), m_sources(sources) {}

  // Fetches the repository when its remote moved; status.artifact.revision names the commit.
  Result<std::string> reconcile_source(const std::string& ns, const std::string& name);
  // Renders the source's revision at spec.path and syncs it.
  Result<KustomizationOutcome> reconcile_kustomization(const std::string& ns,
                                                       const std::string& name);

 private:
  Result<source::GitAuth> auth_from_secret(const std::string& ns, const std::string& name);
  Result<void> write_status(const kube::Resource& resource, const Node& object, Node status);

  kube::Client& m_client;
  SourceCache& m_sources;
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
