// The HelmRelease reconcile (Reconcilers, split by kind): Flux helm-controller's install,
// upgrade, rollback and uninstall on Plumb's renderer, Helm's release records
// (controller/helm_storage.hpp) and the shared pipeline (controller/pipeline.hpp).
#include <algorithm>
#include <chrono>

#include "controller/helm_capabilities.hpp"
#include "controller/helm_drift.hpp"
#include "controller/helm_hooks.hpp"
#include "controller/helm_postrender.hpp"
#include "controller/helm_storage.hpp"
#include "controller/helmrelease_types.hpp"
#include "controller/reconcile.hpp"
#include "controller/status.hpp"
#include "core/fs.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "core/yaml.hpp"
#include "helm/archive.hpp"
#include "helm/chart.hpp"
#include "helm/release.hpp"
#include "helm/template.hpp"
#include "source/helm_index.hpp"
#include "sync/sync.hpp"

namespace plumb::controller {

const kube::Resource k_helm_releases{"helm.toolkit.fluxcd.io", "v2", "HelmRelease", "helmreleases",
                                     true};

namespace {

using helm::Release;
using helm::ReleaseStatus;

// The composed values, laid beside the chart as a values file (JSON is YAML).
constexpr std::string_view k_values_file = "/.plumb-helmrelease-values.json";
constexpr std::chrono::minutes k_default_timeout{5};
// Where a HelmRepository chart's archive lies for the render.
constexpr std::string_view k_archive_path = "/chart.tgz";
// Where a packaged chart is unpacked when its values.yaml is replaced (valuesFiles).
constexpr std::string_view k_unpacked_chart = "/.plumb-chart";

const kube::Resource k_secrets{"", "v1", "Secret", "secrets", true};
const kube::Resource k_config_maps{"", "v1", "ConfigMap", "configmaps", true};

// What one render of the chart gives: the release record to store (no version yet) and the
// objects to apply.
struct ChartRender {
  Release release;
  std::vector<Node> objects;
};

std::string release_namespace(const Node& object, const HelmReleaseSpec& spec) {
  return spec.target_namespace.empty() ? std::string(object.string_at({"metadata", "namespace"}))
                                       : spec.target_namespace;
}

// The objects of a manifest text, with the annotations Helm puts on what it installs (so
// that `helm upgrade` recognises them as the release's).
Result<void> append_release_objects(std::string_view text, std::string_view source,
                                    const Release& release, std::vector<Node>& out) {
  for (Node& o : TRY(parse_yaml_stream(text, source))) {
    if (!o.is_map()) continue;
    Node& annotations = o["metadata"]["annotations"];
    annotations.set("meta.helm.sh/release-name", Node::string(release.name));
    annotations.set("meta.helm.sh/release-namespace", Node::string(release.namespace_name));
    out.push_back(std::move(o));
  }
  return {};
}

// The chart's values.yaml replaced by its valuesFiles merged, as source-controller packages
// a chart with them: paths in the source's tree (GitRepository) or in the chart
// (HelmRepository). `chart` is the chart's directory in `fs`.
Result<void> apply_values_files(OverlayFileSystem& fs, const FileSystem& tree,
                                const std::string& chart, const HelmReleaseSpec& spec) {
  bool in_chart = spec.source_ref.kind == "HelmRepository";
  auto read = [&](std::string_view file) -> Result<std::optional<std::string>> {
    std::string at = in_chart ? clean_path(chart + "/" + std::string(file))
                              : clean_path("/" + std::string(file));
    const FileSystem& where = in_chart ? static_cast<const FileSystem&>(fs) : tree;
    if (!where.is_file(at)) return std::nullopt;
    return where.read_file(at);
  };
  Node merged = TRY(merge_values_files(spec, read));
  fs.add_file(join_path(chart, "values.yaml"), merged.size() == 0 ? "" : to_json(merged));
  return {};
}

// Renders the chart at `path` of `tree` (a directory or an archive) with `values`, as
// `helm install|upgrade` would against the cluster `client` serves (.Capabilities), with the
// chart's valuesFiles and the post-renderers applied.
Result<ChartRender> render_chart(kube::Client& client, const FileSystem& tree,
                                 const std::string& path, const HelmReleaseSpec& spec,
                                 const std::string& ns, const Node& values, CrdPolicy crds,
                                 bool upgrade) {
  // A packaged chart whose values.yaml is replaced is unpacked first.
  MemoryFileSystem unpacked;
  std::string chart_path = path;
  bool unpack = !spec.values_files.empty() && tree.is_file(path);
  if (unpack) {
    std::string archive = TRY(tree.read_file(path));
    for (helm::ChartFile& f : TRY(helm::read_chart_archive(archive)))
      unpacked.add_file(std::string(k_unpacked_chart) + "/" + f.name, std::move(f.data));
    chart_path = std::string(k_unpacked_chart);
  }
  OverlayFileSystem fs(unpack ? static_cast<const FileSystem&>(unpacked) : tree);
  fs.add_file(k_values_file, to_json(values));
  if (!spec.values_files.empty()) TRY_VOID(apply_values_files(fs, tree, chart_path, spec));
  ClusterCapabilities caps = TRY(cluster_capabilities(client));
  helm::TemplateOptions options;
  options.release_name = spec.release_name;
  options.namespace_name = ns;
  options.chart_path = chart_path;
  options.is_upgrade = upgrade;
  options.kube_version = caps.kube_version;
  options.api_versions = std::move(caps.api_versions);
  options.cluster_api_versions = true;
  options.values.value_files = {std::string(k_values_file)};
  options.output.include_crds = crds != CrdPolicy::skip;
  helm::TemplateRelease rendered = TRY(helm::template_release(fs, options));
  helm::Chart chart = TRY(helm::load_chart(fs, chart_path));
  if (!spec.post_renderers.empty()) {
    // Helm post-renders the templates' output, then sorts it into manifests and hooks again.
    auto files =
        TRY(post_render(rendered.documents, spec.post_renderers, spec.post_render_strategy));
    rendered.documents = TRY(helm::release_documents(chart, files, options.output));
  }
  std::vector<helm::ReleaseDocument> manifests, applied;
  for (helm::ReleaseDocument& doc : rendered.documents) {
    if (doc.part == helm::ReleaseDocument::Part::manifest) manifests.push_back(doc);
    if (doc.part != helm::ReleaseDocument::Part::hook) applied.push_back(std::move(doc));
  }
  ChartRender out;
  out.release.name = spec.release_name;
  out.release.namespace_name = ns;
  out.release.chart = helm::chart_record(chart);
  out.release.config = values;
  out.release.manifest = helm::release_manifest(manifests);
  out.release.hooks = TRY(helm::release_hooks(rendered.documents));
  out.release.apply_method = "ssa";
  for (const helm::ReleaseDocument& doc : applied)
    TRY_VOID(append_release_objects(doc.content, doc.path, out.release, out.objects));
  return out;
}

const Release* last_deployed(const std::vector<Release>& history) {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->info.status == ReleaseStatus::deployed) return &*it;
  }
  return nullptr;
}

