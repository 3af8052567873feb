#include "controller/reconcile.hpp"

#include <algorithm>

#include "controller/conditions.hpp"
#include "controller/flux_types.hpp"
#include "core/base64.hpp"
#include "core/fs.hpp"
#include "core/json.hpp"
#include "core/recording_fs.hpp"
#include "core/yaml.hpp"
#include "render/render_path.hpp"
#include "sync/health.hpp"
#include "sync/plan.hpp"
#include "sync/sync.hpp"

namespace plumb::controller {

const kube::Resource k_git_repositories{"source.toolkit.fluxcd.io", "v1", "GitRepository",
                                        "gitrepositories", true};
const kube::Resource k_kustomizations{"kustomize.toolkit.fluxcd.io", "v1", "Kustomization",
                                      "kustomizations", true};

namespace {

constexpr std::string_view k_manager = "plumb";
constexpr std::string_view k_overlay_dir = "/.plumb-overlay";

Node crd(const kube::Resource& r, std::string_view singular, std::string_view short_name) {
  std::string text =
      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
      "metadata:\n  name: " +
      r.name + "." + r.group +
      "\n"
      "spec:\n  group: " +
      r.group +
      "\n  scope: Namespaced\n"
      "  names:\n    kind: " +
      r.kind + "\n    listKind: " + r.kind +
      "List\n"
      "    plural: " +
      r.name + "\n    singular: " + std::string(singular) +
      "\n"
      "    shortNames: [" +
      std::string(short_name) +
      "]\n"
      "  versions:\n  - name: " +
      r.version +
      "\n    served: true\n"
      "    storage: true\n    subresources:\n      status: {}\n"
      "    schema:\n      openAPIV3Schema:\n        type: object\n"
      "        x-kubernetes-preserve-unknown-fields: true\n";
  return parse_yaml(text, "flux CRD").value();
}

// "main@sha1:abc" or "sha1:abc" → "abc".
std::string commit_of(std::string_view revision) {
  size_t at = revision.find("sha1:");
  return at == std::string_view::npos ? "" : std::string(revision.substr(at + 5));
}

Node status_object(const kube::Resource& r, const Node& object, Node status) {
  Node out = Node::map();
  out.set("apiVersion", Node::string(r.api_version()));
  out.set("kind", Node::string(r.kind));
  out["metadata"].set("name", *object.at_path({"metadata", "name"}));
  out["metadata"].set("namespace", *object.at_path({"metadata", "namespace"}));
  out.set("status", std::move(status));
  return out;
}

// The inventory Flux keeps: entries {id: <ns>_<name>_<group>_<kind>, v: <version>}.
Node inventory_of(const sync::Plan& plan) {
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto* stage : {&plan.definitions, &plan.workloads}) {
    for (const sync::PlannedObject& o : *stage)
      entries.push_back({o.ref.inventory_id(), o.ref.version});
  }
  std::sort(entries.begin(), entries.end());
  Node list = Node::list();
  for (auto& [id, v] : entries) {
    Node e = Node::map();
    e.set("id", Node::string(id));
    e.set("v", Node::string(v));
    list.push_back(std::move(e));
  }
  Node inventory = Node::map();
  inventory.set("entries", std::move(list));
  return inventory;
}

// The objects a previous inventory names, for pruning.
Result<std::vector<sync::PlannedObject>> previous_objects(kube::Client& client,
                                                          const Node& object) {
  std::vector<sync::PlannedObject> out;
  const Node* entries = object.at_path({"status", "inventory", "entries"});
  for (const Node& e : entries ? entries->items() : std::span<const Node>()) {
    // <namespace>_<name>_<group>_<kind>; names and namespaces have no '_'.
    std::string id(e.string_at({"id"}));
    size_t a = id.find('_'), b = id.find('_', a + 1), c = id.rfind('_');
    if (a == std::string::npos || b == std::string::npos || c <= b) continue;
    ObjectRef ref{id.substr(b + 1, c - b - 1), std::string(e.string_at({"v"})), id.substr(c + 1),
                  id.substr(0, a), id.substr(a + 1, b - a - 1)};
    auto resource = client.resource_for_group_kind(ref.group, ref.kind);
    if (!resource) {
      if (resource.error().code() == 404) continue;
      return std::unexpected(resource.error());
    }
    out.push_back(sync::PlannedObject{std::move(ref), Node(), *resource});
  }
  return out;
}

// Renders the Kustomization's path from the source tree with Flux's overlay fields.
Result<std::vector<Node>> render(const FileSystem& files, const KustomizationSpec& spec) {
  std::string path = clean_path("/" + spec.path);
  if (!files.is_dir(path))
    return fail("spec.path: ", spec.path, ": no such directory in the source");
  OverlayFileSystem fs(files);
  bool has_kustomization = files.is_file(join_path(path, "kustomization.yaml")) ||
                           files.is_file(join_path(path, "kustomization.yml")) ||
                           files.is_file(join_path(path, "Kustomization"));
  if (!has_kustomization) {
    Node generated = Node::map();
    generated.set("apiVersion", Node::string("kustomize.config.k8s.io/v1beta1"));
    generated.set("kind", Node::string("Kustomization"));
    Node& resources = generated["resources"];
    resources = Node::list();
    for (const std::string& r : TRY(render::manifest_resources(files, path))) {
      resources.push_back(Node::string(r));
    }
    fs.add_file(join_path(path, "kustomization.yaml"), to_yaml(generated));
  }
  fs.add_file(std::string(k_overlay_dir) + "/kustomization.yaml",
              to_yaml(overlay_kustomization(spec, ".." + path)));
  render::BuildOptions options;
  options.restrictor = render::LoadRestrictor::none;  // as Flux builds
  return render::build_kustomization(fs, k_overlay_dir, options);
}

int64_t generation_of(const Node& object) {
  const Node* generation = object.at_path({"metadata", "generation"});
  return generation ? generation->as_int() : 0;
}

// Echoes a `flux reconcile` request in the status that ends this reconcile.
void mark_handled(Node& status, const Node& object) {
  const Node* requested = object.at_path({"metadata", "annotations", k_requested_at});
  if (requested && requested->is_string()) status.set("lastHandledReconcileAt", *requested);
}

void remove_condition(Node& status, std::string_view type) {
  Node* conditions = status.find_mut("conditions");
  if (!conditions || !conditions->is_list()) return;
  Node kept = Node::list();
  for (const Node& c : conditions->items()) {
    if (c.string_at({"type"}) != type) kept.push_back(c);
  }
  *conditions = std::move(kept);
}

}  // namespace

