#include "render/field_spec.hpp"

namespace plumb::render {
namespace {

bool is_list_key(std::string_view key) {
  return key.ends_with("[]");
}

std::string_view bare_key(std::string_view key) {
  return is_list_key(key) ? key.substr(0, key.size() - 2) : key;
}

Result<void> walk(Node& node, const std::vector<std::string>& keys, size_t at, bool create,
                  CreateKind kind, const FieldVisitor& visit) {
  if (!node.is_map()) return {};
  const std::string& key = keys[at];
  std::string_view name = bare_key(key);
  bool last = at + 1 == keys.size();
  Node* field = node.find_mut(name);
  bool may_create = create && kind != CreateKind::none && !is_list_key(key);
  if (field == nullptr) {
    if (!may_create) return {};
    node.set(name, last && kind == CreateKind::scalar ? Node::string("") : Node::map());
    field = node.find_mut(name);
  } else if (field->is_null() && may_create) {
    *field = last && kind == CreateKind::scalar ? Node::string("") : Node::map();
  }
  if (last) return visit(*field);
  if (field->is_list()) {
    for (Node& item : field->items_mut())
      TRY_VOID(walk(item, keys, at + 1, create, kind, visit));
    return {};
  }
  return walk(*field, keys, at + 1, create, kind, visit);
}

}  // namespace

std::vector<std::string> split_dotted_path(std::string_view path) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  for (char c : path) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (c == '.' && depth == 0) {
      parts.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(std::move(current));
  return parts;
}

std::vector<std::string> split_field_path(std::string_view path) {
  std::vector<std::string> keys;
  std::string current;
  for (size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '\\' && i + 1 < path.size() && path[i + 1] == '/') {
      current += '/';
      ++i;
    } else if (c == '/') {
      keys.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  keys.push_back(std::move(current));
  return keys;
}

Result<void> visit_field_spec(Node& object, const FieldSpec& spec, CreateKind create,
                              const FieldVisitor& visit) {
  if (!Gvk::of(object).is_selected_by(spec.gvk)) return {};
  std::vector<std::string> keys = split_field_path(spec.path);
  if (keys.empty()) return {};
  return walk(object, keys, 0, spec.create, create, visit);
}

Result<void> visit_field_specs(Node& object, const FieldSpecs& specs, CreateKind create,
                               const FieldVisitor& visit) {
  for (const FieldSpec& spec : specs)
    TRY_VOID(visit_field_spec(object, spec, create, visit));
  return {};
}

Result<void> merge_field_spec(FieldSpecs& specs, const FieldSpec& spec) {
  for (const FieldSpec& have : specs) {
    if (have.gvk == spec.gvk && have.path == spec.path) {
      if (have.create != spec.create) {
        return fail("conflicting fieldspecs for path ", spec.path, " of ", spec.gvk.str());
      }
      return {};
    }
  }
  specs.push_back(spec);
  return {};
}

Result<FieldSpec> field_spec_from_node(const Node& node, std::string_view source) {
  if (!node.is_map()) return fail(source, ": a field spec must be a map");
  FieldSpec spec;
  spec.gvk.group = std::string(node.string_at({"group"}));
  spec.gvk.version = std::string(node.string_at({"version"}));
  spec.gvk.kind = std::string(node.string_at({"kind"}));
  spec.path = std::string(node.string_at({"path"}));
  if (const Node* create = node.find("create")) spec.create = create->as_bool();
  return spec;
}

namespace {

Result<FieldSpecs> spec_list(const Node* node, std::string_view source) {
  FieldSpecs out;
  if (node == nullptr || node->is_null()) return out;
  if (!node->is_list()) return fail(source, ": expected a list of field specs");
  for (const Node& item : node->items()) {
    FieldSpec spec = TRY(field_spec_from_node(item, source));
    TRY_VOID(merge_field_spec(out, spec));
  }
  return out;
}

}  // namespace

Result<TransformerConfig> TransformerConfig::from_node(const Node& doc, std::string_view source) {
  TransformerConfig config;
  if (doc.is_null()) return config;
  if (!doc.is_map()) return fail(source, ": a transformer configuration must be a map");
  struct Slot {
    std::string_view key;
    FieldSpecs TransformerConfig::*specs;
  };
  static constexpr Slot k_slots[] = {
      {"namePrefix", &TransformerConfig::name_prefix},
      {"nameSuffix", &TransformerConfig::name_suffix},
      {"namespace", &TransformerConfig::name_space},
      {"commonLabels", &TransformerConfig::common_labels},
      {"templateLabels", &TransformerConfig::template_labels},
      {"labels", &TransformerConfig::labels},
      {"commonAnnotations", &TransformerConfig::common_annotations},
      {"varReference", &TransformerConfig::var_reference},
      {"images", &TransformerConfig::images},
      {"replicas", &TransformerConfig::replicas},
  };
  for (const MapEntry& entry : doc.entries()) {
    std::string_view key = entry.key.as_string();
    bool known = false;
    for (const Slot& slot : k_slots) {
      if (slot.key == key) {
        config.*slot.specs = TRY(spec_list(&entry.value, source));
        known = true;
      }
    }
    if (key == "nameReference") {
      known = true;
      if (!entry.value.is_list()) continue;
      for (const Node& item : entry.value.items()) {
        NameBackRef ref;
        ref.gvk.group = std::string(item.string_at({"group"}));
        ref.gvk.version = std::string(item.string_at({"version"}));
        ref.gvk.kind = std::string(item.string_at({"kind"}));
        ref.referrers = TRY(spec_list(item.find("fieldSpecs"), source));
        TransformerConfig one;
        one.name_reference.push_back(std::move(ref));
        TRY_VOID(config.merge(one));
      }
    }
    if (!known) return fail(source, ": unknown transformer configuration field '", key, "'");
  }
  return config;
}

Result<void> TransformerConfig::merge(const TransformerConfig& other) {
  auto merge_list = [](FieldSpecs& into, const FieldSpecs& from) -> Result<void> {
    for (const FieldSpec& spec : from)
      TRY_VOID(merge_field_spec(into, spec));
    return {};
  };
  TRY_VOID(merge_list(name_prefix, other.name_prefix));
  TRY_VOID(merge_list(name_suffix, other.name_suffix));
  TRY_VOID(merge_list(name_space, other.name_space));
  TRY_VOID(merge_list(common_labels, other.common_labels));
  TRY_VOID(merge_list(template_labels, other.template_labels));
  TRY_VOID(merge_list(labels, other.labels));
  TRY_VOID(merge_list(common_annotations, other.common_annotations));
  TRY_VOID(merge_list(var_reference, other.var_reference));
  TRY_VOID(merge_list(images, other.images));
  TRY_VOID(merge_list(replicas, other.replicas));
  for (const NameBackRef& ref : other.name_reference) {
    bool found = false;
    for (NameBackRef& have : name_reference) {
      if (have.gvk == ref.gvk) {
        TRY_VOID(merge_list(have.referrers, ref.referrers));
        found = true;
        break;
      }
    }
    if (!found) name_reference.push_back(ref);
  }
  return {};
}

}  // namespace plumb::render
