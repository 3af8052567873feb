#include "controller/application.hpp"

#include <algorithm>
#include <charconv>
#include <thread>

#include "argo/crds.hpp"
#include "argo/lua_health.hpp"
#include "controller/helm_capabilities.hpp"
#include "controller/json_patch.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "sync/fields.hpp"
#include "sync/plan.hpp"
#include "sync/sync.hpp"

namespace plumb::controller {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::string_view k_manager = "plumb";
// A resolved targetRevision is reused this long; a webhook forgets it sooner.
constexpr auto k_revision_reuse = 60s;
// How long a wave may take to become healthy, and a hook to finish.
constexpr auto k_wave_timeout = 5min;
constexpr auto k_hook_timeout = 5min;
// Argo's default self-heal timeout: a revision synced is not synced again sooner.
constexpr auto k_self_heal_timeout = 5s;

const kube::Resource k_namespaces{"", "v1", "Namespace", "namespaces", false};

std::string ns_of(const Node& object) {
  return std::string(object.string_at({"metadata", "namespace"}));
}
std::string name_of(const Node& object) {
  return std::string(object.string_at({"metadata", "name"}));
}

// The name Argo uses for an application in tracking ids: plain in Argo's own namespace,
// "NAMESPACE_NAME" elsewhere (apps in any namespace).
std::string app_instance(const Node& app) {
  std::string ns = ns_of(app);
  return ns == k_argo_namespace || ns.empty() ? name_of(app) : ns + "_" + name_of(app);
}

void set_annotation(Node& object, std::string_view key, std::string_view value) {
  Node& annotations = object["metadata"]["annotations"];
  if (!annotations.is_map()) annotations = Node::map();
  annotations.set(key, Node::string(value));
}

// ignoreDifferences as the fields an application leaves to the cluster: helm_drift's
// DriftIgnore (JSON pointers on the objects a target picks), used when comparing and when
// the drift watch judges a change — so an ignored difference neither makes the application
// OutOfSync nor is undone by selfHeal.
std::shared_ptr<const DriftIgnore> ignored_fields(const argo::Application& app) {
  std::vector<DriftIgnoreRule> rules;
  for (const argo::IgnoreDifference& d : app.ignore_differences) {
    DriftIgnoreRule rule{d.json_pointers, Node::map()};
    rule.target.set("group", Node::string(d.group));
    rule.target.set("kind", Node::string(d.kind));
    if (!d.name.empty()) rule.target.set("name", Node::string(d.name));
    if (!d.namespace_.empty()) rule.target.set("namespace", Node::string(d.namespace_));
    rules.push_back(std::move(rule));
  }
  auto parsed = DriftIgnore::parse(rules);
  return parsed && !parsed->empty() ? std::make_shared<const DriftIgnore>(std::move(*parsed))
                                    : nullptr;
}

std::vector<std::string> images_of(const std::vector<Node>& objects) {
  std::vector<std::string> images;
  auto add_containers = [&](const Node* list) {
    if (!list || !list->is_list()) return;
    for (const Node& c : list->items()) {
      std::string image(c.string_at({"image"}));
      if (!image.empty() && std::find(images.begin(), images.end(), image) == images.end())
        images.push_back(image);
    }
  };
  for (const Node& o : objects) {
    for (const Node* spec : {o.at_path({"spec", "template", "spec"}), o.at_path({"spec"}),
                             o.at_path({"spec", "jobTemplate", "spec", "template", "spec"})}) {
      if (!spec) continue;
      add_containers(spec->find("initContainers"));
      add_containers(spec->find("containers"));
    }
  }
  std::sort(images.begin(), images.end());
  return images;
}

Node ref_node(const ObjectRef& ref) {
  Node n = Node::map();
  n.set("group", Node::string(ref.group));
  n.set("version", Node::string(ref.version));
  n.set("kind", Node::string(ref.kind));
  if (!ref.namespace_.empty()) n.set("namespace", Node::string(ref.namespace_));
  n.set("name", Node::string(ref.name));
  return n;
}

// Argo's assessment with this reconcile's judge (ClusterConnection::health), or, without one,
// with the Application check Argo CD's documentation gives for app-of-apps (a child
// application is as healthy as its own status says).
std::optional<argo::Health> assess(const Node& live, const argo::HealthOverride& judge) {
  return argo::assess_health(
      live, judge ? judge : argo::HealthOverride(argo::restored_application_health));
}

const kube::Resource k_config_maps{"", "v1", "ConfigMap", "configmaps", true};
constexpr std::string_view k_argocd_cm = "argocd-cm";

std::string_view health_word(const std::optional<argo::Health>& h) {
  return h ? argo::to_string(h->status) : std::string_view();
}

std::string now_text() {
  return now_rfc3339();
}

// A JSON patch of an Application, its uid tested first.
Result<void> patch_application(kube::Client& client, const Node& application,
                               std::vector<Node> operations, std::string_view what) {
  TRY(patch_tested(client, argo::k_applications, application, std::move(operations), what));
  return {};
}

// The resources (hooks aside) an application's last status lists: what it manages.
std::vector<ObjectRef> listed_resources(const Node& application) {
  std::vector<ObjectRef> out;
  const Node* resources = application.at_path({"status", "resources"});
  if (!resources || !resources->is_list()) return out;
  for (const Node& r : resources->items()) {
    if (r.find("hook") && r.find("hook")->as_bool()) continue;
    out.push_back(
        ObjectRef{std::string(r.string_at({"group"})), std::string(r.string_at({"version"})),
                  std::string(r.string_at({"kind"})), std::string(r.string_at({"namespace"})),
                  std::string(r.string_at({"name"}))});
  }
  return out;
}

// The resources an operation limits itself to (operation.sync.resources); empty = all.
bool selected(const Node& operation, const ObjectRef& ref) {
  const Node* resources = operation.at_path({"sync", "resources"});
  if (!resources || !resources->is_list() || resources->empty()) return true;
  for (const Node& r : resources->items()) {
    if (r.string_at({"kind"}) == ref.kind && r.string_at({"group"}) == ref.group &&
        r.string_at({"name"}) == ref.name &&
        (r.string_at({"namespace"}).empty() || r.string_at({"namespace"}) == ref.namespace_))
      return true;
  }
  return false;
}

}  // namespace

std::string_view to_string(AppCondition type) {
  switch (type) {
    case AppCondition::invalid_spec:
      return "InvalidSpecError";
    case AppCondition::comparison_error:
      return "ComparisonError";
    case AppCondition::sync_error:
      return "SyncError";
    case AppCondition::orphaned_resource_warning:
      return "OrphanedResourceWarning";
  }
  return "";
}

