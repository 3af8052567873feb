// Argo CD's ApplicationSet (argoproj.io/v1alpha1) turned into the Applications it generates, as
// argo-cd's applicationset controller does (applicationset/generators, utils.Render,
// controllers/template) — pure, offline: repositories come through a callback and cluster
// Secrets as a list the caller read.
//
// Reading (parse_application_set). Errors name the object and the field
// ("ApplicationSet argocd/guestbook: spec.generators[0].git: needs directories or files").
// Generators list, clusters, git (directories and files), matrix and merge are read; the
// scmProvider, pullRequest, clusterDecisionResource and plugin generators, progressive syncs
// (strategy RollingSync) and a third level of matrix/merge nesting are refused, not ignored.
//
// Generating (generate_applications). For each entry of spec.generators, each generator it
// sets (Argo's order: list, clusters, git, matrix, merge) gives parameter sets exactly as
// Argo's: flat string maps ("path.basename", "values.env") with the default fasttemplate
// templating, nested maps with goTemplate. A generator's own `template` is filled from
// spec.template (mergo.Merge: empty fields take the base's), an entry's `selector` filters the
// parameter sets (flattened: "values.env"), and every string of the template — map keys too —
// is rendered with each set: fasttemplate's `{{name}}` (unknown names left as written) or Go's
// text/template with sprig (env, expandenv and getHostByName removed; normalize, slugify,
// toYaml, fromYaml, fromYamlArray added) and spec.goTemplateOptions. Then templatePatch (a
// strategic merge patch rendered with the same parameters, spec.project kept), the resources
// finalizer unless preserveResourcesOnDeletion or the template has finalizers, and the
// ApplicationSet's namespace.
//
// Argo's matrix: the second child is rendered with each parameter set of the first before it
// generates (its `values` resolved only where the first set has the keys they use); sets
// combine with the first's values winning (goTemplate: maps merged deeply) or, fasttemplate, a
// key with two different values is an error. Merge: the first child's sets, each overridden by
// the sets of the later children that agree on every mergeKey.
//
// Applications that share a name, or have none, are refused (all of them, as Argo's controller
// keys its errors by name); the others are `valid`, sorted by name as the controller creates
// them.
//
// Thread safety: pure functions; generate_applications calls RepoAccess on its own thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "argo/application.hpp"
#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/node.hpp"

namespace plumb::source {
class GitSource;
}

