// Reading an Application (types.go ApplicationSpec and friends) and the Namespace
// CreateNamespace=true manages. AppProject and the project rules: app_project.cpp.
#include "argo/application.hpp"

#include "argo/spec_reader.hpp"
#include "core/duration.hpp"

namespace plumb::argo {

namespace {

// Argo's parseStringToDuration: an integer is seconds, anything else a Go duration.
Result<std::chrono::milliseconds> retry_duration(const SpecReader& r, const Field& field,
                                                 std::chrono::milliseconds absent) {
  Result<std::string> read = r.string(field);
  if (!read) return std::unexpected(read.error());
  const std::string& text = *read;
  if (text.empty()) return absent;
  if (std::optional<int64_t> seconds = go_atoi(text);
      seconds && *seconds > -(int64_t{1} << 40) && *seconds < (int64_t{1} << 40))
    return std::chrono::seconds(*seconds);
  Result<std::chrono::milliseconds> parsed = parse_duration(text);
  if (!parsed) return r.error(field, "unable to parse " + text + " as a duration");
  return *parsed;
}

Result<DirectoryOptions> read_directory(const SpecReader& r, const Field& f) {
  DirectoryOptions d;
  d.recurse = TRY(r.boolean(f["recurse"]));
  d.include = TRY(r.string(f["include"]));
  d.exclude = TRY(r.string(f["exclude"]));
  d.disable_extension_filter = TRY(r.boolean(f["disableExtensionFilter"]));
  Field jsonnet = f["jsonnet"];
  if (TRY(r.map(jsonnet))) {
    for (std::string_view key : {"extVars", "tlas", "libs"})
      if (!TRY(r.list(jsonnet[key])).empty())
        return r.error(jsonnet, "Jsonnet is not supported by Plumb");
  }
  return d;
}

Result<KustomizeOptions> read_kustomize(const SpecReader& r, const Field& f) {
  KustomizeOptions k;
  k.name_prefix = TRY(r.string(f["namePrefix"]));
  k.name_suffix = TRY(r.string(f["nameSuffix"]));
  k.namespace_ = TRY(r.string(f["namespace"]));
  k.images = TRY(r.strings(f["images"]));
  k.common_labels = TRY(r.string_map(f["commonLabels"]));
  k.common_annotations = TRY(r.string_map(f["commonAnnotations"]));
  std::span<const Node> patches = TRY(r.list(f["patches"]));
  k.patches.assign(patches.begin(), patches.end());
  k.components = TRY(r.strings(f["components"]));
  auto read_replica = [&](const Field& item) -> Result<KustomizeOptions::Replica> {
    KustomizeOptions::Replica replica;
    replica.name = TRY(r.string(item["name"]));
    Field count = item["count"];
    if (count.present() && count.node->is_int()) {
      replica.count = count.node->as_int();
    } else if (count.present() && count.node->is_string()) {
      // intstr: a string must hold an integer (KustomizeReplica.GetIntCount).
      std::string text(count.node->as_string());
      std::optional<int64_t> parsed = go_atoi(text);
      if (!parsed) return r.error(count, "expected integer value for count. Received: " + text);
      replica.count = *parsed;
    } else if (count.present()) {
      return r.error(count, "must be an integer or a string");
    }
    return replica;
  };
  k.replicas = TRY(r.maps(f["replicas"], read_replica));
  k.force_common_labels = TRY(r.boolean(f["forceCommonLabels"]));
  k.force_common_annotations = TRY(r.boolean(f["forceCommonAnnotations"]));
  k.common_annotations_envsubst = TRY(r.boolean(f["commonAnnotationsEnvsubst"]));
  k.label_without_selector = TRY(r.boolean(f["labelWithoutSelector"]));
  k.label_include_templates = TRY(r.boolean(f["labelIncludeTemplates"]));
  k.ignore_missing_components = TRY(r.boolean(f["ignoreMissingComponents"]));
  k.version = TRY(r.string(f["version"]));
  k.kube_version = TRY(r.string(f["kubeVersion"]));
  k.api_versions = TRY(r.strings(f["apiVersions"]));
  return k;
}

Result<HelmOptions> read_helm(const SpecReader& r, const Field& f) {
  HelmOptions h;
  h.value_files = TRY(r.strings(f["valueFiles"]));
  h.values = TRY(r.string(f["values"]));
  if (f["valuesObject"].present()) h.values_object = *f["valuesObject"].node;
  auto read_parameter = [&](const Field& item) -> Result<HelmParameter> {
    HelmParameter parameter;
    parameter.name = TRY(r.string(item["name"]));
    parameter.value = TRY(r.string(item["value"]));
    parameter.force_string = TRY(r.boolean(item["forceString"]));
    return parameter;
  };
  h.parameters = TRY(r.maps(f["parameters"], read_parameter));
  using NamePath = std::pair<std::string, std::string>;
  auto read_file_parameter = [&](const Field& item) -> Result<NamePath> {
    NamePath parameter;
    parameter.first = TRY(r.string(item["name"]));
    parameter.second = TRY(r.string(item["path"]));
    return parameter;
  };
  h.file_parameters = TRY(r.maps(f["fileParameters"], read_file_parameter));
  h.release_name = TRY(r.string(f["releaseName"]));
  h.namespace_ = TRY(r.string(f["namespace"]));
  h.skip_crds = TRY(r.boolean(f["skipCrds"]));
  h.skip_tests = TRY(r.boolean(f["skipTests"]));
  h.skip_schema_validation = TRY(r.boolean(f["skipSchemaValidation"]));
  h.ignore_missing_value_files = TRY(r.boolean(f["ignoreMissingValueFiles"]));
  h.pass_credentials = TRY(r.boolean(f["passCredentials"]));
  h.kube_version = TRY(r.string(f["kubeVersion"]));
  h.version = TRY(r.string(f["version"]));
  h.api_versions = TRY(r.strings(f["apiVersions"]));
  return h;
}

Result<ApplicationSource> read_source(const SpecReader& r, const Field& f) {
  TRY_VOID(r.entry(f));
  ApplicationSource s;
  s.repo_url = TRY(r.string(f["repoURL"]));
  if (s.repo_url.empty()) return r.error(f["repoURL"], "required");
  s.path = TRY(r.string(f["path"]));
  s.target_revision = TRY(r.string(f["targetRevision"]));
  s.chart = TRY(r.string(f["chart"]));
  s.ref = TRY(r.string(f["ref"]));
  s.name = TRY(r.string(f["name"]));
  if (f["plugin"].present())
    return r.error(f["plugin"], "config management plugins are not supported by Plumb");
  if (TRY(r.map(f["directory"]))) s.directory = TRY(read_directory(r, f["directory"]));
  if (TRY(r.map(f["kustomize"]))) s.kustomize = TRY(read_kustomize(r, f["kustomize"]));
  if (TRY(r.map(f["helm"]))) s.helm = TRY(read_helm(r, f["helm"]));
  return s;
}

Result<SyncPolicy> read_sync_policy(const SpecReader& r, const Field& f) {
  SyncPolicy p;
  if (!TRY(r.map(f))) return p;
  Field automated = f["automated"];
  if (TRY(r.map(automated))) {
    Automated a;
    a.prune = TRY(r.boolean(automated["prune"]));
    a.self_heal = TRY(r.boolean(automated["selfHeal"]));
    a.allow_empty = TRY(r.boolean(automated["allowEmpty"]));
    if (automated["enabled"].present()) a.enabled = TRY(r.boolean(automated["enabled"]));
    p.automated = a;
  }
  Field options = f["syncOptions"];
  std::vector<std::string> items = TRY(r.strings(options));
  p.options = TRY(parse_sync_options(items, options.path));
  if (p.options.force) {
    // Force comes from a sync operation's strategy; Argo reads Force=true only from resources.
    p.options.force.reset();
    p.options.ignored.push_back(options.path +
                                ": Force=...: a resource-level option (ignored, as Argo CD does)");
  }
  Field retry = f["retry"];
  if (TRY(r.map(retry))) {
    Retry rs;
    rs.limit = TRY(r.integer(retry["limit"], 0));
    rs.refresh = TRY(r.boolean(retry["refresh"]));
    Field backoff = retry["backoff"];
    if (TRY(r.map(backoff))) {
      rs.backoff.duration = TRY(retry_duration(r, backoff["duration"], rs.backoff.duration));
      rs.backoff.factor = TRY(r.integer(backoff["factor"], rs.backoff.factor));
      rs.backoff.max_duration =
          TRY(retry_duration(r, backoff["maxDuration"], rs.backoff.max_duration));
    }
    p.retry = rs;
  }
  Field managed = f["managedNamespaceMetadata"];
  if (TRY(r.map(managed))) {
    p.has_managed_namespace_metadata = true;
    p.managed_namespace_labels = TRY(r.string_map(managed["labels"]));
    p.managed_namespace_annotations = TRY(r.string_map(managed["annotations"]));
  }
  return p;
}

Result<std::vector<IgnoreDifference>> read_ignore_differences(const SpecReader& r, const Field& f) {
  return r.maps(f, [&](const Field& item) -> Result<IgnoreDifference> {
    IgnoreDifference d;
    d.group = TRY(r.string(item["group"]));
    d.kind = TRY(r.string(item["kind"]));
    d.name = TRY(r.string(item["name"]));
    d.namespace_ = TRY(r.string(item["namespace"]));
    d.json_pointers = TRY(r.strings(item["jsonPointers"]));
    d.jq_path_expressions = TRY(r.strings(item["jqPathExpressions"]));
    d.managed_fields_managers = TRY(r.strings(item["managedFieldsManagers"]));
    return d;
  });
}

}  // namespace

Result<Application> parse_application(const Node& object) {
  OpenedObject opened = TRY(open_object("Application", object));
  const SpecReader& r = opened.reader;
  const Field& root = opened.root;
  Application app;
  app.name = std::move(opened.name);
  app.namespace_ = std::move(opened.namespace_);
  Field spec = root["spec"];
  if (!TRY(r.map(spec))) return r.error(spec, "required");
  app.project = TRY(r.string(spec["project"]));
  if (app.project.empty()) app.project = std::string(k_default_project);

  if (spec["sourceHydrator"].present())
    return r.error(spec["sourceHydrator"], "the source hydrator is not supported by Plumb");
  Field sources = spec["sources"];
  std::span<const Node> items = TRY(r.list(sources));
  app.multi_source = !items.empty();
  for (size_t i = 0; i < items.size(); ++i)
    app.sources.push_back(TRY(read_source(r, sources.item(i, items[i]))));
  if (!app.multi_source) {
    if (!spec["source"].present())
      return r.error(spec["source"], "required (an Application needs spec.source or spec.sources)");
    app.sources.push_back(TRY(read_source(r, spec["source"])));
  }

  Field destination = spec["destination"];
  if (destination.present()) TRY_VOID(r.entry(destination));
  app.destination.server = TRY(r.string(destination["server"]));
  app.destination.name = TRY(r.string(destination["name"]));
  app.destination.namespace_ = TRY(r.string(destination["namespace"]));

  app.sync_policy = TRY(read_sync_policy(r, spec["syncPolicy"]));
  app.ignore_differences = TRY(read_ignore_differences(r, spec["ignoreDifferences"]));
  app.revision_history_limit = TRY(r.integer(spec["revisionHistoryLimit"], 10));

  for (const std::string& finalizer : TRY(r.strings(root["metadata"]["finalizers"]))) {
    if (finalizer == k_resources_finalizer || finalizer == k_resources_finalizer_foreground) {
      app.cascade = Application::Cascade::foreground;
      break;
    }
    if (finalizer == k_resources_finalizer_background) {
      app.cascade = Application::Cascade::background;
      break;
    }
  }
  Field annotations = root["metadata"]["annotations"];
  if (annotations[k_refresh_annotation].present())
    app.refresh = TRY(r.string(annotations[k_refresh_annotation])) == "hard" ? "hard" : "normal";
  app.deletion_approved = TRY(r.string(annotations[k_deletion_approved_annotation]));
  app.skip_reconcile = TRY(r.string(annotations[k_skip_reconcile_annotation])) == "true";
  return app;
}

std::optional<Node> managed_namespace(const Application& app, bool namespace_exists) {
  const SyncPolicy& policy = app.sync_policy;
  if (policy.options.create_namespace != true || app.destination.namespace_.empty())
    return std::nullopt;
  if (namespace_exists && !policy.has_managed_namespace_metadata) return std::nullopt;
  Node ns = Node::map();
  ns.set("apiVersion", Node::string("v1"));
  ns.set("kind", Node::string("Namespace"));
  Node& metadata = ns["metadata"];
  metadata.set("name", Node::string(app.destination.namespace_));
  if (policy.has_managed_namespace_metadata) {
    if (!policy.managed_namespace_labels.empty()) {
      Node& labels = metadata["labels"];
      for (const auto& [key, value] : policy.managed_namespace_labels)
        labels.set(key, Node::string(value));
    }
    // Managed metadata relies on server-side apply, so labels others set stay.
    Node& annotations = metadata["annotations"];
    for (const auto& [key, value] : policy.managed_namespace_annotations)
      annotations.set(key, Node::string(value));
    annotations.set(k_sync_options_annotation, Node::string("ServerSideApply=true"));
  }
  return ns;
}

}  // namespace plumb::argo