std::vector<Node> flux_crds() {
  return {crd(k_git_repositories, "gitrepository", "gitrepo"),
          crd(k_kustomizations, "kustomization", "ks")};
}

Result<void> install_flux_crds(kube::Client& client) {
  static const kube::Resource crds{"apiextensions.k8s.io", "v1", "CustomResourceDefinition",
                                   "customresourcedefinitions", false};
  bool created = false;
  for (const Node& crd : flux_crds()) {
    auto live = TRY(client.get(crds, "", crd.string_at({"metadata", "name"})));
    if (live) continue;
    TRY(client.apply(crds, crd, k_manager, kube::Force::yes, kube::DryRun::no));
    created = true;
  }
  if (created) client.invalidate_discovery();
  return {};
}

namespace {

std::string written_key(const kube::Resource& resource, std::string_view ns,
                        std::string_view name) {
  std::string key = resource.name;
  key.append("/").append(ns).append("/").append(name);
  return key;
}

}  // namespace

Result<void> Reconcilers::write_status(const kube::Resource& resource, const Node& object,
                                       Node status) {
  Node written = TRY(m_client.apply_status(
      resource, status_object(resource, object, std::move(status)), k_manager));
  std::lock_guard lock(m_written_mutex);
  m_written[written_key(resource, object.string_at({"metadata", "namespace"}),
                        object.string_at({"metadata", "name"}))] =
      std::string(written.string_at({"metadata", "resourceVersion"}));
  return {};
}

