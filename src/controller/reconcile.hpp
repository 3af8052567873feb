// The reconcilers of Flux's GitRepository and Kustomization objects. A reconcile is a script
// of steps that returns an Outcome (controller/outcome.hpp); write_status turns it into the
// status Flux users know (controller/status.hpp). A Kustomization's steps after render are
// the shared Pipeline (controller/pipeline.hpp). A failure applies nothing and prunes
// nothing; the message on Ready names the file, object or field.
//
// Thread safety: Reconcilers may be called from several workers at once for different
// objects; the source cache serializes access to each repository.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "controller/decryption.hpp"
#include "controller/flux_types.hpp"
#include "controller/helm_drift.hpp"
#include "controller/helmrelease_types.hpp"
#include "controller/helmrepository.hpp"
#include "controller/outcome.hpp"
#include "controller/pipeline.hpp"
#include "controller/render_cache.hpp"
#include "core/error.hpp"
#include "core/fs.hpp"
#include "kube/client.hpp"
#include "kube/watch_cache.hpp"
#include "source/git.hpp"
#include "source/helm_index.hpp"
#include "sync/plan.hpp"
#include "sync/result.hpp"

namespace plumb::controller {

extern const kube::Resource k_git_repositories;
extern const kube::Resource k_kustomizations;
extern const kube::Resource k_helm_releases;  // helmrelease.cpp

// The CustomResourceDefinitions of GitRepository, Kustomization and HelmRelease, as Plumb installs
// them when missing, with Flux's printer columns (kubectl get shows READY and STATUS).
std::vector<Node> flux_crds();

// Installs the CRDs when the cluster lacks them, and brings up to date those an earlier
// Plumb installed (without printer columns, say); CRDs another tool installed are left alone.
Result<void> install_flux_crds(kube::Client& client);
// The same for any CRDs Plumb serves (Argo CD's: argo/crds.hpp).
Result<void> install_crds(kube::Client& client, const std::vector<Node>& definitions);

// Bare repository caches, one per URL, shared by the reconcilers.
class SourceCache {
 public:
  explicit SourceCache(std::string dir) : m_dir(std::move(dir)) {}
  const std::string& dir() const { return m_dir; }
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

// The finalizer Flux puts on its objects: a Kustomization with prune: true is deleted only
// after the objects of its inventory are. Added and removed with JSON patches that test the
// object's uid (never an apply, which would create an object deleted meanwhile).
inline constexpr std::string_view k_finalizer = "finalizers.fluxcd.io";
bool holds_finalizer(const Node& object);
// An annotation that lets a Kustomization's render be empty although its inventory is not
// (which would prune everything).
inline constexpr std::string_view k_allow_empty_annotation = "plumb.dev/allow-empty";

// The Target a Kustomization applies to: its owner labels, inventory and options.
Target kustomization_target(const Node& object, const KustomizationSpec& spec);

// The Target a HelmRelease applies to: helm-controller's labels, the release namespace, the
// objects of the revision it replaces as inventory (pruned when the new one lacks them),
// every object waited for (spec.timeout, 5 minutes by default); drift watched as
// spec.driftDetection says, the fields `ignore` names left to the cluster.
Target helm_release_target(const Node& object, const HelmReleaseSpec& spec,
                           std::vector<ObjectRef> inventory,
                           std::shared_ptr<const DriftIgnore> ignore = nullptr);
// "main@sha1:abc" or "sha1:abc" → "abc".
std::string commit_of(std::string_view revision);
// What a reconcile of the Kustomization `object` builds from the source tree `tree` (Flux's
// build step): spec.path rendered with the overlay fields, encrypted sources and objects
// decrypted (spec.decryption; `sops_age_secret` is the controller-wide age Secret), variables
// substituted (spec.postBuild) — before the pipeline labels and applies them.
Result<std::vector<Node>> kustomization_objects(
    kube::Client& client, const Node& object, const KustomizationSpec& spec, const FileSystem& tree,
    const std::optional<NamespacedName>& sops_age_secret = {});

// What a reconcile of the Kustomization `object` would apply, and prune, if the files at its
// spec.path were those of the directory `dir` of `tree` (`plumb diff ks NAME --path DIR`, as
// `flux diff ks`): rendered with its overlay fields and labelled as a reconcile labels them.
// Fails on a field Plumb refuses (as the reconcile does), a render error or an unknown kind.
struct Preview {
  sync::Plan plan;
  std::vector<sync::PlannedObject> pruned;  // live objects of its inventory gone from the render
};
Result<Preview> preview_kustomization(kube::Client& client, const Node& object,
                                      const FileSystem& tree, std::string_view dir);

class Reconcilers {
 public:
  // With a cache (the controller's watches), Flux objects and the live objects of the
  // resources it follows are read from it instead of being fetched; a Flux object whose
  // status this reconciler wrote is read from the cache only once the cache holds that write.
  Reconcilers(kube::Client& client, SourceCache& sources, AppliedHook on_applied = {},
              const kube::WatchCache* cache = nullptr)
      : m_client(client),
        m_sources(sources),
        m_cache(cache),
        m_pipeline(client, cache, std::move(on_applied)) {}

  // The controller-wide age key Secret (Flux's --sops-age-secret): Kustomizations with
  // spec.decryption but no secretRef decrypt with its `*.agekey` entries. Set before any
  // reconcile runs.
  void set_sops_age_secret(NamespacedName secret) { m_sops_age_secret = std::move(secret); }
  // Syncs record each changed object's diff (the journal's); set before any reconcile runs.
  void set_record_diffs(bool on) { m_pipeline.set_record_diffs(on); }

