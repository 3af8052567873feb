// Argo CD's Application and AppProject (argoproj.io/v1alpha1) read as Argo CD users write them,
// with Argo CD's field names and defaults (argo-cd pkg/apis/application/v1alpha1), and the
// project rules Argo CD enforces (IsSourcePermitted, IsDestinationPermitted,
// IsGroupKindNamePermitted; util/argo ValidatePermissions) with its messages.
//
// Reading. Errors name the object and the field ("Application argocd/guestbook:
// spec.source.directory.jsonnet: Jsonnet is not supported by Plumb"). Refused: a source without
// repoURL, Jsonnet options, config management plugins, the source hydrator, and fields of the
// wrong type (Argo's CRD would refuse those; Plumb serves the CRD without a schema). Fields
// Plumb does not know are left alone, as Argo's own CRD would prune them.
//
// Destinations. A destination names one of the clusters registered as Argo CD does it, with
// cluster Secrets (argo/cluster.hpp), or the cluster Plumb runs in ("in-cluster",
// https://kubernetes.default.svc). The project rules take the registered clusters: a
// project-scoped one (its Secret's `project`) adds its namespaces (or all) to that project's
// destinations, and permitOnlyProjectScopedClusters admits only those.
//
// Globs are Argo's (gobwas/glob, argo/glob.hpp); group/kind lists use Go's filepath.Match.
// AppProject.sourceNamespaces entries written /like this/ are regular expressions in Argo CD;
// Plumb does not evaluate them (they match nothing).
//
// Thread safety: pure functions over values.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "argo/cluster.hpp"
#include "argo/sync_options.hpp"
#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::argo {

inline constexpr std::string_view k_default_project = "default";
// Cascade deletion of an Application's resources: foreground (this one, and ".../foreground")
// or in the background (".../background").
inline constexpr std::string_view k_resources_finalizer = "resources-finalizer.argocd.argoproj.io";
inline constexpr std::string_view k_resources_finalizer_foreground =
    "resources-finalizer.argocd.argoproj.io/foreground";
inline constexpr std::string_view k_resources_finalizer_background =
    "resources-finalizer.argocd.argoproj.io/background";
inline constexpr std::string_view k_refresh_annotation = "argocd.argoproj.io/refresh";
inline constexpr std::string_view k_deletion_approved_annotation =
    "argocd.argoproj.io/deletion-approved";
inline constexpr std::string_view k_skip_reconcile_annotation = "argocd.argoproj.io/skip-reconcile";

using StringPairs = std::vector<std::pair<std::string, std::string>>;

struct DirectoryOptions {
  bool recurse = false;
  std::string include, exclude;
  bool disable_extension_filter = false;
};

struct KustomizeOptions {
  std::string name_prefix, name_suffix, namespace_;
  std::vector<std::string> images;
  StringPairs common_labels, common_annotations;
  std::vector<Node> patches;  // as written: {path, patch, target, options}
  std::vector<std::string> components;
  struct Replica {
    std::string name;
    int64_t count = 0;
  };
  std::vector<Replica> replicas;
  bool force_common_labels = false, force_common_annotations = false;
  bool common_annotations_envsubst = false, label_without_selector = false;
  bool label_include_templates = false, ignore_missing_components = false;
  std::string version, kube_version;
  std::vector<std::string> api_versions;
};

struct HelmParameter {
  std::string name, value;
  bool force_string = false;
};

struct HelmOptions {
  std::vector<std::string> value_files;
  std::string values;  // a YAML document as a string
  Node values_object;  // null when absent; takes precedence over `values`
  std::vector<HelmParameter> parameters;
  StringPairs file_parameters;  // name, path
  std::string release_name;     // "" = the Application's name
  std::string namespace_;       // "" = the destination namespace
  bool skip_crds = false, skip_tests = false, skip_schema_validation = false;
  bool ignore_missing_value_files = false, pass_credentials = false;
  std::string kube_version, version;
  std::vector<std::string> api_versions;
};

struct ApplicationSource {
  std::string repo_url, path, target_revision /* "" = HEAD */, chart, ref, name;
  std::optional<DirectoryOptions> directory;
  std::optional<KustomizeOptions> kustomize;
  std::optional<HelmOptions> helm;
};

struct Destination {
  std::string server, name, namespace_;
};

struct Automated {
  bool prune = false, self_heal = false, allow_empty = false;
  bool enabled = true;  // automated: {} enables; `enabled: false` keeps the block but disables
};

struct Backoff {
  std::chrono::milliseconds duration{5000};  // "5" is seconds, or a Go duration ("2m")
  int64_t factor = 2;
  std::chrono::milliseconds max_duration{180000};
};

// Argo retries a failed sync while retries done < limit, or forever when limit < 0; 0 (the
// default) means no retry. Wait before retry n (0-based): min(duration * factor^n, max).
struct Retry {
  int64_t limit = 0;
  Backoff backoff;
  bool refresh = false;  // retry with the latest revision instead of the initial one
};

struct SyncPolicy {
  std::optional<Automated> automated;
  SyncOptions options;  // Force=true is a resource-level option: listed in options.ignored
  std::optional<Retry> retry;
  bool has_managed_namespace_metadata = false;
  StringPairs managed_namespace_labels, managed_namespace_annotations;
};

