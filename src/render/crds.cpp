// The `crds:` field: OpenAPI definitions of custom types whose properties carry
// x-kubernetes-object-ref-kind/-api-version (a name reference), x-kubernetes-annotation,
// x-kubernetes-label-selector or x-kubernetes-identity add field specs to the build.
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "render/plugin.hpp"

namespace plumb::render {
namespace {

std::string short_kind(std::string_view type_name) {
  size_t dot = type_name.rfind('.');
  return std::string(dot == std::string_view::npos ? type_name : type_name.substr(dot + 1));
}

std::string join(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& p : path)
    out += (out.empty() ? "" : "/") + p;
  return out;
}

Result<void> load_type(TransformerConfig& config, const Gvk& gvk, const Node& defs,
                       std::string_view type_name, std::vector<std::string> path, int depth) {
  if (depth > 32) return {};
  const Node* def = defs.find(type_name);
  if (def == nullptr) return {};
  const Node* props = def->at_path({"Schema", "properties"});
  if (props == nullptr) props = def->find("properties");
  if (props == nullptr || !props->is_map()) return {};
  for (const MapEntry& e : props->entries()) {
    const Node& prop = e.value;
    std::vector<std::string> here = path;
    here.emplace_back(e.key.as_string());
    auto spec = [&](std::vector<std::string> p) { return FieldSpec{gvk, join(p), false}; };
    if (prop.find("x-kubernetes-annotation") != nullptr) {
      TRY_VOID(merge_field_spec(config.common_annotations, spec(here)));
    }
    if (prop.find("x-kubernetes-label-selector") != nullptr) {
      TRY_VOID(merge_field_spec(config.common_labels, spec(here)));
    }
    if (prop.find("x-kubernetes-identity") != nullptr) {
      TRY_VOID(merge_field_spec(config.name_prefix, spec(here)));
    }
    const Node* version = prop.find("x-kubernetes-object-ref-api-version");
    const Node* kind = prop.find("x-kubernetes-object-ref-kind");
    if (version != nullptr && kind != nullptr) {
      std::string_view name_key = prop.string_at({"x-kubernetes-object-ref-name-key"});
      std::vector<std::string> ref_path = here;
      ref_path.emplace_back(name_key.empty() ? "name" : name_key);
      TransformerConfig one;
      one.name_reference.push_back(
          NameBackRef{Gvk{"", std::string(version->as_string()), std::string(kind->as_string())},
                      {spec(ref_path)}});
      TRY_VOID(config.merge(one));
    }
    if (const Node* ref = prop.find("$ref"); ref != nullptr && ref->is_string()) {
      TRY_VOID(load_type(config, gvk, defs, ref->as_string(), here, depth + 1));
    }
  }
  return {};
}

}  // namespace

Result<TransformerConfig> config_from_crds(std::string_view text, std::string_view source) {
  std::string_view trimmed = text.substr(std::min(text.size(), text.find_first_not_of(" \t\r\n")));
  Node defs;
  if (trimmed.starts_with("{")) {
    defs = TRY(parse_json(text, source));
  } else {
    defs = TRY(parse_yaml(text, source));
  }
  TransformerConfig config;
  if (!defs.is_map()) return fail(source, ": expected a map of OpenAPI definitions");
  if (const Node* inner = defs.find("definitions"); inner && inner->is_map()) defs = *inner;
  for (const MapEntry& e : defs.entries()) {
    Gvk gvk{"", "", short_kind(e.key.as_string())};
    TRY_VOID(load_type(config, gvk, defs, e.key.as_string(), {}, 0));
  }
  return config;
}

}  // namespace plumb::render
