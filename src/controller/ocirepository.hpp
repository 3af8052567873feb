// Flux's OCIRepository (source.toolkit.fluxcd.io/v1; v1beta2 served too, as users still write
// it) as Plumb reads it, and the status source-controller writes for it. The reconcile itself
// is Reconcilers::reconcile_oci_repository (ocirepository.cpp): the artifact pulled through
// source::oci (ref digest > semver > tag > "latest"), its layer (layerSelector, else the
// first) kept in an ArtifactCache by digest, where Kustomizations (a tar+gzip of manifests)
// and HelmReleases (`chartRef`, a chart archive) read it back by status.artifact.digest.
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "controller/outcome.hpp"
#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/node.hpp"
#include "kube/client.hpp"

namespace plumb::controller {

extern const kube::Resource k_oci_repositories;  // ocirepository.cpp

struct OciRepositorySpec {
  std::string url;  // oci://host/repository
  std::chrono::milliseconds interval{60000};
  std::string tag, semver, digest;  // spec.ref; none: tag "latest"
  std::string layer_media_type;     // spec.layerSelector.mediaType; "": the first layer
  bool copy = false;                // layerSelector.operation copy (else extract)
  std::string secret_name;          // spec.secretRef.name (username/password keys)
  bool insecure = false;            // plain HTTP
  bool suspend = false;
};

// Parses the spec of an OCIRepository object (the whole object is given); errors name the
// object and field.
Result<OciRepositorySpec> parse_oci_repository(const Node& object);

// source-controller's status: the GitRepository one (Ready, artifact.revision
// "<tag>@sha256:<manifest digest>", lastUpdateTime, observedGeneration) with artifact.digest
// (the stored layer's), artifact.path (Flux's "ocirepository/NS/NAME/<hex>.tar.gz") and the
// ArtifactInStorage condition.
Node oci_repository_status(const Node& object, const Outcome& outcome, std::string_view now);

// The files of an artifact's tar+gzip, at the root of a memory file system.
Result<MemoryFileSystem> artifact_files(std::string_view tgz);

}  // namespace plumb::controller
