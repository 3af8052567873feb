#include "argo/customizations.hpp"

#include <algorithm>
#include <utility>

#include "argo/glob.hpp"
#include "helm/sigs_yaml.hpp"

namespace plumb::argo {
namespace {

constexpr std::string_view k_customizations_key = "resource.customizations";
constexpr std::string_view k_health_file = "health.lua";
constexpr std::string_view k_discovery_file = "discovery.lua";
constexpr std::string_view k_action_file = "action.lua";
constexpr size_t k_max_script_size = size_t{1} << 20;

// The customization types of the split keys Argo CD knows; only the first three matter here.
constexpr std::string_view k_known_types[] = {
    "health",         "useOpenLibs", "actions", "ignoreDifferences", "ignoreResourceUpdates",
    "knownTypeFields"};

// r, its error prefixed with `what: `.
template <typename T>
Result<T> within(Result<T> r, std::string_view what) {
  if (!r) return std::unexpected(r.error().context(what));
  return r;
}

// Go's strconv.ParseBool.
std::optional<bool> parse_go_bool(std::string_view text) {
  for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"})
    if (text == t) return true;
  for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"})
    if (text == f) return false;
  return std::nullopt;
}

// util/settings convertToOverrideKey: "group_Kind" → "group/Kind", "Kind" stays.
Result<std::string> override_key(std::string_view group_kind) {
  size_t underscore = group_kind.find('_');
  if (underscore == std::string_view::npos && !group_kind.empty()) return std::string(group_kind);
  if (underscore != std::string_view::npos &&
      group_kind.find('_', underscore + 1) == std::string_view::npos)
    return std::string(group_kind.substr(0, underscore)) + "/" +
           std::string(group_kind.substr(underscore + 1));
  return fail(
      "group kind should be in format `resource.customizations.<type>.<group_kind>` or "
      "resource.customizations.<type>.<kind>`, got group kind: '",
      group_kind, "'");
}

Result<std::string> string_field(const Node& map, std::string_view field, std::string_view what) {
  const Node* value = map.find(field);
  if (!value || value->is_null()) return std::string();
  if (!value->is_string()) return fail(what, ": ", field, " must be a string");
  return std::string(value->as_string());
}

Result<bool> bool_field(const Node& map, std::string_view field, std::string_view what) {
  const Node* value = map.find(field);
  if (!value || value->is_null()) return false;
  if (!value->is_bool()) return fail(what, ": ", field, " must be true or false");
  return value->as_bool();
}

// The older form: resource.customizations holds a YAML map of key → override.
Result<void> read_customizations_map(std::string_view text,
                                     std::map<std::string, ResourceOverride, std::less<>>& out) {
  std::string what = "argocd-cm " + std::string(k_customizations_key);
  Node map = TRY(within(helm::yaml_to_map(text), what));
  for (const MapEntry& entry : map.entries()) {
    std::string key(entry.key.as_string());
    std::string field_what = what + " " + key;
    if (entry.value.is_null()) continue;
    if (!entry.value.is_map()) return fail(field_what, ": must be a map");
    ResourceOverride& override = out[key];
    override.health_lua = TRY(string_field(entry.value, "health.lua", field_what));
    override.use_open_libs = TRY(bool_field(entry.value, "health.lua.useOpenLibs", field_what));
    override.actions = TRY(string_field(entry.value, "actions", field_what));
  }
  return {};
}

// doublestar's PathMatch for a directory name with `_` turned into `*`: each `_` matches any run
// of characters but `/`.
bool wildcard_match(std::string_view pattern, std::string_view text) {
  size_t p = 0;
  size_t t = 0;
  size_t star = std::string_view::npos;
  size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '_') {
      star = p++;
      star_text = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos && text[star_text] != '/') {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '_')
    ++p;
  return p == pattern.size();
}

std::string join(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (a.back() == '/') return std::string(a) + std::string(b);
  return std::string(a) + "/" + std::string(b);
}

}  // namespace

