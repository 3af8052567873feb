// `plumb tree`'s model: the objects a unit (Flux Kustomization, HelmRelease, Argo CD
// Application) manages, nested — a unit among them shows its own — each with its health and a
// drift marker, printed as `flux tree kustomization` prints its tree:
//
//   Kustomization/flux-system/flux-system  Current
//   ├── Kustomization/flux-system/apps  Current
//   │   ├── Namespace/staging  Current
//   │   └── Deployment/staging/web  InProgress  drifted: kubectl-edit
//   └── GitRepository/flux-system/flux-system  Current
//
// Building is a walk over two callbacks (read a live object, list what a unit manages), so the
// nesting is tested without a cluster. Health is the controller's own assessment: kstatus
// (sync::health_of) for Flux units and what they apply, an Application's status for what it
// manages (the controller's Argo CD health, Lua checks included).
//
// Thread safety: pure functions; a TreeNode is a value.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"
#include "core/object_ref.hpp"

namespace plumb::cli::tree {

// One object of the tree.
struct TreeNode {
  ObjectRef ref;
  std::string health;  // "Current", "Healthy", "InProgress", "Missing", ...
  std::string drift;   // "" when none: "missing", "OutOfSync", "drifted: kubectl-edit"
  std::vector<TreeNode> children;
};

// An object a unit manages, with what the unit itself says of it (an Application's
// status.resources: health and sync status); empty when the unit says nothing.
struct Managed {
  ObjectRef ref;
  std::string health;
  std::string sync;  // "Synced", "OutOfSync"
};

// Which units nest: Flux Kustomizations and HelmReleases, Argo CD Applications.
enum class UnitKind { none, kustomization, helm_release, application };
UnitKind unit_kind(const ObjectRef& ref);

struct TreeSource {
  // The live object; nullopt when it does not exist.
  std::function<Result<std::optional<Node>>(const ObjectRef&)> live;
  // What a unit (live, of kind) manages, in the order to print.
  std::function<Result<std::vector<Managed>>(UnitKind, const Node& live)> managed;
};

// The tree under root (which must exist): units nest, each at most once (a unit that appears
// again, or applies itself, is shown without its children).
Result<TreeNode> build_tree(const ObjectRef& root, const TreeSource& source);

// The health shown for a live object: an Application's status.health.status, else kstatus.
std::string health_of(const Node& live);

// The drift marker of a live object applied by field manager `manager`: "drifted: NAME" when
// another manager changed its content (a field outside metadata and status; not through the
// status subresource) after manager's last apply, as managedFields record it; "" otherwise.
std::string drift_of(const Node& live, std::string_view manager);

// What a Kustomization's status.inventory lists, and an Application's status.resources (hooks
// are not listed there).
std::vector<Managed> inventory_of(const Node& kustomization);
std::vector<Managed> resources_of(const Node& application);

// "Kind/namespace/name" or "Kind/name" as flux tree names objects.
std::string tree_name(const ObjectRef& ref);

// The tree as text, one object per line, markers after two spaces; with color, health and
// drift in ANSI colours (green healthy, yellow in progress, red failed, missing or drifted).
std::string render(const TreeNode& root, bool color = false);

}  // namespace plumb::cli::tree