std::string rfc3339(const std::optional<SystemTime>& t) {
  return t ? format_rfc3339(*t) : std::string();
}

ReleaseSnapshot snapshot_of(const Release& r, const std::string& storage_ns) {
  ReleaseSnapshot s;
  s.name = r.name;
  s.namespace_ = r.namespace_name;
  s.storage_namespace = storage_ns;
  s.version = r.version;
  s.status = std::string(helm::status_name(r.info.status));
  s.chart_name = std::string(r.chart_name());
  s.chart_version = std::string(r.chart_version());
  s.app_version = std::string(r.app_version());
  s.config_digest = values_digest(r.config);
  s.first_deployed = rfc3339(r.info.first_deployed);
  s.last_deployed = rfc3339(r.info.last_deployed);
  return s;
}

// "ns/name.vN" as helm-controller names a revision in messages.
std::string revision_name(const Release& r) {
  return r.namespace_name + "/" + r.name + ".v" + std::to_string(r.version);
}
std::string chart_name(const Release& r) {
  return std::string(r.chart_name()) + "@" + std::string(r.chart_version());
}

// The failures counted so far for this generation and these inputs (helm-controller resets
// them when the object or what it renders changes).
int failures_so_far(const Node& object, std::string_view field, const ReleaseSnapshot& attempt) {
  const Node* status = object.find("status");
  if (!status) return 0;
  const Node* generation = status->find("lastAttemptedGeneration");
  const Node* own = object.at_path({"metadata", "generation"});
  if (!generation || !own || generation->as_int() != own->as_int()) return 0;
  if (status->string_at({"lastAttemptedConfigDigest"}) != attempt.attempted_digest ||
      status->string_at({"lastAttemptedRevision"}) != attempt.attempted_chart_version)
    return 0;
  const Node* count = status->find(field);
  return count && count->is_int() ? int(count->as_int()) : 0;
}