std::string_view to_string(OperationPhase phase) {
  switch (phase) {
    case OperationPhase::running:
      return "Running";
    case OperationPhase::succeeded:
      return "Succeeded";
    case OperationPhase::failed:
      return "Failed";
    case OperationPhase::error:
      return "Error";
  }
  return "";
}

std::string_view to_string(TaskResult::Status status) {
  switch (status) {
    case TaskResult::Status::synced:
      return "Synced";
    case TaskResult::Status::sync_failed:
      return "SyncFailed";
    case TaskResult::Status::pruned:
      return "Pruned";
    case TaskResult::Status::prune_skipped:
      return "PruneSkipped";
  }
  return "";
}

std::string tracking_id(const Node& application, const ObjectRef& ref) {
  return app_instance(application) + ":" + ref.group + "/" + ref.kind + ":" + ref.namespace_ + "/" +
         ref.name;
}

std::optional<NamespacedName> tracked_by(const Node& object) {
  std::string_view id = object.string_at({"metadata", "annotations", k_tracking_annotation});
  size_t colon = id.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view instance = id.substr(0, colon);
  // "NAMESPACE_NAME" (a namespace has no '_'), or NAME in Argo's own namespace.
  size_t underscore = instance.find('_');
  if (underscore == std::string_view::npos)
    return NamespacedName{std::string(k_argo_namespace), std::string(instance)};
  return NamespacedName{std::string(instance.substr(0, underscore)),
                        std::string(instance.substr(underscore + 1))};
}

std::vector<std::string> ApplicationReconciler::repositories(const Node& application) {
  std::vector<std::string> urls;
  if (std::string url(application.string_at({"spec", "source", "repoURL"})); !url.empty())
    urls.push_back(url);
  if (const Node* sources = application.at_path({"spec", "sources"}); sources && sources->is_list())
    for (const Node& s : sources->items())
      if (std::string url(s.string_at({"repoURL"})); !url.empty()) urls.push_back(url);
  return urls;
}

// ---- the reconcile -----------------------------------------------------------------------

ApplicationOutcome ApplicationReconciler::reconcile(const Node& object) {
  ApplicationOutcome out;
  // An operation in the object (a manual sync, a rollback) names its own revision.
  const Node* operation = object.find("operation");
  bool requested = operation && operation->is_map() && operation->find("sync");
  // A reconcile that cannot compare says why; an operation asked for ends in error, as
  // Argo's does (the CLI waiting for it learns why).
  auto stop = [&](AppCondition type, std::string message) {
    if (requested) {
      OperationRun run;
      run.operation = *operation;
      run.phase = OperationPhase::error;
      run.message = message;
      run.started_at = run.finished_at = now_text();
      out.operation = std::move(run);
      out.operation_requested = true;
    }
    out.conditions.emplace_back(type, std::move(message));
    return out;
  };
  auto app = argo::parse_application(object);
  if (!app) return stop(AppCondition::invalid_spec, app.error().message());
  auto clusters = registered_clusters(app->namespace_, app->destination);
  if (!clusters) return stop(AppCondition::comparison_error, clusters.error().message());
  auto project = this->project(*app);
  if (!project) return stop(AppCondition::invalid_spec, project.error().message());
  if (auto refusal = argo::project_refusal(*project, *app, *clusters))
    return stop(AppCondition::invalid_spec, *refusal);
  auto cluster =
      argo::destination_cluster(app->destination.name, app->destination.server, *clusters);
  if (!cluster) return stop(AppCondition::invalid_spec, cluster.error().message());
  // Argo's words for a cluster whose state cannot be read.
  auto live_state_failed = [&](const Error& e) {
    return stop(AppCondition::comparison_error, "Failed to load live state: " + e.message());
  };
  auto to = connection(*cluster);
  if (!to) return live_state_failed(to.error());
  to->health = health_judge(app->namespace_);
  std::string revision_override =
      requested ? std::string(operation->string_at({"sync", "revision"})) : "";
  auto desired = this->desired(object, *app, *to, revision_override);
  if (!desired) return stop(AppCondition::comparison_error, desired.error().message());
  out.revision = desired->revision;
  out.source_type = desired->type;
  out.images = images_of(desired->objects);
  auto compared = compare(object, *app, *to, *desired, false);
  if (!compared) return live_state_failed(compared.error());

  // Sync when asked, or when the automated policy says so.
  bool automated = app->sync_policy.automated && app->sync_policy.automated->enabled;
  Node auto_operation;
  if (!requested && automated && !compared->synced) {
    const Node* last = object.at_path({"status", "operationState"});
    bool failed_before = last && last->string_at({"phase"}) != "Succeeded" &&
                         last->string_at({"phase"}) != "Running" &&
                         last->string_at({"syncResult", "revision"}) == desired->revision;
    bool synced_before = object.string_at({"status", "sync", "revision"}) == desired->revision &&
                         last && last->string_at({"phase"}) == "Succeeded" &&
                         last->string_at({"syncResult", "revision"}) == desired->revision;
    bool empty_refused = desired->objects.empty() && !app->sync_policy.automated->allow_empty &&
                         app->sync_policy.automated->prune;
    // selfHeal syncs the same revision again, but not within Argo's self-heal timeout of the
    // last sync (an object the cluster keeps changing back would be synced without end).
    auto finished = parse_rfc3339(last ? last->string_at({"finishedAt"}) : "");
    auto since = finished ? std::chrono::system_clock::now() - *finished
                          : std::chrono::system_clock::duration::max();
    bool heal_now = app->sync_policy.automated->self_heal && since >= k_self_heal_timeout;
    if (app->sync_policy.automated->self_heal && !heal_now && synced_before && !failed_before)
      out.requeue_after =
          std::chrono::duration_cast<std::chrono::milliseconds>(k_self_heal_timeout - since) +
          100ms;
    // Argo: a revision whose automated sync failed is not tried again; one that synced is
    // synced again only with selfHeal (drift); an empty render never prunes everything.
    if (!failed_before && (!synced_before || heal_now) && !empty_refused) {
      auto_operation = Node::map();
      Node sync_op = Node::map();
      sync_op.set("revision", Node::string(desired->revision));
      sync_op.set("prune", Node::boolean(app->sync_policy.automated->prune));
      auto_operation.set("sync", std::move(sync_op));
      Node by = Node::map();
      by.set("automated", Node::boolean(true));
      auto_operation.set("initiatedBy", std::move(by));
    } else if (empty_refused) {
      out.conditions.emplace_back(
          AppCondition::sync_error,
          "Skipping sync attempt: auto-sync will wipe out all resources (allowEmpty is false)");
    }
  }
  if (requested || auto_operation.is_map()) {
    out.operation = sync(object, *app, *to, *desired, *compared,
                         requested ? *operation : auto_operation, !requested);
    out.operation_requested = requested;
    if (out.operation->phase != OperationPhase::succeeded)
      out.conditions.emplace_back(AppCondition::sync_error, out.operation->message);
    if (auto again = compare(object, *app, *to, *desired, true)) compared = std::move(again);
  }
  out.compared = true;
  out.synced = compared->synced;
  out.resources = std::move(compared->resources);
  std::vector<argo::ResourceHealth> healths;
  for (const ResourceState& r : out.resources) {
    if (r.requires_pruning) continue;
    healths.push_back(
        argo::ResourceHealth{r.missing ? std::nullopt : r.health, r.hook, r.missing, r.ref});
  }
  argo::Health health = argo::aggregate_app_health(healths);
  out.health = health.status;
  out.health_message = std::move(health.message);
  return out;
}

