// The objects `plumb create source git|helm|oci`, `create kustomization` and `create
// helmrelease` make, built from their flags as `flux create ... --export` builds them: the
// same fields, omitted when empty, durations as Go prints them (`1m0s`), and the same
// `--export` text (a `---` line, then the YAML with keys sorted).
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::cli::flux {

using std::chrono::milliseconds;

// apiVersion, kind, metadata.name and metadata.namespace: the start of every object here,
// and the whole of a server-side apply that only adds an annotation or spec.suspend.
Node object_stub(std::string_view api_version, std::string_view kind, std::string_view name,
                 std::string_view ns);

struct GitSourceOptions {
  std::string name;
  std::string ns = "flux-system";
  std::string url;
  std::string branch, tag, semver, ref_name, commit;  // one is required
  std::string secret_ref;
  milliseconds interval{60000};
};

// A GitRepository (source.toolkit.fluxcd.io/v1). Errors: no URL, a scheme other than
// ssh, http, https or file (Plumb also reads file:// repositories), no ref.
Result<Node> git_repository_manifest(const GitSourceOptions& options);

// A HelmRepository (source.toolkit.fluxcd.io/v1); an oci:// URL makes it `type: oci`.
// Errors: no URL, a scheme other than http, https or oci.
struct HelmRepositoryOptions {
  std::string name;
  std::string ns = "flux-system";
  std::string url;
  std::string secret_ref;
  bool pass_credentials = false;  // written only with a secret, as flux does
  milliseconds interval{60000};
};
Result<Node> helm_repository_manifest(const HelmRepositoryOptions& options);

// An OCIRepository (source.toolkit.fluxcd.io/v1). Errors: no URL, a URL not oci://, none of
// tag, semver, digest.
struct OciRepositoryOptions {
  std::string name;
  std::string ns = "flux-system";
  std::string url;
  std::string tag, semver, digest;  // at least one; all given are written
  std::string secret_ref;
  bool insecure = false;
  milliseconds interval{60000};
};
Result<Node> oci_repository_manifest(const OciRepositoryOptions& options);

// `--source [<kind>/]<name>[.<namespace>]` of a Kustomization; the kind defaults to
// GitRepository, the only source kind a Kustomization reads here, and is matched
// case-insensitively.
struct SourceRefArg {
  std::string kind = "GitRepository";
  std::string name;
  std::string namespace_;  // "" means the referring object's
};
Result<SourceRefArg> parse_source_ref(std::string_view text);

// `<kind>/<name>[.<namespace>]` where the kind is required and one of `kinds` (matched
// case-insensitively, written as spelled there): a HelmRelease's --source (HelmRepository,
// GitRepository, Bucket) and --chart-ref (OCIRepository, HelmChart). `what` names the flag
// in errors ("source", "chart reference").
Result<SourceRefArg> parse_kind_ref(std::string_view text, std::span<const std::string_view> kinds,
                                    std::string_view what);

// A relative path inside the source, as flux's --path reads it: cleaned, never above the
// root, prefixed with "./" ("apps/../base" → "./base", "" → "./").
std::string clean_relative_path(std::string_view path);

struct KustomizationOptions {
  std::string name;
  std::string ns = "flux-system";
  std::string source;  // --source, as given
  std::string path = "./";
  bool prune = false;
  bool wait = false;
  milliseconds interval{60000};
  std::optional<milliseconds> retry_interval;  // set when > 0
  milliseconds health_check_timeout{120000};   // spec.timeout, written with wait
  std::string target_namespace;
  std::vector<std::string> depends_on;  // "name" or "namespace/name"
};

// A Kustomization (kustomize.toolkit.fluxcd.io/v1).
Result<Node> kustomization_manifest(const KustomizationOptions& options);

struct HelmReleaseOptions {
  std::string name;
  std::string ns = "flux-system";
  std::string source;         // --source KIND/NAME[.NS], with chart
  std::string chart;          // a chart name (HelmRepository) or path (GitRepository, Bucket)
  std::string chart_version;  // a semver range
  std::string chart_ref;      // --chart-ref KIND/NAME[.NS], instead of source and chart
  std::string target_namespace;
  std::string release_name;
  Node values;                           // the --values files merged; null when none
  std::vector<std::string> values_from;  // KIND/NAME, kind Secret or ConfigMap
  std::vector<std::string> depends_on;   // "name" or "namespace/name"
  milliseconds interval{60000};
};

// A HelmRelease (helm.toolkit.fluxcd.io/v2): spec.chart.spec (with reconcileStrategy
// ChartVersion, flux's default) or spec.chartRef.
Result<Node> helm_release_manifest(const HelmReleaseOptions& options);

// What `--export` prints: "---\n" and the object's YAML.
std::string export_yaml(const Node& object);

}  // namespace plumb::cli::flux