struct IgnoreDifference {
  std::string group, kind, name, namespace_;
  std::vector<std::string> json_pointers, jq_path_expressions, managed_fields_managers;
};

struct Application {
  std::string name, namespace_;
  std::string project = "default";         // "" in the spec means "default"
  std::vector<ApplicationSource> sources;  // spec.source as one element, or spec.sources
  bool multi_source = false;               // spec.sources non-empty (spec.source then ignored)
  Destination destination;
  SyncPolicy sync_policy;
  std::vector<IgnoreDifference> ignore_differences;
  int64_t revision_history_limit = 10;
  enum class Cascade { none, foreground, background } cascade = Cascade::none;
  std::string refresh;            // argocd.argoproj.io/refresh: "", "normal", "hard"
  std::string deletion_approved;  // argocd.argoproj.io/deletion-approved (RFC 3339), as written
  bool skip_reconcile = false;    // argocd.argoproj.io/skip-reconcile: "true"
};

Result<Application> parse_application(const Node& object);

// The Namespace CreateNamespace=true makes Argo CD sync (controller/sync_namespace.go), for
// PlanContext::managed_namespace: when the option is on and the namespace is missing or
// managedNamespaceMetadata is set; labels and annotations from managedNamespaceMetadata, with
// argocd.argoproj.io/sync-options: ServerSideApply=true added when it is set.
std::optional<Node> managed_namespace(const Application& app, bool namespace_exists);

// --- AppProject ---

struct GroupKind {
  std::string group, kind;
  std::string name;  // cluster-resource lists only: a name glob ("" = any name)
};

struct ProjectDestination {
  std::string server, name, namespace_;  // globs; a leading "!" denies
};

struct AppProject {
  std::string name, namespace_;
  std::vector<std::string> source_repos;
  std::vector<ProjectDestination> destinations;
  std::vector<GroupKind> cluster_resource_whitelist, cluster_resource_blacklist,
      namespace_resource_whitelist, namespace_resource_blacklist;
  // Argo: an absent namespaceResourceWhitelist allows every namespaced kind, an empty one none.
  bool has_namespace_resource_whitelist = false;
  bool orphaned_warn = false;
  bool has_orphaned = false;  // spec.orphanedResources present: orphans are reported
  std::vector<GroupKind> orphaned_ignore;
  std::vector<std::string> source_namespaces;
  bool permit_only_project_scoped_clusters = false;
};

Result<AppProject> parse_app_project(const Node& object);

// The project Argo CD creates: any repository, any destination, any kind.
AppProject default_project(std::string namespace_);

// The messages of the InvalidSpecError conditions Argo CD writes when the application breaks
// the project's rules (or its sources/destination are incomplete, or its destination is no
// cluster of `clusters` nor in-cluster), in Argo's order; empty when permitted.
// project_refusal: the first of them.
std::vector<std::string> project_refusals(const AppProject& project, const Application& app,
                                          std::span<const Cluster> clusters = {});
std::optional<std::string> project_refusal(const AppProject& project, const Application& app,
                                           std::span<const Cluster> clusters = {});

// IsSourcePermitted: a repository URL against spec.sourceRepos (normalised URLs, globs with '/'
// as separator, "!" entries deny).
bool source_permitted(const AppProject& project, std::string_view repo_url);
// IsDestinationPermitted for a cluster known by its server URL and name (in-cluster:
// k_in_cluster_server, k_in_cluster_name) and a namespace; `clusters` are the registered
// ones, whose project-scoped members count as the project's (GetAppProjectByName's implicit
// destinations; permitOnlyProjectScopedClusters).
bool destination_permitted(const AppProject& project, std::string_view server,
                           std::string_view name, std::string_view namespace_,
                           std::span<const Cluster> clusters = {});

// Whether the application's namespace may use the project: always in the project's own
// namespace (Argo CD's), else when spec.sourceNamespaces matches. The message Argo CD gives
// (as an UnknownError condition) when not.
std::optional<std::string> app_namespace_refusal(const AppProject& project, const Application& app);

// Whether a kind may be managed (IsGroupKindNamePermitted): cluster-scoped kinds only when
// whitelisted and not blacklisted; namespaced kinds unless blacklisted or missing from a
// whitelist that is set. `name` is matched by cluster-resource entries that carry one.
bool resource_permitted(const AppProject& project, std::string_view group, std::string_view kind,
                        bool namespaced, std::string_view name = {});

// The error gitops-engine's permission check gives for one object of the sync: "resource
// apps:Deployment is not permitted in project p", or "namespace x is not permitted in project
// 'p'" when a namespaced object's namespace is not a project destination; nullopt when allowed.
std::optional<std::string> resource_refusal(const AppProject& project, const Application& app,
                                            const Node& object, bool namespaced,
                                            std::span<const Cluster> clusters = {});

// Argo CD's git URL normalisation for comparing repositories (lower case, scp-like SSH URLs as
// ssh paths, ".git" dropped); "" when the URL does not parse.
std::string normalize_git_url(std::string_view url);

}  // namespace plumb::argo