// A hook event's failure as Helm's actions word it (install and upgrade prefix it; rollback
// and uninstall return the hook's error as it is).
std::string hooks_failed(HookEvent event, const HookRun& run) {
  std::string prefix;
  switch (event) {
    case HookEvent::pre_install:
    case HookEvent::post_install:
      prefix = "failed " + std::string(hook_event_name(event)) + ": ";
      break;
    case HookEvent::pre_upgrade:
    case HookEvent::post_upgrade:
      prefix = std::string(hook_event_name(event)) + " hooks failed: ";
      break;
    default:
      break;
  }
  return prefix + run.error.message();
}

// The hooks of a release recorded as Helm records them while they run (an update of the
// revision's record).
HookRunner hook_runner(kube::Client& client, HelmStorage& storage) {
  return HookRunner(client, [&storage](const Release& r) {
    return storage.update(r, std::chrono::system_clock::now());
  });
}

// One action between its hooks, as Helm runs it: the pre hooks, the objects (applied, pruned,
// waited for), the post hooks. `hooks` null: the action's hooks are disabled.
Outcome around_hooks(HookRunner* hooks, Release& release, HookEvent pre, HookEvent post,
                     milliseconds timeout, const std::function<Outcome()>& apply) {
  if (hooks) {
    HookRun run = hooks->run(release, pre, timeout);
    if (run.failed())
      return Outcome::failure(Reason::reconciliation_failed, Error(hooks_failed(pre, run)));
  }
  Outcome out = apply();
  if (out.failed() || !hooks) return out;
  HookRun run = hooks->run(release, post, timeout);
  if (run.failed()) {
    out.reason = Reason::reconciliation_failed;
    out.error = Error(hooks_failed(post, run));
  }
  return out;
}

// Helm's uninstall: the newest revision's pre-delete hooks (unless uninstall.disableHooks), the
// objects of every revision in `history` pruned (a failed revision may hold objects the
// deployed one lacks), the post-delete hooks, then the records deleted or kept
// (keepHistory). The hooks' runs are recorded in the newest revision before it goes; a failed
// post-delete hook is reported after the records are gone (the next attempt finds nothing).
Result<void> uninstall_release(kube::Client& client, const Pipeline& pipeline, const Node& object,
                               const HelmReleaseSpec& spec, HelmStorage& storage,
                               std::vector<Release> history, sync::SyncResult& result) {
  if (history.empty() || history.back().info.status == ReleaseStatus::uninstalled) return {};
  std::vector<ObjectRef> refs;
  for (const Release& r : history)
    for (ObjectRef& ref : TRY(manifest_refs(client, r)))
      refs.push_back(std::move(ref));
  std::sort(refs.begin(), refs.end());
  refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
  Target target = helm_release_target(object, spec, std::move(refs));
  Release& newest = history.back();
  newest.info.status = ReleaseStatus::uninstalling;
  newest.info.deleted = std::chrono::system_clock::now();
  newest.info.description = "Deletion in progress (or silently failed)";
  HookRunner hooks = hook_runner(client, storage);
  auto run_hooks = [&](HookEvent event) -> Result<void> {
    if (spec.hooks.uninstall_disabled) return {};
    HookRun run = hooks.run(newest, event, target.timeout);
    TRY(storage.update(newest, std::chrono::system_clock::now()));
    if (run.failed()) return std::unexpected(run.error);
    return {};
  };
  TRY(run_hooks(HookEvent::pre_delete));
  auto previous = pipeline.previous(target);
  if (!previous) return std::unexpected(previous.error().error);
  sync::Syncer syncer(client, {});
  syncer.prune(*previous, sync::Plan{}, result);
  if (!result.ok()) return std::unexpected(result.error);
  Result<void> post_delete = run_hooks(HookEvent::post_delete);
  TRY(storage.uninstall(spec.storage_namespace, spec.release_name,
                        spec.keep_history ? KeepHistory::yes : KeepHistory::no,
                        std::chrono::system_clock::now()));
  if (!post_delete)
    return fail("uninstallation completed with 1 error(s): ", post_delete.error().message());
  return {};
}