Result<argo::AppProject> ApplicationReconciler::project(const argo::Application& app) {
  // From the controller's watch when it has one, as Argo reads projects from its informer. A
  // project it lacks may be new: the API server says whether it exists, except for `default`,
  // which has a built-in answer.
  if (m_ensure_watched) (void)m_ensure_watched(argo::k_app_projects);
  auto get = [&](const std::string& ns) -> Result<std::optional<Node>> {
    if (m_cache && m_cache->follows(argo::k_app_projects, ns)) {
      std::optional<Node> cached = m_cache->get(argo::k_app_projects, ns, app.project);
      if (cached || app.project == "default") return cached;
    }
    return m_client.get(argo::k_app_projects, ns, app.project);
  };
  auto live = TRY(get(app.namespace_));
  if (!live && app.namespace_ != k_argo_namespace) live = TRY(get(std::string(k_argo_namespace)));
  if (live) return argo::parse_app_project(*live);
  if (app.project == "default") return argo::default_project(app.namespace_);
  return fail("Application referencing project " + app.project + " which does not exist");
}

Result<std::vector<argo::Cluster>> ApplicationReconciler::registered_clusters(
    const std::string& app_namespace, const argo::Destination& destination) {
  auto listed = m_clusters.clusters(app_namespace);
  if (listed) return listed;
  std::string_view server = destination.server;
  while (server.ends_with('/'))
    server.remove_suffix(1);
  bool in_cluster = destination.name.empty()
                        ? server == argo::k_in_cluster_server
                        : destination.name == argo::k_in_cluster_name && server.empty();
  if (in_cluster) return std::vector<argo::Cluster>();
  return std::unexpected(listed.error().context("reading the cluster Secrets"));
}

Result<ClusterConnection> ApplicationReconciler::connection(const argo::Cluster& cluster) {
  if (!cluster.in_cluster()) return m_clusters.connect(cluster);
  ClusterConnection local;
  local.cluster = cluster;
  local.client = &m_client;
  local.cache = m_cache;
  if (m_ensure_watched)
    local.watch = [this](const kube::Resource& resource) { (void)m_ensure_watched(resource); };
  return local;
}

argo::HealthOverride ApplicationReconciler::health_judge(const std::string& app_namespace) {
  // argocd-cm of the namespace, from the cache when it can follow the namespace's ConfigMaps.
  std::optional<Node> config;
  if (m_cache && m_cache->watch(k_config_maps, app_namespace)) {
    config = m_cache->get(k_config_maps, app_namespace, k_argocd_cm);
  } else if (auto read = m_client.get(k_config_maps, app_namespace, k_argocd_cm)) {
    config = std::move(*read);
  }
  std::string version(config ? config->string_at({"metadata", "resourceVersion"}) : "");
  {
    LockGuard lock(m_health_mutex);
    auto it = m_judges.find(app_namespace);
    if (it != m_judges.end() && it->second.config_version == version) return it->second.health;
  }
  auto made = [&]() -> Result<argo::Customizations> {
    argo::Customizations c;
    if (config) c = TRY(argo::Customizations::from_config_map(*config));
    if (!m_customization_dir.empty())
      TRY_VOID(c.read_directory(*make_disk_fs(), m_customization_dir));
    return c;
  }();
  argo::HealthOverride judge;
  if (made) {
    judge = argo::customized_health_override(
        std::make_shared<const argo::Customizations>(std::move(*made)));
  } else {
    // Every object Unknown, saying why (Argo cannot judge them either).
    std::string why =
        app_namespace + "/" + std::string(k_argocd_cm) + ": " + made.error().message();
    judge = [why](const Node&) -> Result<std::optional<argo::Health>> {
      return argo::Health{argo::HealthStatus::unknown, why};
    };
  }
  LockGuard lock(m_health_mutex);
  m_judges[app_namespace] = Judge{version, judge};
  return judge;
}

Result<std::string> ApplicationReconciler::resolve_revision(const std::string& url,
                                                            const std::string& revision) {
  std::string ref = revision == "HEAD" ? "" : revision;
  auto key = std::make_pair(url, ref);
  auto fresh = [&]() -> std::optional<std::string> {
    LockGuard lock(m_revisions_mutex);
    auto it = m_revisions.find(key);
    if (it != m_revisions.end() && Clock::now() - it->second.at < k_revision_reuse)
      return it->second.commit;
    return std::nullopt;
  };
  if (auto commit = fresh()) return *commit;
  return m_sources.with(url, [&](source::GitSource& src) -> Result<std::string> {
    if (auto commit = fresh()) return *commit;  // resolved by another worker meanwhile
    source::Revision resolved = TRY(src.fetch_git_ref(ref, source::GitAuth{}));
    LockGuard lock(m_revisions_mutex);
    m_revisions[key] = Resolved{resolved.commit, Clock::now()};
    return resolved.commit;
  });
}

void ApplicationReconciler::forget_revisions(const std::string& url) {
  LockGuard lock(m_revisions_mutex);
  std::erase_if(m_revisions, [&](const auto& entry) { return entry.first.first == url; });
}