Result<std::optional<Node>> Reconcilers::read(const kube::Resource& resource, const std::string& ns,
                                              const std::string& name) {
  if (m_cache && m_cache->follows(resource, ns)) {
    std::optional<Node> cached = m_cache->get(resource, ns, name);
    std::lock_guard lock(m_written_mutex);
    auto written = m_written.find(written_key(resource, ns, name));
    // Read your writes: a status computed from an older one would drop what the last write
    // added (the inventory the next prune needs). The cache is up to date when it holds the
    // version we wrote; any other version may be older, and is fetched.
    if (written == m_written.end()
            ? cached.has_value()
            : cached && cached->string_at({"metadata", "resourceVersion"}) == written->second)
      return cached;
  }
  return m_client.get(resource, ns, name);
}

Result<source::GitAuth> Reconcilers::auth_from_secret(const std::string& ns,
                                                      const std::string& name) {
  source::GitAuth auth;
  if (name.empty()) return auth;
  static const kube::Resource secrets{"", "v1", "Secret", "secrets", true};
  auto secret = TRY(m_client.get(secrets, ns, name));
  if (!secret) return fail("secret ", ns, "/", name, " not found");
  auto value = [&](std::string_view key) {
    const Node* data = secret->at_path({"data", key});
    if (!data) return std::string();
    return base64_decode(data->as_string()).value_or("");
  };
  auth.username = value("username");
  auth.password = value("password");
  auth.bearer_token = value("bearerToken");
  auth.identity = value("identity");
  auth.known_hosts = value("known_hosts");
  auth.ca_pem = value("ca.crt");
  return auth;
}

Result<std::string> Reconcilers::reconcile_source(const std::string& ns, const std::string& name) {
  auto object = TRY(read(k_git_repositories, ns, name));
  if (!object) return std::string();
  int64_t generation = object->at_path({"metadata", "generation"})
                           ? object->at_path({"metadata", "generation"})->as_int()
                           : 0;
  Node status = object->find("status") ? *object->find("status") : Node::map();
  auto fetched = [&]() -> Result<source::Revision> {
    GitRepositorySpec spec = TRY(parse_git_repository(*object));
    if (spec.suspend) return source::Revision{};
    source::GitAuth auth = TRY(auth_from_secret(ns, spec.secret_name));
    return m_sources.with(spec.url,
                          [&](source::GitSource& src) { return src.fetch(spec.ref, auth); });
  }();
  status.set("observedGeneration", Node::integer(generation));
  mark_handled(status, *object);
  if (!fetched) {
    set_condition(status, "Ready", false, "GitOperationFailed", fetched.error().message(),
                  generation);
    TRY_VOID(write_status(k_git_repositories, *object, std::move(status)));
    return std::unexpected(fetched.error());
  }
  if (fetched->commit.empty()) return std::string();  // suspended
  Node& artifact = status["artifact"];
  if (artifact.string_at({"revision"}) != fetched->text) {
    artifact.set("revision", Node::string(fetched->text));
    artifact.set("lastUpdateTime", Node::string(now_rfc3339()));
  }
  set_condition(status, "Ready", true, "Succeeded",
                "stored artifact for revision '" + fetched->text + "'", generation);
  TRY_VOID(write_status(k_git_repositories, *object, std::move(status)));
  return fetched->text;
}

Result<std::vector<sync::PlannedObject>> Reconcilers::health_targets(const KustomizationSpec& spec,
                                                                     const std::string& ns,
                                                                     const sync::Plan& plan) {
  std::vector<sync::PlannedObject> out;
  if (spec.wait) {
    for (const auto* stage : {&plan.definitions, &plan.workloads})
      out.insert(out.end(), stage->begin(), stage->end());
    return out;
  }
  for (const Node& check : spec.health_checks) {
    std::string_view api_version = check.string_at({"apiVersion"});
    std::string_view kind = check.string_at({"kind"});
    auto resource = m_client.resource_for(api_version, kind);
    if (!resource) {
      return fail("spec.healthChecks: ", kind, " ", check.string_at({"name"}), ": ",
                  resource.error().message());
    }
    auto [group, version] = kube::split_api_version(api_version);
    std::string target_ns(check.string_at({"namespace"}));
    if (target_ns.empty() && resource->namespaced) target_ns = ns;
    if (!resource->namespaced) target_ns.clear();
    out.push_back(
        sync::PlannedObject{ObjectRef{std::string(group), std::string(version), std::string(kind),
                                      target_ns, std::string(check.string_at({"name"}))},
                            Node(), *resource});
  }
  return out;
}