// Helm's test action after a release (Flux's spec.test): the test hooks, and the result in
// helm-controller's words.
HelmTestResult run_tests(HookRunner& hooks, Release& release, milliseconds timeout) {
  HookRun run = hooks.run(release, HookEvent::test, timeout);
  std::string subject =
      "for release " + revision_name(release) + " with chart " + chart_name(release) + ": ";
  if (run.failed()) return {false, "Helm test failed " + subject + run.error.message()};
  size_t n = hooks_for_event(release.hooks, HookEvent::test).size();
  std::string done = n == 0 ? "no test hooks"
                            : std::to_string(n) + (n == 1 ? " test hook" : " test hooks") +
                                  " completed successfully";
  return {true, "Helm test succeeded " + subject + done};
}

}  // namespace

Step<source::FetchedChart> Reconcilers::repository_chart(const HelmReleaseSpec& spec) {
  const SourceRef& ref = spec.source_ref;
  std::string id = "HelmRepository '" + ref.namespace_ + "/" + ref.name + "'";
  auto failed = [&](std::string message) {
    return std::unexpected(Outcome::failure(Reason::artifact_failed, Error(std::move(message))));
  };
  auto repository = read(k_helm_repositories, ref.namespace_, ref.name);
  if (!repository) return failed(id + ": " + repository.error().message());
  if (!*repository) return failed(id + " not found");
  const Node& repo = **repository;
  if (repo.string_at({"spec", "type"}) == "oci") return oci_repository_chart(spec, repo);
  auto source = helm_repository_client(repo);
  if (!source) return failed(id + ": " + source.error().message());
  auto chart = source->fetch_chart(spec.chart, spec.version);
  if (!chart) return failed(id + ": " + chart.error().message());
  return std::move(*chart);
}

Target helm_release_target(const Node& object, const HelmReleaseSpec& spec,
                           std::vector<ObjectRef> inventory,
                           std::shared_ptr<const DriftIgnore> ignore) {
  std::string ns(object.string_at({"metadata", "namespace"}));
  std::string name(object.string_at({"metadata", "name"}));
  Target target;
  target.owner =
      ObjectRef{k_helm_releases.group, k_helm_releases.version, k_helm_releases.kind, ns, name};
  target.labels = {{"helm.toolkit.fluxcd.io/name", name},
                   {"helm.toolkit.fluxcd.io/namespace", ns},
                   {"app.kubernetes.io/managed-by", "Helm"}};
  target.default_namespace = release_namespace(object, spec);
  target.inventory = std::move(inventory);
  target.prune = sync::Prune::yes;
  target.allow_empty = AllowEmpty::yes;  // a chart may render nothing: Helm installs that
  target.wait_for = WaitFor::all_applied;
  target.timeout = spec.timeout.count() > 0 ? spec.timeout : k_default_timeout;
  // driftDetection: off by default in Flux.
  target.drift.mode = spec.drift_mode == DriftMode::enabled ? DriftWatch::Mode::repair
                      : spec.drift_mode == DriftMode::warn  ? DriftWatch::Mode::warn
                                                            : DriftWatch::Mode::off;
  if (ignore && !ignore->empty()) {
    target.drift.left_to_cluster = [ignore](Node& desired, const Node& live) {
      ignore->take_live(desired, live);
    };
  }
  return target;
}

