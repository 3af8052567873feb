// libFuzzer target: Argo CD's Lua health checks and resource actions on arbitrary scripts and
// objects (argo/lua_host.hpp, argo/lua_health.hpp, argo/actions.hpp, argo/customizations.hpp):
// the host's conversions both ways, its sandbox and limits, the pattern matcher, table.sort, the
// goto rewriting, gopher-json's encoding, and what health and actions make of the result.
//
// The input is an archive (archive.hpp): section `script` is the Lua script, section `object`
// the object (YAML or JSON), section `params` lines NAME=VALUE for actionParams. The script runs
// as a health check (open libraries), as an action and as a discovery script (sandboxed), with
// a short time limit and a small memory cap; the object is also read as an argocd-cm ConfigMap.
// Errors are fine; a crash, a leak, undefined behaviour, a timeout (the limits must hold) is a
// bug, and so is a patched object that the merge patch from the live object does not give back.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "archive.hpp"
#include "argo/actions.hpp"
#include "argo/customizations.hpp"
#include "argo/lua_health.hpp"
#include "core/object_ref.hpp"
#include "helm/sigs_yaml.hpp"
#include "merge/merge.hpp"

namespace {

bool has_null(const plumb::Node& n) {
  if (n.is_null()) return true;
  for (const plumb::Node& item : n.items())
    if (has_null(item)) return true;
  for (const plumb::MapEntry& e : n.entries())
    if (has_null(e.value)) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace plumb;
  using namespace std::chrono_literals;
  fuzz::Archive archive =
      fuzz::split_archive(std::string_view(reinterpret_cast<const char*>(data), size));
  std::string_view script;
  std::string_view object_text;
  std::vector<argo::LuaParam> params;
  for (const fuzz::Section& s : archive.sections) {
    if (s.name == "script") script = s.text;
    if (s.name == "object") object_text = s.text;
    if (s.name == "params") {
      for (std::string_view rest = s.text; !rest.empty();) {
        std::string_view line = rest.substr(0, rest.find('\n'));
        rest.remove_prefix(line.size() < rest.size() ? line.size() + 1 : rest.size());
        size_t eq = line.find('=');
        if (eq != std::string_view::npos)
          params.push_back({std::string(line.substr(0, eq)), std::string(line.substr(eq + 1))});
      }
    }
  }
  auto parsed = helm::yaml_to_json(std::string(object_text), helm::YamlNumbers::typed);
  Node object = parsed ? *parsed : Node();

  argo::LuaOptions options{.limits = {.time = 50ms, .memory_bytes = size_t{16} << 20}};
  argo::LuaScript health{std::string(script), argo::LuaLibraries::open, "fuzz"};
  auto verdict = argo::run_health_script(health, object, options);
  (void)verdict;

  argo::LuaScript action{std::string(script), argo::LuaLibraries::sandboxed, "fuzz"};
  auto impacted = argo::run_action_script(action, object, params, options);
  if (impacted) {
    for (const argo::ImpactedResource& r : *impacted) {
      if (r.operation != argo::ActionOperation::patch || !object.is_map() || has_null(r.object))
        continue;
      // What the CLI sends must turn the live object into the changed one.
      Node patch = create_merge_patch(object, r.object);
      if (!(merge_patch(object, patch) == r.object)) std::abort();
    }
  }
  std::vector<argo::LuaScript> discovery{action};
  (void)argo::run_discovery_scripts(discovery, object, options);

  auto customizations = argo::Customizations::from_config_map(object);
  if (customizations) {
    ObjectRef ref = ObjectRef::of(object);
    (void)customizations->health_script(ref.group, ref.kind);
    (void)customizations->discovery_scripts(ref.group, ref.kind);
    (void)customizations->action_script(ref.group, ref.kind, "restart");
  }
  return 0;
}