Result<KustomizationOutcome> Reconcilers::reconcile_kustomization(const std::string& ns,
                                                                  const std::string& name,
                                                                  HealthWait health_wait,
                                                                  std::string* failure_reason) {
  auto object = TRY(read(k_kustomizations, ns, name));
  KustomizationOutcome outcome;
  if (!object) return outcome;
  int64_t generation = generation_of(*object);
  Node status = object->find("status") ? *object->find("status") : Node::map();
  auto failed = [&](std::string_view reason, const Error& error) -> Result<KustomizationOutcome> {
    if (failure_reason) *failure_reason = reason;
    set_condition(status, "Ready", false, reason, error.message(), generation);
    remove_condition(status, "Reconciling");
    status.set("observedGeneration", Node::integer(generation));
    mark_handled(status, *object);
    TRY_VOID(write_status(k_kustomizations, *object, std::move(status)));
    return std::unexpected(error);
  };

  auto spec = parse_kustomization(*object);
  if (!spec) return failed("ReconciliationFailed", spec.error());
  if (spec->suspend) {
    outcome.suspended = true;
    return outcome;
  }
  for (const NamespacedName& dep : spec->depends_on) {
    auto other = TRY(read(k_kustomizations, dep.namespace_, dep.name));
    if (!other || !is_ready(*other)) {
      return failed("DependencyNotReady",
                    Error("dependency '" + dep.namespace_ + "/" + dep.name + "' is not ready"));
    }
  }
  auto source = TRY(read(k_git_repositories, spec->source_ref.namespace_, spec->source_ref.name));
  std::string revision(source ? source->string_at({"status", "artifact", "revision"}) : "");
  if (revision.empty()) {
    return failed("ArtifactFailed",
                  Error("Source artifact not found for GitRepository '" +
                        spec->source_ref.namespace_ + "/" + spec->source_ref.name + "'"));
  }
  outcome.revision = revision;
  status.set("lastAttemptedRevision", Node::string(revision));
  std::string url(source->string_at({"spec", "url"}));
  // Rendered again only when the revision's tree answers some question of the last render
  // differently (or the overlay fields changed).
  std::string cache_key = ns + "/" + name;
  std::string fingerprint = spec->path + "\n" + to_json(overlay_kustomization(*spec, spec->path));
  auto objects = m_sources.with(url, [&](source::GitSource& src) -> Result<std::vector<Node>> {
    auto files = TRY(src.files(commit_of(revision)));
    if (auto cached = m_renders.lookup(cache_key, fingerprint, *files)) {
      outcome.render_reused = true;
      return std::move(*cached);
    }
    RecordingFileSystem recording(*files);
    auto rendered = TRY(render(recording, *spec));
    m_renders.store(cache_key, std::move(fingerprint), recording.inputs(), rendered);
    return rendered;
  });
  if (!objects) return failed("BuildFailed", objects.error());

  for (Node& o : *objects) {
    Node& labels = o["metadata"]["labels"];
    labels.set("kustomize.toolkit.fluxcd.io/name", Node::string(name));
    labels.set("kustomize.toolkit.fluxcd.io/namespace", Node::string(ns));
  }
  auto plan =
      sync::make_plan(std::move(*objects), m_client, {.default_namespace = spec->target_namespace});
  if (!plan) return failed("ReconciliationFailed", plan.error());
  auto previous = previous_objects(m_client, *object);
  if (!previous) return failed("ReconciliationFailed", previous.error());
  auto targets = health_targets(*spec, ns, *plan);
  if (!targets) return failed("ReconciliationFailed", targets.error());

  sync::SyncOptions options;
  options.recreate = spec->force ? sync::Recreate::yes : sync::Recreate::no;
  options.live_cache = m_cache;
  sync::Syncer syncer(m_client, options);
  outcome.result = syncer.apply(*plan);
  if (outcome.result.ok() && m_on_applied) m_on_applied(ns, name, *plan);
  if (outcome.result.ok() && spec->prune) syncer.prune(*previous, *plan, outcome.result);
  if (!outcome.result.ok()) {
    return failed("ReconciliationFailed", Error(outcome.result.error));
  }
  status.set("inventory", inventory_of(*plan));
  status.set("observedGeneration", Node::integer(generation));
  outcome.timeout = spec->timeout;
  outcome.health_targets = std::move(*targets);
  outcome.plan = std::move(*plan);
  if (!outcome.health_targets.empty() && health_wait == HealthWait::deferred &&
      healthy_without_changes(outcome)) {
    // Nothing was written and every target is Current: there is no wait to report (Ready
    // does not flap to Unknown for a revision that changes nothing here).
    outcome.health_targets.clear();
  }
  if (!outcome.health_targets.empty()) {
    if (health_wait == HealthWait::deferred) {
      set_condition(status, "Reconciling", true, "Progressing",
                    "Health check in progress for revision " + revision, generation);
      set_condition(status, "Ready", false, "Progressing", "Reconciliation in progress",
                    generation);
      // Ready is Unknown while health is judged, as Flux writes it.
      for (Node& c : status["conditions"].items_mut()) {
        if (c.string_at({"type"}) == "Ready") c.set("status", Node::string("Unknown"));
      }
      TRY_VOID(write_status(k_kustomizations, *object, std::move(status)));
      return outcome;
    }
    sync::Plan checks;
    checks.workloads = outcome.health_targets;
    syncer.wait(checks, spec->timeout, outcome.result);
    if (!outcome.result.ok()) return failed("HealthCheckFailed", Error(outcome.result.error));
  }
  status.set("lastAppliedRevision", Node::string(revision));
  remove_condition(status, "Reconciling");
  set_condition(status, "Ready", true, "ReconciliationSucceeded", "Applied revision: " + revision,
                generation);
  mark_handled(status, *object);
  TRY_VOID(write_status(k_kustomizations, *object, std::move(status)));
  return outcome;
}

