#include "argo/lua_health.hpp"

#include <utility>

#include "core/object_ref.hpp"
#include "core/strings.hpp"

namespace plumb::argo {

Result<std::optional<Health>> run_health_script(const LuaScript& script, const Node& live,
                                                const LuaOptions& options) {
  LuaResult result = TRY(run_lua(LuaRun{.script = script.source,
                                        .object = &live,
                                        .libraries = script.libraries,
                                        .limits = options.limits,
                                        .print = options.print}));
  if (result.type == "nil") return std::nullopt;
  if (!result.table) return fail("expect table output from Lua script, not ", result.type);
  Node table = TRY(std::move(*result.table));
  if (!table.is_map()) return std::nullopt;
  // json.Unmarshal into {Status, Message string}: keys in order, any case; a value of another
  // type is an UnmarshalTypeError, which Argo reads as an empty health.
  std::string_view status;
  std::string_view message;
  for (const MapEntry& entry : table.entries()) {
    std::string_view key = entry.key.as_string();
    bool is_status = equal_fold(key, "status");
    if (!is_status && !equal_fold(key, "message")) continue;
    if (!entry.value.is_string()) return std::nullopt;
    (is_status ? status : message) = entry.value.as_string();
  }
  std::optional<HealthStatus> parsed = parse_health_status(status);
  if (!parsed) return Health{HealthStatus::unknown, "Lua returned an invalid health status"};
  return Health{*parsed, std::string(message)};
}

HealthOverride lua_health_override(std::shared_ptr<const Customizations> customizations,
                                   LuaOptions options) {
  return [customizations = std::move(customizations),
          options = std::move(options)](const Node& live) -> Result<std::optional<Health>> {
    ObjectRef ref = ObjectRef::of(live);
    std::optional<LuaScript> script = customizations->health_script(ref.group, ref.kind);
    if (!script) return std::nullopt;
    return run_health_script(*script, live, options);
  };
}

HealthOverride customized_health_override(std::shared_ptr<const Customizations> customizations,
                                          LuaOptions options) {
  return [lua = lua_health_override(std::move(customizations), std::move(options))](
             const Node& live) -> Result<std::optional<Health>> {
    std::optional<Health> health = TRY(lua(live));
    if (health) return health;
    return restored_application_health(live);
  };
}

}  // namespace plumb::argo
