// ConfigMapGenerator and SecretGenerator: build a ConfigMap/Secret from literals ("k=v"),
// files ("path" or "key=path") and env files, with generator options (labels, annotations,
// immutable, disableNameSuffixHash) and a behavior (create, merge, replace) for overlays.
// Also the name hash suffix pass.
#include <cctype>
#include <cstdlib>
#include <unordered_set>

#include "render/hash.hpp"
#include "render/kustomization.hpp"
#include "render/plugin.hpp"

namespace plumb::render {
Result<std::vector<GeneratorPair>> read_env_file(const Loader& loader, const std::string& path) {
  std::string text = TRY(loader.load(path));
  std::vector<GeneratorPair> out;
  size_t start = 0;
  int line_no = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    // kustomize refuses such a line (a value might go to binaryData, but a key cannot).
    if (!is_valid_utf8(line)) {
      return fail(path, ": line ", std::to_string(line_no + 1), " has invalid UTF-8");
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_no == 0 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) {
      line.remove_prefix(1);
    }
    ++line_no;
    start = end + 1;
    if (line.empty() || line[0] == '#') {
      if (end == text.size()) break;
      continue;
    }
    size_t eq = line.find('=');
    std::string key(line.substr(0, eq));
    if (key.empty()) return fail(path, ": line ", std::to_string(line_no), " has no key");
    std::string value;
    if (eq != std::string_view::npos) {
      value = std::string(line.substr(eq + 1));
    } else if (const char* env = std::getenv(key.c_str())) {
      value = env;
    }
    out.push_back({key, value});
    if (end == text.size()) break;
  }
  return out;
}

