// Argo CD's Lua health checks (argo-cd util/lua ExecuteHealthLua, ResourceHealthOverrides): the
// script for an object (argo/customizations.hpp) run in the Lua sandbox (argo/lua_host.hpp) with
// the object as `obj`, and what it returns read as Argo reads it:
// - a table {status = ..., message = ...} (keys matched without regard to case, as Go's JSON
//   decoder matches them): that health; a status other than Argo's six is Unknown "Lua returned
//   an invalid health status";
// - nil, an empty table, a list, or a table whose status or message is not a string: no health
//   (Argo records an empty health status, which counts for nothing in the application's);
// - anything else: the error "expect table output from Lua script, not string";
// - a script that fails, or is stopped by its time or memory limit: its error, which
//   assess_health turns into Unknown with that message.
//
// Thread safety: pure functions; the override may be called from any number of threads.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "argo/customizations.hpp"
#include "argo/health.hpp"
#include "argo/lua_host.hpp"
#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::argo {

// One health script on one object; nullopt when it gives no health.
Result<std::optional<Health>> run_health_script(const LuaScript& script, const Node& live,
                                                const LuaOptions& options = {});

// The HealthOverride for assess_health: the object's script when it has one (nullopt when it has
// none, or the script gave no health: the built-in checks then decide).
HealthOverride lua_health_override(std::shared_ptr<const Customizations> customizations,
                                   LuaOptions options = {});

// What Plumb puts in front of the built-ins: the Lua override, then, for an argoproj.io
// Application it leaves without health, the app-of-apps check Argo's documentation gives
// (restored_application_health). `plumb health` judges objects with it, as the controller does.
HealthOverride customized_health_override(std::shared_ptr<const Customizations> customizations,
                                          LuaOptions options = {});

}  // namespace plumb::argo
