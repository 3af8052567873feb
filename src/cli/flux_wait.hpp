// Waiting on Flux objects the way the flux CLI does, but with a watch instead of polling:
// the reconcile-request protocol (annotation reconcile.fluxcd.io/requestedAt, answered by
// the controller in status.lastHandledReconcileAt), waiting for Ready, and installing the
// Flux CRDs into a cluster that lacks them.
//
// Thread safety: each call uses the client from the calling thread only (plus one timer
// thread of its own that cancels the watch at the deadline).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "cli/flux_common.hpp"
#include "core/error.hpp"
#include "core/node.hpp"
#include "kube/client.hpp"

namespace plumb::cli::flux {

using Clock = std::chrono::steady_clock;

// Field managers: each verb owns only what it writes, so that one verb's apply never
// removes what another wrote (an apply drops the fields its manager no longer sends).
inline constexpr std::string_view k_manager_suspend = "plumb-cli";
inline constexpr std::string_view k_manager_reconcile = "plumb-cli-reconcile";
inline constexpr std::string_view k_manager_create = "plumb-cli-create";
// The rollback annotations (controller/pin.hpp): `plumb resume` removes them by applying
// none with this manager.
inline constexpr std::string_view k_manager_rollback = "plumb-cli-rollback";

inline constexpr std::string_view k_requested_at = "reconcile.fluxcd.io/requestedAt";

// Follows the object `start` (from its resourceVersion) until done(object) holds, and
// returns that state; nullopt when the deadline passes first. An object deleted meanwhile
// is an error.
Result<std::optional<Node>> wait_for_object(kube::Client& client, const kube::Resource& resource,
                                            const Node& start, Clock::time_point deadline,
                                            const std::function<bool(const Node&)>& done);

// Installs the GitRepository and Kustomization CRDs when the cluster does not serve the
// kinds yet, and waits until they are Established. Says so when it installs them.
Result<void> ensure_flux_crds(kube::Client& client, Clock::time_point deadline);
// The same for any kinds and the CRDs that define them; `installing` is called before.
Result<void> ensure_crds(kube::Client& client, std::span<const kube::Resource* const> kinds,
                         const std::vector<Node>& definitions, Clock::time_point deadline,
                         const std::function<void()>& installing);

// The Flux reconcile protocol for one object: refuses a suspended object, sets the
// requestedAt annotation (server-side apply, manager plumb-cli-reconcile), waits until the
// controller's status.lastHandledReconcileAt equals it, then judges the Ready condition:
// Ready=False is an error carrying its message. Prints flux's progress lines and, on
// success, "✔ applied revision ..." / "✔ fetched revision ...".
enum class Announce : bool { no, yes };  // print "► annotating ..." / "✔ ... annotated"
Result<void> reconcile_object(kube::Client& client, const FluxKind& kind, const std::string& ns,
                              const std::string& name, Clock::duration timeout,
                              Announce announce = Announce::yes);

}  // namespace plumb::cli::flux