Result<ApplicationReconciler::Desired> ApplicationReconciler::desired(
    const Node& object, const argo::Application& app, const ClusterConnection& to,
    const std::string& revision_override) {
  Desired out;
  std::vector<const argo::ApplicationSource*> rendered_sources;
  for (const argo::ApplicationSource& s : app.sources) {
    if (!s.chart.empty())
      return fail("source " + s.repo_url + " chart " + s.chart +
                  ": Helm repository sources are not supported by Plumb yet (a chart in a git "
                  "repository is)");
    if (!s.ref.empty() && s.path.empty()) continue;  // a `ref` source only lends its files
    if (!s.ref.empty() || app.multi_source)
      return fail("multi-source applications are not supported by Plumb yet");
    rendered_sources.push_back(&s);
  }
  std::optional<ClusterCapabilities> caps;
  for (const argo::ApplicationSource* s : rendered_sources) {
    std::string revision = revision_override.empty() ? s->target_revision : revision_override;
    std::string commit = TRY(resolve_revision(s->repo_url, revision));
    out.revision = commit;
    auto render =
        m_sources.with(s->repo_url, [&](source::GitSource& src) -> Result<argo::Rendered> {
          auto files = TRY(src.files(commit));
          argo::RenderRequest request;
          request.tree = files.get();
          request.source = s;
          request.app_name = app.name;
          request.namespace_ = app.destination.namespace_;
          if (argo::source_type(*files, *s) == argo::SourceType::helm) {
            if (!caps) caps = TRY(cluster_capabilities(*to.client));
            request.kube_version = caps->kube_version;
            request.api_versions = caps->api_versions;
          }
          return argo::render_source(request);
        });
    if (!render) return std::unexpected(std::move(render).error());
    argo::Rendered& rendered = *render;
    out.type = rendered.type;
    for (Node& o : rendered.objects)
      out.objects.push_back(std::move(o));
  }
  // Argo leaves Skip hooks out, puts namespaced objects without a namespace in the
  // destination's, and tracks every object by annotation.
  std::vector<Node> objects;
  for (Node& o : out.objects) {
    if (argo::is_skipped(o)) continue;
    std::string api_version(o.string_at({"apiVersion"}));
    std::string kind(o.string_at({"kind"}));
    bool namespaced = true;
    if (auto r = to.client->resource_for(api_version, kind)) {
      namespaced = r->namespaced;
    } else if (auto crd = sync::resource_from_crds(out.objects, api_version, kind)) {
      namespaced = crd->namespaced;
    }
    if (namespaced && o.string_at({"metadata", "namespace"}).empty() &&
        !app.destination.namespace_.empty())
      o["metadata"].set("namespace", Node::string(app.destination.namespace_));
    if (!namespaced) o["metadata"].erase("namespace");
    if (!o.string_at({"metadata", "name"}).empty() || !argo::hook_of(o))
      set_annotation(o, k_tracking_annotation, tracking_id(object, ObjectRef::of(o)));
    objects.push_back(o);  // a copy (shared): resource_from_crds reads out.objects whole
  }
  out.objects = std::move(objects);
  return out;
}

Result<std::optional<Node>> ApplicationReconciler::live_object(const ClusterConnection& to,
                                                               const kube::Resource& resource,
                                                               const std::string& ns,
                                                               const std::string& name) {
  if (to.cache && to.cache->follows(resource, ns)) return to.cache->get(resource, ns, name);
  return to.client->get(resource, ns, name);
}

Result<ApplicationReconciler::Compared> ApplicationReconciler::compare(const Node& object,
                                                                       const argo::Application& app,
                                                                       const ClusterConnection& to,
                                                                       const Desired& desired,
                                                                       bool after_sync) {
  Compared out;
  out.synced = true;
  std::shared_ptr<const DriftIgnore> ignore = ignored_fields(app);
  std::vector<ObjectRef> wanted;
  for (const Node& o : desired.objects) {
    ObjectRef ref = ObjectRef::of(o);
    bool hook = argo::hook_of(o).has_value();
    if (hook) continue;  // hooks are not compared; they run during a sync
    wanted.push_back(ref);
    // A cluster managed namespace by namespace has no live state outside them.
    if (auto unmanaged = argo::unmanaged_object(to.cluster, ref.kind, ref.name, ref.namespace_))
      return fail(*unmanaged);
    ResourceState state;
    state.ref = ref;
    auto resource = to.client->resource_for(o.string_at({"apiVersion"}), ref.kind);
    if (!resource && resource.error().code() != 404) return std::unexpected(resource.error());
    std::optional<Node> live;
    if (resource) {
      if (to.watch) to.watch(*resource);
      live = TRY(live_object(to, *resource, ref.namespace_, ref.name));
    }
    Node compared = o;
    if (ignore && live) ignore->take_live(compared, *live);
    state.synced = live && sync::already_applied(compared, *live, k_manager);
    if (!state.synced && resource && to.cache && after_sync) {
      // The cache may not hold a write this reconcile just made: the API server decides.
      // Before a sync the cache's answer stands (its events queue the application again).
      if (auto fresh = to.client->get(*resource, ref.namespace_, ref.name)) {
        live = *fresh;
        compared = o;
        if (ignore && live) ignore->take_live(compared, *live);
        state.synced = live && sync::already_applied(compared, *live, k_manager);
      }
    }
    state.missing = !live;
    state.health = live
                       ? assess(*live, to.health)
                       : std::optional<argo::Health>(argo::Health{argo::HealthStatus::missing, ""});
    out.synced = out.synced && state.synced;
    out.resources.push_back(std::move(state));
  }
  // What the last status listed and the render no longer has: to prune, when the live
  // object still carries this application's tracking id.
  {
    for (const ObjectRef& ref : listed_resources(object)) {
      if (std::any_of(wanted.begin(), wanted.end(),
                      [&](const ObjectRef& w) { return w.same_object(ref); }))
        continue;
      auto resource = to.client->resource_for(ref.api_version(), ref.kind);
      if (!resource) continue;
      auto live = TRY(live_object(to, *resource, ref.namespace_, ref.name));
      if (!live || live->string_at({"metadata", "annotations", k_tracking_annotation}) !=
                       tracking_id(object, ref))
        continue;
      ResourceState state;
      state.ref = ref;
      state.requires_pruning = true;
      state.health = assess(*live, to.health);
      out.resources.push_back(std::move(state));
      out.to_prune.push_back(std::move(*live));
      out.synced = false;
    }
  }
  return out;
}

Result<ApplicationReconciler::Preview> ApplicationReconciler::preview(const Node& object) {
  argo::Application app = TRY(argo::parse_application(object));
  std::vector<argo::Cluster> clusters = TRY(registered_clusters(app.namespace_, app.destination));
  argo::Cluster cluster =
      TRY(argo::destination_cluster(app.destination.name, app.destination.server, clusters));
  Preview out;
  out.destination = TRY(connection(cluster));
  out.destination.health = health_judge(app.namespace_);
  const ClusterConnection& to = out.destination;
  Desired desired = TRY(this->desired(object, app, to, ""));
  Compared compared = TRY(compare(object, app, to, desired, false));
  out.revision = desired.revision;
  std::vector<Node> resources;
  for (Node& o : desired.objects)
    if (!argo::hook_of(o)) resources.push_back(std::move(o));
  out.plan = TRY(sync::make_plan(std::move(resources), *to.client, {}));
  for (Node& live : compared.to_prune) {
    ObjectRef ref = ObjectRef::of(live);
    kube::Resource resource = TRY(to.client->resource_for(ref.api_version(), ref.kind));
    out.pruned.push_back(sync::PlannedObject{ref, std::move(live), std::move(resource)});
  }
  return out;
}