std::string customization_key(std::string_view group, std::string_view kind) {
  if (group.empty()) return std::string(kind);
  return std::string(group) + "/" + std::string(kind);
}

Result<ResourceActions> parse_resource_actions(std::string_view yaml) {
  Node map = TRY(helm::yaml_to_map(yaml));
  ResourceActions actions;
  actions.discovery_lua = TRY(string_field(map, "discovery.lua", "actions"));
  actions.merge_builtin_actions = TRY(bool_field(map, "mergeBuiltinActions", "actions"));
  const Node* definitions = map.find("definitions");
  if (definitions && !definitions->is_null()) {
    if (!definitions->is_list()) return fail("actions: definitions must be a list");
    for (const Node& d : definitions->items()) {
      if (!d.is_map()) return fail("actions: each of definitions must be a map");
      actions.definitions.push_back(
          ActionDefinition{TRY(string_field(d, "name", "actions: definitions")),
                           TRY(string_field(d, "action.lua", "actions: definitions"))});
    }
  }
  return actions;
}

Result<Customizations> Customizations::from_config_map(const Node& config_map) {
  Customizations out;
  const Node* data = config_map.find("data");
  if (!data || !data->is_map()) return out;
  if (const Node* blob = data->find(k_customizations_key); blob && !blob->as_string().empty())
    TRY_VOID(read_customizations_map(blob->as_string(), out.m_overrides));
  for (const MapEntry& entry : data->entries()) {
    std::string_view key = entry.key.as_string();
    if (!key.starts_with(k_customizations_key)) continue;
    // resource.customizations.<type>.<group_kind>
    size_t first = key.find('.');
    size_t second = key.find('.', first + 1);
    size_t third = second == std::string_view::npos ? second : key.find('.', second + 1);
    if (third == std::string_view::npos) continue;
    std::string_view type = key.substr(second + 1, third - second - 1);
    std::string what = "argocd-cm " + std::string(key);
    std::string target = TRY(within(override_key(key.substr(third + 1)), what));
    if (target == "all") target = "*/*";
    if (std::find(std::begin(k_known_types), std::end(k_known_types), type) ==
        std::end(k_known_types))
      return fail(what, ": resource customization type ", type, " not supported");
    ResourceOverride& override = out.m_overrides[target];
    std::string value = scalar_to_string(entry.value);
    if (type == "health") {
      override.health_lua = std::move(value);
    } else if (type == "useOpenLibs") {
      std::optional<bool> open = parse_go_bool(value);
      if (!open) return fail(what, ": strconv.ParseBool: parsing \"", value, "\": invalid syntax");
      override.use_open_libs = *open;
    } else if (type == "actions") {
      override.actions = std::move(value);
    }
  }
  return out;
}

Result<void> Customizations::read_directory(const FileSystem& fs, std::string_view root) {
  if (!fs.is_dir(root)) return fail("customizations directory ", root, ": not a directory");
  std::map<std::string, std::string, std::less<>> files;
  std::vector<std::string> wildcards;
  auto add = [&](const std::string& path) -> Result<void> {
    std::string full = join(root, path);
    if (!fs.is_file(full)) return {};
    std::string text = TRY(fs.read_file(full));
    if (text.size() > k_max_script_size) return fail(full, ": a script may not exceed 1 MiB");
    files.emplace(path, std::move(text));
    return {};
  };
  auto directories = [&](const std::string& path) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    for (std::string& name : TRY(fs.list_dir(join(root, path))))
      if (fs.is_dir(join(join(root, path), name))) out.push_back(std::move(name));
    return out;
  };
  // KEY/health.lua and KEY/actions/...: KEY is GROUP/KIND, or KIND for the core group.
  auto add_kind = [&](const std::string& key) -> Result<void> {
    std::string health = key + "/" + std::string(k_health_file);
    TRY_VOID(add(health));
    if (files.count(health) && key.find('_') != std::string::npos) wildcards.push_back(key);
    std::string actions = key + "/actions";
    if (!fs.is_dir(join(root, actions))) return {};
    TRY_VOID(add(actions + "/" + std::string(k_discovery_file)));
    for (const std::string& action : TRY(directories(actions)))
      TRY_VOID(add(actions + "/" + action + "/" + std::string(k_action_file)));
    return {};
  };
  for (const std::string& top : TRY(directories(""))) {
    TRY_VOID(add_kind(top));
    for (const std::string& kind : TRY(directories(top)))
      if (kind != "actions") TRY_VOID(add_kind(top + "/" + kind));
  }
  std::sort(wildcards.begin(), wildcards.end());
  m_directory = std::string(root);
  m_files = std::move(files);
  m_health_wildcards = std::move(wildcards);
  return {};
}