namespace {

std::vector<std::string> string_list(const Node* list) {
  std::vector<std::string> out;
  if (list == nullptr || !list->is_list()) return out;
  for (const Node& item : list->items())
    out.push_back(scalar_to_string(item));
  return out;
}

std::string remove_quotes(std::string value) {
  if (value.size() >= 2 && value.front() == value.back() &&
      (value.front() == '"' || value.front() == '\'')) {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

Result<std::vector<GeneratorPair>> collect_pairs(const Node& config, const Loader& loader) {
  std::vector<GeneratorPair> pairs;
  for (const std::string& path : string_list(find_field(config, "envs"))) {
    for (GeneratorPair& p : TRY(read_env_file(loader, path)))
      pairs.push_back(std::move(p));
  }
  for (const std::string& literal : string_list(find_field(config, "literals"))) {
    size_t eq = literal.find('=');
    if (eq == std::string::npos || eq == 0) {
      return fail("invalid literal source ", literal, ", expected key=value");
    }
    pairs.push_back({literal.substr(0, eq), remove_quotes(literal.substr(eq + 1))});
  }
  for (const std::string& source : string_list(find_field(config, "files"))) {
    std::string key, path;
    size_t eq = source.find('=');
    if (eq == std::string::npos) {
      path = source;
      key = std::string(base_name(source));
    } else {
      if (eq == 0 || eq + 1 == source.size()) {
        return fail("files: '", source, "': key or file path is missing");
      }
      key = source.substr(0, eq);
      path = source.substr(eq + 1);
    }
    if (loader.is_dir(path)) {
      return fail("files: '", path, "': is a directory (name the files one by one)");
    }
    std::string content = TRY(loader.load(path));
    pairs.push_back({key, std::move(content)});
  }
  // kustomize checks no key syntax (the API server does), only repeats.
  std::unordered_set<std::string> seen;
  for (const GeneratorPair& p : pairs) {
    if (!seen.insert(p.key).second) return fail("illegally repeats the key `", p.key, "`");
  }
  return pairs;
}

struct Options {
  Node labels = Node::map();
  Node annotations = Node::map();
  bool disable_hash = false;
  bool immutable = false;
};

Result<void> read_options(const Node* node, Options& into, bool global) {
  if (node == nullptr || !node->is_map()) return {};
  for (std::string_view field : {"labels", "annotations"}) {
    Node map = TRY(string_map_of(find_field(*node, field), field));
    Node& target = field == "labels" ? into.labels : into.annotations;
    for (const MapEntry& e : map.entries()) {
      if (global || target.find(e.key.as_string()) == nullptr) {
        target.set(e.key.as_string(), e.value);
      }
    }
  }
  if (const Node* v = find_field(*node, "disableNameSuffixHash"); v && v->as_bool()) {
    into.disable_hash = true;
  }
  if (const Node* v = find_field(*node, "immutable"); v && v->as_bool()) into.immutable = true;
  return {};
}

Result<Resource> base_resource(const Node& config, std::string_view kind, Options& options) {
  std::string name(config.string_at({"name"}));
  if (name.empty()) name = std::string(config.string_at({"metadata", "name"}));
  std::string ns(config.string_at({"namespace"}));
  if (ns.empty()) ns = std::string(config.string_at({"metadata", "namespace"}));
  if (name.empty()) return fail(kind, ": a generated object needs a name");
  TRY_VOID(read_options(find_field(config, "options"), options, false));
  TRY_VOID(read_options(config.find("globalOptions"), options, true));
  Node obj = Node::map();
  obj.set("apiVersion", Node::string("v1"));
  obj.set("kind", Node::string(kind));
  Node md = Node::map();
  md.set("name", Node::string(name));
  if (!ns.empty()) md.set("namespace", Node::string(ns));
  if (!options.labels.empty()) md.set("labels", options.labels);
  if (!options.annotations.empty()) md.set("annotations", options.annotations);
  obj.set("metadata", md);
  Resource r(obj);
  r.needs_hash = !options.disable_hash;
  std::string_view behavior = config.string_at({"behavior"});
  if (behavior.empty() || behavior == "create") {
    r.behavior = behavior.empty() ? Behavior::unspecified : Behavior::create;
  } else if (behavior == "merge") {
    r.behavior = Behavior::merge;
  } else if (behavior == "replace") {
    r.behavior = Behavior::replace;
  } else {
    return fail(kind, " ", name, ": unknown behavior '", behavior, "'");
  }
  return r;
}

}  // namespace

Result<ResourceSet> generate_config_map(const Node& config, const PluginContext& ctx) {
  Options options;
  Resource r = TRY(base_resource(config, "ConfigMap", options));
  auto pairs = collect_pairs(config, *ctx.loader);
  if (!pairs)
    return std::unexpected(pairs.error().context("configMapGenerator " + std::string(r.name())));
  Node data = Node::map();
  Node binary = Node::map();
  for (const GeneratorPair& p : *pairs) {
    if (is_valid_utf8(p.value)) {
      data.set(p.key, Node::string(p.value));
    } else {
      binary.set(p.key, Node::string(base64_lines(p.value)));
    }
  }
  if (!data.empty()) r.obj.set("data", data);
  if (!binary.empty()) r.obj.set("binaryData", binary);
  if (options.immutable) r.obj.set("immutable", Node::boolean(true));
  ResourceSet out;
  out.append_unchecked(std::move(r));
  return out;
}

Result<ResourceSet> generate_secret(const Node& config, const PluginContext& ctx) {
  Options options;
  Resource r = TRY(base_resource(config, "Secret", options));
  auto pairs = collect_pairs(config, *ctx.loader);
  if (!pairs)
    return std::unexpected(pairs.error().context("secretGenerator " + std::string(r.name())));
  Node data = Node::map();
  for (const GeneratorPair& p : *pairs)
    data.set(p.key, Node::string(base64_lines(p.value)));
  if (!data.empty()) r.obj.set("data", data);
  std::string_view type = config.string_at({"type"});
  r.obj.set("type", Node::string(type.empty() ? "Opaque" : type));
  if (options.immutable) r.obj.set("immutable", Node::boolean(true));
  ResourceSet out;
  out.append_unchecked(std::move(r));
  return out;
}

Result<ResourceSet> generate_iam_policy(const Node& config) {
  std::string_view cloud = config.string_at({"cloud"});
  if (cloud != "gke") return fail("IAMPolicyGenerator: cloud '", cloud, "' is not supported");
  std::string_view name = config.string_at({"kubernetesService", "name"});
  std::string_view ns = config.string_at({"kubernetesService", "namespace"});
  std::string_view account = config.string_at({"serviceAccount", "name"});
  std::string_view project = config.string_at({"serviceAccount", "projectId"});
  if (name.empty() || account.empty() || project.empty()) {
    return fail(
        "IAMPolicyGenerator: kubernetesService.name, serviceAccount.name and "
        "serviceAccount.projectId are required");
  }
  Node obj = Node::map();
  obj.set("apiVersion", Node::string("v1"));
  obj.set("kind", Node::string("ServiceAccount"));
  Node md = Node::map();
  md.set("name", Node::string(name));
  if (!ns.empty()) md.set("namespace", Node::string(ns));
  Node annotations = Node::map();
  annotations.set(
      "iam.gke.io/gcp-service-account",
      Node::string(std::string(account) + "@" + std::string(project) + ".iam.gserviceaccount.com"));
  md.set("annotations", annotations);
  obj.set("metadata", md);
  ResourceSet out;
  out.append_unchecked(Resource(obj));
  return out;
}

Result<void> add_hash_suffixes(ResourceSet& resources) {
  for (Resource& r : resources.mut()) {
    std::string_view marked = r.annotation("kustomize.config.k8s.io/needs-hash");
    if (!r.needs_hash && marked != "true") continue;
    std::string suffix = hash_suffix(r.obj);
    r.store_previous_id();
    r.set_name(std::string(r.name()) + "-" + suffix);
    r.needs_hash = false;
  }
  return {};
}

}  // namespace plumb::render