// ---- the sync ----------------------------------------------------------------------------

OperationRun ApplicationReconciler::sync(const Node& object, const argo::Application& app,
                                         const ClusterConnection& to, const Desired& desired,
                                         const Compared& compared, const Node& operation,
                                         bool automated) {
  OperationRun run;
  run.operation = operation;
  run.automated = automated;
  run.revision = desired.revision;
  run.started_at = now_text();
  auto finish = [&](OperationPhase phase, std::string message) {
    run.phase = phase;
    run.message = std::move(message);
    run.finished_at = now_text();
    return run;
  };
  auto flag = [&](std::string_view key) {
    const Node* n = operation.at_path({"sync", key});
    return n && n->as_bool();
  };
  bool prune = flag("prune");
  run.dry_run = flag("dryRun");
  // The operation's sync options (what `argocd app sync --sync-option` asks) replace the
  // application's, as Argo's do.
  argo::SyncOptions options = app.sync_policy.options;
  if (const Node* asked = operation.at_path({"sync", "syncOptions"}); asked && asked->is_list()) {
    std::vector<std::string> items;
    for (const Node& i : asked->items())
      items.emplace_back(i.as_string());
    if (auto parsed = argo::parse_sync_options(items, "operation.sync.syncOptions"))
      options = std::move(*parsed);
  }
  std::vector<Node> objects;
  for (const Node& o : desired.objects)
    if (selected(operation, ObjectRef::of(o))) objects.push_back(o);
  std::vector<Node> prunes;
  if (prune) {
    for (const Node& p : compared.to_prune)
      if (selected(operation, ObjectRef::of(p))) prunes.push_back(p);
  }
  argo::PlanContext context;
  context.namespace_ = app.destination.namespace_;
  context.revision = desired.revision;
  context.started_at = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  context.skip_hooks = run.dry_run || (operation.at_path({"sync", "resources"}) != nullptr &&
                                       !operation.at_path({"sync", "resources"})->empty());
  if (options.create_namespace.value_or(false) && !app.destination.namespace_.empty()) {
    auto live = to.client->get(k_namespaces, "", app.destination.namespace_);
    context.managed_namespace = argo::managed_namespace(app, live && *live);
  }
  auto tasks = argo::plan_sync_tasks(std::move(objects), std::move(prunes), options, context);
  if (!tasks) return finish(OperationPhase::error, tasks.error().message());
  std::vector<argo::WaveRange> waves = argo::waves(*tasks);
  std::vector<size_t> regular;
  for (size_t i = 0; i < waves.size(); ++i)
    if (waves[i].phase != argo::Phase::sync_fail) regular.push_back(i);
  std::optional<Error> failure;
  for (size_t n = 0; n < regular.size() && !failure; ++n) {
    const argo::WaveRange& w = waves[regular[n]];
    bool later = n + 1 < regular.size();
    if (auto done = run_wave(to, *tasks, w.begin, w.end, later && !run.dry_run, run); !done)
      failure = done.error();
  }
  // Hooks are deleted by policy once the sync's outcome is known: HookSucceeded ones after a
  // successful sync, HookFailed ones (whatever their own outcome) after a failed one.
  auto delete_hooks = [&](argo::DeletePolicy policy) {
    for (const argo::SyncTask& t : *tasks) {
      if (!t.hook || !t.hook_info || !t.target.is_map()) continue;
      const auto& policies = t.hook_info->delete_policies;
      if (std::find(policies.begin(), policies.end(), policy) == policies.end()) continue;
      ObjectRef ref = ObjectRef::of(t.target);
      if (auto resource = to.client->resource_for(ref.api_version(), ref.kind))
        (void)to.client->remove(*resource, ref.namespace_, ref.name, kube::Propagation::background);
    }
  };
  if (run.dry_run)
    return failure ? finish(OperationPhase::failed, failure->message())
                   : finish(OperationPhase::succeeded, "successfully synced (dry run)");
  if (!failure) {
    delete_hooks(argo::DeletePolicy::hook_succeeded);
    // The drift watch follows what this sync applied (hooks are not watched) in the cluster
    // Plumb runs in; on another, its watches queue the application (what the drift watch
    // followed for it before is forgotten).
    ObjectRef owner{std::string(argo::k_group), "v1alpha1", "Application", ns_of(object),
                    name_of(object)};
    if (m_on_applied && !to.local)
      m_on_applied(owner, sync::Plan{}, DriftWatch{.mode = DriftWatch::Mode::off});
    if (m_on_applied && to.local) {
      std::vector<Node> applied;
      for (const argo::SyncTask& t : *tasks)
        if (!t.hook && !t.prune && t.target.is_map()) applied.push_back(t.target);
      if (auto plan = sync::make_plan(std::move(applied), m_client, {})) {
        DriftWatch drift;
        bool self_heal = app.sync_policy.automated && app.sync_policy.automated->enabled &&
                         app.sync_policy.automated->self_heal;
        drift.mode = self_heal ? DriftWatch::Mode::repair : DriftWatch::Mode::refresh;
        if (auto ignore = ignored_fields(app))
          drift.left_to_cluster = [ignore](Node& d, const Node& live) {
            ignore->take_live(d, live);
          };
        m_on_applied(owner, *plan, drift);
      }
    }
    return finish(OperationPhase::succeeded, "successfully synced (all tasks run)");
  }
  delete_hooks(argo::DeletePolicy::hook_failed);
  // SyncFail hooks run after a failure; the sync stays failed whatever they do.
  for (const argo::WaveRange& w : waves) {
    if (w.phase != argo::Phase::sync_fail) continue;
    for (size_t i = w.begin; i < w.end; ++i)
      if ((*tasks)[i].hook) (void)run_hook(to, (*tasks)[i], run);
  }
  return finish(OperationPhase::failed, failure->message());
}

