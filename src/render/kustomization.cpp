#include "render/kustomization.hpp"

#include <algorithm>
#include <cctype>

#include "core/yaml.hpp"

namespace plumb::render {
namespace {

constexpr std::string_view k_fields[] = {
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "resources",
    "components",
    "crds",
    "bases",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view canonical(std::string_view key) {
  for (std::string_view field : k_fields) {
    if (iequals(field, key)) return field;
  }
  return {};
}

void append_list(Node& into, const Node& from) {
  if (!from.is_list()) return;
  if (!into.is_list()) into = Node::list();
  for (const Node& item : from.items())
    into.push_back(item);
}

// Generators accept env (one file, the old form) beside envs (many).
void fold_env_source(Node& generators) {
  if (!generators.is_list()) return;
  for (Node& g : generators.items_mut()) {
    if (!g.is_map()) continue;
    const Node* one = find_field(g, "env");
    if (one == nullptr) continue;
    Node value = *one;
    std::string key;
    for (const MapEntry& e : g.entries()) {
      if (iequals(e.key.as_string(), "env")) key = std::string(e.key.as_string());
    }
    g.erase(key);
    if (value.is_string() && !value.as_string().empty()) g["envs"].push_back(value);
  }
}

// kustomize decodes the file into typed Go structs, so a number where a string belongs (or
// the reverse) is an error there; the same checks here, for the fields whose types matter.
Result<void> check_types(const Node& f, std::string_view file) {
  auto bad = [&](std::string_view field, std::string_view want) {
    return fail(file, ": invalid Kustomization: field '", field, "' must be ", want);
  };
  auto is_string_or_null = [](const Node* n) {
    return n == nullptr || n->is_null() || n->is_string();
  };
  for (std::string_view field : {"apiVersion", "kind", "namePrefix", "nameSuffix", "namespace"}) {
    if (!is_string_or_null(f.find(field))) return bad(field, "a string");
  }
  for (std::string_view field :
       {"resources", "components", "crds", "bases", "configurations", "generators", "transformers",
        "validators", "buildMetadata", "patchesStrategicMerge"}) {
    const Node* v = f.find(field);
    if (v == nullptr || v->is_null()) continue;
    if (!v->is_list()) return bad(field, "a list of strings");
    for (const Node& item : v->items()) {
      if (!item.is_string()) return bad(field, "a list of strings");
    }
  }
  for (std::string_view field : {"commonLabels", "commonAnnotations"}) {
    const Node* v = f.find(field);
    if (v == nullptr || v->is_null()) continue;
    if (!v->is_map()) return bad(field, "a map of strings");
    for (const MapEntry& e : v->entries()) {
      if (!is_string_or_null(&e.value)) return bad(field, "a map of strings (quote numbers)");
    }
  }
  for (std::string_view field : {"images", "imageTags"}) {
    const Node* v = f.find(field);
    if (v == nullptr || v->is_null()) continue;
    if (!v->is_list()) return bad(field, "a list");
    for (const Node& item : v->items()) {
      for (std::string_view key : {"name", "newName", "newTag", "digest", "tagSuffix"}) {
        if (item.is_map() && !is_string_or_null(find_field(item, key))) {
          return bad(std::string(field) + "." + std::string(key), "a string (quote numbers)");
        }
      }
    }
  }
  if (const Node* v = f.find("replicas"); v && !v->is_null()) {
    if (!v->is_list()) return bad("replicas", "a list");
    for (const Node& item : v->items()) {
      if (!item.is_map() || !is_string_or_null(find_field(item, "name"))) {
        return bad("replicas.name", "a string");
      }
      const Node* count = find_field(item, "count");
      if (count != nullptr && !count->is_null() && !count->is_int()) {
        return bad("replicas.count", "an integer");
      }
    }
  }
  return {};
}

}  // namespace

const Node* find_field(const Node& map, std::string_view key) {
  if (const Node* exact = map.find(key)) return exact;
  for (const MapEntry& e : map.entries()) {
    if (iequals(e.key.as_string(), key)) return &e.value;
  }
  return nullptr;
}

const Node* Kustomization::get(std::string_view field) const {
  const Node* value = fields.find(field);
  return value == nullptr || value->is_null() ? nullptr : value;
}

std::string_view Kustomization::string(std::string_view field) const {
  const Node* value = get(field);
  return value == nullptr ? std::string_view() : value->as_string();
}

Result<std::vector<std::string>> Kustomization::strings(std::string_view field) const {
  std::vector<std::string> out;
  const Node* value = get(field);
  if (value == nullptr) return out;
  if (!value->is_list()) return fail(file, ": field '", field, "' must be a list of strings");
  for (const Node& item : value->items()) {
    if (!item.is_string()) {
      return fail(file, ": field '", field, "' must be a list of strings");
    }
    out.emplace_back(item.as_string());
  }
  return out;
}

bool Kustomization::has_build_metadata(std::string_view option) const {
  const Node* value = get("buildMetadata");
  if (value == nullptr || !value->is_list()) return false;
  return std::any_of(value->items().begin(), value->items().end(),
                     [&](const Node& n) { return n.as_string() == option; });
}

Result<Kustomization> parse_kustomization(std::string_view content, std::string_view file) {
  Node doc = TRY(parse_yaml(content, file, DuplicateKeys::last_wins));
  Kustomization k;
  k.file = std::string(file);
  if (doc.is_null()) doc = Node::map();
  if (!doc.is_map()) return fail(file, ": a kustomization must be a map");
  for (const MapEntry& e : doc.entries()) {
    std::string_view name = canonical(e.key.as_string());
    if (name.empty()) {
      return fail(file, ": invalid Kustomization: unknown field \"", e.key.as_string(), "\"");
    }
    k.fields.set(name, e.value);
  }
  Node& f = k.fields;
  TRY_VOID(check_types(f, file));
  k.kind = std::string(f.string_at({"kind"}));
  k.api_version = std::string(f.string_at({"apiVersion"}));
  if (k.kind.empty()) k.kind = "Kustomization";
  std::string_view want = k.kind == "Component" ? "kustomize.config.k8s.io/v1alpha1"
                                                : "kustomize.config.k8s.io/v1beta1";
  if (k.kind != "Kustomization" && k.kind != "Component") {
    return fail("Failed to read kustomization file ", file,
                ": kind should be Kustomization or Component");
  }
  if (!k.api_version.empty() && k.api_version != want) {
    return fail("Failed to read kustomization file ", file, ": apiVersion for ", k.kind,
                " should be ", want);
  }
  if (k.api_version.empty()) k.api_version = std::string(want);

  // bases -> resources (appended after), imageTags -> images.
  if (const Node* bases = f.find("bases")) {
    Node resources = f.find("resources") ? *f.find("resources") : Node::list();
    append_list(resources, *bases);
    f.set("resources", resources);
    f.erase("bases");
  }
  if (const Node* tags = f.find("imageTags")) {
    Node images = f.find("images") ? *f.find("images") : Node::list();
    append_list(images, *tags);
    f.set("images", images);
    f.erase("imageTags");
  }
  // The old patches form: a list of file names means patchesStrategicMerge.
  if (const Node* patches = f.find("patches");
      patches && patches->is_list() && !patches->empty() && patches->items()[0].is_string()) {
    Node smp = f.find("patchesStrategicMerge") ? *f.find("patchesStrategicMerge") : Node::list();
    append_list(smp, *patches);
    f.set("patchesStrategicMerge", smp);
    f.erase("patches");
  }
  if (Node* g = f.find_mut("configMapGenerator")) fold_env_source(*g);
  if (Node* g = f.find_mut("secretGenerator")) fold_env_source(*g);
  return k;
}

}  // namespace plumb::render
