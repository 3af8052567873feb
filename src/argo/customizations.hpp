// Where Argo CD's Lua scripts for a kind of object come from (argo-cd's util/lua VM and
// util/settings GetResourceOverrides), for health checks and resource actions.
//
// Two sources, in Argo CD's order:
// 1. argocd-cm's resource overrides (from_config_map): the keys
//    `resource.customizations.<health|useOpenLibs|actions|...>.<group_Kind | Kind | all>` and the
//    older `resource.customizations` YAML map of `group/Kind` → {health.lua,
//    health.lua.useOpenLibs, actions}; the split keys win over the map, field by field. An override
//    key may be a glob (gobwas, as argo-cd's util/glob: `*.crossplane.io/*`).
// 2. A directory laid out as Argo CD's resource_customizations (read_directory), in the place of
//    the scripts Argo CD builds in — Plumb ships none: GROUP/KIND/health.lua,
//    GROUP/KIND/actions/discovery.lua, GROUP/KIND/actions/ACTION/action.lua; KIND alone for the
//    core group. A directory name with `_` is a wildcard for health scripts, `_` matching any run
//    of characters but `/` (`_.crossplane.io/_`); the first such directory in name order wins.
//
// Health (GetHealthScript): the override for exactly the object's `group/Kind` (`Kind` for the
// core group) if it has a health script, else the first override whose key matches as a glob
// (Argo takes the first in Go's map order, which is random; here, in key order), both with the
// override's useOpenLibs; else the directory's exact script, then its wildcards, with the open
// libraries (as Argo runs its built-in scripts).
// Actions (GetResourceActionDiscovery, GetResourceAction), exact keys only: an override with
// `actions` gives its discovery script, and the directory's is added only with
// mergeBuiltinActions; an action is the override's definition of that name, else the
// directory's. Actions and discovery always run with the sandboxed libraries (Argo's API server
// never opens more for them).
//
// Thread safety: a Customizations is a value; once built, const use from any thread is safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "argo/lua_host.hpp"
#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/node.hpp"

namespace plumb::argo {

// One of argocd-cm's resource overrides: the parts the Lua scripts use.
struct ResourceOverride {
  std::string health_lua;
  bool use_open_libs = false;
  std::string
      actions;  // YAML: discovery.lua, definitions [{name, action.lua}], mergeBuiltinActions
};

struct ActionDefinition {
  std::string name;
  std::string action_lua;
};

// An override's `actions`, read as Argo reads it (sigs.k8s.io/yaml into ResourceActions).
struct ResourceActions {
  std::string discovery_lua;
  std::vector<ActionDefinition> definitions;
  bool merge_builtin_actions = false;
};
Result<ResourceActions> parse_resource_actions(std::string_view yaml);

// A script and how it runs.
struct LuaScript {
  std::string source;
  LuaLibraries libraries = LuaLibraries::sandboxed;
  // Where it came from, for messages: "argocd-cm resource.customizations for apps/Deployment" or
  // the file's path.
  std::string origin;
};

// Argo's key of a group and kind: "group/Kind", or "Kind" for the core group.
std::string customization_key(std::string_view group, std::string_view kind);

class Customizations {
 public:
  // The overrides of an argocd-cm ConfigMap (its data). Errors name the key: an unknown
  // customization type, a key that is not GROUP_KIND, KIND or all, a useOpenLibs that is not a
  // Go boolean, a resource.customizations map that does not read.
  static Result<Customizations> from_config_map(const Node& config_map);

  // Reads the scripts of a directory laid out as resource_customizations (they replace those of
  // a directory read before). Scripts over 1 MiB are refused.
  Result<void> read_directory(const FileSystem& fs, std::string_view root);

  // Sets (replaces) the override for a key ("group/Kind", "Kind", or a glob).
  void set_override(std::string key, ResourceOverride override);
  const std::map<std::string, ResourceOverride, std::less<>>& overrides() const {
    return m_overrides;
  }

  // The health script for objects of this group and kind; nullopt when there is none.
  std::optional<LuaScript> health_script(std::string_view group, std::string_view kind) const;
  // The discovery scripts, the override's first; empty when there are none.
  Result<std::vector<LuaScript>> discovery_scripts(std::string_view group,
                                                   std::string_view kind) const;
  // The action's script; an error naming it when there is none.
  Result<LuaScript> action_script(std::string_view group, std::string_view kind,
                                  std::string_view action) const;

 private:
  std::optional<LuaScript> directory_script(const std::string& path) const;

  std::map<std::string, ResourceOverride, std::less<>> m_overrides;
  std::string m_directory;
  std::map<std::string, std::string, std::less<>> m_files;  // path under m_directory → text
  std::vector<std::string> m_health_wildcards;              // "GROUP/KIND" with `_`, in name order
};

}  // namespace plumb::argo