Result<void> ApplicationReconciler::run_wave(const ClusterConnection& to,
                                             std::vector<argo::SyncTask>& tasks, size_t begin,
                                             size_t end, bool wait_healthy, OperationRun& run) {
  // Hooks of the wave first run to their end; then its resources are applied, then pruned.
  for (size_t i = begin; i < end; ++i) {
    if (!tasks[i].hook) continue;
    TRY_VOID(run_hook(to, tasks[i], run));
  }
  std::vector<Node> applied;
  std::vector<const argo::SyncTask*> applied_tasks;
  for (size_t i = begin; i < end; ++i) {
    if (tasks[i].hook || tasks[i].prune) continue;
    applied.push_back(tasks[i].target);
    applied_tasks.push_back(&tasks[i]);
  }
  std::vector<std::pair<kube::Resource, ObjectRef>> waited;
  if (!applied.empty()) {
    auto plan = sync::make_plan(applied, *to.client, {});
    if (!plan) {
      for (const argo::SyncTask* t : applied_tasks)
        run.results.push_back(TaskResult{ObjectRef::of(t->target), t->phase, t->wave,
                                         TaskResult::Status::sync_failed, plan.error().message()});
      return std::unexpected(plan.error());
    }
    sync::SyncOptions options;
    options.field_manager = std::string(k_manager);
    options.live_cache = to.cache;
    options.dry_run = run.dry_run ? kube::DryRun::yes : kube::DryRun::no;
    sync::Syncer syncer(*to.client, options);
    sync::SyncResult result = syncer.apply(*plan);
    for (const sync::ObjectResult& r : result.objects) {
      auto task = std::find_if(
          applied_tasks.begin(), applied_tasks.end(),
          [&](const argo::SyncTask* t) { return ObjectRef::of(t->target).same_object(r.ref); });
      TaskResult tr;
      tr.ref = r.ref;
      if (task != applied_tasks.end()) {
        tr.phase = (*task)->phase;
        tr.wave = (*task)->wave;
      }
      bool failed = r.action == sync::Action::failed || r.action == sync::Action::skipped;
      tr.status = failed ? TaskResult::Status::sync_failed : TaskResult::Status::synced;
      tr.message = failed ? r.message
                          : r.ref.kind + "/" + r.ref.name +
                                (r.action == sync::Action::created      ? " created"
                                 : r.action == sync::Action::configured ? " configured"
                                                                        : " unchanged");
      run.results.push_back(std::move(tr));
    }
    if (!result.ok()) return std::unexpected(result.error);
    for (const sync::PlannedObject& p : sync::all_objects(*plan))
      waited.emplace_back(p.resource, p.ref);
  }
  for (size_t i = begin; i < end; ++i) {
    argo::SyncTask& t = tasks[i];
    if (!t.prune) continue;
    ObjectRef ref = ObjectRef::of(t.live);
    TaskResult tr{ref, t.phase, t.wave, TaskResult::Status::pruned, "pruned"};
    if (run.dry_run) {
      tr.message = "pruned (dry run)";
      run.results.push_back(std::move(tr));
      continue;
    }
    if (t.options.prune && !*t.options.prune) {
      tr.status = TaskResult::Status::prune_skipped;
      tr.message = "ignored (no prune)";
      run.results.push_back(std::move(tr));
      continue;
    }
    auto resource = to.client->resource_for(ref.api_version(), ref.kind);
    if (!resource) {
      tr.status = TaskResult::Status::sync_failed;
      tr.message = resource.error().message();
      run.results.push_back(std::move(tr));
      return std::unexpected(resource.error());
    }
    kube::Propagation propagation =
        t.options.prune_propagation_policy == "background" ? kube::Propagation::background
        : t.options.prune_propagation_policy == "orphan"   ? kube::Propagation::orphan
                                                           : kube::Propagation::foreground;
    auto removed = to.client->remove(*resource, ref.namespace_, ref.name, propagation);
    if (!removed) {
      tr.status = TaskResult::Status::sync_failed;
      tr.message = removed.error().message();
      run.results.push_back(std::move(tr));
      return std::unexpected(removed.error());
    }
    run.results.push_back(std::move(tr));
  }
  if (wait_healthy && !waited.empty())
    TRY_VOID(this->wait_healthy(to, waited, Clock::now() + k_wave_timeout));
  return {};
}

Result<void> ApplicationReconciler::wait_healthy(
    const ClusterConnection& to, const std::vector<std::pair<kube::Resource, ObjectRef>>& objects,
    Clock::time_point deadline) {
  for (const auto& [resource, ref] : objects)
    if (to.watch) to.watch(resource);
  std::string pending;
  std::optional<std::string> degraded;
  auto judge = [&]() {
    pending.clear();
    for (const auto& [resource, ref] : objects) {
      std::optional<Node> live =
          live_object(to, resource, ref.namespace_, ref.name).value_or(std::nullopt);
      if (!live) {
        pending = ref.display() + " missing";
        return false;
      }
      std::optional<argo::Health> h = assess(*live, to.health);
      if (!h || h->status == argo::HealthStatus::healthy) continue;
      if (h->status == argo::HealthStatus::degraded) {
        degraded = ref.display() + " is Degraded" + (h->message.empty() ? "" : ": " + h->message);
        return true;
      }
      pending = ref.display() + " is " + std::string(argo::to_string(h->status)) +
                (h->message.empty() ? "" : ": " + h->message);
      return false;
    }
    return true;
  };
  bool cached = to.cache != nullptr;
  for (const auto& [resource, ref] : objects)
    cached = cached && to.cache->follows(resource, ref.namespace_);
  bool done = false;
  if (cached) {
    done = to.cache->wait_until(judge, deadline);
  } else {
    while (!(done = judge()) && Clock::now() < deadline)
      std::this_thread::sleep_for(200ms);
  }
  if (degraded) return fail(*degraded);
  if (!done) return fail("timed out waiting for healthy resources: " + pending);
  return {};
}