Outcome Reconcilers::reconcile_helm_release(const Node& object, HealthMode mode) {
  std::string ns(object.string_at({"metadata", "namespace"}));
  std::optional<ReleaseSnapshot> snapshot;
  std::string revision;
  auto outcome = [&]() -> Step<Outcome> {
    HelmReleaseSpec spec = TRY(because(Reason::reconciliation_failed, parse_helm_release(object)));
    if (spec.suspend) return Outcome{.reason = Reason::suspended};
    std::vector<std::string> ignored = TRY(supported(object));
    auto ignore = std::make_shared<const DriftIgnore>(
        TRY(because(Reason::reconciliation_failed, DriftIgnore::parse(spec.drift_ignore))));
    if (spec.source_ref.kind == "Bucket") {
      return std::unexpected(
          Outcome::failure(Reason::unsupported_field,
                           Error("spec.chart.spec.sourceRef.kind Bucket is not supported by Plumb "
                                 "yet (GitRepository and HelmRepository are); nothing was "
                                 "installed")));
    }
    TRY(dependencies_ready(k_helm_releases, spec.depends_on));
    // The chart: a path in a GitRepository's tree, or an archive from a HelmRepository.
    Artifact artifact;
    std::optional<std::string> archive;
    if (spec.source_ref.kind == "GitRepository") {
      artifact = TRY(source_artifact(spec.source_ref));
    } else if (spec.chart_ref) {  // an OCIRepository's artifact is the chart archive
      artifact = TRY(chart_ref_artifact(spec));
      archive = TRY(oci_layer(artifact));
    } else {
      source::FetchedChart fetched = TRY(repository_chart(spec));
      artifact.revision = fetched.version.version;
      archive = std::move(fetched.bytes);
    }
    revision = artifact.revision;
    ObjectLookup lookup = [&](std::string_view kind, std::string_view in,
                              std::string_view name) -> Result<std::optional<Node>> {
      return m_client.get(kind == "Secret" ? k_secrets : k_config_maps, in, name);
    };
    Node values = TRY(because(Reason::values_error, compose_values(spec, ns, lookup)));
    HelmStorage storage(
        m_client, {.max_history = spec.max_history, .storage_namespace = spec.storage_namespace});
    std::vector<Release> history = TRY(
        because(Reason::init_failed, storage.history(spec.storage_namespace, spec.release_name)));
    const Release* deployed = last_deployed(history);
    bool upgrade = deployed != nullptr;
    std::string release_ns = release_namespace(object, spec);
    CrdPolicy crds = upgrade ? spec.upgrade_crds : spec.install_crds;
    Result<ChartRender> rendered;
    if (archive) {
      MemoryFileSystem fs;
      fs.add_file(k_archive_path, std::move(*archive));
      rendered = render_chart(m_client, fs, std::string(k_archive_path), spec, release_ns, values,
                              crds, upgrade);
    } else {
      rendered = m_sources.with(artifact.url, [&](source::GitSource& src) -> Result<ChartRender> {
        auto files = TRY(src.files(commit_of(artifact.revision)));
        std::string path = clean_path("/" + spec.chart);
        if (!files->is_dir(path))
          return fail("spec.chart.spec.chart: ", spec.chart, ": no such directory in the source");
        auto out = render_chart(m_client, *files, path, spec, release_ns, values, crds, upgrade);
        // Only a missing commit carries 404: the render's own errors are init failures.
        if (!out) return std::unexpected(Error(out.error().message()));
        return out;
      });
    }
    if (!rendered && rendered.error().code() == 404) {
      // The revision's commit is not in the local cache yet (a restart): its fetch brings it.
      return std::unexpected(
          Outcome::failure(Reason::artifact_not_fetched, std::move(rendered).error()));
    }
    ChartRender render = TRY(because(Reason::init_failed, std::move(rendered)));
    ReleaseSnapshot attempt;
    attempt.attempted_chart_version = std::string(render.release.chart_version());
    attempt.attempted_digest = values_digest(values);
    attempt.install_failures = failures_so_far(object, "installFailures", attempt);
    attempt.upgrade_failures = failures_so_far(object, "upgradeFailures", attempt);
    std::vector<ObjectRef> inventory;
    if (deployed) inventory = TRY(because(Reason::init_failed, manifest_refs(m_client, *deployed)));
    std::optional<HelmTestResult> tested;
    auto finish = [&](Outcome out, const Release& r, std::string action) {
      ReleaseSnapshot s = snapshot_of(r, spec.storage_namespace);
      s.test = tested;
      s.action = std::move(action);
      s.attempted_chart_version = attempt.attempted_chart_version;
      s.attempted_digest = attempt.attempted_digest;
      s.install_failures = attempt.install_failures;
      s.upgrade_failures = attempt.upgrade_failures;
      snapshot = std::move(s);
      out.ignored_fields = ignored;
      return out;
    };

    // No deployed revision: helm-controller's install remediation decides whether to install
    // (again). A failed install of these inputs left in place means the retries ran out.
    if (!deployed) {
      const HelmRemediation& fix = spec.install_remediation;
      const Release* latest = history.empty() ? nullptr : &history.back();
      bool failed = latest && latest->info.status == ReleaseStatus::failed;
      if (fix.exhausted(attempt.install_failures))
        return std::unexpected(Outcome::failure(
            Reason::install_failed,
            Error("exceeded maximum retries: cannot " +
                  std::string(failed ? "remediate failed release" : "install release") +
                  " (failed to install after " + std::to_string(attempt.install_failures) +
                  " attempt(s))")));
    }

    // Nothing new to release (same chart version and values, as helm-controller decides, and
    // the same manifest: the chart is read from each new commit, and a template changed
    // without a version bump must not be applied outside a revision): the cluster is brought
    // back to the deployed revision (drift repaired by the pipeline's apply, which writes
    // nothing when nothing changed).
    const Release* latest = history.empty() ? nullptr : &history.back();
    if (latest && latest == deployed && latest->chart_version() == render.release.chart_version() &&
        values_digest(latest->config) == attempt.attempted_digest &&
        latest->manifest == render.release.manifest) {
      // driftDetection.ignore: the fields it names stay as the cluster holds them.
      auto live_object = [&](const Node& o, const std::string& in) -> Result<std::optional<Node>> {
        auto resource = m_client.resource_for(o.string_at({"apiVersion"}), o.string_at({"kind"}));
        if (!resource) {
          if (resource.error().code() == 404) return std::nullopt;
          return std::unexpected(resource.error());
        }
        std::string_view at = o.string_at({"metadata", "namespace"});
        return m_client.get(*resource, resource->namespaced ? (at.empty() ? in : at) : "",
                            o.string_at({"metadata", "name"}));
      };
      std::vector<Node> objects =
          TRY(because(Reason::reconciliation_failed,
                      ignore->keep_live(std::move(render.objects), [&](const Node& o) {
                        return live_object(o, release_ns);
                      })));
      Outcome out = m_pipeline.run(helm_release_target(object, spec, inventory, ignore),
                                   std::move(objects), mode);
      if (!out.failed())
        out.reason = latest->version == 1 ? Reason::install_succeeded : Reason::upgrade_succeeded;
      return finish(std::move(out), *latest, "");
    }

    // Install or upgrade: a pending revision, the objects applied (what the deployed revision
    // had and this one lacks pruned), the revision marked deployed or failed.
    auto now = std::chrono::system_clock::now();
    Release begun = TRY(because(Reason::init_failed, storage.begin_revision(render.release, now)));
    Target target = helm_release_target(object, spec, inventory, ignore);
    HookRunner hooks = hook_runner(m_client, storage);
    bool hooks_disabled = upgrade ? spec.hooks.upgrade_disabled : spec.hooks.install_disabled;
    Outcome out =
        around_hooks(hooks_disabled ? nullptr : &hooks, begun,
                     upgrade ? HookEvent::pre_upgrade : HookEvent::pre_install,
                     upgrade ? HookEvent::post_upgrade : HookEvent::post_install, target.timeout,
                     [&] { return m_pipeline.run(target, std::move(render.objects), mode); });
    std::string action = upgrade ? "upgrade" : "install";
    now = std::chrono::system_clock::now();
    std::string message;  // the failure to remediate, as Ready tells it
    if (!out.failed()) {
      TRY(because(Reason::init_failed,
                  storage.finish_revision(begun, ReleaseStatus::deployed,
                                          upgrade ? "Upgrade complete" : "Install complete", now)));
      out.reason = upgrade ? Reason::upgrade_succeeded : Reason::install_succeeded;
      attempt.install_failures = attempt.upgrade_failures = 0;
      if (!spec.hooks.test) return finish(std::move(out), begun, action);
      // spec.test: the release's test hooks, recorded in it; a failure not ignored is
      // remediated like a failed action (the revision stays deployed, as Helm leaves it).
      milliseconds test_timeout =
          spec.hooks.test_timeout.count() > 0 ? spec.hooks.test_timeout : target.timeout;
      tested = run_tests(hooks, begun, test_timeout);
      TRY(because(Reason::init_failed, storage.update(begun, std::chrono::system_clock::now())));
      bool ignore_failure = upgrade ? spec.hooks.upgrade_ignore_test_failures
                                    : spec.hooks.install_ignore_test_failures;
      if (tested->passed || ignore_failure) return finish(std::move(out), begun, action);
      message = tested->message;
    } else {
      std::string error = out.error.message();
      std::string description =
          (upgrade ? "Upgrade \"" : "Release \"") + begun.name + "\" failed: " + error;
      TRY(because(Reason::init_failed,
                  storage.finish_revision(begun, ReleaseStatus::failed, description, now)));
      message = std::string("Helm ") + action + " failed for release " + release_ns + "/" +
                begun.name + " with chart " + chart_name(begun) + ": " + error;
    }
    // A failed test (not ignored) is remediated as a failed action is.
    Reason failure = tested    ? Reason::test_failed
                     : upgrade ? Reason::upgrade_failed
                               : Reason::install_failed;
    // Remediation by uninstall (always for an install, upgrade.remediation.strategy uninstall
    // for an upgrade): every revision's objects and the records removed; the next reconcile
    // installs again while the install retries last.
    auto uninstall_remediation = [&](Reason reason) {
      Outcome failed = Outcome::failure(reason, Error(message));
      std::vector<Release> revisions = history;
      revisions.push_back(begun);
      auto removed =
          uninstall_release(m_client, m_pipeline, object, spec, storage, revisions, failed.sync);
      failed.error = Error(message + "; Helm uninstall remediation for release " +
                           revision_name(begun) + " with chart " + chart_name(begun) +
                           (removed ? " succeeded" : " failed: " + removed.error().message()));
      if (removed) begun.info.status = ReleaseStatus::uninstalled;
      return finish(std::move(failed), begun, action);
    };
    if (!upgrade) {
      ++attempt.install_failures;
      const HelmRemediation& fix = spec.install_remediation;
      if (fix.exhausted(attempt.install_failures) && !fix.remediate_last_failure)
        return finish(Outcome::failure(failure, Error(message)), begun, action);
      return uninstall_remediation(failure);
    }
    ++attempt.upgrade_failures;
    const HelmRemediation& fix = spec.upgrade_remediation;
    if (fix.exhausted(attempt.upgrade_failures) && !fix.remediate_last_failure)
      return finish(Outcome::failure(failure, Error(message)), begun, action);
    if (fix.uninstall) return uninstall_remediation(failure);
    // Remediation: roll back to the deployed revision (a new revision with its chart, values
    // and manifest); what the failed upgrade applied beyond it is pruned.
    Release back = *deployed;
    back.info = {};
    std::vector<ObjectRef> attempted =
        TRY(because(Reason::rollback_failed, manifest_refs(m_client, begun)));
    std::vector<Node> objects;
    TRY(because(Reason::rollback_failed,
                append_release_objects(back.manifest, "release manifest", back, objects)));
    Release rolled =
        TRY(because(Reason::rollback_failed, storage.begin_revision(std::move(back), now)));
    Target rollback_target = helm_release_target(object, spec, attempted, ignore);
    Outcome rollback =
        around_hooks(spec.hooks.rollback_disabled ? nullptr : &hooks, rolled,
                     HookEvent::pre_rollback, HookEvent::post_rollback, rollback_target.timeout,
                     [&] { return m_pipeline.run(rollback_target, std::move(objects), mode); });
    now = std::chrono::system_clock::now();
    std::string to = "Rollback to " + std::to_string(deployed->version);
    if (rollback.failed()) {
      TRY(because(Reason::rollback_failed,
                  storage.finish_revision(rolled, ReleaseStatus::failed, to, now)));
      return finish(
          Outcome::failure(Reason::rollback_failed,
                           Error(message + "; rollback failed: " + rollback.error.message())),
          rolled, "rollback");
    }
    TRY(because(Reason::rollback_failed,
                storage.finish_revision(rolled, ReleaseStatus::deployed, to, now)));
    rollback.reason = Reason::rollback_succeeded;
    rollback.error = Error(message + "; rolled back to " + revision_name(*deployed));
    return finish(std::move(rollback), rolled, "rollback");
  }();
  Outcome out = outcome ? std::move(*outcome) : std::move(outcome).error();
  out.revision = revision;
  out.release = std::move(snapshot);
  return out;
}

Result<Outcome> Reconcilers::finalize_helm_release(const Node& object) {
  Outcome out{.reason = Reason::uninstall_succeeded};
  auto spec = parse_helm_release(object);
  if (spec && !spec->suspend) {  // Flux leaves a suspended release as it is
    HelmStorage storage(m_client, {.storage_namespace = spec->storage_namespace});
    std::vector<Release> history =
        TRY(storage.history(spec->storage_namespace, spec->release_name));
    // The finalizer stays when the uninstall fails.
    TRY_VOID(uninstall_release(m_client, m_pipeline, object, *spec, storage, history, out.sync));
  }
  TRY_VOID(remove_finalizer(object));
  forget(object);
  return out;
}

}  // namespace plumb::controller
