// Argo CD's resource actions (argo-cd util/lua ExecuteResourceActionDiscovery and
// ExecuteResourceAction): which actions an object offers, and what running one makes of it. The
// scripts come from argo/customizations.hpp and run in the Lua sandbox (argo/lua_host.hpp) with
// the sandboxed libraries, the object as `obj`, the parameters in `actionParams`.
//
// Discovery: each script returns a table of action name → {disabled, iconClass, displayName,
// params = {{name = ...}}} (an empty table: no actions; a value that is an empty table: the action
// with nothing set). An action named by several scripts is the first script's. Fields are read
// as Go's JSON decoder reads them into Argo's ResourceAction (names in any case; a value of the
// wrong type is an error). Argo returns them in Go's map order; here, by name.
//
// An action returns either the changed object (an "old-style" action: a patch of the object) or a
// list of {operation = "create" | "patch", resource = OBJECT}. Each resource must have a kind
// ("Object 'Kind' is missing in '...'", as Kubernetes' decoder says). A patched object has its
// empty tables that were maps in the live object turned back into maps (Lua cannot tell an empty
// map from an empty list: argo-cd's cleanReturnedObj). An entry with no operation, which Argo
// silently skips, is an error here.
//
// Thread safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "argo/customizations.hpp"
#include "argo/lua_host.hpp"
#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::argo {

struct ResourceActionParam {
  std::string name;
  friend bool operator==(const ResourceActionParam&, const ResourceActionParam&) = default;
};

struct ResourceAction {
  std::string name;
  std::vector<ResourceActionParam> params;
  bool disabled = false;
  std::string icon_class;
  std::string display_name;
  friend bool operator==(const ResourceAction&, const ResourceAction&) = default;
};

// The actions the scripts offer for the object, by name.
Result<std::vector<ResourceAction>> run_discovery_scripts(std::span<const LuaScript> scripts,
                                                          const Node& live,
                                                          const LuaOptions& options = {});
// The same with the object's discovery scripts; none: no actions.
Result<std::vector<ResourceAction>> discover_actions(const Customizations& customizations,
                                                     const Node& live,
                                                     const LuaOptions& options = {});

enum class ActionOperation { patch, create };
std::string_view to_string(ActionOperation operation);  // "patch", "create"

struct ImpactedResource {
  Node object;
  ActionOperation operation = ActionOperation::patch;
};

// What the action's script makes of the object.
Result<std::vector<ImpactedResource>> run_action_script(const LuaScript& script, const Node& live,
                                                        std::span<const LuaParam> params,
                                                        const LuaOptions& options = {});
// The same with the object's action of that name.
Result<std::vector<ImpactedResource>> run_action(const Customizations& customizations,
                                                 const Node& live, std::string_view action,
                                                 std::span<const LuaParam> params,
                                                 const LuaOptions& options = {});

// argo-cd's cleanReturnedObj: `changed` with every empty list that was a map in `live` (at the
// same place, through maps and lists) a map again.
Node restore_empty_maps(Node changed, const Node& live);

}  // namespace plumb::argo
