// Flux's GitRepository (source.toolkit.fluxcd.io/v1) and Kustomization
// (kustomize.toolkit.fluxcd.io/v1) as Plumb reads them: the fields Flux users write, with
// Flux's defaults, and errors that name the object and the field.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"
#include "source/git.hpp"

namespace plumb::controller {

using std::chrono::milliseconds;

struct NamespacedName {
  std::string namespace_;
  std::string name;
};

struct GitRepositorySpec {
  std::string url;
  milliseconds interval{60000};
  milliseconds timeout{60000};
  source::GitRef ref;       // branch "master" when no field is set, as Flux defaults
  std::string secret_name;  // spec.secretRef.name, in the object's namespace
  bool suspend = false;
};

struct SourceRef {
  std::string kind = "GitRepository";
  std::string name;
  std::string namespace_;  // defaults to the Kustomization's
};

// spec.postBuild: variables for ${...} in the rendered objects.
struct SubstituteReference {
  std::string kind;  // ConfigMap or Secret, in the Kustomization's namespace
  std::string name;
  bool optional = false;
};
struct PostBuildSpec {
  Node substitute;  // map of name → value, or null
  std::vector<SubstituteReference> substitute_from;
  bool always = false;  // substituteStrategy: Always (runs without variables too)
};

// spec.decryption: provider sops (the only one Flux has), keys from a Secret of the
// Kustomization's namespace; without secretRef, the controller-wide age Secret when set.
struct DecryptionSpec {
  std::string secret_name;  // "" = none
};

struct KustomizationSpec {
  milliseconds interval{0};
  milliseconds retry_interval{0};  // defaults to interval
  milliseconds timeout{0};         // defaults to interval
  std::string path = "./";
  bool prune = false;
  bool wait = false;
  bool force = false;
  bool suspend = false;
  SourceRef source_ref;
  std::vector<NamespacedName> depends_on;  // namespace defaults to the Kustomization's
  std::vector<Node> health_checks;         // {apiVersion, kind, name, namespace}
  std::string target_namespace;
  std::string name_prefix;
  std::string name_suffix;
  Node common_metadata;  // {labels, annotations} or null
  Node patches;          // list as in a kustomization, or null
  Node images;           // list, or null
  std::vector<std::string> components;
  std::optional<PostBuildSpec> post_build;
  std::optional<DecryptionSpec> decryption;
};

// Parses spec of a GitRepository object (the whole object is given).
Result<GitRepositorySpec> parse_git_repository(const Node& object);
// Parses spec of a Kustomization object.
Result<KustomizationSpec> parse_kustomization(const Node& object);

// Fields of a Flux object Plumb does not act on yet, by their paths ("spec.postBuild").
// `refused`: acting without them would apply something other than what the user means
// (unsubstituted variables, encrypted Secrets, another cluster or identity, unverified
// commits): the reconcile stops and says so. `ignored`: skipping them changes nothing that is
// applied, but the object says they are not honoured.
struct UnsupportedFields {
  std::vector<std::string> refused;
  std::vector<std::string> ignored;
};
// For a GitRepository, a Kustomization or a HelmRelease (by its kind).
UnsupportedFields unsupported_fields(const Node& object);

// A kustomization document that builds `path` (relative to it) with the Kustomization's
// overlay fields: targetNamespace, namePrefix/Suffix, commonMetadata, patches, images,
// components — what Flux adds on top of the user's kustomization.
Node overlay_kustomization(const KustomizationSpec& spec, const std::string& path);

}  // namespace plumb::controller
