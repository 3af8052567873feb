#include "controller/applicationset.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "argo/application.hpp"
#include "argo/appset.hpp"
#include "argo/crds.hpp"
#include "controller/helm_drift.hpp"
#include "controller/json_patch.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "source/git.hpp"

namespace plumb::controller {

namespace {

constexpr int k_conflict_retries = 5;
const kube::Resource k_secrets{"", "v1", "Secret", "secrets", true};

// Whether a clusters generator is among the set's (nested ones too).
bool uses_clusters(const std::vector<argo::GeneratorEntry>& entries) {
  for (const argo::GeneratorEntry& e : entries)
    for (const argo::Generator& g : e.generators)
      if (g.kind == argo::GeneratorKind::clusters || uses_clusters(g.children)) return true;
  return false;
}
bool uses_clusters(const argo::ApplicationSet& spec) {
  return uses_clusters(spec.generators);
}

void git_repositories(const std::vector<argo::GeneratorEntry>& entries,
                      std::vector<std::string>& out) {
  for (const argo::GeneratorEntry& e : entries)
    for (const argo::Generator& g : e.generators) {
      if (g.kind == argo::GeneratorKind::git) out.push_back(g.git.repo_url);
      git_repositories(g.children, out);
    }
}

std::string ns_of(const Node& object) {
  return std::string(object.string_at({"metadata", "namespace"}));
}
std::string name_of(const Node& object) {
  return std::string(object.string_at({"metadata", "name"}));
}

std::string application_path(std::string_view ns, std::string_view name = {}) {
  return kube::resource_path(argo::k_applications, ns, name);
}

bool is_set_controller(const Node& ref) {
  return ref.string_at({"kind"}) == "ApplicationSet" &&
         ref.string_at({"apiVersion"}).starts_with("argoproj.io/") && ref.find("controller") &&
         ref.find("controller")->is_bool() && ref.find("controller")->as_bool();
}

// controllerutil.SetControllerReference: the set becomes the controller of the Application,
// unless another controller already is.
Result<void> set_controller_reference(Node& app, const Node& set) {
  Node& meta = app["metadata"];
  Node refs = meta.find("ownerReferences") && meta.find("ownerReferences")->is_list()
                  ? *meta.find("ownerReferences")
                  : Node::list();
  std::string uid(set.string_at({"metadata", "uid"}));
  Node out = Node::list();
  for (const Node& ref : refs.items()) {
    bool controller = ref.find("controller") && ref.find("controller")->is_bool() &&
                      ref.find("controller")->as_bool();
    if (ref.string_at({"uid"}) == uid) continue;  // replaced below
    if (controller)
      return fail("Object " + ns_of(app) + "/" + name_of(app) + " is already owned by another " +
                  std::string(ref.string_at({"kind"})) + " controller " +
                  std::string(ref.string_at({"name"})));
    out.push_back(ref);
  }
  out.push_back(argo::owner_reference(set));
  meta.set("ownerReferences", std::move(out));
  return {};
}

struct Condition {
  std::string_view type, status;
  std::string reason, message;
};

constexpr std::string_view k_params_generated_message =
    "Successfully generated parameters for all Applications";
constexpr std::string_view k_up_to_date_message =
    "All applications have been generated successfully";

// The conditions Argo's setApplicationSetStatusCondition derives from a reconcile's result, in
// its order (by type).
std::vector<Condition> conditions_of(const AppSetOutcome& outcome) {
  std::vector<Condition> c;
  if (outcome.error) {
    c.push_back({"ErrorOccurred", "True", std::string(to_string(*outcome.error)), outcome.message});
    if (outcome.generated)
      c.push_back({"ParametersGenerated", "True", "ParametersGenerated",
                   std::string(k_params_generated_message)});
    else
      c.push_back({"ParametersGenerated", "False", "ErrorOccurred", outcome.message});
    c.push_back({"ResourcesUpToDate", "False", "ErrorOccurred", outcome.message});
    return c;
  }
  std::string reason(to_string(AppSetReason::up_to_date));
  c.push_back({"ErrorOccurred", "False", reason, std::string(k_up_to_date_message)});
  c.push_back({"ParametersGenerated", "True", "ParametersGenerated",
               std::string(k_params_generated_message)});
  c.push_back({"ResourcesUpToDate", "True", reason, std::string(k_up_to_date_message)});
  return c;
}

// status.conditions: a condition that did not change keeps its lastTransitionTime; conditions
// of other types (not evaluated here) are kept.
Node set_conditions(const Node& old, const std::vector<Condition>& now, const std::string& time) {
  std::span<const Node> before = old.is_list() ? old.items() : std::span<const Node>{};
  std::vector<Node> out;
  for (const Node& o : before) {
    bool evaluated = std::any_of(now.begin(), now.end(), [&](const Condition& c) {
      return o.string_at({"type"}) == c.type;
    });
    if (!evaluated) out.push_back(o);
  }
  for (const Condition& c : now) {
    auto kept = std::find_if(before.begin(), before.end(), [&](const Node& o) {
      return o.string_at({"type"}) == c.type && o.string_at({"status"}) == c.status &&
             o.string_at({"reason"}) == c.reason && o.string_at({"message"}) == c.message;
    });
    if (kept != before.end()) {
      out.push_back(*kept);
      continue;
    }
    Node n = Node::map();
    n.set("type", Node::string(c.type));
    n.set("message", Node::string(c.message));
    n.set("status", Node::string(c.status));
    n.set("reason", Node::string(c.reason));
    n.set("lastTransitionTime", Node::string(time));
    out.push_back(std::move(n));
  }
  std::stable_sort(out.begin(), out.end(), [](const Node& a, const Node& b) {
    return a.string_at({"type"}) < b.string_at({"type"});
  });
  Node list = Node::list();
  for (Node& n : out)
    list.push_back(std::move(n));
  return list;
}

// One Application in the set's status.resources (Argo's BuildResourceStatus).
Node resource_status(const Node& app) {
  Node r = Node::map();
  r.set("group", Node::string(argo::k_group));
  r.set("version", Node::string("v1alpha1"));
  r.set("kind", Node::string("Application"));
  r.set("namespace", Node::string(ns_of(app)));
  r.set("name", Node::string(name_of(app)));
  r.set("status", Node::string(app.string_at({"status", "sync", "status"})));
  Node health = Node::map();
  health.set("status", Node::string(app.string_at({"status", "health", "status"})));
  r.set("health", std::move(health));
  return r;
}

}  // namespace

std::string_view to_string(AppSetReason reason) {
  switch (reason) {
    case AppSetReason::up_to_date:
      return "ApplicationSetUpToDate";
    case AppSetReason::params_generation_error:
      return "ApplicationGenerationFromParamsError";
    case AppSetReason::render_template_error:
      return "RenderTemplateParamsError";
    case AppSetReason::validation_error:
      return "ApplicationValidationError";
    case AppSetReason::create_error:
      return "CreateApplicationError";
    case AppSetReason::update_error:
      return "UpdateApplicationError";
    case AppSetReason::delete_error:
      return "DeleteApplicationError";
  }
  return "";
}

bool ApplicationSetReconciler::is_cluster_secret(const Node& object) {
  return object.string_at({"metadata", "labels", argo::k_secret_type_label}) ==
         argo::k_secret_type_cluster;
}

std::vector<std::string> ApplicationSetReconciler::repositories(const Node& set) {
  std::vector<std::string> out;
  if (auto spec = argo::parse_application_set(set)) git_repositories(spec->generators, out);
  return out;
}

std::optional<std::string> ApplicationSetReconciler::owner_of(const Node& application) {
  const Node* refs = application.at_path({"metadata", "ownerReferences"});
  if (!refs || !refs->is_list()) return std::nullopt;
  for (const Node& ref : refs->items())
    if (is_set_controller(ref)) return std::string(ref.string_at({"name"}));
  return std::nullopt;
}

bool ApplicationSetReconciler::owned_changed(const Node& before, const Node& after) {
  auto at = [](const Node& o, std::initializer_list<std::string_view> path) {
    const Node* n = o.at_path(path);
    // Empty and absent are the same (Argo compares with cmpopts.EquateEmpty).
    return n && !(n->is_map() && n->empty()) && !(n->is_list() && n->empty()) ? *n : Node();
  };
  return !(at(before, {"spec"}) == at(after, {"spec"})) ||
         !(at(before, {"metadata", "labels"}) == at(after, {"metadata", "labels"})) ||
         !(at(before, {"metadata", "annotations"}) == at(after, {"metadata", "annotations"})) ||
         !(at(before, {"metadata", "finalizers"}) == at(after, {"metadata", "finalizers"}));
}

Result<std::vector<Node>> ApplicationSetReconciler::current(const Node& set) {
  Node list = TRY(m_client.list(argo::k_applications, ns_of(set)));
  std::vector<Node> out;
  std::string name = name_of(set);
  if (const Node* items = list.find("items"); items && items->is_list())
    for (const Node& app : items->items())
      if (owner_of(app) == name) out.push_back(app);
  std::sort(out.begin(), out.end(),
            [](const Node& a, const Node& b) { return name_of(a) < name_of(b); });
  return out;
}

AppSetOutcome ApplicationSetReconciler::reconcile(const Node& set) {
  AppSetOutcome out;
  auto fail_with = [&](AppSetReason reason, std::string message) {
    out.error = reason;
    out.message = std::move(message);
    return out;
  };
  // 1. The set read, its Applications generated: nothing is changed when either fails.
  auto spec = argo::parse_application_set(set);
  if (!spec) return fail_with(AppSetReason::params_generation_error, spec.error().message());
  if (auto every = argo::requeue_after(*spec)) out.requeue_after = *every;
  auto generated = generate(*spec);
  if (!generated) return fail_with(generated.error().first, generated.error().second);
  out.generated = true;

  // 2. Each Application checked; one refused is left alone, the others go on.
  std::vector<const Node*> valid;
  std::optional<std::string> refused = generated->refused_message();
  std::vector<std::string> invalid;
  for (const Node& app : generated->valid) {
    if (auto problem = check_application(app)) {
      invalid.push_back(*problem);
      continue;
    }
    valid.push_back(&app);
  }
  if (refused || !invalid.empty()) {
    // Argo's message: the last problem, and how many more.
    size_t count = invalid.size() + generated->refused.size();
    std::string last = !invalid.empty() ? invalid.back() : generated->refused.back().message;
    fail_with(AppSetReason::validation_error,
              count > 1 ? last + " (and " + std::to_string(count - 1) + " more)" : last);
  }

  // 3. Created or updated (as the policy allows), in name order.
  auto existing = current(set);
  if (!existing) return fail_with(AppSetReason::update_error, existing.error().message());
  std::set<std::string> live_names;
  for (const Node& app : *existing)
    live_names.insert(name_of(app));
  argo::ApplicationsSync policy = argo::effective_applications_sync(spec->sync_policy);
  bool may_update = argo::allows_update(policy);
  for (const Node* app : valid) {
    if (!may_update && live_names.count(name_of(*app))) continue;
    auto written = create_or_update(set, *spec, *app);
    if (!written)
      return fail_with(may_update ? AppSetReason::update_error : AppSetReason::create_error,
                       written.error().message());
    if (*written == Written::created) out.created.push_back(name_of(*app));
    if (*written == Written::updated) out.updated.push_back(name_of(*app));
  }

  // 4. Those no longer generated deleted (as the policy allows); every generated name counts,
  // refused or not: an Application in error is not deleted for it.
  if (argo::allows_delete(policy)) {
    std::set<std::string> names;
    for (const Node& app : generated->applications)
      names.insert(name_of(app));
    for (const Node& app : *existing) {
      if (names.count(name_of(app))) continue;
      auto removed = m_client.remove(argo::k_applications, ns_of(app), name_of(app));
      if (!removed) return fail_with(AppSetReason::delete_error, removed.error().message());
      out.deleted.push_back(name_of(app));
    }
  }
  return out;
}

std::expected<argo::Generated, std::pair<AppSetReason, std::string>>
ApplicationSetReconciler::generate(const argo::ApplicationSet& spec) {
  argo::GenerateInput input;
  input.repos = [this](const std::string& url, const std::string& revision,
                       const argo::RepoUse& use) -> Result<void> {
    return m_sources.with(
        url, [&](source::GitSource& src) { return argo::with_git_revision(src, revision, use); });
  };
  // The clusters generator's registered clusters: Secrets in the set's namespace.
  std::vector<Node> secrets;
  if (uses_clusters(spec)) {
    // From the controller's cache, which then follows them (a change queues the set again).
    if (m_cache && m_cache->watch(k_secrets, spec.namespace_)) {
      secrets = m_cache->list(k_secrets, spec.namespace_);
    } else {
      std::string selector =
          std::string(argo::k_secret_type_label) + "=" + std::string(argo::k_secret_type_cluster);
      auto listed = m_client.list(k_secrets, spec.namespace_, selector);
      if (!listed)
        return std::unexpected(std::pair{AppSetReason::params_generation_error,
                                         "listing cluster Secrets: " + listed.error().message()});
      if (const Node* items = listed->find("items"); items && items->is_list())
        secrets.assign(items->items().begin(), items->items().end());
    }
  }
  input.cluster_secrets = secrets;
  auto generated = argo::generate_applications(spec, input);
  if (!generated)
    return std::unexpected(std::pair{generated.error().reason == argo::GenerateReason::render
                                         ? AppSetReason::render_template_error
                                         : AppSetReason::params_generation_error,
                                     generated.error().error.message()});
  return std::move(*generated);
}

Result<ApplicationSetReconciler::Written> ApplicationSetReconciler::create_or_update(
    const Node& set, const argo::ApplicationSet& spec, const Node& generated) {
  std::string ns = ns_of(set), name = name_of(generated);
  // spec.ignoreApplicationDifferences that name this Application (or every one): those fields
  // keep the live values.
  std::vector<DriftIgnoreRule> rules;
  for (const argo::AppSetIgnoreDifference& d : spec.ignore_application_differences)
    if (d.name.empty() || d.name == name) rules.push_back({d.json_pointers, Node()});
  DriftIgnore ignore = TRY(DriftIgnore::parse(rules));
  for (int attempt = 0;; ++attempt) {
    auto found = TRY(m_client.get(argo::k_applications, ns, name));
    Node want = argo::application_update(spec, generated, found ? &*found : nullptr);
    TRY_VOID(set_controller_reference(want, set));
    if (found) ignore.take_live(want, *found);
    if (found && want == *found) return Written::unchanged;
    auto sent =
        m_client.request({.method = found ? "PUT" : "POST",
                          .target = found ? application_path(ns, name) : application_path(ns),
                          .body = to_json(want),
                          .content_type = "application/json"},
                         (found ? "update Application " : "create Application ") + ns + "/" + name);
    if (sent) return found ? Written::updated : Written::created;
    // Written meanwhile (409: a newer resourceVersion, or created by another): read again.
    if (sent.error().code() != 409 || attempt == k_conflict_retries)
      return std::unexpected(std::move(sent).error());
  }
}

std::optional<std::string> ApplicationSetReconciler::check_application(const Node& app) {
  std::string project(app.string_at({"spec", "project"}));
  if (project.empty()) project = argo::k_default_project;
  auto found = m_client.get(argo::k_app_projects, ns_of(app), project);
  if (found && !*found && project != argo::k_default_project)
    return "application references project " + project + " which does not exist";
  return std::nullopt;
}

Result<bool> ApplicationSetReconciler::write_status(const Node& set, const AppSetOutcome& outcome) {
  std::string ns = ns_of(set), name = name_of(set);
  auto latest = TRY(m_client.get(argo::k_application_sets, ns, name));
  if (!latest) return false;
  Node status = latest->find("status") ? *latest->find("status") : Node::map();
  const Node* old_conditions = status.find("conditions");
  Node conditions = set_conditions(old_conditions ? *old_conditions : Node::list(),
                                   conditions_of(outcome), now_rfc3339());
  Node resources = Node::list();
  for (const Node& app : TRY(current(*latest)))
    resources.push_back(resource_status(app));
  bool refresh =
      !latest->string_at({"metadata", "annotations", argo::k_appset_refresh_annotation}).empty();
  const Node* old_resources = status.find("resources");
  if (!refresh && old_conditions && *old_conditions == conditions &&
      ((!old_resources && resources.empty()) || (old_resources && *old_resources == resources)))
    return false;
  int64_t count = int64_t(resources.size());
  status.set("conditions", std::move(conditions));
  status.set("resources", std::move(resources));
  status.set("resourcesCount", Node::integer(count));
  Node body = Node::map();
  body.set("status", std::move(status));
  TRY(m_client.request(
      {.method = "PATCH",
       .target = kube::resource_path(argo::k_application_sets, ns, name) + "/status",
       .body = to_json(body),
       .content_type = "application/merge-patch+json"},
      "status of ApplicationSet " + ns + "/" + name));
  // The refresh annotation is answered by this reconcile.
  if (refresh)
    TRY(patch_tested(
        m_client, argo::k_application_sets, *latest,
        {json_op("remove", "/metadata/annotations/argocd.argoproj.io~1application-set-refresh")},
        "refresh annotation"));
  return true;
}

Result<void> ApplicationSetReconciler::finalize(const Node& set) {
  auto spec = argo::parse_application_set(set);
  if (spec && !argo::allows_delete(argo::effective_applications_sync(spec->sync_policy)))
    TRY_VOID(release_applications(set));
  // Argo's controller then takes its resources finalizer off the set (users put it there so
  // that the set waits for this), and the API server finishes the deletion.
  const Node* finalizers = set.at_path({"metadata", "finalizers"});
  if (!finalizers || !finalizers->is_list()) return {};
  std::span<const Node> items = finalizers->items();
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_string() || items[i].as_string() != argo::k_resources_finalizer) continue;
    std::string at = "/metadata/finalizers/" + std::to_string(i);
    TRY(patch_tested(m_client, argo::k_application_sets, set,
                     {json_op("test", at, items[i]), json_op("remove", at)}, "finalizers"));
    break;
  }
  return {};
}

Result<void> ApplicationSetReconciler::release_applications(const Node& set) {
  for (const Node& app : TRY(current(set))) {
    const Node* refs = app.at_path({"metadata", "ownerReferences"});
    if (!refs || !refs->is_list()) continue;
    TRY(patch_tested(m_client, argo::k_applications, app,
                     {json_op("remove", "/metadata/ownerReferences")}, "owner references"));
  }
  return {};
}

}  // namespace plumb::controller