  // A Flux object: from the cache when it is fresh enough (see the constructor), else GET.
  Result<std::optional<Node>> read(const kube::Resource& resource, const std::string& ns,
                                   const std::string& name);

  // Fetches a GitRepository when its remote moved: Reason::succeeded with the revision,
  // git_operation_failed, or suspended.
  Outcome reconcile_source(const Node& object);
  // Pulls an OCIRepository's artifact (ocirepository.cpp): Reason::succeeded with the
  // revision "<tag>@sha256:<manifest digest>" and the stored layer's digest,
  // oci_pull_failed, or suspended.
  Outcome reconcile_oci_repository(const Node& object);
  // Fetches an HTTP HelmRepository's index (helmrepository.cpp): Reason::succeeded with its
  // digest as revision, index_fetch_failed, authentication_failed, or suspended (also for
  // type oci, which Flux leaves without status).
  Outcome reconcile_helm_repository(const Node& object);
  // The reconcile of one Kustomization: spec → dependencies → source artifact → render →
  // the pipeline (plan, apply, prune, health).
  Outcome reconcile_kustomization(const Node& object, HealthMode mode);
  // The reconcile of one HelmRelease: spec → dependencies → chart source → values
  // (valuesFrom, values) → release history → render → a new revision only when the chart
  // version or the values changed (install or upgrade through the pipeline, the revision
  // marked deployed or failed; a failed upgrade rolled back as spec.upgrade.remediation
  // says), else the deployed revision's objects applied again (drift repaired).
  Outcome reconcile_helm_release(const Node& object, HealthMode mode);
  // A deleted HelmRelease: uninstalls the release (its objects pruned, its records deleted or
  // kept with spec.uninstall.keepHistory) unless suspended, then removes the finalizer.
  Result<Outcome> finalize_helm_release(const Node& object);
  // Writes the status of a GitRepository, Kustomization or HelmRelease for an outcome — the one
  // place status is written. Suspended and artifact_not_fetched outcomes write nothing.
  Result<void> write_status(const kube::Resource& resource, const Node& object,
                            const Outcome& outcome);

  // Puts k_finalizer on a Kustomization or HelmRelease that lacks it.
  Result<void> add_finalizer(const Node& object);
  // A deleted Kustomization (deletionTimestamp set): prunes its inventory when it has
  // prune: true and is not suspended (as Flux does), then removes the finalizer.
  Result<sync::SyncResult> finalize_kustomization(const Node& object);
  // Drops what is remembered of a Kustomization that is gone.
  void forget(const Node& object);

 private:
  struct Artifact {
    std::string url;
    std::string revision;
    std::string oci_digest;  // an OCIRepository's: its layer in the OCI cache ("" for git)
  };
  struct Rendered {
    std::vector<Node> objects;
    bool reused = false;
  };
  // The fields Plumb ignores; stops with unsupported_field at one it must refuse.
  Step<std::vector<std::string>> supported(const Node& object);
  // Every object of `kind` named in dependsOn is Ready.
  Step<void> dependencies_ready(const kube::Resource& kind,
                                const std::vector<NamespacedName>& depends_on);
  Step<Artifact> source_artifact(const SourceRef& ref);
  // A rollback pin (controller/pin.hpp): while the source still has the revision it had when
  // the rollback was asked, the pinned revision replaces it in `artifact`; once the source
  // moved, the pin is cleared (a JSON patch) and the source's revision applies.
  struct PinState {
    std::optional<Pin> in_force;
    bool cleared = false;
  };
  Step<PinState> pinned(const Node& object, Artifact& artifact);
  // An OCIRepository's artifact as its status names it (ocirepository.cpp), and the bytes of
  // its layer from the OCI cache (artifact_not_fetched when the cache lacks them).
  Step<Artifact> oci_source_artifact(const SourceRef& ref);
  Step<std::string> oci_layer(const Artifact& artifact);
  // A HelmRelease's spec.chartRef: its OCIRepository's artifact (HelmChart is refused).
  Step<Artifact> chart_ref_artifact(const HelmReleaseSpec& spec);
  // A HelmRelease's chart from its HelmRepository (HTTP index; the archive cached by digest
  // under the source cache): the version spec.chart.spec.version picks.
  Step<source::FetchedChart> repository_chart(const HelmReleaseSpec& spec);
  // The same from a `type: oci` HelmRepository (ocirepository.cpp): spec.url + "/" + chart,
  // the version's tag (or the range's, over the tags), the layer cached by digest.
  // A client of an HTTP HelmRepository: its URL, spec.secretRef's username/password, charts
  // cached by digest under the source cache.
  Result<source::HelmRepository> helm_repository_client(const Node& repository);
  Step<source::FetchedChart> oci_repository_chart(const HelmReleaseSpec& spec,
                                                  const Node& repository);
  Step<Rendered> render(const Node& object, const KustomizationSpec& spec, const Artifact& artifact,
                        const DecryptionKeys* keys);

  Result<source::GitAuth> auth_from_secret(const std::string& ns, const std::string& name);
  Result<void> patch_finalizers(const Node& object, Node operations);
  Result<void> remove_finalizer(const Node& object);
  // Records the resourceVersion of an object this reconciler wrote (see read()).
  void remember_write(const kube::Resource& resource, const Node& written);

  kube::Client& m_client;
  SourceCache& m_sources;
  const kube::WatchCache* m_cache;
  Pipeline m_pipeline;
  RenderCache m_renders;
  std::optional<NamespacedName> m_sops_age_secret;
  std::mutex m_written_mutex;
  // The resourceVersion of the last status written, by "plural/namespace/name".
  std::map<std::string, std::string> m_written;
  std::set<std::string> m_finalized;  // finalizer added, same keys
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