Result<void> ApplicationReconciler::run_hook(const ClusterConnection& to,
                                             const argo::SyncTask& task, OperationRun& run) {
  const Node& hook = task.target;
  ObjectRef ref = ObjectRef::of(hook);  // generateName hooks are named by plan_sync_tasks
  TaskResult tr{
      ref, task.phase, task.wave, TaskResult::Status::synced, "", true, OperationPhase::running};
  auto record = [&](TaskResult::Status status, OperationPhase phase, std::string message) {
    tr.status = status;
    tr.hook_phase = phase;
    tr.message = std::move(message);
    run.results.push_back(tr);
  };
  auto resource = to.client->resource_for(hook.string_at({"apiVersion"}), ref.kind);
  if (!resource) {
    record(TaskResult::Status::sync_failed, OperationPhase::error, resource.error().message());
    return std::unexpected(resource.error());
  }
  const std::vector<argo::DeletePolicy>& policies = task.hook_info->delete_policies;
  if (std::find(policies.begin(), policies.end(), argo::DeletePolicy::before_hook_creation) !=
      policies.end()) {
    // The hook of an earlier sync goes first, and is waited for until gone.
    (void)to.client->remove(*resource, ref.namespace_, ref.name, kube::Propagation::foreground);
    Clock::time_point gone_by = Clock::now() + 30s;
    while (Clock::now() < gone_by) {
      auto live = to.client->get(*resource, ref.namespace_, ref.name);
      if (live && !*live) break;
      std::this_thread::sleep_for(100ms);
    }
  }
  if (auto applied =
          to.client->apply(*resource, hook, k_manager, kube::Force::yes, kube::DryRun::no);
      !applied) {
    record(TaskResult::Status::sync_failed, OperationPhase::error, applied.error().message());
    return std::unexpected(applied.error());
  }
  // A hook is done when Healthy or without a health check (a Job complete, a Pod succeeded),
  // failed when Degraded or Unknown, running otherwise.
  if (to.watch) to.watch(*resource);
  std::optional<argo::Health> health;
  auto finished = [&]() {
    std::optional<Node> live =
        live_object(to, *resource, ref.namespace_, ref.name).value_or(std::nullopt);
    if (!live) return false;
    health = assess(*live, to.health);
    return !health || health->status == argo::HealthStatus::healthy ||
           health->status == argo::HealthStatus::degraded ||
           health->status == argo::HealthStatus::unknown;
  };
  Clock::time_point deadline = Clock::now() + k_hook_timeout;
  bool done = false;
  if (to.cache && to.cache->follows(*resource, ref.namespace_)) {
    done = to.cache->wait_until(finished, deadline);
  } else {
    while (!(done = finished()) && Clock::now() < deadline)
      std::this_thread::sleep_for(200ms);
  }
  if (done && (!health || health->status == argo::HealthStatus::healthy)) {
    record(TaskResult::Status::synced, OperationPhase::succeeded,
           health && !health->message.empty() ? health->message : ref.kind + " completed");
    return {};
  }
  std::string why = !done ? "timed out" : health->message.empty() ? "failed" : health->message;
  record(TaskResult::Status::sync_failed, OperationPhase::failed, why);
  return fail(std::string(argo::to_string(task.phase)) + " hook " + ref.display() +
              " failed: " + why);
}

// ---- status ------------------------------------------------------------------------------

Node application_status(const Node& latest, const argo::Application& app,
                        const ApplicationOutcome& outcome, const std::string& now) {
  const Node* old = latest.find("status");
  Node status = Node::map();
  // sync
  Node sync_node = Node::map();
  sync_node.set("status", Node::string(!outcome.compared ? "Unknown"
                                       : outcome.synced  ? "Synced"
                                                         : "OutOfSync"));
  Node compared_to = Node::map();
  if (const Node* source = latest.at_path({"spec", "source"})) compared_to.set("source", *source);
  if (const Node* sources = latest.at_path({"spec", "sources"}))
    compared_to.set("sources", *sources);
  if (const Node* dest = latest.at_path({"spec", "destination"}))
    compared_to.set("destination", *dest);
  sync_node.set("comparedTo", std::move(compared_to));
  if (!outcome.revision.empty()) sync_node.set("revision", Node::string(outcome.revision));
  status.set("sync", std::move(sync_node));
  // health
  Node health = Node::map();
  health.set("status", Node::string(outcome.compared ? argo::to_string(outcome.health)
                                                     : std::string_view("Unknown")));
  if (!outcome.health_message.empty()) health.set("message", Node::string(outcome.health_message));
  status.set("health", std::move(health));
  // resources
  Node resources = Node::list();
  for (const ResourceState& r : outcome.resources) {
    Node n = ref_node(r.ref);
    n.set("status", Node::string(r.synced ? "Synced" : "OutOfSync"));
    if (r.health) {
      Node h = Node::map();
      h.set("status", Node::string(health_word(r.health)));
      if (!r.health->message.empty()) h.set("message", Node::string(r.health->message));
      n.set("health", std::move(h));
    }
    if (r.hook) n.set("hook", Node::boolean(true));
    if (r.requires_pruning) n.set("requiresPruning", Node::boolean(true));
    resources.push_back(std::move(n));
  }
  if (!outcome.compared && old && old->find("resources")) {
    status.set("resources", *old->find("resources"));
  } else {
    status.set("resources", std::move(resources));
  }
  // history and operation state
  Node history = old && old->find("history") ? *old->find("history") : Node::list();
  if (!history.is_list()) history = Node::list();
  if (const Node* state = old ? old->find("operationState") : nullptr)
    status.set("operationState", *state);
  if (outcome.operation) {
    const OperationRun& op = *outcome.operation;
    Node state = Node::map();
    state.set("operation", op.operation);
    state.set("phase", Node::string(to_string(op.phase)));
    state.set("message", Node::string(op.message));
    Node result = Node::map();
    Node results = Node::list();
    for (const TaskResult& t : op.results) {
      Node n = ref_node(t.ref);
      n.set("status", Node::string(to_string(t.status)));
      n.set("message", Node::string(t.message));
      if (t.hook) {
        n.set("hookType", Node::string(argo::to_string(t.phase)));
        n.set("hookPhase", Node::string(to_string(t.hook_phase)));
      }
      n.set("syncPhase", Node::string(argo::to_string(t.phase)));
      results.push_back(std::move(n));
    }
    result.set("resources", std::move(results));
    result.set("revision", Node::string(op.revision));
    if (const Node* source = latest.at_path({"spec", "source"})) result.set("source", *source);
    state.set("syncResult", std::move(result));
    state.set("startedAt", Node::string(op.started_at));
    state.set("finishedAt", Node::string(op.finished_at));
    status.set("operationState", std::move(state));
    if (op.phase == OperationPhase::succeeded && !op.dry_run) {
      int64_t id = 0;
      for (const Node& h : history.items())
        if (const Node* n = h.find("id")) id = std::max(id, n->as_int() + 1);
      Node entry = Node::map();
      entry.set("revision", Node::string(op.revision));
      entry.set("deployedAt", Node::string(op.finished_at));
      entry.set("deployStartedAt", Node::string(op.started_at));
      entry.set("id", Node::integer(id));
      if (const Node* source = latest.at_path({"spec", "source"})) entry.set("source", *source);
      if (const Node* by = op.operation.find("initiatedBy")) entry.set("initiatedBy", *by);
      history.push_back(std::move(entry));
      int64_t limit = std::max<int64_t>(app.revision_history_limit, 1);
      while (int64_t(history.size()) > limit)
        history.erase_at(0);
    }
  }
  if (!history.empty()) status.set("history", std::move(history));
  // conditions
  if (!outcome.conditions.empty()) {
    Node conditions = Node::list();
    for (const auto& [type, message] : outcome.conditions) {
      Node c = Node::map();
      c.set("type", Node::string(to_string(type)));
      c.set("message", Node::string(message));
      c.set("lastTransitionTime", Node::string(now));
      conditions.push_back(std::move(c));
    }
    status.set("conditions", std::move(conditions));
  }
  status.set("reconciledAt", Node::string(now));
  if (outcome.source_type)
    status.set("sourceType", Node::string(argo::to_string(*outcome.source_type)));
  Node summary = Node::map();
  if (!outcome.images.empty()) {
    Node images = Node::list();
    for (const std::string& i : outcome.images)
      images.push_back(Node::string(i));
    summary.set("images", std::move(images));
  }
  status.set("summary", std::move(summary));
  status.set("controllerNamespace", Node::string(k_argo_namespace));
  return status;
}