bool Reconcilers::healthy_without_changes(const KustomizationOutcome& outcome) const {
  if (!m_cache) return false;
  for (const sync::ObjectResult& o : outcome.result.objects) {
    if (o.action == sync::Action::created || o.action == sync::Action::configured) return false;
  }
  for (const sync::PlannedObject& o : outcome.health_targets) {
    if (!m_cache->follows(o.resource, o.ref.namespace_)) return false;
    auto live = m_cache->get(o.resource, o.ref.namespace_, o.ref.name);
    if (!live || sync::health_of(*live).health != sync::Health::current) return false;
  }
  return true;
}

Result<sync::SyncResult> Reconcilers::garbage_collect(const Node& object) {
  std::string key(object.string_at({"metadata", "namespace"}));
  key += "/";
  key += object.string_at({"metadata", "name"});
  m_renders.forget(key);
  {
    std::lock_guard lock(m_written_mutex);
    m_written.erase(written_key(k_kustomizations, object.string_at({"metadata", "namespace"}),
                                object.string_at({"metadata", "name"})));
  }
  sync::SyncResult result;
  auto spec = parse_kustomization(object);
  if (!spec || !spec->prune || spec->suspend) return result;  // Flux orphans them then
  auto previous = TRY(previous_objects(m_client, object));
  sync::Syncer syncer(m_client, {});
  syncer.prune(previous, sync::Plan{}, result);
  return result;
}

Result<void> Reconcilers::finish_kustomization(const std::string& ns, const std::string& name,
                                               const KustomizationOutcome& outcome,
                                               const std::string& health_error) {
  auto object = TRY(read(k_kustomizations, ns, name));
  if (!object) return {};
  int64_t generation = generation_of(*object);
  Node status = object->find("status") ? *object->find("status") : Node::map();
  remove_condition(status, "Reconciling");
  if (health_error.empty()) {
    status.set("lastAppliedRevision", Node::string(outcome.revision));
    set_condition(status, "Ready", true, "ReconciliationSucceeded",
                  "Applied revision: " + outcome.revision, generation);
  } else {
    set_condition(status, "Ready", false, "HealthCheckFailed", health_error, generation);
  }
  mark_handled(status, *object);
  return write_status(k_kustomizations, *object, std::move(status));
}

}  // namespace plumb::controller