namespace plumb::argo {

inline constexpr std::string_view k_appset_kind = "ApplicationSet";
// Set on an ApplicationSet to have it generated again now (the controller removes it).
inline constexpr std::string_view k_appset_refresh_annotation =
    "argocd.argoproj.io/application-set-refresh";

// --- syncPolicy ---

// spec.syncPolicy.applicationsSync: what the controller may do to the Applications.
enum class ApplicationsSync { create_only, create_update, create_delete, sync };
std::string_view applications_sync_name(ApplicationsSync policy);
inline bool allows_update(ApplicationsSync p) {
  return p == ApplicationsSync::create_update || p == ApplicationsSync::sync;
}
inline bool allows_delete(ApplicationsSync p) {
  return p == ApplicationsSync::sync || p == ApplicationsSync::create_delete;
}

struct AppSetSyncPolicy {
  bool present = false;  // spec.syncPolicy written
  // Applications are made without the resources finalizer, and deleting the ApplicationSet
  // leaves them (Argo: the controller's delete is skipped for them).
  bool preserve_resources_on_deletion = false;
  std::optional<ApplicationsSync> applications_sync;  // nullopt: the controller's policy
};

// Argo's DefaultPolicy: the ApplicationSet's applicationsSync when it sets one and the
// controller lets ApplicationSets override its policy (Argo's default: policy "sync",
// override allowed), else the controller's.
ApplicationsSync effective_applications_sync(
    const AppSetSyncPolicy& policy, ApplicationsSync controller_policy = ApplicationsSync::sync,
    bool override_allowed = true);

// --- generators ---

// A metav1.LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist).
struct SelectorRequirement {
  enum class Op { in, not_in, exists, does_not_exist };
  std::string key;
  Op op = Op::in;
  std::vector<std::string> values;
};
enum class LabelValues { any, checked };
struct LabelSelector {
  StringPairs match_labels;
  std::vector<SelectorRequirement> match_expressions;
  bool empty() const { return match_labels.empty() && match_expressions.empty(); }
  // `labels`: a map of strings (a missing key is a missing label).
  bool matches(const Node& labels) const;
  // Why Argo would not take it as a selector: a key that is not a qualified name ("prefix/"
  // and 63 characters of [-A-Za-z0-9_.], alphanumeric at both ends) and, LabelValues::checked
  // (metav1's selectors; Argo's post-selector takes any value), a value that is not a label
  // value. nullopt when it would.
  std::optional<std::string> problem(LabelValues values) const;
};

enum class GeneratorKind { list, clusters, git, matrix, merge };
std::string_view generator_name(GeneratorKind kind);  // "list", "clusters" ...

struct ListGenerator {
  std::vector<Node> elements;
  std::string elements_yaml;  // a YAML list of maps, read when generating (it may be templated)
};

struct ClusterGenerator {
  LabelSelector selector;
  StringPairs values;
  bool flat_list = false;  // one parameter set {clusters: [...]}
};

struct GitPathItem {
  std::string path;
  bool exclude = false;
};

struct GitGenerator {
  std::string repo_url;
  std::string revision;  // "" and "HEAD": the remote's HEAD
  std::vector<GitPathItem> directories, files;
  std::string path_param_prefix;
  StringPairs values;
  std::optional<int64_t> requeue_after_seconds;
};

struct GeneratorEntry;

// One generator of an entry: its kind, its spec as written (what a matrix interpolates) and
// what was read from it.
struct Generator {
  GeneratorKind kind = GeneratorKind::list;
  Node spec;       // the map under the generator's key
  Node template_;  // its own `template` (null when absent)
  ListGenerator list;
  ClusterGenerator clusters;
  GitGenerator git;
  std::vector<GeneratorEntry> children;  // matrix and merge: two (matrix) or more (merge)
  std::vector<std::string> merge_keys;   // merge
};

// An item of spec.generators (or of a matrix's or merge's `generators`).
struct GeneratorEntry {
  std::string path;                       // "spec.generators[0]", for messages
  Node spec;                              // the item as written
  std::vector<Generator> generators;      // what the item sets, in Argo's order
  std::optional<LabelSelector> selector;  // the post-selector on its parameter sets
};

// spec.ignoreApplicationDifferences: fields of the Applications the controller leaves alone.
struct AppSetIgnoreDifference {
  std::string name;  // "" = every Application
  std::vector<std::string> json_pointers, jq_path_expressions;
};

struct ApplicationSet {
  std::string name, namespace_;
  bool go_template = false;
  std::vector<std::string> go_template_options;  // "missingkey=error" ...
  std::vector<GeneratorEntry> generators;
  Node template_;  // spec.template: {metadata: {name, namespace, labels, ...}, spec}
  std::optional<std::string> template_patch;
  AppSetSyncPolicy sync_policy;
  // spec.preservedFields: labels and annotations of the live Applications the controller keeps.
  std::vector<std::string> preserved_annotations, preserved_labels;
  std::vector<AppSetIgnoreDifference> ignore_application_differences;
  bool refresh = false;  // k_appset_refresh_annotation set
};

Result<ApplicationSet> parse_application_set(const Node& object);

// --- generating ---

// A repository at a revision: the commit it resolved to and its files, valid during the call
// it is passed to.
struct RepoSnapshot {
  std::string commit;
  const FileSystem* files = nullptr;
};
using RepoUse = std::function<Result<void>(const RepoSnapshot&)>;
// What the git generator reads repositories through: runs `use` with (repoURL, revision) —
// the revision as written ("" and "HEAD": the remote's HEAD), or, for a repository read again
// within one generate_applications, the commit it resolved to the first time. `use` runs
// inside the call so that the files are read while the repository is held (libgit2's objects
// are not shared between threads).
using RepoAccess = std::function<Result<void>(const std::string& repo_url,
                                              const std::string& revision, const RepoUse& use)>;

// RepoAccess over Plumb's git sources: the revision (a branch, tag or commit; "" or "HEAD" the
// remote's HEAD) fetched into `source` as the Application controller resolves targetRevision,
// and `use` run with its tree. The controller calls it inside SourceCache::with(url, ...).
Result<void> with_git_revision(source::GitSource& source, std::string_view revision,
                               const RepoUse& use);

struct GenerateInput {
  RepoAccess repos;  // unset: a git generator fails
  // The cluster Secrets the caller read from Argo CD's namespace; those without
  // argocd.argoproj.io/secret-type: cluster are left out. data.name/server/project are
  // base64 (stringData, as in a file, is read too). The in-cluster cluster is added as Argo
  // adds it.
  std::span<const Node> cluster_secrets;
  // Parameter sets one generator may produce and Applications in all; past it, an error
  // (hostile matrices). Argo has no limit.
  size_t max_applications = 100000;
};

// Why generating failed: the condition reasons Argo writes (ErrorOccurred, with
// ApplicationGenerationFromParamsError or RenderTemplateParamsError).
enum class GenerateReason { params, render };
std::string_view generate_reason_name(GenerateReason reason);

struct GenerateFailure {
  GenerateReason reason = GenerateReason::params;
  Error error;
};

// An Application refused after generation (Argo's validateGeneratedApplications: a name
// shared with another, or none).
struct RefusedApplication {
  std::string qualified_name;  // "namespace/name"
  std::string message;
};

struct Generated {
  // Every Application generated, in generation order (what `argocd appset generate` prints):
  // apiVersion, kind, metadata {name, namespace, labels, annotations, finalizers}, spec.
  std::vector<Node> applications;
  // Those the controller creates or updates, sorted by name.
  std::vector<Node> valid;
  // Sorted by qualified name.
  std::vector<RefusedApplication> refused;
  // The ErrorOccurred message Argo writes for the refused ones (the last, "(and N more)").
  std::optional<std::string> refused_message() const;
};

std::expected<Generated, GenerateFailure> generate_applications(const ApplicationSet& appset,
                                                                const GenerateInput& input);

// When to generate again though nothing changed (Argo's getMinRequeueAfter): the smallest of
// the git generators' requeueAfterSeconds (default 3 minutes), nested ones included; nullopt
// when no generator asks (list, clusters alone).
std::optional<std::chrono::seconds> requeue_after(const ApplicationSet& appset);

// --- for the controller ---

// The ownerReference an Application gets from its ApplicationSet object (controller, block
// owner deletion).
Node owner_reference(const Node& appset_object);

// CreateOrUpdate's mutation: `live` (or a new object when null) with the generated spec,
// operation, labels, annotations and finalizers, keeping from `live` the labels and
// annotations spec.preservedFields names, Argo's own annotations (refresh, hydrate,
// notified.notifications.argoproj.io) and the pre/post-delete finalizers. The caller adds
// owner_reference and compares with `live` (ignoreApplicationDifferences) before writing.
Node application_update(const ApplicationSet& appset, const Node& generated, const Node* live);

// utils.SanitizeName: lower case, each character outside [-a-z0-9.] as "-", 253 bytes at most,
// "-" and "." trimmed.
std::string sanitize_name(std::string_view name);

}  // namespace plumb::argo
