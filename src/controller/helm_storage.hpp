// Helm's release storage (helm v4.1.4 pkg/storage over the Secrets driver) on Plumb's API
// client: the records `helm list`, `helm history` and `helm get` read, written and read as
// Helm writes and reads them (helm/release.hpp), so a release Plumb installs is one Helm can
// upgrade or uninstall, and a release Helm installed is one Plumb can adopt.
//
// Records are Secrets in the release's namespace, found by the labels owner=helm and
// name=NAME. Writes are plain creates (a revision that exists is a 409 Error, as Helm's
// ErrReleaseExists) and updates, in Helm's order: a new revision is created pending, and only
// once its objects are applied are the older deployed revisions superseded and it marked
// deployed (or failed).
//
// Thread safety: a HelmStorage may be used from several threads (the client is); two writers
// of one release are not coordinated beyond the 409 on a revision both create.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/object_ref.hpp"
#include "core/time.hpp"
#include "helm/release.hpp"
#include "kube/client.hpp"

namespace plumb::controller {

enum class KeepHistory : bool { no, yes };

struct HelmStorageOptions {
  // Helm's --history-max (Flux's spec.maxHistory): before a revision is created, the oldest
  // ones are deleted so that at most this many remain with it, never the newest deployed one.
  // 0: no limit.
  int max_history = 0;
  // Where the records are (Flux's spec.storageNamespace); "": each release's own namespace,
  // as Helm stores them.
  std::string storage_namespace;
};

class HelmStorage {
 public:
  explicit HelmStorage(kube::Client& client, HelmStorageOptions options = {})
      : m_client(client), m_options(options) {}

  // Every revision of the release, oldest first (empty when there is none). Records that do
  // not decode are left out, as Helm's driver leaves them out.
  Result<std::vector<helm::Release>> history(std::string_view ns, std::string_view name);
  // The newest revision, whatever its status.
  Result<std::optional<helm::Release>> latest(std::string_view ns, std::string_view name);
  // The newest deployed revision (what `helm get` shows and an upgrade starts from).
  Result<std::optional<helm::Release>> deployed(std::string_view ns, std::string_view name);

  // The record of one revision: created (409 when it exists; the history pruned to
  // max_history first) or replaced.
  Result<void> create(const helm::Release& release, SystemTime now);
  Result<void> update(const helm::Release& release, SystemTime now);

  // Install or upgrade, first step: `release` becomes the revision after the newest one,
  // pending-install (the first) or pending-upgrade, first_deployed carried over from the
  // revision before, last_deployed now; stored and returned.
  Result<helm::Release> begin_revision(helm::Release release, SystemTime now);
  // Last step, once the objects are applied: with `status` deployed, every older deployed
  // revision becomes superseded; the revision gets `status` and `description` ("Install
  // complete", "Upgrade complete" in Helm's words).
  Result<void> finish_revision(helm::Release& release, helm::ReleaseStatus status,
                               std::string_view description, SystemTime now);

  // Helm's uninstall, its bookkeeping part: the records are deleted, or with KeepHistory::yes
  // the newest is marked uninstalled ("Uninstallation complete", info.deleted now).
  // Returns false when there was no release.
  Result<bool> uninstall(std::string_view ns, std::string_view name, KeepHistory keep,
                         SystemTime now);

 private:
  Result<kube::Resource> secrets();
  std::string storage_namespace(const helm::Release& release) const;
  // Storage.removeLeastRecent: oldest first, the newest deployed revision spared.
  Result<void> remove_least_recent(std::string_view ns, std::string_view name, size_t keep);

  kube::Client& m_client;
  HelmStorageOptions m_options;
};

// The objects a stored revision applied, by reference (its namespace filled in where the
// kind is namespaced); kinds the cluster no longer serves are left out.
Result<std::vector<ObjectRef>> manifest_refs(kube::Client& client, const helm::Release& release);

}  // namespace plumb::controller
