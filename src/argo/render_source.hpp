// One Argo CD Application source rendered in-process exactly as Argo CD's repo-server renders
// it (argo-cd v3.5 reposerver/repository GenerateManifests), for the Application reconcile:
//
//   Directory  every *.yaml, *.yml and *.json file of the path (subdirectories only with
//              directory.recurse; symlinked directories never), include/exclude globs (gobwas,
//              no separator: `*` crosses `/`, `{a,b}` alternatives) on the path relative to the
//              source path, files holding `+argocd:skip-file-rendering` skipped, 10 MB of files
//              at most. YAML as sigs.k8s.io/yaml reads it (YAML 1.1: `yes` is true), one JSON
//              object per .json file. A YAML file whose documents do not decode as objects
//              with a kind is ignored unless it holds an object before the bad document or
//              looks like a manifest (contains `apiVersion:`, `kind:` and `metadata:`); then,
//              like anything that does not parse, it is an error naming the file. `.jsonnet`
//              files are refused (Argo evaluates them; Plumb has no Jsonnet).
//   Kustomize  the path built by render/'s kustomize engine after the Application's kustomize
//              overrides are written into its kustomization file the way Argo's `kustomize
//              edit set nameprefix|namesuffix|image|replicas`, `edit add label|annotation`,
//              `edit set namespace`, its patches append and `edit add component` leave it
//              (images and replicas merged by name and sorted, an existing label or annotation
//              an error); the edited file is laid over the tree, which is never changed.
//   Helm       the chart at the path through helm/'s `helm template`, with Argo's flags:
//              --name-template (helm.releaseName, else the app's name), --namespace (the
//              destination), value files relative to the chart (`/x` from the repository
//              root, `$ref/x` from a ref source, globs as doublestar expands them; http(s)
//              URLs refused), helm.values or helm.valuesObject (which wins) after them,
//              parameters as --set/--set-string, --kube-version and --api-versions (the
//              source's, else the cluster's), --include-crds unless skipCrds. Hooks and test
//              hooks stay in the output. Parameter values, value file paths, kustomize images
//              and label values go through Argo's build environment ($ARGOCD_APP_NAME ...;
//              other `$NAME`s become empty, `$$` is `$`).
//
// Every output document must be an object with a kind; objects are in the order the tool
// printed them, `List`s (any object with an `items` list) replaced by their items, `items:
// null` lists dropped, and floats that hold an integer read as integers, as they reach Argo's
// controller. Errors name the source path and the file or object. Which tool renders a source:
// source_type (explicit blocks, else Argo's discovery).
//
// Not done here: the tracking label/annotation (the controller's), CMP plugins, Jsonnet, Helm
// dependency download (missing charts/ dependencies are helm's error), remote value files.
//
// Thread safety: pure functions of their arguments; the trees are only read.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "argo/application.hpp"
#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/node.hpp"
#include "render/loader.hpp"
#include "render/remote.hpp"

namespace plumb::argo {

enum class SourceType : uint8_t { directory, kustomize, helm };

// "Directory", "Kustomize", "Helm": status.sourceType as Argo CD writes it.
std::string_view to_string(SourceType type);

// Argo CD's reposerver.max.combined.directory.manifests.size default (10M).
inline constexpr int64_t k_max_directory_manifests_bytes = 10'000'000;

struct RenderRequest {
  // The source's files: a git commit's tree, or for a `chart` source the chart archive
  // unpacked with its top directory stripped (Chart.yaml at "/", as Argo's ExtractChart
  // returns it). Paths absolute from "/", the repository root.
  const FileSystem* tree = nullptr;
  const ApplicationSource* source = nullptr;
  std::string app_name;    // the Application's instance name: Helm's default release name
  std::string namespace_;  // the destination namespace (Helm's --namespace)
  // Multi-source `ref` name ("values" or "$values") -> that source's tree, for "$ref/path"
  // value files.
  std::map<std::string, const FileSystem*> refs;
  // The Application has several sources (spec.sources): a "$name/..." value file must then
  // name a ref, else it is a path after environment substitution (single source).
  bool multiple_sources = false;
  std::string kube_version;               // the cluster's, for Helm unless helm.kubeVersion
  std::vector<std::string> api_versions;  // the cluster's, for Helm unless helm.apiVersions
  // The rest of Argo's build environment: ARGOCD_APP_PROJECT_NAME, ARGOCD_APP_REVISION (the
  // resolved commit or chart version; _SHORT is its first 7 characters, _SHORT_8 its first 8).
  std::string project;
  std::string revision;
  int64_t max_directory_manifests_bytes = k_max_directory_manifests_bytes;  // 0: no limit
  // Fetches remote kustomize bases; without one they are an error naming them. Not owned.
  render::RemoteFetcher* remote = nullptr;
  // argocd-cm's kustomize.buildOptions `--load-restrictor` (Argo's default: root only).
  render::LoadRestrictor kustomize_load_restrictor = render::LoadRestrictor::root_only;
};

struct Rendered {
  SourceType type;
  std::vector<Node> objects;
};

// Which tool Argo CD picks for a source: the one block among kustomize, helm and directory
// that is not empty (Argo's controller drops empty ones first; with several, the first in
// that order, and render_source refuses the source), else Helm for a `chart` source, else
// discovery on the path's own entries in name order, the last one matching winning: a name
// ending in "Chart.yaml" -> Helm, kustomization.yaml|.yml|Kustomization -> Kustomize; else
// Directory.
SourceType source_type(const FileSystem& tree, const ApplicationSource& source);

Result<Rendered> render_source(const RenderRequest& request);

// The spec.source (as written, Argo's field names) with the parameter override files of its
// path merged in as Argo's repo-server does before anything else: `.argocd-source.yaml`, then
// `.argocd-source-<app_name>.yaml`, each a JSON merge patch (what argocd-image-updater's git
// write-back and `argocd app set` leave in a repository); repoURL, path, targetRevision and
// chart always keep their original values. Parse the result instead of the spec's source.
Result<Node> apply_source_overrides(const FileSystem& tree, const Node& source,
                                    std::string_view app_name);

}  // namespace plumb::argo
