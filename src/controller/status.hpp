// The status Flux users read, built from an Outcome: pure functions of the object as last
// read, the outcome and the time (RFC 3339), so tests need neither clock nor cluster.
// Reconcilers::write_status is the one place that writes them.
//
//   Kustomization: conditions Ready (True/False/Unknown), Reconciling, FieldsIgnored (fields
//   Plumb does not act on yet), observedGeneration,
//   lastAttemptedRevision, lastAppliedRevision, inventory, lastHandledReconcileAt.
//   GitRepository: conditions Ready, artifact {revision, lastUpdateTime}, observedGeneration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/outcome.hpp"
#include "core/node.hpp"
#include "core/object_ref.hpp"

namespace plumb::controller {

// The annotation `flux reconcile` sets; status.lastHandledReconcileAt echoes it when done.
inline constexpr std::string_view k_requested_at = "reconcile.fluxcd.io/requestedAt";

// Flux's inventory: {entries: [{id: <ns>_<name>_<group>_<kind>, v: <version>}]}, sorted.
Node inventory_node(const std::vector<ObjectRef>& refs);
// The refs of object's status.inventory (entries that do not parse are skipped).
std::vector<ObjectRef> inventory_refs(const Node& object);

Node kustomization_status(const Node& object, const Outcome& outcome, std::string_view now);
// helm-controller's HelmRelease status: Ready and Released (Remediated after a rollback),
// history (newest first, as many entries as maxHistory keeps at most), lastAttemptedRevision
// (the chart version), lastAttemptedConfigDigest, lastAttemptedReleaseAction,
// install/upgradeFailures, storageNamespace, observedGeneration.
Node helm_release_status(const Node& object, const Outcome& outcome, std::string_view now);
Node git_repository_status(const Node& object, const Outcome& outcome, std::string_view now);

// Where a source's artifact is, as source-controller reports it.
struct StoredArtifact {
  std::string path;             // artifact.path
  std::optional<int64_t> size;  // artifact.size, when reported
  std::string ready_message;    // Ready's message on success
};
// An OCIRepository's or HelmRepository's status: the GitRepository one with Ready's message
// of that kind, artifact.digest (Outcome::artifact_digest), path, size and ArtifactInStorage.
Node stored_artifact_status(const Node& object, const Outcome& outcome, std::string_view now,
                            const StoredArtifact& stored);

}  // namespace plumb::controller
