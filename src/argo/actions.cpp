#include "argo/actions.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "core/json.hpp"
#include "core/object_ref.hpp"
#include "core/strings.hpp"

namespace plumb::argo {
namespace {

std::unexpected<Error> type_error(const Node& value, std::string_view target) {
  return fail("json: cannot unmarshal ", go_json_type(value), " into Go ", target);
}

// The script's table, or the error Argo gives when there is none.
Result<Node> returned_table(const LuaScript& script, const Node& live,
                            std::span<const LuaParam> params, const LuaOptions& options,
                            std::string_view encode_context) {
  LuaResult result = TRY(run_lua(LuaRun{.script = script.source,
                                        .object = &live,
                                        .params = params,
                                        .libraries = LuaLibraries::sandboxed,
                                        .limits = options.limits,
                                        .print = options.print}));
  if (!result.table) return fail("expect table output from Lua script, not ", result.type);
  if (!*result.table && !encode_context.empty())
    return std::unexpected(result.table->error().context(encode_context));
  return std::move(*result.table);
}

// json.Unmarshal of one discovery value into a ResourceAction that has its name and disabled
// set already.
Result<void> read_action(const Node& value, ResourceAction& action) {
  if (!value.is_map()) return type_error(value, "value of type v1alpha1.ResourceAction");
  for (const MapEntry& entry : value.entries()) {
    std::string_view key = entry.key.as_string();
    const Node& v = entry.value;
    auto field = [&](std::string_view name, std::string_view type) {
      return type_error(
          v, "struct field ResourceAction." + std::string(name) + " of type " + std::string(type));
    };
    if (equal_fold(key, "name")) {
      if (!v.is_string()) return field("name", "string");
      action.name = v.as_string();
    } else if (equal_fold(key, "disabled")) {
      if (!v.is_bool()) return field("disabled", "bool");
      action.disabled = v.as_bool();
    } else if (equal_fold(key, "iconClass")) {
      if (!v.is_string()) return field("iconClass", "string");
      action.icon_class = v.as_string();
    } else if (equal_fold(key, "displayName")) {
      if (!v.is_string()) return field("displayName", "string");
      action.display_name = v.as_string();
    } else if (equal_fold(key, "params")) {
      if (!v.is_list()) return field("params", "[]v1alpha1.ResourceActionParam");
      action.params.clear();
      for (const Node& p : v.items()) {
        if (!p.is_map()) return field("params", "v1alpha1.ResourceActionParam");
        ResourceActionParam param;
        for (const MapEntry& pe : p.entries()) {
          if (!equal_fold(pe.key.as_string(), "name")) continue;
          if (!pe.value.is_string())
            return type_error(pe.value,
                              "struct field ResourceActionParam.params.name of type string");
          param.name = pe.value.as_string();
        }
        action.params.push_back(std::move(param));
      }
    }
  }
  return {};
}

// isActionDisabled: a "disabled" key (exactly) with a boolean.
bool disabled_flag(const Node& value) {
  const Node* disabled = value.is_map() ? value.find("disabled") : nullptr;
  return disabled && disabled->is_bool() && disabled->as_bool();
}

// Kubernetes' unstructured decoder: an object with a kind.
Result<Node> unstructured(const Node& resource) {
  if (!resource.is_map())
    return fail("json: cannot unmarshal ", go_json_type(resource),
                " into Go value of type map[string]interface {}");
  const Node* kind = resource.find("kind");
  if (!kind || !kind->is_string() || kind->as_string().empty())
    return fail("Object 'Kind' is missing in '", to_json(resource), "'");
  return resource;
}

Node restore_list(Node changed, const Node& live) {
  std::span<Node> items = changed.items_mut();
  std::span<const Node> old = live.items();
  for (size_t i = 0; i < items.size() && i < old.size(); ++i) {
    if (items[i].is_map() && old[i].is_map()) {
      items[i] = restore_empty_maps(std::move(items[i]), old[i]);
    } else if (items[i].is_list() && old[i].is_list()) {
      items[i] = restore_list(std::move(items[i]), old[i]);
    }
  }
  return changed;
}

}  // namespace

std::string_view to_string(ActionOperation operation) {
  return operation == ActionOperation::create ? "create" : "patch";
}

Node restore_empty_maps(Node changed, const Node& live) {
  if (!changed.is_map() || !live.is_map()) return changed;
  for (const MapEntry& entry : live.entries()) {
    Node* value = changed.find_mut(entry.key.as_string());
    if (!value) continue;
    if (value->is_map() && entry.value.is_map()) {
      *value = restore_empty_maps(std::move(*value), entry.value);
    } else if (value->is_list() && entry.value.is_map()) {
      if (value->empty()) *value = Node::map();
    } else if (value->is_list() && entry.value.is_list()) {
      *value = restore_list(std::move(*value), entry.value);
    }
  }
  return changed;
}

Result<std::vector<ResourceAction>> run_discovery_scripts(std::span<const LuaScript> scripts,
                                                          const Node& live,
                                                          const LuaOptions& options) {
  std::map<std::string, ResourceAction, std::less<>> found;
  for (const LuaScript& script : scripts) {
    Node table = TRY(returned_table(script, live, {}, options, "error in converting to lua table"));
    if (table.is_list() && table.empty()) continue;  // no actions
    if (!table.is_map())
      return fail(
          "error unmarshaling action table: json: cannot unmarshal array into Go value of type "
          "map[string]interface {}");
    for (const MapEntry& entry : table.entries()) {
      std::string name(entry.key.as_string());
      if (found.count(name)) continue;
      ResourceAction action{.name = name, .disabled = disabled_flag(entry.value)};
      if (!entry.value.is_list()) {
        Result<void> read = read_action(entry.value, action);
        if (!read)
          return std::unexpected(read.error().context("error unmarshaling resource action"));
      }
      found.emplace(std::move(name), std::move(action));
    }
  }
  std::vector<ResourceAction> out;
  for (auto& [name, action] : found)
    out.push_back(std::move(action));
  return out;
}

Result<std::vector<ResourceAction>> discover_actions(const Customizations& customizations,
                                                     const Node& live, const LuaOptions& options) {
  ObjectRef ref = ObjectRef::of(live);
  std::vector<LuaScript> scripts = TRY(customizations.discovery_scripts(ref.group, ref.kind));
  return run_discovery_scripts(scripts, live, options);
}

Result<std::vector<ImpactedResource>> run_action_script(const LuaScript& script, const Node& live,
                                                        std::span<const LuaParam> params,
                                                        const LuaOptions& options) {
  Node table = TRY(returned_table(script, live, params, options, ""));
  std::vector<ImpactedResource> out;
  if (table.is_map()) {
    // The changed object: a patch.
    out.push_back({restore_empty_maps(TRY(unstructured(table)), live), ActionOperation::patch});
    return out;
  }
  for (const Node& item : table.items()) {
    if (!item.is_map()) return type_error(item, "value of type lua.ImpactedResource");
    const Node* resource = nullptr;
    const Node* operation = nullptr;
    for (const MapEntry& entry : item.entries()) {
      if (equal_fold(entry.key.as_string(), "resource")) resource = &entry.value;
      if (equal_fold(entry.key.as_string(), "operation")) operation = &entry.value;
    }
    ImpactedResource impacted;
    if (!operation) return fail("an impacted resource has no operation (create or patch)");
    if (operation->as_string() == "create") {
      impacted.operation = ActionOperation::create;
    } else if (operation->as_string() != "patch") {
      return fail("unsupported operation: ", to_json(*operation));
    }
    if (!resource) return fail("an impacted resource has no resource");
    impacted.object = TRY(unstructured(*resource));
    if (impacted.operation == ActionOperation::patch)
      impacted.object = restore_empty_maps(std::move(impacted.object), live);
    out.push_back(std::move(impacted));
  }
  return out;
}

Result<std::vector<ImpactedResource>> run_action(const Customizations& customizations,
                                                 const Node& live, std::string_view action,
                                                 std::span<const LuaParam> params,
                                                 const LuaOptions& options) {
  ObjectRef ref = ObjectRef::of(live);
  LuaScript script = TRY(customizations.action_script(ref.group, ref.kind, action));
  return run_action_script(script, live, params, options);
}

}  // namespace plumb::argo
