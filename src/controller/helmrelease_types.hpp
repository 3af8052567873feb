// Flux's HelmRelease (helm.toolkit.fluxcd.io/v2) as Plumb reads it: the fields Flux users
// write, with helm-controller's defaults, and the values a release gets (valuesFrom then
// spec.values, composed as helm-controller composes them); the release name as
// helm-controller shortens it; the chart's values files as source-controller merges them.
//
// Errors name the object and the field ("HelmRelease/apps/web: spec.maxHistory: ...");
// values errors name the ConfigMap or Secret and key, never a value.
//
// Thread safety: pure functions (compose_values calls the lookup it is given).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "controller/flux_types.hpp"
#include "controller/postbuild.hpp"
#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::controller {

// spec.valuesFrom[]: a key of a ConfigMap or Secret in the HelmRelease's namespace.
struct ValuesReference {
  std::string kind;  // ConfigMap or Secret
  std::string name;
  std::string values_key = "values.yaml";
  std::string target_path;  // "": the key holds a YAML map merged over what came before
  bool optional = false;
};

// install.crds / upgrade.crds: what is done with the chart's crds/ directory.
enum class CrdPolicy : uint8_t { skip, create, create_replace };

// install.remediation / upgrade.remediation. Install remediation is always an uninstall;
// upgrade remediation a rollback unless strategy is uninstall.
struct HelmRemediation {
  int retries = 0;                      // -1: retry forever
  bool remediate_last_failure = false;  // remediate the last failure once retries are exhausted
  bool uninstall = false;               // strategy: uninstall
  // helm-controller's RetriesExhausted: retries >= 0 and more failures than retries.
  bool exhausted(int failures) const { return retries >= 0 && failures > retries; }
};

// spec.postRenderers[].kustomize: patches ({patch, target}) and images ({name, newName,
// newTag, digest}) as a kustomization holds them; null when absent.
struct KustomizePostRenderer {
  Node patches;
  Node images;
};

// spec.postRenderStrategy: which documents go through the post-renderers (helm v4's
// PostRenderStrategy). combined (the default): hooks and manifests in one stream; nohooks:
// manifests only (Helm 3); separate: hooks and manifests in two streams.
enum class PostRenderStrategy : uint8_t { combined, nohooks, separate };

enum class DriftMode : uint8_t { disabled, enabled, warn };

// spec.driftDetection.ignore[]: JSON pointers left out of the drift comparison, for the
// objects the target selector (kustomize's Selector) picks, or for all when it is null.
struct DriftIgnoreRule {
  std::vector<std::string> paths;
  Node target;
};

// Hooks and tests: spec.{install,upgrade,rollback,uninstall}.disableHooks, spec.test.
struct HelmHookOptions {
  bool install_disabled = false;
  bool upgrade_disabled = false;
  bool rollback_disabled = false;
  bool uninstall_disabled = false;
  bool test = false;                          // spec.test.enable: test hooks after install/upgrade
  milliseconds test_timeout{0};               // spec.test.timeout; 0: spec.timeout
  bool install_ignore_test_failures = false;  // install.remediation.ignoreTestFailures,
  bool upgrade_ignore_test_failures = false;  // else spec.test.ignoreFailures
};

struct HelmReleaseSpec {
  milliseconds interval{0};
  milliseconds timeout{0};  // 0: helm-controller's 5 minutes
  // spec.chart.spec (a HelmChart template): chart is a path in a GitRepository's artifact,
  // or a chart name in a HelmRepository.
  std::string chart;
  std::string version = "*";  // semver range (HelmRepository charts)
  SourceRef source_ref;       // kind GitRepository or HelmRepository; namespace defaults to ours
  // spec.chartRef instead of spec.chart: source_ref is the OCIRepository (or HelmChart) whose
  // artifact is the chart archive.
  bool chart_ref = false;
  std::vector<std::string> values_files;  // chart.spec.valuesFiles, paths in the source
  bool ignore_missing_values_files = false;
  std::string release_name;       // default: [targetNamespace-]name, shortened (release_name_for)
  std::string target_namespace;   // default: the HelmRelease's namespace
  std::string storage_namespace;  // default: the HelmRelease's namespace
  Node values = Node::map();
  std::vector<ValuesReference> values_from;
  CrdPolicy install_crds = CrdPolicy::create;
  CrdPolicy upgrade_crds = CrdPolicy::skip;
  HelmRemediation install_remediation;
  HelmRemediation upgrade_remediation;
  bool keep_history = false;  // spec.uninstall.keepHistory
  int max_history = 5;        // 0: unlimited
  bool suspend = false;
  std::vector<KustomizePostRenderer> post_renderers;  // applied in order
  PostRenderStrategy post_render_strategy = PostRenderStrategy::combined;
  DriftMode drift_mode = DriftMode::disabled;  // enabled corrects drift, warn reports it
  std::vector<DriftIgnoreRule> drift_ignore;
  std::vector<NamespacedName> depends_on;
  HelmHookOptions hooks;
};

// Parses the spec of a HelmRelease object (the whole object is given).
Result<HelmReleaseSpec> parse_helm_release(const Node& object);

// helm-controller's release.ShortenName: a name over Helm's 53 characters becomes its first
// 40 characters, '-' and the first 12 hex digits of its SHA-256.
std::string shorten_release_name(std::string_view name);

// chart.spec.valuesFiles as source-controller merges them (HelmMergeMaps, in order) into
// the values that replace the chart's values.yaml. `read` gives a file's text, nullopt when
// it is missing: an error ("no values file found at path ...") unless ignore_missing.
using ValuesFileReader = std::function<Result<std::optional<std::string>>(std::string_view)>;
Result<Node> merge_values_files(const HelmReleaseSpec& spec, const ValuesFileReader& read);

// The release's values, as helm-controller's ChartValuesFromReferences: each valuesFrom
// entry in order (a map merged over the values so far, or with targetPath the text set at
// that path as a string); then spec.values merged over them. A missing object or key is an
// error ("could not find ConfigMap 'ns/name'") unless the reference is optional.
Result<Node> compose_values(const HelmReleaseSpec& spec, std::string_view ns,
                            const ObjectLookup& lookup);

// helm-controller's MergeMaps: b over a, maps merged recursively, anything else replaced.
Node merge_maps(Node a, const Node& b);

// "sha256:<hex>" of the values as Go's json.Marshal writes a map (keys sorted): Flux's
// configDigest, equal for equal values whatever their key order.
std::string values_digest(const Node& values);

}  // namespace plumb::controller