void Customizations::set_override(std::string key, ResourceOverride override) {
  m_overrides[std::move(key)] = std::move(override);
}

std::optional<LuaScript> Customizations::directory_script(const std::string& path) const {
  auto it = m_files.find(path);
  if (it == m_files.end()) return std::nullopt;
  return LuaScript{it->second, LuaLibraries::open, join(m_directory, path)};
}

std::optional<LuaScript> Customizations::health_script(std::string_view group,
                                                       std::string_view kind) const {
  if (kind.empty()) return std::nullopt;
  std::string key = customization_key(group, kind);
  auto libraries = [](const ResourceOverride& o) {
    return o.use_open_libs ? LuaLibraries::open : LuaLibraries::sandboxed;
  };
  if (auto it = m_overrides.find(key); it != m_overrides.end() && !it->second.health_lua.empty())
    return LuaScript{it->second.health_lua, libraries(it->second),
                     "argocd-cm health script for " + key};
  for (const auto& [pattern, override] : m_overrides) {
    if (!override.health_lua.empty() && glob_match(pattern, key))
      return LuaScript{override.health_lua, libraries(override),
                       "argocd-cm health script for " + pattern};
  }
  if (auto script = directory_script(key + "/" + std::string(k_health_file))) return script;
  for (const std::string& wildcard : m_health_wildcards) {
    if (wildcard_match(wildcard, key))
      return directory_script(wildcard + "/" + std::string(k_health_file));
  }
  return std::nullopt;
}

Result<std::vector<LuaScript>> Customizations::discovery_scripts(std::string_view group,
                                                                 std::string_view kind) const {
  std::string key = customization_key(group, kind);
  std::vector<LuaScript> scripts;
  if (auto it = m_overrides.find(key); it != m_overrides.end() && !it->second.actions.empty()) {
    std::string what = "argocd-cm actions for " + key;
    ResourceActions actions = TRY(within(parse_resource_actions(it->second.actions), what));
    scripts.push_back(LuaScript{actions.discovery_lua, LuaLibraries::sandboxed, what});
    if (!actions.merge_builtin_actions) return scripts;
  }
  if (auto script = directory_script(key + "/actions/" + std::string(k_discovery_file))) {
    script->libraries = LuaLibraries::sandboxed;
    scripts.push_back(std::move(*script));
  }
  return scripts;
}

Result<LuaScript> Customizations::action_script(std::string_view group, std::string_view kind,
                                                std::string_view action) const {
  std::string key = customization_key(group, kind);
  if (auto it = m_overrides.find(key); it != m_overrides.end() && !it->second.actions.empty()) {
    std::string what = "argocd-cm actions for " + key;
    ResourceActions actions = TRY(within(parse_resource_actions(it->second.actions), what));
    for (ActionDefinition& d : actions.definitions) {
      if (d.name == action)
        return LuaScript{std::move(d.action_lua), LuaLibraries::sandboxed,
                         what + ", action " + std::string(action)};
    }
  }
  std::string path = key + "/actions/" + std::string(action) + "/" + std::string(k_action_file);
  if (action.empty() || action.find('/') != std::string_view::npos || action == "." ||
      action == "..")
    return fail("action '", action, "' is not defined for ", key);
  if (auto script = directory_script(path)) {
    script->libraries = LuaLibraries::sandboxed;
    return *script;
  }
  return fail("action '", action, "' is not defined for ", key);
}

}  // namespace plumb::argo