Result<bool> ApplicationReconciler::write_status(const Node& application,
                                                 const ApplicationOutcome& outcome) {
  // Written on the object as read, its resourceVersion tested: a write between the read and
  // the patch (`app sync` setting an operation and clearing operationState) makes the patch
  // fail, and the status is built again on that write.
  for (int attempt = 0;; ++attempt) {
    auto written = write_status_once(application, outcome);
    if (written || written.error().code() != 422 || attempt == 4) return written;
  }
}

Result<bool> ApplicationReconciler::write_status_once(const Node& application,
                                                      const ApplicationOutcome& outcome) {
  std::string ns = ns_of(application), name = name_of(application);
  auto latest = TRY(m_client.get(argo::k_applications, ns, name));
  if (!latest) return false;
  argo::Application app;
  if (auto parsed = argo::parse_application(*latest)) app = std::move(*parsed);
  Node status = application_status(*latest, app, outcome, now_rfc3339());
  const Node* asked = application.find("operation");
  const Node* now_asked = latest->find("operation");
  bool take_operation = outcome.operation_requested && asked && now_asked && *asked == *now_asked;
  bool refresh =
      !latest->string_at({"metadata", "annotations", "argocd.argoproj.io/refresh"}).empty();
  if (!take_operation && !refresh && !outcome.operation) {
    // A comparison that changed nothing but the time is not written: resources' events make
    // many of them.
    auto timeless = [](Node s) {
      s.erase("reconciledAt");
      if (Node* conditions = s.find_mut("conditions"); conditions && conditions->is_list())
        for (Node& c : conditions->items_mut())
          c.erase("lastTransitionTime");
      return s;
    };
    const Node* old = latest->find("status");
    if (old && timeless(*old) == timeless(status)) return false;
  }
  std::vector<Node> operations;
  operations.push_back(json_op("test", "/metadata/resourceVersion",
                               Node::string(latest->string_at({"metadata", "resourceVersion"}))));
  operations.push_back(json_op("add", "/status", std::move(status)));
  // The operation this reconcile ran is done: removed, as Argo's controller removes it. One
  // written since (another `app sync`) has other contents and stays.
  if (take_operation) operations.push_back(json_op("remove", "/operation"));
  // The refresh annotation is answered by this reconcile.
  if (refresh)
    operations.push_back(json_op("remove", "/metadata/annotations/argocd.argoproj.io~1refresh"));
  TRY_VOID(patch_application(m_client, *latest, std::move(operations), "status"));
  return true;
}

Result<sync::SyncResult> ApplicationReconciler::finalize(const Node& application) {
  sync::SyncResult result;
  const Node* finalizers = application.at_path({"metadata", "finalizers"});
  if (!finalizers || !finalizers->is_list()) return result;
  int index = -1;
  std::span<const Node> items = finalizers->items();
  for (size_t i = 0; i < items.size(); ++i) {
    std::string_view f = items[i].as_string();
    if (f == argo::k_resources_finalizer ||
        f == std::string(argo::k_resources_finalizer) + "/background" ||
        f == std::string(argo::k_resources_finalizer) + "/foreground")
      index = int(i);
  }
  if (index < 0) return result;
  // The cluster the resources are in. One that is no longer defined leaves them there (the
  // finalizer removed), as Argo does; one that cannot be reached now is tried again.
  argo::Destination destination{
      std::string(application.string_at({"spec", "destination", "server"})),
      std::string(application.string_at({"spec", "destination", "name"})), ""};
  std::vector<argo::Cluster> clusters = TRY(registered_clusters(ns_of(application), destination));
  auto cluster = argo::destination_cluster(destination.name, destination.server, clusters);
  std::optional<ClusterConnection> to;
  if (cluster) to = TRY(connection(*cluster));
  // Cascade: every resource the application tracks, hooks aside.
  for (const ObjectRef& ref : to ? listed_resources(application) : std::vector<ObjectRef>()) {
    auto resource = to->client->resource_for(ref.api_version(), ref.kind);
    if (!resource) continue;
    auto live = TRY(to->client->get(*resource, ref.namespace_, ref.name));
    if (!live || live->string_at({"metadata", "annotations", k_tracking_annotation}) !=
                     tracking_id(application, ref))
      continue;
    // What Argo's cascade leaves: CRDs (their custom resources would go with them), objects
    // marked Delete=false, and Helm's resource-policy keep.
    auto options = argo::resource_sync_options(*live);
    if (ref.kind == "CustomResourceDefinition" || (options && options->delete_ == false) ||
        live->string_at({"metadata", "annotations", "helm.sh/resource-policy"}) == "keep")
      continue;
    sync::ObjectResult o;
    o.ref = ref;
    o.action = sync::Action::deleted;
    if (auto removed = to->client->remove(*resource, ref.namespace_, ref.name); !removed) {
      o.action = sync::Action::failed;
      o.message = removed.error().message();
    }
    result.objects.push_back(std::move(o));
  }
  result.fail_objects(sync::SyncStep::prune, "prune");
  if (!result.ok()) return std::unexpected(result.error);
  // The finalizer removed where it was read (tested: a list changed meanwhile fails the patch,
  // and the next reconcile reads it again).
  std::string at = "/metadata/finalizers/" + std::to_string(index);
  std::vector<Node> operations;
  operations.push_back(json_op("test", at, items[size_t(index)]));
  operations.push_back(json_op("remove", at));
  // Gone already: a finalize queued again before the watch told of the deletion.
  if (auto removed = patch_application(m_client, application, std::move(operations), "finalizers");
      !removed && removed.error().code() != 404)
    return std::unexpected(removed.error());
  return result;
}

}  // namespace plumb::controller
