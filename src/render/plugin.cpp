#include "render/plugin.hpp"

#include "render/kustomization.hpp"

namespace plumb::render {

Result<FieldSpecs> field_specs_of(const Node& config) {
  FieldSpecs specs;
  const Node* list = find_field(config, "fieldSpecs");
  if (list == nullptr || list->is_null()) return specs;
  if (!list->is_list()) return fail("fieldSpecs must be a list");
  for (const Node& item : list->items()) {
    FieldSpec spec = TRY(field_spec_from_node(item, "fieldSpecs"));
    TRY_VOID(merge_field_spec(specs, spec));
  }
  return specs;
}

Node field_specs_node(const FieldSpecs& specs) {
  Node list = Node::list(specs.size());
  for (const FieldSpec& spec : specs) {
    Node n = Node::map();
    if (!spec.gvk.group.empty()) n.set("group", Node::string(spec.gvk.group));
    if (!spec.gvk.version.empty()) n.set("version", Node::string(spec.gvk.version));
    if (!spec.gvk.kind.empty()) n.set("kind", Node::string(spec.gvk.kind));
    n.set("path", Node::string(spec.path));
    if (spec.create) n.set("create", Node::boolean(true));
    list.push_back(std::move(n));
  }
  return list;
}

Result<Node> string_map_of(const Node* map, std::string_view what) {
  Node out = Node::map();
  if (map == nullptr || map->is_null()) return out;
  if (!map->is_map()) return fail(what, " must be a map of strings");
  for (const MapEntry& e : map->entries()) {
    const Node& v = e.value;
    switch (v.type()) {
      case Node::Type::string:
        out.set(e.key.as_string(), v);
        break;
      case Node::Type::null:
        out.set(e.key.as_string(), Node::string(""));
        break;
      default:
        return fail(what, ": value of '", e.key.as_string(),
                    "' must be a string (quote numbers and booleans)");
    }
  }
  return out;
}

Result<Transform> make_transformer(const Node& config, const PluginContext& ctx) {
  std::string_view kind = config.string_at({"kind"});
  if (kind == "PrefixSuffixTransformer") return make_prefix_suffix(config, true, true);
  if (kind == "PrefixTransformer") return make_prefix_suffix(config, true, false);
  if (kind == "SuffixTransformer") return make_prefix_suffix(config, false, true);
  if (kind == "NamespaceTransformer") return make_namespace(config);
  if (kind == "LabelTransformer") return make_labels(config, "labels");
  if (kind == "AnnotationsTransformer") return make_labels(config, "annotations");
  if (kind == "ImageTagTransformer") return make_image_tag(config);
  if (kind == "ReplicaCountTransformer") return make_replica_count(config);
  if (kind == "PatchTransformer") return make_patch(config, ctx);
  if (kind == "PatchStrategicMergeTransformer") return make_patch_smp(config, ctx);
  if (kind == "PatchJson6902Transformer") return make_patch_json6902(config, ctx);
  if (kind == "ReplacementTransformer") return make_replacements(config, ctx);
  if (kind == "SortOrderTransformer") return make_sort_order(config);
  if (kind == "HashTransformer") {
    return Transform([](ResourceSet& set) { return add_hash_suffixes(set); });
  }
  if (kind.empty()) return fail("a transformer config has no kind");
  return fail("transformer kind '", kind, "' (", config.string_at({"apiVersion"}),
              "): exec and container plugins are not supported yet");
}

Result<ResourceSet> run_generator(const Node& config, const PluginContext& ctx) {
  std::string_view kind = config.string_at({"kind"});
  if (kind == "ConfigMapGenerator") return generate_config_map(config, ctx);
  if (kind == "SecretGenerator") return generate_secret(config, ctx);
  if (kind == "IAMPolicyGenerator") return generate_iam_policy(config);
  if (kind.empty()) return fail("a generator config has no kind");
  return fail("generator kind '", kind, "' (", config.string_at({"apiVersion"}),
              "): exec and container plugins are not supported yet");
}

}  // namespace plumb::render
