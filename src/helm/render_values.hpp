// The render inputs Helm builds around the values for `helm template` (v4.1.4):
// `.Release`, `.Chart` (Chart.yaml's metadata under Go's field names), `.Capabilities`
// (KubeVersion from --kube-version, default v1.35.0; the 57 default API versions plus
// --api-versions), `.Values` (helm/values.hpp), and the checks Helm runs first: the release
// name (`release name check failed: release name "Bad_Name": invalid release name, must match
// regex ... and the length must not be longer than 53`), --kube-version (`invalid kube version
// 'banana': could not parse "banana" as version`), a chart's kubeVersion constraint (`chart
// requires kubeVersion: >=1.30.0-0 which is incompatible with Kubernetes v1.19.16`), and that a
// library chart is not installed (`library charts are not installable`).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"
#include "helm/chart.hpp"

namespace plumb::helm {

struct ReleaseOptions {
  std::string name;
  std::string namespace_name = "default";
  int revision = 1;
  bool is_install = true, is_upgrade = false;
};

struct KubeVersion {
  std::string version;     // "v" + the text given: "v1.31", "v1.31.2-rc.1" (.Version, GitVersion)
  std::string normalized;  // "v" + the numeric components: "v1.31.2" (what String() prints)
  std::string major, minor;
};

struct Capabilities {
  KubeVersion kube_version;
  std::vector<std::string> api_versions;
  // {"KubeVersion": {Version, Major, Minor}, "APIVersions": [...], "HelmVersion": {...}},
  // as `.Capabilities | toJson` prints it.
  Node to_node() const;
};

// chartutil.ParseKubeVersion (k8s.io/apimachinery's ParseGeneric): errors without Helm's
// "invalid kube version '...': " prefix, which the caller adds.
Result<KubeVersion> parse_kube_version(std::string_view text);

// The Helm release Plumb's charts render as (.Capabilities.HelmVersion.version, plumb version).
inline constexpr std::string_view k_helm_version = "v4.1.4";

// helm v4.1.4's defaults: KubeVersion v1.35.0 and its API version list.
Capabilities default_capabilities();

// chartutil.ValidateReleaseName, with helm template's "release name check failed: " prefix.
Result<void> validate_release_name(std::string_view name);

// The top chart's checks before rendering: installable type, kubeVersion constraint.
Result<void> check_chart(const Chart& chart, const Capabilities& caps);

// `.Chart`: the metadata under Go's field names (APIVersion, Annotations, AppVersion,
// Condition, Dependencies, Deprecated, Description, Home, Icon, IsRoot, Keywords, KubeVersion,
// Maintainers, Name, Sources, Tags, Type, Version), empty lists as [] and no annotations as null.
Node chart_node(const Chart& chart);

// `.Release`.
Node release_node(const ReleaseOptions& release);

// chartutil.ToRenderValues: {Chart, Capabilities, Release, Values} where Values are the
// chart's defaults coalesced under `user_values`. The chart must have been through
// process_dependencies.
Result<Node> to_render_values(const Chart& chart, const Node& user_values,
                              const ReleaseOptions& release, const Capabilities& caps);

}  // namespace plumb::helm
