// Flux's HelmRepository (source.toolkit.fluxcd.io/v1) as Plumb reads it, and the status
// source-controller writes for it. The reconcile is Reconcilers::reconcile_helm_repository
// (helmrepository.cpp): an HTTP repository's index.yaml fetched (credentials from
// spec.secretRef), its digest the artifact revision; HelmReleases fetch their charts through
// the same options. A repository of type oci is static, as in Flux: no artifact, no status.
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "controller/outcome.hpp"
#include "core/error.hpp"
#include "core/node.hpp"
#include "kube/client.hpp"

namespace plumb::controller {

extern const kube::Resource k_helm_repositories;  // helmrepository.cpp

struct HelmRepositorySpec {
  std::string url;   // http(s)://, or oci:// with type oci
  bool oci = false;  // spec.type oci
  std::chrono::milliseconds interval{60000};
  std::string secret_name;  // spec.secretRef.name (username/password keys)
  bool pass_credentials = false;
  bool insecure = false;  // type oci: plain HTTP
  bool suspend = false;
};

// Parses the spec of a HelmRepository object (the whole object is given); errors name the
// object and field.
Result<HelmRepositorySpec> parse_helm_repository(const Node& object);

// source-controller's status for an HTTP repository: the GitRepository one (artifact.revision,
// lastUpdateTime, observedGeneration) with Ready "stored artifact: revision 'sha256:…'",
// artifact.digest and size (the index's), artifact.path (Flux's
// "helmrepository/NS/NAME/index-<hex>.yaml") and the ArtifactInStorage condition.
Node helm_repository_status(const Node& object, const Outcome& outcome, std::string_view now);

}  // namespace plumb::controller
